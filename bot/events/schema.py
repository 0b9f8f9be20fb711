"""The events file's schema as the operator writes it, and its translation into the frozen model.

Pydantic checks each value's form (``*Spec`` classes mirror the YAML one to one, so an error's
location is the YAML path); ``build_catalog`` then does what needs the whole file: ids that must
exist, dates ``during`` another event, places inherited from it. Texts may be a plain string
(English) or a mapping of language to text with English required; aliases a list (any language) or
a mapping of language to list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from bot.events.fields import (
    DEFAULT_REMINDERS,
    ID_PATTERN,
    MAX_ALIAS,
    MAX_ALIASES,
    MAX_EVENT_GOVERNMENTS,
    MAX_EVENTS,
    MAX_FACT_TEXT,
    MAX_FACTS,
    MAX_GOVERNMENT_NAME,
    MAX_GOVERNMENTS,
    MAX_HISTORY,
    MAX_HISTORY_NOTE,
    MAX_NOTE,
    MAX_PLACE,
    MAX_REMINDERS,
    MAX_SOURCE_BY,
    MAX_SOURCE_TITLE,
    MAX_SOURCES,
    MAX_TITLE,
    MAX_URL,
    as_text,
    month_end,
    parse_datetime_form,
    parse_day,
    parse_lead,
    parse_local_datetime,
    parse_month,
    parse_zone,
    readable,
)
from bot.events.model import (
    Catalog,
    Change,
    Event,
    Fact,
    Government,
    HistoryItem,
    Lifecycle,
    Localized,
    Names,
    Precision,
    Source,
    When,
)
from bot.events.problems import CrossRefError
from bot.languages import DEFAULT, SUPPORTED, Lang


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------- texts, in one language or several


def _languages(value: Any) -> Any:
    """A plain string is the English text; a mapping gives it per language."""
    value = as_text(value)
    return {DEFAULT: value} if isinstance(value, str) else value


def _english_required(value: dict[str, Any]) -> dict[str, Any]:
    if DEFAULT not in value:
        others = ", ".join(value) or "none"
        raise ValueError(
            f"needs the English text under {DEFAULT}: (other languages are optional; got {others})"
        )
    return value


def _any_language(value: Any) -> Any:
    """A plain list of aliases holds names in any language."""
    return {Names.ANY: value} if isinstance(value, list | tuple) else value


_Readable = Annotated[str, BeforeValidator(as_text), AfterValidator(readable)]


# One text in one language, at most so many characters; then the text in every language given.
_Title = Annotated[_Readable, Field(min_length=1, max_length=MAX_TITLE)]
_Place = Annotated[_Readable, Field(min_length=1, max_length=MAX_PLACE)]
_GovName = Annotated[_Readable, Field(min_length=1, max_length=MAX_GOVERNMENT_NAME)]
_SrcTitle = Annotated[_Readable, Field(min_length=1, max_length=MAX_SOURCE_TITLE)]
_SrcBy = Annotated[_Readable, Field(min_length=1, max_length=MAX_SOURCE_BY)]
_Note = Annotated[_Readable, Field(min_length=1, max_length=MAX_NOTE)]
_Fact = Annotated[_Readable, Field(min_length=1, max_length=MAX_FACT_TEXT)]
_HistNote = Annotated[_Readable, Field(min_length=1, max_length=MAX_HISTORY_NOTE)]
_EN = BeforeValidator(_languages)
_NEEDS_EN = AfterValidator(_english_required)
TitleText = Annotated[dict[Lang, _Title], _EN, _NEEDS_EN]
PlaceText = Annotated[dict[Lang, _Place], _EN, _NEEDS_EN]
GovernmentName = Annotated[dict[Lang, _GovName], _EN, _NEEDS_EN]
SourceTitle = Annotated[dict[Lang, _SrcTitle], _EN, _NEEDS_EN]
SourceBy = Annotated[dict[Lang, _SrcBy], _EN, _NEEDS_EN]
NoteText = Annotated[dict[Lang, _Note], _EN, _NEEDS_EN]
FactText = Annotated[dict[Lang, _Fact], _EN, _NEEDS_EN]
HistoryNote = Annotated[dict[Lang, _HistNote], _EN, _NEEDS_EN]
Alias = Annotated[_Readable, Field(min_length=1, max_length=MAX_ALIAS)]
AliasList = Annotated[tuple[Alias, ...], Field(max_length=MAX_ALIASES)]
AliasLang = Literal["*", "en", "ru", "hi"]
Aliases = Annotated[dict[AliasLang, AliasList], BeforeValidator(_any_language)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=MAX_URL), AfterValidator(readable)]
ZoneName = Annotated[str, Field(max_length=64)]
Ident = Annotated[str, BeforeValidator(as_text), Field(pattern=ID_PATTERN, max_length=64)]
Day = Annotated[date, BeforeValidator(parse_day)]
Month = Annotated[date, BeforeValidator(parse_month)]


class SourceSpec(_Frozen):
    title: SourceTitle
    by: SourceBy
    date: Day
    url: Url | None = None


class GovernmentSpec(_Frozen):
    name: GovernmentName
    aliases: Aliases = Field(default_factory=dict)


class StatusSpec(_Frozen):
    lifecycle: Lifecycle = Lifecycle.PLANNED
    confirmed_by: Annotated[tuple[Ident, ...], Field(max_length=MAX_EVENT_GOVERNMENTS)] = ()
    source: Ident
    since: Day | None = None


class HistorySpec(_Frozen):
    date: Day
    change: Change
    government: Ident | None = None
    note: HistoryNote | None = None
    source: Ident


class FactSpec(_Frozen):
    id: Ident
    title: TitleText
    text: FactText
    source: Ident
    aliases: Aliases = Field(default_factory=dict)


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
    title: TitleText
    when: WhenSpec
    timezone: ZoneName | None = None
    place: PlaceText | None = None
    governments: Annotated[tuple[Ident, ...], Field(max_length=MAX_EVENT_GOVERNMENTS)] = ()
    host: Ident | None = None
    status: StatusSpec
    note: NoteText | None = None
    source: Ident
    reminders: tuple[str, ...] | None = None
    aliases: Aliases = Field(default_factory=dict)
    history: Annotated[tuple[HistorySpec, ...], Field(max_length=MAX_HISTORY)] = ()

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
            check_leads(value)
        return value


def check_leads(values: Sequence[str]) -> tuple[timedelta, ...]:
    if len(values) > MAX_REMINDERS:
        raise ValueError(f"at most {MAX_REMINDERS} reminders per event (this list has {len(values)})")
    leads = tuple(parse_lead(v) for v in values)
    if len(set(leads)) != len(leads):
        raise ValueError("the same lead time is given twice")
    return leads


class EventsFileSpec(_Frozen):
    """The whole file as written; ``build_catalog`` cross-checks ids and resolves dates."""

    version: Annotated[int, Field(ge=1, le=1)] = 1
    timezone: ZoneName = "UTC"
    reminders: tuple[str, ...] = DEFAULT_REMINDERS
    governments: dict[Ident, GovernmentSpec] = Field(default_factory=dict, max_length=MAX_GOVERNMENTS)
    sources: dict[Ident, SourceSpec] = Field(default_factory=dict, max_length=MAX_SOURCES)
    events: Annotated[tuple[EventSpec, ...], Field(max_length=MAX_EVENTS)]
    facts: Annotated[tuple[FactSpec, ...], Field(max_length=MAX_FACTS)] = ()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        parse_zone(value)
        return value

    @field_validator("reminders")
    @classmethod
    def _reminders(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        check_leads(value)
        return value


# ---------------------------------------------------------------- spec → model


def _localized(texts: Mapping[Lang, str]) -> Localized:
    """English first, then the others in the order the bot lists its languages."""
    return Localized(tuple(sorted(texts.items(), key=lambda pair: SUPPORTED.index(pair[0]))))


def _names(aliases: Mapping[AliasLang, tuple[str, ...]]) -> Names:
    return Names(tuple((lang, tuple(names)) for lang, names in aliases.items()))


def _maybe(texts: Mapping[Lang, str] | None) -> Localized | None:
    return _localized(texts) if texts is not None else None


def untranslated(spec: EventsFileSpec) -> Iterator[tuple[tuple[str | int, ...], tuple[str, ...]]]:
    """Where a text lacks languages (its YAML path, and which), for ``check``'s warnings."""

    def walk(
        value: Any, loc: tuple[str | int, ...]
    ) -> Iterator[tuple[tuple[str | int, ...], tuple[str, ...]]]:
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from walk(getattr(value, name), (*loc, name.rstrip("_")))
        elif isinstance(value, dict) and DEFAULT in value and all(isinstance(v, str) for v in value.values()):
            missing = tuple(lang for lang in SUPPORTED if lang not in value)
            if missing:
                yield loc, missing
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, (*loc, key))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                yield from walk(item, (*loc, i))

    yield from walk(spec, ())


