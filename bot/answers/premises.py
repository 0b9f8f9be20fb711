"""What a question takes for granted, checked against the file before anything else is said.

"Why was the visit called off?" (a status), "since Moscow confirmed it, …" (a confirmation), "is the
summit in Moscow?" (a place), "so the deficit is about $60 billion?" (a figure): each is compared with
what the file says, and a false one is corrected first. Dates a question assumes are periods
(``bot.answers.periods``) and are checked the same way by ``bot.answers.compose``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.answers.intents import Reading
from bot.answers.passages import Index
from bot.answers.text import number, words
from bot.events import Event, Fact, Government, Lifecycle
from bot.wording import answers as say
from bot.wording.language import Language

FigureVerdict = Literal["same", "other", "none"]
PlaceVerdict = Literal["same", "other", "unknown"]
YEARS = range(1900, 2201)


def status(reading: Reading, event: Event, lang: Language) -> str | None:
    """ "Why was it called off?" of an event the file still expects."""
    if reading.cancelled and event.lifecycle is not Lifecycle.CANCELLED:
        return say.not_called_off_html(event, lang)
    if reading.postponed and event.lifecycle not in (Lifecycle.POSTPONED, Lifecycle.CANCELLED):
        return say.not_postponed_html(event, lang)
    return None


def confirmation(reading: Reading, event: Event, named: Sequence[Government], lang: Language) -> list[str]:
    """ "Since Moscow confirmed it, …": each government said to have confirmed that has not."""
    if not reading.confirm_at or event.lifecycle is not Lifecycle.PLANNED:
        return []
    if named:
        return [say.not_confirmed_by_html(g, lang) for g in named if g not in event.confirmed_by]
    return [say.not_confirmed_html(event, lang)] if event.unconfirmed else []


def _figures(text: str) -> set[float]:
    """The amounts a text states, years aside."""
    values = {number(w) for w in words(text, limit=10_000)}
    return {v for v in values if v is not None and not (v.is_integer() and int(v) in YEARS)}


@dataclass(frozen=True)
class Figure:
    verdict: FigureVerdict
    fact: Fact


def figure(reading: Reading, facts: Sequence[Fact], lang: Language) -> Figure | None:
    """ "So the deficit is about $60 billion?": the figure compared with those the named facts state.

    Of facts the question names about equally, the one stating that very figure is the one meant."""
    claimed = {v for v in reading.numbers if not (v.is_integer() and int(v) in YEARS)}
    if not reading.money or not claimed or not facts:
        return None
    for fact in facts:
        if claimed & _figures(fact.text.in_(lang.code)) or claimed & _figures(fact.text.en):
            return Figure("same", fact)
    first = facts[0]
    return Figure("other" if _figures(first.text.en) else "none", first)


@dataclass(frozen=True)
class Place:
    verdict: PlaceVerdict
    at: frozenset[int]


def place(reading: Reading, event: Event, index: Index) -> Place | None:
    """ "Is the summit in Moscow?": the place named after "in" against the event's, by the governments
    the file's names tie them to (New Delhi and Delhi are India's)."""
    if event.place is None:
        return None
    stems = reading.stems
    own = {tuple(w.stem for w in words(text)) for _, text in event.place.texts}
    governments = {
        i: phrases for i, phrases in enumerate(index.names) if isinstance(index.subjects[i], Government)
    }

    def government_of(phrase: tuple[str, ...]) -> int | None:
        return next((i for i, phrases in governments.items() if phrase in phrases), None)

    home = {g for phrase in own if (g := government_of(phrase)) is not None}
    if event.host is not None:
        home |= {i for i in governments if index.subjects[i] == event.host}
    for start in reading.place_at:
        for size in (3, 2, 1):
            phrase = tuple(stems[start : start + size])
            if len(phrase) < size:
                continue
            at = frozenset(range(start, start + size))
            if phrase in own:
                return Place("same", at)
            named = government_of(phrase)
            if named is not None:
                return Place("same" if named in home else "other", at)
        if start in reading.unknown and len(reading.words[start].text) >= 3:
            return Place("unknown", frozenset({start}))
    return None
