"""Dates, times, countdowns and numbers in the reader's language, never more precise than the file.

Babel's CLDR data does the formatting ("5–6 December 2025", "5—6 декабря 2025 г.", "5–6 दिसंबर 2025"):
nothing here uses ``strftime`` or a hand-written plural. Two things live in the catalogs instead,
because CLDR does not carry them: the phrase for "in <month>" (Russian "в ноябре 2025 года" needs the
prepositional case) and counted units ("через 1 минуту": accusative), each language's plural forms
written by its translator.

One voice everywhere: an exact time, a day or a span is stated; a window, a month or a year still to
come is "expected …"; the countdown never repeats the date beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_decimal

from bot.events import Event, Precision, When
from bot.timeline import Countdown, Phase, countdown
from bot.wording.language import Language

_ABBREVIATED_MONTH = re.compile(r"(?<!M)MMM(?!M)")


def number(n: int, lang: Language) -> str:
    return format_decimal(n, locale=lang.locale)


def listing(items: Sequence[str], lang: Language, style: str = "standard") -> str:
    """``India, Russia and China``: CLDR's list pattern (``style="or"`` for alternatives)."""
    return format_list(list(items), style=style, locale=lang.locale) if items else ""  # type: ignore[arg-type]  # Babel's Literal of styles


def day(value: date, lang: Language) -> str:
    """``5 December 2025``."""
    return format_date(value, "long", locale=lang.locale)


def _day_of_month(value: date, lang: Language) -> str:
    """``2 October``: the first end of a range whose year is said once, at its other end."""
    return format_skeleton("MMMMd", value, locale=lang.locale)


def span(first: date, last: date, lang: Language) -> str:
    """``5–6 December 2025``, ``30 November – 2 December 2025``: CLDR's interval, month names in full."""
    if first == last:
        return day(first, lang)
    differs = "y" if first.year != last.year else "M" if first.month != last.month else "d"
    start, end = (
        _ABBREVIATED_MONTH.sub("MMMM", part) for part in lang.locale.interval_formats["yMMMd"][differs]
    )
    return format_date(first, start, locale=lang.locale) + format_date(last, end, locale=lang.locale)


def _combined(local: datetime, date_format: str, lang: Language) -> str:
    pattern = str(lang.locale.datetime_formats["medium"])
    when = format_date(local.date(), date_format, locale=lang.locale)
    return pattern.replace("{1}", when).replace("{0}", format_time(local, "short", locale=lang.locale))


def moment(value: datetime, zone: ZoneInfo, lang: Language) -> str:
    """``Friday, 5 December 2025, 10:30 IST``: the full date, the time and the zone's abbreviation."""
    local = value.astimezone(zone)
    return f"{_combined(local, 'full', lang)} {local.tzname()}"


def short_moment(value: datetime, zone: ZoneInfo, lang: Language) -> str:
    """``5 Dec 2025, 10:30 MSK``: a time repeated in the reader's zone, or when a late alert was due."""
    local = value.astimezone(zone)
    return f"{_combined(local, 'medium', lang)} {local.tzname()}"


def _in_month(first: date, lang: Language) -> str:
    """``in November 2025`` (``в ноябре 2025 года``, ``नवंबर 2025 में``): one msgid per month, so each
    language can inflect the month as its grammar needs."""
    phrases = (
        lang.pgettext("month", "in January {year}"),
        lang.pgettext("month", "in February {year}"),
        lang.pgettext("month", "in March {year}"),
        lang.pgettext("month", "in April {year}"),
        lang.pgettext("month", "in May {year}"),
        lang.pgettext("month", "in June {year}"),
        lang.pgettext("month", "in July {year}"),
        lang.pgettext("month", "in August {year}"),
        lang.pgettext("month", "in September {year}"),
        lang.pgettext("month", "in October {year}"),
        lang.pgettext("month", "in November {year}"),
        lang.pgettext("month", "in December {year}"),
    )
    return phrases[first.month - 1].format(year=first.year)


def _between(when: When, lang: Language) -> str:
    """``between 2 and 31 October 2025``: the month and year said once when both ends share them."""
    first, last = when.first, when.last
    if (first.year, first.month) == (last.year, last.month):
        start = number(first.day, lang)
    elif first.year == last.year:
        start = _day_of_month(first, lang)
    else:
        start = day(first, lang)
    return lang._("between {first} and {last}").format(first=start, last=day(last, lang))


