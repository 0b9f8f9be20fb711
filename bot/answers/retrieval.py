"""Which subject a question is about, which of the file's sentences answer it, and how sure that is.

Subjects are ranked by what their names explain of the question (each word weighted by how rare it
is among the file's passages, a government's name at half weight since it names many events), then
by ``bm25s`` over everything said about them, by tense (a past question prefers a past event) and by
the period asked about. Open questions get the best-ranked sentences (``bm25s`` over passages).

The confidence rule: the share of the question's own words (weighted as above; a word the file never
uses weighs as much as the rarest word it does) found in what the answer is drawn from; a word the
file uses elsewhere counts half (the question is about the file, the answer only misses a word). A
misspelt word counts as much as it was close to the word it was taken for. Below ``CONFIDENCE`` the
bot says it does not know and offers the closest events; a when/where/… question about an event it
names needs only ``NAMED_CONFIDENCE``; a question asking for a figure may hold no word the file does not
use, since a figure is never given for a thing the file does not name; and a word asking for a kind of
information (the language file's ``asked_for``: a deal, a percentage, a price, a number of people) must
be in what the answer is drawn from, or the answer does not give what was asked, however well the rest
of the question matched an event's name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.answers.intents import Reading
from bot.answers.passages import Index, Kind, Passage
from bot.answers.periods import Held
from bot.events import Event, Government, Lifecycle
from bot.timeline import Phase, countdown

CONFIDENCE = 0.5
NAMED_CONFIDENCE = 0.25
"""For a when/where/confirmed/… question about an event its names point to: the words left over are
mostly how it is asked ("when does the summit kick off?")."""
ELSEWHERE = 0.5
"""The credit of a word of the question not found where the answer comes from: people ask in words the
file does not use, so one such word lowers the confidence without sinking it."""
MIN_SHARED = 3
"""Two stems meet when one begins the other and the shorter has this many letters ("инд" of "Индия"
and "индийск" of "индийский"), for telling whether a word is found."""
MIN_UNKNOWN_LENGTH = 3
"""Shorter unknown words ("hm", "ok", a typo of "है") do not count against a question."""
GOVERNMENT_WEIGHT = 0.5
SEARCH_WEIGHT = 0.5
TENSE_WEIGHT = 0.75
DEFAULT_TENSE_WEIGHT = 0.4
MAX_CERTAINTY = 2
"""Two words saying the tense ("when did he last …") count twice; more count no more."""
PERIOD_WEIGHT = 3.0
"""For a question that uses the period to pick its event ("the summit in December"); a yes-or-no
question about a period ("is the summit next month?") checks it instead."""
MAIN_WEIGHT = 0.1
STATUS_WEIGHT = 1.0
""""Why was the visit called off?" is about the visit that was, if one was."""
FULL_NAME_WEIGHT = 1.0
"""A name the question says in full ("the summit", "Modi's visit to Russia") counts again."""
SUBJECT_BOOST = 1.5
"""How much more a passage about the question's subject counts than one about something else."""
MORE_PASSAGES = 0.6
"""A second or third passage is quoted when it scores at least this share of the best one."""
MAX_PASSAGES = 3
SAME_PASSAGE = 0.6
"""Two passages sharing this share of their words say the same thing: only the first is quoted."""


@dataclass(frozen=True)
class Ranked:
    subject: int
    score: float
    named: float
    """How much of the question the subject's names explain."""


def government_stems(index: Index) -> frozenset[str]:
    return frozenset(s for i in index.governments for s in index.name_stems[i])


def _said(spoken: Sequence[str], phrase: Sequence[str], stopwords: Collection[str]) -> tuple[str, ...]:
    """The name's words (stopwords aside) if the question says them in a row, else nothing."""
    words = tuple(s for s in phrase if s not in stopwords)
    size = len(words)
    if size and any(tuple(spoken[k : k + size]) == words for k in range(len(spoken) - size + 1)):
        return words
    return ()


