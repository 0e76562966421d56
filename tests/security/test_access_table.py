"""Access control as a table: every route the app registers × four roles (anonymous, a member
and the lead of team A, an admin).

The expected outcome comes from the level the route declares (`@access(...)`, kept on the view
as `kudos_access`), then from an explicit list of record-level exceptions: someone else's
kudos, proposal or token answers 404 (the API answers 403 to a DELETE of a kudos the caller
reads but did not give); a lead on another team's insights or campaign answers
403. A route added without an entry in `ROUTES` fails `test_the_table_covers_every_route`.
"""

import pytest
from sqlalchemy import select

from kudos.extensions import db
from kudos.notifications.models import Notification
from tests.security.world import ROLES, World, build, rebuild, row_counts, sign_in

LOGIN, FORBIDDEN, HIDDEN, ALLOWED = "login", "forbidden", "hidden", "allowed"

# endpoint -> a concrete URL (templates are filled with the world's ids and secrets).
ROUTES: dict[str, str] = {
    # auth and home
    "auth.login": "/login",
    "auth.logout": "/logout",
    "auth.logout_everywhere": "/logout/everywhere",
    "auth.accept": "/invite/{invite_token}",
    "auth.signup": "/signup",
    "home.language": "/language",
    "home.healthz": "/healthz",
    "home.principles": "/principles",
    "home.hints": "/hints",
    # welcome
    "welcome.index": "/welcome/",
    "welcome.step": "/welcome/charter",
    "welcome.save": "/welcome/charter",
    "welcome.skip": "/welcome/skip",
    # charter
    "charter.page": "/charter",
    "charter.dismiss": "/charter/notice",
    "charter.edit": "/admin/charter",
    "charter.save": "/admin/charter",
    "charter.reviewed": "/admin/charter/reviewed",
    # working calendar
    "calendar.page": "/admin/calendar/",
    "calendar.save_company": "/admin/calendar/",
    "calendar.add_closure": "/admin/calendar/closures",
    "calendar.remove_closure": "/admin/calendar/closures/{closure}/delete",
    # recognition
    "recognition.wall": "/",
    "recognition.newer": "/wall/newer",
    "recognition.new": "/kudos/new",
    "recognition.give": "/kudos",
    "recognition.detail": "/kudos/{kudos_other}",
    "recognition.edit": "/kudos/{kudos_mine}/edit",
    "recognition.withdraw": "/kudos/{kudos_mine}/withdraw",
    "recognition.react": "/kudos/{kudos_other}/reactions",
    "recognition.comment": "/kudos/{kudos_other}/comments",
    "recognition.report": "/kudos/{kudos_other}/report",
    "recognition.decide": "/kudos/{kudos_pending}/decision",
    "recognition.profile_me": "/me",
    "recognition.profile": "/people/{other}",
    "recognition.chip": "/people/chip/{other}",
    "recognition.search_people": "/people/search?q=om",
    "recognition.moderation": "/moderation",
    "recognition.hide": "/moderation/{kudos_other}/hide",
    "recognition.keep": "/moderation/{kudos_other}/keep",
    # news
    "news.index": "/news",
    "news.new": "/news/new",
    "news.mine": "/news/mine",
    "news.relayed": "/news/relayed",
    "news.queue": "/news/queue",
    "news.item": "/news/{proposal}",
    "news.edit": "/news/{proposal}/edit",
    "news.publish": "/news/{proposal}/publish",
    "news.decline": "/news/{proposal}/decline",
    "news.archive": "/news/{proposal}/archive",
    "news.relay": "/news/{news}/relays",
    "news.follow": "/news/topics/{topic}/follow",
    "news.watch_sources": "/news/sources",
    "news.fetch_now": "/news/sources/{source}/fetch",
    "news.toggle_source": "/news/sources/{source}/toggle",
    "news.follow_link": "/r/{relay_token}",
    "news.public_page": "/p/{news}",
    # campaigns
    "campaigns.index": "/campaigns/",
    "campaigns.new": "/campaigns/new",
    "campaigns.page": "/campaigns/{campaign_b}",
    "campaigns.mute": "/campaigns/{campaign_b}/mute",
    "campaigns.edit": "/campaigns/{campaign_company}/edit",
    "campaigns.act": "/campaigns/{campaign_company}/pause",
    "campaigns.thank_you": "/campaigns/{campaign_company}/thank-you",
    # insights
    "insights.index": "/insights/",
    "insights.me": "/insights/me",
    "insights.scan": "/insights/scan",
    "insights.team": "/insights/team/{team_b}",
    # notifications
    "notifications.index": "/notifications/",
    "notifications.bell": "/notifications/bell",
    "notifications.read": "/notifications/read",
    "notifications.unsubscribe_page": "/notifications/unsubscribe/{unsubscribe_token}",
    "notifications.unsubscribe": "/notifications/unsubscribe/{unsubscribe_token}",
    # settings
    "settings.index": "/settings/",
    "settings.save_profile": "/settings/",
    "settings.password": "/settings/password",
    "settings.create_token": "/settings/tokens",
    "settings.revoke_token": "/settings/tokens/{member_token}/revoke",
    "settings.export": "/settings/export",
    "settings.erase": "/settings/erase",
    "settings.ask_to_move": "/settings/team",
    "settings.cancel_move": "/settings/team/cancel",
    # teams
    "teams.requests": "/teams/requests",
    "teams.decide": "/teams/requests/{move_request}/approve",
    # admin
    "admin.index": "/admin/",
    "admin.people": "/admin/people",
    "admin.invite": "/admin/people/invite",
    "admin.person": "/admin/people/{other}",
    "admin.deactivate": "/admin/people/{other}/deactivate",
    "admin.reactivate": "/admin/people/{other}/reactivate",
    "admin.revoke_invitation": "/admin/invitations/{invitation}/revoke",
    "admin.catalog": "/admin/values",
    "admin.create_entry": "/admin/values",
    "admin.edit_entry": "/admin/values/{value}",
    "admin.archive_entry": "/admin/values/{value}/archive",
    "admin.jobs": "/admin/jobs",
    "admin.retry_job": "/admin/jobs/no-such-job/retry",
    "admin.rules_page": "/admin/rules",
    "admin.save_rules": "/admin/rules",
    "admin.preview_rules": "/admin/rules/preview",
    "admin.preview_result": "/admin/rules/preview/{preview}",
    # API
    "api.openapi": "/api/v1/openapi.json",
    "api.me": "/api/v1/me",
    "api.users": "/api/v1/users",
    "api.create_token": "/api/v1/tokens",
    "api.list_tokens": "/api/v1/tokens",
    "api.revoke_token": "/api/v1/tokens/{member_token}",
    "api.give_kudos": "/api/v1/kudos",
    "api.list_kudos": "/api/v1/kudos",
    "api.get_kudos": "/api/v1/kudos/{kudos_private}",
    "api.delete_kudos": "/api/v1/kudos/{kudos_mine}",
    "api.add_comment": "/api/v1/kudos/{kudos_other}/comments",
    "api.add_reaction": "/api/v1/kudos/{kudos_other}/reactions",
    "api.remove_reaction": "/api/v1/kudos/{kudos_other}/reactions/applause",
    "api.notifications": "/api/v1/notifications",
    "api.list_news": "/api/v1/news",
    "api.submit_news": "/api/v1/news",
    "api.publish_news": "/api/v1/news/{proposal}/publish",
    "api.relay_news": "/api/v1/news/{proposal}/relays",
    "api.list_campaigns": "/api/v1/campaigns",
    "api.create_campaign": "/api/v1/campaigns",
    "api.campaign_health": "/api/v1/campaigns/{campaign_b}/health",
    "api.fatigue": "/api/v1/insights/fatigue?scope=team:{team_b}",
    "api.get_rules": "/api/v1/admin/rules",
    "api.put_rules": "/api/v1/admin/rules",
    "api.preview_rules_api": "/api/v1/admin/rules/preview",
    "api.get_charter": "/api/v1/charter",
    "api.put_charter": "/api/v1/admin/charter",
}