def dates_text(when: When, lang: Language, reader_zone: ZoneInfo | None = None, *, past: bool = False) -> str:
    """The date at exactly the precision the file gives; an exact time also in the reader's zone.

    A window, month or year still to come is "expected …"; once ``past``, it is just when it was.
    """
    if when.precision is Precision.EXACT and when.at is not None:
        text = moment(when.at, when.zone, lang)
        if reader_zone is not None and reader_zone.key != when.zone.key:
            mine = short_moment(when.at, reader_zone, lang)
            text = lang._("{moment} ({mine} your time)").format(moment=text, mine=mine)
        return text
    if when.precision in (Precision.DAY, Precision.SPAN):
        return span(when.first, when.last, lang)
    if when.precision is Precision.WINDOW:
        vague = _between(when, lang)
    elif when.precision is Precision.MONTH:
        vague = _in_month(when.first, lang)
    else:
        vague = lang._("in {year}").format(year=when.first.year)
    return vague if past else lang._("expected {when}").format(when=vague)


def when_text(event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None) -> str:
    """``dates_text`` in the tense the moment requires."""
    return dates_text(event.when, lang, reader_zone, past=is_over(event, now))


def is_over(event: Event, now: datetime) -> bool:
    return countdown(event, now).phase is Phase.OVER


def duration(delta: timedelta, lang: Language) -> str:
    """The two largest units, as a person says it: ``3 days and 4 hours``, ``45 minutes``."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return lang._("less than a minute")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(lang.ngettext("{n} day", "{n} days", days).format(n=number(days, lang)))
    if hours:
        parts.append(lang.ngettext("{n} hour", "{n} hours", hours).format(n=number(hours, lang)))
    if mins:
        parts.append(lang.ngettext("{n} minute", "{n} minutes", mins).format(n=number(mins, lang)))
    return listing(parts[:2], lang, "unit")


def countdown_text(cd: Countdown, lang: Language) -> str:
    """Honest about precision: never hours for a day, never days for a month, never the date again."""
    when = cd.event.when
    dated = when.precision in (Precision.EXACT, Precision.DAY, Precision.SPAN)
    if cd.phase is Phase.OVER:
        if cd.days_max < 0 and dated:
            ago = -cd.days_max
            if ago == 1:
                return lang._("ended yesterday")
            return lang.ngettext("ended {n} day ago", "ended {n} days ago", ago).format(n=number(ago, lang))
        return lang._("over")
    if cd.phase is Phase.UNDER_WAY:
        if when.precision is Precision.SPAN:
            return lang._("under way: day {day} of {days}").format(day=cd.day_of_span, days=cd.span_days)
        return lang._("today") if when.precision is Precision.DAY else lang._("under way")
    if cd.remaining is not None:
        return lang._("in {duration}").format(duration=duration(cd.remaining, lang))
    if dated:
        if cd.days_min == 1:
            return lang._("tomorrow")
        n = cd.days_min
        return lang.ngettext("in {n} day", "in {n} days", n).format(n=number(n, lang))
    if when.precision is Precision.WINDOW:
        if cd.days_min <= 1 and cd.in_current_month and when.last.month == when.first.month:
            return lang._("later this month")
        if cd.days_min <= 0:
            return lang._("any day now")
        return _range(cd.days_min, cd.days_max, lang)
    if when.precision is Precision.MONTH:
        if cd.days_min <= 0:
            return lang._("any day this month")
        return _range(cd.days_min, cd.days_max, lang)
    years = when.first.year - (when.first - timedelta(days=cd.days_min)).year
    if years <= 0:
        return lang._("this year")
    if years == 1:
        return lang._("next year")
    return lang.ngettext("in {n} year", "in {n} years", years).format(n=number(years, lang))


def _range(days_min: int, days_max: int, lang: Language) -> str:
    """``in 4 to 8 weeks``: a vague date's distance in days, weeks or months, as far as it is."""
    if days_max < 14:
        low, high = max(1, days_min), days_max
        text = lang.ngettext("in {low} to {high} day", "in {low} to {high} days", high)
    elif days_max < 120:
        low, high = max(1, days_min // 7), days_max // 7
        text = lang.ngettext("in {low} to {high} week", "in {low} to {high} weeks", high)
    else:
        low, high = max(1, days_min // 30), days_max // 30
        text = lang.ngettext("in {low} to {high} month", "in {low} to {high} months", high)
    return text.format(low=number(low, lang), high=number(high, lang))


def countdown_of(event: Event, now: datetime, lang: Language) -> str:
    return countdown_text(countdown(event, now), lang)


def lead_text(lead: timedelta, lang: Language) -> str:
    """One reminder's lead time in the unit it was given in: ``7 days before``, ``90 minutes before``."""
    minutes = int(lead.total_seconds() // 60)
    if minutes and minutes % (24 * 60) == 0:
        n = minutes // (24 * 60)
        return lang.ngettext("{n} day before", "{n} days before", n).format(n=number(n, lang))
    if minutes and minutes % 60 == 0:
        n = minutes // 60
        return lang.ngettext("{n} hour before", "{n} hours before", n).format(n=number(n, lang))
    return lang.ngettext("{n} minute before", "{n} minutes before", minutes).format(n=number(minutes, lang))