def _naming(index: Index, stem: str) -> frozenset[int]:
    """The subjects one of whose names has the stem (or a stem beginning it or begun by it)."""
    found = index.memo.get(("naming", stem))
    if found is None:
        found = frozenset(i for i, names in enumerate(index.name_stems) if _meets(stem, names))
        index.memo[("naming", stem)] = found
    return found


def names(index: Index, stem: str, subject: int) -> bool:
    """Whether one of the subject's names has the stem (or a stem beginning it or begun by it)."""
    return subject in _naming(index, stem)


def _governmental(index: Index, stem: str) -> bool:
    return bool(_naming(index, stem) & index.governments)


def rank(
    index: Index,
    reading: Reading,
    now: datetime,
    kinds: tuple[type, ...],
    held: Held | None = None,
    main: Event | None = None,
) -> list[Ranked]:
    """Subjects of the given kinds that the question's words point to, best first; between equals,
    ``main`` (the next dated event: what "the visit" means when nothing else is said)."""
    stems = reading.stems
    content = [stems[i] for i in reading.content if i not in reading.unknown]
    if not content:
        return []
    search = index.rank_subjects([*content, *(stems[i] for i in reading.names)])
    top = max(search, default=0.0) or 1.0
    spoken = tuple(s for i, s in enumerate(stems) if i in reading.content or i in reading.names)
    heard = set(spoken) | set(reading.stopword_stems)
    distinct = list(dict.fromkeys(content))
    ranked: list[Ranked] = []
    for i, subject in enumerate(index.subjects):
        if not isinstance(subject, kinds):
            continue
        weight = 1.0 if isinstance(subject, Government) else GOVERNMENT_WEIGHT
        named = sum(
            index.idf(stem) * (weight if _governmental(index, stem) else 1.0)
            for stem in distinct
            if i in _naming(index, stem)
        )
        if named == 0 and search[i] == 0:
            continue
        full = max(
            (
                sum(index.idf(stem) for stem in _said(spoken, phrase, reading.stopword_stems))
                for phrase in index.names[i]
                if set(phrase) <= heard
            ),
            default=0.0,
        )
        score = named + FULL_NAME_WEIGHT * full + SEARCH_WEIGHT * search[i] / top
        if isinstance(subject, Event):
            over = countdown(subject, now).phase is Phase.OVER
            tense = "future" if reading.cancelled or reading.postponed else reading.tense
            if tense is None:
                score += DEFAULT_TENSE_WEIGHT * (not over)
            else:
                certainty = 1 if tense != reading.tense else min(reading.certainty, MAX_CERTAINTY)
                score += TENSE_WEIGHT * certainty * (over == (tense == "past"))
            if held is not None and held.of(subject) is not None and not reading.yes_no:
                score += PERIOD_WEIGHT
            if subject is main:
                score += MAIN_WEIGHT
            if (reading.cancelled and subject.lifecycle is Lifecycle.CANCELLED) or (
                reading.postponed and subject.lifecycle is Lifecycle.POSTPONED
            ):
                score += STATUS_WEIGHT
        ranked.append(Ranked(i, round(score, 6), named))
    return sorted(ranked, key=lambda r: (-r.score, r.subject))


def confidence(
    index: Index, reading: Reading, found: Collection[str], ignore: Collection[int] = frozenset()
) -> float:
    """The weighted share of the question's words found in ``found`` (1 when it has none of its own)."""
    total = 0.0
    share = 0.0
    for i in reading.content:
        word = reading.words[i]
        if i in ignore:
            continue
        if i in reading.unknown:
            if len(word.text) >= MIN_UNKNOWN_LENGTH:
                total += index.unknown_weight
            continue
        weight = index.idf(word.stem) * reading.pulled.get(i, 1.0)
        total += index.idf(word.stem)
        share += weight if _meets(word.stem, found) else weight * ELSEWHERE
    return 1.0 if total == 0 else share / total


