"""XSS, checked in a real browser: names, kudos messages, comments, news (title, summary,
Markdown body, relay comments) and campaigns holding script, event handlers, htmx attributes,
`javascript:` links and template syntax render as inert text on every page that shows them.

For each page: `window.__x` stays undefined (no script ran, clicks included), no element with
an event handler or an htmx attribute came from the data, no request left for an unexpected
address (the `hx-get="/logout"` one would sign the reader out), and `{{7*7}}` shows as typed.
The page fixture also fails on any console error, CSP refusals of inline script included.
"""

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from kudos.auth.models import User
from kudos.campaigns.models import Campaign
from kudos.extensions import db
from kudos.news.models import NewsItem, Relay
from kudos.recognition.models import Comment, Kudos, KudosRecipient
from kudos.sqltypes import utcnow
from tests.browser.conftest import screenshot
from tests.conftest import _HASH, PASSWORD
from tests.security.world import build

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

PAYLOADS = [
    "<script>window.__x=1</script>",
    '<img src=x onerror="window.__x=1">',
    '<a hx-get="/logout" hx-trigger="load">x</a>',
    '<div hx-on:click="window.__x=1">click me</div>',
    "[link](javascript:window.__x=1)",
    "{{7*7}}",
]
ALL = " ".join(PAYLOADS)
# Elements that only the payloads could have created.
PLANTED = ("script:not([src]), img[src='x'], [onerror], [hx-get='/logout'], [hx-on\\:click], "
           "a[href^='javascript' i], [hx-trigger='load']")
# Requests a page may make besides itself: its assets and the fragments it polls.
ALLOWED_PREFIXES = ("/static/", "/notifications/bell", "/news/relayed", "/wall/newer", "/hints")


def plant(app) -> dict:
    """A world whose people, kudos, comments, news and campaign all carry the payloads."""
    world = build(app)
    today = utcnow().date()
    with app.app_context():
        people = []
        for n, payload in enumerate(PAYLOADS):
            person = User(name=payload, email=f"xss{n}@example.com", password_hash=_HASH,
                          team_id=world.team_a)
            db.session.add(person)
            people.append(person)
        db.session.flush()
        campaign = Campaign(title=" ".join(PAYLOADS[:3])[:120], theme=" ".join(PAYLOADS[3:]),
                            description=ALL, team_id=None, owner_id=world.admin,
                            starts_on=today, ends_on=today + timedelta(days=20),
                            goal_kind="kudos_count", goal_target=10, status="scheduled",
                            launched_at=utcnow())
        db.session.add(campaign)
        db.session.flush()
        kudos = Kudos(giver_id=people[0].id, message=ALL, kind="highlight",
                      work_title=ALL[:200], why_it_matters=ALL, campaign_id=campaign.id,
                      idempotency_key=uuid.uuid4().hex, created_at=utcnow())
        kudos.recipients = [KudosRecipient(user_id=p.id, approved=True) for p in people[1:]]
        thanks = Kudos(giver_id=people[2].id, message=ALL, idempotency_key=uuid.uuid4().hex,
                       created_at=utcnow())
        thanks.recipients = [KudosRecipient(user_id=u, approved=True)
                             for u in (world.member, people[0].id, people[1].id)]
        db.session.add_all([kudos, thanks])
        db.session.flush()
        db.session.add_all([Comment(kudos_id=k.id, author_id=people[3].id, body=ALL)
                            for k in (kudos, thanks)])
        news = NewsItem(title=ALL[:200], summary=ALL, status="published", public=True,
                        body=f"# {ALL}\n\n{ALL}\n\n[plain](javascript:window.__x=1) "
                             f"<a href='javascript:window.__x=1'>raw</a> "
                             f"<iframe src='javascript:window.__x=1'></iframe>",
                        published_at=utcnow(), author_id=world.admin,
                        proposed_by_id=people[4].id)
        db.session.add(news)
        db.session.flush()
        db.session.add(Relay(news_id=news.id, user_id=people[5].id, channel="internal",
                             comment=ALL, token=uuid.uuid4().hex[:22]))
        db.session.commit()
        return {"kudos": kudos.id, "thanks": thanks.id, "news": news.id,
                "campaign": campaign.id, "person": people[1].id, "giver": people[0].id}


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Wall", exact=True)).to_be_visible()


def watch_requests(page, live_server: str) -> list[str]:
    """Every request the page makes from now on, as `path` (or the full URL if elsewhere)."""
    seen: list[str] = []

    def record(request):
        parts = urlsplit(request.url)
        here = f"{parts.scheme}://{parts.netloc}" == live_server
        seen.append(parts.path if here else request.url)

    page.on("request", record)
    page.on("dialog", lambda dialog: seen.append(f"dialog: {dialog.message}"))
    return seen


def assert_inert(page, path: str, seen: list[str], *, template_shown: bool = True) -> None:
    seen.clear()
    page.goto(path)
    page.wait_for_load_state("networkidle")
    # Click everything that carries the payloads: an hx-on or onclick would fire now.
    for element in page.locator(".message, .news-body, .comment-list, h1, .lead-text, "
                                ".card-people, .work-title, .why").all():
        element.dispatch_event("click")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__x") == "undefined", f"a payload ran on {path}"
    assert page.locator(PLANTED).count() == 0, f"markup from the data on {path}"
    unexpected = [url for url in seen if url != urlsplit(path).path
                  and not url.startswith(ALLOWED_PREFIXES)]
    assert not unexpected, f"{path} sent unexpected requests: {unexpected}"
    text = page.locator("main").inner_text()
    if template_shown:
        assert "{{7*7}}" in text, f"{{{{7*7}}}} is not shown as typed on {path}"
    assert "<script>window.__x=1</script>" in text or not template_shown


def test_payloads_render_inert_on_every_page_that_shows_them(page, app, live_server):
    ids = plant(app)
    seen = watch_requests(page, live_server)
    sign_in(page, "awa@example.com")
    for path in ["/", f"/kudos/{ids['kudos']}", f"/kudos/{ids['thanks']}",
                 f"/people/{ids['person']}", f"/people/{ids['giver']}", "/me",
                 f"/news/{ids['news']}", "/news", f"/campaigns/{ids['campaign']}",
                 "/campaigns/", "/notifications/"]:
        assert_inert(page, path, seen, template_shown=path not in ("/campaigns/",
                                                                    "/notifications/"))
    screenshot(page, "xss-campaign")
    page.goto(f"/news/{ids['news']}")
    body = page.locator(".news-body")
    expect(body.get_by_text("link", exact=True).first).to_be_visible()  # text stays, no href
    assert body.locator("a[href]").count() == 0
    assert body.locator("iframe").count() == 0
    page.goto("/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # still signed in


def test_payloads_render_inert_for_admins_and_on_the_public_page(page, app, live_server):
    ids = plant(app)
    seen = watch_requests(page, live_server)
    assert_inert(page, f"/p/{ids['news']}", seen)  # anonymous, public page
    sign_in(page, "claire@example.com")
    for path in ["/", f"/news/{ids['news']}", "/admin/people", f"/admin/people/{ids['person']}",
                 f"/campaigns/{ids['campaign']}", f"/news/{ids['news']}/edit"]:
        assert_inert(page, path, seen, template_shown=False)
    page.goto(f"/kudos/{ids['kudos']}")
    expect(page.get_by_text("{{7*7}}").first).to_be_visible()
