"""The events as an iCalendar (RFC 5545) feed, so people can follow them in their own calendar app.

Pure: (catalog, now) → bytes, built with the ``icalendar`` library (escaping, folding and value types
are its job). Unconfirmed events are ``TENTATIVE``, called-off ones ``CANCELLED``; UIDs are the event
ids, so a calendar app updates an event when its date moves instead of adding a copy, and ``SEQUENCE``
(the changes recorded in the event's history) with ``LAST-MODIFIED`` tells it that something changed.
Dates are only as precise as the file: a month or a window becomes an all-day span, and only exact or
day-precise events carry alarms, at the same moments as the bot's alerts.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import icalendar

from bot import alerts
from bot.events import Catalog, Change, Event, Lifecycle, Precision
from bot.wording import operator
from bot.wording.language import ENGLISH, Language
from bot.wording.status import text

PRODID = "-//summitbot//summitbot//EN"
UID_DOMAIN = "summitbot"
EXACT_LENGTH = timedelta(hours=1)


def uid(event: Event) -> str:
    return f"{event.id}@{UID_DOMAIN}"


def _status(event: Event) -> str:
    if event.lifecycle is Lifecycle.CANCELLED:
        return "CANCELLED"
    confirmed = event.lifecycle is Lifecycle.HELD or (event.governments and not event.unconfirmed)
    return "CONFIRMED" if confirmed else "TENTATIVE"


def _sequence(event: Event) -> int:
    """Each change recorded in the history (a first report is not a change) bumps the revision."""
    return sum(1 for item in event.history if item.change is not Change.REPORTED)


def _last_modified(event: Event) -> datetime:
    days = [event.status_source.date, *(item.on for item in event.history)]
    if event.status_since is not None:
        days.append(event.status_since)
    return datetime.combine(max(days), time(), tzinfo=UTC)


def _alarm(event: Event, moment: datetime, lang: Language) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text(event.title, lang))
    alarm.add("trigger", moment.astimezone(UTC), parameters={"VALUE": "DATE-TIME"})
    return alarm


def _event(event: Event, now: datetime, lang: Language) -> icalendar.Event:
    when = event.when
    entry = icalendar.Event()
    entry.add("uid", uid(event))
    entry.add("dtstamp", now.astimezone(UTC))
    entry.add("last-modified", _last_modified(event))
    entry.add("sequence", _sequence(event))
    if when.precision is Precision.EXACT and when.at is not None:
        entry.add("dtstart", when.at.astimezone(UTC))
        entry.add("dtend", (when.at + EXACT_LENGTH).astimezone(UTC))
    else:
        entry.add("dtstart", when.first)
        entry.add("dtend", when.last + timedelta(days=1))
    entry.add("summary", operator.ics_summary(event, now, lang))
    if event.place is not None:
        entry.add("location", text(event.place, lang))
    entry.add("description", operator.ics_description(event, now, lang))
    entry.add("status", _status(event))
    for alert in alerts.alerts_for(event):
        if alert.kind in (alerts.AlertKind.LEAD, alerts.AlertKind.TODAY):
            entry.add_component(_alarm(event, alert.moment, lang))
    return entry


def listed(catalog: Catalog) -> list[Event]:
    """A year alone is too vague for a calendar, which needs a day: such events stay out of the feed."""
    return [event for event in catalog if event.when.precision is not Precision.YEAR]


def count(catalog: Catalog) -> int:
    return len(listed(catalog))


def calendar(catalog: Catalog, now: datetime, lang: Language = ENGLISH) -> bytes:
    """The feed in ``lang``: titles, places and descriptions as a reader of that language sees them."""
    feed = icalendar.Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    for event in listed(catalog):
        feed.add_component(_event(event, now, lang))
    return bytes(feed.to_ical())
