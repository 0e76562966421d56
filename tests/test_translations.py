"""French and English ship together: every string in the code has a French translation."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "kudos/translations/fr/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def source_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_the_code_is_translated_to_french():
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    translated = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        if text:
            translated[key] = text
    missing = sorted(source_messages() - translated.keys())
    assert not missing, "untranslated (run `make extract-messages`, then translate):\n" + "\n".join(
        missing
    )


def test_french_keeps_every_placeholder():
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    for message in catalog:
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        target = message.string if isinstance(message.string, str) else message.string[-1]
        assert set(PLACEHOLDER.findall(source)) <= set(PLACEHOLDER.findall(target)) | {"num"}, (
            source
        )


def test_pages_speak_french_when_asked(client, member):
    client.post("/language", data={"lang": "fr"})
    page = client.get("/login").get_data(as_text=True)
    assert "Connexion à Kudos" in page
    assert '<html lang="fr">' in page
