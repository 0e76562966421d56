"""Relays: tracked links, share URLs, the redirect, click counting (inline and through Redis),
audience care, the weekly budget and the reach figures."""

import base64
import html
import re
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlsplit

import pytest
from redis import Redis
from sqlalchemy import select, update

from kudos.extensions import db
from kudos.news import jobs
from kudos.news.models import Relay, RelayClickDay, RelayVisit
from kudos.sqltypes import utcnow
from tests.news.helpers import client_for, count, relay, relay_row, submit, text, visit
from tests.recognition.helpers import counting_statements

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
STORED = "https://example.com/news/article?id=7&utm_source=newsletter&utm_medium=mail&ref=home"


@pytest.fixture
def lead(make):
    return make.user("Lina Lead", role="lead", email="lina@example.com")


@pytest.fixture
def news_id(app, lead):
    return submit(app, lead, "Our team shipped the planner", url=STORED)

def share_link(response) -> str:
    found = re.search(r'<a href="([^"]+)" role="button"[^>]*class="share-button"',
                      response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)
    return html.unescape(found.group(1))


def tracked_link(response) -> str:
    found = re.search(r'id="tracked-link" type="text" value="([^"]+)"',
                      response.get_data(as_text=True))
    assert found
    return html.unescape(found.group(1))


# --- relaying on each channel ----------------------------------------------------------------


def test_each_channel_gets_its_own_unguessable_tracked_link(app, member_client, member, news_id):
    tokens = []
    for channel in ("internal", "linkedin", "x", "email", "copy"):
        response = member_client.post(f"/news/{news_id}/relays", data={"channel": channel})
        assert response.status_code == 200
        with app.app_context():
            made = db.session.scalars(select(Relay).order_by(Relay.id.desc())).first()
            assert (made.channel, made.user_id, made.news_id) == (channel, member.id, news_id)
            tokens.append(made.token)
    assert len(set(tokens)) == 5
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128


def test_linkedin_share_url_is_share_offsite_with_the_tracked_link(
    app, member_client, news_id
):
    response = member_client.post(f"/news/{news_id}/relays", data={"channel": "linkedin"})
    tracked = tracked_link(response)
    with app.app_context():
        token = db.session.scalar(select(Relay.token))
    assert tracked == f"http://localhost/r/{token}"
    assert share_link(response) == (
        "https://www.linkedin.com/sharing/share-offsite/?url=" + quote(tracked, safe=""))
    assert "Open LinkedIn to share" in response.get_data(as_text=True)


def test_x_intent_url_carries_the_caption_and_the_tracked_link(app, member_client, news_id):
    response = member_client.post(f"/news/{news_id}/relays",
                                  data={"channel": "x", "comment": "Proud of this team"})
    share = urlsplit(share_link(response))
    assert (share.scheme, share.netloc, share.path) == ("https", "x.com", "/intent/post")
    query = parse_qs(share.query)
    assert query["url"] == [tracked_link(response)]
    assert query["text"] == ["Proud of this team"]


def test_email_is_a_mailto_with_subject_and_the_tracked_link_in_the_body(
    app, member_client, news_id
):
    response = member_client.post(f"/news/{news_id}/relays", data={"channel": "email"})
    share = share_link(response)
    assert share.startswith("mailto:?")
    fields = dict(part.split("=", 1) for part in share.removeprefix("mailto:?").split("&"))
    assert unquote(fields["subject"]) == "Our team shipped the planner"
    body = unquote(fields["body"])
    assert tracked_link(response) in body
    assert "Three months of work" in body  # the suggested caption


def test_copy_gives_the_link_without_a_share_button(member_client, news_id):
    response = member_client.post(f"/news/{news_id}/relays", data={"channel": "copy"})
    assert response.status_code == 200
    assert "/r/" in tracked_link(response)
    assert "share-button" not in response.get_data(as_text=True)


