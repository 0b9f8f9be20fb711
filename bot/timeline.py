"""Where each event stands at a given moment: pure functions of (catalog, now).

Nothing here formats text; ``bot.wording`` turns these values into sentences, so the arithmetic and
the language can change independently (and the arithmetic can be tested without either).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from bot.events import Catalog, Event, Lifecycle, Precision

DATED = (Precision.EXACT, Precision.DAY, Precision.SPAN)


class Phase(StrEnum):
    UPCOMING = "upcoming"
    UNDER_WAY = "under_way"
    OVER = "over"


@dataclass(frozen=True)
class Countdown:
    """How far away an event is, holding only as much precision as its date has.

    ``days_min``/``days_max`` count calendar days in the event's zone to its first and last possible
    day; ``remaining`` is set only for an exact time, the one case where hours and minutes are honest.
    """

    event: Event
    phase: Phase
    days_min: int
    days_max: int
    remaining: timedelta | None
    in_current_month: bool
    day_of_span: int
    span_days: int


def countdown(event: Event, now: datetime) -> Countdown:
    when = event.when
    today = now.astimezone(when.zone).date()
    if now >= when.end or event.lifecycle is Lifecycle.HELD:
        phase = Phase.OVER
    elif now >= when.latest_start and when.precision in DATED:
        phase = Phase.UNDER_WAY
    else:
        phase = Phase.UPCOMING
    exact = when.at is not None and phase is Phase.UPCOMING
    return Countdown(
        event=event,
        phase=phase,
        days_min=(when.first - today).days,
        days_max=(when.last - today).days,
        remaining=(when.at.astimezone(UTC) - now.astimezone(UTC)) if exact and when.at is not None else None,
        in_current_month=(when.first.year, when.first.month) == (today.year, today.month),
        day_of_span=(today - when.first).days + 1,
        span_days=(when.last - when.first).days + 1,
    )


def _order(event: Event) -> tuple[datetime, datetime, bool, str]:
    """Soonest first; an event dated ``during`` another comes after the one it happens during."""
    return (event.when.earliest, event.when.latest_start, event.during is not None, event.id)


def upcoming(catalog: Catalog, now: datetime) -> list[Event]:
    """Events still expected (planned or postponed) and not yet over, soonest first."""
    return sorted((e for e in catalog if e.is_active and now < e.when.end), key=_order)


def recent(catalog: Catalog, now: datetime, limit: int = 5) -> list[Event]:
    """Events that are over, held or called off, latest first."""
    past = [e for e in catalog if not e.is_active or now >= e.when.end]
    return sorted(past, key=lambda e: (e.when.end, e.id), reverse=True)[:limit]


@dataclass(frozen=True)
class NextUp:
    """The next event with a known date, and the vaguer ones that may come before it.

    A month-only or "later this month" event cannot honestly be called *the* next one, yet it may
    happen first; so it is listed beside the next dated event instead of hiding it.
    """

    event: Event
    maybe_before: tuple[Event, ...]


def next_up(catalog: Catalog, now: datetime) -> NextUp | None:
    events = upcoming(catalog, now)
    if not events:
        return None
    dated = [e for e in events if e.when.precision in DATED]
    chosen = dated[0] if dated else events[0]
    before = tuple(
        e
        for e in events
        if e is not chosen and e.when.earliest < chosen.when.earliest and e.when.precision not in DATED
    )
    return NextUp(chosen, before)
