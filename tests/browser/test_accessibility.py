"""Accessibility: every page passes axe-core, in English and in French, with no serious or
critical violation; giving a kudos and relaying a news item work with the keyboard alone.

axe-core is a test tool vendored under tests/browser/vendor/axe-core (see its VERSION), never
served by the app. It is loaded as a Playwright init script: the page's CSP (`script-src 'self'`)
does not apply to those, so every page is checked exactly as served, CSP included.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kudos import demo
from kudos.admin.models import Value
from kudos.auth import operations as auth_ops
from kudos.auth.models import Team, User
from kudos.campaigns.models import Campaign
from kudos.extensions import db
from kudos.insights.operations import scan_all
from kudos.news import operations as news_ops
from kudos.news import relays
from kudos.news.models import NewsItem, WatchSource
from kudos.notifications.operations import deliver, unsubscribe_token
from kudos.recognition import operations as kudos_ops
from kudos.recognition.models import Kudos
from kudos.rules.models import PreviewRun
from kudos.rules.preview import run_preview
from kudos.sqltypes import utcnow
from tests.browser.conftest import screenshot, settled
from tests.conftest import PASSWORD

# Every page in two languages with axe: minutes, not seconds, on a 2-core machine.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(1200)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")
# GET endpoints that are not pages: data, downloads, redirects, and fragments that htmx loads
# into pages (checked there, once loaded: the bell, the relayed strip, the picker's results
# and chips through /kudos/new?q=…&to=…, the wall's poll).
NOT_PAGES = {
    "static", "home.healthz", "settings.export", "news.follow_link", "recognition.newer",
    "recognition.search_people", "recognition.chip", "notifications.bell", "news.relayed",
    "home.hints",
}


@dataclass
class Visit:
    role: str  # anonymous | member | lead | admin
    path: str
    endpoint: str | None  # None: no route at all (the 404 page)
    status: int = 200


def seed(app) -> dict:
    """The demo company (five months of kudos, news, a running campaign), plus one of each
    thing a page can show: a highlight with comments and reactions, a proposal, a declined
    one, a watch source and its draft, a running and an ended campaign in the lead's team
    with tagged kudos, notifications, a report, an invitation, a rules preview, a scan."""
    with app.app_context():
        demo.seed()
        people = {u.email.split("@")[0]: u for u in db.session.scalars(db.select(User))}
        admin, lead = people["claire.rousseau"], people["awa.diallo"]
        member, colleague = people["hugo.martin"], people["lea.bernard"]
        team = db.session.scalar(db.select(Team).where(Team.name == "Itineraries"))
        values = db.session.scalars(db.select(Value).order_by(Value.id)).all()
        today = utcnow().date()
        running = Campaign(
            title="Night trains week", theme="Recognise the travel ideas that skip a flight.",
            team_id=team.id, owner_id=lead.id, starts_on=today - timedelta(days=3),
            ends_on=today + timedelta(days=11), goal_kind="kudos_count", goal_target=12,
            status="scheduled", launched_at=utcnow() - timedelta(days=3), values=values[:2])
        ended = Campaign(
            title="Spring welcome", theme="Welcome the spring's new colleagues.",
            team_id=team.id, owner_id=lead.id, starts_on=today - timedelta(days=40),
            ends_on=today - timedelta(days=12), goal_kind="kudos_count", goal_target=10,
            status="scheduled", launched_at=utcnow() - timedelta(days=40),
            thank_you="Thank you all: eleven kudos, and three new colleagues at home.",
            thank_you_at=utcnow() - timedelta(days=10))
        db.session.add_all([running, ended])
        db.session.commit()
        highlight, _created = kudos_ops.give(lead, kudos_ops.Draft(
            recipient_ids=[member.id, colleague.id], kind="highlight",
            message="The Lisbon night-train guide answers every question before it is asked.",
            work_title="Night-train guide", work_url="https://intranet.example/guides/night",
            why_it_matters="Travellers stop calling at midnight.", value_id=values[0].id,
            campaign_id=running.id))
        highlight = highlight.load()
        own, _created = kudos_ops.give(member, kudos_ops.Draft(
            recipient_ids=[colleague.id], message="Thank you for covering my calls on Friday.",
            campaign_id=running.id))
        for fan in (people["yanis.haddad"], people["chloe.petit"], admin):
            kudos_ops.set_reaction(fan, highlight, "applause")
        kudos_ops.set_reaction(people["sofia.rossi"], highlight, "plus_one")
        kudos_ops.add_comment(people["yanis.haddad"], highlight, "So true, I use it daily.")
        kudos_ops.add_comment(colleague, highlight, "Merci, c'était un travail d'équipe !")
        other = db.session.scalar(db.select(Kudos).where(Kudos.giver_id != member.id)
                                  .order_by(Kudos.id.desc()).limit(1).offset(3))
        kudos_ops.report(member, other, "This reads like a private joke about a client.")
        published = db.session.scalars(db.select(NewsItem).where(
            NewsItem.status == "published").order_by(NewsItem.id)).all()
        public = next(item for item in published if item.public)
        relays.create(member, published[0], "linkedin")
        relays.create(member, published[1], "internal", "Proud of the care team.")
        proposal = news_ops.submit(member, news_ops.NewsDraft(
            title="Our office now recycles coffee grounds", summary="A small thing, every day.",
            body="The **coffee grounds** now go to a local garden.\n\n- 4 kg a week\n- no cost",
            topic_id=published[0].topic_id))
        declined = news_ops.submit(member, news_ops.NewsDraft(
            title="A photo of my cat", summary="She supervises my bookings."))
        news_ops.decline(lead, declined, "Lovely cat, but not company news.")
        source = WatchSource(title="Rail Europe news", url="https://rail.example/feed.xml",
                             topic_id=published[0].topic_id, added_by_id=lead.id,
                             last_fetched_at=utcnow(), entries_filed=1)
        broken = WatchSource(title="Old blog", url="https://old.example/rss", added_by_id=lead.id,
                             last_error="http 404", active=False)
        db.session.add_all([source, broken])
        db.session.flush()
        db.session.add(NewsItem(title="Eurostar adds a Lisbon connection", status="draft",
                                source_id=source.id, source_guid="rail-1",
                                url="https://rail.example/1", summary="From next spring."))
        db.session.commit()
        deliver(member.id, "campaign_launched", "a11y-launched", actor_id=lead.id,
                campaign_id=running.id)
        deliver(member.id, "commented", "a11y-commented", actor_id=colleague.id,
                kudos_id=highlight.id)
        _invitation, token = auth_ops.invite(admin, email="zoe.new@azur-voyages.example",
                                             name="Zoé Nouvelle", team=team)
        run = PreviewRun(requested_by_id=admin.id, days=30, proposed={"pair_max_in_window": 2})
        db.session.add(run)
        db.session.commit()
        run_preview(run.id)
        scan_all()
        return {
            "member": member.id, "lead_id": lead.id, "team": team.id, "highlight": highlight.id,
            "own": own.id, "news": published[0].id, "public": public.id,
            "proposal": proposal.id, "running": running.id, "ended": ended.id,
            "value": values[0].id, "run": run.id, "invite_token": token,
            "unsubscribe": unsubscribe_token(member.id),
            "emails": {"member": member.email, "lead": lead.email, "admin": admin.email},
        }


def visits(ids: dict) -> list[Visit]:
    member, lead, admin, anonymous = "member", "lead", "admin", "anonymous"
    return [
        Visit(member, "/", "recognition.wall"),
        Visit(member, "/?scope=team", "recognition.wall"),
        Visit(member, "/?scope=received", "recognition.wall"),
        Visit(member, "/?scope=given&kind=highlight", "recognition.wall"),
        Visit(member, "/kudos/new", "recognition.new"),
        Visit(member, f"/kudos/new?kind=highlight&q=a&to={ids['lead_id']}", "recognition.new"),
        Visit(member, f"/kudos/{ids['highlight']}", "recognition.detail"),
        Visit(member, f"/kudos/{ids['own']}", "recognition.detail"),
        Visit(member, f"/kudos/{ids['own']}/edit", "recognition.edit"),
        Visit(member, f"/kudos/{ids['highlight']}/report", "recognition.report"),
        Visit(member, f"/people/{ids['lead_id']}", "recognition.profile"),
        Visit(member, "/me", "recognition.profile_me"),
        Visit(member, "/news", "news.index"),
        Visit(member, f"/news/{ids['news']}", "news.item"),
        Visit(member, "/news/new", "news.new"),
        Visit(member, "/news/mine", "news.mine"),
        Visit(member, "/campaigns/", "campaigns.index"),
        Visit(member, f"/campaigns/{ids['running']}", "campaigns.page"),
        Visit(member, f"/campaigns/{ids['ended']}", "campaigns.page"),  # the closing page
        Visit(member, "/insights/me", "insights.me"),
        Visit(member, "/notifications/", "notifications.index"),
        Visit(member, "/settings/", "settings.index"),
        Visit(member, "/settings/erase", "settings.erase"),
        Visit(member, "/charter", "charter.page"),
        Visit(member, "/welcome/", "welcome.index"),
        Visit(member, "/welcome/topics", "welcome.step"),
        Visit(member, "/welcome/rhythm", "welcome.step"),
        Visit(member, "/admin/", "admin.index", 403),  # the error page, refusing
        Visit(member, "/no-such-page", None, 404),
        Visit(lead, f"/news/{ids['news']}", "news.item"),  # with the reach figures
        Visit(lead, "/news/queue", "news.queue"),
        Visit(lead, "/news/sources", "news.watch_sources"),
        Visit(lead, f"/news/{ids['proposal']}/edit", "news.edit"),
        Visit(lead, "/campaigns/new", "campaigns.new"),
        Visit(lead, f"/campaigns/{ids['running']}/edit", "campaigns.edit"),
        Visit(lead, f"/campaigns/{ids['running']}", "campaigns.page"),  # managing it
        Visit(lead, "/insights/", "insights.index"),
        Visit(lead, f"/insights/team/{ids['team']}", "insights.team"),
        Visit(lead, "/teams/requests", "teams.requests"),
        Visit(admin, "/admin/", "admin.index"),
        Visit(admin, "/admin/people", "admin.people"),
        Visit(admin, f"/admin/people/{ids['member']}", "admin.person"),
        Visit(admin, "/admin/people/invite", "admin.invite"),
        Visit(admin, "/admin/teams", "admin.catalog"),
        Visit(admin, "/admin/values", "admin.catalog"),
        Visit(admin, "/admin/topics", "admin.catalog"),
        Visit(admin, f"/admin/values/{ids['value']}", "admin.edit_entry"),
        Visit(admin, "/admin/jobs", "admin.jobs"),
        Visit(admin, "/admin/rules", "admin.rules_page"),
        Visit(admin, f"/admin/rules/preview/{ids['run']}", "admin.preview_result"),
        Visit(admin, "/moderation", "recognition.moderation"),
        Visit(admin, "/admin/charter", "charter.edit"),
        Visit(admin, "/admin/calendar/", "calendar.page"),
        Visit(admin, "/insights/", "insights.index"),  # with the company's phase
        Visit(anonymous, "/login", "auth.login"),
        Visit(anonymous, "/signup", "auth.signup"),
        Visit(anonymous, f"/invite/{ids['invite_token']}", "auth.accept"),
        Visit(anonymous, "/invite/no-longer-valid", "auth.accept", 404),
        Visit(anonymous, "/principles", "home.principles"),
        Visit(anonymous, f"/p/{ids['public']}", "news.public_page"),
        Visit(anonymous, f"/notifications/unsubscribe/{ids['unsubscribe']}",
              "notifications.unsubscribe_page"),
        Visit(anonymous, "/no-such-page", None, 404),
    ]


def html_get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.endpoint.startswith("api.")} - NOT_PAGES


def run_axe(page) -> dict:
    """The page's language and its violations, once the fragments it loads by itself are in
    (the bell, the relayed strip): one round trip to the browser, which counts when busy."""
    return page.evaluate(
        """async () => {
            for (let i = 0; i < 100 && document.querySelector('.htmx-request'); i++) {
                await new Promise(resolve => setTimeout(resolve, 50));
            }
            const result = await axe.run(document, {resultTypes: ['violations']});
            return {lang: document.documentElement.lang, violations: result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + '  ' +
                                                    n.failureSummary.split('\\n').slice(1, 2)),
                count: v.nodes.length,
            }))};
        }"""
    )


def sign_in(page, email: str, password: str = demo.PASSWORD) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("h1")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/login"))


def choose_language(page, lang: str) -> None:
    """The footer's switch (POST /language): kept in the session and on the account."""
    page.goto("/principles")  # any page with the footer: this one is open to everyone
    if page.locator("html").get_attribute("lang") != lang:
        page.locator(f"footer button[value='{lang}']").click()
        expect(page.locator("html")).to_have_attribute("lang", lang)


