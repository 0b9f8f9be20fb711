"""The words each language asks with (``bot/data/answers/<lang>.yaml``), ready to compare.

Data, not code: a question word, an intent's cue, a period word or a premise cue is an entry of the
language's file, read here exactly as a question is (``bot.answers.text``). A word of an entry is
compared by its stem, so one entry covers its inflections ("подтвердил", "подтвердила"); a stopword of
the language is compared as written, since stemming would join words that only look alike (Hindi
"क्या", what, and "क्यों", why, share the stem "क्य"). Patterns are phrases whose words come in order
with at most ``GAP`` other words between them; ``@name`` stands for any phrase of the concept ``name``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.answers.text import Word, normalise, stem, words

LANGUAGES = ("en", "ru", "hi")
GAP = 2
"""Other words allowed between two words of a phrase: "who has signed off" is "who … signed off"."""
WRITTEN = "="
"""Marks a phrase word compared as written rather than by its stem."""
MIN_STEM = 3


def key_of(word: Word) -> str:
    """How a period word is looked up: by stem, or as written when the stem is very short."""
    return word.stem if len(word.stem) >= MIN_STEM else WRITTEN + word.text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _Intent(_Strict):
    intent: str
    patterns: list[str] = Field(min_length=1)


class _YesNo(_Strict):
    openers: list[str] = []
    tags: list[str] = []
    particles: list[str] = []
    wh: list[str] = []


class _Tense(_Strict):
    past: list[str] = []
    future: list[str] = []
    past_endings: list[str] = []
    future_endings: list[str] = []


class _Premises(_Strict):
    cancelled: list[str]
    postponed: list[str]
    first: list[str] = []
    since: list[str] = []
    assume: list[str]
    money: list[str]
    place_before: list[str]
    place_after: list[str]


class _Units(_Strict):
    day: list[str]
    week: list[str]
    month: list[str]
    year: list[str]


class _Periods(_Strict):
    today: list[str]
    tomorrow: list[str]
    yesterday: list[str]
    this: list[str]
    next: list[str]
    last: list[str]
    ahead: list[str]
    back: list[str]
    ago: list[str]
    year_end: list[str]
    month_end: list[str]
    week_end: list[str]
    before: list[str]
    until: list[str]
    units: _Units
    fortnight: list[str]
    months: list[list[str]] = Field(min_length=12, max_length=12)
    numbers: dict[int, list[str]]


class _Precision(_Strict):
    time: list[str] = []
    day: list[str] = []


class _Romanized(_Strict):
    stopwords: list[str]
    fillers: list[str]
    tense: _Tense
    concepts: dict[str, list[str]]
    intents: list[_Intent]
    yes_no: _YesNo
    precision: _Precision = _Precision()
    markers: list[str]


class _File(_Strict):
    stopwords: list[str]
    fillers: list[str]
    irregular: dict[str, str]
    variants: dict[str, str] = {}
    synonyms: dict[str, str]
    tense: _Tense
    concepts: dict[str, list[str]]
    intents: list[_Intent]
    expand: dict[str, list[str]]
    yes_no: _YesNo
    anything: list[str]
    premises: _Premises
    precision: _Precision = _Precision()
    asked_for: list[str] = []
    periods: _Periods
    romanized: _Romanized | None = None


Phrase = tuple[str, ...]
"""A phrase: the stem of each of its words, or ``=`` and the word as written."""
Pattern = tuple[tuple[Phrase, ...], ...]
"""A pattern: one element after another, each any of its phrases."""


def same(word: Word, key: str) -> bool:
    """Whether a question's word is a phrase's word."""
    if key.startswith(WRITTEN) and len(key) > 1:
        return word.text == key[1:]
    return word.stem == key


@dataclass(frozen=True)
class Match:
    """Where a pattern occurred: the indices of the question's words it used."""

    at: frozenset[int]

    @property
    def first(self) -> int:
        return min(self.at)


def _match_phrase(said: Sequence[Word], phrase: Phrase, start: int, skip: frozenset[int]) -> list[int] | None:
    """The phrase's words from ``start`` on, each within GAP words of the previous one."""
    used: list[int] = []
    position = start
    for i, key in enumerate(phrase):
        window = range(position, min(len(said), position + (1 if i == 0 else GAP + 1)))
        hit = next((j for j in window if j not in skip and same(said[j], key)), None)
        if hit is None:
            return None
        used.append(hit)
        position = hit + 1
    return used


def keys_of(said: Sequence[Word]) -> frozenset[str]:
    """Every way the question's words can be looked up, to skip at once the phrases it cannot hold."""
    return frozenset(w.stem for w in said) | frozenset(WRITTEN + w.text for w in said)


@cache
def _needs(pattern: Pattern) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(phrase[0] for phrase in element) for element in pattern)


