"""Periods named in a question, of any length and relative to the clock, and the events they hold.

"today", "next week", "in the next three months", "within 10 days", "before the end of the year",
"last month", "in December", "on 10 December", "in 2021": each becomes the days it covers, counted
from the reader's today. The words are the language file's (``periods``); the arithmetic is here.
Honest precision: an event known only to the month or a window is "possibly" in a period that
overlaps part of it, and surely in it only when all its possible days are.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from bot.answers.lexicon import Lexicon, Match, Phrase, find_any, key_of
from bot.answers.text import Word
from bot.events import Catalog, Event, Lifecycle
from bot.timeline import DATED, Phase, countdown

Tense = Literal["past", "future"] | None
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_SPAN = 120
"""The largest count taken in "the next N units" (so "the next 5000 years" is not a period)."""


class Kind(StrEnum):
    TODAY = "today"
    TOMORROW = "tomorrow"
    YESTERDAY = "yesterday"
    THIS_WEEK = "this_week"
    NEXT_WEEK = "next_week"
    LAST_WEEK = "last_week"
    THIS_MONTH = "this_month"
    NEXT_MONTH = "next_month"
    LAST_MONTH = "last_month"
    THIS_YEAR = "this_year"
    NEXT_YEAR = "next_year"
    LAST_YEAR = "last_year"
    NEXT_DAYS = "next_days"
    NEXT_WEEKS = "next_weeks"
    NEXT_MONTHS = "next_months"
    NEXT_YEARS = "next_years"
    LAST_DAYS = "last_days"
    LAST_WEEKS = "last_weeks"
    LAST_MONTHS = "last_months"
    LAST_YEARS = "last_years"
    YEAR_END = "year_end"
    MONTH_END = "month_end"
    WEEK_END = "week_end"
    MONTH = "month"
    YEAR = "year"
    DAY = "day"
    UNTIL = "until"


@dataclass(frozen=True)
class Period:
    kind: Kind
    first: date
    last: date
    count: int = 0
    """N of "the next N days"."""

    @property
    def is_past(self) -> bool:
        return self.kind in (
            Kind.YESTERDAY,
            Kind.LAST_WEEK,
            Kind.LAST_MONTH,
            Kind.LAST_YEAR,
            Kind.LAST_DAYS,
            Kind.LAST_WEEKS,
            Kind.LAST_MONTHS,
            Kind.LAST_YEARS,
        )


@dataclass(frozen=True)
class Found:
    period: Period
    at: frozenset[int]


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def _whole_month(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, _month_end(first)


def _relative(which: str, unit: str, today: date, tense: Tense) -> Period:
    """this / next / last week, month or year; "this" counts from today on, or up to today in the past."""
    monday = today - timedelta(days=today.weekday())
    if unit == "day":
        kinds = {"this": Kind.TODAY, "next": Kind.TOMORROW, "last": Kind.YESTERDAY}
        shift = {"this": 0, "next": 1, "last": -1}[which]
        day = today + timedelta(days=shift)
        return Period(kinds[which], day, day)
    if unit == "week":
        if which == "this":
            first, last = (monday, today) if tense == "past" else (today, monday + timedelta(days=6))
            return Period(Kind.THIS_WEEK, first, last)
        start = monday + timedelta(days=7 if which == "next" else -7)
        return Period(Kind.NEXT_WEEK if which == "next" else Kind.LAST_WEEK, start, start + timedelta(days=6))
    if unit == "month":
        if which == "this":
            start, end = _whole_month(today.year, today.month)
            first, last = (start, today) if tense == "past" else (today, end)
            return Period(Kind.THIS_MONTH, first, last)
        other = _add_months(today.replace(day=1), 1 if which == "next" else -1)
        kind = Kind.NEXT_MONTH if which == "next" else Kind.LAST_MONTH
        return Period(kind, *_whole_month(other.year, other.month))
    if which == "this":
        first, last = (
            (date(today.year, 1, 1), today) if tense == "past" else (today, date(today.year, 12, 31))
        )
        return Period(Kind.THIS_YEAR, first, last)
    year = today.year + (1 if which == "next" else -1)
    return Period(Kind.NEXT_YEAR if which == "next" else Kind.LAST_YEAR, date(year, 1, 1), date(year, 12, 31))


def _span(unit: str, n: int, today: date, back: bool) -> Period:
    """The next (or last) n days, weeks, months or years, today included."""
    if unit == "month":
        other = _add_months(today, -n if back else n)
    elif unit == "year":
        other = _add_months(today, -12 * n if back else 12 * n)
    else:
        other = today + timedelta(days=(7 if unit == "week" else 1) * (-n if back else n))
    kinds = {
        ("day", False): Kind.NEXT_DAYS,
        ("week", False): Kind.NEXT_WEEKS,
        ("month", False): Kind.NEXT_MONTHS,
        ("year", False): Kind.NEXT_YEARS,
        ("day", True): Kind.LAST_DAYS,
        ("week", True): Kind.LAST_WEEKS,
        ("month", True): Kind.LAST_MONTHS,
        ("year", True): Kind.LAST_YEARS,
    }
    first, last = (other, today) if back else (today, other)
    return Period(kinds[(unit, back)], first, last, n)


def _month_year(month: int, today: date, tense: Tense) -> int:
    """The year of a month named alone: the nearer of its last and next occurrence, the one the
    question's tense points to counting as three times nearer ("in December" asked in October is
    this December even in "what did they agree in December?")."""
    current = date(today.year, today.month, 1)
    before = date(today.year if month <= today.month else today.year - 1, month, 1)
    after = date(today.year if month >= today.month else today.year + 1, month, 1)
    back, ahead = (current - before).days, (after - current).days
    if tense == "past":
        ahead *= 3
    elif tense == "future":
        back *= 3
    return before.year if back <= ahead else after.year


class _Reader:
    def __init__(self, words: Sequence[Word], lexicon: Lexicon, skip: frozenset[int]) -> None:
        self.words = words
        self.stems = [w.stem for w in words]
        self.lexicon = lexicon
        self.skip = skip

    def phrase(self, phrases: Sequence[Phrase]) -> Match | None:
        return find_any(self.words, phrases, self.skip)

    def unit(self, i: int) -> str | None:
        if not 0 <= i < len(self.words) or i in self.skip:
            return None
        key = key_of(self.words[i])
        if key in self.lexicon.periods.fortnight:
            return "fortnight"
        return next((u for u, keys in self.lexicon.periods.units.items() if key in keys), None)

    def count(self, i: int) -> int | None:
        if not 0 <= i < len(self.words) or i in self.skip:
            return None
        word = self.words[i]
        if word.is_number and word.text.isdigit():
            return int(word.text)
        return self.lexicon.periods.numbers.get(key_of(word))

    def near(self, phrases: Sequence[Phrase], before: int, after: int, at: int) -> Match | None:
        """One of ``phrases`` ending just before ``at`` (up to ``before`` words) or starting just after."""
        found = self.phrase(phrases)
        if found is None:
            return None
        if at - before <= max(found.at) < at or at < found.first <= at + after:
            return found
        return None


def read(
    words: Sequence[Word], lexicon: Lexicon, today: date, tense: Tense, skip: frozenset[int]
) -> Found | None:
    """The period the question names, if any, and which of its words name it."""
    r = _Reader(words, lexicon, skip)
    p = lexicon.periods
    for kind, phrases in ((Kind.TODAY, p.today), (Kind.TOMORROW, p.tomorrow), (Kind.YESTERDAY, p.yesterday)):
        found = r.phrase(phrases)
        if found is None:
            continue
        both = r.phrase(p.yesterday) is not None and r.phrase(p.tomorrow) is not None
        if both and kind is not Kind.TODAY:
            kind = Kind.YESTERDAY if tense == "past" else Kind.TOMORROW
        shift = {Kind.TODAY: 0, Kind.TOMORROW: 1, Kind.YESTERDAY: -1}[kind]
        day = today + timedelta(days=shift)
        return Found(Period(kind, day, day), found.at)
    for kind, phrases in (
        (Kind.YEAR_END, p.year_end),
        (Kind.MONTH_END, p.month_end),
        (Kind.WEEK_END, p.week_end),
    ):
        found = r.phrase(phrases)
        if found is None:
            continue
        if kind is Kind.YEAR_END:
            end = date(today.year, 12, 31)
        elif kind is Kind.MONTH_END:
            end = _month_end(today)
        else:
            end = today + timedelta(days=6 - today.weekday())
        until = r.near(p.until + p.before, 3, 3, found.first)
        return Found(Period(kind, today, end), found.at | (until.at if until else frozenset()))
    for i in range(len(words)):
        unit = r.unit(i)
        if unit is None:
            continue
        n = r.count(i - 1)
        start = i - 1 if n is not None else i
        if unit == "fortnight":
            unit, n = "week", 2 * (n or 1)
        elif n is None and r.near(p.this + p.next + p.last, 2, 0, i) is None:
            # "через месяц", "within the week", "за последний месяц": a span of one, unless a question
            # word counts the unit ("in how many days", "में कितने दिन")
            cue = r.near(p.ahead + p.back, 2, 0, i)
            between = range(max(cue.at) + 1, i) if cue is not None else range(0)
            counted = any(
                r.words[j].text in r.lexicon.wh or r.words[j].text not in r.lexicon.stopwords for j in between
            )
            n = 1 if cue is not None and not counted else None
        if n is not None and 0 < n <= MAX_SPAN:
            back_word = r.near(p.back, 3, 0, start) or r.near(p.ago, 0, 2, i)
            ahead_word = r.near(p.ahead, 3, 0, start) or r.near(p.ahead, 0, 3, i)
            if back_word is not None or ahead_word is not None:
                # "in the last 30 days": the nearer of the two cues says which way
                back = back_word is not None and (
                    ahead_word is None or max(back_word.at) >= max(ahead_word.at)
                )
                used = (
                    {i, start}
                    | set(back_word.at if back_word else ())
                    | set(ahead_word.at if ahead_word else ())
                )
                return Found(_span(unit, n, today, back), frozenset(used))
        for which, phrases in (("this", p.this), ("next", p.next), ("last", p.last)):
            found = r.near(phrases, 2, 0, i)
            if found is not None:
                return Found(_relative(which, unit, today, tense), found.at | {i})
    return _dates(r, today, tense)


def _dates(r: _Reader, today: date, tense: Tense) -> Found | None:
    """A day of a month, a month, or a year, as written ("10 December", "декабря", "2021")."""
    months = r.lexicon.periods.months
    for i, word in enumerate(r.words):
        if i in r.skip or key_of(word) not in months:
            continue
        if word.text in r.lexicon.stopwords and r.count(i - 1) is None and r.count(i + 1) is None:
            continue
        month = months[key_of(word)]
        used = {i}
        year = next(
            (
                int(r.words[j].text)
                for j in (i + 1, i + 2)
                if j < len(r.words)
                and r.words[j].text.isdigit()
                and MIN_YEAR <= int(r.words[j].text) <= MAX_YEAR
            ),
            None,
        )
        if year is not None:
            used |= {j for j in (i + 1, i + 2) if j < len(r.words) and r.words[j].text == str(year)}
        else:
            year = _month_year(month, today, tense)
        first, last = _whole_month(year, month)
        for j in (i - 1, i + 1):
            n = r.count(j)
            if n is not None and 1 <= n <= calendar.monthrange(year, month)[1] and j not in used:
                first = last = date(year, month, n)
                used.add(j)
                break
        at = min(used)
        before = r.near(r.lexicon.periods.before, 3, 0, at) or r.near(
            r.lexicon.periods.before, 0, 2, max(used)
        )
        until = r.near(r.lexicon.periods.until, 3, 0, at) or r.near(r.lexicon.periods.until, 0, 2, max(used))
        if before is not None and first > today:
            return Found(Period(Kind.UNTIL, today, first - timedelta(days=1)), frozenset(used | before.at))
        if until is not None and last >= today:
            return Found(Period(Kind.UNTIL, today, last), frozenset(used | until.at))
        kind = Kind.DAY if first == last else Kind.MONTH
        return Found(Period(kind, first, last), frozenset(used))
    for i, word in enumerate(r.words):
        if i in r.skip or not word.text.isdigit() or len(word.text) != 4:
            continue
        year = int(word.text)
        if MIN_YEAR <= year <= MAX_YEAR:
            return Found(Period(Kind.YEAR, date(year, 1, 1), date(year, 12, 31)), frozenset({i}))
    return None


@dataclass(frozen=True)
class Held:
    """Events in a period: surely in it, and possibly in it (a vague date that only overlaps it)."""

    sure: tuple[Event, ...]
    maybe: tuple[Event, ...]

    def of(self, event: Event) -> Literal["sure", "maybe"] | None:
        if event in self.sure:
            return "sure"
        return "maybe" if event in self.maybe else None


def _order(event: Event) -> tuple[datetime, str]:
    return (event.when.earliest, event.id)


def holding(catalog: Catalog, period: Period, now: datetime, today: date) -> Held:
    """Every event, coming or past, that falls in ``period``; called-off events are left out."""
    sure: list[Event] = []
    maybe: list[Event] = []
    for event in sorted(catalog.events, key=_order):
        if event.lifecycle is Lifecycle.CANCELLED:
            continue
        when = event.when
        coming = countdown(event, now).phase is not Phase.OVER
        first = when.first if when.precision in DATED or not coming else max(when.first, today)
        if when.last < period.first or first > period.last or first > when.last:
            continue
        inside = when.precision in DATED or (period.first <= first and when.last <= period.last)
        (sure if inside else maybe).append(event)
    return Held(tuple(sure), tuple(maybe))
