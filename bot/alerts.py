"""The alert plan: which reminders each event gets, and when, as a pure function of the catalog.

A lead time is only honest when the date is precise enough for it. The rule (also in README):

- an exact time gets every lead time, measured in absolute time before it;
- a day or a multi-day span gets its lead times of a day or more at 09:00 (event's zone) that many
  days before the first day; shorter lead times become one "today" note at 08:00 on the first day;
- a month-only event gets one "expected this month" note at 09:00 on the month's first day;
- a window ("later this month") gets one "expected from today" note at 09:00 on its first day;
- a year-only, held, cancelled or postponed event gets none (there is no date worth waking anyone for),
  and so does an event whose ``reminders`` is empty.

Each alert expires when it stops being useful (the event began, the day or month ended); the
delivery side sends a missed alert late only before it expires.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from bot.events import Catalog, Event, Lifecycle, Precision, format_lead, midnight

NOTE_HOUR = time(9)
TODAY_HOUR = time(8)
ONE_DAY = timedelta(days=1)


class AlertKind(StrEnum):
    LEAD = "lead"
    TODAY = "today"
    MONTH = "month"
    WINDOW = "window"


@dataclass(frozen=True)
class PlannedAlert:
    event: Event
    kind: AlertKind
    lead: timedelta | None
    moment: datetime
    expires: datetime

    @property
    def key(self) -> str:
        """Stable across restarts and reloads; a moved date gives a new key, so it is alerted anew."""
        lead = format_lead(self.lead) if self.lead is not None else "-"
        return f"{self.event.id}/{self.kind}/{lead}/{self.moment.astimezone(UTC):%Y%m%dT%H%MZ}"

    def is_due(self, now: datetime) -> bool:
        return self.moment <= now < self.expires


def _at(day: date, hour: time, event: Event) -> datetime:
    return datetime.combine(day, hour, tzinfo=event.zone)


def alerts_for(event: Event) -> Iterator[PlannedAlert]:
    if event.lifecycle is not Lifecycle.PLANNED or not event.reminders:
        return
    when = event.when
    if when.precision is Precision.EXACT and when.at is not None:
        start = when.at.astimezone(UTC)  # same-zone subtraction would count wall-clock hours across DST
        for lead in event.reminders:
            yield PlannedAlert(event, AlertKind.LEAD, lead, (start - lead).astimezone(when.zone), when.at)
    elif when.precision in (Precision.DAY, Precision.SPAN):
        start = midnight(when.first, when.zone)
        whole_days = sorted({lead // ONE_DAY for lead in event.reminders if lead >= ONE_DAY}, reverse=True)
        for days in whole_days:
            yield PlannedAlert(
                event,
                AlertKind.LEAD,
                timedelta(days=days),
                _at(when.first - timedelta(days=days), NOTE_HOUR, event),
                start,
            )
        if any(lead < ONE_DAY for lead in event.reminders):
            yield PlannedAlert(
                event,
                AlertKind.TODAY,
                None,
                _at(when.first, TODAY_HOUR, event),
                midnight(when.first + ONE_DAY, when.zone),
            )
    elif when.precision is Precision.MONTH:
        yield PlannedAlert(event, AlertKind.MONTH, None, _at(when.first, NOTE_HOUR, event), when.end)
    elif when.precision is Precision.WINDOW:
        yield PlannedAlert(event, AlertKind.WINDOW, None, _at(when.first, NOTE_HOUR, event), when.end)


def plan(catalog: Catalog | Iterable[Event]) -> list[PlannedAlert]:
    """Every alert of every event, in the order they fall due."""
    return sorted(
        (a for event in catalog for a in alerts_for(event)), key=lambda a: (a.moment, a.event.id, a.kind)
    )


def pending(alerts: Iterable[PlannedAlert], now: datetime) -> list[PlannedAlert]:
    """Alerts still ahead of ``now``."""
    return [a for a in alerts if a.moment > now]


def due(alerts: Iterable[PlannedAlert], now: datetime) -> list[PlannedAlert]:
    """Alerts whose moment has come and which are still worth sending."""
    return [a for a in alerts if a.is_due(now)]


def next_moment(alerts: Iterable[PlannedAlert], now: datetime) -> datetime | None:
    return min((a.moment for a in alerts if a.moment > now), default=None)
