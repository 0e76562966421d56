"""The wall: who sees what, scopes and filters, pages, reactions, comments, moderation, escaping,
profiles, and a constant number of SQL statements per page."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from kudos.audit import AuditLog
from kudos.auth.models import User
from kudos.extensions import db
from kudos.recognition import queries
from kudos.recognition.models import Kudos, Report
from kudos.sqltypes import utcnow
from tests.recognition.helpers import (
    client_for,
    comment,
    comments_of,
    counting_statements,
    give,
    insert_kudos,
    kudos_row,
    make_value,
    page_text,
    react,
    reactions_of,
)

HTMX = {"HX-Request": "true"}


def card_ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'<article class="card[^"]*" id="kudos-(\d+)"',
                                       response.get_data(as_text=True))]


def older_link(response) -> str | None:
    match = re.search(r'<a class="load-more" href="([^"]+)"', response.get_data(as_text=True))
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def teams(make):
    return {"sales": make.team("Sales"), "ops": make.team("Ops"), "legal": make.team("Legal")}


@pytest.fixture
def people(make, teams):
    return {
        "hugo": make.user("Hugo Martin", email="hugo@example.com", team=teams["sales"]),
        "lea": make.user("Lea Moreau", email="lea@example.com", team=teams["ops"]),
        "zoe": make.user("Zoe Roux", email="zoe@example.com", team=teams["legal"]),
        "noteam": make.user("Nina Solo", email="nina@example.com"),
    }


# --- who sees what ----------------------------------------------------------------------------


def test_a_company_kudos_is_seen_by_everyone(app, member, people):
    kudos_id = give(app, member, people["hugo"], message="Seen by all")
    for person in people.values():
        client = client_for(app, person)
        assert kudos_id in card_ids(client.get("/"))
        assert client.get(f"/kudos/{kudos_id}").status_code == 200


def test_a_private_kudos_is_seen_only_by_the_people_involved(app, member, people, admin):
    kudos_id = give(app, member, people["hugo"], message="Just between us",
                    visibility="recipients")
    for person in (member, people["hugo"]):
        client = client_for(app, person)
        assert "Just between us" in page_text(client.get("/"))
        detail = client.get(f"/kudos/{kudos_id}")
        assert detail.status_code == 200
        assert "Seen only by the people involved" in page_text(detail)
    for person in (people["lea"], admin):
        client = client_for(app, person)
        assert "Just between us" not in page_text(client.get("/"))
        assert client.get(f"/kudos/{kudos_id}").status_code == 404
        assert client.post(f"/kudos/{kudos_id}/reactions",
                           data={"kind": "applause"}).status_code == 404
        assert client.post(f"/kudos/{kudos_id}/comments",
                           data={"body": "Hello"}).status_code == 404
        assert client.get(f"/kudos/{kudos_id}/report").status_code == 404
    assert reactions_of(app, kudos_id) == [] and comments_of(app, kudos_id) == []


def test_a_team_kudos_is_seen_by_the_teams_of_giver_and_recipients(app, make, teams, people):
    giver = make.user("Gil Sales", team=teams["sales"])
    kudos_id = give(app, giver, people["lea"], message="For our two teams", visibility="team")
    seen = {name: kudos_id in card_ids(client_for(app, p).get("/")) for name, p in people.items()}
    assert seen == {"hugo": True, "lea": True, "zoe": False, "noteam": False}
    assert client_for(app, people["zoe"]).get(f"/kudos/{kudos_id}").status_code == 404
    detail = client_for(app, people["hugo"]).get(f"/kudos/{kudos_id}")
    assert "Seen by our teams" in page_text(detail)


def hide_profile(app, user) -> None:
    """The person unticks "Show my profile" after the kudos was given."""
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(profile_public=False))
        db.session.commit()


def test_a_recipient_who_hides_their_profile_is_masked_and_the_kudos_stays_for_everyone(
        app, make, member, people):
    quiet = make.user("Quinn Quiet", email="quinn@example.com")
    others = [make.user(f"Colleague Number{n}") for n in range(8)]
    kudos_id = give(app, member, quiet, people["hugo"], *others,
                    message="Thanks to the ten of you")
    hide_profile(app, quiet)
    lea = client_for(app, people["lea"])
    for url in ("/", f"/kudos/{kudos_id}", f"/people/{people['hugo'].id}"):
        response = lea.get(url)
        assert response.status_code == 200, url
        text = page_text(response)
        assert "Thanks to the ten of you" in text, url
        assert "Quinn Quiet" not in text and "quinn@" not in text, url
        assert f"/people/{quiet.id}\"" not in response.get_data(as_text=True), url
        assert "a colleague" in text, url
        assert "Hugo Martin" in text and all(o.name in text for o in others), url
    assert kudos_id in card_ids(lea.get("/"))
    # The hidden person sees their own name; the giver and the others thanked see every name.
    for person in (quiet, member, people["hugo"]):
        text = page_text(client_for(app, person).get(f"/kudos/{kudos_id}"))
        assert "Quinn Quiet" in text, person.name
    # Search still leaves the hidden profile out.
    assert "Quinn Quiet" not in page_text(lea.get("/people/search?q=Quinn"))


def test_a_comment_by_someone_with_a_hidden_profile_is_signed_a_colleague_for_others(
        app, make, member, people):
    quiet = make.user("Quinn Quiet", email="quinn@example.com")
    kudos_id = give(app, member, people["hugo"], message="For the release")
    comment(app, quiet, kudos_id, "Well deserved, from me")
    hide_profile(app, quiet)
    for url in ("/", f"/kudos/{kudos_id}"):
        text = page_text(client_for(app, people["lea"]).get(url))
        assert "a colleague Well deserved, from me" in text
        assert "Quinn Quiet" not in text
    assert "Quinn Quiet Well deserved" in page_text(
        client_for(app, quiet).get(f"/kudos/{kudos_id}"))
    # The people the kudos is about are told who commented: they see the name on it too.
    assert "Quinn Quiet Well deserved" in page_text(
        client_for(app, people["hugo"]).get(f"/kudos/{kudos_id}"))


def test_the_masking_rule_is_one_function_of_the_viewer_and_the_card(app, make, member,
                                                                      people):
    quiet = make.user("Quinn Quiet", email="quinn@example.com")
    kudos_id = give(app, member, quiet, people["hugo"], message="For the two of you")
    comment(app, people["zoe"], kudos_id, "Bravo")
    hide_profile(app, quiet)
    with app.app_context():
        kudos = db.session.get(Kudos, kudos_id)

        def masked(person):
            viewer = db.session.get(User, person.id)
            return queries.load_cards(viewer, [kudos])[0].masked

        assert masked(people["lea"]) == frozenset({quiet.id})
        assert masked(people["zoe"]) == frozenset({quiet.id})
        assert masked(quiet) == frozenset()
        assert masked(member) == frozenset() and masked(people["hugo"]) == frozenset()


def test_a_giver_with_a_hidden_profile_is_shown_as_a_colleague_to_others(app, make, people):
    quiet = make.user("Quinn Quiet", email="quinn@example.com", profile_public=False)
    give(app, quiet, people["hugo"], message="From the quiet one")
    lea_view = client_for(app, people["lea"]).get("/")
    assert "a colleague thanked Hugo Martin" in page_text(lea_view)
    assert "Quinn Quiet" not in page_text(lea_view)
    assert f'href="/people/{quiet.id}"' not in lea_view.get_data(as_text=True)
    assert "Quinn Quiet thanked Hugo Martin" in page_text(client_for(app, people["hugo"]).get("/"))


def test_withdrawn_and_hidden_kudos_are_off_every_wall(app, member, admin, people):
    withdrawn = insert_kudos(app, member, [people["hugo"]], message="Withdrawn words",
                             status="withdrawn")
    hidden = insert_kudos(app, member, [people["hugo"]], message="Hidden words", status="hidden")
    for person in (member, people["hugo"], people["lea"]):
        client = client_for(app, person)
        text = page_text(client.get("/"))
        assert "Withdrawn words" not in text and "Hidden words" not in text
        assert client.get(f"/kudos/{withdrawn}").status_code == 404
        assert client.get(f"/kudos/{hidden}").status_code == 404


# --- scopes and filters -----------------------------------------------------------------------


@pytest.fixture
def spread(app, member, people, teams):
    craft = make_value(app, "Craft")
    care = make_value(app, "Care")
    ids = {
        "awa_to_hugo": give(app, member, people["hugo"], message="Awa to Hugo",
                            value_id=craft),
        "hugo_to_awa": give(app, people["hugo"], member, message="Hugo to Awa", value_id=care),
        "lea_to_zoe": give(app, people["lea"], people["zoe"], message="Lea to Zoe",
                           kind="highlight", work_title="Contract templates"),
    }
    return {"craft": craft, "care": care, **ids}


def test_received_and_given_show_only_mine(member_client, spread):
    assert set(card_ids(member_client.get("/"))) == {
        spread["awa_to_hugo"], spread["hugo_to_awa"], spread["lea_to_zoe"]}
    assert card_ids(member_client.get("/?scope=received")) == [spread["hugo_to_awa"]]
    assert card_ids(member_client.get("/?scope=given")) == [spread["awa_to_hugo"]]


def test_an_unknown_scope_is_the_company_wall(member_client, spread):
    assert len(card_ids(member_client.get("/?scope=everything"))) == 3


def test_filter_by_value(member_client, spread):
    assert card_ids(member_client.get(f"/?value={spread['craft']}")) == [spread["awa_to_hugo"]]
    assert card_ids(member_client.get(f"/?value={spread['care']}")) == [spread["hugo_to_awa"]]
    assert card_ids(member_client.get(f"/?scope=received&value={spread['craft']}")) == []


def test_filter_by_kind(member_client, spread):
    assert card_ids(member_client.get("/?kind=highlight")) == [spread["lea_to_zoe"]]
    assert set(card_ids(member_client.get("/?kind=kudos"))) == {
        spread["awa_to_hugo"], spread["hugo_to_awa"]}


def test_filter_by_team_keeps_kudos_given_or_received_by_that_team(member_client, spread,
                                                                   teams):
    sales = card_ids(member_client.get(f"/?team={teams['sales'].id}"))
    assert set(sales) == {spread["awa_to_hugo"], spread["hugo_to_awa"]}
    assert card_ids(member_client.get(f"/?team={teams['legal'].id}")) == [spread["lea_to_zoe"]]


def test_my_team_wall_is_my_teams_kudos(app, people, spread):
    hugo = client_for(app, people["hugo"])
    assert set(card_ids(hugo.get("/?scope=team"))) == {
        spread["awa_to_hugo"], spread["hugo_to_awa"]}


def test_filters_offer_values_and_teams(member_client, spread):
    html_text = member_client.get("/").get_data(as_text=True)
    assert f'<option value="{spread["craft"]}" >Craft</option>' in html_text
    assert ">Sales</option>" in html_text


def test_an_empty_received_wall_says_what_will_come(member_client):
    assert "When colleagues thank you, their words will be kept here." in page_text(
        member_client.get("/?scope=received"))


# --- pages ------------------------------------------------------------------------------------


def test_the_wall_pages_through_every_kudos_once_newest_first(app, member, member_client,
                                                              people):
    now = utcnow().replace(microsecond=0)
    ids = []
    for i in range(45):
        # Groups of three share their moment: the order falls back on the id.
        at = now - timedelta(minutes=i // 3)
        ids.append(insert_kudos(app, people["hugo"], [people["lea"]], message=f"Kudos {i}",
                                created_at=at))
    expected = sorted(ids, key=lambda i: (now - timedelta(minutes=ids.index(i) // 3), i),
                      reverse=True)

    first = member_client.get("/")
    seen = card_ids(first)
    assert len(seen) == 20
    assert "Show older kudos" in page_text(first)
    link = older_link(first)
    assert "before=" in link

    second = member_client.get(link)  # the real link, for a browser without JavaScript
    assert second.status_code == 200
    assert "<html" in second.get_data(as_text=True)
    seen += card_ids(second)

    third = member_client.get(older_link(second), headers=HTMX)  # as htmx asks on scroll
    body = third.get_data(as_text=True)
    assert "<html" not in body and "Skip to content" not in body
    assert body.lstrip().startswith("<article")
    seen += card_ids(third)
    assert older_link(third) is None
    assert "Show older kudos" not in body

    assert len(seen) == len(set(seen)) == 45
    assert seen == expected


def test_an_htmx_page_of_the_wall_is_only_cards_and_says_it_varies(member_client, member,
                                                                    app, people):
    for i in range(3):
        insert_kudos(app, people["hugo"], [people["lea"]], message=f"Kudos {i}")
    full = member_client.get("/")
    part = member_client.get("/", headers=HTMX)
    assert card_ids(full) == card_ids(part)
    assert "<nav" not in part.get_data(as_text=True)
    assert "HX-Request" in full.headers.get("Vary", "")
    assert "HX-Request" in part.headers.get("Vary", "")


def test_a_page_position_that_makes_no_sense_shows_the_first_page(member_client, app, people):
    kudos_id = insert_kudos(app, people["hugo"], [people["lea"]])
    response = member_client.get("/?before=yesterday_or_so")
    assert response.status_code == 200
    assert card_ids(response) == [kudos_id]


def poll_url(response) -> str:
    """The address the wall (or a poll's answer) polls next."""
    match = re.search(r'id="newer-poll"[^>]*hx-get="([^"]+)"', response.get_data(as_text=True))
    return html.unescape(match.group(1))


def test_newer_brings_only_what_came_after(app, member_client, people):
    first = insert_kudos(app, people["hugo"], [people["lea"]], message="The first")
    wall = member_client.get("/")
    poll = poll_url(wall)
    assert member_client.get(poll, headers=HTMX).status_code == 204

    second = insert_kudos(app, people["lea"], [people["zoe"]], message="The second")
    insert_kudos(app, people["lea"], [people["zoe"]], message="Only for them",
                 visibility="recipients")
    response = member_client.get(poll, headers=HTMX)
    assert response.status_code == 200
    assert card_ids(response) == [second]
    body = response.get_data(as_text=True)
    assert "The second" in body and "The first" not in body and "Only for them" not in body
    # The poll moves on: the next one asks for what is newer than the second.
    assert f"_{second}&" in poll_url(response) and first != second
    assert 'hx-swap-oob="true"' in body
    assert member_client.get(poll_url(response), headers=HTMX).status_code == 204


def test_newer_follows_the_walls_order_not_the_ids(app, member_client, people):
    """History that arrives out of order (an import, a backdated kudos) has ids above newer
    kudos: the poll must not bring it to the top as new, again and again."""
    now = utcnow()
    top = insert_kudos(app, people["hugo"], [people["lea"]], message="Yesterday's",
                       created_at=now - timedelta(days=1))
    old = [insert_kudos(app, people["lea"], [people["zoe"]], message=f"From last year {i}",
                        created_at=now - timedelta(days=365 + i)) for i in range(3)]
    assert min(old) > top  # ids out of date order
    wall = member_client.get("/")
    assert card_ids(wall)[:1] == [top]
    poll = poll_url(wall)
    for _ in range(2):
        assert member_client.get(poll, headers=HTMX).status_code == 204

    backdated = insert_kudos(app, people["zoe"], [people["hugo"]], message="Backdated",
                             created_at=now - timedelta(days=2))
    fresh = insert_kudos(app, people["zoe"], [people["hugo"]], message="Truly new")
    response = member_client.get(poll, headers=HTMX)
    assert card_ids(response) == [fresh]
    body = response.get_data(as_text=True)
    assert "Backdated" not in body and "From last year" not in body
    assert member_client.get(poll_url(response), headers=HTMX).status_code == 204
    assert backdated in card_ids(member_client.get("/"))  # it is on the wall, in its place


def test_newer_with_a_position_that_makes_no_sense_is_refused(member_client, people):
    response = member_client.get("/wall/newer?after=soon_or_so", headers=HTMX)
    assert response.status_code == 400


def test_newer_keeps_the_walls_filter(app, member, member_client, people):
    first = insert_kudos(app, people["hugo"], [member], message="For me, first")
    wall = member_client.get("/?scope=received")
    insert_kudos(app, people["lea"], [people["zoe"]], message="Not for me")
    mine = insert_kudos(app, people["zoe"], [member], message="For me, again")
    poll = poll_url(wall)
    assert "scope=received" in poll and card_ids(wall) == [first]
    response = member_client.get(poll, headers=HTMX)
    assert card_ids(response) == [mine]


# --- reactions --------------------------------------------------------------------------------


def test_applause_toggles_on_and_off(app, member, member_client, people):
    kudos_id = give(app, people["hugo"], people["lea"])
    response = member_client.post(f"/kudos/{kudos_id}/reactions", data={"kind": "applause"})
    assert response.status_code == 303
    assert reactions_of(app, kudos_id) == [(member.id, "applause")]
    html_text = member_client.get(f"/kudos/{kudos_id}").get_data(as_text=True)
    assert 'aria-pressed="true"' in html_text
    assert '<span class="count">1</span>' in html_text
    member_client.post(f"/kudos/{kudos_id}/reactions", data={"kind": "applause"})
    assert reactions_of(app, kudos_id) == []
    assert '<span class="count">' not in member_client.get(f"/kudos/{kudos_id}").get_data(
        as_text=True)


def test_applause_with_htmx_returns_the_updated_buttons(app, member_client, people):
    kudos_id = give(app, people["hugo"], people["lea"])
    response = member_client.post(f"/kudos/{kudos_id}/reactions", data={"kind": "applause"},
                                  headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<div class="reactions" id="reactions-{kudos_id}"')
    assert '<span class="count">1</span>' in body


def test_applause_counts_each_colleague(app, people):
    kudos_id = give(app, people["hugo"], people["lea"])
    for person in (people["zoe"], people["noteam"], people["lea"]):
        client_for(app, person).post(f"/kudos/{kudos_id}/reactions", data={"kind": "applause"})
    assert len(reactions_of(app, kudos_id)) == 3


def test_co_signing_shows_and_n_colleagues(app, member, make, people):
    kudos_id = give(app, member, people["hugo"], message="Great release")
    client_for(app, people["lea"]).post(f"/kudos/{kudos_id}/reactions",
                                        data={"kind": "plus_one"})
    assert "Awa Diallo thanked Hugo Martin — and 1 colleague" in page_text(
        client_for(app, people["zoe"]).get("/"))
    client_for(app, people["zoe"]).post(f"/kudos/{kudos_id}/reactions",
                                        data={"kind": "plus_one"})
    text = page_text(client_for(app, people["noteam"]).get("/"))
    assert "Awa Diallo thanked Hugo Martin — and 2 colleagues" in text


def test_co_signing_a_highlight_shows_too(app, member, people):
    kudos_id = give(app, member, people["hugo"], kind="highlight", work_title="The audit")
    react(app, people["lea"], kudos_id, "plus_one")
    assert "Put forward by Awa Diallo and 1 colleague" in page_text(
        client_for(app, people["zoe"]).get("/"))


@pytest.mark.parametrize("who", ["giver", "recipient"])
def test_giver_and_recipient_cannot_co_sign(app, member, people, who):
    kudos_id = give(app, member, people["hugo"])
    client = client_for(app, member if who == "giver" else people["hugo"])
    detail = client.get(f"/kudos/{kudos_id}").get_data(as_text=True)
    assert 'value="plus_one"' not in detail  # no button offered
    response = client.post(f"/kudos/{kudos_id}/reactions", data={"kind": "plus_one"},
                           follow_redirects=True)
    assert "You are already part of this kudos." in page_text(response)
    htmx_response = client.post(f"/kudos/{kudos_id}/reactions", data={"kind": "plus_one"},
                                headers=HTMX)
    assert htmx_response.status_code == 422
    assert "You are already part of this kudos." in page_text(htmx_response)
    assert reactions_of(app, kudos_id) == []


def test_an_unknown_reaction_is_refused(app, member_client, people):
    kudos_id = give(app, people["hugo"], people["lea"])
    response = member_client.post(f"/kudos/{kudos_id}/reactions", data={"kind": "heart"},
                                  follow_redirects=True)
    assert "Please choose applause or +1." in page_text(response)
    assert reactions_of(app, kudos_id) == []


# --- comments ---------------------------------------------------------------------------------


def test_a_comment_shows_under_the_kudos(app, member_client, people):
    kudos_id = give(app, people["hugo"], people["lea"])
    response = member_client.post(f"/kudos/{kudos_id}/comments",
                                  data={"body": "Well deserved!"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/kudos/{kudos_id}"
    assert "Awa Diallo Well deserved!" in page_text(member_client.get("/"))
    assert comments_of(app, kudos_id) == ["Well deserved!"]


def test_a_comment_with_htmx_returns_the_comment_list(app, member_client, people):
    kudos_id = give(app, people["hugo"], people["lea"])
    response = member_client.post(f"/kudos/{kudos_id}/comments",
                                  data={"body": "Well deserved!"}, headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<section class="comments" id="comments-{kudos_id}"')
    assert "Well deserved!" in body


@pytest.mark.parametrize(("body", "message"), [
    ("   ", "Please write a few words."),
    ("y" * 501, "Please keep it under 500 characters (it has 501)."),
])
def test_an_empty_or_long_comment_is_refused(app, member_client, people, body, message):
    kudos_id = give(app, people["hugo"], people["lea"])
    response = member_client.post(f"/kudos/{kudos_id}/comments", data={"body": body},
                                  follow_redirects=True)
    assert message in page_text(response)
    htmx_response = member_client.post(f"/kudos/{kudos_id}/comments", data={"body": body},
                                       headers=HTMX)
    assert htmx_response.status_code == 422
    assert message in page_text(htmx_response)
    assert comments_of(app, kudos_id) == []


# --- reports and moderation -------------------------------------------------------------------


def test_report_goes_to_the_moderation_queue_and_hiding_is_audited(app, member, admin, people):
    kudos_id = give(app, people["hugo"], people["lea"], message="Rude words here")
    reporter = client_for(app, member)
    assert reporter.get(f"/kudos/{kudos_id}/report").status_code == 200
    response = reporter.post(f"/kudos/{kudos_id}/report", data={"reason": "It mocks Lea"})
    assert response.status_code == 303
    assert "An admin will look at it." in page_text(reporter.get("/"))
    assert reporter.get("/moderation").status_code == 403

    moderator = client_for(app, admin)
    queue = page_text(moderator.get("/moderation"))
    assert "Reported by Awa Diallo" in queue
    assert "It mocks Lea" in queue and "Rude words here" in queue

    response = moderator.post(f"/moderation/{kudos_id}/hide",
                              data={"reason": "Not kind to a colleague"})
    assert response.status_code == 303
    assert "The kudos is hidden." in page_text(moderator.get("/moderation"))
    with app.app_context():
        entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "kudos.hidden")).one()
        assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "kudos",
                                                                        kudos_id)
        assert entry.details == {"reason": "Not kind to a colleague"}
        report = db.session.scalars(select(Report)).one()
        assert (report.resolution, report.resolved_by_id) == ("hidden", admin.id)
    row = kudos_row(app, kudos_id)
    assert (row.status, row.hidden_by_id, row.hidden_reason) == (
        "hidden", admin.id, "Not kind to a colleague")
    for person in (member, people["hugo"], people["lea"]):
        client = client_for(app, person)
        assert "Rude words here" not in page_text(client.get("/"))
        assert client.get(f"/kudos/{kudos_id}").status_code == 404
    assert "No reports waiting." in page_text(moderator.get("/moderation"))


def test_hiding_needs_a_reason(app, admin, people):
    kudos_id = give(app, people["hugo"], people["lea"])
    moderator = client_for(app, admin)
    response = moderator.post(f"/moderation/{kudos_id}/hide", data={"reason": "  "},
                              follow_redirects=True)
    assert "Please say why, for the audit log." in page_text(response)
    assert kudos_row(app, kudos_id).status == "published"
    with app.app_context():
        assert db.session.scalars(select(AuditLog).where(
            AuditLog.action == "kudos.hidden")).all() == []


def test_a_report_needs_a_reason(app, member_client, people):
    kudos_id = give(app, people["hugo"], people["lea"])
    response = member_client.post(f"/kudos/{kudos_id}/report", data={"reason": ""})
    assert response.status_code == 422
    assert "Please tell the admins what is wrong with it." in page_text(response)
    with app.app_context():
        assert db.session.scalars(select(Report)).all() == []


def test_leaving_a_reported_kudos_closes_its_reports(app, member, admin, people):
    kudos_id = give(app, people["hugo"], people["lea"], message="Fine words")
    client_for(app, member).post(f"/kudos/{kudos_id}/report", data={"reason": "Not sure"})
    moderator = client_for(app, admin)
    assert moderator.post(f"/moderation/{kudos_id}/keep").status_code == 303
    assert kudos_row(app, kudos_id).status == "published"
    assert "No reports waiting." in page_text(moderator.get("/moderation"))
    assert "Fine words" in page_text(client_for(app, member).get("/"))
    with app.app_context():
        assert db.session.scalars(select(AuditLog.action).where(
            AuditLog.target_type == "kudos", AuditLog.target_id == kudos_id)).all() == [
            "kudos.reports_dismissed"]


# --- user text --------------------------------------------------------------------------------

NASTY = '<script>alert(1)</script><img src=x onerror=alert(1)> {{7*7}} hx-get="/x"'


def _blockquotes(response) -> list[str]:
    return re.findall(r'<blockquote class="message" hx-disable>(.*?)</blockquote>',
                      response.get_data(as_text=True), flags=re.S)


def test_a_message_full_of_markup_shows_as_the_text_it_is(app, member_client, people):
    kudos_id = give(app, people["hugo"], people["lea"], message=NASTY)
    for url in ("/", f"/kudos/{kudos_id}", f"/people/{people['lea'].id}"):
        response = member_client.get(url)
        body = response.get_data(as_text=True)
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert 'hx-get="/x"' not in body
        assert "{{7*7}}" in body
        quotes = _blockquotes(response)
        assert len(quotes) == 1
        assert html.unescape(quotes[0]) == NASTY
        assert "49" not in quotes[0]


def test_highlight_fields_and_comments_are_escaped_inside_hx_disable(app, member_client,
                                                                     people):
    kudos_id = give(app, people["hugo"], people["lea"], kind="highlight", message="See it",
                    work_title=NASTY[:150], why_it_matters=NASTY)
    comment(app, people["zoe"], kudos_id, NASTY)
    body = member_client.get("/").get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body
    assert 'hx-get="/x"' not in body
    assert re.search(r'<header class="card-head" hx-disable>\s*<p class="card-eyebrow">', body)
    assert '<p class="why" hx-disable>' in body
    assert '<ul class="comment-list" hx-disable>' in body
    assert body.count("{{7*7}}") == 3


def test_a_name_full_of_markup_is_escaped(app, make, member_client, people):
    mallory = make.user('<img src=x onerror=alert(1)>Mallory', email="mallory@example.com")
    give(app, mallory, people["lea"], message="Hello")
    body = member_client.get("/").get_data(as_text=True)
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;Mallory" in body


def test_web_links_in_a_message_become_links_and_nothing_else_does(app, member_client, people):
    message = ("Slides: https://example.com/deck?a=1&b=2. Notes at http://notes.example.org "
               "and not javascript:alert(1) nor data:text/html,hi")
    give(app, people["hugo"], people["lea"], message=message)
    (quote,) = _blockquotes(member_client.get("/"))
    links = re.findall(r'<a href="([^"]*)"', quote)
    assert links == ["https://example.com/deck?a=1&amp;b=2", "http://notes.example.org"]
    assert 'rel="nofollow noopener noreferrer ugc"' in quote
    assert "javascript:alert(1)" in quote and 'href="javascript' not in quote
    assert "deck?a=1&amp;b=2</a>." in quote  # the full stop is not part of the link


def test_a_link_cannot_break_out_of_its_attribute(app, member_client, people):
    give(app, people["hugo"], people["lea"],
         message='Look https://example.com/"onmouseover="alert(1) and done')
    (quote,) = _blockquotes(member_client.get("/"))
    assert "onmouseover=\"alert" not in quote
    assert " onmouseover=" not in quote


# --- a constant number of queries -------------------------------------------------------------


def _busy_wall(app, make, viewer, count: int, recipients_each: int, extra: int) -> None:
    crowd = [make.user() for _ in range(recipients_each + 3)]
    value_id = make_value(app, f"Value {recipients_each}")
    now = utcnow()
    for i in range(count):
        giver = crowd[i % len(crowd)]
        others = [p for p in crowd if p.id != giver.id]
        kudos_id = insert_kudos(app, giver, others[:recipients_each],
                                message=f"Busy {i}", created_at=now - timedelta(minutes=i),
                                value_id=value_id if i % 2 else None,
                                kind="highlight" if i % 5 == 0 else "kudos",
                                work_title="Work" if i % 5 == 0 else None)
        react(app, viewer, kudos_id)
        for person in crowd[:extra]:
            if person.id != giver.id and person not in others[:recipients_each]:
                react(app, person, kudos_id, "plus_one")
            react(app, person, kudos_id)
            comment(app, person, kudos_id, f"Comment {i}")


def _statements_for(app, client, url: str, **kwargs) -> tuple[int, object]:
    with counting_statements(app) as statements:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(statements), response


def test_the_wall_costs_a_few_statements_whatever_it_holds(app, make, member, member_client):
    _busy_wall(app, make, member, 25, recipients_each=3, extra=2)
    first, response = _statements_for(app, member_client, "/")
    assert len(card_ids(response)) == 20
    second, response2 = _statements_for(app, member_client, older_link(response))
    assert len(card_ids(response2)) == 5
    htmx_page, _r = _statements_for(app, member_client, older_link(response), headers=HTMX)
    assert first <= 6 and second <= 6 and htmx_page <= 6

    _busy_wall(app, make, member, 25, recipients_each=6, extra=4)  # twice the data
    first_again, response = _statements_for(app, member_client, "/")
    second_again, _r = _statements_for(app, member_client, older_link(response))
    assert (first_again, second_again) == (first, second)


def test_a_profile_costs_a_few_statements_whatever_it_holds(app, make, member, member_client):
    _busy_wall(app, make, member, 10, recipients_each=3, extra=2)
    target = make.user("Target Person")
    for i in range(3):
        insert_kudos(app, member, [target], message=f"For target {i}")
    small, _r = _statements_for(app, member_client, f"/people/{target.id}")
    for i in range(15):
        kudos_id = insert_kudos(app, make.user(), [target, make.user()], message=f"More {i}")
        react(app, member, kudos_id)
        comment(app, member, kudos_id, "Yes")
    large, _r = _statements_for(app, member_client, f"/people/{target.id}")
    assert large == small


# --- profiles ---------------------------------------------------------------------------------


def test_a_profile_shows_values_and_teams_but_no_counts(app, make, member, teams, people):
    craft = make_value(app, "Craft")
    care = make_value(app, "Care")
    make_value(app, "Never used")
    give(app, people["hugo"], people["zoe"], message="From sales", value_id=craft)
    give(app, people["lea"], people["zoe"], message="From ops", value_id=care)
    give(app, people["lea"], people["zoe"], message="From ops again", value_id=craft)
    response = client_for(app, member).get(f"/people/{people['zoe'].id}")
    assert response.status_code == 200
    text = page_text(response)
    facts = text.split("Recognised for")[1].split("What colleagues said")[0]
    assert "Craft" in facts and "Care" in facts and "Never used" not in facts
    assert "Thanked by colleagues from" in facts
    assert "Sales" in facts and "Ops" in facts and "Legal" not in facts
    assert not re.search(r"\d", facts)  # no totals, no ranking
    assert "This quarter you thanked" not in text and "Only you see this" not in text
    assert "Thank Zoe Roux" in text
    for words in ("From sales", "From ops", "From ops again"):
        assert words in text


def test_my_own_page_adds_private_figures(app, make, member, teams, people):
    give(app, member, people["hugo"], message="Q now 1")
    give(app, member, people["lea"], people["hugo"], message="Q now 2")
    now = utcnow()
    quarter_start = datetime(now.year, 3 * ((now.month - 1) // 3) + 1, 1, tzinfo=UTC)
    insert_kudos(app, member, [people["zoe"]], created_at=quarter_start - timedelta(days=1))
    give(app, people["zoe"], member, message="For Awa")
    me = client_for(app, member)
    text = page_text(me.get("/me"))
    assert "My kudos" in text
    assert "Only you see this" in text
    assert "This quarter you thanked 2 colleagues, across 2 teams." in text
    assert "Hugo Martin, Lea Moreau" in text
    assert "Zoe Roux" in text  # who thanked me, on the cards
    assert "For Awa" in text and "Q now 1" not in text
    others_view = page_text(client_for(app, people["hugo"]).get(f"/people/{member.id}"))
    assert "This quarter you thanked" not in others_view
    assert "Hugo Martin, Lea Moreau" not in others_view


def test_a_hidden_profile_is_not_found_by_others(app, make, member_client):
    quiet = make.user("Quinn Quiet", email="quinn@example.com", profile_public=False)
    assert member_client.get(f"/people/{quiet.id}").status_code == 404
    assert client_for(app, quiet).get(f"/people/{quiet.id}").status_code == 200
    assert client_for(app, quiet).get("/me").status_code == 200


def test_an_unknown_person_is_not_found(member_client):
    assert member_client.get("/people/987654").status_code == 404
