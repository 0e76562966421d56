"""French and English ship together: every string in the code has a French translation, in
every plural form the language has, and pages read in French whatever the count."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import render_template
from flask_babel import ngettext

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "kudos/translations"
PO = TRANSLATIONS / "fr/LC_MESSAGES/messages.po"
CATALOGUES = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
            "lazy_pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
COUNTS = (0, 1, 2, 1_000_000)


def source_messages() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message in the code and the templates."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def source_plurals() -> set[tuple[str | None, str, str]]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    return {
        (context, message[0], message[1])
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
        if not isinstance(message, str)
    }


def read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name)


def test_every_message_in_the_code_is_translated_to_french():
    translated = set()
    for message in read(PO):
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        texts = [message.string] if isinstance(message.string, str) else message.string
        if all(texts):
            translated.add((message.context, key))
    missing = sorted(source_messages() - translated, key=lambda m: (m[0] or "", m[1]))
    assert not missing, "untranslated (run `make extract-messages`, then translate):\n" + "\n".join(
        f"{context + ': ' if context else ''}{key}" for context, key in missing
    )


def test_the_french_catalogue_has_three_plural_forms():
    assert read(PO).num_plurals == 3


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_no_form_of_any_message_is_left_empty(path):
    """An empty form falls back to English: in French, every count of 2 or more did."""
    catalog = read(path)
    empty = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, str):
            if not message.string:
                empty.append(message.id)
            continue
        forms = list(message.string) if isinstance(message.string, tuple) else [message.string]
        if len(forms) != catalog.num_plurals or not all(forms):
            empty.append(f"{message.id[0]} ({len([f for f in forms if f])} of "
                         f"{catalog.num_plurals} forms)")
    assert not empty, f"empty in {path.parent.parent.name}:\n" + "\n".join(empty)


def test_french_keeps_every_placeholder():
    for message in read(PO):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        targets = [message.string] if isinstance(message.string, str) else message.string
        for target in targets:
            assert set(PLACEHOLDER.findall(source)) <= set(PLACEHOLDER.findall(target)) | {
                "num"}, (source, target)


def test_pages_speak_french_when_asked(client, member):
    client.post("/language", data={"lang": "fr"})
    page = client.get("/login").get_data(as_text=True)
    assert "Connexion à Kudos" in page
    assert '<html lang="fr">' in page


def french(app):
    return app.test_request_context("/", headers={"Accept-Language": "fr"})


@pytest.mark.parametrize("count", COUNTS)
def test_every_plural_message_reads_in_french_at_any_count(app, count):
    """Each plural message of the code, as a template says it: French words, and the count
    written the French way (1 000 000 with narrow spaces)."""
    template = app.jinja_env.from_string(
        "{% if context %}{{ npgettext(context, one, many, n) }}"
        "{% else %}{{ ngettext(one, many, n) }}{% endif %}"
    )
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = {m: template.render(context=m[0], one=m[1], many=m[2], n=count)
                   for m in source_plurals()}
    assert english
    with french(app):
        for message, in_english in english.items():
            text = template.render(context=message[0], one=message[1], many=message[2], n=count)
            assert text != in_english, f"English at {count}: {text}"
            assert "1\u202f000\u202f000" in text if count == 1_000_000 else str(count) in text


def test_counts_in_code_are_written_the_french_way(app):
    with french(app):
        million = ngettext("%(num)s relay", "%(num)s relays", 1_000_000)
        assert million == "1\u202f000\u202f000 de relais"
        assert ngettext("%(num)s click", "%(num)s clicks", 2) == "2 clics"


@pytest.mark.parametrize("count", COUNTS)
def test_the_cosigners_and_the_bell_read_in_french(app, count):
    card = SimpleNamespace(kudos=SimpleNamespace(id=7, kind="thanks"), plus_ones=count)
    with french(app):
        cosigners = render_template("recognition/_cosigners.html", card=card)
        bell = render_template("notifications/_bell.html", unread=count)
    written = {0: "0", 1: "1", 2: "2", 1_000_000: "1\u202f000\u202f000"}[count]
    if count:
        assert f"— et {written} " in cosigners and "collègue" in cosigners
        assert f"{written} " in bell and "notification" in bell and "non lue" in bell
    else:
        assert "collègue" not in cosigners
        assert "Notifications" in bell
    for english in ("and", "colleague", "unread"):
        assert not re.search(rf"\b{english}\b", cosigners + bell)
