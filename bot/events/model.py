"""The events as the bot speaks of them: frozen values, every date aware and in a real zone.

These are what the parser (``bot.events.schema``) builds from the operator's file and what every pure
function reads. Texts are ``Localized``: English always, Russian and Hindi where the file gives them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.events.fields import midnight
from bot.events.problems import Problem
from bot.languages import DEFAULT


class Precision(StrEnum):
    """How much of an event's date is known; wording and alerts never claim more than this."""

    EXACT = "exact"
    DAY = "day"
    SPAN = "span"
    WINDOW = "window"
    MONTH = "month"
    YEAR = "year"


class Lifecycle(StrEnum):
    PLANNED = "planned"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    HELD = "held"


class Change(StrEnum):
    """Kinds of entry in an event's history, so answers and notes can say what moved."""

    REPORTED = "reported"
    ANNOUNCED = "announced"
    CONFIRMED = "confirmed"
    MOVED = "moved"
    PLACE_CHANGED = "place_changed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    HELD = "held"


@dataclass(frozen=True)
class Localized:
    """A text of the file: English always, other languages where the operator gave them.

    Held as (language, text) pairs, English first, so it is hashable like every other value here.
    """

    texts: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, en: str, **others: str) -> Localized:
        return cls(((DEFAULT, en), *others.items()))

    @property
    def en(self) -> str:
        return self.texts[0][1]

    def in_(self, lang: str) -> str:
        """The text in ``lang``, or in English where the file gives no translation."""
        return next((text for code, text in self.texts if code == lang), self.en)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.texts)

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Names:
    """Other names for a thing (the file's ``aliases``): some in one language, some in any."""

    by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()

    ANY = "*"

    def all(self) -> tuple[str, ...]:
        return tuple(name for _, names in self.by_language for name in names)

    def in_(self, lang: str) -> tuple[str, ...]:
        return tuple(n for code, names in self.by_language if code in (lang, self.ANY) for n in names)


@dataclass(frozen=True)
class When:
    """An event's date at its known precision, in the event's own zone.

    ``first``/``last`` bound the days it may fall on (a span occupies all of them; a window or month
    is one unknown moment among them). Only ``EXACT`` carries a time of day.
    """

    precision: Precision
    zone: ZoneInfo
    first: date
    last: date
    at: datetime | None = None

    @property
    def earliest(self) -> datetime:
        """The earliest moment the event may begin."""
        return self.at if self.at is not None else midnight(self.first, self.zone)

    @property
    def latest_start(self) -> datetime:
        """The latest moment it may begin: a window's last day, a span's first."""
        if self.at is not None:
            return self.at
        day = self.first if self.precision in (Precision.DAY, Precision.SPAN) else self.last
        return midnight(day, self.zone)

    @property
    def end(self) -> datetime:
        """When it is surely over; an exact event is taken to last until the end of its day."""
        last = self.at.astimezone(self.zone).date() if self.at is not None else self.last
        return midnight(last + timedelta(days=1), self.zone)

    def same_dates(self, other: When) -> bool:
        return (self.precision, self.first, self.last, self.at, self.zone.key) == (
            other.precision,
            other.first,
            other.last,
            other.at,
            other.zone.key,
        )


@dataclass(frozen=True)
class Source:
    """Who said it and when: every status and fact the bot repeats carries one."""

    id: str
    title: Localized
    by: Localized
    date: date
    url: str | None = None


@dataclass(frozen=True)
class Government:
    id: str
    name: Localized
    aliases: Names = Names()


@dataclass(frozen=True)
class Fact:
    """A sourced statement of the file that is not an event: a figure, a quote, the background."""

    id: str
    title: Localized
    text: Localized
    source: Source
    aliases: Names = Names()


@dataclass(frozen=True)
class HistoryItem:
    on: date
    change: Change
    government: Government | None
    note: Localized | None
    source: Source


@dataclass(frozen=True)
class Event:
    """One dated event as the bot speaks of it: resolved zone, dates, leads and sources.

    ``place`` is the event's own or, for an event dated ``during`` another, that event's.
    """

    id: str
    title: Localized
    when: When
    place: Localized | None
    governments: tuple[Government, ...]
    confirmed_by: tuple[Government, ...]
    lifecycle: Lifecycle
    status_source: Source
    status_since: date | None
    note: Localized | None
    source: Source
    reminders: tuple[timedelta, ...]
    aliases: Names
    history: tuple[HistoryItem, ...]
    during: str | None = None
    host: Government | None = None

    @property
    def zone(self) -> ZoneInfo:
        return self.when.zone

    @property
    def unconfirmed(self) -> tuple[Government, ...]:
        return tuple(g for g in self.governments if g not in self.confirmed_by)

    @property
    def is_active(self) -> bool:
        """Still expected to happen, so it counts down and gets alerts."""
        return self.lifecycle in (Lifecycle.PLANNED, Lifecycle.POSTPONED)


@dataclass(frozen=True)
class Catalog:
    """Everything the operator's file says, checked for consistency; the input of every pure function.

    ``warnings`` are what the check lists without refusing the file: texts without a translation.
    """

    events: tuple[Event, ...]
    facts: tuple[Fact, ...]
    sources: Mapping[str, Source]
    governments: Mapping[str, Government]
    zone: ZoneInfo
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def get(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)