# Routes that need no entry: Flask's static files.
NOT_IN_TABLE = {"static"}

# Record-level rules, on top of the declared level: (endpoint, role) -> outcome.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # Only the giver edits or withdraws a kudos; to anyone else it does not exist.
    ("recognition.edit", "lead"): HIDDEN,
    ("recognition.edit", "admin"): HIDDEN,
    ("recognition.withdraw", "lead"): HIDDEN,
    ("recognition.withdraw", "admin"): HIDDEN,
    # Someone else's kudos they can read: the API says why not (an admin may hide it).
    ("api.delete_kudos", "lead"): FORBIDDEN,
    # Only a recipient waiting to approve decides; a pending kudos is theirs alone.
    ("recognition.decide", "lead"): HIDDEN,
    ("recognition.decide", "admin"): HIDDEN,
    # A private kudos to a third person (visibility "recipients") is not there for anyone.
    ("api.get_kudos", "member"): HIDDEN,
    ("api.get_kudos", "lead"): HIDDEN,
    ("api.get_kudos", "admin"): HIDDEN,
    # Someone else's proposal: hidden from other members, curated by leads and admins.
    ("news.item", "member"): HIDDEN,
    ("api.relay_news", "member"): HIDDEN,
    # Someone else's API token: hidden from everyone, admins included.
    ("settings.revoke_token", "lead"): HIDDEN,
    ("settings.revoke_token", "admin"): HIDDEN,
    ("api.revoke_token", "lead"): HIDDEN,
    ("api.revoke_token", "admin"): HIDDEN,
    # Team B's campaign is out of the member's and the lead's scope (both in team A).
    ("campaigns.page", "member"): HIDDEN,
    ("campaigns.page", "lead"): HIDDEN,
    ("campaigns.mute", "member"): HIDDEN,
    ("campaigns.mute", "lead"): HIDDEN,
    ("api.campaign_health", "member"): HIDDEN,
    ("api.campaign_health", "lead"): HIDDEN,
    # The company-wide campaign: the lead sees it but does not run it.
    ("campaigns.edit", "lead"): FORBIDDEN,
    ("campaigns.act", "lead"): FORBIDDEN,
    ("campaigns.thank_you", "lead"): FORBIDDEN,
    # Team B's rhythm is for team B's leads and admins.
    ("insights.team", "lead"): FORBIDDEN,
    ("api.fatigue", "member"): FORBIDDEN,
    ("api.fatigue", "lead"): FORBIDDEN,
}

