"""The events file: its schema, and the frozen, time-zone-aware values the rest of summitbot reads.

The operator edits YAML by hand as news develops, so every mistake must come back as one line naming
the file, the line and the field (``EventsFileError``), never a traceback. Past this module every date
is an aware datetime in a real zone (``zoneinfo``); nothing downstream parses or guesses.
"""

from __future__ import annotations

import calendar
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

DEFAULT_REMINDERS = ("7d", "1d", "2h", "30m")
MAX_LEAD = timedelta(weeks=4)
MAX_REMINDERS = 8

# ---- limits: what the bot can read quickly, compute with and show in one Telegram message (README)

MAX_FILE_BYTES = 1024 * 1024  # 1 MiB: a few hundred events at their longest
MAX_DEPTH = 20  # YAML nesting; the schema itself needs 6
MAX_NODES = 100_000  # YAML values in the file: about 1.5 s for pure-Python PyYAML at worst
MAX_PROBLEMS = 20  # lines reported for one file; fix those and check again
MAX_ALIAS_NODES = 10_000  # values that YAML aliases (*name) may repeat, in all
FIRST_DAY = date(1900, 1, 1)  # every date the file gives lies between these two
LAST_DAY = date(2200, 12, 31)

MAX_EVENTS = 500
MAX_FACTS = 500
MAX_GOVERNMENTS = 200
MAX_SOURCES = 1000
MAX_HISTORY = 100  # entries per event
MAX_ALIASES = 50  # per list
MAX_EVENT_GOVERNMENTS = 12  # an event's status note names every one of them

# Characters per text field. The longest event card (title, date, place, countdown, a status note
# naming 12 governments, note, "Source: by: title (date)") is about 3,200 characters: Telegram's
# limit is 4,096, and an alert's "late" line and the reader's own time fit in what is left.
MAX_TITLE = 200  # an event's or a fact's
MAX_PLACE = 200
MAX_GOVERNMENT_NAME = 80
MAX_SOURCE_TITLE = 300
MAX_SOURCE_BY = 200
MAX_NOTE = 1000  # an event's note
MAX_FACT_TEXT = 1000
MAX_HISTORY_NOTE = 500
MAX_ALIAS = 100
MAX_URL = 2000

_ID = r"^[a-z0-9][a-z0-9-]*$"
_LEAD = re.compile(r"^([0-9]+)([wdhm])$")  # ASCII digits only: int() would also read "７"
_LEAD_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


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


# ---------------------------------------------------------------- parsing helpers (the edge)


class _WrittenInt(int):
    """A YAML integer that remembers how it was written, for where text is wanted (``01`` ≠ ``1``)."""

    written: str


class _WrittenFloat(float):
    written: str


def _text(value: Any) -> Any:
    """YAML turns bare numbers into non-strings; titles, notes and ids are text, exactly as written."""
    if isinstance(value, _WrittenInt | _WrittenFloat):
        return value.written
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0")  # fillers that show as nothing


def _invisible(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE or unicodedata.category(char) == "Cf"


def readable(value: str) -> str:
    """Text the bot repeats must be sendable: real characters, no control codes, not blank.

    A lone surrogate (``"\\ud800"`` in a double-quoted YAML string) cannot be encoded, so every
    message naming it would fail; zero-width characters alone would be a title nobody can see.
    """
    bad = _UNPRINTABLE.search(value)
    if bad is not None:
        code = ord(bad[0])
        if 0xD800 <= code <= 0xDFFF:
            raise ValueError(
                f"contains U+{code:04X}, half of a surrogate pair, which is not a character "
                "(check the \\u escapes)"
            )
        raise ValueError(
            f"contains the control character U+{code:04X}; only line breaks and tabs are allowed"
        )
    if all(_invisible(char) for char in value):
        raise ValueError("is blank")
    return value


def parse_lead(value: str) -> timedelta:
    """``7d``, ``2h``, ``30m``, ``1w`` → a duration; anything else names the accepted form."""
    match = _LEAD.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"lead time {value!r} is not a number followed by w, d, h or m (e.g. 7d, 2h, 30m)")
    digits = match[1].lstrip("0") or "0"
    # 4 weeks is 40,320 minutes: more than six digits is surely too far (and int() of thousands of
    # digits is refused by Python itself)
    lead = timedelta.max if len(digits) > 6 else timedelta(**{_LEAD_UNITS[match[2]]: int(digits)})
    if lead > MAX_LEAD:
        raise ValueError(f"lead time {value!r} is more than 4 weeks before the event")
    return lead


