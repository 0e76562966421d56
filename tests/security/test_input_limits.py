"""Input the app refuses whatever the form: bodies past the size limit (413 in the request's
format) and names or titles holding invisible formatting characters (422 naming the field)."""

import pytest
from sqlalchemy import func, select

from kudos.auth.models import Team, User
from kudos.campaigns.models import Campaign
from kudos.extensions import db
from kudos.news.models import NewsItem
from tests.conftest import login

MIB = 1024 * 1024


def test_a_json_body_past_one_mebibyte_is_a_413_json_error(app, admin):
    client = app.test_client()
    login(client, admin)
    body = b'{"message": "' + b"x" * (MIB + 10) + b'", "recipient_ids": [1]}'
    response = client.post("/api/v1/kudos", data=body, content_type="application/json",
                           headers={"X-CSRFToken": "unused in tests"})
    assert response.status_code == 413
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "too_large"
    assert response.get_json()["error"]["message"]


def test_a_form_past_one_mebibyte_is_a_413_page(member_client):
    response = member_client.post("/kudos", data={"message": "x" * (MIB + 10),
                                                  "recipient_ids": "1"})
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "That is more than we can accept in one go." in response.get_data(as_text=True)


def test_an_htmx_form_past_the_limit_gets_its_message_swapped_in(member_client):
    response = member_client.post("/kudos", data={"message": "x" * (MIB + 10)},
                                  headers={"HX-Request": "true"})
    assert response.status_code == 413
    assert response.headers["HX-Retarget"] == "#flash"


def test_a_body_just_under_the_limit_is_read(member_client):
    response = member_client.post("/kudos", data={"message": "x" * (MIB - 4096),
                                                  "recipient_ids": "1"})
    assert response.status_code == 422  # read, and refused for what it says


INVISIBLE = {
    "right-to-left override": "Awa\u202eillaiD",
    "left-to-right isolate": "Awa \u2066Diallo\u2069",
    "zero-width space": "Awa\u200bDiallo",
    "zero-width joiner": "Awa\u200dDiallo",
    "byte-order mark": "\ufeffAwa Diallo",
    "right-to-left mark": "Awa Diallo\u200f",
}


@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_display_name_with_invisible_characters_is_refused(app, member_client, member,
                                                             name):
    response = member_client.post("/settings/", data={
        "name": name, "timezone": "Europe/Paris", "working_days": ["1"],
        "work_start": "09:00", "work_end": "18:00", "digest_frequency": "weekly",
        "notify_mode": "live"})
    assert response.status_code == 422
    assert "invisible formatting characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member.id).name == "Awa Diallo"


@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_team_name_with_invisible_characters_is_refused(app, admin_client, name):
    response = admin_client.post("/admin/teams", data={"name": name, "description": ""})
    assert response.status_code == 422
    assert "invisible formatting characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Team.id))) == 0


def test_titles_with_invisible_characters_are_refused_naming_the_field(app, make):
    lead = make.user("Lina Lead", role="lead", email="lina@example.com")
    client = app.test_client()
    login(client, lead)
    news = client.post("/api/v1/news", json={"title": "Launch\u202e!", "summary": "Hi"},
                       headers={"X-CSRFToken": "x"})
    assert news.status_code == 422
    assert news.get_json()["error"]["field"] == "title"
    campaign = client.post("/api/v1/campaigns", json={
        "title": "Spring\u200b", "kind": "recognition", "starts_on": "2030-01-01",
        "ends_on": "2030-01-31"}, headers={"X-CSRFToken": "x"})
    assert campaign.status_code == 422
    assert campaign.get_json()["error"]["field"] == "title"
    with app.app_context():
        assert db.session.scalar(select(func.count(NewsItem.id))) == 0
        assert db.session.scalar(select(func.count(Campaign.id))) == 0


def test_an_invitation_name_with_invisible_characters_is_refused(app, admin_client):
    response = admin_client.post("/admin/people/invite", data={
        "email": "new@example.com", "name": "Ne\u202ew", "role": "member", "team_id": "0"})
    assert response.status_code == 422
    assert "U+202E" in response.get_data(as_text=True)


def test_ordinary_accents_and_scripts_are_welcome(app, member_client, member):
    response = member_client.post("/settings/", data={
        "name": "Zoé Ŝarā-Ngọc 李 أمينة", "timezone": "Europe/Paris", "working_days": ["1"],
        "work_start": "09:00", "work_end": "18:00", "digest_frequency": "weekly",
        "notify_mode": "live"})
    assert response.status_code == 303
