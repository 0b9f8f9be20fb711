"""Everything the events file says, as passages the engine can search, per language.

Every statement of the file becomes a passage in each language the file carries: each sentence of an
event's note or a fact's text, each history note, and the fields read as sentences (an event's title,
place, date and status, a source's title and author). Names (titles and aliases in every language)
describe their subject but are never quoted. ``bm25s`` ranks passages for an open question and
subjects (all their passages together, names twice) for a structured one.

An index is built once per ``Catalog`` object and kept while the object lives, so a reloaded file
gets a new index and an unchanged one costs nothing per question.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import bm25s
import numpy as np
import regex

from bot.answers.lexicon import Phrase, for_language
from bot.answers.text import script, words
from bot.events import Catalog, Event, Fact, Government, Source
from bot.matching import event_names
from bot.wording.dates import dates_text
from bot.wording.language import Language
from bot.wording.status import source_text, status_note

Subject = Event | Fact | Government | Source

EMPTY = "\u2205"
"""The one word of a stand-in document: no question word stems to it."""
_SENTENCE_END = regex.compile(r"(?<=[.!?।][”\"»]?)\s+(?=[\p{Lu}\p{N}\"“«\p{Script=Devanagari}])")


class Kind(StrEnum):
    NAME = "name"
    """A title or alias: finds its subject, never quoted."""
    STATEMENT = "statement"
    """A sentence of a note or a fact, or a history note: what an open question is answered with."""
    FIELD = "field"
    """A field read as a sentence (place, date, status): the structured answers say it better."""


@dataclass(frozen=True, eq=False)
class Passage:
    subject: int
    """Index of its subject in ``Index.subjects``."""
    text: str
    kind: Kind
    source: Source | None
    stems: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Index:
    """One language's passages and subjects, with their BM25 rankers and word statistics."""

    code: str
    subjects: tuple[Subject, ...]
    passages: tuple[Passage, ...]
    names: tuple[tuple[Phrase, ...], ...]
    """Per subject: each of its names as a phrase of stems."""
    name_stems: tuple[frozenset[str], ...]
    documents: tuple[frozenset[str], ...]
    """Per subject: every stem of its passages."""
    subject_ranker: bm25s.BM25
    passage_ranker: bm25s.BM25
    document_frequency: dict[str, int]
    vocabulary: dict[str, str]
    """Every word of the file as written (normalised) → its stem, for pulling misspellings to."""
    name_vocabulary: dict[str, str]
    """The words of titles and aliases alone: names are what people misspell most."""
    name_words: frozenset[str]
    """The stems of those words."""
    governments: frozenset[int]
    """Which subjects are governments."""
    memo: dict[tuple[str, str], frozenset[int]] = field(default_factory=dict)
    """Lookups worked out once per index (which subjects a stem names), as questions come."""

    def idf(self, stem: str) -> float:
        """How rare a stem is among the passages; a stem the file never uses is rarer than any."""
        n = len(self.passages)
        df = self.document_frequency.get(stem, 0)
        if df == 0:
            return self.unknown_weight
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    @property
    def unknown_weight(self) -> float:
        n = len(self.passages)
        return math.log(1 + (n - 0.5) / 1.5)

    def knows(self, stem: str) -> bool:
        return stem in self.document_frequency

    def rank_subjects(self, query: Sequence[str]) -> list[float]:
        return _scores(self.subject_ranker, query, len(self.subjects))

    def rank_passages(self, query: Sequence[str]) -> list[float]:
        return _scores(self.passage_ranker, query, len(self.passages))


def _scores(ranker: bm25s.BM25, query: Sequence[str], size: int) -> list[float]:
    known = [stem for stem in query if stem in ranker.vocab_dict]
    if not known or not size:
        return [0.0] * size
    scores = np.asarray(ranker.get_scores(known), dtype=np.float64)
    return [round(float(s), 6) for s in scores[:size]]


def _ranker(documents: list[list[str]]) -> bm25s.BM25:
    """A BM25 ranker over the documents (a file with nothing in it gets one empty stand-in)."""
    ranker = bm25s.BM25()
    ranker.index([doc or [EMPTY] for doc in documents] or [[EMPTY]], show_progress=False)
    return ranker


