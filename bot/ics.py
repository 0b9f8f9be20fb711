"""The events as an iCalendar (RFC 5545) feed, so people can follow them in their own calendar app.

Pure: (catalog, now) → text. Unconfirmed events are ``STATUS:TENTATIVE``, called-off ones
``CANCELLED``; UIDs are the event ids, so a calendar app updates an event when its date moves instead of
adding a copy. Dates are only as precise as the file: a month or a window becomes an all-day span, and
only exact or day-precise events carry alarms, following the same lead times as the bot's alerts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from bot import alerts, wording
from bot.events import Catalog, Event, Lifecycle, Precision

PRODID = "-//summitbot//summitbot//EN"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> Iterator[str]:
    """RFC 5545 §3.1: lines longer than 75 octets continue on the next line after a space."""
    chunk = ""
    for char in line:
        if len((chunk + char).encode()) > 75:
            yield chunk
            chunk = " "
        chunk += char
    yield chunk


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(day: date) -> str:
    return day.strftime("%Y%m%d")


def _status(event: Event) -> str:
    if event.lifecycle is Lifecycle.CANCELLED:
        return "CANCELLED"
    confirmed = event.lifecycle is Lifecycle.HELD or (event.governments and not event.unconfirmed)
    return "CONFIRMED" if confirmed else "TENTATIVE"


def _dates(event: Event) -> list[str]:
    when = event.when
    if when.precision is Precision.EXACT and when.at is not None:
        return [f"DTSTART:{_utc(when.at)}", f"DTEND:{_utc(when.at + timedelta(hours=1))}"]
    return [
        f"DTSTART;VALUE=DATE:{_day(when.first)}",
        f"DTEND;VALUE=DATE:{_day(when.last + timedelta(days=1))}",
    ]


def _alarms(event: Event) -> Iterator[str]:
    for alert in alerts.alerts_for(event):
        if alert.kind is alerts.AlertKind.LEAD or alert.kind is alerts.AlertKind.TODAY:
            yield from (
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{_escape(event.title)}",
                f"TRIGGER;VALUE=DATE-TIME:{_utc(alert.moment)}",
                "END:VALARM",
            )


def _event(event: Event, now: datetime) -> Iterator[str]:
    yield from ("BEGIN:VEVENT", f"UID:{event.id}@summitbot", f"DTSTAMP:{_utc(now)}")
    yield from _dates(event)
    yield f"SUMMARY:{_escape(wording.ics_summary(event))}"
    if event.place:
        yield f"LOCATION:{_escape(event.place)}"
    yield f"DESCRIPTION:{_escape(wording.ics_description(event))}"
    yield f"STATUS:{_status(event)}"
    yield from _alarms(event)
    yield "END:VEVENT"


def calendar(catalog: Catalog, now: datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for event in catalog:
        if event.when.precision is not Precision.YEAR:
            lines += _event(event, now)
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))
