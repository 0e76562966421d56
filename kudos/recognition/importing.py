"""Bringing kudos history in from another tool (`flask import-kudos FILE.csv`), so that
fatigue detection works from day one.

A first pass checks every row and refuses the file if any row would fail to load (a NUL
character, a date that cannot be stored in UTC, an unknown person…). The second pass loads in
batches, each its own transaction; if one fails all the same (the database went away, someone
was deleted meanwhile), the load stops and says the line to resume from: rows before it are
in, and re-running the same file is harmless (imported rows are recognised and skipped).
The tables filled are ANALYZEd at the end, so that the planner knows their new size."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import SQLAlchemyError

from kudos import polls
from kudos.admin.models import Value
from kudos.auth.models import User
from kudos.bulk import analyze
from kudos.extensions import db, is_postgresql
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


class Unreadable(ValueError):
    """The file cannot be read past `line` (not UTF-8, a field past the csv module's limit)."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


class Stopped(Exception):
    """The load stopped at `line`: rows before it are imported (`added` new ones), none from
    it on. Fix what `reason` says and run the same file again: it resumes there."""

    def __init__(self, line: int, added: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.added, self.reason = line, added, reason


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each row, the line being where the row starts in the file: a
    message may hold line breaks, so rows and lines are not counted alike. A file that cannot
    be read further raises Unreadable, naming the line."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        line = 1
        try:
            for cells in reader:
                if line == 1 and [c.strip().lower() for c in cells] == HEADER:
                    line = reader.line_num + 1
                    continue
                start, line = line, reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                yield start, cells
        except UnicodeDecodeError:
            raise Unreadable(line, "not UTF-8 text (save the file as CSV UTF-8)") from None
        except csv.Error as error:
            raise Unreadable(line, f"the file cannot be read past here ({error})") from None


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
    """First pass: every problem with its line number (up to 100), and the row count. A row
    the load would fail on is a problem here."""
    users, values = _lookups()
    problems: list[tuple[int, str]] = []
    count = 0
    try:
        for line, cells in _rows(path):
            count += 1
            if len(problems) >= MAX_PROBLEMS:
                continue
            try:
                parse(line, cells, users, values)
            except ValueError as error:
                problems.append((line, str(error)))
    except Unreadable as error:
        problems.append((error.line, error.reason))
    return count, problems


def parse(line: int, cells: list[str], users: dict, values: dict) -> Row:
    if len(cells) != 5:
        raise ValueError(f"expected 5 columns ({','.join(HEADER)}), found {len(cells)}")
    for name, cell in zip(HEADER, cells, strict=True):
        if "\x00" in cell:  # PostgreSQL cannot store it in text
            raise ValueError(f"{name} holds a NUL character")
    raw_at, giver_email, recipients, message, value = (c.strip() for c in cells)
    try:
        created_at = datetime.fromisoformat(raw_at.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"created_at is not an ISO 8601 date and time: {raw_at!r}") from None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    try:  # stored in UTC: 0001-01-01T00:00:00+14:00 would be in year 0
        created_at = created_at.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"created_at is out of range once in UTC: {raw_at!r}") from None
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
    """Second pass: insert in batches (each its own transaction); returns rows added. Raises
    Stopped, with the line to resume from, if a row or a batch fails after all."""
    users, values = _lookups()
    added = 0
    batch: list[Row] = []

    def flush() -> None:
        nonlocal added, batch
        try:
            added += _flush(batch)
        except (SQLAlchemyError, ValueError, OverflowError) as error:
            reason = str(getattr(error, "orig", None) or error).splitlines()[0][:300]
            raise Stopped(batch[0].line, added, reason) from error
        if progress:
            progress(len(batch))
        batch = []

    try:
        for line, cells in _rows(path):
            try:
                row = parse(line, cells, users, values)
            except ValueError as error:  # changed since the check (someone deleted, say)
                if batch:
                    flush()
                raise Stopped(line, added, str(error)) from error
            batch.append(row)
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
    except Unreadable as error:
        if batch:
            flush()
        raise Stopped(error.line, added, error.reason) from error
    finally:
        if added:
            analyze("kudos", "kudos_recipients")
            polls.bump(["all"])  # history in any order: every open wall reads again
    return added


def _flush(batch: list[Row]) -> int:
    with db.engine.begin() as connection:
        if is_postgresql(connection):
            inserted = connection.execute(KUDOS_FROM_ARRAYS, {
                "givers": [r.giver_id for r in batch], "messages": [r.message for r in batch],
                "values": [r.value_id for r in batch], "keys": [r.key for r in batch],
                # As UTCDateTime stores them: naive UTC (parse made them UTC).
                "created": [r.created_at.replace(tzinfo=None) for r in batch],
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
        if links and is_postgresql(connection):
            connection.execute(RECIPIENTS_FROM_ARRAYS, {"kudos": [k for k, _u in links],
                                                        "users": [u for _k, u in links]})
        elif links:
            connection.execute(KudosRecipient.__table__.insert(), [
                {"kudos_id": k, "user_id": u, "approved": True} for k, u in links])
    return len(ids)


def total() -> int:
    return db.session.scalar(select(func.count(Kudos.id)))
