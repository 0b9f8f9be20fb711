"""Questions in plain words, answered from the real events file: the question set, and what every answer owes.

The table is the bot's accuracy benchmark: each row is a question people actually ask (misspelt,
shouted, in another script, hostile), the moment it is asked, and what the answer must and must not
say. Fragments are checked in the text a Telegram user reads (parsed the way Telegram parses HTML), and
the must-nots also in the raw HTML, so an escaped echo of the question cannot slip through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot import answers
from bot.events import Catalog, fields, load_events, parse_events
from bot.localapi import _render
from bot.wording.fit import MESSAGE_LIMIT
from bot.wording.language import ENGLISH as EN

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "config" / "events.yaml"
IST = ZoneInfo("Asia/Kolkata")
SEED_DAY = "2025-10-01T09:00+05:30"
SOURCE = "(1 October 2025)"
SOURCES = (SOURCE, "(1 октября 2025", "(1 अक्टूबर 2025)")
"""The source's date as each language cites it."""
DONT_KNOW = "I don't know"
COMMANDS = ["/next", "/events", "/help"]
MADE_UP = ["$", "billion", "2026", "°"]

SUMMIT = "23rd India–Russia annual summit"
SUMMIT_DAYS = "5–6 December 2025"
LAVROV = "Foreign Minister Sergey Lavrov's visit to India"
COMMISSION = "Inter-Governmental Commission on Military Technical Cooperation"
RT = "Launch of RT's India edition"
UNCONFIRMED = "Unconfirmed by either government"
TRADE = "$68.7 billion"
EXPORTS = "$4.88 billion"
DEFICIT_SUMS = ["63.8", "63.82", "$63", "deficit of $", "deficit is $"]


class Row(NamedTuple):
    question: str
    must_contain: Sequence[str]
    must_not_contain: Sequence[str] = ()
    as_of: str = SEED_DAY
    name: str = ""


