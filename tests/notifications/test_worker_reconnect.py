"""A Redis restart must not end the worker or the scheduler: they wait and start again.
Found by bench/load/run.py --faults, where stopping Redis for 30 s left no worker running."""

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from workers import scheduler as scheduler_main
from workers import worker as worker_main


@pytest.fixture
def redis_env(app, monkeypatch):
    """The test app, with a Redis URL that is never contacted here (the fakes stand in)."""
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(worker_main, "create_app", lambda: app)
    monkeypatch.setattr(scheduler_main, "create_app", lambda: app)
    slept: list[float] = []
    monkeypatch.setattr(worker_main.time, "sleep", slept.append)
    return slept


def test_the_worker_waits_for_redis_and_starts_again(redis_env, monkeypatch):
    made = []

    class FlakyWorker:
        def __init__(self, queues, connection, maintenance_interval):
            self.maintenance_interval = maintenance_interval
            made.append(self)
            if len(made) == 2:  # RQ's Worker() asks Redis for the client's address
                raise RedisConnectionError("Error 111 connecting. Connection refused.")

        def work(self, with_scheduler, burst):
            if len(made) < 3:
                raise RedisConnectionError("Error 111 connecting. Connection refused.")

    monkeypatch.setattr(worker_main, "Worker", FlakyWorker)
    assert worker_main.main([]) == 0
    assert len(made) == 3  # two outages survived (in work(), then in Worker()), a normal stop
    assert redis_env == [1, 2]
    # Abandoned jobs are looked for every minute, not RQ's default ten.
    assert made[0].maintenance_interval == worker_main.MAINTENANCE_INTERVAL == 60


def test_a_burst_worker_still_fails_loudly(redis_env, monkeypatch):
    class DownWorker:
        def __init__(self, *args, **kwargs):
            pass

        def work(self, with_scheduler, burst):
            raise RedisConnectionError("down")

    monkeypatch.setattr(worker_main, "Worker", DownWorker)
    with pytest.raises(RedisConnectionError):
        worker_main.main(["--burst"])


def test_the_scheduler_waits_for_redis_and_starts_again(redis_env, monkeypatch):
    starts = []

    class FlakyScheduler:
        def start(self):
            starts.append(1)
            if len(starts) == 1:
                raise RedisConnectionError("Connection closed by server.")

    monkeypatch.setattr(scheduler_main, "build", lambda app, connection: FlakyScheduler())
    assert scheduler_main.main() == 0
    assert len(starts) == 2 and redis_env == [1]
