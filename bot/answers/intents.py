"""What a question asks, read with its language's words (``bot.answers.lexicon``) and the file's own.

The reading keeps apart what the question asks (its intent: when, where, who confirmed, how long, …),
when (a period), what it takes for granted (a premise: "since Moscow confirmed", "why was it called
off", "so the deficit is $60 billion"), and the words left to find its subject by. A misspelt word is
pulled to the nearest word the file or the language file uses (rapidfuzz); a word neither uses stays
unknown, and unknown words lower the engine's confidence (``bot.answers.retrieval``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from rapidfuzz import fuzz, process

from bot.answers.lexicon import Lexicon, Match, find, find_any, keys_of, occurrences, same
from bot.answers.passages import Index
from bot.answers.periods import Found, Tense
from bot.answers.periods import read as read_period
from bot.answers.text import Word, number

CORRECTION_CUTOFF = 80.0
"""fuzz.ratio for pulling a misspelt question word, or a name typed with a capital, to the right one:
"Путен"→"Путин" 80, "когад"→"когда" 80."""
NAME_CUTOFF = 82.0
"""For a name typed in small letters: one wrong letter in six ("lavrof"), not in five ("price" is not
"Prime")."""
WORD_CUTOFF = 85.0
"""For any other word than a name or a question word: one wrong letter in five ("price", "prime") is
another word more often than a misspelling."""
SHORT_CORRECTION_CUTOFF = 85.0
"""For words of three letters, where one wrong letter is a third of the word."""
MAX_WORD_LENGTH = 30
MIN_BASE = 5
"""A word whose stem begins with a known stem this long is taken for a form of it ("экспортирует" →
"экспорт")."""
DERIVED = 0.9
MIN_ENDING_WORD = 5
"""Only words this long are read for a tense by their ending (прилетел, встречались, आएंगे)."""
SHORT_WORD = 4
"""Only a word this short is pulled to a stopword ("wat" → "what"): "weather" is not "whether"."""
CORRECTION_FLOOR = 60.0
"""A pulled word counts as found in proportion to how close it was: 80 → half, 100 → whole."""

Intent = Literal[
    "source",
    "who_confirmed",
    "confirmed",
    "countdown",
    "duration",
    "status",
    "host",
    "where",
    "when",
    "parties",
    "past",
    "history",
    "significance",
    "background",
    "goals",
    "agenda",
    "figures",
    "next",
    "why",
    "what",
]
Precision = Literal["time", "day"] | None

OPEN: frozenset[str] = frozenset({"significance", "background", "goals", "agenda", "why"})
"""Intents answered with the file's own sentences."""


@dataclass(frozen=True)
class Reading:
    """A question, read."""

    words: tuple[Word, ...]
    """Its words, misspellings pulled to the known word they were nearest."""
    intent: str | None
    period: Found | None
    tense: Tense
    certainty: int
    """How many more words say the tense than say the other one."""
    yes_no: bool
    anything: bool
    cancelled: bool
    postponed: bool
    premise_at: frozenset[int]
    """The words saying it was called off or postponed."""
    assumed: bool
    """It puts a claim before its question ("since …", "now that …", "so …")."""
    confirm_at: frozenset[int]
    """Words naming a confirmation that the question takes for granted rather than asks about."""
    money: bool
    numbers: tuple[float, ...]
    content: tuple[int, ...]
    """The words left to find the subject by: not a stopword, a filler, a cue, a period or a number."""
    query: tuple[str, ...]
    """The stems to search with: the content and the cue words."""
    unknown: frozenset[int]
    """Content words neither the file nor the language file uses."""
    pulled: dict[int, float]
    """Content words taken for a misspelling, and how sure that is (0–1)."""
    names: frozenset[int]
    """Words inside a name of several words the question spells out ("Russia Today")."""
    place_at: tuple[int, ...]
    """Words right after "in"/"at" (or before "में"): where a place the question assumes would be."""
    stopword_stems: frozenset[str]
    asked: Precision = None
    """More precision than a date asked for: the time of day, or the exact day."""
    first_at: frozenset[int] = frozenset()
    """Words claiming it is the first of its kind ("Putin's first visit to India, right?")."""
    asked_for: frozenset[int] = frozenset()
    """Words asking for a kind of information ("what deals were signed?", "what % tariff?"): the
    answer must hold them, or it does not give what was asked."""

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(w.stem for w in self.words)


