"""`flask import-kudos FILE.csv`: history from another tool, all rows or none, re-runnable."""

from datetime import UTC, datetime

import pytest
from flask.cli import FlaskGroup, ScriptInfo

from kudos.admin.models import Value
from kudos.extensions import db
from kudos.recognition.models import Kudos, KudosRecipient

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
