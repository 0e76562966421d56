"""Watch sources: feeds served on 127.0.0.1 (valid RSS and Atom, broken, slow), added through
the sources page and read by the job, which never duplicates an entry nor stops at a bad one."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from kudos.extensions import db
from kudos.news import feeds, jobs, sources
from kudos.news.models import NewsItem, WatchSource
from tests.news.helpers import client_for, count, make_topic, text

SLOW_SECONDS = 3
TIMEOUT = 1


def rss(*entries: tuple[str, str]) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>https://example.com/{guid}</link>"
        f"<guid>urn:entry:{guid}</guid><description>&lt;p&gt;About {title}&lt;/p&gt;"
        f"</description></item>" for guid, title in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Travel watch</title><link>https://example.com/</link>"
            f"<description>What we read</description>{items}</channel></rss>").encode()


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Engineering blog</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-05-01T10:00:00Z</updated>
  <entry>
    <title>How we test feeds</title>
    <link href="https://blog.example.com/feeds"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2024-05-01T10:00:00Z</updated>
    <summary>With a local server.</summary>
  </entry>
</feed>"""

HTML = b"<!doctype html><html><body><h1>Welcome to our site</h1><p>No feed here.</p></body></html>"
BROKEN_XML = b'<?xml version="1.0"?><rss version="2.0"><chan<<item>>'


class Feeds:
    """What the local server answers, changeable while a test runs."""

    def __init__(self):
        self.rss = rss(("one", "First entry"), ("two", "Second entry"))


@pytest.fixture
def served():
    """A local HTTP server (threaded, so a slow answer does not hold up the others)."""
    state = Feeds()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server name)
            if self.path == "/slow.xml":
                time.sleep(SLOW_SECONDS)
                body, kind = state.rss, "application/rss+xml"
            else:
                body, kind = {
                    "/rss.xml": (state.rss, "application/rss+xml"),
                    "/atom.xml": (ATOM, "application/atom+xml"),
                    "/page.html": (HTML, "text/html"),
                    "/broken.xml": (BROKEN_XML, "application/xml"),
                }.get(self.path, (None, None))
            if body is None:
                self.send_error(404)
                return
            try:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the reader gave up: fine
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def short_timeout(monkeypatch):
    """The job and the sources page read with a 1 s timeout instead of 5 s."""
    original = feeds.fetch

    def fetch(url, timeout=TIMEOUT):
        return original(url, timeout=min(timeout, TIMEOUT))

    monkeypatch.setattr(jobs, "fetch", fetch)
    monkeypatch.setattr(sources, "fetch", fetch)


@pytest.fixture
def lead(make):
    return make.user("Lina Lead", role="lead", email="lina@example.com")


@pytest.fixture
def lead_client(app, lead):
    return client_for(app, lead)


def watch(app, url: str, title: str = "A source") -> int:
    """A source as if it had been added while it worked."""
    with app.app_context():
        source = WatchSource(title=title, url=url)
        db.session.add(source)
        db.session.commit()
        return source.id


def source_row(app, source_id: int) -> WatchSource:
    with app.app_context():
        source = db.session.get(WatchSource, source_id)
        db.session.expunge(source)
        return source


def drafts(app, source_id: int | None = None) -> list[str]:
    with app.app_context():
        query = select(NewsItem.title).where(NewsItem.status == "draft")
        if source_id is not None:
            query = query.where(NewsItem.source_id == source_id)
        return sorted(db.session.scalars(query))


# --- reading a feed --------------------------------------------------------------------------


def test_fetch_reads_rss_and_atom(app, served):
    with app.app_context():  # where WATCH_PRIVATE_HOSTS lets the tests' 127.0.0.1 in
        title, entries = feeds.fetch(served.base + "/rss.xml", timeout=TIMEOUT)
    assert title == "Travel watch"
    assert [(e.guid, e.title, e.link) for e in entries] == [
        ("urn:entry:one", "First entry", "https://example.com/one"),
        ("urn:entry:two", "Second entry", "https://example.com/two")]
    with app.app_context():
        title, entries = feeds.fetch(served.base + "/atom.xml", timeout=TIMEOUT)
    assert title == "Engineering blog"
    assert [(e.title, e.link) for e in entries] == [
        ("How we test feeds", "https://blog.example.com/feeds")]


