"""API v1 for kudos: giving (with the same rules and errors as the pages), the feed, one kudos,
reactions, comments, withdrawing and hiding, notifications."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from kudos.api.operations import create_token
from kudos.audit import AuditLog
from kudos.auth.models import User
from kudos.extensions import db
from kudos.recognition.models import Kudos
from kudos.sqltypes import utcnow
from tests.recognition.helpers import (
    comments_of,
    count_kudos,
    give,
    insert_kudos,
    kudos_row,
    make_value,
    midday_zone,
    reactions_of,
    set_created_at,
)


def token_for(app, user) -> dict:
    with app.app_context():
        _token, secret = create_token(db.session.get(User, user.id), "tests")
    return {"Authorization": f"Bearer {secret}"}


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error.get("field") == field, error
    return error


@pytest.fixture
def api(app):
    return app.test_client()


@pytest.fixture
def hugo(make):
    return make.user("Hugo Martin", email="hugo@example.com")


@pytest.fixture
def lea(make):
    return make.user("Lea Moreau", email="lea@example.com")


@pytest.fixture
def awa_auth(app, member):
    return token_for(app, member)


def is_iso_with_zone(text: str) -> bool:
    return datetime.fromisoformat(text).tzinfo is not None


# --- giving -----------------------------------------------------------------------------------


def test_give_answers_201_with_the_kudos(app, api, member, awa_auth, hugo, lea):
    response = api.post("/api/v1/kudos", headers=awa_auth, json={
        "recipient_ids": [hugo.id, lea.id], "message": "Thanks for the release notes"})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body["id"], int)
    assert body["kind"] == "kudos"
    assert body["message"] == "Thanks for the release notes"
    assert body["giver"] == {"id": member.id, "name": "Awa Diallo"}
    assert body["recipients"] == [{"id": hugo.id, "name": "Hugo Martin"},
                                  {"id": lea.id, "name": "Lea Moreau"}]
    assert body["visibility"] == "company" and body["status"] == "published"
    assert body["value"] is None and body["link_url"] is None and body["edited_at"] is None
    assert body["reactions"] == {"applause": 0, "plus_one": 0, "mine": []}
    assert body["comments"] == []
    assert is_iso_with_zone(body["created_at"])
    assert count_kudos(app) == 1


def test_give_a_highlight_with_value_link_and_audience(app, api, awa_auth, hugo):
    value_id = make_value(app, "Craft")
    body = api.post("/api/v1/kudos", headers=awa_auth, json={
        "recipient_ids": [hugo.id], "message": "Worth a read", "kind": "highlight",
        "work_title": "Onboarding guide", "link_url": "https://wiki.example.com/onboarding",
        "why_it_matters": "New people find their way", "value_id": value_id,
        "visibility": "team"}).get_json()
    assert body["kind"] == "highlight"
    assert body["work_title"] == "Onboarding guide"
    assert body["link_url"] == "https://wiki.example.com/onboarding"
    assert body["why_it_matters"] == "New people find their way"
    assert body["value"] == {"id": value_id, "name": "Craft"}
    assert body["visibility"] == "team"


def test_give_to_someone_who_approves_first_is_pending(app, api, awa_auth, make):
    shy = make.user("Sam Shy", approve_kudos=True)
    body = api.post("/api/v1/kudos", headers=awa_auth,
                    json={"recipient_ids": [shy.id], "message": "Thanks"}).get_json()
    assert body["status"] == "pending"


def test_the_same_idempotency_key_gives_the_first_kudos_again(app, api, awa_auth, hugo):
    headers = {**awa_auth, "Idempotency-Key": "bot-run-42"}
    payload = {"recipient_ids": [hugo.id], "message": "Thanks from the bot"}
    first = api.post("/api/v1/kudos", headers=headers, json=payload)
    again = api.post("/api/v1/kudos", headers=headers, json=payload)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert count_kudos(app) == 1
    other = api.post("/api/v1/kudos", headers={**awa_auth, "Idempotency-Key": "bot-run-43"},
                     json=payload)
    assert other.status_code == 201
    assert count_kudos(app) == 2


def test_an_idempotency_key_in_the_body_works_too(app, api, awa_auth, hugo):
    payload = {"recipient_ids": [hugo.id], "message": "Thanks", "idempotency_key": "k-1"}
    first = api.post("/api/v1/kudos", headers=awa_auth, json=payload)
    again = api.post("/api/v1/kudos", headers=awa_auth, json=payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert count_kudos(app) == 1


def test_extra_fields_cannot_set_giver_time_or_status(app, api, member, awa_auth, hugo, lea):
    response = api.post("/api/v1/kudos", headers=awa_auth, json={
        "recipient_ids": [hugo.id], "message": "Thanks", "giver_id": lea.id,
        "created_at": "2020-01-01T00:00:00+00:00", "status": "hidden", "id": 424242,
        "edited_at": "2020-01-02T00:00:00+00:00", "hidden_by_id": lea.id})
    assert response.status_code == 201
    body = response.get_json()
    assert body["giver"]["id"] == member.id
    assert body["status"] == "published" and body["edited_at"] is None
    assert body["id"] != 424242
    row = kudos_row(app, body["id"])
    assert (row.giver_id, row.status, row.hidden_by_id) == (member.id, "published", None)
    assert utcnow() - row.created_at < timedelta(minutes=5)


def _bad(p: dict) -> dict:
    """Each bad payload, and the field the error must name."""
    base = {"recipient_ids": [p["hugo"].id], "message": "Thanks"}
    return {
        "ids_not_a_list": ({**base, "recipient_ids": p["hugo"].id}, "recipient_ids"),
        "ids_of_text": ({**base, "recipient_ids": [str(p["hugo"].id)]}, "recipient_ids"),
        "ids_of_booleans": ({**base, "recipient_ids": [True]}, "recipient_ids"),
        "ids_empty": ({**base, "recipient_ids": []}, "recipient_ids"),
        "ids_missing": ({"message": "Thanks"}, "recipient_ids"),
        "message_missing": ({"recipient_ids": [p["hugo"].id]}, "message"),
        "message_empty": ({**base, "message": ""}, "message"),
        "message_blank": ({**base, "message": " \n "}, "message"),
        "message_too_long": ({**base, "message": "x" * 1001}, "message"),
        "message_not_text": ({**base, "message": 42}, "message"),
        "self": ({**base, "recipient_ids": [p["hugo"].id, p["me"].id]}, "recipient_ids"),
        "eleven": ({**base, "recipient_ids": [u.id for u in p["many"]]}, "recipient_ids"),
        "unknown": ({**base, "recipient_ids": [p["hugo"].id, 987654]}, "recipient_ids"),
        "deactivated": ({**base, "recipient_ids": [p["gone"].id]}, "recipient_ids"),
        "javascript_link": ({**base, "link_url": "javascript:alert(1)"}, "link_url"),
        "ftp_link": ({**base, "link_url": "ftp://files.example.com/x"}, "link_url"),
        "link_not_text": ({**base, "link_url": 5}, "link_url"),
        "highlight_javascript_link": ({**base, "kind": "highlight", "work_title": "Report",
                                       "link_url": "javascript:alert(1)"}, "link_url"),
        "highlight_without_title": ({**base, "kind": "highlight"}, "work_title"),
        "unknown_value": ({**base, "value_id": 987654}, "value_id"),
        "archived_value": ({**base, "value_id": p["archived"]}, "value_id"),
        "value_not_a_number": ({**base, "value_id": "craft"}, "value_id"),
        "value_boolean": ({**base, "value_id": True}, "value_id"),
        "campaign": ({**base, "campaign_id": 987654}, "campaign_id"),
        "visibility": ({**base, "visibility": "everyone on earth"}, "visibility"),
        "kind": ({**base, "kind": "poem"}, "kind"),
    }


class _Stub:
    id = 0


BAD_CASES = list(_bad({"hugo": _Stub, "me": _Stub, "gone": _Stub, "many": [],
                       "archived": 0}))


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_is_a_validation_error_naming_the_field(app, api, make, member, awa_auth,
                                                          hugo, case):
    people = {"hugo": hugo, "me": member, "gone": make.user("Gone Person", active=False),
              "many": [make.user() for _ in range(11)],
              "archived": make_value(app, "Old value", archived=utcnow())}
    payload, field = _bad(people)[case]
    response = api.post("/api/v1/kudos", headers=awa_auth, json=payload)
    assert_error(response, 422, "validation_error", field)
    assert count_kudos(app) == 0


def test_a_body_that_is_not_a_json_object_is_refused(app, api, awa_auth, hugo):
    for kwargs in ({"json": [hugo.id]}, {"data": "recipient_ids=1",
                                         "content_type": "application/x-www-form-urlencoded"}):
        assert_error(api.post("/api/v1/kudos", headers=awa_auth, **kwargs), 422,
                     "validation_error", "body")
    assert count_kudos(app) == 0


def test_fourth_kudos_to_the_same_colleague_is_a_cooldown_with_retry_after(
        app, api, member, awa_auth, hugo):
    now = utcnow()
    for days in (3, 2, 1):
        give(app, member, hugo, now=now - timedelta(days=days))
    response = api.post("/api/v1/kudos", headers=awa_auth,
                        json={"recipient_ids": [hugo.id], "message": "Again"})
    error = assert_error(response, 429, "cooldown")
    assert "You've thanked Hugo Martin 3 times this week" in error["message"]
    assert isinstance(error["retry_after"], int)
    # The oldest of the three leaves the week in four days.
    assert 4 * 86400 - 120 <= error["retry_after"] <= 4 * 86400
    assert response.headers["Retry-After"] == str(error["retry_after"])
    assert count_kudos(app) == 3


def test_eleventh_kudos_of_the_day_is_a_cooldown_until_tomorrow(app, api, make, member,
                                                                awa_auth):
    midday_zone(app, member)
    now = utcnow()
    for i in range(10):
        give(app, member, make.user(), now=now - timedelta(seconds=20 - i))
    response = api.post("/api/v1/kudos", headers=awa_auth,
                        json={"recipient_ids": [make.user().id], "message": "One more"})
    error = assert_error(response, 429, "cooldown")
    assert "You've given 10 kudos today" in error["message"]
    assert 0 < error["retry_after"] <= 25 * 3600
    assert int(response.headers["Retry-After"]) == error["retry_after"]
    assert count_kudos(app) == 10


def test_no_credentials_is_401(api):
    assert_error(api.post("/api/v1/kudos", json={"recipient_ids": [1], "message": "Hi"}),
                 401, "unauthenticated")
    assert_error(api.get("/api/v1/kudos"), 401, "unauthenticated")


# --- the feed and one kudos -------------------------------------------------------------------


def test_the_feed_walks_every_kudos_once_newest_first(app, api, member, awa_auth, hugo, lea):
    now = utcnow().replace(microsecond=0)
    made = []
    for i in range(23):
        at = now - timedelta(minutes=i // 4)  # groups of four share their moment
        made.append((at, insert_kudos(app, hugo, [lea], message=f"Kudos {i}", created_at=at)))
    expected = [kudos_id for _at, kudos_id in sorted(made, reverse=True)]
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/kudos?limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url, headers=awa_auth).get_json()
        pages += 1
        assert len(body["items"]) <= 5
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert pages < 10
    assert pages == 5
    assert len(seen) == len(set(seen)) == 23
    assert seen == expected


def test_the_feed_default_page_and_filters(app, api, member, awa_auth, hugo, lea):
    for i in range(21):
        insert_kudos(app, hugo, [lea], message=f"Kudos {i}",
                     created_at=utcnow() - timedelta(minutes=i))
    mine = give(app, member, hugo, message="From Awa")
    body = api.get("/api/v1/kudos", headers=awa_auth).get_json()
    assert len(body["items"]) == 20 and body["next_cursor"]
    given = api.get("/api/v1/kudos?scope=given", headers=awa_auth).get_json()
    assert [item["id"] for item in given["items"]] == [mine]
    assert given["next_cursor"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=lots", "cursor=%%%",
                                   "cursor=WzEsMl0"])
def test_bad_paging_is_a_validation_error(api, awa_auth, hugo, lea, app, query):
    insert_kudos(app, hugo, [lea])
    response = api.get(f"/api/v1/kudos?{query}", headers=awa_auth)
    assert_error(response, 422, "validation_error", query.split("=")[0])


def test_the_feed_shows_only_what_the_caller_may_see(app, api, make, member, awa_auth, hugo,
                                                      lea):
    public = give(app, hugo, lea, message="Public")
    give(app, hugo, lea, message="Private", visibility="recipients")
    ids = [item["id"] for item in api.get("/api/v1/kudos", headers=awa_auth).get_json()["items"]]
    assert ids == [public]
    lea_ids = [item["id"] for item in api.get(
        "/api/v1/kudos", headers=token_for(app, lea)).get_json()["items"]]
    assert len(lea_ids) == 2


def test_a_hidden_profile_is_masked_in_the_feed_and_the_kudos_stays(app, api, make, member,
                                                                    awa_auth, hugo, lea):
    quiet = make.user("Quinn Quiet")
    kudos_id = give(app, hugo, quiet, lea, message="About a hidden profile")
    api.post(f"/api/v1/kudos/{kudos_id}/comments", headers=token_for(app, quiet),
             json={"body": "Thank you!"})
    with app.app_context():
        db.session.get(User, quiet.id).profile_public = False
        db.session.commit()
    masked = {"id": None, "name": "a colleague"}
    feed = api.get("/api/v1/kudos", headers=awa_auth).get_json()["items"]
    assert [item["id"] for item in feed] == [kudos_id]
    one = api.get(f"/api/v1/kudos/{kudos_id}", headers=awa_auth).get_json()
    for body in (feed[0], one):
        assert body["recipients"] == [masked, {"id": lea.id, "name": "Lea Moreau"}]
        assert body["comments"][0]["author"] == masked
        assert "Quinn" not in str(body)
    own = api.get(f"/api/v1/kudos/{kudos_id}", headers=token_for(app, quiet)).get_json()
    assert own["recipients"][0] == {"id": quiet.id, "name": "Quinn Quiet"}
    assert own["comments"][0]["author"] == {"id": quiet.id, "name": "Quinn Quiet"}


def test_one_kudos_with_recipients_reactions_and_comments(app, api, member, awa_auth, hugo,
                                                          lea):
    kudos_id = give(app, hugo, lea, message="For the migration")
    api.post(f"/api/v1/kudos/{kudos_id}/reactions", headers=awa_auth, json={"kind": "plus_one"})
    api.post(f"/api/v1/kudos/{kudos_id}/comments", headers=awa_auth, json={"body": "Agreed"})
    response = api.get(f"/api/v1/kudos/{kudos_id}", headers=awa_auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["recipients"] == [{"id": lea.id, "name": "Lea Moreau"}]
    assert body["reactions"] == {"applause": 0, "plus_one": 1, "mine": ["plus_one"]}
    assert [(c["author"]["id"], c["body"]) for c in body["comments"]] == [(member.id, "Agreed")]
    assert is_iso_with_zone(body["comments"][0]["created_at"])


def test_a_private_kudos_is_404_to_a_third_person(app, api, awa_auth, hugo, lea):
    kudos_id = give(app, hugo, lea, message="Private", visibility="recipients")
    assert_error(api.get(f"/api/v1/kudos/{kudos_id}", headers=awa_auth), 404, "not_found")
    assert api.get(f"/api/v1/kudos/{kudos_id}", headers=token_for(app, lea)).status_code == 200
    for response in (
        api.post(f"/api/v1/kudos/{kudos_id}/reactions", headers=awa_auth,
                 json={"kind": "applause"}),
        api.post(f"/api/v1/kudos/{kudos_id}/comments", headers=awa_auth, json={"body": "Hi"}),
        api.delete(f"/api/v1/kudos/{kudos_id}", headers=awa_auth),
    ):
        assert_error(response, 404, "not_found")
    assert reactions_of(app, kudos_id) == [] and comments_of(app, kudos_id) == []
    assert_error(api.get("/api/v1/kudos/987654", headers=awa_auth), 404, "not_found")


# --- reactions and comments -------------------------------------------------------------------


def test_a_second_identical_reaction_is_not_counted_and_delete_removes_it(app, api, member,
                                                                          awa_auth, hugo, lea):
    kudos_id = give(app, hugo, lea)
    for _ in range(2):
        response = api.post(f"/api/v1/kudos/{kudos_id}/reactions", headers=awa_auth,
                            json={"kind": "applause"})
        assert response.status_code == 201
        assert response.get_json() == {"applause": 1, "plus_one": 0, "mine": ["applause"]}
    assert reactions_of(app, kudos_id) == [(member.id, "applause")]
    response = api.delete(f"/api/v1/kudos/{kudos_id}/reactions/applause", headers=awa_auth)
    assert response.status_code == 204
    assert reactions_of(app, kudos_id) == []
    again = api.delete(f"/api/v1/kudos/{kudos_id}/reactions/applause", headers=awa_auth)
    assert again.status_code == 204
    assert api.get(f"/api/v1/kudos/{kudos_id}", headers=awa_auth).get_json()["reactions"] == {
        "applause": 0, "plus_one": 0, "mine": []}


def test_reactions_refused_with_the_field(app, api, member, awa_auth, hugo):
    kudos_id = give(app, member, hugo)
    assert_error(api.post(f"/api/v1/kudos/{kudos_id}/reactions", headers=awa_auth,
                          json={"kind": "plus_one"}), 422, "validation_error", "kind")
    assert_error(api.post(f"/api/v1/kudos/{kudos_id}/reactions", headers=awa_auth,
                          json={"kind": "heart"}), 422, "validation_error", "kind")
    assert_error(api.post(f"/api/v1/kudos/{kudos_id}/reactions", headers=awa_auth,
                          json={}), 422, "validation_error", "kind")
    assert_error(api.delete(f"/api/v1/kudos/{kudos_id}/reactions/heart", headers=awa_auth),
                 422, "validation_error", "kind")
    assert reactions_of(app, kudos_id) == []


def test_comments_are_added_and_empty_ones_refused(app, api, member, awa_auth, hugo, lea):
    kudos_id = give(app, hugo, lea)
    response = api.post(f"/api/v1/kudos/{kudos_id}/comments", headers=awa_auth,
                        json={"body": "  Well deserved  "})
    assert response.status_code == 201
    body = response.get_json()
    assert isinstance(body["id"], int)
    assert body["body"] == "Well deserved"
    assert body["author"] == {"id": member.id, "name": "Awa Diallo"}
    assert is_iso_with_zone(body["created_at"])
    for payload in ({"body": ""}, {"body": "   "}, {}, {"body": "z" * 501}, {"body": 12}):
        assert_error(api.post(f"/api/v1/kudos/{kudos_id}/comments", headers=awa_auth,
                              json=payload), 422, "validation_error", "body")
    assert comments_of(app, kudos_id) == ["Well deserved"]


# --- withdrawing and hiding -------------------------------------------------------------------


def test_the_giver_withdraws_within_the_window_and_it_leaves_the_feed(app, api, member,
                                                                      awa_auth, hugo):
    kudos_id = give(app, member, hugo, message="Oops, wrong person")
    assert api.delete(f"/api/v1/kudos/{kudos_id}", headers=awa_auth).status_code == 204
    feed = api.get("/api/v1/kudos", headers=awa_auth).get_json()["items"]
    assert kudos_id not in [item["id"] for item in feed]
    assert_error(api.get(f"/api/v1/kudos/{kudos_id}", headers=awa_auth), 404, "not_found")
    assert kudos_row(app, kudos_id).status == "withdrawn"  # kept, not deleted
    assert count_kudos(app) == 1


def test_the_giver_cannot_withdraw_after_the_window(app, api, member, awa_auth, hugo):
    kudos_id = give(app, member, hugo)
    set_created_at(app, kudos_id, utcnow() - timedelta(minutes=16))
    error = assert_error(api.delete(f"/api/v1/kudos/{kudos_id}", headers=awa_auth), 422,
                         "validation_error")
    assert "15 minutes" in error["message"]
    assert kudos_row(app, kudos_id).status == "published"


def test_someone_who_reads_it_but_did_not_give_it_is_forbidden_to_withdraw(app, api, member,
                                                                           awa_auth, hugo, lea):
    kudos_id = give(app, hugo, lea)
    # The recipient and a colleague both read it: it exists for them, so 403 says why.
    for auth in (token_for(app, lea), awa_auth):
        assert api.get(f"/api/v1/kudos/{kudos_id}", headers=auth).status_code == 200
        error = assert_error(api.delete(f"/api/v1/kudos/{kudos_id}", headers=auth), 403,
                             "forbidden")
        assert "giver" in error["message"]
    assert kudos_row(app, kudos_id).status == "published"


def test_someone_who_cannot_read_it_gets_not_found_when_withdrawing(app, api, awa_auth, hugo,
                                                                     lea):
    kudos_id = give(app, hugo, lea, visibility="recipients")
    assert_error(api.delete(f"/api/v1/kudos/{kudos_id}", headers=awa_auth), 404, "not_found")
    assert kudos_row(app, kudos_id).status == "published"


def test_an_admin_hides_with_a_reason_and_it_is_audited(app, api, admin, member, hugo,
                                                        awa_auth):
    kudos_id = give(app, member, hugo, message="Something unkind")
    set_created_at(app, kudos_id, utcnow() - timedelta(days=2))
    admin_auth = token_for(app, admin)
    assert_error(api.delete(f"/api/v1/kudos/{kudos_id}", headers=admin_auth), 422,
                 "validation_error", "reason")
    assert_error(api.delete(f"/api/v1/kudos/{kudos_id}", headers=admin_auth,
                            json={"reason": "   "}), 422, "validation_error", "reason")
    assert kudos_row(app, kudos_id).status == "published"
    response = api.delete(f"/api/v1/kudos/{kudos_id}", headers=admin_auth,
                          json={"reason": "Unkind to a colleague"})
    assert response.status_code == 204
    row = kudos_row(app, kudos_id)
    assert (row.status, row.hidden_by_id, row.hidden_reason) == (
        "hidden", admin.id, "Unkind to a colleague")
    with app.app_context():
        entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "kudos.hidden")).one()
        assert (entry.actor_id, entry.target_id) == (admin.id, kudos_id)
        assert entry.details["reason"] == "Unkind to a colleague"
    for auth in (awa_auth, token_for(app, hugo)):
        feed = api.get("/api/v1/kudos", headers=auth).get_json()["items"]
        assert kudos_id not in [item["id"] for item in feed]
    assert count_kudos(app) == 1


# --- notifications ----------------------------------------------------------------------------


def test_notifications_list_with_cursor(app, api, member, hugo, lea, awa_auth):
    first = give(app, member, hugo, message="One")
    second = give(app, lea, hugo, message="Two")
    api.post(f"/api/v1/kudos/{first}/comments", headers=token_for(app, lea),
             json={"body": "Nice"})
    hugo_auth = token_for(app, hugo)
    body = api.get("/api/v1/notifications", headers=hugo_auth).get_json()
    items = body["items"]
    assert [(n["kind"], n["kudos_id"], n["actor"]["id"]) for n in items] == [
        ("commented", first, lea.id), ("thanked", second, lea.id), ("thanked", first, member.id)]
    assert all(n["read_at"] is None and is_iso_with_zone(n["created_at"]) for n in items)
    assert items[0]["actor"] == {"id": lea.id, "name": "Lea Moreau"}
    assert body["next_cursor"] is None

    seen, cursor = [], None
    while True:
        url = "/api/v1/notifications?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(url, headers=hugo_auth).get_json()
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [n["id"] for n in items]
    # Giver and bystanders have nothing about it.
    assert [n["kind"] for n in api.get("/api/v1/notifications",
                                       headers=awa_auth).get_json()["items"]] == ["commented"]


def test_notifications_bad_cursor(api, awa_auth):
    assert_error(api.get("/api/v1/notifications?cursor=WyJ4Il0", headers=awa_auth), 422,
                 "validation_error", "cursor")


def test_the_kudos_created_at_is_the_servers_time(app, api, awa_auth, hugo):
    before = datetime.now(UTC)
    body = api.post("/api/v1/kudos", headers=awa_auth,
                    json={"recipient_ids": [hugo.id], "message": "Now"}).get_json()
    created = datetime.fromisoformat(body["created_at"])
    assert before - timedelta(seconds=5) <= created <= datetime.now(UTC) + timedelta(seconds=5)
    with app.app_context():
        assert db.session.scalar(select(Kudos.id)) == body["id"]


@pytest.mark.parametrize("kudos_id", ["2147483648", "12385469144", "99999999999999999999"])
def test_an_id_past_what_the_database_holds_is_not_found_whatever_the_method(api, awa_auth,
                                                                               kudos_id):
    # werkzeug took a failed conversion under DELETE's rule for a method mismatch (405).
    for method in ("get", "delete"):
        response = getattr(api, method)(f"/api/v1/kudos/{kudos_id}", headers=awa_auth)
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("fields", [{"profile_public": False}, {"active": False}, {}],
                         ids=["hidden", "deactivated", "unknown"])
def test_giving_to_a_hidden_or_departed_colleague_by_id_is_refused_without_their_name(
        app, api, make, awa_auth, fields):
    person = make.user("Hana Hidden", email="hana@example.com", **fields)
    person_id = person.id if fields else 987654
    response = api.post("/api/v1/kudos", headers=awa_auth,
                        json={"recipient_ids": [person_id], "message": "Thank you"})
    error = assert_error(response, 422, "validation_error", "recipient_ids")
    assert "Hana Hidden" not in response.get_data(as_text=True)
    assert error["message"].startswith("We could not find one of the colleagues picked.")
    assert count_kudos(app) == 0
