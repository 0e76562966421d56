"""Reading RSS and Atom feeds (watch sources), with a timeout and a size limit."""

from __future__ import annotations

import socket
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

import feedparser
from flask import current_app, has_app_context
from flask_babel import gettext as _

from kudos.domain.addresses import is_public_address

MAX_BYTES = 2_000_000
MAX_LINK = 2000  # NewsItem.url


class FeedError(Exception):
    """The source could not be read as a feed. `str(error)` is a short code (stored on the
    source); `message()` words it in the reader's language."""

    def message(self) -> str:
        return describe(str(self))


def describe(code: str) -> str:
    """The words for a stored error code, in the current language."""
    words = {
        "bad_scheme": _("the address does not start with http:// or https://"),
        "timeout": _("the source took too long to answer"),
        "unreachable": _("the source could not be reached"),
        "too_large": _("the feed is larger than 2 MB"),
        "not_a_feed": _("this address does not look like an RSS or Atom feed"),
        "private_address": _("the address leads inside a private network, which watch "
                             "sources do not read (an administrator can allow a host)"),
    }
    return words.get(code, code)


@dataclass
class Entry:
    guid: str
    title: str
    link: str | None
    summary: str


def check_address(url: str) -> None:
    """Refuse (FeedError) a URL that is not http(s), or whose host is, or resolves to, an
    address no public feed has: private, loopback, link-local (cloud metadata), multicast,
    reserved. Hosts listed in WATCH_PRIVATE_HOSTS are allowed. Checked again at every
    redirect. (A DNS answer that changes between this check and the connection is not
    caught: the reader runs with the web app's network rights, so keep those narrow.)"""
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError("bad_scheme")
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        raise FeedError("unreachable")
    allowed = current_app.config.get("WATCH_PRIVATE_HOSTS", []) if has_app_context() else []
    if host in allowed:
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise FeedError("unreachable") from None
    for info in infos:
        if not is_public_address(info[4][0]):
            raise FeedError("private_address")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an address check_address accepts."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_address(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_CheckedRedirects)


def fetch(url: str, timeout: float = 5.0) -> tuple[str, list[Entry]]:
    """The feed's title and entries. Raises FeedError (never anything else) on trouble."""
    check_address(url)
    request = urllib.request.Request(  # noqa: S310 (scheme checked by check_address)
        url, headers={"User-Agent": "Kudos watch (feed reader)"}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
    except FeedError:
        raise
    except TimeoutError:
        raise FeedError("timeout") from None
    except OSError as error:  # URLError, HTTPError, connection refused, DNS…
        if isinstance(getattr(error, "reason", None), TimeoutError):
            raise FeedError("timeout") from None
        raise FeedError("unreachable") from None
    if len(data) > MAX_BYTES:
        raise FeedError("too_large")
    parsed = feedparser.parse(data)
    entries = []
    for raw in parsed.entries:
        link = raw.get("link")
        guid = raw.get("id") or link or raw.get("title")
        if not guid:
            continue
        # A link longer than the column holds is dropped, not allowed to fail the whole run.
        usable = link and link.startswith(("http://", "https://")) and len(link) <= MAX_LINK
        entries.append(Entry(guid=str(guid)[:500], title=(raw.get("title") or link or "")[:200],
                             link=link if usable else None,
                             summary=(raw.get("summary") or "")[:2000]))
    # Broken XML still yields empty "entries" (feedparser is lenient): judge what was usable.
    if not entries and (parsed.bozo or not parsed.feed.get("title")):
        raise FeedError("not_a_feed")
    return parsed.feed.get("title") or url, entries