def format_lead(lead: timedelta) -> str:
    """The inverse of ``parse_lead``: stable keys for stored alerts and the plan's table."""
    minutes = int(lead.total_seconds() // 60)
    for unit, size in (("d", 24 * 60), ("h", 60)):
        if minutes and minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


def in_range(day: date, what: str) -> date:
    """Dates the bot can count to and print; 9999-12-31 would overflow the day after it."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            f"{printable(what)} is out of range: dates must lie between {FIRST_DAY} and {LAST_DAY}"
        )
    return day


def parse_day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return in_range(value, str(value))
    if not isinstance(value, str):
        raise ValueError(f"expected a date like 2025-12-05, got {value!r}")
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2025-12-05") from None
    return in_range(day, value.strip())


def parse_month(value: Any) -> date:
    """``2025-11`` → the first day of that month."""
    text = str(value).strip()
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{value!r} is not a month like 2025-11")
    first = date(int(match[1]), int(match[2]), 1)
    in_range(month_end(first), text)
    return in_range(first, text)


def parse_zone(value: Any) -> ZoneInfo:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected an IANA time zone such as Asia/Kolkata, got {value!r}")
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory of zones
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Kolkata)") from None


_ISO_CHARACTERS = re.compile(r"[0-9A-Za-z:+\-., ]+")


def parse_datetime_form(value: Any) -> datetime:
    """An ISO date-time as written, naive or with an offset; its written date must be in range."""
    if not isinstance(value, str):
        raise ValueError(f"expected a date-time like 2025-12-05T10:30, got {value!r}")
    try:
        if not _ISO_CHARACTERS.fullmatch(value.strip()):  # fromisoformat takes any character between
            raise ValueError
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time like 2025-12-05T10:30") from None
    in_range(moment.date(), value.strip())
    return moment


def parse_local_datetime(value: Any, zone: ZoneInfo) -> datetime:
    """An ISO date-time; with no offset it is read in ``zone`` (the event's), so it is never naive.

    A wall time without an offset must name one moment: one skipped when the clocks go forward, or
    repeated when they go back, is refused with the two moments it could mean.
    """
    moment = parse_datetime_form(value)
    if moment.tzinfo is None:
        moment = _wall_time(moment, zone)
    in_range(moment.astimezone(zone).date(), f"{value.strip()} ({zone.key})")
    return moment


def _wall_time(naive: datetime, zone: ZoneInfo) -> datetime:
    """``naive`` in ``zone``, when that wall time happens exactly once there (zoneinfo's ``fold``)."""
    early, late = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early

    def exists(local: datetime) -> bool:
        return local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive

    written = _iso(naive)
    if exists(early) != exists(late):  # not a switch of the clocks after all
        return early if exists(early) else late
    if exists(early):
        raise ValueError(
            f"{written} happens twice in {zone.key} (clocks go back): give the offset, "
            f"{_iso(early)} ({early.tzname()}) or {_iso(late)} ({late.tzname()})"
        )
    one, other = sorted(m.astimezone(UTC).astimezone(zone) for m in (early, late))
    raise ValueError(
        f"{written} does not exist in {zone.key} (clocks go forward): did you mean "
        f"{_iso(one)} ({one.tzname()}) or {_iso(other)} ({other.tzname()})?"
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes" if not (moment.second or moment.microsecond) else "auto")


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


# ---------------------------------------------------------------- the domain values


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


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


# Text as the bot repeats it: readable, not blank, and at most so many characters.
_Readable = Annotated[str, BeforeValidator(_text), AfterValidator(readable)]
Title = Annotated[_Readable, Field(min_length=1, max_length=MAX_TITLE)]
Place = Annotated[_Readable, Field(min_length=1, max_length=MAX_PLACE)]
GovernmentName = Annotated[_Readable, Field(min_length=1, max_length=MAX_GOVERNMENT_NAME)]
SourceTitle = Annotated[_Readable, Field(min_length=1, max_length=MAX_SOURCE_TITLE)]
SourceBy = Annotated[_Readable, Field(min_length=1, max_length=MAX_SOURCE_BY)]
Note = Annotated[_Readable, Field(min_length=1, max_length=MAX_NOTE)]
FactText = Annotated[_Readable, Field(min_length=1, max_length=MAX_FACT_TEXT)]
HistoryNote = Annotated[_Readable, Field(min_length=1, max_length=MAX_HISTORY_NOTE)]
Alias = Annotated[_Readable, Field(min_length=1, max_length=MAX_ALIAS)]
Aliases = Annotated[tuple[Alias, ...], Field(max_length=MAX_ALIASES)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=MAX_URL), AfterValidator(readable)]
ZoneName = Annotated[str, Field(max_length=64)]
Ident = Annotated[str, BeforeValidator(_text), Field(pattern=_ID, max_length=64)]
Day = Annotated[date, BeforeValidator(parse_day)]
Month = Annotated[date, BeforeValidator(parse_month)]


class Source(_Frozen):
    """Who said it and when: every status and fact the bot repeats carries one."""

    title: SourceTitle
    by: SourceBy
    date: Day
    url: Url | None = None


class Government(_Frozen):
    name: GovernmentName
    aliases: Aliases = ()


class Status(_Frozen):
    lifecycle: Lifecycle = Lifecycle.PLANNED
    confirmed_by: Annotated[tuple[Ident, ...], Field(max_length=MAX_EVENT_GOVERNMENTS)] = ()
    source: Ident
    since: Day | None = None


class HistoryEntry(_Frozen):
    date: Day
    change: Change
    government: Ident | None = None
    note: HistoryNote | None = None
    source: Ident


class Fact(_Frozen):
    id: Ident
    title: Title
    text: FactText
    source: Ident
    aliases: Aliases = ()


class WhenSpec(_Frozen):
    """The ways the operator can say when: exactly one of these keys (``from`` needs ``to``)."""

    at: Annotated[str, Field(max_length=64)] | None = None
    date: Day | None = None
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None
    between: Day | None = None
    and_: Day | None = Field(default=None, alias="and")
    month: Month | None = None
    year: Annotated[int, Field(ge=1900, le=2200)] | None = None
    during: Ident | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @field_validator("at")
    @classmethod
    def _at(cls, value: str | None) -> str | None:
        if value is not None:
            parse_datetime_form(value)  # the form only; resolve() applies the zone
            if "T" not in value.upper() and " " not in value.strip():
                raise ValueError(f"{value!r} has no time of day; use date: for a day without a time")
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        forms = {
            "at": self.at is not None,
            "date": self.date is not None,
            "from/to": self.from_ is not None or self.to is not None,
            "between/and": self.between is not None or self.and_ is not None,
            "month": self.month is not None,
            "year": self.year is not None,
            "during": self.during is not None,
        }
        given = [name for name, present in forms.items() if present]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of at, date, from/to, between/and, month, year or during"
                + (f" (got {', '.join(given)})" if given else "")
            )
        for first, last, names in (
            (self.from_, self.to, "from/to"),
            (self.between, self.and_, "between/and"),
        ):
            if given == [names]:
                if first is None or last is None:
                    raise ValueError(f"{names} needs both dates")
                if last < first:
                    raise ValueError(f"{names}: the end {last} is before the start {first}")
                if names == "between/and" and last == first:
                    raise ValueError(
                        f"between/and: both ends are {first}; use date: {first} for a single day"
                    )
        return self

    def resolve(self, zone: ZoneInfo, others: Mapping[str, When]) -> When:
        if self.at is not None:
            moment = parse_local_datetime(self.at, zone)
            day = moment.astimezone(zone).date()
            return When(Precision.EXACT, zone, day, day, moment)
        if self.date is not None:
            return When(Precision.DAY, zone, self.date, self.date)
        if self.from_ is not None and self.to is not None:
            return When(Precision.SPAN, zone, self.from_, self.to)
        if self.between is not None and self.and_ is not None:
            return When(Precision.WINDOW, zone, self.between, self.and_)
        if self.month is not None:
            return When(Precision.MONTH, zone, self.month, month_end(self.month))
        if self.year is not None:
            return When(Precision.YEAR, zone, date(self.year, 1, 1), date(self.year, 12, 31))
        return others[str(self.during)]


class EventSpec(_Frozen):
    id: Ident
    title: Title
    when: WhenSpec
    timezone: ZoneName | None = None
    place: Place | None = None
    governments: Annotated[tuple[Ident, ...], Field(max_length=MAX_EVENT_GOVERNMENTS)] = ()
    status: Status
    note: Note | None = None
    source: Ident
    reminders: tuple[str, ...] | None = None
    aliases: Aliases = ()
    history: Annotated[tuple[HistoryEntry, ...], Field(max_length=MAX_HISTORY)] = ()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            parse_zone(value)
        return value

    @field_validator("reminders")
    @classmethod
    def _reminders(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None:
            _check_leads(value)
        return value


def _check_leads(values: Sequence[str]) -> tuple[timedelta, ...]:
    if len(values) > MAX_REMINDERS:
        raise ValueError(f"at most {MAX_REMINDERS} reminders per event (this list has {len(values)})")
    leads = tuple(parse_lead(v) for v in values)
    if len(set(leads)) != len(leads):
        raise ValueError("the same lead time is given twice")
    return leads


class EventsFileSpec(_Frozen):
    """The whole file as written; ``Catalog.from_spec`` cross-checks ids and resolves dates."""

    version: Annotated[int, Field(ge=1, le=1)] = 1
    timezone: ZoneName = "UTC"
    reminders: tuple[str, ...] = DEFAULT_REMINDERS
    governments: dict[Ident, Government] = Field(default_factory=dict, max_length=MAX_GOVERNMENTS)
    sources: dict[Ident, Source] = Field(default_factory=dict, max_length=MAX_SOURCES)
    events: Annotated[tuple[EventSpec, ...], Field(max_length=MAX_EVENTS)]
    facts: Annotated[tuple[Fact, ...], Field(max_length=MAX_FACTS)] = ()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        parse_zone(value)
        return value

    @field_validator("reminders")
    @classmethod
    def _reminders(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _check_leads(value)
        return value


@dataclass(frozen=True)
class Event:
    """One dated event as the bot speaks of it: resolved zone, dates, leads and sources."""

    id: str
    title: str
    when: When
    place: str | None
    governments: tuple[Government, ...]
    confirmed_by: tuple[Government, ...]
    lifecycle: Lifecycle
    status_source: Source
    status_since: date | None
    note: str | None
    source: Source
    reminders: tuple[timedelta, ...]
    aliases: tuple[str, ...]
    history: tuple[HistoryItem, ...]
    during: str | None = None

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
class HistoryItem:
    on: date
    change: Change
    government: Government | None
    note: str | None
    source: Source


@dataclass(frozen=True)
class Catalog:
    """Everything the operator's file says, checked for consistency; the input of every pure function."""

    events: tuple[Event, ...]
    facts: tuple[Fact, ...]
    sources: Mapping[str, Source]
    governments: Mapping[str, Government]
    zone: ZoneInfo

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def get(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)

    @classmethod
    def from_spec(cls, spec: EventsFileSpec) -> Catalog:
        """Cross-reference checks that need the whole file; each error carries the path of its field."""
        file_zone = parse_zone(spec.timezone)
        default_leads = _check_leads(spec.reminders)

        def source(ref: str, loc: tuple[str | int, ...]) -> Source:
            if ref not in spec.sources:
                raise CrossRefError(loc, f"unknown source {ref!r} (define it under sources:)")
            return spec.sources[ref]

        def government(ref: str, loc: tuple[str | int, ...]) -> Government:
            if ref not in spec.governments:
                raise CrossRefError(loc, f"unknown government {ref!r} (define it under governments:)")
            return spec.governments[ref]

        seen: dict[str, int] = {}
        for i, ev in enumerate(spec.events):
            confirmed = ev.status.confirmed_by
            stray = [g for g in confirmed if g not in ev.governments]
            if stray:
                raise CrossRefError(
                    ("events", i, "status", "confirmed_by"),
                    f"names {', '.join(stray)}, which is not in this event's governments",
                )
            if len(set(confirmed)) != len(confirmed):
                raise CrossRefError(("events", i, "status", "confirmed_by"), "names a government twice")
            if len(set(ev.governments)) != len(ev.governments):
                raise CrossRefError(("events", i, "governments"), "names a government twice")
            if ev.id in seen:
                raise CrossRefError(
                    ("events", i, "id"), f"duplicate event id {ev.id!r} (also event #{seen[ev.id] + 1})"
                )
            seen[ev.id] = i
        fact_ids: set[str] = set()
        for i, fact in enumerate(spec.facts):
            if fact.id in fact_ids:
                raise CrossRefError(("facts", i, "id"), f"duplicate fact id {fact.id!r}")
            fact_ids.add(fact.id)
            source(fact.source, ("facts", i, "source"))

        whens: dict[str, When] = {}
        for i, ev in enumerate(spec.events):
            if ev.when.during is None:
                try:
                    whens[ev.id] = ev.when.resolve(_event_zone(ev, file_zone), whens)
                except ValueError as exc:  # a wall time the event's zone skips or repeats
                    raise CrossRefError(("events", i, "when", "at"), str(exc)) from None
        for i, ev in enumerate(spec.events):
            target = ev.when.during
            if target is None:
                continue
            if target not in seen:
                raise CrossRefError(("events", i, "when", "during"), f"unknown event {target!r}")
            if spec.events[seen[target]].when.during is not None:
                raise CrossRefError(
                    ("events", i, "when", "during"),
                    f"{target!r} is itself dated by 'during'; point at a dated event",
                )
            whens[ev.id] = whens[target]

        events = []
        for i, ev in enumerate(spec.events):
            loc: tuple[str | int, ...] = ("events", i)
            governments = tuple(government(g, (*loc, "governments")) for g in ev.governments)
            history = tuple(
                HistoryItem(
                    on=h.date,
                    change=h.change,
                    government=government(h.government, (*loc, "history", j, "government"))
                    if h.government
                    else None,
                    note=h.note,
                    source=source(h.source, (*loc, "history", j, "source")),
                )
                for j, h in enumerate(ev.history)
            )
            events.append(
                Event(
                    id=ev.id,
                    title=ev.title,
                    when=whens[ev.id],
                    place=ev.place,
                    governments=governments,
                    confirmed_by=tuple(spec.governments[g] for g in ev.status.confirmed_by),
                    lifecycle=ev.status.lifecycle,
                    status_source=source(ev.status.source, (*loc, "status", "source")),
                    status_since=ev.status.since,
                    note=ev.note,
                    source=source(ev.source, (*loc, "source")),
                    reminders=_check_leads(ev.reminders) if ev.reminders is not None else default_leads,
                    aliases=ev.aliases,
                    history=history,
                    during=ev.when.during,
                )
            )
        return cls(
            events=tuple(events),
            facts=spec.facts,
            sources=dict(spec.sources),
            governments=dict(spec.governments),
            zone=file_zone,
        )


def _event_zone(ev: EventSpec, file_zone: ZoneInfo) -> ZoneInfo:
    return parse_zone(ev.timezone) if ev.timezone else file_zone


# ---------------------------------------------------------------- loading, with file:line:field errors


class CrossRefError(ValueError):
    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, located well enough for the operator to jump to it."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class EventsFileError(Exception):
    """The file cannot be used; ``problems`` says where and why, one line each."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


class _NodeError(Exception):
    """Valid YAML that summitbot will not read (too deep, too many values or aliases, a key it cannot
    print): one located line."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.line: int | None = mark.line + 1 if mark is not None else None
        self.message = message


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps (every date is parsed, and reported, by us), within budgets.

    PyYAML composes recursively and expands aliases without limit: a few lines of nested aliases
    ("billion laughs") or a few hundred levels of nesting would take minutes or a traceback. Here
    nesting stops at ``MAX_DEPTH``, reading at ``MAX_NODES`` values, and an alias may not point into
    the node that contains it.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._open: list[str | None] = []  # anchors of the nodes being composed, outermost first

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise _NodeError(event.start_mark, f"the alias *{event.anchor} is inside its own anchor")
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise _NodeError(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            message = f"holds more than {MAX_NODES} YAML values, the most summitbot reads"
            raise _NodeError(event.start_mark, message)
        self._depth += 1
        self._open.append(getattr(event, "anchor", None))
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.pop()


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _written_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> _WrittenInt:
    number = _WrittenInt(loader.construct_yaml_int(node))
    number.written = node.value
    return number


def _written_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> _WrittenFloat:
    number = _WrittenFloat(loader.construct_yaml_float(node))
    number.written = node.value
    return number


_Loader.add_constructor("tag:yaml.org,2002:int", _written_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _written_float)

_STR = "tag:yaml.org,2002:str"
# What a plain key may resolve to; a key is kept as the text it is written as (``01`` and ``1`` are
# two keys, not both the number 1; ``no`` is Norway, not false).
_IMPLICIT_KEYS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float"))


def _inspect(root: yaml.Node) -> None:
    """Keep keys as written, and refuse aliases that would repeat more than ``MAX_ALIAS_NODES`` values.

    Sizes are memoised per node, so the walk is linear in the file however the aliases nest (an
    anchor always comes before its aliases); the problem is reported at the anchor's line.
    """
    sizes: dict[int, int] = {}
    repeated = 0

    def size(node: yaml.Node) -> int:
        nonlocal repeated
        known = sizes.get(id(node))
        if known is not None:  # an alias: its values are repeated
            repeated += known
            if repeated > MAX_ALIAS_NODES:
                raise _NodeError(
                    node.start_mark,
                    f"YAML aliases (*name) would repeat more than {MAX_ALIAS_NODES} values here; "
                    "write the values out instead",
                )
            return known
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.tag in _IMPLICIT_KEYS:
                        key.tag = _STR
                    try:
                        readable(key.value)
                    except ValueError as exc:
                        raise _NodeError(key.start_mark, f"the key '{printable(key.value)}' {exc}") from None
                total += size(key) + size(value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        sizes[id(node)] = total
        return total

    size(root)


def printable(text: str) -> str:
    """``text`` safe to print to a terminal or a log: no control codes, no half surrogates."""
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in text)


def _field_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{printable(part)}" if out else printable(part))
    return out


def _node_at(root: yaml.Node, loc: Sequence[str | int]) -> tuple[yaml.Node, bool]:
    """The deepest YAML node along ``loc``, and whether the whole path was found."""
    node = root
    for depth, part in enumerate(loc, start=1):
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == part), None)
            if match is None:
                return node, False
            node = match[1] if depth < len(loc) else match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node, False
    return node, True


def _duplicate_keys(node: yaml.Node, path: tuple[str | int, ...] = ()) -> Iterator[tuple[yaml.Node, str]]:
    """PyYAML keeps the last of two equal keys silently; an operator's copy-paste slip must not vanish."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue  # refused (with its line) when the document is constructed
            if key.value in seen:
                yield key, _field_path((*path, key.value))
            seen.add(key.value)
            yield from _duplicate_keys(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*path, i))


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    value, limit = error.get("input"), error.get("ctx", {}).get("max_length")
    if kind in ("string_too_long", "too_long") and isinstance(value, Sized):
        if isinstance(value, str):
            return f"has {len(value)} characters; at most {limit} characters are allowed"
        if isinstance(value, Mapping):
            return f"has {len(value)} entries; at most {limit} entries are allowed"
        return f"has {len(value)} items; at most {limit} items are allowed"
    if kind in ("string_too_short", "too_short") and isinstance(value, str):
        return "is blank"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _loc_for_yaml(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """Pydantic's location, spelt the way the YAML spells it (``from_`` → ``from``)."""
    return tuple(p.rstrip("_") if isinstance(p, str) else p for p in loc)


def _yaml_problem(file: str, text: str, exc: Exception) -> Problem:
    """One line for any YAML failure, with the line number when PyYAML knows it."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        return Problem(file, line, "", f"not valid YAML: {exc.problem or exc.context}")
    if isinstance(exc, yaml.reader.ReaderError):
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        line = text.count("\n", 0, exc.position) + 1
        return Problem(file, line, "", f"not valid YAML: unacceptable character #x{char:04x}")
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Problem(file, None, "", f"not valid YAML: {first}")


def parse_events(text: str, file: str = "<events>") -> Catalog:
    """Parse YAML text into a ``Catalog`` or raise ``EventsFileError`` with located problems.

    Total: whatever the text, the outcome is a catalog or ``EventsFileError``, never another exception.
    """
    try:
        return _parse(text, file)
    except EventsFileError:
        raise
    except RecursionError:
        problem = Problem(file, None, "", "nested too deeply to read")
    except MemoryError:
        problem = Problem(file, None, "", "too large to read in memory")
    except Exception as exc:  # a bug of ours; the operator still gets one line, and the bot goes on
        detail = str(exc).splitlines()[0] if str(exc) else ""
        problem = Problem(
            file, None, "", f"cannot be checked ({type(exc).__name__}: {detail}); please report this"
        )
    raise EventsFileError([problem]) from None


def _parse(text: str, file: str) -> Catalog:
    if len(text) > MAX_FILE_BYTES:  # characters, not bytes: a cheap early bound for callers with text
        raise EventsFileError([_too_large(file)])
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters at once
        raise EventsFileError([_yaml_problem(file, text, exc)]) from None
    try:
        try:
            root = loader.get_single_node()
            if root is not None:
                _inspect(root)
        except _NodeError as exc:
            raise EventsFileError([Problem(file, exc.line, "", exc.message)]) from None
        except yaml.YAMLError as exc:
            raise EventsFileError([_yaml_problem(file, text, exc)]) from None
        if root is None:
            raise EventsFileError(
                [Problem(file, None, "", "the file is empty (it needs at least an events: list)")]
            )
        if not isinstance(root, yaml.MappingNode):
            raise EventsFileError(
                [
                    Problem(
                        file,
                        root.start_mark.line + 1,
                        "",
                        "the top level must be a mapping with an events: list",
                    )
                ]
            )
        duplicates = [
            Problem(file, n.start_mark.line + 1, path, "duplicate key") for n, path in _duplicate_keys(root)
        ]
        if duplicates:
            raise EventsFileError(_at_most(duplicates, file))
        try:
            data = loader.construct_document(root)
        except (yaml.YAMLError, ValueError) as exc:  # an unknown !tag, an unhashable key, !!int abc
            raise EventsFileError([_yaml_problem(file, text, exc)]) from None
    finally:
        loader.dispose()

    def located(loc: Sequence[str | int], message: str) -> Problem:
        yaml_loc = _loc_for_yaml(loc)
        node, _found = _node_at(root, yaml_loc)
        return Problem(file, node.start_mark.line + 1, _field_path(yaml_loc), message)

    try:
        spec = EventsFileSpec.model_validate(data)
        return Catalog.from_spec(spec)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [
            located([p for p in e["loc"] if not str(p).startswith("function-")], _pydantic_message(e))
            for e in errors[:MAX_PROBLEMS]
        ]
        raise EventsFileError(_at_most(problems, file, len(errors))) from None
    except CrossRefError as exc:
        raise EventsFileError([located(exc.loc, exc.message)]) from None


def _at_most(problems: Sequence[Problem], file: str, total: int | None = None) -> list[Problem]:
    """The first ``MAX_PROBLEMS`` problems, and how many more there are: a bad file must not flood."""
    total = len(problems) if total is None else total
    if total <= MAX_PROBLEMS:
        return list(problems)
    more = Problem(file, None, "", f"… and {total - MAX_PROBLEMS} more problems; fix these and check again")
    return [*problems[:MAX_PROBLEMS], more]


def _too_large(file: str) -> Problem:
    return Problem(
        file, None, "", f"is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB, the most summitbot reads"
    )


_FILE_KINDS = (
    (stat.S_ISDIR, "is a directory, not a file"),
    (stat.S_ISFIFO, "is a named pipe, not a regular file"),
    (stat.S_ISCHR, "is a device, not a regular file"),
    (stat.S_ISBLK, "is a device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)
# O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (there is none on Windows)
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
)


def read_events_file(path: Path) -> bytes:
    """The file's bytes, read safely: only a regular file, and at most ``MAX_FILE_BYTES`` of it.

    A FIFO would block ``open`` until someone writes to it and ``/dev/zero`` never ends, so the kind
    of file is checked before and after opening (non-blocking), and reading stops past the limit.
    """
    file = str(path)

    def refused(message: str) -> EventsFileError:
        return EventsFileError([Problem(file, None, "", message)])

    def kind_problem(mode: int) -> str | None:
        if stat.S_ISREG(mode):
            return None
        return next((message for test, message in _FILE_KINDS if test(mode)), "is not a regular file")

    try:
        problem = kind_problem(path.stat().st_mode)
        if problem is not None:
            raise refused(problem)
        fd = os.open(path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as handle:  # closes fd, also when fstat or read fails
            info = os.fstat(handle.fileno())
            problem = kind_problem(info.st_mode)
            if problem is not None:
                raise refused(problem)
            if info.st_size > MAX_FILE_BYTES:
                raise EventsFileError([_too_large(file)])
            data = handle.read(MAX_FILE_BYTES + 1)
    except EventsFileError:
        raise
    except FileNotFoundError:
        raise refused("no such file") from None
    except OSError as exc:
        raise refused(f"cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # e.g. ValueError for a NUL byte in the path: still one line
        raise refused(f"cannot be read ({type(exc).__name__}: {exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise EventsFileError([_too_large(file)])
    return data


def parse_events_file(data: bytes, file: str) -> Catalog:
    """The bytes of an events file (as ``read_events_file`` returns them) → a ``Catalog``; total."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EventsFileError([Problem(file, None, "", f"not UTF-8 text ({exc.reason})")]) from None
    return parse_events(text, file)


def load_events(path: Path) -> Catalog:
    """Read and parse the operator's file; unreadable files are reported like malformed ones.

    Total and bounded: any failure is ``EventsFileError``, and no file makes it read or work for long.
    """
    return parse_events_file(read_events_file(path), str(path))
