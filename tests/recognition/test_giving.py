"""Giving through the pages: thanking, highlighting, bad input, double submits, cooldowns,
editing and withdrawing, and kudos that wait for a recipient's approval."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from kudos import rules
from kudos.auth.models import User
from kudos.extensions import db
from kudos.notifications.models import Notification
from kudos.recognition import operations
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.sqltypes import utcnow
from tests.recognition.helpers import (
    client_for,
    count_kudos,
    give,
    kudos_row,
    make_value,
    midday_zone,
    page_text,
    set_created_at,
)


@pytest.fixture
def hugo(make):
    return make.user("Hugo Martin", email="hugo@example.com")


@pytest.fixture
def lea(make):
    return make.user("Lea Moreau", email="lea@example.com")


def form(*recipients, message="Thank you for the sprint review", **fields) -> dict:
    data = {"recipient_ids": [str(getattr(r, "id", r)) for r in recipients], "message": message,
            "visibility": "company", "kind": "kudos"}
    data.update(fields)
    return data


# --- the form -------------------------------------------------------------------------------


def test_give_page_offers_a_thank_you_with_a_fresh_idempotency_key(member_client):
    first = member_client.get("/kudos/new")
    second = member_client.get("/kudos/new")
    assert first.status_code == 200
    text = page_text(first)
    assert "Thank a colleague" in text
    assert "Send my thanks" in text
    assert 'name="idempotency_key"' in first.get_data(as_text=True)

    def key(response):
        html = response.get_data(as_text=True)
        start = html.index('name="idempotency_key"')
        tag = html[html.rindex("<", 0, start):html.index(">", start)]
        return tag.split('value="')[1].split('"')[0]

    assert key(first) and key(first) != key(second)


@pytest.mark.parametrize("fields", [{"profile_public": False}, {"active": False},
                                    {"erased_at": utcnow()}], ids=["hidden", "deactivated",
                                                                   "erased"])
def test_the_give_page_does_not_name_a_hidden_or_departed_colleague_picked_by_id(
        make, member_client, fields):
    person = make.user("Hana Hidden", email="hana@example.com", **fields)
    response = member_client.get(f"/kudos/new?to={person.id}")
    assert response.status_code == 200
    assert "Hana Hidden" not in response.get_data(as_text=True)
    assert f'value="{person.id}" checked' not in response.get_data(as_text=True)


def test_highlight_page_asks_for_the_work(member_client):
    response = member_client.get("/kudos/new?kind=highlight")
    assert response.status_code == 200
    text = page_text(response)
    assert "Highlight a colleague's work" in text
    assert "Why it matters" in text
    html = response.get_data(as_text=True)
    assert 'name="work_title"' in html and 'name="work_url"' in html


def test_give_page_from_a_profile_has_the_colleague_already_picked(member_client, hugo):
    response = member_client.get(f"/kudos/new?to={hugo.id}")
    html = response.get_data(as_text=True)
    assert f'name="recipient_ids" value="{hugo.id}" checked' in html
    assert "Hugo Martin" in page_text(response)


def test_search_on_the_give_page_without_javascript_lists_colleagues(member_client, hugo, make):
    make.user("Hidden Person", email="hidden@example.com", profile_public=False)
    make.user("Hugo Gone", email="gone@example.com", active=False)
    text = page_text(member_client.get("/kudos/new?q=hu"))
    assert "Hugo Martin" in text
    assert "Hugo Gone" not in text
    assert "Nobody matches “hidden”" in page_text(member_client.get("/kudos/new?q=hidden"))
    assert "Nobody matches “awa”" in page_text(member_client.get("/kudos/new?q=awa"))


# --- giving -----------------------------------------------------------------------------------


def test_thanking_two_colleagues_lands_on_the_wall(app, member_client, hugo, lea):
    response = member_client.post("/kudos", data=form(hugo, lea))
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    wall = member_client.get("/")
    text = page_text(wall)
    assert "Thank you! Hugo Martin, Lea Moreau will be glad to read it." in text
    assert "Awa Diallo thanked Hugo Martin, Lea Moreau" in text
    assert "Thank you for the sprint review" in text
    assert count_kudos(app) == 1
    with app.app_context():
        kudos = db.session.scalars(select(Kudos)).one()
        assert (kudos.kind, kudos.visibility, kudos.status) == ("kudos", "company", "published")
        assert {r.user_id for r in kudos.recipients} == {hugo.id, lea.id}


def test_giving_changes_nothing_else_about_the_giver(app, member, member_client, hugo):
    with app.app_context():
        before = db.session.get(User, member.id)
        joined, name, email = before.created_at, before.name, before.email
    assert member_client.post("/kudos", data=form(hugo)).status_code == 303
    with app.app_context():
        after = db.session.get(User, member.id)
        assert (after.created_at, after.name, after.email) == (joined, name, email)
        assert after.last_gave_at is not None


def test_the_colleagues_see_it_on_their_wall_and_profile(app, member_client, hugo, lea):
    member_client.post("/kudos", data=form(hugo, lea, message="Great demo yesterday"))
    hugo_client = client_for(app, hugo)
    assert "Great demo yesterday" in page_text(hugo_client.get("/"))
    assert "Great demo yesterday" in page_text(hugo_client.get("/me"))
    assert "Great demo yesterday" in page_text(member_client.get(f"/people/{lea.id}"))


def test_a_highlight_puts_the_work_forward(app, member_client, hugo):
    value_id = make_value(app, "Craft")
    response = member_client.post("/kudos", data=form(
        hugo, kind="highlight", message="Read it, it is short and clear.",
        work_title="The new Lisbon itinerary", work_url="https://wiki.example.com/lisbon",
        why_it_matters="Customers stopped calling us lost.", value_id=str(value_id),
    ))
    assert response.status_code == 303
    wall = member_client.get("/")
    html = wall.get_data(as_text=True)
    text = page_text(wall)
    assert 'class="card card-highlight"' in html
    assert "Work highlighted" in text
    assert ('<a href="https://wiki.example.com/lisbon" rel="nofollow noopener noreferrer ugc">'
            "The new Lisbon itinerary</a>") in html
    assert "by Hugo Martin" in text
    assert "Why it matters: Customers stopped calling us lost." in text
    assert "Put forward by Awa Diallo" in text
    assert "Craft" in text
    # A plain kudos does not read like a highlight.
    assert "Awa Diallo thanked Hugo Martin" not in text


def textarea(response, name: str) -> str:
    """The opening tag of the text box named `name`."""
    found = re.search(rf'<textarea[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True))
    assert found, name
    return found.group(0)


def test_the_message_box_stops_at_the_thousand_characters_the_hint_and_the_server_say(
        app, member, member_client, hugo):
    page = member_client.get("/kudos/new")
    assert "up to 1,000 characters" in page_text(page)
    assert f'maxlength="{operations.MESSAGE_MAX}"' in textarea(page, "message")
    assert operations.MESSAGE_MAX == 1000
    kudos_id = give(app, member, hugo)
    assert 'maxlength="1000"' in textarea(member_client.get(f"/kudos/{kudos_id}/edit"),
                                          "message")
    # Browsers count a line break as one character and send it as two (CRLF): a message
    # that filled the box exactly is accepted.
    full = "\r\n".join(["x" * 99] * 10)  # 990 characters and 9 line breaks
    assert len(full.replace("\r\n", "\n")) == 999
    response = member_client.post("/kudos", data=form(hugo, message=full + "y"))
    assert response.status_code == 303, page_text(response)
    highlight = member_client.get("/kudos/new?kind=highlight").get_data(as_text=True)
    assert re.search(r'<input[^>]*maxlength="200"[^>]*name="work_title"', highlight)
    assert re.search(r'<textarea[^>]*maxlength="500"[^>]*name="why_it_matters"', highlight)
    too_long = member_client.post("/kudos", data=form(hugo, message="z" * 1001))
    assert too_long.status_code == 422
    assert "Please keep it under" in page_text(too_long)


def test_a_plain_kudos_is_not_shown_as_a_highlight(member_client, hugo):
    member_client.post("/kudos", data=form(hugo))
    html = member_client.get("/").get_data(as_text=True)
    assert 'class="card card-kudos"' in html
    assert "Work highlighted" not in html


# --- bad input ----------------------------------------------------------------------------


def _empty(people):
    return form(people["hugo"], message="   ")


def _too_long(people):
    return form(people["hugo"], message="x" * 1001)


def _self(people):
    return form(people["hugo"], people["awa"], message="Thanks to us both")


def _unknown(people):
    return form(people["hugo"], 987654, message="Thanks to a ghost")


def _deactivated(people):
    return form(people["gone"], message="Thanks before you left")


def _hidden(people):
    return form(people["hidden"], message="Thanks in secret")


def _eleven(people):
    return form(*people["many"], message="Thanks everyone")


def _none(people):
    return form(message="Thanks to nobody")


def _javascript_link(people):
    return form(people["hugo"], kind="highlight", work_title="The report",
                work_url="javascript:alert(1)", message="Look at this")


def _unknown_value(people):
    return form(people["hugo"], value_id="987654", message="Thanks with a made-up value")


def _archived_value(people):
    return form(people["hugo"], value_id=str(people["archived_value"]),
                message="Thanks with an old value")


def _campaign(people):
    return form(people["hugo"], campaign_id="987654", message="Thanks for the campaign")


def _highlight_without_title(people):
    return form(people["hugo"], kind="highlight", message="Look at this work")


def _visibility(people):
    return form(people["hugo"], visibility="the whole internet", message="Thanks, world")


def _kind(people):
    return form(people["hugo"], kind="poem", message="Thanks in verse")


BAD_INPUT = [
    (_empty, "Please write a few words.", None),
    (_too_long, "Please keep it under 1,000 characters (it has 1,001).", "x" * 1001),
    (_self, "Thanking yourself is not possible", "Thanks to us both"),
    (_unknown, "We could not find one of the colleagues picked.", "Thanks to a ghost"),
    (_deactivated, "We could not find one of the colleagues picked.", "Thanks before you left"),
    (_hidden, "We could not find one of the colleagues picked.", "Thanks in secret"),
    (_eleven, "You can thank up to 10 colleagues at once.", "Thanks everyone"),
    (_none, "Please pick at least one colleague.", "Thanks to nobody"),
    (_javascript_link, "Please give a web link starting with http:// or https://.",
     "Look at this"),
    (_unknown_value, "Please choose a value from the list.", "Thanks with a made-up value"),
    (_archived_value, "Please choose a value from the list.", "Thanks with an old value"),
    (_campaign, "There is no such campaign in your scope.", "Thanks for the campaign"),
    (_highlight_without_title, "Please name the work you are highlighting.",
     "Look at this work"),
    (_visibility, "Please choose who can see it.", "Thanks, world"),
    (_kind, "Please choose between a kudos and a highlight.", "Thanks in verse"),
]


@pytest.mark.parametrize(("build", "message", "kept"), BAD_INPUT,
                         ids=[b.__name__.strip("_") for b, _m, _k in BAD_INPUT])
def test_bad_input_is_refused_with_a_message_and_keeps_the_text(
        app, make, member, member_client, hugo, build, message, kept):
    people = {
        "awa": member,
        "hugo": hugo,
        "gone": make.user("Hugo Gone", email="gone@example.com", active=False),
        "hidden": make.user("Hana Hidden", email="hidden@example.com", profile_public=False),
        "many": [make.user() for _ in range(11)],
        "archived_value": make_value(app, "Old value", archived=utcnow()),
    }
    response = member_client.post("/kudos", data=build(people))
    assert response.status_code == 422
    assert message in page_text(response)
    # A hidden or departed colleague's name is never echoed back.
    assert "Hugo Gone" not in page_text(response)
    assert "Hana Hidden" not in page_text(response)
    if kept:
        assert kept in page_text(response)
    assert count_kudos(app) == 0


def test_refused_form_keeps_the_colleagues_picked(member_client, hugo, lea):
    response = member_client.post("/kudos", data=form(hugo, lea, message=""))
    html = response.get_data(as_text=True)
    assert f'name="recipient_ids" value="{hugo.id}" checked' in html
    assert f'name="recipient_ids" value="{lea.id}" checked' in html


def test_a_refused_highlight_keeps_the_work_fields(member_client, hugo):
    response = member_client.post("/kudos", data=form(
        hugo, kind="highlight", work_title="Quarterly report", work_url="javascript:alert(1)",
        why_it_matters="It saved us a week", message="Read it"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Quarterly report"' in html
    assert "It saved us a week" in html
    assert "Highlight a colleague's work" in page_text(response)


# --- double submits ---------------------------------------------------------------------------


def test_the_same_form_sent_twice_gives_one_kudos(app, member_client, hugo):
    data = form(hugo, idempotency_key="f3c1d2e4a5b6")
    first = member_client.post("/kudos", data=data)
    second = member_client.post("/kudos", data=data)
    assert first.status_code == second.status_code == 303
    assert count_kudos(app) == 1
    wall = page_text(member_client.get("/"))
    assert wall.count("Thank you for the sprint review") == 1
    assert "Thank you! Hugo Martin will be glad to read it." in wall  # not "Thank you!  will"


def test_two_forms_give_two_kudos(app, member_client, hugo):
    member_client.post("/kudos", data=form(hugo, idempotency_key="first-form"))
    member_client.post("/kudos", data=form(hugo, idempotency_key="second-form"))
    assert count_kudos(app) == 2


def test_an_idempotency_key_is_per_giver(app, member, member_client, hugo, lea):
    member_client.post("/kudos", data=form(hugo, idempotency_key="shared-key"))
    other = client_for(app, lea)
    assert other.post("/kudos", data=form(hugo, idempotency_key="shared-key")).status_code == 303
    assert count_kudos(app) == 2


# --- cooldowns --------------------------------------------------------------------------------


def test_fourth_kudos_to_the_same_colleague_within_a_week_is_refused_kindly(
        app, member, member_client, hugo):
    now = utcnow()
    for days in (3, 2, 1):
        give(app, member, hugo, now=now - timedelta(days=days))
    response = member_client.post("/kudos", data=form(hugo, message="Once more, thank you"))
    assert response.status_code == 429
    text = page_text(response)
    assert "You've thanked Hugo Martin 3 times this week" in text
    assert "it will mean more" in text
    assert "Your message is kept." in text
    assert "Once more, thank you" in text
    assert count_kudos(app) == 3


def test_a_fourth_kudos_is_fine_once_the_oldest_left_the_week(app, member, member_client, hugo):
    now = utcnow()
    for days in (8, 2, 1):
        give(app, member, hugo, now=now - timedelta(days=days))
    assert member_client.post("/kudos", data=form(hugo)).status_code == 303
    assert count_kudos(app) == 4


def test_a_pair_window_widened_by_an_admin_counts_the_older_kudos(
        app, member, admin, member_client, hugo, monkeypatch):
    """Giving reads the gifts of the window it last saw (7 days here); a rule set with a
    wider one makes it read again, wider, before deciding."""
    with app.app_context():
        rules.change(db.session.get(User, admin.id), {"pair_window_days": 14}, version=0,
                     reason="Thanks to the same person count over a fortnight.")
    now = utcnow()
    for days in (12, 11, 10):  # outside a week, inside a fortnight
        give(app, member, hugo, now=now - timedelta(days=days))
    monkeypatch.setattr(operations._PairWindow, "days", 7)  # as in a process that saw the old rules
    response = member_client.post("/kudos", data=form(hugo, message="Once more, thank you"))
    assert response.status_code == 429
    assert "You've thanked Hugo Martin 3 times" in page_text(response)
    assert count_kudos(app) == 3


def test_the_pair_cooldown_does_not_stop_thanking_someone_else(
        app, member, member_client, hugo, lea):
    now = utcnow()
    for days in (3, 2, 1):
        give(app, member, hugo, now=now - timedelta(days=days))
    assert member_client.post("/kudos", data=form(lea)).status_code == 303
    refused = member_client.post("/kudos", data=form(lea, hugo))
    assert refused.status_code == 429
    assert count_kudos(app) == 4


def test_eleventh_kudos_of_the_day_is_refused(app, make, member, member_client):
    midday_zone(app, member)
    now = utcnow()
    for i in range(10):
        give(app, member, make.user(), now=now - timedelta(seconds=10 - i))
    last = make.user("Zoe Last")
    response = member_client.post("/kudos", data=form(last, message="Number eleven today"))
    assert response.status_code == 429
    text = page_text(response)
    assert "You've given 10 kudos today" in text
    assert "tomorrow" in text
    assert "Number eleven today" in text
    assert count_kudos(app) == 10


def test_withdrawn_kudos_still_count_towards_the_pair_cap(app, member, member_client, hugo):
    """Give, withdraw, give again: taking a kudos back does not free its place (else six
    kudos, and six notifications, could reach one colleague past the pair limit of 3)."""
    sent = 0
    for attempt in range(6):
        response = member_client.post("/kudos", data=form(hugo, message=f"Thanks {attempt}"))
        if response.status_code != 303:
            break
        sent += 1
        with app.app_context():
            newest = db.session.scalar(select(Kudos.id).order_by(Kudos.id.desc()).limit(1))
        assert member_client.post(f"/kudos/{newest}/withdraw").status_code == 303
    assert sent == 3
    assert response.status_code == 429
    assert "You've thanked Hugo Martin 3 times this week" in page_text(response)
    with app.app_context():
        notified = db.session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == hugo.id))
    assert notified <= 3


def test_withdrawn_kudos_still_count_towards_the_daily_cap(app, make, member, member_client):
    midday_zone(app, member)
    now = utcnow()
    for i in range(10):
        kudos_id = give(app, member, make.user(), now=now - timedelta(seconds=10 - i))
        with app.app_context():
            operations.withdraw(db.session.get(User, member.id), db.session.get(Kudos, kudos_id))
    response = member_client.post("/kudos", data=form(make.user("Zoe Last")))
    assert response.status_code == 429
    assert "You've given 10 kudos today" in page_text(response)


def profile_form(timezone: str) -> dict:
    return {"name": "Awa Diallo", "timezone": timezone, "working_days": ["1", "2", "3", "4",
            "5"], "work_start": "09:00", "work_end": "18:00", "digest_frequency": "weekly",
            "notify_mode": "live"}


def test_changing_time_zone_does_not_open_a_fresh_day(app, make, member, member_client):
    """Ten kudos late in the evening, then a zone already on tomorrow, then back: the day
    each was given in is fixed, and a new zone counts from the giver's next day."""
    hour = utcnow().hour
    offset = 22 - hour if 22 - hour <= 14 else -2 - hour  # a zone where it is 22:xx now
    evening = ("Etc/GMT" if offset == 0 else
               f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}")  # Etc signs are reversed
    with app.app_context():
        db.session.get(User, member.id).timezone = evening
        db.session.commit()
    for _ in range(10):
        assert member_client.post("/kudos", data=form(make.user())).status_code == 303
    assert member_client.post("/kudos", data=form(make.user())).status_code == 429
    # Kiritimati (UTC+14) is already on tomorrow, wherever "evening" is.
    assert member_client.post("/settings/", data=profile_form("Pacific/Kiritimati")
                              ).status_code == 303
    assert member_client.post("/kudos", data=form(make.user())).status_code == 429
    assert member_client.post("/settings/", data=profile_form("Pacific/Pago_Pago")
                              ).status_code == 303  # UTC-11: still today, or yesterday
    assert member_client.post("/kudos", data=form(make.user())).status_code == 429
    assert count_kudos(app) == 10
    with app.app_context():
        person = db.session.get(User, member.id)
        assert person.timezone == "Pacific/Pago_Pago"  # the zone itself changed at once
        assert person.caps_timezone == evening


