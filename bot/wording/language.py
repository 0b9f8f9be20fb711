"""The message catalogs: every sentence summitbot says, in the reader's language.

English is the source language: sentences are written in the code as English gettext msgids, and the
Russian and Hindi catalogs (``locales/<lang>/LC_MESSAGES/summitbot.po``) translate them, plural forms
included. The ``.po`` files are the only form kept in the repository: Babel compiles a catalog when a
language is first used (``write_mo`` into memory), so a stale compiled file can never ship beside an
edited one. ``pybabel extract`` (see README) finds the msgids; a test fails when one lacks a translation.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.languages import DEFAULT, pick

DOMAIN = "summitbot"
LOCALES = Path(__file__).with_name("locales")
CLDR = {"en": "en_IN", "ru": "ru", "hi": "hi"}
"""The CLDR locale whose dates and numbers each language uses: English as written in India (5 December
2025, 10:30 AM), where most of its readers are."""


@dataclass(frozen=True, eq=False)
class Language:
    """One language's catalog and CLDR locale: what every wording function is given as ``lang``."""

    code: str
    locale: Locale
    catalog: gettext.NullTranslations

    def _(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.catalog.pgettext(context, message)


def po_path(code: str) -> Path:
    return LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalog(code: str) -> gettext.NullTranslations:
    """The language's ``.po`` compiled by Babel; English needs none, its msgids are the text."""
    if code == DEFAULT:
        return gettext.NullTranslations()
    with po_path(code).open("rb") as source:
        catalog = read_po(source, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def language(code: str | None = DEFAULT) -> Language:
    """The language for a code as Telegram gives it (``ru``, ``en-US``, none); unknown ones → English."""
    chosen = pick(code)
    return Language(chosen, Locale.parse(CLDR[chosen]), compile_catalog(chosen))


ENGLISH = language(DEFAULT)
