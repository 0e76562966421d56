"""Bringing kudos history in from another tool (`flask import-kudos FILE.csv`), so that
fatigue detection works from day one. All rows or none; batches; re-running is harmless."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.dialects import sqlite

from kudos.admin.models import Value
from kudos.auth.models import User
from kudos.extensions import db
from kudos.recognition.models import Kudos, KudosRecipient

HEADER = ["created_at", "giver_email", "recipient_emails", "message", "value"]
BATCH = 5000
MAX_PROBLEMS = 100


@dataclass
class Row:
    line: int
    created_at: datetime
    giver_id: int
    recipient_ids: list[int]
    message: str
    value_id: int | None
    key: str = field(init=False)

    def __post_init__(self) -> None:
        # Stable per row content: importing the same file twice adds nothing. Computed once.
        raw = f"{self.created_at.isoformat()}|{self.giver_id}|{self.recipient_ids}|{self.message}"
        self.key = "import-" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each row, the line being where the row starts in the file: a
    message may hold line breaks, so rows and lines are not counted alike."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        line = 1
        for cells in reader:
            if line == 1 and [c.strip().lower() for c in cells] == HEADER:
                line = reader.line_num + 1
                continue
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            yield start, cells


def _lookups() -> tuple[dict, dict]:
    """People by email and values by name, read once; the read transaction ends here so
    that no connection sits idle in a transaction for the length of the file."""
    users = {email: (uid, active) for uid, email, active in db.session.execute(
        select(User.id, User.email, User.active))}
    values = {name.lower(): vid for vid, name in db.session.execute(
        select(Value.id, Value.name))}
    db.session.rollback()
    return users, values


def check(path: Path) -> tuple[int, list[tuple[int, str]]]:
    """First pass: every problem with its line number (up to 100), and the row count."""
    users, values = _lookups()
    problems: list[tuple[int, str]] = []
    count = 0
    for line, cells in _rows(path):
        count += 1
        if len(problems) >= MAX_PROBLEMS:
            continue
        try:
            parse(line, cells, users, values)
        except ValueError as error:
            problems.append((line, str(error)))
    return count, problems


def parse(line: int, cells: list[str], users: dict, values: dict) -> Row:
    if len(cells) != 5:
        raise ValueError(f"expected 5 columns ({','.join(HEADER)}), found {len(cells)}")
    raw_at, giver_email, recipients, message, value = (c.strip() for c in cells)
    try:
        created_at = datetime.fromisoformat(raw_at.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"created_at is not an ISO 8601 date and time: {raw_at!r}") from None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    if created_at > datetime.now(UTC):
        raise ValueError("created_at is in the future")
    giver = users.get(giver_email.lower())
    if giver is None:
        raise ValueError(f"no account for the giver {giver_email!r}")
    emails = [e.strip().lower() for e in recipients.split(";") if e.strip()]
    if not emails:
        raise ValueError("no recipient")
    if len(emails) > 10:
        raise ValueError("more than 10 recipients")
    recipient_ids = []
    for email in dict.fromkeys(emails):
        found = users.get(email)
        if found is None:
            raise ValueError(f"no account for the recipient {email!r}")
        if found[0] == giver[0]:
            raise ValueError("the giver is among the recipients")
        recipient_ids.append(found[0])
    if not message:
        raise ValueError("the message is empty")
    if len(message) > 1000:
        raise ValueError("the message is longer than 1,000 characters")
    value_id = None
    if value:
        value_id = values.get(value.lower())
        if value_id is None:
            raise ValueError(f"unknown company value {value!r} (create it first)")
    return Row(line, created_at, giver[0], recipient_ids, message, value_id)


# PostgreSQL: a batch is one statement over arrays (unnest), not a multi-row VALUES with
# eight parameters a row. The VALUES form spent more time having its 40,000-parameter text
# parsed by the driver than the server spent inserting, and the recipients went one
# statement a row.
KUDOS_FROM_ARRAYS = text("""
    INSERT INTO kudos (giver_id, kind, message, value_id, visibility, status,
                       idempotency_key, created_at)
    SELECT g, 'kudos', m, v, 'company', 'published', k, c
    FROM unnest(CAST(:givers AS integer[]), CAST(:messages AS text[]),
                CAST(:values AS integer[]), CAST(:keys AS text[]),
                CAST(:created AS timestamp[])) AS r(g, m, v, k, c)
    ON CONFLICT (giver_id, idempotency_key) DO NOTHING
    RETURNING id, idempotency_key""")
RECIPIENTS_FROM_ARRAYS = text("""
    INSERT INTO kudos_recipients (kudos_id, user_id, approved)
    SELECT k, u, true
    FROM unnest(CAST(:kudos AS integer[]), CAST(:users AS integer[])) AS r(k, u)""")


def load(path: Path, progress=None) -> int:
    """Second pass: insert in batches (each its own transaction); returns rows added."""
    users, values = _lookups()
    added = 0
    batch: list[Row] = []
    for line, cells in _rows(path):
        batch.append(parse(line, cells, users, values))
        if len(batch) >= BATCH:
            added += _flush(batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        added += _flush(batch)
        if progress:
            progress(len(batch))
    return added


def _flush(batch: list[Row]) -> int:
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            inserted = connection.execute(KUDOS_FROM_ARRAYS, {
                "givers": [r.giver_id for r in batch], "messages": [r.message for r in batch],
                "values": [r.value_id for r in batch], "keys": [r.key for r in batch],
                # As UTCDateTime stores them: naive UTC.
                "created": [r.created_at.astimezone(UTC).replace(tzinfo=None) for r in batch],
            }).all()
        else:
            inserted = connection.execute(
                sqlite.insert(Kudos.__table__).on_conflict_do_nothing(
                    index_elements=["giver_id", "idempotency_key"])
                .returning(Kudos.__table__.c.id, Kudos.__table__.c.idempotency_key),
                [{"giver_id": r.giver_id, "kind": "kudos", "message": r.message,
                  "value_id": r.value_id, "visibility": "company", "status": "published",
                  "idempotency_key": r.key, "created_at": r.created_at} for r in batch]).all()
        ids = {key: kudos_id for kudos_id, key in inserted}
        # The same row twice in a batch is inserted once: its recipients are linked once.
        links, linked = [], set()
        for r in batch:
            if r.key in ids and r.key not in linked:
                linked.add(r.key)
                links += [(ids[r.key], uid) for uid in r.recipient_ids]
        if links and connection.dialect.name == "postgresql":
            connection.execute(RECIPIENTS_FROM_ARRAYS, {"kudos": [k for k, _u in links],
                                                        "users": [u for _k, u in links]})
        elif links:
            connection.execute(KudosRecipient.__table__.insert(), [
                {"kudos_id": k, "user_id": u, "approved": True} for k, u in links])
    return len(ids)


def total() -> int:
    return db.session.scalar(select(func.count(Kudos.id)))