# More record-level cases on URLs the table does not use: (role, method, url, outcome).
RECORD_CASES = [
    ("member", "GET", "/kudos/{kudos_private}", HIDDEN),
    ("lead", "GET", "/kudos/{kudos_private}", HIDDEN),
    ("admin", "GET", "/kudos/{kudos_private}", HIDDEN),
    ("member", "POST", "/kudos/{kudos_private}/comments", HIDDEN),
    ("member", "POST", "/kudos/{kudos_private}/reactions", HIDDEN),
    ("member", "GET", "/kudos/{kudos_private}/report", HIDDEN),
    ("member", "POST", "/kudos/{kudos_other}/edit", HIDDEN),
    ("member", "POST", "/kudos/{kudos_other}/withdraw", HIDDEN),
    ("member", "DELETE", "/api/v1/kudos/{kudos_other}", FORBIDDEN),
    ("member", "DELETE", "/api/v1/kudos/{kudos_private}", HIDDEN),
    ("member", "POST", "/api/v1/kudos/{kudos_private}/comments", HIDDEN),
    ("member", "GET", "/kudos/{kudos_pending}", ALLOWED),
    ("member", "POST", "/settings/tokens/{other_token}/revoke", HIDDEN),
    ("member", "DELETE", "/api/v1/tokens/{other_token}", HIDDEN),
    ("member", "POST", "/news/{proposal}/relays", HIDDEN),
    ("member", "GET", "/news/{news}", ALLOWED),
    ("lead", "GET", "/insights/team/{team_a}", ALLOWED),
    ("member", "GET", "/insights/team/{team_a}", FORBIDDEN),
    ("lead", "GET", "/api/v1/insights/fatigue?scope=team:{team_a}", ALLOWED),
    ("lead", "GET", "/api/v1/insights/fatigue?scope=company", FORBIDDEN),
    ("lead", "GET", "/api/v1/insights/fatigue?scope=campaign:{campaign_company}", FORBIDDEN),
    ("lead", "GET", "/api/v1/insights/fatigue?scope=campaign:{campaign_b}", HIDDEN),
    ("lead", "GET", "/campaigns/{campaign_a}/edit", ALLOWED),
    ("lead", "POST", "/campaigns/{campaign_b}/pause", HIDDEN),
    ("lead", "POST", "/campaigns/{campaign_b}/edit", HIDDEN),
    ("member", "GET", "/campaigns/{campaign_a}", ALLOWED),
    ("member", "GET", "/campaigns/{campaign_company}", ALLOWED),
    ("admin", "GET", "/campaigns/{campaign_b}", ALLOWED),
    ("admin", "GET", "/insights/team/{team_b}", ALLOWED),
]