def _meets(stem: str, found: Collection[str]) -> bool:
    """Whether the stem, or a word derived from it, is among ``found``: Russian and Hindi stems differ
    between a name and its adjective ("инд" of Индия, "индийск" of индийский), so there one stem
    beginning another will do; Snowball's English stems differ at most by a letter ("india", "indian")."""
    if stem in found:
        return True
    if len(stem) < MIN_SHARED:
        return False
    if stem.isascii():
        return any(abs(len(f) - len(stem)) <= 1 and (f.startswith(stem) or stem.startswith(f)) for f in found)
    return any(f.startswith(stem) or (len(f) >= MIN_SHARED and stem.startswith(f)) for f in found)


def _holds(stem: str, found: Collection[str]) -> bool:
    """Whether ``found`` has the stem or a word derived from it: not merely a shorter stem beginning it
    ("дел" of Дели is no "делегация")."""
    return any(f.startswith(stem) for f in found)


def confident(
    index: Index,
    reading: Reading,
    found: Collection[str],
    named: bool = False,
    ignore: Collection[int] = frozenset(),
) -> bool:
    """Whether the answer drawn from ``found`` is sure enough to give (``named``: a structured answer
    about an event the question names)."""
    if reading.intent == "figures" and any(
        len(reading.words[i].text) >= MIN_UNKNOWN_LENGTH and not index.knows(reading.words[i].stem)
        for i in reading.content
        if i not in ignore
    ):
        return False
    if any(not _holds(reading.words[i].stem, found) for i in reading.asked_for):
        return False
    needed = NAMED_CONFIDENCE if named else CONFIDENCE
    return confidence(index, reading, found, ignore) >= needed - 1e-9


def subject_stems(index: Index, subjects: Iterable[int]) -> set[str]:
    return {s for i in subjects for s in index.documents[i] | index.name_stems[i]}


def passages(index: Index, reading: Reading, subject: int | None) -> list[Passage]:
    """The file's sentences that best answer an open question, best first; never a name or a field."""
    scores = index.rank_passages(reading.query)
    ranked = sorted(
        (
            (score * (SUBJECT_BOOST if passage.subject == subject else 1.0), i)
            for i, (passage, score) in enumerate(zip(index.passages, scores, strict=True))
            if passage.kind is Kind.STATEMENT and score > 0
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )
    if not ranked:
        return []
    best = ranked[0][0]
    chosen: list[Passage] = []
    for score, i in ranked:
        passage = index.passages[i]
        if score < MORE_PASSAGES * best or len(chosen) == MAX_PASSAGES:
            break
        mine = set(passage.stems)
        if any(len(mine & set(p.stems)) >= SAME_PASSAGE * min(len(mine), len(set(p.stems))) for p in chosen):
            continue
        chosen.append(passage)
    return chosen


def named_governments(index: Index, reading: Reading, subject: int | None) -> list[Government]:
    """Governments the question names outside the names of its subject it spells out: "has Moscow
    confirmed the Delhi summit?" names Russia, for "Delhi" is part of "Delhi summit"."""
    stems = reading.stems
    spelled: set[int] = set()
    own = {p for i, s in enumerate(index.subjects) if isinstance(s, Government) for p in index.names[i]}
    if subject is not None:
        for phrase in index.names[subject]:
            if phrase in own:
                continue
            size = len(phrase)
            for start in range(len(stems) - size + 1):
                if tuple(stems[start : start + size]) == phrase:
                    spelled |= set(range(start, start + size))
    free = [s if i not in spelled else "" for i, s in enumerate(stems)]
    found: list[Government] = []
    for i, candidate in enumerate(index.subjects):
        if not isinstance(candidate, Government):
            continue
        for phrase in index.names[i]:
            size = len(phrase)
            if any(tuple(free[s : s + size]) == phrase for s in range(len(free) - size + 1)):
                found.append(candidate)
                break
    return found
