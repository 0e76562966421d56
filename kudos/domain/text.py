"""Checks on short texts people choose for others to read: names, team names, titles."""

import unicodedata

from flask_babel import gettext as _

from kudos.domain.errors import Invalid


def invisible_characters(text: str) -> list[str]:
    """The format characters in `text` (Unicode category Cf), as U+XXXX: right-to-left and
    left-to-right overrides, embeddings and isolates, direction marks, zero-width spaces and
    joiners, the byte-order mark, soft hyphens. They change how a name looks, or make two
    names look alike, without being seen."""
    return sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cf"})


def refuse_invisible(text: str, field: str) -> str:
    """`text` unchanged, or Invalid naming the field when it holds an invisible formatting
    character (as identity systems refuse them in names, PRECIS's IdentifierClass among
    them). Refused rather than silently removed: the person sees exactly what is stored."""
    found = invisible_characters(text)
    if found:
        raise Invalid(field, _("Please remove the invisible formatting characters (%(chars)s): "
                               "they change how a name reads without showing.",
                               chars=", ".join(found)))
    return text
