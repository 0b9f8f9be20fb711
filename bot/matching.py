"""Finding what a person means by a name: typos, case, word order and the file's aliases all tolerated."""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from bot.events import Catalog, Event

THRESHOLD = 80


def event_names(event: Event) -> list[str]:
    return [event.id, event.title, *event.aliases]


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
