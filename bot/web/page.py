"""The public page: the events as a visitor reads them, in the visitor's language, as plain HTML.

``view`` is pure, (catalog, now, language, links) → every string the page shows, worded by
``bot.wording`` exactly as a chat would read it; ``render`` fills the Jinja2 template, which escapes
every value (autoescape) and adds nothing but markup. No script, no font, nothing from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import jinja2

from bot.events import Catalog, Event
from bot.languages import ENDONYMS, SUPPORTED
from bot.timeline import recent, upcoming
from bot.wording.cards import place_text
from bot.wording.dates import countdown_of, when_text
from bot.wording.language import Language
from bot.wording.page import PageWords, page_words
from bot.wording.status import source_line, status_note, text


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    when: str
    place: str
    countdown: str
    status: str
    note: str | None
    source: str
    source_url: str | None


@dataclass(frozen=True)
class Links:
    """Where the page sends a visitor: the bot in Telegram and the calendar feed (absolute and webcal)."""

    bot: str | None
    calendar: str
    webcal: str | None


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    href: str
    current: bool


@dataclass(frozen=True)
class PageView:
    lang: str
    words: PageWords
    links: Links
    languages: tuple[LanguageLink, ...]
    upcoming: tuple[Card, ...]
    recent: tuple[Card, ...]


def card(event: Event, now: datetime, lang: Language) -> Card:
    return Card(
        id=event.id,
        title=text(event.title, lang),
        when=when_text(event, now, lang),
        place=place_text(event, lang),
        countdown=countdown_of(event, now, lang),
        status=status_note(event, lang),
        note=text(event.note, lang) if event.note is not None else None,
        source=source_line(event.status_source, lang),
        source_url=event.status_source.url,
    )


def view(catalog: Catalog, now: datetime, lang: Language, links: Links, bot_username: str | None) -> PageView:
    return PageView(
        lang=lang.code,
        words=page_words(lang, now, catalog.zone, bot_username),
        links=links,
        languages=tuple(
            LanguageLink(code, ENDONYMS[code], f"/?lang={code}", code == lang.code) for code in SUPPORTED
        ),
        upcoming=tuple(card(e, now, lang) for e in upcoming(catalog, now)),
        recent=tuple(card(e, now, lang) for e in recent(catalog, now)),
    )


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(page: PageView) -> str:
    return _environment().get_template("page.html").render(page=page)
