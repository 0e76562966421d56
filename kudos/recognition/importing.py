"""Bringing kudos history in from another tool (`flask import-kudos FILE.csv`), so that
fatigue detection works from day one. All rows or none; batches; re-running is harmless."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

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

    @property
    def key(self) -> str:
        """Stable per row content: importing the same file twice adds nothing."""
        raw = f"{self.created_at.isoformat()}|{self.giver_id}|{self.recipient_ids}|{self.message}"
        return "import-" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for line, cells in enumerate(csv.reader(handle), start=1):
            if line == 1 and [c.strip().lower() for c in cells] == HEADER:
                continue
            if not any(c.strip() for c in cells):
                continue
            yield line, cells


def check(path: Path) -> tuple[int, list[tuple[int, str]]]:
    """First pass: every problem with its line number (up to 100), and the row count."""
    users = {email: (uid, active) for uid, email, active in db.session.execute(
        select(User.id, User.email, User.active))}
    values = {name.lower(): vid for vid, name in db.session.execute(
        select(Value.id, Value.name))}
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


def _insert():
    dialect = db.engine.dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(Kudos.__table__).on_conflict_do_nothing(
        index_elements=["giver_id", "idempotency_key"])


def load(path: Path, progress=None) -> int:
    """Second pass: insert in batches (each its own transaction); returns rows added."""
    users = {email: (uid, active) for uid, email, active in db.session.execute(
        select(User.id, User.email, User.active))}
    values = {name.lower(): vid for vid, name in db.session.execute(
        select(Value.id, Value.name))}
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
    rows = [{"giver_id": r.giver_id, "kind": "kudos", "message": r.message,
             "value_id": r.value_id, "visibility": "company", "status": "published",
             "idempotency_key": r.key, "created_at": r.created_at} for r in batch]
    with db.engine.begin() as connection:
        inserted = connection.execute(
            _insert().returning(Kudos.__table__.c.id, Kudos.__table__.c.idempotency_key),
            rows).all()
        ids = {key: kudos_id for kudos_id, key in inserted}
        links = [{"kudos_id": ids[r.key], "user_id": uid, "approved": True}
                 for r in batch if r.key in ids for uid in r.recipient_ids]
        if links:
            connection.execute(KudosRecipient.__table__.insert(), links)
    return len(ids)


def total() -> int:
    return db.session.scalar(select(func.count(Kudos.id)))
