"""News bodies: Markdown rendered, then sanitised with an allowlist (nh3/Ammonia)."""

import markdown as md
import nh3
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
        "h2", "h3", "h4", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}


def render(text: str) -> Markup:
    """Safe HTML from Markdown: no raw HTML survives but the allowlist; links are http(s) or
    mailto only and get rel="nofollow noopener noreferrer"."""
    html = md.markdown(text or "", extensions=["extra"], output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"},
                      link_rel="nofollow noopener noreferrer")
    return Markup(clean)  # noqa: S704 (sanitised by the allowlist above)
