"""Reading RSS and Atom feeds (watch sources), with a timeout and a size limit."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass

import feedparser

MAX_BYTES = 2_000_000


class FeedError(Exception):
    """The source could not be read as a feed; the message says why, for the source page."""


@dataclass
class Entry:
    guid: str
    title: str
    link: str | None
    summary: str


def fetch(url: str, timeout: float = 5.0) -> tuple[str, list[Entry]]:
    """The feed's title and entries. Raises FeedError (never anything else) on trouble."""
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError("not an http(s) address")
    request = urllib.request.Request(  # noqa: S310 (scheme checked just above)
        url, headers={"User-Agent": "Kudos watch (feed reader)"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
    except TimeoutError:
        raise FeedError("the source took too long to answer") from None
    except OSError as error:  # URLError, HTTPError, connection refused, DNS…
        raise FeedError(f"could not be read ({getattr(error, 'reason', error)})") from None
    if len(data) > MAX_BYTES:
        raise FeedError("the feed is larger than 2 MB")
    parsed = feedparser.parse(data)
    if not parsed.entries and not parsed.feed.get("title"):
        raise FeedError("this address does not look like an RSS or Atom feed")
    entries = []
    for raw in parsed.entries:
        link = raw.get("link")
        guid = raw.get("id") or link or raw.get("title")
        if not guid:
            continue
        entries.append(Entry(guid=str(guid)[:500], title=(raw.get("title") or link or "")[:200],
                             link=link if link and link.startswith(("http://", "https://"))
                             else None,
                             summary=(raw.get("summary") or "")[:2000]))
    return parsed.feed.get("title") or url, entries
