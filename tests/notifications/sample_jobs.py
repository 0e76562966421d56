"""Small jobs for the tests of the outbox, the worker and the admin page. They live in an
importable module so that a real worker process can run them too."""

import os
import time
from pathlib import Path

from kudos.notifications.operations import deliver

ran: list[str] = []  # what ran inline, in order (same process only)


def record(value: str) -> str:
    """Remember that it ran, and in which order."""
    ran.append(value)
    return value


def boom(message: str = "the printer is on fire") -> None:
    """Always fails."""
    raise RuntimeError(message)


def slow_notify(user_id: int, key: str, seconds: float, trace: str) -> bool:
    """Write a line to `trace` when it starts (with its process id) and when it ends; sleep
    in between, then deliver one notification with a unique key."""
    log = Path(trace)
    with log.open("a") as handle:
        handle.write(f"start {os.getpid()}\n")
    time.sleep(seconds)
    created = deliver(user_id, "commented", key)
    with log.open("a") as handle:
        handle.write(f"done {os.getpid()}\n")
    return created
