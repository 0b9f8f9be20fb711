"""``/calendar.ics``: the feed of ``bot.ics``, built once per change and named by its content.

Calendar apps poll a subscribed feed every few minutes, forever. The feed depends on the moment only
through ``DTSTAMP`` and through which events are over (their titles and descriptions change tense), so
a built feed is kept until the events file or one event's "over" changes, and a poll that brings the
feed's ETag back gets a 304 without building anything. The ETag hashes the bytes without ``DTSTAMP``:
every replica names the same feed the same way, and it is weak because the stamps may differ.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from bot import ics
from bot.catalog import LiveCatalog
from bot.events import Catalog
from bot.wording.dates import is_over
from bot.wording.language import Language

_DTSTAMP = re.compile(rb"^DTSTAMP[;:][^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*", re.MULTILINE)


def etag_of(feed: bytes) -> str:
    """The feed's identity, stamps aside: same events, same words → same tag, on any replica."""
    return hashlib.sha256(_DTSTAMP.sub(b"", feed)).hexdigest()[:32]


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str


@dataclass(frozen=True)
class _Built:
    catalog: Catalog
    over: tuple[bool, ...]
    feed: Feed


class Feeds:
    """The latest feed per language, rebuilt only when what it says would change."""

    def __init__(self, catalog: LiveCatalog) -> None:
        self._catalog = catalog
        self._built: dict[str, _Built] = {}

    def get(self, now: datetime, lang: Language) -> Feed:
        catalog = self._catalog.current
        over = tuple(is_over(event, now) for event in ics.listed(catalog))
        built = self._built.get(lang.code)
        if built is None or built.catalog is not catalog or built.over != over:
            body = ics.calendar(catalog, now, lang)
            built = _Built(catalog, over, Feed(body, etag_of(body)))
            self._built[lang.code] = built
        return built.feed
