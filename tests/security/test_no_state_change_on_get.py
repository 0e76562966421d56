"""No state change on GET: every route that answers GET is called by an admin, a member and an
anonymous visitor (as a page and as an htmx request), and every row of every table is the same
afterwards. Every route that changes state refuses GET (405).

The one documented exception is the tracked link `/r/<token>`: a person's click is counted
(in the database when Redis is absent). A robot's visit (link previews, crawlers) is not, so
the sweep follows it as a robot, and a separate test pins down what a person's click writes.
"""

import pytest
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed

from kudos.extensions import db
from tests.security.test_access_table import ROUTES
from tests.security.world import World, build, row_counts, sign_in

BOT = "Mozilla/5.0 (compatible; LinkedInBot/1.0; +https://www.linkedin.com)"
HUMAN = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"

# Every route that answers GET (a test checks the list is complete).
SWEPT = [
    "auth.login", "auth.accept", "auth.signup", "home.healthz", "home.principles",
    "recognition.wall", "recognition.newer", "recognition.new", "recognition.detail",
    "recognition.edit", "recognition.report", "recognition.profile_me", "recognition.profile",
    "recognition.chip", "recognition.search_people", "recognition.moderation", "news.index",
    "news.new", "news.mine", "news.relayed", "news.queue", "news.item", "news.edit",
    "news.watch_sources", "news.follow_link", "news.public_page", "campaigns.index",
    "campaigns.new", "campaigns.page", "campaigns.edit", "insights.index", "insights.me",
    "insights.team", "notifications.index", "notifications.bell",
    "notifications.unsubscribe_page", "settings.index", "settings.export", "settings.erase",
    "teams.requests",
    "admin.index", "admin.people", "admin.invite", "admin.person", "admin.catalog",
    "admin.edit_entry", "admin.jobs", "admin.rules_page", "admin.preview_result",
    "api.openapi", "api.me", "api.users", "api.list_tokens", "api.list_kudos", "api.get_kudos",
    "api.notifications", "api.list_news", "api.list_campaigns", "api.campaign_health",
    "api.fatigue", "api.get_rules", "home.hints", "charter.page", "charter.edit",
    "api.get_charter", "welcome.index", "welcome.step", "calendar.page",
]


def table_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: updates show, not only inserts."""
    with app.app_context():
        snapshot = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            snapshot[table.name] = sorted(tuple(map(repr, row)) for row in rows)
        db.session.remove()
    return snapshot


def get_routes(app) -> list[str]:
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and rule.endpoint != "static")


def unsafe_only_routes(app) -> list[str]:
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if "GET" not in rule.methods)


def _signed_in(app, world: World, role: str):
    client = app.test_client()
    if role != "anonymous":
        sign_in(app, client, world.ids[role])
    return client


@pytest.mark.parametrize("endpoint", SWEPT)
def test_get_changes_no_row(app, endpoint):
    world = build(app)
    url = world.fill(ROUTES[endpoint])
    callers = {role: _signed_in(app, world, role) for role in ("anonymous", "member", "admin")}
    before, counts = table_rows(app), row_counts(app)
    for role, client in callers.items():
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers={"User-Agent": BOT, **headers})
            assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
    assert row_counts(app) == counts
    assert table_rows(app) == before, f"GET {url} changed rows"


def test_every_get_route_is_in_the_sweep(app):
    assert set(get_routes(app)) == set(SWEPT), "a GET route is missing from the sweep"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_every_state_changing_route_refuses_get(app, method):
    """A GET never reaches a state-changing view: 405, or (when a page shares the address,
    as `/settings/` does) the read-only page of that address."""
    world = build(app)
    client = _signed_in(app, world, "admin")
    adapter = app.url_map.bind("localhost")
    before = table_rows(app)
    for endpoint in unsafe_only_routes(app):
        url = world.fill(ROUTES[endpoint])
        try:
            reached, _args = adapter.match(url.partition("?")[0], method=method)
        except MethodNotAllowed:
            reached = None
        assert reached != endpoint
        response = client.open(url, method=method)
        if reached is None:
            assert response.status_code == 405, f"{method} {url}: {response.status_code}"
        else:
            assert reached in get_routes(app) and response.status_code < 500
    assert table_rows(app) == before


def test_a_persons_click_on_a_tracked_link_is_the_one_documented_write(app):
    """The exception, stated: a person following a relayed link is counted once a day."""
    world = build(app)
    client = app.test_client()
    url = f"/r/{world.secrets['relay_token']}"
    before = row_counts(app)
    assert client.get(url, headers={"User-Agent": BOT}).status_code == 302
    assert row_counts(app) == before
    assert client.get(url, headers={"User-Agent": HUMAN}).status_code == 302
    assert client.get(url, headers={"User-Agent": HUMAN}).status_code == 302  # same visitor
    after = row_counts(app)
    assert {name for name in after if after[name] != before[name]} == {
        "relay_visits", "relay_click_days"}
    assert after["relay_visits"] == before["relay_visits"] + 1