QUESTIONS: list[Row] = [
    # the questions the brief names
    Row("when is the summit?", [SUMMIT, SUMMIT_DAYS, "in 65 days", UNCONFIRMED, SOURCE], ["Yes"]),
    Row("is Putin's visit confirmed?", ["Not yet", SUMMIT, UNCONFIRMED, SOURCE], ["Yes"]),
    Row("has Russia confirmed?", ["Russia has not confirmed", SUMMIT, SOURCE], ["Yes"]),
    Row("where will it be held?", [SUMMIT, "New Delhi", SOURCE]),
    Row(
        "when is Lavrov coming to India?",
        [LAVROV, "expected in November 2025", SOURCE],
        ["1 November"],
    ),
    Row("how many days until the summit?", [SUMMIT, "in 65 days", SUMMIT_DAYS, SOURCE], ["hour", "minute"]),
    Row(
        "what is the trade between India and Russia?", [TRADE, "2024–25", "Russian oil", SOURCE], DEFICIT_SUMS
    ),
    Row("how big is the trade deficit?", ["key focus", "no figure", TRADE, EXPORTS, SOURCE], DEFICIT_SUMS),
    Row("what is RT India?", [RT, "state-backed broadcaster", SUMMIT_DAYS, SOURCE]),
    Row(
        "what happened at the SCO summit?",
        ["SCO Summit", "September 2025", "reaffirmed their commitment to the strategic partnership", SOURCE],
        ["has not happened", SUMMIT],
    ),
    Row("what's next?", ["Next:", SUMMIT, "in 65 days", "Possibly before that", LAVROV, COMMISSION, SOURCE]),
    # misspelt
    Row("wen is the sumit", [SUMMIT, SUMMIT_DAYS, "in 65 days", SOURCE]),
    Row("is putn's vist confirmd", ["Not yet", UNCONFIRMED, SOURCE], ["Yes"]),
    Row("lavrof visit", [LAVROV, "November 2025", SOURCE]),
    Row("whens the summmit", [SUMMIT_DAYS, SOURCE]),
    Row("is belousov comming", [COMMISSION, "expected between 2 and 31 October 2025", SOURCE]),
    Row("how mutch do india exprts to rusia", [EXPORTS, SOURCE], DEFICIT_SUMS),
    # odd wording, word order, case, typography
    Row("summit when?", [SUMMIT_DAYS, "in 65 days", SOURCE]),
    Row("CONFIRMED BY INDIA??", ["India has not confirmed", SUMMIT, SOURCE], ["Yes"]),
    Row("delhi summit dates", [SUMMIT, SUMMIT_DAYS, SOURCE]),
    Row("SUMMIT???", [SUMMIT, SUMMIT_DAYS, "New Delhi", SOURCE]),
    Row("Is Putin’s visit confirmed?", ["Not yet", UNCONFIRMED, SOURCE], ["Yes"], name="curly-apostrophe"),
    Row("ｗｈｅｎ ｉｓ ｔｈｅ ｓｕｍｍｉｔ", [SUMMIT_DAYS, SOURCE], name="fullwidth-letters"),
    Row("when's the summit", [SUMMIT_DAYS, SOURCE]),
    Row("what day does the summit start?", [SUMMIT_DAYS, SOURCE]),
    Row("confirmed? the summit, is it", ["Not yet", UNCONFIRMED, SOURCE]),
    # the file's aliases for people, places and things
    Row("the Russian President's visit", [SUMMIT, SUMMIT_DAYS, "New Delhi", SOURCE]),
    Row("Vladimir Putin", [SUMMIT, SUMMIT_DAYS, SOURCE]),
    Row("Foreign Minister", [LAVROV, "November 2025", SOURCE]),
    Row("Belousov", [COMMISSION, "Belousov", "expected between 2 and 31 October 2025", SOURCE]),
    Row("Delhi", [SUMMIT, "New Delhi", SUMMIT_DAYS, SOURCE]),
    Row("Sergey Lavrov", [LAVROV, SOURCE]),
    Row("RT", [RT, SOURCE]),
    Row("Russia Today launch date", [RT, SUMMIT_DAYS, f"during the {SUMMIT}", SOURCE]),
    Row("who is Belousov?", [COMMISSION, "Defence Minister Andrey Belousov", SOURCE]),
    Row("last year's summit", ["Last year's annual summit, in Russia", "2024", SOURCE], [SUMMIT_DAYS]),
    Row("tell me about the Kremlin", ["Russia", "takes part in", SUMMIT, SOURCE]),
    # the @mention Telegram puts in front of a question in a group
    Row("@SummitBot when is the summit?", [SUMMIT_DAYS, SOURCE], ["SummitBot"]),
    Row("@summit_bot, has Moscow confirmed the Delhi summit?", ["Russia has not confirmed", SUMMIT, SOURCE]),
    # confirmations, per government and per event
    Row(
        "which governments have confirmed the summit?",
        ["Confirmed by: no government yet", "India and Russia"],
    ),
    Row("is the summit confirmed by the kremlin?", ["Russia has not confirmed", SOURCE], ["Yes"]),
    Row("has India confirmed Lavrov's visit?", ["India has not confirmed", LAVROV, SOURCE], ["Yes"]),
    Row("is the RT launch confirmed?", [RT, "Not yet confirmed by Russia", SOURCE], ["Yes"]),
    Row("which side has confirmed RT India?", [RT, "Not yet confirmed by: Russia", SOURCE]),
    # where
    Row("where is the military commission?", [COMMISSION, "no place", "does not say where it meets", SOURCE]),
    Row("where is the RT launch?", [RT, "📍 New Delhi", f"during the {SUMMIT}", SOURCE]),
    # countdowns, honest about precision
    Row("countdown to the summit", [SUMMIT, "in 65 days", SOURCE], ["hour"]),
    Row(
        "how long until Lavrov's visit?",
        [LAVROV, "expected in November 2025", "in 4 to 8 weeks", SOURCE],
        ["day,"],
    ),
    Row(
        "when is the military commission",
        [COMMISSION, "expected between 2 and 31 October 2025", "later this month", SOURCE],
        ["hour"],
    ),
    Row(
        "how many days until the summit?",
        [SUMMIT, "tomorrow", SOURCE],
        ["in 1 days"],
        "2025-12-04T09:00+05:30",
    ),
    Row(
        "when is the summit?",
        ["— 5–6 December 2025", SOURCE],
        ["in 65 days", "under way"],
        "2025-12-07T09:00+05:30",
    ),
    # relative time, against the moment of asking
    Row(
        "what's happening this week?",
        ["This week", "3–7 December 2025", SUMMIT, "in 2 days", SOURCE],
        [LAVROV],
        "2025-12-03T09:00+05:30",
    ),
    Row(
        "anything tomorrow?",
        ["Tomorrow", "5 December 2025", SUMMIT, "tomorrow", SOURCE],
        [LAVROV],
        "2025-12-04T09:00+05:30",
    ),
    Row(
        "what's next month?",
        ["Next month", LAVROV, "expected in November 2025", SOURCE],
        [SUMMIT, COMMISSION],
        "2025-10-15T09:00+05:30",
    ),
    Row(
        "what's on today",
        ["Today", "5 December 2025", SUMMIT, "under way: day 1 of 2", SOURCE],
        [],
        "2025-12-05T09:00+05:30",
    ),
    Row(
        "what's on this month?",
        ["This month", COMMISSION, "expected between 2 and 31 October 2025", SOURCE],
        [LAVROV, SUMMIT],
    ),
    Row("anything this week?", ["Possibly", COMMISSION, SOURCE], [SUMMIT], "2025-10-15T09:00+05:30"),
    Row(
        "anything next week?",
        ["Nothing in the calendar next week", "Next:", SUMMIT, SOURCE],
        [],
        "2025-12-01T09:00+05:30",
    ),
    Row(
        "what's happening this month?",
        ["This month", LAVROV, SOURCE],
        [SUMMIT, "Possibly"],
        "2025-11-10T09:00+05:30",
    ),
    Row("is the summit this week?", ["not expected this week", SUMMIT_DAYS, "in 65 days", SOURCE]),
    # past events
    Row(
        "when did Putin last visit India?",
        ["Putin's last visit to India", "in 2021", SOURCE],
        [SUMMIT_DAYS],
    ),
    Row(
        "when did Modi go to Russia?",
        ["Last year's annual summit, in Russia", "2024", "Modi visited Russia", SOURCE],
    ),
    Row("Putin visit 2021", ["Putin's last visit to India", "2021", SOURCE], [SUMMIT_DAYS]),
    Row("when will Putin and Modi meet?", [SUMMIT, SUMMIT_DAYS, SOURCE], ["SCO"]),
    Row("what happened at the summit?", [SUMMIT, "has not happened yet", SUMMIT_DAYS, SOURCE]),
    Row(
        "history of the summit",
        ["History", SUMMIT, "1 October 2025: Reported", "neither New Delhi nor Moscow", SOURCE],
    ),
    Row("what's new?", ["Latest changes", SUMMIT, "1 October 2025: Reported", SOURCE]),
    # facts, as the file words them and nothing computed
    Row("how much does India export to Russia?", [EXPORTS, SOURCE], DEFICIT_SUMS),
    Row("why the US tariffs?", ["US tariffs on India", "punitive tariffs", "Russian crude oil", SOURCE]),
    Row("how much is bilateral trade?", [TRADE, SOURCE], DEFICIT_SUMS),
    Row("what are India's oil imports?", [TRADE, "discounted Russian oil", SOURCE]),
    Row("trade deficit figure", ["no figure", TRADE, EXPORTS, SOURCE], DEFICIT_SUMS),
    Row("what is the deficit in numbers?", ["no figure", SOURCE], DEFICIT_SUMS),
    Row(
        "is it Putin's first visit since the Ukraine war?",
        ["first visit to India since the Russia–Ukraine conflict began in February 2022", SOURCE],
    ),
    # unanswerable: said so, with the closest events and the commands, and nothing invented
    Row("who will win the world cup?", [DONT_KNOW, *COMMANDS], MADE_UP),
    Row("what is the weather in Delhi?", [DONT_KNOW, SUMMIT, *COMMANDS], [*MADE_UP, "rain", "sunny"]),
    Row("how much will the summit cost?", [DONT_KNOW, SUMMIT, *COMMANDS], MADE_UP),
    Row("will it rain in Moscow tomorrow?", [DONT_KNOW, *COMMANDS], MADE_UP),
    Row("who is the president of the USA?", [DONT_KNOW, *COMMANDS], MADE_UP),
    Row("what is the capital of France?", [DONT_KNOW, *COMMANDS], [*MADE_UP, "Paris"]),
    Row("asdfghjkl", [DONT_KNOW, *COMMANDS], MADE_UP),
    Row("Cuándo es la cumbre?", [DONT_KNOW, *COMMANDS], MADE_UP, name="spanish"),
    # other scripts: Russian and Hindi are answered in Russian and Hindi, any other gets a polite reply
    Row("Когда саммит?", ["5—6 декабря 2025", "1 октября 2025"], [SUMMIT_DAYS, "English"], name="russian"),
    Row("शिखर सम्मेलन कब है?", ["5–6 दिसंबर 2025", "1 अक्टूबर 2025"], [SUMMIT_DAYS, "English"], name="hindi"),
    Row("峰会什么时候？", ["English", *COMMANDS], [SUMMIT_DAYS], name="chinese"),
    # markup in the question is never echoed
    Row(
        "<b>when</b> is the *summit*",
        [SUMMIT_DAYS, SOURCE],
        ["<b>when</b>", "*summit*", "&lt;b&gt;"],
        name="html-injection",
    ),
    Row(
        "<a href='http://x'>where</a> is _the_ `summit`",
        ["New Delhi"],
        ["href", "http://x"],
        name="link-injection",
    ),
    # length and emptiness
    Row(("when is the summit? " * 200)[:4000], [SUMMIT_DAYS, SOURCE], name="4000-characters"),
    Row("x" * 4000, [DONT_KNOW], name="4000-letter-word"),
    Row("🤔🙏🇮🇳", ["for example", "when is the summit?", "/help"], [SOURCE], name="emoji-only"),
    Row("", ["for example", "/help"], [SOURCE], name="empty"),
    Row("  ?!?…  ", ["for example", "/help"], [SOURCE], name="punctuation-only"),
    Row("hello", ["for example", "/help"], [SOURCE]),
]