@pytest.mark.parametrize("path, code, words", [
    ("/page.html", "not_a_feed", "this address does not look like an RSS or Atom feed"),
    ("/broken.xml", "not_a_feed", "this address does not look like an RSS or Atom feed"),
    ("/missing.xml", "unreachable", "the source could not be reached"),
])
def test_fetch_refuses_what_is_not_a_feed(app, served, path, code, words):
    with app.app_context(), pytest.raises(feeds.FeedError) as raised:
        feeds.fetch(served.base + path, timeout=TIMEOUT)
    assert str(raised.value) == code
    with app.test_request_context():
        assert raised.value.message() == words


def test_fetch_gives_up_on_a_slow_source_at_the_timeout(app, served):
    started = time.monotonic()
    with app.app_context(), pytest.raises(feeds.FeedError, match="^timeout$"):
        feeds.fetch(served.base + "/slow.xml", timeout=TIMEOUT)
    assert time.monotonic() - started < SLOW_SECONDS


def test_fetch_refuses_an_address_that_is_not_http():
    with pytest.raises(feeds.FeedError, match="^bad_scheme$"):
        feeds.fetch("file:///etc/passwd")


# --- adding a source -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/page.html", "/broken.xml", "/missing.xml", "/slow.xml"])
def test_adding_an_address_that_is_not_a_feed_is_refused_and_nothing_written(
    app, served, short_timeout, lead_client, path
):
    response = lead_client.post("/news/sources", data={"url": served.base + path,
                                                       "topic_id": "0"})
    assert response.status_code == 422
    assert "We could not use this address:" in text(response)
    assert count(app, WatchSource.id) == 0
    assert count(app, NewsItem.id) == 0


@pytest.mark.parametrize("url, message", [
    ("javascript:alert(1)", "Please give a web link starting with http:// or https://."),
    ("", "Please give the feed's address."),
])
def test_adding_a_source_without_a_web_address_is_refused(app, lead_client, url, message):
    response = lead_client.post("/news/sources", data={"url": url, "topic_id": "0"})
    assert response.status_code == 422
    assert message in text(response)
    assert count(app, WatchSource.id) == 0


def test_a_valid_feed_files_its_entries_as_drafts_in_the_queue(
    app, served, short_timeout, lead, lead_client, member_client
):
    topic = make_topic(app, "Travel")
    response = lead_client.post("/news/sources", data={"url": served.base + "/rss.xml",
                                                       "topic_id": str(topic)})
    assert response.status_code == 303
    with app.app_context():
        source = db.session.scalar(select(WatchSource))
        assert (source.title, source.topic_id, source.added_by_id, source.last_error,
                source.entries_filed) == ("Travel watch", topic, lead.id, None, 2)
        items = db.session.scalars(select(NewsItem).order_by(NewsItem.title)).all()
        assert [(i.title, i.status, i.topic_id, i.url, i.summary) for i in items] == [
            ("First entry", "draft", topic, "https://example.com/one", "About First entry"),
            ("Second entry", "draft", topic, "https://example.com/two", "About Second entry")]
    queue = text(lead_client.get("/news/queue"))
    assert "First entry" in queue
    assert "From the watch source “Travel watch”" in queue
    assert "First entry" not in text(member_client.get("/news"))
    again = lead_client.post("/news/sources", data={"url": served.base + "/rss.xml",
                                                    "topic_id": "0"})
    assert again.status_code == 422
    assert "This feed is already watched." in text(again)


