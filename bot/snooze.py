"""Snooze: the "remind me again" buttons under every alert, as a pure function of the event and the time.

The options (also in README), each offered only while it is still ahead and before the event may begin
(``When.latest_start``), and only when the event's precision gives it a meaning:

============== ================================ ===== ========= ==============
option         moment                           exact day/span month/window
============== ================================ ===== ========= ==============
in 3 hours     now + 3 h                        yes   yes       yes
tomorrow 09:00 09:00 tomorrow in the chat's zone yes   yes       yes
1 day before   start − 1 day (a day: 09:00)     yes   yes       no
1 hour before  start − 1 h                      yes   no        no
============== ================================ ===== ========= ==============

Pressing one writes a reminder to the outbox under ``snooze/<event>/<moment>``: pressing it again, or on
another replica, or after a restart, still sends it once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.events import Event, Lifecycle, Precision, midnight
from bot.wording import notices
from bot.wording.language import Language

MORNING = time(9)
LATER = timedelta(hours=3)
CALLBACK_LIMIT = 64
"""Bytes of ``callback_data`` Telegram accepts."""
SNOOZE = "snooze/"


class Option(StrEnum):
    LATER = "3h"
    TOMORROW = "tm"
    DAY_BEFORE = "1d"
    HOUR_BEFORE = "1h"


@dataclass(frozen=True)
class Snooze:
    option: Option
    at: datetime


def _candidates(event: Event, now: datetime, zone: ZoneInfo) -> list[Snooze]:
    when = event.when
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    found = [
        Snooze(Option.LATER, now + LATER),
        Snooze(Option.TOMORROW, datetime.combine(tomorrow, MORNING, tzinfo=zone)),
    ]
    if when.precision is Precision.EXACT and when.at is not None:
        start = when.at.astimezone(UTC)
        found += [
            Snooze(Option.DAY_BEFORE, start - timedelta(days=1)),
            Snooze(Option.HOUR_BEFORE, start - timedelta(hours=1)),
        ]
    elif when.precision in (Precision.DAY, Precision.SPAN):
        eve = midnight(when.first, when.zone).date() - timedelta(days=1)
        found.append(Snooze(Option.DAY_BEFORE, datetime.combine(eve, MORNING, tzinfo=when.zone)))
    return found


def options(event: Event, alert_moment: datetime, now: datetime, zone: ZoneInfo | None) -> list[Snooze]:
    """The options still ahead of ``now`` (no earlier than the alert's moment) and before the event may
    begin; the same moment is offered once. ``zone``: the chat's, else the event's."""
    if event.when.precision is Precision.YEAR:
        return []
    base = max(alert_moment, now)
    horizon = event.when.latest_start
    seen: set[datetime] = set()
    kept: list[Snooze] = []
    for each in _candidates(event, base, zone or event.when.zone):
        if base < each.at < horizon and each.at not in seen:
            seen.add(each.at)
            kept.append(each)
    return kept


def handle(event_id: str) -> str:
    """A short name of an event for a button: its id, or ``#`` and a digest when the id is too long."""
    if len(event_id.encode()) <= CALLBACK_LIMIT - 8:
        return event_id
    return "#" + hashlib.sha256(event_id.encode()).hexdigest()[:16]


def resolve(ref: str, known: set[str] | list[str]) -> str | None:
    """The event id a button's handle names, among the ids ``known`` (the file's, the chat's follows)."""
    if not ref.startswith("#"):
        return ref
    return next((event_id for event_id in known if handle(event_id) == ref), None)


def callback(option: Option, event_id: str) -> str:
    return f"z:{option.value}:{handle(event_id)}"


def key(event_id: str, at: datetime) -> str:
    return f"{SNOOZE}{event_id}/{at.astimezone(UTC):%Y%m%dT%H%MZ}"


def parse(key: str) -> tuple[str, datetime] | None:
    """The event id and moment of a snoozed reminder's outbox key; None for any other key."""
    if not key.startswith(SNOOZE):
        return None
    event_id, _, moment = key.removeprefix(SNOOZE).rpartition("/")
    try:
        at = datetime.strptime(moment, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return (event_id, at) if event_id else None


def still_true(event: Event | None, at: datetime) -> bool:
    """Whether a reminder snoozed to ``at`` may still go out: the event is in the file, still planned,
    and cannot have begun by then (an edit may have moved it earlier or called it off)."""
    return event is not None and event.lifecycle is Lifecycle.PLANNED and at < event.when.latest_start


def markup(
    event: Event, alert_moment: datetime, now: datetime, lang: Language, zone: ZoneInfo | None
) -> str | None:
    """An alert's buttons as Bot API JSON (stored with the outbox row), None when no option is left."""
    offered = options(event, alert_moment, now, zone)
    if not offered:
        return None
    buttons = [
        {"text": notices.snooze_label(s.option.value, lang), "callback_data": callback(s.option, event.id)}
        for s in offered
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]  # two a row fit a phone's width
    return json.dumps({"inline_keyboard": rows}, ensure_ascii=False)
