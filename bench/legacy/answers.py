"""Answers to questions typed in plain words: deterministic, local, and only from the events file.

The bot has no language model and must never say more than the operator's file does, yet people type
"wen is the sumit", "CONFIRMED BY INDIA??" or "@SummitBot has Moscow confirmed?". So a question goes
through small, pure steps: its words are normalised and each unknown word is pulled to the nearest word
the bot knows (rapidfuzz); keyword tables give the intent; rapidfuzz finds the subject among events,
facts and governments by their titles and the file's aliases; ``bot.wording`` then says what the catalog
holds about it. A question mostly about something the file does not cover is answered "I don't know".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bench.legacy import wording as say
from bot.events import Catalog, Event, Fact, Government, HistoryItem, month_end
from bot.matching import event_names
from bot.timeline import DATED, Phase, countdown, next_up, upcoming
from bot.wording import cards
from bot.wording.fit import MESSAGE_LIMIT
from bot.wording.language import Language

Subject = Event | Fact | Government


class Intent(StrEnum):
    HISTORY = "history"
    PAST = "past"
    WHO_CONFIRMED = "who_confirmed"
    CONFIRMED = "confirmed"
    HOW_LONG = "how_long"
    WHERE = "where"
    WHEN = "when"
    FIGURES = "figures"
    NEXT = "next"
    WHAT_IS = "what_is"


class Period(StrEnum):
    TODAY = "today"
    TOMORROW = "tomorrow"
    THIS_WEEK = "this_week"
    NEXT_WEEK = "next_week"
    THIS_MONTH = "this_month"
    NEXT_MONTH = "next_month"


# ---------------------------------------------------------------- keyword tables (data, not logic)

# A period named in the question wins over every intent: "what's next month?" is not "what's next?".
PERIOD_WORDS: tuple[tuple[Period, tuple[str, ...]], ...] = (
    (Period.TODAY, ("today", "tonight")),
    (Period.TOMORROW, ("tomorrow",)),
    (Period.THIS_WEEK, ("this week", "coming week")),
    (Period.NEXT_WEEK, ("next week",)),
    (Period.THIS_MONTH, ("this month",)),
    (Period.NEXT_MONTH, ("next month",)),
)

# In priority order: the first intent whose phrase occurs is the one answered ("how many days" is a
# countdown before "how many" is a figure; "who confirmed" before "confirmed").
INTENT_WORDS: tuple[tuple[Intent, tuple[str, ...]], ...] = (
    (Intent.HISTORY, ("history", "timeline", "what changed", "changes", "updates", "news", "what is new")),
    (Intent.PAST, ("what happened", "happened", "outcome", "result", "results")),
    (
        Intent.WHO_CONFIRMED,
        ("who confirmed", "who has confirmed", "which government", "which governments", "which side"),
    ),
    (
        Intent.CONFIRMED,
        ("confirmed", "confirm", "confirmation", "official", "officially", "certain", "sure", "definite"),
    ),
    (
        Intent.HOW_LONG,
        ("how long", "how many days", "how many weeks", "how soon", "countdown", "until", "till"),
    ),
    (Intent.WHERE, ("where", "venue", "location", "place", "city", "host", "hosted", "hosting")),
    (
        Intent.WHEN,
        ("when", "date", "dates", "what day", "which day", "what time", "schedule", "scheduled"),
    ),
    (
        Intent.FIGURES,
        ("how much", "how big", "how large", "how many", "figure", "figures", "number", "numbers", "amount"),
    ),
    (Intent.NEXT, ("next", "upcoming", "coming up", "soon", "what is on")),
    (Intent.WHAT_IS, ("what", "who", "why", "about", "explain", "details", "tell me")),
)

# Phrases that contain an intent's word without its meaning ("take place" is not "where").
FILLER_PHRASES: tuple[str, ...] = ("take place", "takes place", "taking place", "took place", "going on")

# Tense prefers a past or a coming event when the words name both ("when will Putin and Modi meet").
FUTURE_WORDS = frozenset({"will", "next", "upcoming", "going", "coming"})
PAST_WORDS = frozenset({"did", "was", "were", "last", "ago"})

# Words that carry no subject: neither matched against names nor counted as unknown. Singular forms
# only, as ``_words`` leaves them ("starts" is read as "start").
_STOPWORD_TEXT = """
    a an the is are was were be been being am will would shall should can could may might must do does
    did done has have had having it its this that these those there here of in on at to for from by with
    and or but not no nor so as if than then too very just also yet still ever even again already
    me my mine i you your we our ours us they them their he him his she her who whom whose what which
    when where why how anything something everything any some all both either neither each
    please pls plz tell know let hi hello hey thank ok okay bot ca wo re ll ve
    go goes going went gone come coming came get gets got happen happening take
    expected expect expecting planned plan held hold start begin end ends arrive
    visiting travel travelling trip meet met meeting see
    january february march april june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    day days week month year time
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# "what's" is "what is", but "Putin's" is just Putin.
IS_BEFORE_S = frozenset({"what", "who", "where", "when", "how", "that", "there", "it", "here"})

