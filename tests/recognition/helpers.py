"""Small helpers shared by the recognition and kudos API tests: giving through the operation,
signing people in on their own clients, reading rows back, counting SQL statements."""

import html
import re
import uuid
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import event, func, select, text, update

from kudos.admin.models import Value
from kudos.auth.models import User
from kudos.extensions import db, is_postgresql
from kudos.recognition import operations
from kudos.recognition.models import Comment, Kudos, KudosRecipient, Reaction
from kudos.sqltypes import utcnow
from tests.conftest import login


def give(app, giver, *recipients, message: str = "Thank you for the help!",
         now: datetime | None = None, **fields) -> int:
    """Give a kudos through the operation (as the pages and the API do); returns its id."""
    with app.app_context():
        person = db.session.get(User, giver.id)
        draft = operations.Draft(recipient_ids=[r.id for r in recipients], message=message,
                                 **fields)
        kudos, _created = operations.give(person, draft, now=now)
        return kudos.id


def hide_profile(app, user) -> None:
    """The person hides their profile (after being thanked: a hidden profile cannot be
    picked)."""
    with app.app_context():
        db.session.get(User, user.id).profile_public = False
        db.session.commit()


def client_for(app, user):
    """A fresh test client signed in as `user`."""
    client = app.test_client()
    assert login(client, user).status_code == 303
    return client


def count_kudos(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Kudos.id)))


def kudos_row(app, kudos_id: int) -> Kudos:
    with app.app_context():
        kudos = db.session.get(Kudos, kudos_id)
        db.session.expunge(kudos)
        return kudos


def set_created_at(app, kudos_id: int, moment: datetime) -> None:
    with app.app_context():
        db.session.execute(update(Kudos).where(Kudos.id == kudos_id).values(created_at=moment))
        db.session.commit()


def make_value(app, name: str, *, archived: datetime | None = None) -> int:
    with app.app_context():
        value = Value(name=name, archived_at=archived)
        db.session.add(value)
        db.session.commit()
        return value.id


def react(app, user, kudos_id: int, kind: str = "applause") -> None:
    with app.app_context():
        operations.set_reaction(db.session.get(User, user.id), db.session.get(Kudos, kudos_id),
                                kind, on=True)


def comment(app, user, kudos_id: int, body: str) -> None:
    with app.app_context():
        operations.add_comment(db.session.get(User, user.id), db.session.get(Kudos, kudos_id),
                               body)


def reactions_of(app, kudos_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return sorted(db.session.execute(
            select(Reaction.user_id, Reaction.kind).where(Reaction.kudos_id == kudos_id)
        ).all())


def comments_of(app, kudos_id: int) -> list[str]:
    with app.app_context():
        return db.session.scalars(
            select(Comment.body).where(Comment.kudos_id == kudos_id).order_by(Comment.id)
        ).all()


@contextmanager
def counting_statements(app):
    """Counts every SQL statement the app's engine sends while the block runs."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def page_text(response) -> str:
    """What a reader sees: the HTML without its tags, entities decoded, spaces collapsed."""
    raw = response.get_data(as_text=True)
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", raw)).split())


def insert_kudos(app, giver, recipients, *, message: str = "Thanks!", created_at=None,
                 **fields) -> int:
    """A kudos row written directly (for walls with many items, past the cooldowns)."""
    with app.app_context():
        kudos = Kudos(giver_id=giver.id, message=message, idempotency_key=uuid.uuid4().hex,
                      created_at=created_at or utcnow(), **fields)
        kudos.recipients = [KudosRecipient(user_id=r.id, approved=True) for r in recipients]
        db.session.add(kudos)
        db.session.commit()
        return kudos.id


def midday_zone(app, user) -> str:
    """Move `user` to a time zone where it is about noon now, so that a test about "today"
    never straddles their midnight."""
    offset = 12 - utcnow().hour  # from -11 to +12 hours
    zone = "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(timezone=zone))
        db.session.commit()
    return zone


def forget_planner_statistics(app, *tables: str) -> None:
    """Make the planner statistics of `tables` say "empty" (as before a bulk load)."""
    with app.app_context(), db.engine.begin() as connection:
        if is_postgresql(connection):
            connection.execute(text(f"ANALYZE {', '.join(tables)}"))  # the tables are empty
            return
        connection.execute(text("ANALYZE sqlite_schema"))  # makes sure sqlite_stat1 exists
        for table in tables:
            connection.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})


def planner_rows(app, table: str) -> int:
    """How many rows the database's planner believes `table` has (0 when it knows nothing)."""
    with app.app_context(), db.engine.connect() as connection:
        if is_postgresql(connection):
            found = connection.scalar(text("SELECT reltuples FROM pg_class WHERE relname = :t"),
                                      {"t": table})
            return max(int(found or 0), 0)
        stat = connection.scalar(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t LIMIT 1"),
                                 {"t": table})
        return int(stat.split()[0]) if stat else 0