def _correct(word: Word, index: Index, lexicon: Lexicon) -> tuple[Word, float | None]:
    """The word, or the known word it is a misspelling or a form of; and how sure that is (1 for a
    word known as typed, None for a word neither the file nor the language file uses).

    Names are tried before stems: Snowball reads "Путен" as "пут" (as in "пути", ways), which the
    file also has, yet it is a misspelt "Путин"."""
    if word.is_number or word.text == "$":
        return word, 1.0
    if word.text in index.vocabulary or word.text in lexicon.vocabulary:
        return word, 1.0
    if len(word.text) > MAX_WORD_LENGTH:
        return word, None
    if len(word.text) < 3 or word.stem in index.name_words:
        return word, 1.0
    asked = {text: stem for text, stem in lexicon.vocabulary.items() if text in lexicon.wh}
    name_cutoff = CORRECTION_CUTOFF if word.capital else NAME_CUTOFF
    named = _nearest(word, index.name_vocabulary, lexicon, name_cutoff) or _nearest(
        word, asked, lexicon, CORRECTION_CUTOFF
    )
    if named is not None:
        return named
    if index.knows(word.stem) or word.stem in lexicon.cue_stems:
        return word, 1.0
    stems = set(index.document_frequency) | lexicon.cue_stems
    base = next(
        (word.stem[:n] for n in range(len(word.stem) - 1, MIN_BASE - 1, -1) if word.stem[:n] in stems), None
    )
    if base is not None:
        return replace(word, stem=base), DERIVED
    return _nearest(word, {**index.vocabulary, **lexicon.vocabulary}, lexicon, WORD_CUTOFF) or (word, None)


def _nearest(
    word: Word, vocabulary: dict[str, str], lexicon: Lexicon, cutoff: float
) -> tuple[Word, float] | None:
    """The closest word of ``vocabulary``: a misspelling keeps its first letter and its length give or
    take one ("погода" is not "года"); only a short word is pulled to a stopword ("wat" → "what")."""
    choices = {
        text: stem
        for text, stem in vocabulary.items()
        if text[:1] == word.text[:1]
        and abs(len(text) - len(word.text)) <= 1
        and (len(word.text) <= SHORT_WORD or text not in lexicon.stopwords or text in lexicon.wh)
    }
    if len(word.text) <= 3:
        cutoff = max(cutoff, SHORT_CORRECTION_CUTOFF)
    best = process.extractOne(word.text, list(choices), scorer=fuzz.ratio, score_cutoff=cutoff)
    if best is None:
        return None
    stem = choices[best[0]]
    sure = 1.0 if stem == word.stem else (best[1] - CORRECTION_FLOOR) / (100 - CORRECTION_FLOOR)
    return replace(word, text=best[0], stem=stem), sure


def _synonyms(words: list[Word], lexicon: Lexicon) -> list[Word]:
    """Phrases of the language file's thesaurus put in the words the events file uses ("in touch" →
    "contact"): the first word takes the file's word, the others are emptied."""
    for phrase, target in lexicon.synonyms:
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if all(same(words[i + k], key) for k, key in enumerate(phrase)):
                words[i] = replace(words[i], stem=target)
                for j in range(i + 1, i + size):
                    words[j] = replace(words[j], stem="")
    return words


def _tense(words: Sequence[Word], lexicon: Lexicon, names: frozenset[int]) -> tuple[Tense, int]:
    """Past or future, and how many words say so (two or more: "when did he last …")."""
    past = len(occurrences(words, lexicon.past, names))
    future = len(occurrences(words, lexicon.future, names))
    for i, word in enumerate(words):
        if i in names or word.is_number or len(word.text) < MIN_ENDING_WORD:
            continue
        if any(word.text.endswith(e) for e in lexicon.past_endings):
            past += 1
        if any(word.text.endswith(e) for e in lexicon.future_endings):
            future += 1
    if past > future:
        return "past", past - future
    if future > past:
        return "future", future - past
    return None, 0