def expected(app, endpoint: str, role: str) -> str:
    if (endpoint, role) in EXCEPTIONS:
        return EXCEPTIONS[(endpoint, role)]
    level = app.view_functions[endpoint].kudos_access
    if level == "public":
        return ALLOWED
    if role == "anonymous":
        return LOGIN
    granted = {"member": ("user",), "lead": ("user", "lead"), "admin": ("user", "lead", "admin")}
    return ALLOWED if level in granted[role] else FORBIDDEN


def outcome(response, url: str) -> str:
    status = response.status_code
    assert status < 500, f"{url}: {status}"
    if url.startswith("/api/"):
        if status == 401:
            assert response.get_json()["error"]["code"] == "unauthenticated"
            return LOGIN
        if status in (403, 404):
            assert response.get_json()["error"]["code"] in ("forbidden", "not_found")
    elif status == 302 and response.headers["Location"].startswith("/login"):
        assert "next=" in response.headers["Location"]
        return LOGIN
    return {403: FORBIDDEN, 404: HIDDEN}.get(status, ALLOWED)


def methods_of(app, endpoint: str) -> list[str]:
    methods = set()
    for rule in app.url_map.iter_rules(endpoint):
        methods |= rule.methods - {"HEAD", "OPTIONS"}
    return sorted(methods, key=["GET", "POST", "PUT", "DELETE"].index)


def call(client, method: str, url: str):
    kwargs = {"json": {}} if url.startswith("/api/") and method in ("POST", "PUT") else {}
    return client.open(url, method=method, **kwargs)


def client_for(app, world: World, role: str):
    client = app.test_client()
    if role != "anonymous":
        sign_in(app, client, world.ids[role])
    return client


def test_the_table_covers_every_route(app):
    registered = {rule.endpoint for rule in app.url_map.iter_rules()} - NOT_IN_TABLE
    assert registered - set(ROUTES) == set(), "routes without an entry in the access table"
    assert set(ROUTES) - registered == set(), "entries for routes that no longer exist"
    assert {endpoint for endpoint, _role in EXCEPTIONS} <= set(ROUTES)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_answers_each_role_as_declared(app, endpoint):
    """Each role in turn on the same world; a refused call writes nothing (checked), so the
    world is only rebuilt after a role was allowed to change something."""
    world, dirty, wrong = build(app), False, []
    for role in ROLES:
        if dirty:
            world, dirty = rebuild(app), False
        url = world.fill(ROUTES[endpoint])
        want = expected(app, endpoint, role)
        client = client_for(app, world, role)
        for method in methods_of(app, endpoint):
            before = row_counts(app) if want != ALLOWED else None
            got = outcome(call(client, method, url), url)
            if got != want:
                wrong.append(f"{role} {method} {url}: {got}, expected {want}")
            if before is not None and row_counts(app) != before:
                wrong.append(f"{role} {method} {url} was refused but wrote rows")
            dirty = dirty or (got == ALLOWED and method != "GET")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("role", "method", "template", "want"), RECORD_CASES)
def test_record_level_rules(app, role, method, template, want):
    world = build(app)
    url = world.fill(template)
    client = client_for(app, world, role)
    assert outcome(call(client, method, url), url) == want


def test_marking_someone_elses_notification_read_changes_nothing(app):
    world = build(app)
    client = client_for(app, world, "member")
    response = client.post("/notifications/read", data={"id": world.notification})
    assert response.status_code == 303
    with app.app_context():
        read_at = db.session.scalar(
            select(Notification.read_at).where(Notification.id == world.notification))
    assert read_at is None


def test_someone_elses_api_token_cannot_be_revoked_with_a_bearer_token_either(app):
    world = build(app)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world.secrets['member_api_token']}"}
    response = client.delete(f"/api/v1/tokens/{world.other_token}", headers=headers)
    assert response.status_code == 404
    response = client.get("/api/v1/admin/rules", headers=headers)
    assert response.status_code == 403