def build_catalog(spec: EventsFileSpec) -> Catalog:
    """Cross-reference checks that need the whole file; each error carries the path of its field."""
    file_zone = parse_zone(spec.timezone)
    default_leads = check_leads(spec.reminders)
    sources = {
        key: Source(key, _localized(s.title), _localized(s.by), s.date, s.url)
        for key, s in spec.sources.items()
    }
    governments = {
        key: Government(key, _localized(g.name), _names(g.aliases)) for key, g in spec.governments.items()
    }

    def source(ref: str, loc: tuple[str | int, ...]) -> Source:
        if ref not in sources:
            raise CrossRefError(loc, f"unknown source {ref!r} (define it under sources:)")
        return sources[ref]

    def government(ref: str, loc: tuple[str | int, ...]) -> Government:
        if ref not in governments:
            raise CrossRefError(loc, f"unknown government {ref!r} (define it under governments:)")
        return governments[ref]

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
        if ev.host is not None and ev.host not in ev.governments:
            raise CrossRefError(
                ("events", i, "host"), f"{ev.host!r} is not in this event's governments (add it there too)"
            )
        if ev.id in seen:
            raise CrossRefError(
                ("events", i, "id"), f"duplicate event id {ev.id!r} (also event #{seen[ev.id] + 1})"
            )
        seen[ev.id] = i
    facts: list[Fact] = []
    for i, fact in enumerate(spec.facts):
        if any(f.id == fact.id for f in facts):
            raise CrossRefError(("facts", i, "id"), f"duplicate fact id {fact.id!r}")
        facts.append(
            Fact(
                fact.id,
                _localized(fact.title),
                _localized(fact.text),
                source(fact.source, ("facts", i, "source")),
                _names(fact.aliases),
            )
        )

    whens: dict[str, When] = {}
    for i, ev in enumerate(spec.events):
        if ev.when.during is None:
            zone = parse_zone(ev.timezone) if ev.timezone else file_zone
            try:
                whens[ev.id] = ev.when.resolve(zone, whens)
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
        host_event = spec.events[seen[ev.when.during]] if ev.when.during is not None else None
        place = ev.place if ev.place is not None or host_event is None else host_event.place
        history = tuple(
            HistoryItem(
                on=h.date,
                change=h.change,
                government=government(h.government, (*loc, "history", j, "government"))
                if h.government
                else None,
                note=_maybe(h.note),
                source=source(h.source, (*loc, "history", j, "source")),
            )
            for j, h in enumerate(ev.history)
        )
        events.append(
            Event(
                id=ev.id,
                title=_localized(ev.title),
                when=whens[ev.id],
                place=_maybe(place),
                governments=tuple(government(g, (*loc, "governments")) for g in ev.governments),
                confirmed_by=tuple(governments[g] for g in ev.status.confirmed_by),
                lifecycle=ev.status.lifecycle,
                status_source=source(ev.status.source, (*loc, "status", "source")),
                status_since=ev.status.since,
                note=_maybe(ev.note),
                source=source(ev.source, (*loc, "source")),
                reminders=check_leads(ev.reminders) if ev.reminders is not None else default_leads,
                aliases=_names(ev.aliases),
                history=history,
                during=ev.when.during,
                host=governments[ev.host] if ev.host is not None else None,
            )
        )
    return Catalog(
        events=tuple(events),
        facts=tuple(facts),
        sources=sources,
        governments=governments,
        zone=file_zone,
    )
