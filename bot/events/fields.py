"""The values an operator writes in the events file, read strictly: dates, zones, lead times, text.

Each parser names the accepted form in its error, because the operator reads that error in a hurry,
as news breaks. The limits below keep whatever the check accepts within what the bot can compute,
print and fit into one Telegram message.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_LEAD = re.compile(r"^([0-9]+)([wdhm])$")  # ASCII digits only: int() would also read "７"
_LEAD_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


class WrittenInt(int):
    """A YAML integer that remembers how it was written, for where text is wanted (``01`` ≠ ``1``)."""

    written: str


class WrittenFloat(float):
    written: str


def as_text(value: Any) -> Any:
    """YAML turns bare numbers into non-strings; titles, notes and ids are text, exactly as written."""
    if isinstance(value, WrittenInt | WrittenFloat):
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
    """An IANA zone in any case (``asia/kolkata``), kept under its own name: zone files are looked up
    by path, so without this the same events file would load on macOS and be refused on Linux."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected an IANA time zone such as Asia/Kolkata, got {value!r}")
    name = _zone_names().get(value.strip().lower(), value.strip())
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory of zones
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Kolkata)") from None


@functools.cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


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


def printable(text: str) -> str:
    """``text`` safe to print to a terminal or a log: no control codes, no half surrogates."""
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in text)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes" if not (moment.second or moment.microsecond) else "auto")


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])