def read(words: Sequence[Word], lexicon: Lexicon, index: Index, today: date) -> Reading:
    corrected = [_correct(w, index, lexicon) for w in words]
    words = _synonyms([w for w, _ in corrected], lexicon)
    unknown_words = {i for i, (_, sure) in enumerate(corrected) if sure is None}
    pulled = {i: sure for i, (_, sure) in enumerate(corrected) if sure is not None and sure < 1}
    stems = [w.stem for w in words]

    # A name of several words the question spells out is a name, not cues: "Russia Today" is no day.
    names = frozenset(occurrences(words, [p for phrases in index.names for p in phrases if len(p) > 1]))
    fillers = occurrences(words, lexicon.fillers, names)
    # a filler of several words is no cue: "take place" does not ask where
    idioms = frozenset(occurrences(words, [p for p in lexicon.fillers if len(p) > 1], names))
    # Every pattern of the intent is a cue, not a tense: "how many days will the summit last?"
    first_intent, _ = _intent(words, lexicon, names | idioms)
    tense, certainty = _tense(
        words, lexicon, names | _intent_words(words, lexicon, names | idioms, first_intent)
    )

    cancelled = find_any(words, lexicon.cancelled, names)
    postponed = find_any(words, lexicon.postponed, names)
    assumed = find_any(words, lexicon.assume, names)
    premise_at = set().union(*(m.at for m in (cancelled, postponed) if m is not None))

    # "moved to January?", "перенесли на январь?": a month a premise moves an event to is to come
    period_tense = "future" if postponed is not None or cancelled is not None else tense
    period = read_period(words, lexicon, today, period_tense, names | frozenset(premise_at))
    taken = names | idioms | frozenset(premise_at) | (period.at if period else frozenset())

    # A confirmation put before the question ("since Moscow confirmed it, which day …") is a premise
    # to check, and the question is what follows it.
    confirm_at: frozenset[int] = frozenset()
    intent, intent_at = _intent(words, lexicon, taken)
    if assumed is not None and intent in ("confirmed", "who_confirmed"):
        rest, rest_at = _intent(words, lexicon, taken | intent_at | assumed.at)
        if rest is not None and rest not in ("confirmed", "who_confirmed", "what"):
            confirm_at, intent, intent_at = intent_at, rest, rest_at

    # "what time does it start?", "exact date of the visit?": the date is the answer, and how precise
    asked_at = find_any(words, lexicon.asked_time, names)
    asked: Precision = "time" if asked_at is not None else None
    if asked_at is None:
        asked_at = find_any(words, lexicon.asked_day, names)
        asked = "day" if asked_at is not None else None
    if asked_at is not None and intent not in ("source", "countdown", "duration"):
        intent, intent_at = "when", asked_at.at | (intent_at if intent == "when" else frozenset())

    first = words[0].text if words else ""
    tags = find_any(words[-4:], lexicon.tags) if words else None
    has_wh = any(w.text in lexicon.wh for i, w in enumerate(words) if i not in taken)
    anything = bool(occurrences(words, lexicon.anything, names))
    yes_no = (
        first in lexicon.openers
        or tags is not None
        or any(w.text in lexicon.particles for w in words)
        or (not lexicon.openers and not has_wh and not anything)
    )

    cue_at = set(intent_at) | set(confirm_at) | premise_at | (set(assumed.at) if assumed else set())
    cue_at |= _cues(words, lexicon, taken)
    consumed = cue_at | set(period.at if period else ()) | fillers
    content: list[int] = []
    query: list[str] = []
    numbers: list[float] = []
    for i, word in enumerate(words):
        value = number(word)
        if value is not None:
            if not period or i not in period.at:
                numbers.append(value)
            continue
        if word.text in ("$", "%") or word.stem in lexicon.money or i in fillers or not word.stem:
            continue
        if word.text in lexicon.stopwords and not word.acronym:
            continue
        if period is not None and i in period.at:
            continue
        query.append(word.stem)
        if i not in consumed:
            content.append(i)
    # The question's own words count twice, the words its intent adds once.
    query = [*query, *query, *lexicon.expand.get(intent or "", ())]

    place_at: list[int] = []
    dated = period.at if period else frozenset()
    for i, word in enumerate(words):
        if word.stem in lexicon.place_before and i + 1 < len(words) and i + 1 not in dated:
            place_at.append(i + 1)
        if word.stem in lexicon.place_after and i > 0 and i - 1 not in dated:
            place_at.append(i - 1)

    return Reading(
        words=tuple(words),
        intent=intent,
        period=period,
        tense=tense,
        certainty=certainty,
        yes_no=yes_no,
        anything=anything,
        cancelled=cancelled is not None,
        postponed=postponed is not None,
        premise_at=frozenset(premise_at),
        assumed=assumed is not None,
        confirm_at=confirm_at,
        money=any(s in lexicon.money for s in stems),
        numbers=tuple(numbers),
        content=tuple(content),
        query=tuple(query),
        unknown=frozenset(i for i in content if i in unknown_words),
        pulled={i: sure for i, sure in pulled.items() if i in content},
        names=names,
        place_at=tuple(place_at),
        stopword_stems=lexicon.stopword_stems,
        asked=asked,
        # not left out of a name: the file's "Putin's first visit since 2022" is also a claim
        asked_for=_asked_for(words, lexicon, names),
        first_at=frozenset(occurrences(words, lexicon.first))
        if find_any(words, lexicon.since) is None
        else frozenset(),
    )