RESULTS: list[tuple[str, bool]] = []


def _row_id(index: int, row: Row) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", row.question.lower()).strip("-")[:40] or "blank"
    return f"{index:02d}-{row.name or slug}"


@pytest.fixture(scope="module")
def seed() -> Catalog:
    return load_events(SEED)


def plain(html: str) -> str:
    """What a Telegram user reads; parsing fails, as Telegram would, on broken markup or a long message."""
    return _render(html, "HTML")[0]


def ask(catalog: Catalog, question: str, as_of: str = SEED_DAY) -> str:
    return answers.answer(catalog, datetime.fromisoformat(as_of), question, EN, IST)


@pytest.mark.parametrize("row", [pytest.param(r, id=_row_id(i, r)) for i, r in enumerate(QUESTIONS, 1)])
def test_the_question_set(row: Row, seed: Catalog) -> None:
    correct = False
    try:
        html = ask(seed, row.question, row.as_of)
        text = plain(html)
        assert [f for f in row.must_contain if f not in text] == [], text
        assert [f for f in row.must_not_contain if f in text or f in html] == [], html
        correct = True
    finally:
        RESULTS.append((row.question, correct))


def test_the_question_set_covers_what_it_promises() -> None:
    assert len(QUESTIONS) >= 70
    assert len({_row_id(i, r) for i, r in enumerate(QUESTIONS, 1)}) == len(QUESTIONS)


