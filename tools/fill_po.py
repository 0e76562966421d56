"""Fill the French catalogue from a Python dict of translations (a helper for translators).

Usage: python tools/fill_po.py tools/fr_strings.py
Only empty entries are filled; French spacing (a narrow no-break space before : ; ? !) is added.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "kudos/translations/fr/LC_MESSAGES/messages.po"


def french_spacing(text: str) -> str:
    for mark in (":", ";", "?", "!"):
        text = text.replace(f" {mark}", f"\u202f{mark}")
    return text


def main(source: str) -> None:
    strings = runpy.run_path(source)["FR"]
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if isinstance(message.id, tuple):
            if not any(message.string):
                value = strings.get(key)
                if value:
                    message.string = tuple(french_spacing(v) for v in value)
                else:
                    missing.append(key)
        elif not message.string:
            if key in strings:
                message.string = french_spacing(strings[key])
            else:
                missing.append(key)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
    for key in missing:
        print("missing:", repr(key))


if __name__ == "__main__":
    main(sys.argv[1])