CORRECTION_CUTOFF = 80  # fuzz.ratio: "wen"→"when" 86, "putn"→"putin" 89, "lavrof"→"lavrov" 83
SUBJECT_CUTOFF = 80  # fuzz.token_set_ratio; a name whose words all occur in the question scores 100
MAX_QUESTION_CHARS = 500
MAX_WORDS = 40
MAX_WORD_LENGTH = 30
MAX_SUGGESTIONS = 3
MAX_NEWS = 5

_MENTION = re.compile(r"\A\s*@\w+[\s,:;.!-]*")
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,60}>")
_QUOTES = re.compile(r"[’‘`´ʼ]")
_NOT = re.compile(r"n't\b")
_APOSTROPHE_S = re.compile(r"(\w+)'s\b")
_SPLIT = re.compile(r"[\W_]+")


# ---------------------------------------------------------------- words


def _words(text: str) -> list[str]:
    """Case, accents, contractions and possessives folded away, so "Putin’s" and "putins" meet."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NOT.sub(" not", _QUOTES.sub("'", text))
    text = _APOSTROPHE_S.sub(lambda m: m[1] + (" is" if m[1] in IS_BEFORE_S else ""), text)
    words = [w for w in _SPLIT.split(text) if len(w) >= 2]
    return [_singular(w) for word in words for w in (("what", "is") if word == "whats" else (word,))]


def _singular(word: str) -> str:
    """A plural's final "s" dropped ("exports", "summits", "putins"), but not from "focus" or "news"."""
    if len(word) >= 5 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _phrases(texts: Sequence[str]) -> list[tuple[str, ...]]:
    """Keyword phrases read exactly as questions are, so "updates" in the table meets "update"."""
    return [tuple(_words(text)) for text in texts]


_PERIODS = [(period, _phrases(texts)) for period, texts in PERIOD_WORDS]
_INTENTS = [(intent, _phrases(texts)) for intent, texts in INTENT_WORDS]
_FILLERS = _phrases(FILLER_PHRASES)
_KEYWORDS = frozenset(w for _, table in (*_PERIODS, *_INTENTS) for p in [*table, *_FILLERS] for w in p)


@dataclass(frozen=True)
class _Name:
    """One way of naming a subject (a title, an alias, an id), as the words it is matched by."""

    subject: Subject
    words: frozenset[str]
    text: str


def _name(subject: Subject, label: str) -> _Name:
    words = [w for w in _words(label) if w not in STOPWORDS]
    return _Name(subject, frozenset(words), " ".join(words))


def _names(catalog: Catalog) -> list[_Name]:
    labels: list[tuple[Subject, str]] = []
    for event in catalog.events:
        labels += [(event, label) for label in event_names(event)]
    for fact in catalog.facts:
        labels += [(fact, label) for label in (*(t for _, t in fact.title.texts), *fact.aliases.all())]
    for government in catalog.governments.values():
        names = (*(t for _, t in government.name.texts), *government.aliases.all())
        labels += [(government, label) for label in names]
    return [name for name in (_name(s, label) for s, label in labels) if name.words]