def test_every_answer_fits_one_message_and_cites_the_source_of_what_it_states(seed: Catalog) -> None:
    for row in QUESTIONS:
        html = ask(seed, row.question, row.as_of)
        assert len(html) <= MESSAGE_LIMIT, row.question
        text = plain(html)
        if "$" in text or re.search(r"\b(?:19|20)\d\d\b", text):
            assert any(source in text for source in SOURCES), (row.question, text)


def test_answers_are_a_pure_function_of_their_inputs(seed: Catalog) -> None:
    now = datetime.fromisoformat(SEED_DAY)
    first = [answers.answer(seed, now, row.question, EN) for row in QUESTIONS]
    assert [answers.answer(seed, now, row.question, EN) for row in QUESTIONS] == first
    assert seed == load_events(SEED)


# ---------------------------------------------------------------- other files, other moments


def edited_seed(**changes: Any) -> Catalog:
    """The seed file with the summit's entry changed, as the operator would edit it."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    summit = next(e for e in data["events"] if e["id"] == "summit-2025")
    summit.update(changes)
    return parse_events(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "edited.yaml")


def test_confirmed_answers_follow_confirmed_by_in_the_file() -> None:
    status = {"lifecycle": "planned", "confirmed_by": ["russia"], "source": "report-2025-10-01"}
    catalog = edited_seed(status=status)
    assert plain(ask(catalog, "has Russia confirmed?")).startswith("Yes: Russia has confirmed it.")
    assert plain(ask(catalog, "has India confirmed?")).startswith("Not yet: India has not confirmed it.")
    assert "Confirmed by Russia; not yet by India" in plain(ask(catalog, "is Putin's visit confirmed?"))
    who = plain(ask(catalog, "which government confirmed the summit?"))
    assert "Confirmed by: Russia" in who
    assert "Not yet confirmed by: India" in who


def test_a_cancelled_event_is_said_to_be_cancelled_not_pending_confirmation() -> None:
    catalog = edited_seed(status={"lifecycle": "cancelled", "source": "report-2025-10-01"})
    text = plain(ask(catalog, "is the summit confirmed?"))
    assert "Cancelled" in text
    assert "Not yet" not in text
    assert "Yes" not in text


def test_with_nothing_left_on_the_calendar_the_bot_says_so(seed: Catalog) -> None:
    later = "2026-03-01T09:00+05:30"
    assert "No upcoming events" in plain(ask(seed, "what's next?", later))
    assert "No upcoming events" in plain(ask(seed, "when is it?", later))
    assert "Nothing in the calendar next week" in plain(ask(seed, "anything next week?", later))


def test_an_exact_time_is_also_given_in_the_readers_zone() -> None:
    catalog = edited_seed(when={"at": "2025-12-05T10:30"})
    now = datetime.fromisoformat(SEED_DAY)
    text = plain(answers.answer(catalog, now, "when is the summit?", EN, ZoneInfo("Europe/Moscow")))
    assert "Friday, 5 December 2025, 10:30\u202fAM IST" in text
    assert "5 Dec 2025, 8:00\u202fAM MSK your time" in text


def test_huge_titles_and_notes_still_give_one_valid_message() -> None:
    """Every text field at its length limit, full of characters that escaping lengthens."""

    def long(limit: int) -> str:
        return ("<&>" * limit)[:limit]

    data: dict[str, Any] = {
        "timezone": "Asia/Kolkata",
        "governments": {"india": {"name": "India", "aliases": [long(fields.MAX_ALIAS)]}},
        "sources": {
            "s": {
                "title": long(fields.MAX_SOURCE_TITLE),
                "by": long(fields.MAX_SOURCE_BY),
                "date": "2025-10-01",
            }
        },
        "events": [
            {
                "id": f"e{i}",
                "title": f"Summit {i} {long(fields.MAX_TITLE)}"[: fields.MAX_TITLE],
                "when": {"date": f"2025-10-{i + 2:02d}"},
                "place": long(fields.MAX_PLACE),
                "governments": ["india"],
                "status": {"source": "s"},
                "note": long(fields.MAX_NOTE),
                "source": "s",
                "aliases": ["summit"],
                "history": [
                    {
                        "date": "2025-10-01",
                        "change": "reported",
                        "note": long(fields.MAX_HISTORY_NOTE),
                        "source": "s",
                    }
                ],
            }
            for i in range(20)
        ],
        "facts": [
            {
                "id": f"f{i}",
                "title": f"trade {long(fields.MAX_TITLE)}"[: fields.MAX_TITLE],
                "text": long(fields.MAX_FACT_TEXT),
                "source": "s",
                "aliases": ["trade"],
            }
            for i in range(10)
        ],
    }
    catalog = parse_events(yaml.safe_dump(data, allow_unicode=True), "long.yaml")
    for question in [
        "what's next?",
        "this month",
        "India",
        "what's new?",
        "trade",
        "how much?",
        "summit",
        "where is the summit?",
        "history of the summit",
        "who will win the world cup?",
    ]:
        html = answers.answer(catalog, datetime.fromisoformat(SEED_DAY), question, EN)
        assert len(html) <= MESSAGE_LIMIT, question
        plain(html)
