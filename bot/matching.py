"""Finding what a person means by a name: typos, case, word order and the file's aliases all tolerated."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from rapidfuzz import fuzz, process, utils

from bot.events import Catalog, Event

THRESHOLD = 80


def event_names(event: Event) -> list[str]:
    """Every way the file lets people name an event: its title, its aliases and its id."""
    return [event.title, *event.aliases, event.id]


def find_event(catalog: Catalog, query: str) -> Event | None:
    """The event whose id, title or alias is closest to ``query``, if any is close enough."""
    choices = {(i, name): name for i, event in enumerate(catalog.events) for name in event_names(event)}
    best = process.extractOne(
        query, choices, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=THRESHOLD
    )
    if best is None:
        return None
    (index, _name) = best[2]
    return catalog.events[index]


@cache
def _zone_names() -> dict[str, str]:
    """Every IANA zone by its full name and by its city ("berlin" → Europe/Berlin)."""
    names: dict[str, str] = {}
    for key in sorted(available_timezones()):
        names.setdefault(key.lower(), key)
        names.setdefault(key.rsplit("/", 1)[-1].replace("_", " ").lower(), key)
    return names


def find_zone(query: str) -> ZoneInfo | None:
    """A time zone from its IANA name or its city, whatever the case or spacing: never a guess."""
    name = _zone_names().get(query.strip().lower().replace("_", " "))
    return ZoneInfo(name) if name is not None else None


def suggest_zone(query: str) -> str | None:
    """The zone a mistyped name most likely meant, to offer rather than to set."""
    names = _zone_names()
    best = process.extractOne(query.strip().lower(), list(names), scorer=fuzz.ratio, score_cutoff=THRESHOLD)
    return names[best[0]] if best is not None else None