def _correct(word: str, vocabulary: list[str]) -> str:
    """A word the bot does not know becomes the nearest one it does, if that is near enough."""
    if word in STOPWORDS or len(word) > MAX_WORD_LENGTH or not word.isalpha():
        return word
    best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=CORRECTION_CUTOFF)
    return word if best is None else best[0]


def _occurrences(words: Sequence[str], phrase: tuple[str, ...]) -> list[range]:
    size = len(phrase)
    return [range(i, i + size) for i in range(len(words) - size + 1) if tuple(words[i : i + size]) == phrase]


@dataclass(frozen=True)
class _Reading:
    """What the question asks: its period or intent, and the words left to name a subject."""

    period: Period | None
    intent: Intent | None
    content: frozenset[str]
    spoken: tuple[str, ...]
    unknown: frozenset[str]
    tense: Literal["past", "future"] | None


def _says(spoken: Sequence[str], name: _Name) -> bool:
    """Whether the question spells the name out word for word (stopwords aside), not just shares words."""
    return bool(_occurrences(spoken, tuple(name.text.split())))


def _read(question: str, names: list[_Name]) -> _Reading:
    known = {w for name in names for w in name.words} | _KEYWORDS
    vocabulary = sorted(w for w in known if len(w) >= 3 and w.isalpha())
    words = [w if w in known else _correct(w, vocabulary) for w in _words(question)[:MAX_WORDS]]

    # A keyword inside a name the question spells out is part of the name: "Russia Today" is not today.
    at = [i for i, w in enumerate(words) if w not in STOPWORDS]
    spoken = tuple(words[i] for i in at)
    named = {
        at[j]
        for n in names
        if " " in n.text
        for span in _occurrences(spoken, tuple(n.text.split()))
        for j in span
    }
    used = {i for p in _FILLERS for span in _occurrences(words, p) for i in span}
    free = [w if i not in used | named else "" for i, w in enumerate(words)]
    period = next((k for k, ps in _PERIODS for p in ps if _occurrences(free, p)), None)
    intent = next((k for k, ps in _INTENTS for p in ps if _occurrences(free, p)), None)
    for _, table in (*_PERIODS, *_INTENTS):
        used |= {i for p in table for span in _occurrences(free, p) for i in span}
    content = frozenset(w for i, w in enumerate(words) if i not in used and w not in STOPWORDS)
    unknown = frozenset(w for w in content if w not in known and not any(c.isdigit() for c in w))
    tense: Literal["past", "future"] | None = None
    if FUTURE_WORDS & set(words):
        tense = "future"
    elif PAST_WORDS & set(words):
        tense = "past"
    return _Reading(period, intent, content, spoken, unknown, tense)


# ---------------------------------------------------------------- subjects


@dataclass(frozen=True)
class _Match:
    name: _Name
    score: float
    explained: frozenset[str]


def _kind_order(subject: Subject, intent: Intent | None) -> int:
    """Figures live in facts; otherwise people ask about events first, governments last."""
    order = (Fact, Event, Government) if intent is Intent.FIGURES else (Event, Fact, Government)
    return next(i for i, kind in enumerate(order) if isinstance(subject, kind))


def _find(names: list[_Name], reading: _Reading, now: datetime, context: frozenset[str]) -> list[_Match]:
    """Candidates scored by rapidfuzz, best first.

    The library's score says which names fit; among those that fit, the one explaining more of the
    question's distinctive words wins (a government's name is context, not distinctive), then the
    one whose tense matches, then the one more completely named.
    """
    if not reading.content:
        return []
    hits = process.extract(
        " ".join(sorted(reading.content)),
        [name.text for name in names],
        scorer=fuzz.token_set_ratio,
        score_cutoff=SUBJECT_CUTOFF,
        limit=None,
    )
    matches = [_Match(names[i], score, names[i].words & reading.content) for _, score, i in hits]

    def tense_fits(subject: Subject) -> bool:
        if reading.tense is None or not isinstance(subject, Event):
            return False
        over = countdown(subject, now).phase is Phase.OVER
        return over == (reading.tense == "past")

    def rank(pair: tuple[int, _Match]) -> tuple[int, bool, int, float, float, int, int]:
        order, match = pair
        return (
            len(match.explained - context),
            tense_fits(match.name.subject),
            len(match.explained & context),
            match.score,
            len(match.explained) / len(match.name.words),
            -_kind_order(match.name.subject, reading.intent),
            -order,
        )

    return [m for _, m in sorted(enumerate(matches), key=rank, reverse=True)]


