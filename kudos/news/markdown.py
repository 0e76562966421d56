"""Markdown bodies (news, the charter, expertise posts): rendered, then sanitised with an
allowlist (nh3/Ammonia). Texts people write for others to read (the charter, expertise posts)
are also checked first: markup that could only be there to attack or to track a reader is
refused with a message rather than silently dropped (`unsafe`)."""

from html import unescape
from html.parser import HTMLParser

import markdown as md
import nh3
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
        "h2", "h3", "h4", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}
# Elements that run code, load things or take input: never part of a text to read.
DANGEROUS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
             "form", "input", "button", "textarea", "select", "link", "meta", "base", "svg",
             "math", "img", "video", "audio", "source", "picture", "template", "noscript"}
LINKING = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"}


def render(text: str) -> Markup:
    """Safe HTML from Markdown: no raw HTML survives but the allowlist; links are http(s) or
    mailto only and get rel="nofollow noopener noreferrer"."""
    html = md.markdown(text or "", extensions=["extra"], output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                      link_rel="nofollow noopener noreferrer")
    return Markup(clean)  # noqa: S704 (sanitised by the allowlist above)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS:
            self.found = True
        for name, value in attrs:
            handler_or_style = name.startswith("on") or name == "style"
            bad_link = name in LINKING and value is not None and not _safe_url(value)
            if handler_or_style or bad_link:
                self.found = True

    handle_startendtag = handle_starttag


def _safe_url(value: str) -> bool:
    # Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    compact = "".join(ch for ch in value if ch > " ").lower()
    scheme, sep, _rest = compact.partition(":")
    if not sep or "/" in scheme or "?" in scheme or "#" in scheme:
        return True  # a relative link: no scheme to run
    return scheme in SCHEMES


def unsafe(text: str) -> bool:
    """True when the Markdown holds a script, an event handler, a style, an embedded or
    tracking element (image, frame, form…) or a link other than http(s) or mailto."""
    finder = _Finder()
    finder.feed(md.markdown(text or "", extensions=["extra"], output_format="html"))
    finder.close()
    return finder.found


def plain_text(text: str, limit: int) -> str:
    """The words of a Markdown text, without markup, cut at a word before `limit`."""
    html = md.markdown(text or "", extensions=["extra"], output_format="html")
    words = " ".join(unescape(nh3.clean(html, tags=set())).split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"
