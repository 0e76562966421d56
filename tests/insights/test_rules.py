"""The anti-fatigue rule set: the admin page and the API, with bounds, history, a reason, and
edits from a stale version refused (409) rather than lost; new rules apply at once."""

import html
from dataclasses import asdict

import pytest
from babel.numbers import format_decimal
from sqlalchemy import select

from kudos.domain.rules import BOUNDS, Rules
from kudos.extensions import db
from kudos.rules import current_rules, current_version
from kudos.rules.models import RuleChange
from tests.conftest import login

DEFAULTS = asdict(Rules())


def form(version: int, reason: str = "Fewer reminders after the summer survey", **changes):
    """The whole form as the page posts it: every rule, the version read, a reason."""
    data = {}
    for name, value in {**DEFAULTS, **changes}.items():
        if name == "working_hours_only":
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    data["version"] = str(version)
    data["reason"] = reason
    return data


def changes(app) -> list[RuleChange]:
    with app.app_context():
        rows = db.session.scalars(select(RuleChange).order_by(RuleChange.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def state(app) -> tuple[int, Rules]:
    with app.app_context():
        return current_version(), current_rules()


# --- the admin page --------------------------------------------------------------------------


def as_read(number) -> str:
    """A number as the page writes it in English (5.0 reads 5, 10000 reads 10,000)."""
    return format_decimal(number, locale="en")


def test_the_rules_page_shows_every_rule_with_its_bounds_and_default(admin_client):
    response = admin_client.get("/admin/rules")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    for name in Rules.names():
        assert f'name="{name}"' in page
        assert f"<code>{name}</code>" in page
    for name, (low, high) in BOUNDS.items():
        default = as_read(DEFAULTS[name]) if DEFAULTS[name] is not None else "—"
        assert f"From {as_read(low)} to {as_read(high)}; default {default}." in page
    assert 'name="reason"' in page
    assert 'name="version" value="0"' in page
    assert "nobody changed them yet" in page


@pytest.mark.parametrize("role", ["member", "lead"])
def test_only_admins_open_the_rules_page(client, make, role):
    login(client, make.user(role=role))
    assert client.get("/admin/rules").status_code == 403
    assert client.post("/admin/rules", data=form(0)).status_code == 403


def test_saving_a_change_records_who_before_after_and_why(app, admin_client, admin):
    response = admin_client.post("/admin/rules", data=form(0, nudge_min_interval_days=10,
                                                           euphoria_ratio=1.8))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/rules")
    version, rules = state(app)
    assert version == 1
    assert (rules.nudge_min_interval_days, rules.euphoria_ratio) == (10, 1.8)
    [change] = changes(app)
    assert change.version == 1
    assert change.changed_by_id == admin.id
    assert change.changed_at is not None
    assert change.before == {"nudge_min_interval_days": 7, "euphoria_ratio": 1.5}
    assert change.after == {"nudge_min_interval_days": 10, "euphoria_ratio": 1.8}
    assert change.reason == "Fewer reminders after the summer survey"
    page = html.unescape(admin_client.get("/admin/rules").get_data(as_text=True))
    assert "Claire Admin" in page and "Fewer reminders after the summer survey" in page
    assert "<code>nudge_min_interval_days</code>: 7 → 10" in page
    assert 'name="version" value="1"' in page


def test_a_second_change_from_the_new_version_bumps_it_again(app, admin_client):
    assert admin_client.post("/admin/rules", data=form(0, backoff_days=21)).status_code == 303
    second = form(1, backoff_days=21, working_hours_only=False, reason="Night shifts")
    assert admin_client.post("/admin/rules", data=second).status_code == 303
    version, rules = state(app)
    assert version == 2
    assert (rules.backoff_days, rules.working_hours_only) == (21, False)
    assert [c.after for c in changes(app)] == [{"backoff_days": 21},
                                               {"working_hours_only": False}]


@pytest.mark.parametrize(("field", "value", "bounds"), [
    ("daily_kudos_cap", "0", "from 1 to 100"),
    ("daily_kudos_cap", "101", "from 1 to 100"),
    ("euphoria_ratio", "4.5", "from 1.2 to 4"),
    ("decline_ratio", "0.1", "from 0.2 to 0.8"),
    ("dormant_days", "ten", "from 7 to 180"),
    ("backoff_days", "2.5", "from 1 to 90"),
])
def test_a_value_out_of_bounds_is_refused_naming_the_field_and_bounds(app, admin_client, field,
                                                                     value, bounds):
    response = admin_client.post("/admin/rules", data=form(0, **{field: value}))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert f"{field} must be a number {bounds}." in page
    assert f'id="rule-{field}" name="{field}" value="{value}"' in page  # kept as typed
    assert 'aria-invalid="true"' in page
    assert state(app) == (0, Rules())
    assert changes(app) == []


def test_a_change_without_a_reason_is_refused(app, admin_client):
    response = admin_client.post("/admin/rules", data=form(0, reason="   ",
                                                           daily_kudos_cap=5))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Please say why, for the history of the rules." in page
    assert 'id="rule-daily_kudos_cap" name="daily_kudos_cap" value="5"' in page
    assert state(app) == (0, Rules())
    assert changes(app) == []


def test_saving_from_a_stale_version_is_refused_and_nothing_is_lost(app, admin_client, make):
    other = make.user("Other Admin", role="admin")
    with app.app_context():
        from kudos import rules

        rules.change(db.session.get(type(other), other.id), {"backoff_days": 30}, version=0,
                     reason="Longer rest")
    # This admin read version 0 before the other's change, and now saves.
    response = admin_client.post("/admin/rules", data=form(0, daily_kudos_cap=4))
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "Someone changed the rules while you were editing them." in page
    assert 'id="rule-daily_kudos_cap" name="daily_kudos_cap" value="4"' in page  # still typed
    assert 'name="version" value="1"' in page  # the next save applies on top of theirs
    version, current = state(app)
    assert (version, current.backoff_days, current.daily_kudos_cap) == (1, 30, 10)
    assert len(changes(app)) == 1
    # Applying again from the page as it came back works.
    again = form(1, daily_kudos_cap=4, backoff_days=30)
    assert admin_client.post("/admin/rules", data=again).status_code == 303
    version, current = state(app)
    assert (version, current.backoff_days, current.daily_kudos_cap) == (2, 30, 4)


# --- the API ------------------------------------------------------------------------------------


def test_api_reads_the_rules_and_their_version(admin_client):
    response = admin_client.get("/api/v1/admin/rules")
    assert response.status_code == 200
    assert response.get_json() == {"version": 0, "rules": DEFAULTS}


@pytest.mark.parametrize("role", ["member", "lead"])
def test_api_rules_are_for_admins_only(client, make, role):
    login(client, make.user(role=role))
    for response in (client.get("/api/v1/admin/rules"),
                     client.put("/api/v1/admin/rules", json={"version": 0, "reason": "x",
                                                             "rules": {"backoff_days": 3}})):
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"


def test_api_changes_the_rules_with_a_reason(app, admin_client, admin):
    response = admin_client.put("/api/v1/admin/rules", json={
        "version": 0, "reason": "Calmer autumn", "rules": {"campaign_rest_days": 21}})
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 1
    assert body["rules"] == {**DEFAULTS, "campaign_rest_days": 21}
    [change] = changes(app)
    assert (change.changed_by_id, change.reason) == (admin.id, "Calmer autumn")
    assert (change.before, change.after) == ({"campaign_rest_days": 14},
                                             {"campaign_rest_days": 21})


def test_api_refuses_a_stale_version_with_409(app, admin_client):
    first = {"version": 0, "reason": "One", "rules": {"backoff_days": 20}}
    assert admin_client.put("/api/v1/admin/rules", json=first).status_code == 200
    stale = {"version": 0, "reason": "Two", "rules": {"backoff_days": 5}}
    response = admin_client.put("/api/v1/admin/rules", json=stale)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict"
    assert "Someone changed the rules" in error["message"]
    assert state(app)[1].backoff_days == 20


def test_api_refuses_a_value_out_of_bounds_naming_the_field(app, admin_client):
    response = admin_client.put("/api/v1/admin/rules", json={
        "version": 0, "reason": "Too strict", "rules": {"short_window_days": 1}})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["field"] == "short_window_days"
    assert "from 3 to 30" in error["message"]
    assert state(app) == (0, Rules())


@pytest.mark.parametrize(("body", "field"), [
    ({"version": 0, "reason": "x", "rules": {"nope": 1}}, "nope"),
    ({"version": 0, "reason": "", "rules": {"backoff_days": 3}}, "reason"),
    ({"version": 0, "reason": "x", "rules": {"working_hours_only": "yes"}}, "working_hours_only"),
    ({"version": 0, "reason": "x", "rules": {"short_window_days": 28}}, "short_window_days"),
    ({"version": "0", "reason": "x", "rules": {}}, "version"),
    ({"version": 0, "reason": "x", "rules": [1]}, "rules"),
])
def test_api_refuses_bad_changes_with_the_field(app, admin_client, body, field):
    response = admin_client.put("/api/v1/admin/rules", json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["field"] == field
    assert state(app) == (0, Rules())


def test_new_rules_take_effect_at_once(app, admin_client, make):
    giver = make.user("Giver", email="giver@example.com")
    one, two = make.user("One"), make.user("Two")
    response = admin_client.put("/api/v1/admin/rules", json={
        "version": 0, "reason": "One a day, to try", "rules": {"daily_kudos_cap": 1}})
    assert response.status_code == 200
    api = app.test_client()
    login(api, giver)
    first = api.post("/api/v1/kudos", json={"recipient_ids": [one.id], "message": "Thanks!"})
    assert first.status_code == 201
    second = api.post("/api/v1/kudos", json={"recipient_ids": [two.id], "message": "Thanks!"})
    assert second.status_code == 429
    assert second.get_json()["error"]["code"] == "cooldown"
    assert int(second.headers["Retry-After"]) > 0
