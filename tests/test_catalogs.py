"""The message catalogs: every sentence the code says exists in every language, with the same blanks.

A message added in English and not translated, a translation that lost its ``{placeholder}`` or an
HTML tag, or a ``.pot`` template older than the code each fail here, naming the message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.languages import DEFAULT, SUPPORTED
from bot.wording.language import DOMAIN, LOCALES, language, po_path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code in SUPPORTED if code != DEFAULT]
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-z]+>")

Key = tuple[str | None, str]


def in_code() -> dict[Key, tuple[str, ...]]:
    """Every message the bot's code asks for: (context, msgid) → its English forms."""
    found: dict[Key, tuple[str, ...]] = {}
    with (ROOT / "bot" / "wording" / "babel.cfg").open() as config:
        from babel.messages.frontend import parse_mapping_cfg

        method_map, options_map = parse_mapping_cfg(config)
    for _file, _line, message, _comments, context in extract_from_dir(ROOT, method_map, options_map):
        forms = message if isinstance(message, tuple) else (message,)
        found[context, forms[0]] = tuple(forms)
    return found


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale, domain=DOMAIN)


def entries(catalog: Catalog) -> dict[Key, Message]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}


def blanks(text: str) -> tuple[list[str], list[str]]:
    return sorted(PLACEHOLDER.findall(text)), sorted(TAG.findall(text))


def test_the_template_lists_exactly_the_messages_the_code_says() -> None:
    template = entries(read(LOCALES / f"{DOMAIN}.pot"))
    code = in_code()
    assert sorted(set(code) - set(template), key=str) == [], "run pybabel extract (README: Translating)"
    assert sorted(set(template) - set(code), key=str) == [], "run pybabel extract (README: Translating)"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_keeps_its_placeholders_and_tags(code: str) -> None:
    catalog = entries(read(po_path(code), code))
    wanted = in_code()
    missing = [key for key in wanted if key not in catalog]
    assert missing == [], f"{code}: messages missing; run pybabel update"
    problems = []
    for key, forms in wanted.items():
        message = catalog[key]
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(translations):
            problems.append(f"untranslated: {key}")
            continue
        english = blanks(forms[0])
        problems += [
            f"{code} {key}: {translation!r} has {blanks(translation)}, English has {english}"
            for translation in translations
            if blanks(translation) != english
        ]
    assert problems == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_translation_is_left_over_from_a_message_the_code_no_longer_says(code: str) -> None:
    stale = sorted(set(entries(read(po_path(code), code))) - set(in_code()), key=str)
    assert stale == [], f"{code}: run pybabel update to drop them"


@pytest.mark.parametrize(
    ("code", "one", "few", "many"),
    [("ru", "через 1 день", "через 2 дня", "через 5 дней"), ("hi", "1 दिन में", "2 दिन में", "5 दिन में")],
)
def test_plural_forms_come_from_the_catalog(code: str, one: str, few: str, many: str) -> None:
    lang = language(code)
    said = [lang.ngettext("in {n} day", "in {n} days", n).format(n=n) for n in (1, 2, 5)]
    assert said == [one, few, many]
