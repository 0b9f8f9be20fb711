"""Quiet hours: when a chat's alerts wait for the morning, and when they go out silently instead.

The rule (also in README), a pure function of (quiet hours, the chat's zone, the moment a message falls
due, when its event may begin, whether the message can wait):

- outside quiet hours, or for a chat without quiet hours or a zone, a message goes out as planned;
- inside them, one that can wait (a reminder a day or more ahead, a change note) is held until they end,
  unless its event may begin before then; held messages go out together, as one digest;
- any other one (a reminder of hours, a "today" note, anything whose event begins first) goes out on
  time without a sound (``disable_notification``).

Hours are wall-clock times in the chat's zone, so "22:00-07:00" ends at 07:00 local on the night the
clocks change too (eight or ten hours of quiet, not nine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

_HOURS = re.compile(r"\s*(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?\s*")


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Timing:
    """When and how a message goes: at ``due``, held for the digest, or silently."""

    due: datetime
    held: bool = False
    silent: bool = False


@lru_cache(maxsize=1024)  # bounded: /quiet hands it whatever a user typed; stored values are few
def parse(text: str | None) -> QuietHours | None:
    """``22:00-07:00`` (or ``22-7``); None for anything else, an hour out of range or an empty span."""
    found = _HOURS.fullmatch(text or "")
    if found is None:
        return None
    h1, m1, h2, m2 = (int(part or 0) for part in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
        return None
    return QuietHours(time(h1, m1), time(h2, m2))


def quiet_end(hours: QuietHours, zone: ZoneInfo, moment: datetime) -> datetime | None:
    """The end of the quiet hours ``moment`` falls in, None when it falls outside them."""
    local = moment.astimezone(zone)
    wall, day = local.time().replace(tzinfo=None, fold=0), local.date()
    if hours.start < hours.end:
        inside = hours.start <= wall < hours.end
    else:  # across midnight: the evening belongs to the night that ends tomorrow
        inside = wall >= hours.start or wall < hours.end
        if wall >= hours.start:
            day += timedelta(days=1)
    return datetime.combine(day, hours.end, tzinfo=zone) if inside else None


def timing(
    hours: QuietHours | None, zone: ZoneInfo | None, due: datetime, starts: datetime | None, can_wait: bool
) -> Timing:
    """The rule above."""
    if hours is None or zone is None:
        return Timing(due)
    end = quiet_end(hours, zone, due)
    if end is None:
        return Timing(due)
    if can_wait and (starts is None or starts > end):
        return Timing(end, held=True)
    return Timing(due, silent=True)