def test_the_job_run_twice_never_duplicates_an_entry(app, served, short_timeout):
    rss_id = watch(app, served.base + "/rss.xml")
    atom_id = watch(app, served.base + "/atom.xml")
    with app.app_context():
        assert jobs.fetch_sources() == {"filed": 3, "failed": 0}
        assert jobs.fetch_sources() == {"filed": 0, "failed": 0}
    assert drafts(app, rss_id) == ["First entry", "Second entry"]
    assert drafts(app, atom_id) == ["How we test feeds"]

    served.rss = rss(("one", "First entry"), ("two", "Second entry"), ("three", "Third entry"))
    with app.app_context():
        assert jobs.fetch_sources() == {"filed": 1, "failed": 0}
    assert drafts(app, rss_id) == ["First entry", "Second entry", "Third entry"]
    assert source_row(app, rss_id).entries_filed == 3


def test_an_entry_curated_away_is_not_filed_again(app, served, short_timeout, lead_client):
    source_id = watch(app, served.base + "/rss.xml")
    with app.app_context():
        jobs.fetch_sources()
        first = db.session.scalar(select(NewsItem.id).where(NewsItem.title == "First entry"))
    assert lead_client.post(f"/news/{first}/decline", data={"note": ""}).status_code == 303
    with app.app_context():
        jobs.fetch_sources()
        assert db.session.scalar(select(func.count(NewsItem.id))
                                 .where(NewsItem.source_id == source_id)) == 2


def test_a_broken_or_slow_source_is_reported_and_the_others_still_read(
    app, served, short_timeout, lead_client
):
    broken = watch(app, served.base + "/page.html", "Broken page")
    slow = watch(app, served.base + "/slow.xml", "Slow feed")
    missing = watch(app, served.base + "/missing.xml", "Gone feed")
    good = watch(app, served.base + "/rss.xml", "Good feed")
    atom = watch(app, served.base + "/atom.xml", "Good atom")
    started = time.monotonic()
    with app.app_context():
        assert jobs.fetch_sources() == {"filed": 3, "failed": 3}
    assert time.monotonic() - started < SLOW_SECONDS + 2
    assert source_row(app, broken).last_error == "not_a_feed"
    assert source_row(app, slow).last_error == "timeout"
    assert source_row(app, missing).last_error == "unreachable"
    for source_id in (good, atom):
        row = source_row(app, source_id)
        assert (row.last_error, row.last_fetched_at is not None) == (None, True)
    assert drafts(app) == ["First entry", "How we test feeds", "Second entry"]

    page = text(lead_client.get("/news/sources"))
    assert "Last try failed: this address does not look like an RSS or Atom feed" in page
    assert "Last try failed: the source took too long to answer" in page
    assert "Last try failed: the source could not be reached" in page


def test_a_source_that_works_again_clears_its_error(app, served, short_timeout):
    source_id = watch(app, served.base + "/rss.xml")
    good = served.rss
    served.rss = b"<html><body>maintenance</body></html>"
    with app.app_context():
        jobs.fetch_sources()
    assert source_row(app, source_id).last_error
    served.rss = good
    with app.app_context():
        assert jobs.fetch_sources() == {"filed": 2, "failed": 0}
    assert source_row(app, source_id).last_error is None


def test_an_entry_with_an_overlong_link_does_not_stop_the_job(app, served, short_timeout):
    long_link = "https://example.com/" + "a" * 2100
    served.rss = rss(("one", "First entry")).replace(
        b"https://example.com/one", long_link.encode())
    first = watch(app, served.base + "/rss.xml")
    second = watch(app, served.base + "/atom.xml")
    with app.app_context():
        jobs.fetch_sources()
    assert drafts(app, first) == ["First entry"]
    assert drafts(app, second) == ["How we test feeds"]


def test_read_now_shows_the_error_on_the_sources_page(app, served, short_timeout, lead_client):
    source_id = watch(app, served.base + "/broken.xml", "Half a feed")
    response = lead_client.post(f"/news/sources/{source_id}/fetch", follow_redirects=True)
    page = text(response)
    assert "“Half a feed” could not be read: this address does not look like" in page
    assert "Last try failed:" in page