def check_pages(page, visits_: list[Visit], lang: str, found: dict[str, list[str]]) -> None:
    for visit in visits_:
        response = page.goto(visit.path)
        assert response.status == visit.status, (visit.path, response.status)
        result = run_axe(page)
        assert result["lang"] == lang, visit.path
        for violation in result["violations"]:
            line = (f"[{lang}] {visit.role} {visit.path}: {violation['impact']} "
                    f"{violation['id']} ({violation['count']}×) {violation['help']}\n    "
                    + "\n    ".join(violation["nodes"]))
            found["severe" if violation["impact"] in SEVERE else "others"].append(line)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_has_no_serious_or_critical_axe_violation(
    lang, app, browser, live_server, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "SIGNUP_DOMAINS", ["azur-voyages.example"])
    # 55 page loads: the browser keeps the CSS and scripts instead of asking again each time.
    monkeypatch.setitem(app.config, "SEND_FILE_MAX_AGE_DEFAULT", 3600)
    ids = seed(app)
    planned = visits(ids)
    adapter = app.url_map.bind("127.0.0.1")
    for visit in planned:  # each visit names the route it really reaches
        if visit.endpoint:
            assert adapter.match(visit.path.split("?")[0])[0] == visit.endpoint, visit.path
    missing = html_get_endpoints(app) - {v.endpoint for v in planned}
    assert not missing, f"HTML pages without an accessibility visit: {sorted(missing)}"

    found: dict[str, list[str]] = {"severe": [], "others": []}
    errors: list[str] = []
    for role in ("anonymous", "member", "lead", "admin"):
        context = browser.new_context(base_url=live_server,
                                      locale="fr-FR" if lang == "fr" else "en-GB")
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error"
                and not m.text.startswith("Failed to load resource") else None)
        if role != "anonymous":
            sign_in(page, ids["emails"][role])
        choose_language(page, lang)
        check_pages(page, [v for v in planned if v.role == role], lang, found)
        if role == "member":
            page.goto(f"/kudos/{ids['highlight']}")
            screenshot(page, f"a11y-highlight-{lang}")
            page.goto("/settings/erase")
            screenshot(page, f"a11y-erase-{lang}")
        context.close()
    print(f"\n{len(planned)} pages checked in {lang}; moderate and minor findings:")
    print("\n".join(sorted(set(found["others"]))) or "none")
    assert not errors, errors
    assert not found["severe"], "serious or critical axe violations:\n" + "\n".join(
        found["severe"])


