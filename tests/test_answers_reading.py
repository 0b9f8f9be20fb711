"""How the engine reads a question (words, language, periods, premises) and what it holds of the file.

The question sets (``test_answers.py``, ``test_answers_languages.py``) judge whole answers; these pin
the parts they are built from, so that a change to one part shows where it broke.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import answers
from bot.answers import intents, language, lexicon, passages, periods, premises, retrieval
from bot.answers.passages import Kind
from bot.answers.text import clean, normalise, words
from bot.events import Catalog, Fact, load_events, parse_events
from bot.localapi import _render
from bot.wording.fit import MESSAGE_LIMIT
from bot.wording.language import ENGLISH
from bot.wording.language import language as language_of
from tests.conftest import Harness

SEED = Path(__file__).resolve().parent.parent / "config" / "events.yaml"
IST = ZoneInfo("Asia/Kolkata")
MORNING = datetime(2025, 10, 1, 9, 0, tzinfo=IST)
TODAY = MORNING.date()
RU = language_of("ru")
HI = language_of("hi")


@pytest.fixture(scope="module")
def seed() -> Catalog:
    return load_events(SEED)


def plain(catalog: Catalog, question: str, chat: str = "en", now: datetime = MORNING) -> str:
    return _render(answers.answer(catalog, now, question, language_of(chat), IST), "HTML")[0]


def read(catalog: Catalog, question: str, code: str = "en", today: date = TODAY) -> intents.Reading:
    words_of = lexicon.for_language(code)
    index = passages.index(catalog, language_of(code))
    return intents.read(words_of.words(clean(question)), words_of, index, today)


# ---------------------------------------------------------------- words


def test_a_mention_anywhere_in_the_message_is_not_part_of_the_question() -> None:
    assert clean("hey @YourBot when's Putin arriving? @other_bot").split() == [
        "hey",
        "when's",
        "Putin",
        "arriving?",
    ]


def test_case_accents_yo_nukta_and_chandrabindu_are_folded_away() -> None:
    assert normalise("Cuándo ЁЛКА कहाँ ज़रूर") == "cuando елка कहां जरूर"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Путина", "Путин"),
        ("визита", "визит"),
        ("саммите", "саммит"),
        ("Индию", "Индии"),
        ("confirmed", "confirmation"),
        ("यात्राओं", "यात्रा"),
    ],
)
def test_inflected_forms_share_one_stem_without_any_list_of_forms(one: str, other: str) -> None:
    assert words(one)[0].stem == words(other)[0].stem


def test_irregular_forms_and_acronyms_are_read_as_what_they_are() -> None:
    en = lexicon.for_language("en")
    met, us = en.words("they met after the US tariffs")[1], en.words("they met after the US tariffs")[4]
    assert met.stem == "meet"
    assert us.acronym
    assert not en.words("WHEN IS THE SUMMIT")[0].acronym


def test_misspelt_names_are_pulled_to_the_files_names_but_common_words_are_not(seed: Catalog) -> None:
    assert [w.text for w in read(seed, "wen is putn's vist").words] == ["when", "is", "putin", "visit"]
    assert read(seed, "Когда Путен приедет?", "ru").words[1].text == "путин"
    assert read(seed, "what is the price of oil?").words[3].text == "price"


# ---------------------------------------------------------------- language


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("when is the summit?", "en"),
        ("Когда саммит?", "ru"),
        ("शिखर सम्मेलन कब है?", "hi"),
        ("峰会什么时候？", None),
    ],
)
def test_the_language_is_the_script_of_most_letters(question: str, code: str | None) -> None:
    assert language.detect(question) == code


def test_hindi_in_latin_letters_is_answered_in_the_chats_language(seed: Catalog) -> None:
    assert "दिसंबर 2025" in plain(seed, "putin kab aa rahe hain?", "hi")
    assert "December 2025" in plain(seed, "putin kab aa rahe hain?", "en")


def test_a_question_is_answered_in_its_own_language_whatever_the_chats(seed: Catalog) -> None:
    assert "5—6 декабря 2025" in plain(seed, "Когда саммит?", "en")
    assert "5–6 December 2025" in plain(seed, "when is the summit?", "hi")
    assert plain(seed, "峰会什么时候？", "ru").startswith("Извините")


def test_every_language_file_loads_and_names_only_intents_the_engine_answers() -> None:
    lexicon.load()
    known = set(intents.Intent.__args__)  # type: ignore[attr-defined]
    for code in (*lexicon.LANGUAGES, "hi-Latn"):
        assert {name for name, _ in lexicon.for_language(code).intents} <= known, code


def test_a_language_file_with_an_unquoted_yes_is_refused() -> None:
    text = (Path(lexicon.__file__).parent.parent / "data" / "answers" / "en.yaml").read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    spec["stopwords"].append(True)
    with pytest.raises(ValueError, match="stopwords"):
        lexicon._File.model_validate(spec)


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("code", "question", "kind", "first", "last"),
    [
        ("en", "anything in the next three months?", "next_months", "2025-10-01", "2026-01-01"),
        ("en", "anything within 10 days?", "next_days", "2025-10-01", "2025-10-11"),
        ("en", "did they meet last month?", "last_month", "2025-09-01", "2025-09-30"),
        ("en", "is it before new year?", "year_end", "2025-10-01", "2025-12-31"),
        ("en", "what's planned before December?", "until", "2025-10-01", "2025-11-30"),
        ("en", "what happened in the last 30 days?", "last_days", "2025-09-01", "2025-10-01"),
        ("en", "is the summit on December 10?", "day", "2025-12-10", "2025-12-10"),
        ("en", "what happened in September?", "month", "2025-09-01", "2025-09-30"),
        ("en", "what's on in the next fortnight?", "next_weeks", "2025-10-01", "2025-10-15"),
        ("ru", "Что-нибудь будет в ближайшие три месяца?", "next_months", "2025-10-01", "2026-01-01"),
        ("ru", "Встречались ли они в прошлом месяце?", "last_month", "2025-09-01", "2025-09-30"),
        ("ru", "Это будет до Нового года?", "year_end", "2025-10-01", "2025-12-31"),
        ("ru", "Что будет через месяц?", "next_months", "2025-10-01", "2025-11-01"),
        ("ru", "Лавров приедет до декабря?", "until", "2025-10-01", "2025-11-30"),
        ("hi", "अगले तीन महीनों में कुछ है?", "next_months", "2025-10-01", "2026-01-01"),
        ("hi", "10 दिनों के भीतर कुछ है?", "next_days", "2025-10-01", "2025-10-11"),
        ("hi", "क्या वे पिछले महीने मिले थे?", "last_month", "2025-09-01", "2025-09-30"),
        ("hi", "क्या 2021 में कुछ हुआ?", "year", "2021-01-01", "2021-12-31"),
    ],
)
def test_periods_of_any_length_are_counted_from_the_readers_today(
    seed: Catalog, code: str, question: str, kind: str, first: str, last: str
) -> None:
    found = read(seed, question, code).period
    assert found is not None
    assert (found.period.kind.value, found.period.first.isoformat(), found.period.last.isoformat()) == (
        kind,
        first,
        last,
    )


def test_russia_today_is_a_name_not_a_day(seed: Catalog) -> None:
    assert read(seed, "Russia Today launch date").period is None


def test_an_event_known_to_the_month_is_possibly_in_a_period_that_covers_part_of_it(seed: Catalog) -> None:
    lavrov = seed.get("lavrov-visit-2025")
    assert lavrov is not None
    within_ten_days = periods.Period(periods.Kind.NEXT_DAYS, date(2025, 11, 1), date(2025, 11, 11), 10)
    whole_november = periods.Period(periods.Kind.MONTH, date(2025, 11, 1), date(2025, 11, 30))
    assert periods.holding(seed, within_ten_days, MORNING, MORNING.date()).of(lavrov) == "maybe"
    assert periods.holding(seed, whole_november, MORNING, MORNING.date()).of(lavrov) == "sure"


# ---------------------------------------------------------------- premises


def test_a_figure_the_file_does_not_give_is_never_confirmed_nor_computed(seed: Catalog) -> None:
    deficit = next(f for f in seed.facts if f.id == "trade-deficit")
    trade = next(f for f in seed.facts if f.id == "bilateral-trade-2024-25")
    assert premises.figure(read(seed, "so the deficit is about $60 billion?"), [deficit], ENGLISH) == (
        premises.Figure("none", deficit)
    )
    assert premises.figure(read(seed, "was trade $70 billion?"), [trade], ENGLISH) == premises.Figure(
        "other", trade
    )
    text = plain(seed, "how big is the deficit, $63.8 billion?")
    assert "63.8" not in text
    assert "no figure" in text


def test_premises_are_corrected_before_anything_else_is_said(seed: Catalog) -> None:
    assert plain(seed, "why was the visit called off?").startswith(
        "No: 23rd India–Russia annual summit has not"
    )
    assert plain(seed, "since Moscow confirmed it, which day does he land?").startswith(
        "Not so: Russia has not confirmed it."
    )
    assert plain(seed, "Почему саммит перенесли?", "ru").startswith("Нет: событие")
    assert plain(seed, "क्या शिखर सम्मेलन मॉस्को में होगा?", "hi").startswith("नहीं:")


def test_a_premise_is_checked_against_the_event_its_own_clause_names(seed: Catalog) -> None:
    text = plain(seed, "Since the summit was cancelled, will Lavrov still come?")
    assert text.startswith("No: 23rd India–Russia annual summit has not been called off.")
    assert "November 2025" in text


def edited(**summit: Any) -> Catalog:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    next(e for e in data["events"] if e["id"] == "summit-2025").update(summit)
    return parse_events(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "edited.yaml")


def test_a_true_premise_is_not_corrected() -> None:
    cancelled = edited(status={"lifecycle": "cancelled", "source": "report-2025-10-01"})
    text = plain(cancelled, "why was the visit called off?")
    assert "has not been called off" not in text
    assert "Cancelled" in text
    confirmed = edited(
        status={"lifecycle": "planned", "confirmed_by": ["russia"], "source": "report-2025-10-01"}
    )
    assert not plain(confirmed, "since Moscow confirmed it, which day does he land?").startswith("Not so")


# ---------------------------------------------------------------- the file as passages


def test_the_index_is_built_once_per_catalog_object_and_anew_for_a_reloaded_file(seed: Catalog) -> None:
    first = passages.index(seed, ENGLISH)
    assert passages.index(seed, ENGLISH) is first
    assert passages.index(load_events(SEED), ENGLISH) is not first


def test_every_statement_of_the_file_in_every_language_is_a_passage_some_question_reaches(
    seed: Catalog,
) -> None:
    for lang in (ENGLISH, RU, HI):
        index = passages.index(seed, lang)
        statements = [p for p in index.passages if p.kind is Kind.STATEMENT]
        assert len(statements) >= len(seed.facts) + len(seed.events)
        for passage in statements:
            said = " ".join(w.text for w in words(passage.text, limit=10_000))
            reading = intents.read(words(said), lexicon.for_language(lang.code), index, MORNING.date())
            found = retrieval.passages(index, reading, passage.subject)
            # the same statement may be quoted from where the file says it again (a fact and a note)
            same = [
                p for p in found if len(set(p.stems) & set(passage.stems)) >= 0.6 * len(set(passage.stems))
            ]
            assert same, (lang.code, passage.text)


def test_open_questions_are_answered_with_the_files_sentences_quoted_and_cited(seed: Catalog) -> None:
    text = plain(seed, "why is this visit notable?")
    assert "first visit to India since the Russia–Ukraine conflict began in February 2022.”" in text
    assert "(1 October 2025)" in text
    assert "«" in plain(seed, "На каком фоне проходит саммит?", "ru")


def test_below_the_confidence_the_bot_says_it_does_not_know_and_offers_the_closest_events(
    seed: Catalog,
) -> None:
    text = plain(seed, "what will Putin eat in Delhi?")
    assert text.startswith("I don't know that")
    assert "23rd India–Russia annual summit" in text
    assert plain(seed, "Какая погода в Дели в декабре?", "ru").startswith("Этого я не знаю")


def test_answers_about_facts_never_state_a_figure_the_file_does_not(seed: Catalog) -> None:
    for question in ("what is the trade deficit?", "Каков торговый дефицит?", "व्यापार घाटा कितना है?"):
        text = plain(seed, question, language.detect(question) or "en")
        assert "63.8" not in text
        assert "63,8" not in text


def test_a_fact_answer_does_not_mistake_a_fact_for_an_event(seed: Catalog) -> None:
    assert all(isinstance(f, Fact) for f in seed.facts)
    assert "$4.88 billion" in plain(seed, "how much does India export to Russia?")


async def test_a_russian_question_in_a_group_is_answered_in_russian_when_the_bot_is_mentioned(
    bot: Harness,
) -> None:
    group = -100_200
    async with bot.running():
        assert await bot.ask(group, "Когда саммит?", chat_type="group") == []
        (reply,) = await bot.ask(group, "эй @SummitBot, когда прилетит Путин?", chat_type="group")
    assert "5—6 декабря 2025" in reply
    assert "SummitBot" not in reply


def test_a_file_with_nothing_in_it_still_gets_clear_answers() -> None:
    empty = parse_events("events: []\n", "empty.yaml")
    assert plain(empty, "anything next week?").startswith("Nothing in the calendar next week")
    assert plain(empty, "Когда саммит?", "ru").startswith("Этого я не знаю")
    assert plain(empty, "is it confirmed?").startswith("No upcoming events")


WORDS = [
    "summit",
    "Путин",
    "पुतिन",
    "when",
    "когда",
    "कब",
    "next",
    "$60",
    "billion",
    "in",
    "2021",
    "@bot",
    "?",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=30))
def test_any_message_gets_one_valid_message_back(seed: Catalog, parts: list[str]) -> None:
    for chat in ("en", "ru", "hi"):
        html = answers.answer(seed, MORNING, " ".join(parts), language_of(chat), IST)
        assert 0 < len(html) <= MESSAGE_LIMIT
        _render(html, "HTML")


@pytest.mark.parametrize(
    ("code", "question"),
    [("en", "in how many days is the summit?"), ("hi", "पुतिन भारत में कितने दिन रहेंगे?")],
)
def test_a_unit_a_question_word_counts_is_no_period(seed: Catalog, code: str, question: str) -> None:
    assert read(seed, question, code).period is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("када саммит?", "когда саммит?"),
        ("скока дней до саммита?", "сколько дней до саммита?"),
        ("скоко ждать саммита?", "сколько ждать саммита?"),
        ("когда путин приедит?", "когда путин приедет?"),
        ("чё щас с визитом Путина?", "что сейчас с визитом Путина?"),
    ],
)
def test_colloquial_russian_question_words_get_the_answer_of_the_words_meant(
    seed: Catalog, typed: str, meant: str
) -> None:
    assert plain(seed, typed, "ru") == plain(seed, meant, "ru")


def test_a_variant_is_read_as_the_word_meant_keeping_where_it_stands() -> None:
    said = lexicon.for_language("ru").words("Када, скока?")
    assert [(w.text, w.clause) for w in said] == [("когда", 0), ("сколько", 1)]


@pytest.mark.parametrize(
    ("question", "code", "missing"),
    [
        (
            "What time does the summit start?",
            "en",
            "The file gives no time of day, only the dates: 5–6 December 2025",
        ),
        ("во сколько начнется саммит?", "ru", "В файле не указано время, только даты: 5—6 декабря 2025"),
        ("सम्मेलन कितने बजे शुरू होगा?", "hi", "फ़ाइल में समय नहीं बताया गया है, केवल तारीखें: 5–6 दिसंबर 2025"),
        (
            "exact date of Lavrov's visit?",
            "en",
            "The exact date is not known yet, only: expected in November 2025",
        ),
        (
            "точная дата визита Лаврова?",
            "ru",
            "Точная дата пока неизвестна, известно лишь: ожидается в ноябре 2025",
        ),
    ],
)
def test_a_time_or_day_the_file_does_not_give_is_said_to_be_missing_first(
    seed: Catalog, question: str, code: str, missing: str
) -> None:
    assert plain(seed, question, code).startswith(missing)


def test_the_exact_day_of_an_event_known_to_the_day_is_simply_given(seed: Catalog) -> None:
    answer = plain(seed, "exact date of the summit?")
    assert answer.startswith("23rd India–Russia annual summit — 5–6 December 2025")


def test_a_detail_the_file_does_not_hold_about_a_known_event_is_not_known(seed: Catalog) -> None:
    assert plain(seed, "who is in the delegation?").startswith("I don't know that")


def test_a_place_the_file_does_not_give_starts_with_i_dont_know_then_the_event(seed: Catalog) -> None:
    answer = plain(seed, "where was the SCO summit held?").splitlines()
    assert answer[0].startswith("I don't know that")
    assert answer[1].startswith("Modi and Putin met on the sidelines of the SCO Summit")


@pytest.mark.parametrize(
    ("question", "code"),
    [("how many days will the summit last?", "en"), ("надолго Путин приедет?", "ru")],
)
def test_how_long_is_asked_of_the_named_event_lasting_several_days(
    seed: Catalog, question: str, code: str
) -> None:
    answer = plain(seed, question, code)
    assert "5–6 December 2025" in answer or "5—6 декабря 2025" in answer
    assert "2 days" in answer or "2 дня" in answer
    assert "2024" not in answer


def test_how_long_is_not_read_in_the_past_for_its_verb_last(seed: Catalog) -> None:
    assert read(seed, "how many days will the summit last?").tense is None


@pytest.mark.parametrize(
    ("question", "code", "no"),
    [
        ("this is Putin's first visit to India, right?", "en", "No: the file records an earlier one"),
        ("это ведь первый визит Путина в Индию?", "ru", "Нет: в файле есть более раннее"),
        ("क्या यह पुतिन की पहली भारत यात्रा है?", "hi", "नहीं:"),
    ],
)
def test_a_first_time_claim_is_checked_against_past_events_of_the_same_kind(
    seed: Catalog, question: str, code: str, no: str
) -> None:
    answer = plain(seed, question, code)
    assert answer.startswith(no)
    assert "2021" in answer.splitlines()[0]


@pytest.mark.parametrize(
    "question",
    ["is this Putin's first visit since 2022?", "is this Putin's first visit since the conflict began?"],
)
def test_a_first_since_a_moment_is_not_contradicted_by_what_came_before_it(
    seed: Catalog, question: str
) -> None:
    assert not plain(seed, question).startswith("No")


def test_a_meeting_elsewhere_is_no_earlier_visit_to_india(seed: Catalog) -> None:
    answer = plain(seed, "Putin is coming to India for the first time, right?")
    assert "SCO" not in answer
    assert "2021" in answer


@pytest.mark.parametrize(
    ("question", "code", "countdown"),
    [("days until putin lands?", "en", "in 4 days"), ("скока дней до приезда путина", "ru", "через 4 дня")],
)
def test_a_countdown_to_the_event_a_person_names(
    seed: Catalog, question: str, code: str, countdown: str
) -> None:
    answer = plain(seed, question, code, datetime(2025, 12, 1, 10, 0, tzinfo=IST))
    assert answer.startswith("23")
    assert countdown in answer.splitlines()[0]


# ---------------------------------------------------------------- kinds of information the file never gives


@pytest.mark.parametrize(
    ("question", "code", "asked"),
    [
        ("what deals were signed at the summit?", "en", ["deals"]),
        ("what % tariff did the US put on India?", "en", ["%"]),
        ("будут ли подписывать контракт на саммите?", "ru", ["контракт"]),
        ("समिट में क्या फैसले हुए", "hi", ["फैसले"]),
    ],
)
def test_a_word_asking_for_a_kind_of_information_is_read_as_such_even_when_the_file_never_uses_it(
    seed: Catalog, question: str, code: str, asked: list[str]
) -> None:
    reading = read(seed, question, code)
    assert [reading.words[i].text for i in sorted(reading.asked_for)] == asked


def test_a_word_of_a_longer_cue_meaning_something_else_asks_for_nothing(seed: Catalog) -> None:
    assert read(seed, "is the summit a big deal?").asked_for == frozenset()


@pytest.mark.parametrize(
    ("question", "code", "now"),
    [
        ("any s-400 deal getting signed at the summit", "en", datetime(2025, 11, 18, 20, 30, tzinfo=IST)),
        ("what deals were signed at the summit", "en", datetime(2025, 12, 9, 9, 30, tzinfo=IST)),
        ("какие пошлины ввели сша против индии, сколько процентов", "ru", MORNING),
        ("समिट में कौन कौन से समझौते होंगे", "hi", datetime(2025, 11, 19, 15, 0, tzinfo=IST)),
    ],
)
def test_an_event_named_in_a_question_asking_for_what_its_file_never_holds_is_not_an_answer(
    seed: Catalog, question: str, code: str, now: datetime
) -> None:
    answer = plain(seed, question, code, now)
    assert answer.startswith(("I don't know that", "Этого я не знаю", "यह मुझे नहीं पता"))
    assert not any(date in answer for date in ("5–6 December", "5—6 декабря", "5–6 दिसंबर"))


def test_an_asked_for_word_is_not_met_by_a_shorter_stem_beginning_it(seed: Catalog) -> None:
    """ "Дели" stems to "дел", which begins "делегация": Delhi is no delegation."""
    assert plain(seed, "кто будет в делегации Путина?", "ru").startswith("Этого я не знаю")


def test_the_tariffs_are_still_told_when_no_figure_is_asked(seed: Catalog) -> None:
    assert "punitive tariffs" in plain(seed, "what tariffs did the US slap on India?")


@pytest.mark.parametrize(
    ("question", "code", "first"),
    [
        ("days until the military tech commission meet", "en", "The exact date is not known yet, only:"),
        ("сколько дней до визита Лаврова?", "ru", "Точная дата пока неизвестна"),
        ("लावरोव की यात्रा में कितने दिन बाकी हैं?", "hi", "सटीक तारीख अभी तय नहीं है"),
    ],
)
def test_a_countdown_to_an_event_known_only_to_a_month_or_window_says_first_the_day_is_not_known(
    seed: Catalog, question: str, code: str, first: str
) -> None:
    answer = plain(seed, question, code, datetime(2025, 10, 5, 10, 0, tzinfo=IST)).splitlines()
    assert answer[0].startswith(first)
    assert len(answer) > 1


def test_a_countdown_to_an_event_known_to_the_day_just_counts(seed: Catalog) -> None:
    assert plain(seed, "how many days until the summit?").startswith(
        "23rd India–Russia annual summit: in 65 days"
    )


def test_still_on_asked_in_no_tense_is_about_the_coming_event(seed: Catalog) -> None:
    answer = plain(
        seed, "is the big india russia meeting still on", now=datetime(2025, 11, 18, 10, 0, tzinfo=IST)
    )
    assert answer.startswith("23rd India–Russia annual summit")
    assert "SCO" not in answer


def test_still_on_of_an_event_only_past_ones_name_is_that_event(seed: Catalog) -> None:
    assert plain(seed, "is the SCO meeting still on?").startswith("Modi and Putin met")