def _named_government(names: list[_Name], reading: _Reading, best: _Match | None) -> Government | None:
    """The one government the question names beyond its subject: "has Moscow confirmed the Delhi
    summit?" names Russia, for "Delhi" is part of the summit's name as the question spells it."""
    subject = best.name.subject if best is not None else None
    rest = reading.content - {
        w for n in names if n.subject == subject and _says(reading.spoken, n) for w in n.words
    }
    found = {n.subject for n in names if isinstance(n.subject, Government) and n.words <= rest}
    return found.pop() if len(found) == 1 else None


# ---------------------------------------------------------------- periods


def _period_days(period: Period, today: date) -> tuple[date, date]:
    """The days a period still has: "this week" runs from today to Sunday."""
    next_month = month_end(today) + timedelta(days=1)
    monday = today + timedelta(days=7 - today.weekday())
    return {
        Period.TODAY: (today, today),
        Period.TOMORROW: (today + timedelta(days=1), today + timedelta(days=1)),
        Period.THIS_WEEK: (today, monday - timedelta(days=1)),
        Period.NEXT_WEEK: (monday, monday + timedelta(days=6)),
        Period.THIS_MONTH: (today, month_end(today)),
        Period.NEXT_MONTH: (next_month, month_end(next_month)),
    }[period]


def _in_period(
    catalog: Catalog, now: datetime, days: tuple[date, date], today: date
) -> tuple[list[Event], list[Event]]:
    """(surely in the period, possibly in it). A window or month counts as sure only when all its
    remaining days fall inside the period: "November" is this month in November, maybe this week."""
    sure: list[Event] = []
    maybe: list[Event] = []
    for event in upcoming(catalog, now):
        when = event.when
        first = when.first if when.precision in DATED else max(when.first, today)
        if when.last < days[0] or first > days[1]:
            continue
        inside = when.precision in DATED or (days[0] <= first and when.last <= days[1])
        (sure if inside else maybe).append(event)
    return sure, maybe


def _period_answer(
    catalog: Catalog,
    now: datetime,
    period: Period,
    lang: Language,
    zone: ZoneInfo | None,
    asked: Event | None,
) -> str:
    today = now.astimezone(zone or catalog.zone).date()
    days = _period_days(period, today)
    sure, maybe = _in_period(catalog, now, days, today)
    if asked is not None:
        sure, maybe = [e for e in sure if e is asked], [e for e in maybe if e is asked]
    later = next_up(catalog, now)
    return say.answer_period_html(
        period.value, days, (sure, maybe), now, lang, zone, asked, later.event if later is not None else None
    )


# ---------------------------------------------------------------- answers


def answer(
    catalog: Catalog, now: datetime, question: str, lang: Language, reader_zone: ZoneInfo | None = None
) -> str:
    """Telegram HTML answering ``question`` from ``catalog`` as of ``now``; never longer than a message."""
    html = _answer(catalog, now, question, lang, reader_zone)
    return html if len(html) <= MESSAGE_LIMIT else say.too_long_html(lang)