# Keyboard only: no clicks. Each Tab must show where the focus is: the focus ring of app.css
# (an outline of 2 px or more; Pico's own pale box-shadow alone does not count).
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    return {
        html: el.outerHTML.slice(0, 120),
        visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
}"""


def tab_to(page, target, *, limit: int = 40) -> None:
    """Press Tab until `target` has the focus, checking each stop shows a focus ring."""
    for _step in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused, "the focus was lost (it went back to the page's body)"
        assert focused["visible"], f"no visible focus on {focused['html']}"
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus in {limit} presses of Tab")


def expect_focus_on(page, target) -> None:
    expect(target).to_be_focused()
    focused = page.evaluate(FOCUSED)
    assert focused and focused["visible"], f"no visible focus on {focused}"


def check_axe(page) -> None:
    """No serious or critical violation in the page as it is now (after htmx swaps)."""
    severe = [v for v in run_axe(page)["violations"] if v["impact"] in SEVERE]
    assert not severe, severe


def keyboard_sign_in(page, user) -> None:
    page.context.add_init_script(path=str(AXE))  # for check_axe, in every page from now on
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link comes first, and shows itself
    skip_link = page.get_by_role("link", name="Skip to content")
    expect_focus_on(page, skip_link)
    expect(skip_link).to_be_in_viewport()
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect_focus_on(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Wall", exact=True)).to_be_visible()


def test_giving_a_kudos_with_the_keyboard_alone(page, make):
    team = make.team("Itineraries")
    giver = make.user("Nadia Benali", email="nadia@example.com", team=team)
    make.user("Bruno Costa", email="bruno@example.com", team=team)
    keyboard_sign_in(page, giver)

    give_link = page.get_by_role("banner").get_by_role("button", name="Thank a colleague")
    tab_to(page, give_link)
    screenshot(page, "a11y-keyboard-focus-on-header")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank a colleague")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/kudos/new$"))

    search = page.get_by_label("Find colleagues by name or email (up to 10)")
    tab_to(page, search)
    with page.expect_response("**/people/search?q=bru*"):
        page.keyboard.type("bru", delay=40)
    option = page.locator("#picker-results").get_by_role("button", name=re.compile("Bruno"))
    expect(option).to_be_visible()
    settled(page, "#picker-results")
    page.keyboard.press("Tab")
    expect_focus_on(page, option)
    with page.expect_response("**/people/chip/*"):
        page.keyboard.press("Enter")
    chosen = page.locator("#chosen").get_by_role("checkbox", name="Bruno Costa")
    expect(chosen).to_be_checked()
    expect_focus_on(page, chosen)  # the focus follows the pick, it is not lost
    check_axe(page)

    message = page.get_by_label("Your message")
    tab_to(page, message)
    page.keyboard.type("Thank you for the Porto timetable: it saved my Monday.")
    screenshot(page, "a11y-keyboard-give")
    tab_to(page, page.get_by_role("button", name="Send my thanks"))
    screenshot(page, "a11y-keyboard-focus-on-send")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        "Thank you! Bruno Costa will be glad to read it.")
    expect(page.locator("article.card").first.locator(".message")).to_have_text(
        "Thank you for the Porto timetable: it saved my Monday.")


def test_relaying_a_news_item_with_the_keyboard_alone(page, app, make):
    team = make.team("Itineraries")
    lead = make.user("Awa Diallo", email="awa@example.com", role="lead", team=team,
                     leads=[team])
    member = make.user("Hugo Martin", email="hugo@example.com", team=team)
    with app.app_context():
        news_ops.submit(db.session.get(User, lead.id), news_ops.NewsDraft(
            title="Lisbon by train: our new itinerary is live",
            summary="Three days, two night trains, half the carbon of last year's flights.",
            url="https://www.azur-voyages.example/blog/lisbon"))
    keyboard_sign_in(page, member)

    tab_to(page, page.get_by_role("banner").get_by_role("link", name="News"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="News", exact=True)).to_be_visible()
    item_link = page.get_by_role("link", name="Lisbon by train: our new itinerary is live")
    tab_to(page, item_link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Relay it")).to_be_visible()

    on_the_wall = page.get_by_role("radio", name="On the Kudos wall, for colleagues")
    tab_to(page, on_the_wall)
    expect(on_the_wall).to_be_checked()
    page.keyboard.press("ArrowDown")  # arrows move within the group of channels
    linkedin = page.get_by_role("radio", name="On LinkedIn")
    expect_focus_on(page, linkedin)
    expect(linkedin).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Get my link"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your link is ready")).to_be_visible()
    link = page.get_by_label("Your tracked link")
    expect(link).to_have_value(re.compile(r"/r/[\w-]+$"))
    expect_focus_on(page, link)  # ready to copy: the focus went to it, not to the page's top
    check_axe(page)
    screenshot(page, "a11y-keyboard-relay")
    tab_to(page, page.get_by_role("button", name="Open LinkedIn to share"))
