"""The events file: its schema, and the frozen, time-zone-aware values the rest of summitbot reads.

The operator edits YAML by hand as news develops, so every mistake must come back as one line naming
the file, the line and the field (``EventsFileError``), never a traceback. Past this module every date
is an aware datetime in a real zone (``zoneinfo``); nothing downstream parses or guesses.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
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

_ID = r"^[a-z0-9][a-z0-9-]*$"
_LEAD = re.compile(r"^(\d+)([wdhm])$")
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


def _text(value: Any) -> Any:
    """YAML turns bare numbers and dates into non-strings; titles and notes are always text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def parse_lead(value: str) -> timedelta:
    """``7d``, ``2h``, ``30m``, ``1w`` → a duration; anything else names the accepted form."""
    match = _LEAD.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"lead time {value!r} is not a number followed by w, d, h or m (e.g. 7d, 2h, 30m)")
    try:
        lead = timedelta(**{_LEAD_UNITS[match[2]]: int(match[1])})
    except OverflowError:  # e.g. 99999999999999999999d: certainly more than 4 weeks
        lead = timedelta.max
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


def parse_day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a date like 2025-12-05, got {value!r}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2025-12-05") from None


def parse_month(value: Any) -> date:
    """``2025-11`` → the first day of that month."""
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{value!r} is not a month like 2025-11")
    return date(int(match[1]), int(match[2]), 1)


def parse_zone(value: Any) -> ZoneInfo:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected an IANA time zone such as Asia/Kolkata, got {value!r}")
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Kolkata)") from None


def parse_local_datetime(value: Any, zone: ZoneInfo) -> datetime:
    """An ISO date-time; with no offset it is read in ``zone`` (the event's), so it is never naive."""
    if not isinstance(value, str):
        raise ValueError(f"expected a date-time like 2025-12-05T10:30, got {value!r}")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time like 2025-12-05T10:30") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


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


Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=1000)]
Ident = Annotated[str, BeforeValidator(_text), Field(pattern=_ID, max_length=64)]
Day = Annotated[date, BeforeValidator(parse_day)]
Month = Annotated[date, BeforeValidator(parse_month)]


class Source(_Frozen):
    """Who said it and when: every status and fact the bot repeats carries one."""

    title: Text
    by: Text
    date: Day
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None


class Government(_Frozen):
    name: Text
    aliases: tuple[Text, ...] = ()


class Status(_Frozen):
    lifecycle: Lifecycle = Lifecycle.PLANNED
    confirmed_by: tuple[Ident, ...] = ()
    source: Ident
    since: Day | None = None


class HistoryEntry(_Frozen):
    date: Day
    change: Change
    government: Ident | None = None
    note: Text | None = None
    source: Ident


class Fact(_Frozen):
    id: Ident
    title: Text
    text: Text
    source: Ident
    aliases: tuple[Text, ...] = ()


class WhenSpec(_Frozen):
    """The ways the operator can say when: exactly one of these keys (``from`` needs ``to``)."""

    at: str | None = None
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
            if "T" not in value.upper() and " " not in value.strip():
                raise ValueError(f"{value!r} has no time of day; use date: for a day without a time")
            parse_local_datetime(value, ZoneInfo("UTC"))  # the form only; resolve() applies the zone
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
    title: Text
    when: WhenSpec
    timezone: str | None = None
    place: Text | None = None
    governments: tuple[Ident, ...] = ()
    status: Status
    note: Text | None = None
    source: Ident
    reminders: tuple[str, ...] | None = None
    aliases: tuple[Text, ...] = ()
    history: tuple[HistoryEntry, ...] = ()

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
    leads = tuple(parse_lead(v) for v in values)
    if len(set(leads)) != len(leads):
        raise ValueError("the same lead time is given twice")
    if len(leads) > MAX_REMINDERS:
        raise ValueError(f"at most {MAX_REMINDERS} reminders per event")
    return leads


class EventsFileSpec(_Frozen):
    """The whole file as written; ``Catalog.from_spec`` cross-checks ids and resolves dates."""

    version: Annotated[int, Field(ge=1, le=1)] = 1
    timezone: str = "UTC"
    reminders: tuple[str, ...] = DEFAULT_REMINDERS
    governments: dict[Ident, Government] = Field(default_factory=dict)
    sources: dict[Ident, Source] = Field(default_factory=dict)
    events: tuple[EventSpec, ...]
    facts: tuple[Fact, ...] = ()

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
        for ev in spec.events:
            if ev.when.during is None:
                whens[ev.id] = ev.when.resolve(_event_zone(ev, file_zone), whens)
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


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps, so every date is parsed (and reported) by us."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _field_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
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
    """Parse YAML text into a ``Catalog`` or raise ``EventsFileError`` with located problems."""
    try:
        root = yaml.compose(text, Loader=_Loader)
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
                    file, root.start_mark.line + 1, "", "the top level must be a mapping with an events: list"
                )
            ]
        )
    duplicates = [
        Problem(file, n.start_mark.line + 1, path, "duplicate key") for n, path in _duplicate_keys(root)
    ]
    if duplicates:
        raise EventsFileError(duplicates)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except (yaml.YAMLError, ValueError) as exc:  # an unknown !tag, an unhashable key, !!int abc
        raise EventsFileError([_yaml_problem(file, text, exc)]) from None

    def located(loc: Sequence[str | int], message: str) -> Problem:
        yaml_loc = _loc_for_yaml(loc)
        node, _found = _node_at(root, yaml_loc)
        return Problem(file, node.start_mark.line + 1, _field_path(yaml_loc), message)

    try:
        spec = EventsFileSpec.model_validate(data)
        return Catalog.from_spec(spec)
    except ValidationError as exc:
        raise EventsFileError(
            [
                located([p for p in e["loc"] if not str(p).startswith("function-")], _pydantic_message(e))
                for e in exc.errors()
            ]
        ) from None
    except CrossRefError as exc:
        raise EventsFileError([located(exc.loc, exc.message)]) from None


def load_events(path: Path) -> Catalog:
    """Read and parse the operator's file; unreadable files are reported like malformed ones."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EventsFileError([Problem(str(path), None, "", "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise EventsFileError([Problem(str(path), None, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise EventsFileError([Problem(str(path), None, "", f"cannot be read ({exc.strerror})")]) from None
    return parse_events(text, str(path))