def sentences(text: str) -> list[str]:
    """A note or fact split into its sentences (a quotation's closing mark stays with its sentence)."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


def _stems(text: str, irregular: dict[str, str]) -> tuple[str, ...]:
    return tuple(w.stem for w in words(text, irregular, limit=10_000) if w.stem)


def _subject_names(subject: Subject) -> list[str]:
    if isinstance(subject, Event):
        return event_names(subject)
    if isinstance(subject, Fact):
        return [*(t for _, t in subject.title.texts), *subject.aliases.all(), subject.id]
    if isinstance(subject, Government):
        return [*(t for _, t in subject.name.texts), *subject.aliases.all(), subject.id]
    return [*(t for _, t in subject.title.texts), *(t for _, t in subject.by.texts)]


def _statements(subject: Subject, lang: Language) -> Iterable[tuple[str, Kind, Source | None]]:
    if isinstance(subject, Event):
        if subject.note is not None:
            for sentence in sentences(subject.note.in_(lang.code)):
                yield sentence, Kind.STATEMENT, subject.source
        for item in subject.history:
            if item.note is not None:
                yield item.note.in_(lang.code), Kind.STATEMENT, item.source
        fields = [dates_text(subject.when, lang), status_note(subject, lang)]
        if subject.place is not None:
            fields.append(subject.place.in_(lang.code))
        for field in fields:
            yield field, Kind.FIELD, subject.status_source
    elif isinstance(subject, Fact):
        for sentence in sentences(subject.text.in_(lang.code)):
            yield sentence, Kind.STATEMENT, subject.source
    elif isinstance(subject, Source):
        yield source_text(subject, lang), Kind.FIELD, subject


def build(catalog: Catalog, lang: Language) -> Index:
    """The index of ``catalog`` in ``lang``; it does not depend on the moment of asking."""
    irregular = for_language(lang.code).irregular
    subjects: list[Subject] = [
        *catalog.events,
        *catalog.facts,
        *catalog.governments.values(),
        *catalog.sources.values(),
    ]
    passages: list[Passage] = []
    names: list[tuple[Phrase, ...]] = []
    for i, subject in enumerate(subjects):
        labels = list(dict.fromkeys(_subject_names(subject)))
        phrases = tuple(p for p in (_stems(label, irregular) for label in labels) if p)
        names.append(phrases)
        title = labels[0] if labels else ""
        home = [label for label in labels if _in_script(label, lang.code)]
        shown = next(iter(home), title)
        passages.append(Passage(i, shown, Kind.NAME, None, tuple(s for p in phrases for s in p)))
        for text, kind, source in _statements(subject, lang):
            stems = _stems(text, irregular)
            if stems:
                passages.append(Passage(i, text, kind, source, stems))
    documents: list[list[str]] = [[] for _ in subjects]
    for passage in passages:
        weight = 2 if passage.kind is Kind.NAME else 1
        documents[passage.subject] += list(passage.stems) * weight
    subject_ranker = _ranker(documents)
    # A sentence is about its subject: it is found by the subject's names too ("товарооборот" finds
    # "Объём двусторонней торговли достиг …", the sentence of the fact that alias names).
    passage_ranker = _ranker(
        [[*p.stems, *(s for phrase in names[p.subject] for s in phrase)] for p in passages]
    )
    frequency: Counter[str] = Counter(s for p in passages for s in set(p.stems))
    vocabulary: dict[str, str] = {}
    for passage in passages:
        vocabulary.update(_surface(passage.text if passage.kind is not Kind.NAME else "", irregular))
    name_vocabulary: dict[str, str] = {}
    for subject in subjects:
        for label in _subject_names(subject):
            name_vocabulary.update(_surface(label, irregular))
    vocabulary.update(name_vocabulary)
    return Index(
        code=lang.code,
        subjects=tuple(subjects),
        passages=tuple(passages),
        names=tuple(names),
        name_stems=tuple(frozenset(s for p in phrases for s in p) for phrases in names),
        documents=tuple(frozenset(doc) for doc in documents),
        subject_ranker=subject_ranker,
        passage_ranker=passage_ranker,
        document_frequency=dict(frequency),
        vocabulary=vocabulary,
        name_vocabulary=name_vocabulary,
        name_words=frozenset(name_vocabulary.values()),
        governments=frozenset(i for i, s in enumerate(subjects) if isinstance(s, Government)),
    )


def _surface(text: str, irregular: dict[str, str]) -> dict[str, str]:
    return {
        w.text: w.stem for w in words(text, irregular, limit=10_000) if not w.is_number and len(w.text) > 1
    }


_HOME_SCRIPTS = {"en": "LATIN", "ru": "CYRILLIC", "hi": "DEVANAGARI"}


def _in_script(label: str, code: str) -> bool:
    letters = [c for c in label if c.isalpha()]
    return bool(letters) and script(letters[0]) == _HOME_SCRIPTS.get(code, "LATIN")


_CACHE: dict[int, tuple[weakref.ref[Catalog], dict[str, Index]]] = {}


def index(catalog: Catalog, lang: Language) -> Index:
    """The catalog's index in ``lang``, built at the first question and kept while the catalog lives."""
    key = id(catalog)
    entry = _CACHE.get(key)
    if entry is None or entry[0]() is not catalog:
        entry = (weakref.ref(catalog), {})
        _CACHE[key] = entry
        weakref.finalize(catalog, _CACHE.pop, key, None)
    built = entry[1].get(lang.code)
    if built is None:
        built = build(catalog, lang)
        entry[1][lang.code] = built
    return built
