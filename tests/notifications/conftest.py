"""Fixtures of background work: a local SMTP server, the app switched to Redis, a throwaway
Redis server that a test may stop and start again, and an RQ burst worker."""

import socket
import subprocess
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from redis import Redis
from rq import Queue, SimpleWorker

from kudos.extensions import db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox(Message):
    """Keeps every message; refuses them with a 554 while `refuse` is set."""

    def __init__(self):
        super().__init__()
        self.messages = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.3.0 Not today, thank you"
        return await super().handle_DATA(server, session, envelope)

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    """A local SMTP server on 127.0.0.1; the app's SMTP settings point at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    monkeypatch.setitem(app.config, "SMTP_USERNAME", "")
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "BASE_URL", "https://kudos.example")
    yield inbox
    controller.stop()


@pytest.fixture
def rq_queue(app, redis_url):
    connection = Redis.from_url(redis_url)
    yield Queue(app.config["RQ_QUEUE"], connection=connection)
    connection.close()


def work(app, queue: Queue) -> None:
    """Run every queued job with a burst SimpleWorker, in the app context, as a worker does."""
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        db.session.remove()


class RedisServer:
    """A `redis-server` of our own on a free port: stopped and started again by the test."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        client = Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            while True:
                try:
                    client.ping()
                    return
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server():
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=10)