def find(
    said: Sequence[Word],
    pattern: Pattern,
    skip: frozenset[int] = frozenset(),
    keys: frozenset[str] | None = None,
) -> Match | None:
    """The earliest occurrence of ``pattern`` among the question's words, leaving out ``skip``."""
    if keys is not None and not all(need & keys for need in _needs(pattern)):
        return None

    def rest(element: int, position: int, first: bool) -> list[int] | None:
        if element == len(pattern):
            return []
        end = len(said) if first else min(len(said), position + GAP + 1)
        for start in range(position, end):
            for phrase in pattern[element]:
                used = _match_phrase(said, phrase, start, skip)
                if used is None:
                    continue
                tail = rest(element + 1, used[-1] + 1, False)
                if tail is not None:
                    return used + tail
        return None

    found = rest(0, 0, True)
    return Match(frozenset(found)) if found else None


def find_any(
    said: Sequence[Word], phrases: Iterable[Phrase], skip: frozenset[int] = frozenset()
) -> Match | None:
    """The longest of ``phrases`` that occurs (earliest among equals)."""
    best: Match | None = None
    for phrase in phrases:
        found = find(said, ((phrase,),), skip)
        if found is not None and (
            best is None or (len(found.at), -found.first) > (len(best.at), -best.first)
        ):
            best = found
    return best


def occurrences(
    said: Sequence[Word], phrases: Iterable[Phrase], skip: frozenset[int] = frozenset()
) -> set[int]:
    """Every word any occurrence of any of ``phrases`` uses, its words in a row."""
    used: set[int] = set()
    keys = keys_of(said)
    for phrase in phrases:
        if phrase[0] not in keys:
            continue
        size = len(phrase)
        for i in range(len(said) - size + 1):
            span = set(range(i, i + size))
            if not span & skip and all(same(said[i + k], key) for k, key in enumerate(phrase)):
                used |= span
    return used


@dataclass(frozen=True)
class Periods:
    today: tuple[Phrase, ...]
    tomorrow: tuple[Phrase, ...]
    yesterday: tuple[Phrase, ...]
    this: tuple[Phrase, ...]
    next: tuple[Phrase, ...]
    last: tuple[Phrase, ...]
    ahead: tuple[Phrase, ...]
    back: tuple[Phrase, ...]
    ago: tuple[Phrase, ...]
    year_end: tuple[Phrase, ...]
    month_end: tuple[Phrase, ...]
    week_end: tuple[Phrase, ...]
    before: tuple[Phrase, ...]
    """Before a date, not on it ("before December")."""
    until: tuple[Phrase, ...]
    """Up to and with a date ("by the end of November")."""
    units: dict[str, frozenset[str]]
    fortnight: frozenset[str]
    months: dict[str, int]
    numbers: dict[str, int]


@dataclass(frozen=True)
class Lexicon:
    """One language's words, ready to compare: what ``bot.answers.intents`` reads a question with."""

    code: str
    stopwords: frozenset[str]
    """As written: "значит" is a stopword, "значение" (the same stem) is not."""
    stopword_stems: frozenset[str]
    fillers: tuple[Phrase, ...]
    """As written: "visiting" says nothing, "visit" names the summit."""
    irregular: dict[str, str]
    variants: dict[str, str]
    """Colloquial or misspelt question words → the word meant, as written ("када" → "когда")."""
    synonyms: tuple[tuple[Phrase, str], ...]
    """A question's phrase → the stem of the events file's word for it ("in touch" → "contact")."""
    past: tuple[Phrase, ...]
    """Past-tense words, as written: "happened" is past, "happening" (the same stem) is not."""
    future: tuple[Phrase, ...]
    past_endings: tuple[str, ...]
    future_endings: tuple[str, ...]
    intents: tuple[tuple[str, tuple[Pattern, ...]], ...]
    expand: dict[str, tuple[str, ...]]
    openers: frozenset[str]
    tags: tuple[Phrase, ...]
    particles: frozenset[str]
    wh: frozenset[str]
    """Question words, as written."""
    anything: tuple[Phrase, ...]
    cancelled: tuple[Phrase, ...]
    postponed: tuple[Phrase, ...]
    assume: tuple[Phrase, ...]
    first: tuple[Phrase, ...]
    """A claim that something happens for the first time ("first visit", "впервые")."""
    since: tuple[Phrase, ...]
    """"Since" or "after": a first since a moment is no claim about everything before it."""
    asked_time: tuple[Phrase, ...]
    """Asking for the time of day ("what time", "во сколько")."""
    asked_day: tuple[Phrase, ...]
    """Asking for the exact day ("exact date", "какого числа")."""
    asked_for: tuple[Phrase, ...]
    """Words asking for a kind of information (a deal, a percentage, a price, a number of people): an
    answer that does not contain the word does not give it."""
    money: frozenset[str]
    place_before: frozenset[str]
    place_after: frozenset[str]
    periods: Periods
    vocabulary: dict[str, str]
    """Every word the entries use, as written → its stem: what a misspelt question word is pulled to."""
    cue_stems: frozenset[str] = field(default=frozenset())
    """Stems of the entries' words other than stopwords."""
    markers: frozenset[str] = field(default=frozenset())
    """Words only Hinglish uses, as written (the romanized lexicon only)."""

    def words(self, text: str) -> list[Word]:
        """The text's words, a colloquial or misspelt question word read as the word meant."""
        said = words(text, self.irregular)
        if not self.variants:
            return said
        return [
            replace(w, text=meant, stem=stem(self.irregular.get(meant, meant)))
            if (meant := self.variants.get(w.text)) is not None
            else w
            for w in said
        ]


