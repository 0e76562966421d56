"""Watch sources read public feeds only: a lead cannot point the feed reader at the company's
internal services (loopback, private networks, cloud metadata), directly or by a redirect,
unless an administrator allowed the host (WATCH_PRIVATE_HOSTS)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from kudos.domain.addresses import is_public_address
from kudos.extensions import db
from kudos.news import feeds
from kudos.news.models import WatchSource

RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Intranet news</title>'
       b"<item><guid>urn:a</guid><title>A</title><link>https://example.com/a</link></item>"
       b"</channel></rss>")


@pytest.fixture
def intranet():
    """A feed on 127.0.0.1, and a public-looking path that redirects to `localhost`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server name)
            if self.path == "/to-localhost":
                self.send_response(302)
                self.send_header("Location", f"http://localhost:{port}/rss.xml")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def public_only(app, monkeypatch):
    monkeypatch.setitem(app.config, "WATCH_PRIVATE_HOSTS", [])


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/feed.xml", "http://localhost/feed.xml", "http://10.1.2.3/feed.xml",
    "http://192.168.0.10/rss", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/feed.xml", "http://[::ffff:127.0.0.1]/feed.xml", "http://0.0.0.0/feed.xml",
    # IPv6 forms that carry an IPv4 address inside, which Python calls global:
    "http://[::127.0.0.1]/feed.xml",  # IPv4-compatible (::/96)
    "http://[::a9fe:a9fe]/latest/meta-data/",  # the same, cloud metadata
    "http://[64:ff9b::7f00:1]/feed.xml",  # NAT64 (64:ff9b::/96) of 127.0.0.1
    "http://[64:ff9b::a01:203]/feed.xml",  # NAT64 of 10.1.2.3
    "http://[64:ff9b:1::a01:203]/feed.xml",  # a site's own NAT64 (64:ff9b:1::/48)
    "http://[2002:7f00:1::]/feed.xml",  # 6to4 (2002::/16) of 127.0.0.1
    "http://[2002:a9fe:a9fe::1]/feed.xml",  # 6to4 of 169.254.169.254
    "http://[::ffff:0:7f00:1]/feed.xml",  # IPv4-translated (SIIT) of 127.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/feed.xml",  # Teredo, client 127.0.0.1
    "http://[fec0::1]/feed.xml",  # site-local (fec0::/10, deprecated but routable inside)
])
def test_an_address_inside_a_private_network_is_refused_before_any_connection(
    app, public_only, url
):
    with app.app_context(), pytest.raises(feeds.FeedError, match="^private_address$"):
        feeds.fetch(url, timeout=1)


@pytest.mark.parametrize("address", [
    "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8",
])
def test_public_addresses_and_their_ipv6_forms_are_allowed(address):
    assert is_public_address(address)


@pytest.mark.parametrize("address", [
    "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "fec0::1", "::ffff:0:7f00:1",
    "64:ff9b::c0a8:1", "::ffff:169.254.169.254", "not an address", "ff02::1", "224.0.0.1",
])
def test_the_shared_address_check_refuses_what_leads_inside(address):
    """The one check every outgoing request to an address a person typed goes through."""
    assert not is_public_address(address)


def test_a_lead_adding_an_intranet_feed_gets_a_clear_refusal_and_nothing_is_written(
    app, public_only, intranet, make, client
):
    from tests.conftest import login

    lead = make.user("Awa Diallo", role="lead")
    login(client, lead)
    response = client.post("/news/sources", data={"url": intranet + "/rss.xml"})
    assert response.status_code == 422
    assert "inside a private network" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(WatchSource.id))) == 0


def test_a_redirect_into_a_private_network_is_not_followed(app, intranet):
    """127.0.0.1 is allowed here (the tests' own server); `localhost` is not, even though it
    is the same machine: the redirect is refused, not followed."""
    with app.app_context():
        assert feeds.fetch(intranet + "/rss.xml", timeout=2)[0] == "Intranet news"
        with pytest.raises(feeds.FeedError, match="^private_address$"):
            feeds.fetch(intranet + "/to-localhost", timeout=2)


def test_the_allowed_hosts_setting_reads_a_comma_separated_list(app):
    from kudos import create_app

    other = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                        "WATCH_PRIVATE_HOSTS": " Intranet.Example , [fd00::1],"})
    assert other.config["WATCH_PRIVATE_HOSTS"] == ["intranet.example", "fd00::1"]