def _intent(
    words: Sequence[Word], lexicon: Lexicon, skip: frozenset[int]
) -> tuple[str | None, frozenset[int]]:
    """The first intent, in the language file's order, one of whose patterns occurs (its longest)."""
    keys = keys_of(words)
    for name, patterns in lexicon.intents:
        found = [m for p in patterns if (m := find(words, p, skip, keys)) is not None]
        if found:
            best = max(found, key=lambda m: (len(m.at), -m.first))
            return name, best.at
    return None, frozenset()


def _intent_words(
    words: Sequence[Word], lexicon: Lexicon, skip: frozenset[int], intent: str | None
) -> frozenset[int]:
    """The words of every pattern of ``intent`` that occurs ("how many days" and "will … last")."""
    keys = keys_of(words)
    used: set[int] = set()
    for name, patterns in lexicon.intents:
        if name == intent:
            used |= {i for p in patterns if (m := find(words, p, skip, keys)) is not None for i in m.at}
    return frozenset(used)


def _cues(words: Sequence[Word], lexicon: Lexicon, skip: frozenset[int]) -> set[int]:
    """Words of every intent's patterns that occur: question words, never words of a subject."""
    used: set[int] = set()
    keys = keys_of(words)
    for _, patterns in lexicon.intents:
        for pattern in patterns:
            found: Match | None = find(words, pattern, skip, keys)
            if found is not None:
                used |= found.at
    return used


def _asked_for(words: Sequence[Word], lexicon: Lexicon, names: frozenset[int]) -> frozenset[int]:
    """Words asking for a kind of information, but not a word of a longer cue that means something
    else: "is it a big deal?" asks for no deal."""
    if not occurrences(words, lexicon.asked_for, names):
        return frozenset()
    return frozenset(occurrences(words, lexicon.asked_for, names | _phrased(words, lexicon, names)))


def _phrased(words: Sequence[Word], lexicon: Lexicon, skip: frozenset[int]) -> frozenset[int]:
    """Words of every intent's patterns of several words that occur ("big deal", "क्या तय हुआ")."""
    used: set[int] = set()
    keys = keys_of(words)
    for _, patterns in lexicon.intents:
        for pattern in patterns:
            found: Match | None = find(words, pattern, skip, keys)
            if found is not None and len(found.at) > 1:
                used |= found.at
    return frozenset(used)


def is_hinglish(words: Sequence[Word], romanized: Lexicon) -> bool:
    """Latin letters, Hindi words: one word only Hinglish uses ("kab", "kahan", "hai") is enough."""
    return any(w.text in romanized.markers for w in words)