class _Reader:
    """Turns a file's entries into phrases, knowing its stopwords and irregular forms."""

    def __init__(self, stopwords: Iterable[str], irregular: dict[str, str]) -> None:
        self.stopwords = frozenset(w.text for text in stopwords for w in words(text))
        self.irregular = irregular

    def phrase(self, text: str) -> Phrase:
        """Stems, but stopwords and words whose stem is too short to tell apart as written (Hindi "नए",
        new, stems to "न" like "ने")."""
        return tuple(
            WRITTEN + w.text if w.text in self.stopwords or len(w.stem) < MIN_STEM else w.stem
            for w in words(text, self.irregular)
            if w.stem
        )

    def phrases(self, texts: Iterable[str]) -> tuple[Phrase, ...]:
        return tuple(dict.fromkeys(p for p in (self.phrase(t) for t in texts) if p))

    def written(self, texts: Iterable[str]) -> tuple[Phrase, ...]:
        return tuple(
            dict.fromkeys(p for p in (tuple(WRITTEN + w.text for w in words(t)) for t in texts) if p)
        )

    def stems(self, texts: Iterable[str]) -> frozenset[str]:
        return frozenset(w.stem for text in texts for w in words(text, self.irregular) if w.stem)

    def keys(self, texts: Iterable[str]) -> frozenset[str]:
        """Each word by its stem, or as written when the stem is too short to tell words apart
        (Hindi "मई", May, and "में", in, both stem to "म")."""
        return frozenset(
            w.stem if len(w.stem) >= MIN_STEM else WRITTEN + w.text
            for text in texts
            for w in words(text, self.irregular)
            if w.stem
        )

    def texts(self, texts: Iterable[str]) -> frozenset[str]:
        return frozenset(w.text for text in texts for w in words(text))

    def pattern(self, text: str, concepts: dict[str, tuple[Phrase, ...]]) -> Pattern:
        """``@name`` is any phrase of a concept; ``=word`` is the word as written, never another form
        of it ("=happened" is not "happens")."""
        elements: list[tuple[Phrase, ...]] = []
        for part in text.split():
            if part.startswith("@"):
                elements.append(concepts[part[1:]])
            elif part.startswith(WRITTEN) and len(part) > 1:
                elements += [(tuple(WRITTEN + w.text for w in words(part[1:])),)]
            else:
                elements += [(p,) for p in [self.phrase(part)] if p]
        return tuple(elements)

    def intents(
        self, specs: Iterable[_Intent], concepts: dict[str, list[str]]
    ) -> tuple[tuple[str, tuple[Pattern, ...]], ...]:
        named = {name: self.phrases(texts) for name, texts in concepts.items()}
        return tuple((i.intent, tuple(self.pattern(t, named) for t in i.patterns)) for i in specs)


def _vocabulary(texts: Iterable[str], irregular: dict[str, str]) -> dict[str, str]:
    return {w.text: w.stem for text in texts for w in words(text, irregular) if not w.is_number and w.stem}


def _texts(value: object) -> list[str]:
    """Every word of a file section, wherever it sits ("@concept" references aside)."""
    if isinstance(value, BaseModel):
        return _texts(value.model_dump())
    if isinstance(value, str):
        return [part.removeprefix(WRITTEN) for part in value.split() if not part.startswith("@")]
    if isinstance(value, dict):
        return [t for key, item in value.items() for t in (*_texts(str(key)), *_texts(item))]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []


def _compile(spec: _File, code: str) -> Lexicon:
    r = _Reader(spec.stopwords, dict(spec.irregular))
    p = spec.periods
    periods = Periods(
        today=r.phrases(p.today),
        tomorrow=r.phrases(p.tomorrow),
        yesterday=r.phrases(p.yesterday),
        this=r.phrases(p.this),
        next=r.phrases(p.next),
        last=r.phrases(p.last),
        ahead=r.phrases(p.ahead),
        back=r.phrases(p.back),
        ago=r.phrases(p.ago),
        year_end=r.phrases(p.year_end),
        month_end=r.phrases(p.month_end),
        week_end=r.phrases(p.week_end),
        before=r.phrases(p.before),
        until=r.phrases(p.until),
        units={unit: r.keys(getattr(p.units, unit)) for unit in ("day", "week", "month", "year")},
        fortnight=r.keys(p.fortnight),
        months={s: i for i, names in enumerate(p.months, 1) for s in r.keys(names)},
        numbers={s: n for n, names in p.numbers.items() for s in r.keys(names)},
    )
    vocabulary = _vocabulary(_texts(spec.model_copy(update={"romanized": None, "variants": {}})), r.irregular)
    stopword_stems = r.stems(spec.stopwords)
    return Lexicon(
        code=code,
        stopwords=r.stopwords,
        stopword_stems=stopword_stems,
        fillers=r.written(spec.fillers),
        irregular=r.irregular,
        variants={normalise(k): normalise(v) for k, v in spec.variants.items()},
        synonyms=tuple(
            (phrase, target[0])
            for source, word in spec.synonyms.items()
            if (phrase := r.phrase(source)) and (target := tuple(w.stem for w in words(word)))
        ),
        past=r.written(spec.tense.past),
        future=r.written(spec.tense.future),
        past_endings=tuple(spec.tense.past_endings),
        future_endings=tuple(spec.tense.future_endings),
        intents=r.intents(spec.intents, spec.concepts),
        expand={intent: tuple(r.stems(texts)) for intent, texts in spec.expand.items()},
        openers=r.texts(spec.yes_no.openers),
        tags=r.phrases(spec.yes_no.tags),
        particles=r.texts(spec.yes_no.particles),
        wh=r.texts(spec.yes_no.wh),
        anything=r.phrases(spec.anything),
        cancelled=r.phrases(spec.premises.cancelled),
        postponed=r.phrases(spec.premises.postponed),
        assume=r.phrases(spec.premises.assume),
        first=r.written(spec.premises.first),
        since=r.phrases(spec.premises.since),
        asked_time=r.phrases(spec.precision.time),
        asked_day=r.phrases(spec.precision.day),
        asked_for=r.phrases(spec.asked_for),
        money=r.stems(spec.premises.money),
        place_before=r.stems(spec.premises.place_before),
        place_after=r.stems(spec.premises.place_after),
        periods=periods,
        vocabulary=vocabulary,
        cue_stems=frozenset(vocabulary.values()) - stopword_stems,
    )


def _romanized(base: Lexicon, spec: _Romanized) -> Lexicon:
    """Hinglish: the English lexicon with the romanized Hindi words added (and tried first)."""
    r = _Reader([*base.stopwords, *spec.stopwords], base.irregular)
    extra = r.intents(spec.intents, spec.concepts)
    order = [name for name, _ in base.intents]
    merged = dict(base.intents)
    for name, patterns in extra:
        merged[name] = patterns + merged.get(name, ())
    intents = tuple((name, merged[name]) for name in [*order, *(n for n, _ in extra if n not in order)])
    vocabulary = _vocabulary(_texts(spec), r.irregular)
    stopword_stems = base.stopword_stems | r.stems(spec.stopwords)
    return replace(
        base,
        code="hi-Latn",
        stopwords=r.stopwords,
        stopword_stems=stopword_stems,
        fillers=base.fillers + r.written(spec.fillers),
        past=base.past + r.written(spec.tense.past),
        future=base.future + r.written(spec.tense.future),
        intents=intents,
        openers=base.openers | r.texts(spec.yes_no.openers),
        tags=base.tags + r.phrases(spec.yes_no.tags),
        asked_time=base.asked_time + r.phrases(spec.precision.time),
        asked_day=base.asked_day + r.phrases(spec.precision.day),
        markers=r.texts(spec.markers),
        vocabulary={**base.vocabulary, **vocabulary},
        cue_stems=base.cue_stems | (frozenset(vocabulary.values()) - stopword_stems),
    )


def _read(code: str) -> _File:
    text = resources.files("bot").joinpath("data", "answers", f"{code}.yaml").read_text(encoding="utf-8")
    return _File.model_validate(yaml.safe_load(text))


@cache
def for_language(code: str) -> Lexicon:
    """``en``, ``ru``, ``hi``, or ``hi-Latn`` (Hindi in Latin letters, read over the English words)."""
    if code == "hi-Latn":
        romanized = _read("hi").romanized
        if romanized is None:
            raise ValueError("hi.yaml: no romanized section")
        return _romanized(for_language("en"), romanized)
    return _compile(_read(code), code)


def load() -> None:
    """Read every language's words now, so a broken file stops the bot's start rather than a reply."""
    for code in (*LANGUAGES, "hi-Latn"):
        for_language(code)