def _answer(catalog: Catalog, now: datetime, question: str, lang: Language, zone: ZoneInfo | None) -> str:
    text = unicodedata.normalize("NFKC", question[:MAX_QUESTION_CHARS])
    text = _TAG.sub(" ", _MENTION.sub("", text, count=1))
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return say.prompt_html(lang)
    latin = sum(unicodedata.name(c, "").startswith("LATIN") for c in letters)
    if latin * 2 < len(letters):
        return say.foreign_html(lang)

    names = _names(catalog)
    context = frozenset(w for n in names if isinstance(n.subject, Government) for w in n.words)
    reading = _read(text, names)
    matches = _find(names, reading, now, context)
    best = matches[0] if matches else None
    # "What is the weather in Delhi?" names the summit's place, but it is not about the summit: a
    # question with as many words the file never uses as words naming its subject is not answered.
    if reading.unknown and len(reading.unknown) >= (len(best.explained) if best is not None else 0):
        return _unknown(catalog, now, matches, lang)

    subject = best.name.subject if best is not None else None
    event = subject if isinstance(subject, Event) else None
    if reading.period is not None:
        return _period_answer(catalog, now, reading.period, lang, zone, event)
    if reading.intent is Intent.NEXT:
        return cards.next_html(next_up(catalog, now), now, lang, zone)
    if isinstance(subject, Fact):
        return _facts(catalog, subject, names, reading, lang)
    if isinstance(subject, Government) and reading.intent in (None, Intent.WHAT_IS):
        involved = [e for e in catalog.events if subject in e.governments]
        return say.answer_government_html(subject, involved, now, lang, zone)
    if event is None:
        if reading.intent is Intent.HISTORY:
            return say.answer_news_html(_news(catalog), lang)
        if reading.intent is Intent.FIGURES and catalog.facts:
            return say.answer_facts_html(catalog.facts, lang)
        if reading.intent in (None, Intent.WHAT_IS):
            return say.prompt_html(lang) if not reading.content else _unknown(catalog, now, matches, lang)
        following = next_up(catalog, now)
        if following is None:
            return cards.next_html(None, now, lang, zone)
        event = following.event
    government = subject if isinstance(subject, Government) else _named_government(names, reading, best)
    return _about(catalog, event, reading.intent, now, lang, zone, government)


def _about(
    catalog: Catalog,
    event: Event,
    intent: Intent | None,
    now: datetime,
    lang: Language,
    zone: ZoneInfo | None,
    government: Government | None,
) -> str:
    host = catalog.get(event.during) if event.during is not None else None
    match intent:
        case Intent.WHEN:
            return say.answer_when_html(event, now, lang, zone, host)
        case Intent.WHERE:
            return say.answer_where_html(event, now, lang, zone, host)
        case Intent.CONFIRMED:
            return say.answer_confirmed_html(event, now, lang, zone, government)
        case Intent.WHO_CONFIRMED:
            return say.answer_who_confirmed_html(event, now, lang, zone)
        case Intent.HOW_LONG:
            return say.answer_how_long_html(event, now, lang, zone)
        case Intent.PAST:
            return say.answer_past_html(event, now, lang, zone)
        case Intent.HISTORY:
            return say.answer_history_html(event, now, lang, zone)
        case _:
            return cards.event_card_html(event, now, lang, zone)


def _facts(catalog: Catalog, fact: Fact, names: list[_Name], reading: _Reading, lang: Language) -> str:
    """The fact asked about, then every other fact the question names in full: "how big is the trade
    deficit?" also gets the trade and export figures, since the file gives no deficit figure."""
    also = [n.subject for n in names if isinstance(n.subject, Fact) and n.words <= reading.content]
    facts = list(dict.fromkeys([fact, *(f for f in catalog.facts if f in also)]))
    return say.answer_facts_html(facts, lang)


def _news(catalog: Catalog) -> list[tuple[Event, HistoryItem]]:
    entries = [(event, item) for event in catalog.events for item in event.history]
    return sorted(entries, key=lambda pair: (pair[1].on, pair[0].id), reverse=True)[:MAX_NEWS]


def _unknown(catalog: Catalog, now: datetime, matches: list[_Match], lang: Language) -> str:
    """The events the question came closest to naming, else the next ones on the calendar."""
    close = [m.name.subject for m in matches if isinstance(m.name.subject, Event)]
    suggestions = list(dict.fromkeys(close or upcoming(catalog, now)))[:MAX_SUGGESTIONS]
    return say.answer_unknown_html(suggestions, lang)