def test_an_internal_relay_with_a_comment_shows_on_the_item_and_in_the_relayed_strip(
    app, make, member, member_client, news_id
):
    response = member_client.post(f"/news/{news_id}/relays",
                                  data={"channel": "internal", "comment": "Worth a read!"},
                                  headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Relayed on the wall for your colleagues" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    colleague = client_for(app, make.user("Bruno"))
    page = colleague.get(f"/news/{news_id}").get_data(as_text=True)
    assert re.search(r"<strong>Awa Diallo</strong>: <span class=\"comment-body\">Worth a read!",
                     page)
    strip = colleague.get("/news/relayed").get_data(as_text=True)
    assert "Awa Diallo" in strip
    assert "Worth a read!" in strip
    assert f"/news/{news_id}" in strip


def test_an_internal_relay_by_someone_with_a_hidden_profile_is_signed_a_colleague(
    app, make, news_id
):
    quiet = make.user("Quinn Quiet", profile_public=False)
    relay(app, quiet, news_id, "internal", "Worth a read!")
    colleague = client_for(app, make.user("Bruno"))
    for url in (f"/news/{news_id}", "/news/relayed"):
        page = colleague.get(url).get_data(as_text=True)
        assert "Worth a read!" in page and "<strong>a colleague</strong>" in page, url
        assert "Quinn Quiet" not in page, url
    assert "<strong>Quinn Quiet</strong>" in client_for(app, quiet).get(
        "/news/relayed").get_data(as_text=True)


def test_a_comment_goes_only_with_an_internal_relay(app, member_client, news_id):
    member_client.post(f"/news/{news_id}/relays",
                       data={"channel": "linkedin", "comment": "My own words"})
    with app.app_context():
        assert db.session.scalar(select(Relay.comment)) is None


@pytest.mark.parametrize("channel", ["", "facebook", "INTERNAL"])
def test_an_unknown_channel_is_refused_and_nothing_written(app, member_client, news_id, channel):
    response = member_client.post(f"/news/{news_id}/relays", data={"channel": channel})
    assert response.status_code == 422
    assert "Please choose where to relay it." in text(response)
    assert count(app, Relay.id) == 0


def test_a_proposal_cannot_be_relayed(app, member, member_client):
    news_id = submit(app, member, "My proposal")
    response = member_client.post(f"/news/{news_id}/relays", data={"channel": "linkedin"})
    assert response.status_code in (404, 422)
    assert count(app, Relay.id) == 0


# --- the tracked redirect --------------------------------------------------------------------


def test_tracked_link_redirects_to_the_stored_url_with_utm_parameters(app, member, news_id):
    _relay_id, token = relay(app, member, news_id, "linkedin")
    response = visit(app, token)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    stored = urlsplit(STORED)
    assert (location.scheme, location.netloc, location.path) == (
        stored.scheme, stored.netloc, stored.path)
    query = parse_qsl(location.query)
    assert [(k, v) for k, v in query if not k.startswith("utm_")] == [
        ("id", "7"), ("ref", "home")]
    assert sorted((k, v) for k, v in query if k.startswith("utm_")) == sorted([
        ("utm_source", "linkedin"), ("utm_medium", "employee_advocacy"),
        ("utm_campaign", f"news-{news_id}"), ("utm_content", "linkedin")])


@pytest.mark.parametrize("channel", ["x", "email", "copy", "internal"])
def test_utm_content_names_the_channel(app, member, news_id, channel):
    _relay_id, token = relay(app, member, news_id, channel)
    query = parse_qs(urlsplit(visit(app, token).headers["Location"]).query)
    assert query["utm_content"] == [channel]
    assert query["utm_medium"] == ["employee_advocacy"]


def test_an_item_without_a_link_leads_to_its_page(app, lead, member):
    news_id = submit(app, lead, "Text only", body="Just words.", summary="")
    _relay_id, token = relay(app, member, news_id, "copy")
    assert visit(app, token).headers["Location"] == f"http://localhost/news/{news_id}"


@pytest.mark.parametrize("suffix", [
    "?next=https://evil.example", "?url=https://evil.example/x",
    "?utm_source=evil&redirect=//evil.example",
])
def test_the_redirect_only_ever_goes_to_the_stored_url(app, member, news_id, suffix):
    _relay_id, token = relay(app, member, news_id, "linkedin")
    plain = visit(app, token).headers["Location"]
    tricked = visit(app, token + suffix, ip="198.51.100.21").headers["Location"]
    assert tricked == plain
    assert "evil" not in tricked


@pytest.mark.parametrize("token", ["unknown-token", "x" * 22, "../../login"])
def test_an_unknown_token_is_a_plain_404_page(app, member, news_id, token):
    relay(app, member, news_id, "linkedin")
    response = visit(app, token)
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert "We could not find that page" in text(response)


def test_a_withdrawn_link_is_a_404(app, member, news_id):
    relay_id, token = relay(app, member, news_id, "linkedin")
    with app.app_context():
        db.session.execute(update(Relay).where(Relay.id == relay_id)
                           .values(withdrawn_at=utcnow()))
        db.session.commit()
    assert visit(app, token).status_code == 404


# --- counting clicks, inline mode ------------------------------------------------------------


def test_inline_a_visitor_counts_once_a_day_and_another_address_counts_again(
    app, member, news_id
):
    relay_id, token = relay(app, member, news_id, "linkedin")
    assert visit(app, token).status_code == 302
    assert visit(app, token).status_code == 302
    assert relay_row(app, relay_id).clicks == 1
    assert visit(app, token, ip="203.0.113.40").status_code == 302
    assert relay_row(app, relay_id).clicks == 2
    with app.app_context():
        day = db.session.get(RelayClickDay, (relay_id, utcnow().date()))
        assert day.clicks == 2


def fifty_browsers() -> list[str]:
    return [f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{100 + n}.0.0.0 Safari/537.36" for n in range(49)] + [PHONE]


def test_fifty_user_agents_from_one_address_are_one_visitor(app, member, news_id):
    relay_id, token = relay(app, member, news_id, "linkedin")
    for user_agent in fifty_browsers():
        assert visit(app, token, ip="203.0.113.50", user_agent=user_agent).status_code == 302
    assert relay_row(app, relay_id).clicks == 1
    assert count(app, RelayVisit.relay_id) == 1


def test_fifty_user_agents_from_one_address_are_one_visitor_through_redis(
    rq_app, member, news_id
):
    relay_id, token = relay(rq_app, member, news_id, "linkedin")
    for user_agent in fifty_browsers():
        visit(rq_app, token, ip="203.0.113.50", user_agent=user_agent)
    with rq_app.app_context():
        assert jobs.flush_clicks() == 1
    assert relay_row(rq_app, relay_id).clicks == 1


@pytest.mark.parametrize("user_agent", [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "curl/8.5.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "python-requests/2.32.3",
    "okhttp/4.12.0",
    "axios/1.7.2",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "node-fetch",
    "Apache-HttpClient/4.5.14 (Java/17.0.9)",
    "Go-http-client/2.0",
    "Java-http-client/17.0.9",
    "Dart/3.3 (dart:io)",
    "undici",
    "PostmanRuntime/7.39.0",
    "Ruby",
    "GuzzleHttp/7",
    "libwww-perl/6.77",
])
def test_bots_are_redirected_but_not_counted(app, member, news_id, user_agent):
    relay_id, token = relay(app, member, news_id, "linkedin")
    response = visit(app, token, user_agent=user_agent)
    assert response.status_code == 302
    assert relay_row(app, relay_id).clicks == 0
    assert count(app, RelayVisit.relay_id) == 0


def test_no_address_is_stored_only_a_salted_hash(app, member, news_id):
    relay_id, token = relay(app, member, news_id, "linkedin")
    ip = "203.0.113.77"
    visit(app, token, ip=ip)
    visit(app, token, ip="203.0.113.78")
    with app.app_context():
        visitors = db.session.scalars(select(RelayVisit.visitor)).all()
        assert len(visitors) == 2
        for visitor in visitors:
            assert re.fullmatch(r"[0-9a-f]{32}", visitor)
        # Nowhere in the database, in any table.
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                assert "203.0.113" not in repr(tuple(row)), table.name
    assert relay_row(app, relay_id).clicks == 2


# --- counting clicks through Redis -----------------------------------------------------------


def test_with_redis_the_redirect_writes_nothing_and_the_flush_counts_once(
    rq_app, member, news_id, redis_url
):
    relay_id, token = relay(rq_app, member, news_id, "linkedin")
    with counting_statements(rq_app) as seen:
        response = visit(rq_app, token, ip="203.0.113.9")
    assert response.status_code == 302
    assert seen, "the redirect reads the relay"
    assert all(s.lstrip().upper().startswith("SELECT") for s in seen), seen
    visit(rq_app, token, ip="203.0.113.9")  # the same visitor again
    visit(rq_app, token, ip="203.0.113.9", user_agent=PHONE)
    visit(rq_app, token, ip="203.0.113.9", user_agent="curl/8.5.0")
    assert relay_row(rq_app, relay_id).clicks == 0
    assert count(rq_app, RelayVisit.relay_id) == 0
    keys = [k.decode() for k in Redis.from_url(redis_url).keys("*")]
    assert not any("203.0.113.9" in k for k in keys)

    with rq_app.app_context():
        assert jobs.flush_clicks() == 1  # one address, one day: one visitor
        assert jobs.flush_clicks() == 0
    assert relay_row(rq_app, relay_id).clicks == 1
    with rq_app.app_context():
        assert db.session.get(RelayClickDay, (relay_id, utcnow().date())).clicks == 1

    visit(rq_app, token, ip="203.0.113.10")
    with rq_app.app_context():
        assert jobs.flush_clicks() == 1
    assert relay_row(rq_app, relay_id).clicks == 2


# --- audience care and the weekly budget -----------------------------------------------------


def test_the_share_panel_suggests_waiting_when_teammates_already_shared_today(
    app, make, news_id
):
    team, other_team = make.team("Itineraries"), make.team("Finance")
    viewer = make.user("Awa", team=team)
    first, second = make.user("Bruno", team=team), make.user("Chloé", team=team)
    outsider = make.user("Dan", team=other_team)
    note = "already shared it outside today"

    relay(app, first, news_id, "linkedin")
    relay(app, first, news_id, "x")  # one person, two channels: still one colleague
    relay(app, make.user("Eve", team=team), news_id, "internal")  # inside: not flooding
    assert note not in text(client_for(app, viewer).get(f"/news/{news_id}"))

    relay(app, second, news_id, "linkedin")
    page = text(client_for(app, viewer).get(f"/news/{news_id}"))
    assert "2 colleagues of your team already shared it outside today" in page
    assert note not in text(client_for(app, outsider).get(f"/news/{news_id}"))


def test_shares_of_earlier_days_do_not_count_for_audience_care(app, make, news_id):
    team = make.team("Itineraries")
    viewer = make.user("Awa", team=team)
    for name in ("Bruno", "Chloé"):
        relay(app, make.user(name, team=team), news_id, "linkedin")
    with app.app_context():
        db.session.execute(update(Relay).values(created_at=utcnow().replace(year=2020)))
        db.session.commit()
    assert "already shared" not in text(client_for(app, viewer).get(f"/news/{news_id}"))


def settings_form(**changes) -> dict:
    data = {"name": "Awa Diallo", "team_id": "0", "timezone": "Europe/Paris",
            "working_days": ["1", "2", "3", "4", "5"], "work_start": "09:00",
            "work_end": "17:30", "locale": "en", "digest_frequency": "weekly",
            "notify_mode": "live", "relay_weekly_budget": ""}
    data.update(changes)
    return data


def test_the_weekly_budget_is_a_gentle_reminder_never_a_wall(
    app, member, member_client, news_id
):
    saved = member_client.post("/settings/", data=settings_form(relay_weekly_budget="2"))
    assert saved.status_code == 303
    reminder = "You've reached the weekly budget you set yourself (2 relays)"

    first = member_client.post(f"/news/{news_id}/relays", data={"channel": "linkedin"})
    assert "That's the weekly budget you set yourself" not in text(first)
    assert reminder not in text(member_client.get(f"/news/{news_id}"))
    second = member_client.post(f"/news/{news_id}/relays", data={"channel": "x"})
    assert "That's the weekly budget you set yourself" in text(second)
    page = text(member_client.get(f"/news/{news_id}"))
    assert reminder in page
    assert "Relaying more is entirely up to you." in page

    third = member_client.post(f"/news/{news_id}/relays", data={"channel": "email"})
    assert third.status_code == 200
    assert count(app, Relay.id) == 3


def test_without_a_budget_there_is_no_reminder(app, member_client, news_id):
    for channel in ("linkedin", "x", "email", "copy", "internal"):
        response = member_client.post(f"/news/{news_id}/relays", data={"channel": channel})
        assert "budget" not in text(response)
    assert "budget" not in text(member_client.get(f"/news/{news_id}"))


# --- reach -----------------------------------------------------------------------------------


def test_my_reach_is_private_and_shows_my_clicks(app, make, member, member_client, news_id):
    relay_id, token = relay(app, member, news_id, "linkedin")
    visit(app, token, ip="198.51.100.1")
    visit(app, token, ip="198.51.100.2")
    mine = text(member_client.get("/news/mine"))
    assert "2 visits through your links so far." in mine
    assert re.search(r"<td>LinkedIn</td>\s*<td>[^<]+</td><td>2</td>", mine), mine
    other = text(client_for(app, make.user("Bruno")).get("/news/mine"))
    assert "Nothing relayed yet" in other
    assert "Our team shipped the planner" not in other


def test_leads_see_figures_per_channel_and_members_do_not(
    app, make, lead, member, member_client, news_id
):
    relay_id, token = relay(app, member, news_id, "linkedin")
    relay(app, make.user(), news_id, "linkedin")
    relay(app, make.user(), news_id, "x")
    relay(app, member, news_id, "internal", "Nice")
    visit(app, token)
    page = text(client_for(app, lead).get(f"/news/{news_id}"))
    assert "Reach (leads and admins)" in page
    assert "4 relays · 1 click" in page
    for channel, relays in (("LinkedIn", 2), ("X", 1), ("Kudos wall", 1), ("Email", 0)):
        assert f"<tr><td>{channel}</td><td>{relays}</td></tr>" in page
    assert "Reach (leads and admins)" not in text(member_client.get(f"/news/{news_id}"))


def test_team_figures_only_for_teams_of_at_least_five_active_people(app, make, lead, news_id):
    big, small, shrunk = make.team("Big team"), make.team("Small team"), make.team("Shrunk")
    for team, size in ((big, 5), (small, 4), (shrunk, 4)):
        people = [make.user(team=team) for _ in range(size)]
        relay(app, people[0], news_id, "linkedin")
    make.user(team=shrunk, active=False)  # five people, but only four active
    page = text(client_for(app, lead).get(f"/news/{news_id}"))
    assert re.search(r"<td hx-disable>Big team</td><td>1</td><td>0</td>", page)
    assert "Small team" not in page
    assert "Shrunk" not in page


def test_admins_see_the_reach_too(app, admin_client, news_id):
    assert "Reach (leads and admins)" in text(admin_client.get(f"/news/{news_id}"))



def test_the_share_form_sent_twice_makes_one_relay_and_shows_the_same_link(
    app, member_client, news_id
):
    """A double click on "Get my link": the form carries a key of its own, so the second
    send answers the first relay's tracked link instead of making a second one."""
    page = text(member_client.get(f"/news/{news_id}"))
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    links = []
    for _ in range(2):
        response = member_client.post(f"/news/{news_id}/relays", data={
            "channel": "linkedin", "idempotency_key": key}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        links.append(re.search(r'id="tracked-link" type="text" value="([^"]+)"',
                               response.get_data(as_text=True)).group(1))
    assert links[0] == links[1]
    assert count(app, Relay.id) == 1
    fresh = text(member_client.get(f"/news/{news_id}"))
    assert key not in fresh  # the next relay of the item is a new one
