"""Finding what a person means by a name: typos, case, word order and the file's aliases all tolerated."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

import yaml
from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process, utils

from bot.events import Catalog, Event

THRESHOLD = 80
MAX_NAME = 100
"""Longer than any zone name; a longer query is not compared with them at all."""


def event_names(event: Event) -> list[str]:
    """Every way the file lets people name an event: its title and aliases in every language, its id."""
    return [*(title for _, title in event.title.texts), *event.aliases.all(), event.id]


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


def find_events(catalog: Catalog, query: str, limit: int) -> list[Event]:
    """Every event one of whose names is close enough to ``query``, closest first (at most ``limit``):
    the same names and threshold as ``find_event``, for a list of choices rather than one answer."""
    best: dict[int, float] = {}
    choices = {(i, name): name for i, event in enumerate(catalog.events) for name in event_names(event)}
    for _name, score, (index, _) in process.extract(
        query,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=THRESHOLD,
        limit=None,
    ):
        best[index] = max(score, best.get(index, 0.0))
    ranked = sorted(best, key=lambda index: (-best[index], index))
    return [catalog.events[index] for index in ranked[:limit]]


# ---------------------------------------------------------------- time zones

_SEPARATORS = str.maketrans(dict.fromkeys("_-.'’", " "))
_KEPT_FORMAT = frozenset("\u200c\u200d")  # the joiners shape Indic script; other format characters go
_OFFSET = re.compile(r"(?:utc|gmt)\s*([+\-−])\s*(\d{1,2})(?::?00)?", re.IGNORECASE)


def normalised(name: str) -> str:
    """One spelling for lookups: case, ё, "_", "-", ".", apostrophes and invisible characters ignored."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("ё", "е")
    text = "".join(c for c in text if c in _KEPT_FORMAT or unicodedata.category(c) != "Cf")
    return " ".join(text.translate(_SEPARATORS).split())


class _Choices(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    names: list[str] = Field(min_length=1)
    zones: list[str] = Field(min_length=2)


class _ZonesFile(BaseModel):
    """``bot/data/zones.yaml``: the names people use for zones besides IANA's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zones: dict[str, list[str]]
    ambiguous: list[_Choices]


@dataclass(frozen=True)
class ZoneIndex:
    keys: frozenset[str]
    """Every IANA zone this machine has."""
    names: dict[str, str]
    """A normalised name → its IANA key: full IANA names first, then the data file's, then city parts."""
    ambiguous: dict[str, tuple[str, ...]]
    """A normalised name that means several zones → those zones, to offer rather than to choose."""


def load_zone_index(text: str) -> ZoneIndex:
    """Raises ``ValueError`` naming the entry that names a zone this machine lacks, or a name twice."""
    spec = _ZonesFile.model_validate(yaml.safe_load(text))
    known = available_timezones()
    iana: dict[str, str] = {}
    for key in sorted(known):
        iana.setdefault(normalised(key), key)
    listed: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    pairs: list[tuple[str, tuple[str, ...]]] = [
        (name, (zone,)) for zone, names in spec.zones.items() for name in names
    ]
    pairs += [(name, tuple(group.zones)) for group in spec.ambiguous for name in group.names]
    for name, zones in pairs:
        missing = [zone for zone in zones if zone not in known]
        if missing:
            raise ValueError(f"{name!r}: unknown time zone {missing[0]!r}")
        key = normalised(name)
        if key in listed or key in ambiguous:
            raise ValueError(f"{name!r} is listed twice")
        if key in iana:
            raise ValueError(f"{name!r} is an IANA name already ({iana[key]})")
        if len(zones) == 1:
            listed[key] = zones[0]
        else:
            ambiguous[key] = zones
    names = {**iana, **listed}
    for key in sorted(known):
        city = normalised(key.rsplit("/", 1)[-1])
        # Etc/GMT+3 is three hours *behind* UTC (POSIX signs), so "GMT+3" alone must not find it
        if not key.startswith("Etc/") and city not in ambiguous:
            names.setdefault(city, key)
    return ZoneIndex(frozenset(known), names, ambiguous)


@cache
def zone_index() -> ZoneIndex:
    return load_zone_index(resources.files("bot").joinpath("data", "zones.yaml").read_text(encoding="utf-8"))


def _offset_zone(query: str) -> str | None:
    """``UTC+3``, ``GMT-05:00``: a whole-hour offset, as the Etc zone IANA names with the sign reversed."""
    match = _OFFSET.fullmatch(unicodedata.normalize("NFKC", query).strip())
    if match is None:
        return None
    hours = int(match[2])
    if hours == 0:
        return "UTC"
    key = f"Etc/GMT{'+' if match[1] != '+' else '-'}{hours}"
    return key if key in zone_index().keys else None


def find_zone(query: str) -> ZoneInfo | None:
    """A time zone from its IANA name, its city, a name in the zones file or a UTC offset: never a guess."""
    key = zone_index().names.get(normalised(query)) or _offset_zone(query)
    return ZoneInfo(key) if key is not None else None


def zone_choices(query: str) -> tuple[str, ...]:
    """The zones a name such as "Russia" or "CST" could mean; empty when it means one zone or none."""
    return zone_index().ambiguous.get(normalised(query), ())


def suggest_zone(query: str) -> str | None:
    """The zone a mistyped name most likely meant, to offer rather than to set; never what was typed."""
    typed = normalised(query)
    if not typed or len(typed) > MAX_NAME:
        return None
    names = zone_index().names
    candidates = [name for name, key in names.items() if name != typed and normalised(key) != typed]
    best = process.extractOne(typed, candidates, scorer=fuzz.ratio, score_cutoff=THRESHOLD)
    return names[best[0]] if best is not None else None