def test_each_kudos_keeps_the_day_it_was_given_in(app, member, member_client, hugo):
    midday_zone(app, member)
    member_client.post("/kudos", data=form(hugo))
    with app.app_context():
        kudos = db.session.scalar(select(Kudos))
        person = db.session.get(User, member.id)
        assert kudos.giver_day == utcnow().astimezone(ZoneInfo(person.timezone)).date()


# --- editing and withdrawing ------------------------------------------------------------------


def test_giver_edits_within_fifteen_minutes(app, member, member_client, hugo):
    kudos_id = give(app, member, hugo, message="Thanks for teh help")
    page = member_client.get(f"/kudos/{kudos_id}")
    assert "You can change or withdraw it for 15 minutes" in page_text(page)
    edit_page = member_client.get(f"/kudos/{kudos_id}/edit")
    assert edit_page.status_code == 200
    assert "Thanks for teh help" in page_text(edit_page)
    response = member_client.post(f"/kudos/{kudos_id}/edit",
                                  data={"message": "Thanks for the help", "value_id": "0"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/kudos/{kudos_id}"
    row = kudos_row(app, kudos_id)
    assert row.message == "Thanks for the help"
    assert row.edited_at is not None
    assert "Thanks for the help" in page_text(member_client.get("/"))


def test_edit_with_empty_words_is_refused(app, member, member_client, hugo):
    kudos_id = give(app, member, hugo, message="Kept words")
    response = member_client.post(f"/kudos/{kudos_id}/edit", data={"message": " ",
                                                                   "value_id": "0"})
    assert response.status_code == 422
    assert "Please write a few words." in page_text(response)
    assert kudos_row(app, kudos_id).message == "Kept words"


def test_edit_with_an_unknown_value_changes_nothing(app, member, member_client, hugo):
    kudos_id = give(app, member, hugo, message="Kept words")
    response = member_client.post(f"/kudos/{kudos_id}/edit",
                                  data={"message": "New words", "value_id": "987654"})
    assert response.status_code == 422
    assert "Please choose a value from the list." in page_text(response)
    assert kudos_row(app, kudos_id).message == "Kept words"


def test_after_fifteen_minutes_editing_is_refused_with_the_reason(app, member, member_client,
                                                                  hugo):
    kudos_id = give(app, member, hugo, message="Old words")
    set_created_at(app, kudos_id, utcnow() - timedelta(minutes=16))
    assert "Edit" not in page_text(member_client.get(f"/kudos/{kudos_id}")).split("Report")[0]
    response = member_client.post(f"/kudos/{kudos_id}/edit",
                                  data={"message": "New words", "value_id": "0"})
    assert response.status_code == 422
    assert "A kudos can be changed for 15 minutes after it is given." in page_text(response)
    row = kudos_row(app, kudos_id)
    assert row.message == "Old words" and row.edited_at is None


def test_giver_withdraws_within_fifteen_minutes(app, member, member_client, hugo):
    kudos_id = give(app, member, hugo, message="Sent to the wrong Hugo")
    hugo_client = client_for(app, hugo)
    assert "Sent to the wrong Hugo" in page_text(hugo_client.get("/"))
    response = member_client.post(f"/kudos/{kudos_id}/withdraw")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Your kudos is withdrawn." in page_text(member_client.get("/"))
    assert kudos_row(app, kudos_id).status == "withdrawn"
    assert count_kudos(app) == 1  # kept, not deleted
    assert "Sent to the wrong Hugo" not in page_text(member_client.get("/"))
    assert "Sent to the wrong Hugo" not in page_text(hugo_client.get("/"))
    assert hugo_client.get(f"/kudos/{kudos_id}").status_code == 404


def test_after_fifteen_minutes_withdrawing_is_refused_with_the_reason(app, member,
                                                                      member_client, hugo):
    kudos_id = give(app, member, hugo)
    set_created_at(app, kudos_id, utcnow() - timedelta(minutes=16))
    response = member_client.post(f"/kudos/{kudos_id}/withdraw", follow_redirects=True)
    assert "A kudos can be changed for 15 minutes after it is given." in page_text(response)
    assert kudos_row(app, kudos_id).status == "published"


def test_someone_elses_kudos_cannot_be_edited_or_withdrawn(app, member, hugo, lea):
    kudos_id = give(app, member, hugo, message="Awa's words")
    for person in (hugo, lea):  # a recipient, and a colleague who sees it on the wall
        client = client_for(app, person)
        assert client.get(f"/kudos/{kudos_id}").status_code == 200
        assert client.get(f"/kudos/{kudos_id}/edit").status_code == 404
        assert client.post(f"/kudos/{kudos_id}/edit",
                           data={"message": "Hijacked", "value_id": "0"}).status_code == 404
        assert client.post(f"/kudos/{kudos_id}/withdraw").status_code == 404
    row = kudos_row(app, kudos_id)
    assert (row.message, row.status) == ("Awa's words", "published")


# --- approval ---------------------------------------------------------------------------------


@pytest.fixture
def shy(make):
    return make.user("Sam Shy", email="sam@example.com", approve_kudos=True)


def test_kudos_to_someone_who_approves_first_waits_and_only_the_involved_see_it(
        app, member_client, shy, lea):
    response = member_client.post("/kudos", data=form(shy, message="Thanks for the quiet fix"),
                                  follow_redirects=True)
    assert "Sam Shy will see it first, and it goes on the wall once they approve." in (
        page_text(response))
    kudos_id = _only_kudos_id(app)
    assert kudos_row(app, kudos_id).status == "pending"
    assert "Waiting for approval" in page_text(member_client.get("/"))

    lea_client = client_for(app, lea)
    assert "Thanks for the quiet fix" not in page_text(lea_client.get("/"))
    assert lea_client.get(f"/kudos/{kudos_id}").status_code == 404
    assert lea_client.post(f"/kudos/{kudos_id}/decision", data={"approve": "1"}).status_code == 404

    shy_client = client_for(app, shy)
    detail = page_text(shy_client.get(f"/kudos/{kudos_id}"))
    assert "This one is waiting for you." in detail
    assert "Thanks for the quiet fix" in detail
    assert "Thanks for the quiet fix" in page_text(shy_client.get("/"))


def _only_kudos_id(app) -> int:
    with app.app_context():
        return db.session.scalars(select(Kudos.id)).one()


def test_approving_puts_it_on_the_wall(app, member, shy, lea):
    kudos_id = give(app, member, shy, message="Thanks for the quiet fix")
    shy_client = client_for(app, shy)
    response = shy_client.post(f"/kudos/{kudos_id}/decision", data={"approve": "1"})
    assert response.status_code == 303
    assert kudos_row(app, kudos_id).status == "published"
    lea_client = client_for(app, lea)
    assert "Thanks for the quiet fix" in page_text(lea_client.get("/"))
    assert lea_client.get(f"/kudos/{kudos_id}").status_code == 200


def test_declining_keeps_it_between_the_people_involved(app, member, shy, lea):
    kudos_id = give(app, member, shy, message="Thanks for the quiet fix")
    shy_client = client_for(app, shy)
    response = shy_client.post(f"/kudos/{kudos_id}/decision", data={"approve": "0"},
                               follow_redirects=True)
    assert "It stays between you, the giver and the other people thanked." in page_text(response)
    row = kudos_row(app, kudos_id)
    assert (row.status, row.visibility) == ("published", "recipients")
    lea_client = client_for(app, lea)
    assert lea_client.get(f"/kudos/{kudos_id}").status_code == 404
    assert "Thanks for the quiet fix" not in page_text(lea_client.get("/"))
    for person in (member, shy):
        assert "Thanks for the quiet fix" in page_text(client_for(app, person).get("/"))


def test_a_kudos_waits_until_the_recipient_who_approves_has_approved(app, member, shy, hugo,
                                                                     lea):
    kudos_id = give(app, member, shy, hugo, message="Thanks to you both")
    with app.app_context():
        approvals = dict(db.session.execute(
            select(KudosRecipient.user_id, KudosRecipient.approved)
            .where(KudosRecipient.kudos_id == kudos_id)).all())
    assert approvals == {shy.id: None, hugo.id: True}
    assert "Thanks to you both" in page_text(client_for(app, hugo).get("/"))
    assert "Thanks to you both" not in page_text(client_for(app, lea).get("/"))
    client_for(app, shy).post(f"/kudos/{kudos_id}/decision", data={"approve": "1"})
    assert "Thanks to you both" in page_text(client_for(app, lea).get("/"))


def test_a_private_kudos_needs_no_approval(app, member_client, shy):
    member_client.post("/kudos", data=form(shy, visibility="recipients"))
    assert kudos_row(app, _only_kudos_id(app)).status == "published"
