"""A real worker process (`python -m workers.worker`), killed and stopped for real: a job
killed in the middle completes once after recovery; SIGTERM lets the current job finish.

Every test is bounded by deadlines, and kills whatever it started in a `finally`.
"""

import contextlib
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, Worker
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.scheduler import RQScheduler
from sqlalchemy import func, select

from kudos import jobs
from kudos.extensions import db
from kudos.notifications.models import Notification
from tests.conftest import use_redis
from tests.notifications import sample_jobs

ROOT = Path(__file__).resolve().parents[2]
SLOW = 3.0  # seconds the sample job sleeps: long enough to be killed in the middle


def session_pids(session_id: int) -> list[int]:
    """Every live process of a session (the worker's: it started one with start_new_session),
    so that the worker, its scheduler and its work-horses are all found by their id."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session_id:  # fields after "(comm)": state, ppid, pgrp, session
            found.append(int(entry.name))
    return found


class WorkerProcess:
    def __init__(self, env: dict, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/python"), "-m", "workers.worker"], cwd=ROOT, env=env,
            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_until_listening(self, connection: Redis, queue: Queue, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited early:\n{self.log.read_text()}")
            if any(w.pid == self.pid for w in Worker.all(connection=connection, queue=queue)):
                return
            time.sleep(0.1)
        pytest.fail(f"the worker did not start:\n{self.log.read_text()}")

    def kill_all(self) -> None:
        for pid in session_pids(self.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def fault_app(app, redis_server):
    """The app on a Redis server of this test's own, so that no other test run's workers take
    its jobs (nor its workers theirs)."""
    use_redis(app, redis_server.url)
    yield app
    use_redis(app, None)


@pytest.fixture
def fault_env(fault_app, database_url, redis_server):
    """The worker's environment: the test database, the test's Redis, a secret key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUDOS_")}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_server.url, SECRET_KEY="test-secret",
               PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    return env


@pytest.fixture
def workers(fault_env, tmp_path):
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(fault_env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill_all()


def wait_for(predicate, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    detail = f"\n{log.read_text()}" if log and log.exists() else ""
    pytest.fail(f"timed out waiting for {what}{detail}")


def trace_lines(trace: Path) -> list[str]:
    return trace.read_text().split() if trace.exists() else []


def starts(trace: Path) -> list[int]:
    """The process ids that started the job, in order."""
    words = trace_lines(trace)
    return [int(pid) for word, pid in zip(words[::2], words[1::2], strict=True)
            if word == "start"]


def dones(trace: Path) -> int:
    return trace_lines(trace)[::2].count("done")


def rows(app, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Notification.id))
                                 .where(Notification.dedupe_key == key))


def enqueue_slow(app, user, trace: Path, seconds: float = SLOW) -> tuple[Job, str]:
    key = f"fault:{uuid.uuid4().hex}"
    with app.app_context():
        job = jobs.enqueue(sample_jobs.slow_notify, user.id, key, seconds, str(trace))
    return job, key


@pytest.fixture
def connection(redis_server):
    client = Redis.from_url(redis_server.url)
    yield client
    client.close()


@pytest.fixture
def queue(app, connection):
    return Queue(app.config["RQ_QUEUE"], connection=connection)


def test_a_work_horse_killed_mid_job_is_retried_and_completes_once(
    fault_app, workers, connection, queue, member, tmp_path
):
    trace = tmp_path / "trace.txt"
    worker = workers()
    worker.wait_until_listening(connection, queue)
    job, key = enqueue_slow(fault_app, member, trace)

    horse = wait_for(lambda: starts(trace), 20, "the job to start", worker.log)[0]
    assert horse != worker.pid  # a forked work-horse runs it
    os.kill(horse, signal.SIGKILL)

    # The worker sees its horse die, and RQ retries the job after its back-off (10 s).
    wait_for(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, 45,
             "the retried job to finish", worker.log)
    assert len(starts(trace)) == 2 and dones(trace) == 1
    assert rows(fault_app, key) == 1
    job.refresh()
    assert job.retries_left == 2  # one retry used by the kill
    assert worker.process.poll() is None  # the worker itself lived on


def test_a_worker_killed_with_its_horse_mid_job_completes_once_after_recovery(
    fault_app, workers, connection, queue, member, tmp_path
):
    """The whole machine goes: worker and horse get SIGKILL. A new worker starts; once the
    dead worker's heartbeat has expired, RQ's registry maintenance finds the abandoned job
    and retries it. The test plays the passing time instead of waiting for it."""
    trace = tmp_path / "trace.txt"
    first = workers()
    first.wait_until_listening(connection, queue)
    job, key = enqueue_slow(fault_app, member, trace)
    wait_for(lambda: starts(trace), 20, "the job to start", first.log)
    first.kill_all()
    assert dones(trace) == 0 and rows(fault_app, key) == 0
    assert job.get_status(refresh=True) == JobStatus.STARTED  # nobody knows yet

    # What time does: the dead scheduler's lock expires, and the started-job entry outlives
    # its heartbeat (the maintenance then moves it on, as `cleanup` does here).
    connection.delete(RQScheduler.get_locking_key(queue.name))
    second = workers()
    second.wait_until_listening(connection, queue)
    registry = StartedJobRegistry(queue=queue)
    assert registry.get_job_ids(cleanup=False)  # the abandoned entry
    registry.cleanup(timestamp=time.time() + 24 * 3600)
    assert job.get_status(refresh=True) in (JobStatus.SCHEDULED, JobStatus.QUEUED)

    wait_for(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, 45,
             "the abandoned job to complete", second.log)
    assert len(starts(trace)) == 2 and dones(trace) == 1
    assert rows(fault_app, key) == 1


def test_sigterm_lets_the_current_job_finish_then_the_worker_exits(
    fault_app, workers, connection, queue, member, tmp_path
):
    trace = tmp_path / "trace.txt"
    worker = workers()
    worker.wait_until_listening(connection, queue)
    job, key = enqueue_slow(fault_app, member, trace)
    later, later_key = enqueue_slow(fault_app, member, tmp_path / "later.txt", seconds=0)
    wait_for(lambda: starts(trace), 20, "the job to start", worker.log)

    sent = time.monotonic()
    worker.process.send_signal(signal.SIGTERM)
    try:
        code = worker.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the worker did not stop:\n{worker.log.read_text()}")
    assert code == 0, worker.log.read_text()
    assert time.monotonic() - sent > 0.5  # it waited for the job, it did not drop it
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert dones(trace) == 1 and rows(fault_app, key) == 1
    # It took nothing more: the next job waits for the next worker.
    assert later.get_status(refresh=True) == JobStatus.QUEUED
    assert rows(fault_app, later_key) == 0
    assert "warm shut down requested" in worker.log.read_text().lower()
