"""What the benchmark scripts share: the PostgreSQL server they make throw-away databases on,
progress on stderr, percentiles, and a throw-away redis-server on a free 127.0.0.1 port."""

import socket
import subprocess
import sys
import time

from redis import Redis

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank); NaN for no values (a kind of request never made)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_redis(port: int, tries: int = 100) -> None:
    """Until the server on `port` answers PING (50 ms between tries)."""
    client = Redis(port=port)
    try:
        for _ in range(tries):
            try:
                client.ping()
                return
            except Exception:  # noqa: BLE001 (not up yet)
                time.sleep(0.05)
    finally:
        client.close()


def start_redis() -> tuple[subprocess.Popen, str]:
    """A redis-server that keeps nothing on disk; returns the process and its URL."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_redis(port)
    return server, f"redis://127.0.0.1:{port}/0"
