"""`flask import-kudos FILE.csv`: history from another tool, all rows or none, re-runnable."""

import html
import re
from datetime import UTC, datetime

import pytest
from flask.cli import FlaskGroup, ScriptInfo
from sqlalchemy.exc import OperationalError

from kudos.admin.models import Value
from kudos.extensions import db
from kudos.recognition import importing
from kudos.recognition.models import Kudos, KudosRecipient
from tests.recognition.helpers import forget_planner_statistics, planner_rows

HEADER = "created_at,giver_email,recipient_emails,message,value\n"


@pytest.fixture
def flask_cli(app, monkeypatch):
    """Run a command as `flask --app wsgi …` does, through Flask's group."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    group = FlaskGroup(create_app=lambda: app, add_default_commands=False, load_dotenv=False)
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(group, list(args), obj=ScriptInfo(create_app=lambda: app,
                                                               set_debug_flag=False))

    return invoke


@pytest.fixture
def people(app, make):
    with app.app_context():
        db.session.add(Value(name="Teamwork"))
        db.session.commit()
    return {name: make.user(name.title(), email=f"{name}@example.com")
            for name in ("awa", "bruno", "chen")}


def write(tmp_path, body: str) -> str:
    path = tmp_path / "history.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def imported(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Kudos.id, Kudos.giver_id, Kudos.message, Kudos.value_id,
                      Kudos.created_at).order_by(Kudos.created_at)).all()
        links = db.session.execute(db.select(KudosRecipient.kudos_id, KudosRecipient.user_id,
                                             KudosRecipient.approved)).all()
        return [(giver, message, value, at,
                 sorted(u for k, u, ok in links if k == kudos_id and ok))
                for kudos_id, giver, message, value, at in rows]


GOOD = ('2026-03-02T09:15:00Z,awa@example.com,bruno@example.com;CHEN@example.com,'
        '"Thank you both, for the release",teamwork\n'
        '2026-03-03T10:00:00+02:00,bruno@example.com,awa@example.com,'
        '"Two lines:\nthe fix and the patience",\n'
        '2026-03-04 08:00:00,chen@example.com,awa@example.com,Merci !,Teamwork\n')


def test_a_file_imports_every_row_with_its_recipients_and_again_adds_nothing(
        app, flask_cli, people, tmp_path):
    path = write(tmp_path, GOOD)
    result = flask_cli("import-kudos", path)
    assert result.exit_code == 0, result.output
    assert "Imported 3 kudos (0 already there)." in result.output
    awa, bruno, chen = (people[n].id for n in ("awa", "bruno", "chen"))
    with app.app_context():
        teamwork = db.session.scalar(db.select(Value.id))
    assert imported(app) == [
        (awa, "Thank you both, for the release", teamwork,
         datetime(2026, 3, 2, 9, 15, tzinfo=UTC), sorted([bruno, chen])),
        (bruno, "Two lines:\nthe fix and the patience", None,
         datetime(2026, 3, 3, 8, 0, tzinfo=UTC), [awa]),
        (chen, "Merci !", teamwork, datetime(2026, 3, 4, 8, 0, tzinfo=UTC), [awa]),
    ]

    again = flask_cli("import-kudos", path)
    assert again.exit_code == 0, again.output
    assert "Imported 0 kudos (3 already there)." in again.output
    assert len(imported(app)) == 3


def test_the_same_row_twice_in_a_file_is_one_kudos(app, flask_cli, people, tmp_path):
    row = "2026-03-02T09:15:00Z,awa@example.com,bruno@example.com,Thanks for the demo,\n"
    result = flask_cli("import-kudos", write(tmp_path, row + row))
    assert result.exit_code == 0, result.output
    assert "Imported 1 kudos (1 already there)." in result.output
    assert [r[4] for r in imported(app)] == [[people["bruno"].id]]


def test_a_bad_row_imports_nothing_and_is_reported_on_its_line(app, flask_cli, people,
                                                                tmp_path):
    # The second row's message spans two lines: the bad row starts on line 5, not 4.
    bad = GOOD.replace("Merci !,Teamwork", "Merci !,Kindness").replace(
        "chen@example.com,awa", "chen@example.com,nobody@example.com;awa")
    result = flask_cli("import-kudos", write(tmp_path, bad))
    assert result.exit_code == 1
    assert "line 5: no account for the recipient 'nobody@example.com'" in result.output
    assert "Nothing imported: problems in history.csv." in result.output
    assert imported(app) == []


def test_rows_the_load_would_fail_on_are_refused_by_the_check(app, flask_cli, people,
                                                              tmp_path):
    bad = GOOD + ('2026-03-05T08:00:00Z,awa@example.com,bruno@example.com,"Nul\x00here",\n'
                  '0001-01-01T00:00:00+14:00,awa@example.com,chen@example.com,Long ago,\n')
    result = flask_cli("import-kudos", write(tmp_path, bad))
    assert result.exit_code == 1
    assert "line 6: message holds a NUL character" in result.output
    assert "line 7: created_at is out of range once in UTC" in result.output
    assert "Nothing imported" in result.output
    assert imported(app) == []


def test_a_file_that_is_not_utf8_is_refused_with_its_line(app, flask_cli, people, tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes((HEADER + GOOD).encode() + "2026-03-05T08:00:00Z,awa@example.com,"
                     "bruno@example.com,Caf\xe9 offert,\n".encode("latin-1"))
    result = flask_cli("import-kudos", str(path))
    assert result.exit_code == 1
    assert "not UTF-8 text" in result.output and "line " in result.output
    assert imported(app) == []


def test_a_load_that_stops_midway_says_where_to_resume_and_running_again_completes(
        app, flask_cli, people, tmp_path, monkeypatch):
    rows = "".join(f"2026-03-{day:02d}T09:00:00Z,awa@example.com,bruno@example.com,Day {day},\n"
                   for day in range(1, 8))
    path = write(tmp_path, rows)
    monkeypatch.setattr(importing, "BATCH", 3)
    real_flush = importing._flush

    def database_gone(batch):
        if batch[0].message == "Day 4":
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real_flush(batch)

    monkeypatch.setattr(importing, "_flush", database_gone)
    result = flask_cli("import-kudos", path)
    assert result.exit_code == 1
    # Lines 2-4 hold days 1-3 (imported); day 4 is on line 5.
    assert "Stopped at line 5: server closed the connection" in result.output
    assert "Rows before line 5 are imported (3 new kudos)" in result.output
    assert "resumes at line 5" in result.output
    assert [r[1] for r in imported(app)] == ["Day 1", "Day 2", "Day 3"]

    monkeypatch.setattr(importing, "_flush", real_flush)
    again = flask_cli("import-kudos", path)
    assert again.exit_code == 0, again.output
    assert "Imported 4 kudos (3 already there)." in again.output
    assert [r[1] for r in imported(app)] == [f"Day {day}" for day in range(1, 8)]


def test_the_import_leaves_fresh_planner_statistics(app, flask_cli, people, tmp_path):
    forget_planner_statistics(app, "kudos", "kudos_recipients")
    rows = "".join(f"2026-03-{day:02d}T09:00:00Z,awa@example.com,bruno@example.com;"
                   f"chen@example.com,Day {day},\n" for day in range(1, 8))
    assert flask_cli("import-kudos", write(tmp_path, rows)).exit_code == 0
    assert planner_rows(app, "kudos") == 7
    assert planner_rows(app, "kudos_recipients") == 14


def test_imported_history_never_comes_up_as_new_on_an_open_wall(app, flask_cli, people, make,
                                                                tmp_path):
    """The import writes history in any order, with ids above today's kudos: a wall open
    before the import keeps polling, and only a kudos given afterwards comes up as new."""
    from tests.recognition.helpers import client_for, insert_kudos

    reader = make.user("Dana Reader", email="dana@example.com")
    today = insert_kudos(app, people["awa"], [people["bruno"]], message="Given today")
    client = client_for(app, reader)
    wall = client.get("/").get_data(as_text=True)
    poll = html.unescape(re.search(r'id="newer-poll"[^>]*hx-get="([^"]+)"', wall).group(1))

    result = flask_cli("import-kudos", write(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.min(Kudos.id)).where(Kudos.id != today)) > today
    htmx = {"HX-Request": "true"}
    assert client.get(poll, headers=htmx).status_code == 204
    assert client.get(poll, headers=htmx).status_code == 204

    fresh = insert_kudos(app, people["chen"], [people["awa"]], message="Just now")
    answer = client.get(poll, headers=htmx).get_data(as_text=True)
    assert re.findall(r'id="kudos-(\d+)"', answer) == [str(fresh)]
    assert "Merci" not in answer and "release" not in answer
