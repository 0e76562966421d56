"""The `flask` commands: create-user, create-token, import-users, seed-demo."""

import io
import re

import pytest
from flask.cli import FlaskGroup, ScriptInfo

from kudos import demo
from kudos.admin.importing import import_people
from kudos.admin.models import Topic, Value
from kudos.auth.models import Invitation, Team, User
from kudos.extensions import db
from kudos.jobs import PeriodicRun
from tests.conftest import PASSWORD, login
from tests.recognition.helpers import forget_planner_statistics, planner_rows

HEADER = "email,name,team,role\n"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def person(app, email: str) -> dict | None:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            return None
        return {"name": user.name, "role": user.role,
                "team": user.team.name if user.team else None,
                "led": sorted(t.name for t in user.led_teams),
                "has_password": user.password_hash is not None}


@pytest.fixture
def flask_cli(app, monkeypatch):
    """Run a command as `flask --app wsgi …` does: through Flask's group, which pushes the
    app context (the commands are plain click commands and rely on it)."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # the group sets it; undone after
    group = FlaskGroup(create_app=lambda: app, add_default_commands=False, load_dotenv=False)
    runner = app.test_cli_runner()

    def invoke(*args: str, **kwargs):
        info = ScriptInfo(create_app=lambda: app, set_debug_flag=False)
        return runner.invoke(group, list(args), obj=info, **kwargs)

    return invoke


# --- create-user --------------------------------------------------------------------------


def create_user(flask_cli, *extra, email="Mei.Chen@Example.com", password=PASSWORD):
    return flask_cli("create-user", "--email", email, "--name", "Mei Chen",
                     "--password", password, *extra)


def test_create_user_makes_an_account_that_can_sign_in(app, flask_cli, client):
    result = create_user(flask_cli, "--role", "lead", "--team", "Customer care")
    assert result.exit_code == 0, result.output
    assert "Created lead mei.chen@example.com" in result.output
    assert person(app, "mei.chen@example.com") == {
        "name": "Mei Chen", "role": "lead", "team": "Customer care",
        "led": ["Customer care"], "has_password": True}
    assert login(client, "mei.chen@example.com").status_code == 303
    assert client.get("/api/v1/me").get_json()["email"] == "mei.chen@example.com"


def test_create_user_asks_for_the_password_twice(flask_cli, client):
    result = flask_cli("create-user", "--email", "mei@example.com", "--name", "Mei Chen",
                       input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input
    assert login(client, "mei@example.com").status_code == 303


def test_create_user_puts_a_new_person_in_an_existing_team(app, flask_cli, make):
    make.team("Sales")
    assert create_user(flask_cli, "--team", "Sales").exit_code == 0
    assert count(app, Team) == 1
    assert person(app, "mei.chen@example.com")["team"] == "Sales"


@pytest.mark.parametrize(("password", "message"), [
    ("iloveyou", "one of the most common ones"),
    ("Password1", "one of the most common ones"),
    ("short", "Use at least 8 characters."),
    ("mei.chen", "cannot be your email address or your name"),
])
def test_create_user_refuses_a_weak_password(app, flask_cli, password, message):
    result = create_user(flask_cli, password=password)
    assert result.exit_code != 0
    assert message in result.output
    assert count(app, User) == 0


def test_create_user_refuses_a_bad_email(app, flask_cli):
    result = create_user(flask_cli, email="not-an-email")
    assert result.exit_code != 0
    assert "Please enter a valid email address." in result.output
    assert count(app, User) == 0


def test_create_user_refuses_a_taken_email(app, flask_cli, member):
    result = create_user(flask_cli, email="AWA@example.com")
    assert result.exit_code != 0
    assert "someone already has this email" in result.output
    assert count(app, User) == 1
    assert person(app, "awa@example.com")["name"] == "Awa Diallo"


# --- create-token -------------------------------------------------------------------------


def test_create_token_prints_a_working_token(app, flask_cli, member):
    result = flask_cli("create-token", "--email", "Awa@example.com", "--name", "Slack bot")
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("kudos_") and "\n" not in secret
    response = app.test_client().get("/api/v1/me",
                                     headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.get_json()["email"] == "awa@example.com"


def test_create_token_refuses_unknown_or_deactivated_people(flask_cli, make):
    gone = make.user(active=False)
    for email in ("nobody@example.com", gone.email):
        result = flask_cli("create-token", "--email", email, "--name", "bot")
        assert result.exit_code != 0
        assert "no active account with this email" in result.output


def test_create_token_refuses_a_blank_name(flask_cli, member):
    result = flask_cli("create-token", "--email", member.email, "--name", "  ")
    assert result.exit_code != 0
    assert "Give the token a name" in result.output


# --- import-users -------------------------------------------------------------------------


GOOD_CSV = HEADER + (
    "hugo@example.com,Hugo Martin,Itineraries,member\n"
    "Lea@Example.com,Léa Bernard,Itineraries,lead\n"
    "karim@example.com,Karim Benali,sales,LEAD\n"
    "\n"
    "mei@example.com,Mei Chen,,\n"
)


def write_csv(tmp_path, text: str):
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_creates_people_and_teams(app, flask_cli, make, tmp_path):
    make.team("Sales")
    result = flask_cli("import-users", write_csv(tmp_path, GOOD_CSV))
    assert result.exit_code == 0, result.output
    assert "Imported 4 people." in result.output
    assert "/invite/" not in result.output  # links only when asked for
    assert person(app, "hugo@example.com") == {
        "name": "Hugo Martin", "role": "member", "team": "Itineraries", "led": [],
        "has_password": False}
    assert person(app, "lea@example.com")["led"] == ["Itineraries"]
    assert person(app, "karim@example.com") | {"has_password": None} == {
        "name": "Karim Benali", "role": "lead", "team": "Sales", "led": ["Sales"],
        "has_password": None}  # the existing team, whatever the case
    assert person(app, "mei@example.com")["team"] is None
    assert person(app, "mei@example.com")["role"] == "member"
    with app.app_context():
        assert sorted(db.session.scalars(db.select(Team.name))) == ["Itineraries", "Sales"]
    assert login(app.test_client(), "hugo@example.com").status_code == 200  # not yet


def test_imported_people_activate_their_account_through_the_printed_link(app, flask_cli,
                                                                         tmp_path):
    result = flask_cli("import-users", "--print-links", write_csv(tmp_path, GOOD_CSV))
    assert result.exit_code == 0, result.output
    links = dict(re.findall(r"^(\S+@\S+)\t(\S+)$", result.output, re.MULTILINE))
    assert sorted(links) == ["hugo@example.com", "karim@example.com", "lea@example.com",
                             "mei@example.com"]
    assert all(link.startswith(app.config["BASE_URL"] + "/invite/") for link in links.values())

    path = links["lea@example.com"].removeprefix(app.config["BASE_URL"])
    browser = app.test_client()
    assert 'value="Léa Bernard"' in browser.get(path).get_data(as_text=True)
    response = browser.post(path, data={"name": "Léa B.", "password": PASSWORD})
    assert response.status_code == 303
    assert browser.get("/api/v1/me").get_json()["name"] == "Léa B."
    assert person(app, "lea@example.com") == {
        "name": "Léa B.", "role": "lead", "team": "Itineraries", "led": ["Itineraries"],
        "has_password": True}
    assert count(app, User) == 4  # the imported row was used, not a second one
    assert app.test_client().get(path).status_code == 404  # once only
    assert login(app.test_client(), "lea@example.com").status_code == 303

    other = links["hugo@example.com"].removeprefix(app.config["BASE_URL"])
    assert app.test_client().get(other).status_code == 200  # each link is its own


def test_import_with_bad_rows_reports_each_and_imports_nothing(app, flask_cli, tmp_path, member):
    text = HEADER + (
        "hugo@example.com,Hugo Martin,Itineraries,member\n"
        "not-an-email,Bad Email,Itineraries,member\n"
        "lea@example.com,Léa Bernard,Itineraries,boss\n"
        "karim@example.com,Karim Benali,Sales,lead\n"
    )
    result = flask_cli("import-users", write_csv(tmp_path, text))
    assert result.exit_code != 0
    assert "line 3:" in result.output and "valid email" in result.output
    assert "line 4:" in result.output and "role must be one of" in result.output
    assert "line 2:" not in result.output and "line 5:" not in result.output
    assert "Nothing imported: 2 problem(s)" in result.output
    assert count(app, User) == 1
    assert count(app, Team) == 0
    assert count(app, Invitation) == 0


def test_import_refuses_repeated_emails_and_short_rows(app, flask_cli, tmp_path, member):
    text = HEADER + (
        "AWA@example.com,Awa Again,Sales,member\n"
        "hugo@example.com,Hugo Martin,Sales,member\n"
        "Hugo@example.com,Hugo Twice,Sales,member\n"
        "mei@example.com,Mei Chen\n"
        "sam@example.com,,Sales,member\n"
    )
    result = flask_cli("import-users", write_csv(tmp_path, text))
    assert result.exit_code != 0
    for line, words in [(2, "already has an account: skipped"), (4, "also on line 3"),
                        (5, "expected 4 columns"), (6, "name")]:
        assert re.search(rf"line {line}:.*{words}", result.output), (line, result.output)
    assert "line 3:" not in result.output
    assert "Nothing imported: 3 problem(s)" in result.output
    assert count(app, User) == 1
    assert count(app, Team) == 0


def test_import_skips_people_who_already_have_an_account_and_imports_the_rest(
        app, flask_cli, tmp_path, member):
    text = HEADER + (
        "hugo@example.com,Hugo Martin,Sales,member\n"
        "AWA@example.com,Awa Again,Sales,lead\n"
        "mei@example.com,Mei Chen,,\n"
    )
    result = flask_cli("import-users", "--print-links", write_csv(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert "line 3: awa@example.com already has an account: skipped" in result.output
    assert "Imported 2 people." in result.output
    assert "1 already had an account (skipped)." in result.output
    links = dict(re.findall(r"^(\S+@\S+)\t(\S+)$", result.output, re.MULTILINE))
    assert sorted(links) == ["hugo@example.com", "mei@example.com"]
    assert person(app, "awa@example.com") == {  # untouched
        "name": "Awa Diallo", "role": "member", "team": None, "led": [], "has_password": True}
    assert person(app, "hugo@example.com")["team"] == "Sales"
    # Running the same file again adds nobody and says why.
    again = flask_cli("import-users", write_csv(tmp_path, text))
    assert again.exit_code == 0, again.output
    assert "Imported 0 people." in again.output
    assert "3 already had an account (skipped)." in again.output
    assert count(app, User) == 3


def test_skip_bad_rows_imports_the_good_ones_and_reports_the_bad(app, flask_cli, tmp_path):
    text = HEADER + (
        "hugo@example.com,Hugo Martin,Sales,member\n"
        "not-an-email,Bad Email,Sales,member\n"
        "lea@example.com,Léa Bernard,Sales,boss\n"
    )
    result = flask_cli("import-users", "--skip-bad-rows", write_csv(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert "line 3:" in result.output and "line 4:" in result.output
    assert "Imported 1 people." in result.output and "2 bad row(s) left out." in result.output
    assert count(app, User) == 1 and person(app, "hugo@example.com") is not None


def test_the_people_import_is_an_operation_with_a_report_per_line(app, member):
    text = HEADER + (
        "hugo@example.com,Hugo Martin,Sales,member\n"
        "awa@example.com,Awa Again,,\n"
        "\n"
        "lea@example.com,Léa Bernard,Sales,boss\n"
    )
    with app.app_context():
        checked = import_people(io.StringIO(text), dry_run=True)
        assert [(r.line, r.status, r.email, r.field) for r in checked.lines] == [
            (2, "ready", "hugo@example.com", None), (3, "exists", "awa@example.com", None),
            (5, "invalid", "lea@example.com", "role")]
        assert not checked.imported
        refused = import_people(io.StringIO(text))
        assert not refused.imported and refused.lines[0].status == "ready"
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1
        admin = db.session.get(User, member.id)
        done = import_people(io.StringIO(text), admin, skip_bad_rows=True)
        assert done.imported
        assert [(r.line, r.status) for r in done.lines] == [
            (2, "created"), (3, "exists"), (5, "invalid")]
        assert done.created[0].secret and done.skipped[0].secret is None
        assert "role must be one of" in done.problems[0].message
        invitation = db.session.scalar(db.select(Invitation))
        assert (invitation.email, invitation.created_by_id) == ("hugo@example.com", member.id)


def test_the_people_import_leaves_fresh_planner_statistics(app, flask_cli, tmp_path):
    forget_planner_statistics(app, "users", "invitations")
    assert flask_cli("import-users", write_csv(tmp_path, GOOD_CSV)).exit_code == 0
    assert planner_rows(app, "users") == 4
    assert planner_rows(app, "invitations") == 4


def test_import_of_a_missing_file_fails(flask_cli, tmp_path):
    result = flask_cli("import-users", str(tmp_path / "nope.csv"))
    assert result.exit_code != 0
    assert "does not exist" in result.output


# --- seed-demo ----------------------------------------------------------------------------


def test_seed_demo_if_empty_loads_the_company_once(app, flask_cli, client):
    first = flask_cli("seed-demo", "--if-empty")
    assert first.exit_code == 0, first.output
    assert "Demo company loaded" in first.output
    people = count(app, User)
    assert 35 <= people <= 45
    assert (count(app, Team), count(app, Value), count(app, Topic)) == (6, 5, 5)
    with app.app_context():
        leads = db.session.scalars(db.select(User).where(User.role == "lead")).all()
        assert len(leads) == 6
        assert all(lead.led_teams == [lead.team] for lead in leads)

    admin_email = re.search(r"admin ([^\s,]+@[^\s,]+)", first.output).group(1)
    assert login(client, admin_email, demo.PASSWORD).status_code == 303
    assert client.get("/admin/").status_code == 200

    second = flask_cli("seed-demo", "--if-empty")
    assert second.exit_code == 0, second.output
    assert "demo data not loaded" in second.output
    assert count(app, User) == people
    assert count(app, Team) == 6


def test_seed_demo_if_empty_leaves_a_real_company_alone(app, flask_cli, member):
    result = flask_cli("seed-demo", "--if-empty")
    assert result.exit_code == 0
    assert "demo data not loaded" in result.output
    assert count(app, User) == 1
    assert count(app, Team) == 0


def test_run_periodic_runs_the_named_jobs_and_records_them_for_the_admin_page(
    app, flask_cli, admin_client
):
    """Without Redis there is no scheduler: cron calls `flask run-periodic`, and the admin
    page shows the run."""
    result = flask_cli("run-periodic", "outbox-prune", "fatigue-scan")
    assert result.exit_code == 0, result.output
    assert "outbox-prune: ok" in result.output and "fatigue-scan: ok" in result.output
    with app.app_context():
        runs = {run.name: run.status for run in db.session.scalars(db.select(PeriodicRun))}
    assert runs == {"outbox-prune": "ok", "fatigue-scan": "ok"}
    page = admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "outbox-prune" in page and "flask run-periodic" in page


@pytest.mark.parametrize("args", [(), ("digests-of-doom",)])
def test_run_periodic_names_the_jobs_when_asked_for_none_or_an_unknown_one(flask_cli, args):
    result = flask_cli("run-periodic", *args)
    assert result.exit_code == 2
    assert "notification-digests" in result.output and "fatigue-scan" in result.output
