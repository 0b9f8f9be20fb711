"""What a chat can ask, through ``bot.service`` with a real store and the seed calendar: no input, however
long, odd or hostile, gets anything but a short, well-formed reply, and nothing over-long is stored."""

from __future__ import annotations

import asyncio
import operator
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from bot.catalog import LiveCatalog, Reloaded
from bot.clock import ManualClock
from bot.localapi import _render
from bot.service import STORED_LIMIT, Chat, Summit
from bot.storage import Store
from bot.storage.models import ChatRow
from bot.wording import chat as replies
from bot.wording.fit import echoed
from tests.conftest import engine_of

ALICE = Chat(101, "private", "Alice", 101)
LONG = "x" * 4080
PLANNED = "7d 1d 2h 30m"


async def open_summit(events: Path, db: str, clock: ManualClock) -> Summit:
    summit = Summit(LiveCatalog.load(events), await Store.open(db), clock, frozenset({ALICE.id}))
    await summit.load()
    return summit


@pytest_asyncio.fixture
async def summit(events_file: Path, database_url: str, clock: ManualClock) -> AsyncIterator[Summit]:
    opened = await open_summit(events_file, database_url, clock)
    try:
        yield opened
    finally:
        await opened.store.close()


def fits_one_message(reply: str, html: bool) -> None:
    """Raises as Telegram would refuse it: bad HTML, empty, or longer than one message."""
    _render(reply, "HTML" if html else None)


# ---------------------------------------------------------------- quoting what was typed


def test_quoted_input_is_cut_to_64_characters_with_an_ellipsis() -> None:
    assert echoed(LONG) == "x" * 63 + "…"
    assert echoed("summit") == "summit"


def test_quoted_input_is_never_cut_inside_an_emoji_or_an_accented_letter() -> None:
    assert echoed("a" * 62 + "👍🏽" + "b") == "a" * 62 + "…"
    assert echoed("a" * 62 + "e\u0301zz") == "a" * 62 + "…"
    assert echoed("a" * 60 + "👨‍👩‍👧" + "b") == "a" * 60 + "…"
    family = "👨‍👩‍👧 🇮🇳 🏴󠁧󠁢󠁥󠁮󠁧󠁿"
    assert echoed(family) == family


def test_quoted_input_loses_line_breaks_direction_overrides_and_invisible_characters() -> None:
    assert echoed("New\nDelhi\t\x00now") == "New Delhi now"
    assert echoed("\u202egnp.exe\u202c summit\u200b\ufeff") == "gnp.exe summit"
    assert echoed("\u200b\u2066 \u200e") == ""


# ---------------------------------------------------------------- /event


async def test_event_followed_by_4080_characters_gets_a_short_no_event_reply(summit: Summit) -> None:
    reply = await summit.event_html(ALICE, LONG)
    assert reply.startswith(f"I found no event called “{'x' * 63}…”. Try: ")
    assert len(reply) < 500


async def test_event_with_only_invisible_characters_asks_which_event(summit: Summit) -> None:
    reply = await summit.event_html(ALICE, "\u200b\u202e")
    assert reply.startswith("Which event? For example /event military-commission-2025.")


async def test_event_with_markup_in_its_name_is_quoted_escaped(summit: Summit) -> None:
    reply = await summit.event_html(ALICE, "<script>alert(1)</script>")
    assert reply.startswith("I found no event called “&lt;script&gt;alert(1)&lt;/script&gt;”.")
    fits_one_message(reply, html=True)


# ---------------------------------------------------------------- /timezone


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("America/New_York", "America/New_York"),
        ("IST", "Asia/Kolkata"),
        ("Delhi", "Asia/Kolkata"),
        ("India", "Asia/Kolkata"),
        ("Москва", "Europe/Moscow"),
        ("नई दिल्ली", "Asia/Kolkata"),
    ],
)
async def test_timezone_sets_the_zone_a_name_people_use_means(summit: Summit, typed: str, zone: str) -> None:
    reply = await summit.set_timezone(ALICE, typed)
    assert reply.startswith(f"Times will also be shown in {zone} (now ")
    chosen = await summit.zone_of(ALICE)
    assert chosen is not None
    assert chosen.key == zone
    assert (await summit.store.choices(ALICE.id)).timezone == zone


async def test_timezone_followed_by_4080_characters_is_refused_in_a_short_reply(summit: Summit) -> None:
    reply = await summit.set_timezone(ALICE, LONG)
    assert reply == (
        f"I don't know the time zone “{'x' * 63}…”. Try a city or an IANA name, e.g. /timezone Europe/Moscow."
    )
    assert (await summit.store.choices(ALICE.id)).timezone is None


async def test_timezone_for_a_country_with_several_zones_asks_which_one(summit: Summit) -> None:
    reply = await summit.set_timezone(ALICE, "Russia")
    assert reply.startswith("“Russia” can mean more than one time zone: Europe/Kaliningrad, Europe/Moscow, ")
    assert reply.endswith(
        "Asia/Magadan or Asia/Kamchatka. Send the one you mean, for example /timezone Europe/Kaliningrad."
    )
    assert (await summit.store.choices(ALICE.id)).timezone is None


async def test_a_typo_in_a_zone_gets_a_suggestion_that_differs_from_what_was_typed(summit: Summit) -> None:
    assert await summit.set_timezone(ALICE, "Moskow") == (
        "I don't know the time zone “Moskow”. Did you mean /timezone Europe/Moscow?"
    )


async def test_a_stored_zone_this_machine_lacks_shows_times_in_event_zones(
    events_file: Path, database_url: str, clock: ManualClock
) -> None:
    first = await open_summit(events_file, database_url, clock)
    await first.store.set_timezone(ALICE.id, ALICE.kind, "Mars/Olympus_Mons")
    await first.store.close()
    summit = await open_summit(events_file, database_url, clock)
    try:
        assert await summit.zone_of(ALICE) is None
        assert (await summit.next_html(ALICE)).startswith("<b>Next:</b>")
    finally:
        await summit.store.close()


# ---------------------------------------------------------------- /reminders


async def test_reminders_are_listed_as_separate_reminders(summit: Summit) -> None:
    assert await summit.set_reminders(ALICE, []) == (
        "You get 4 reminders before each event: 7 days before, 1 day before, 2 hours before and 30 minutes "
        "before (when its date is precise enough). Keep only some with, for example, /reminders 1d 2h."
    )
    assert await summit.set_reminders(ALICE, ["1d", "2h"]) == (
        "You get 2 of the 4 planned reminders before each event: 1 day before and 2 hours before (when its "
        "date is precise enough). /reminders all brings back all of them."
    )
    assert await summit.set_reminders(ALICE, ["all"]) == await summit.set_reminders(ALICE, [])
    assert await summit.store.reminders_of(ALICE.id) is None


async def test_a_lead_time_no_event_plans_is_refused_naming_the_ones_available(summit: Summit) -> None:
    assert await summit.set_reminders(ALICE, ["3d"]) == (
        f"No event plans a reminder 3 days before. Choose from: {PLANNED}."
    )
    assert await summit.set_reminders(ALICE, ["1d", "3d", "90m"]) == (
        f"No event plans a reminder 3 days before or 90 minutes before. Choose from: {PLANNED}."
    )
    assert await summit.store.reminders_of(ALICE.id) is None


async def test_the_same_lead_time_given_twice_or_in_another_unit_is_kept_once(summit: Summit) -> None:
    reply = await summit.set_reminders(ALICE, ["1d", "24h", "1D", "1440m", "1w"])
    assert reply.startswith("You get 2 of the 4 planned reminders before each event: 7 days before and 1 day")
    assert await summit.store.reminders_of(ALICE.id) == ("7d", "1d")


async def test_hundreds_of_lead_times_are_refused_in_a_short_reply_and_nothing_is_stored(
    summit: Summit,
) -> None:
    leads = [f"{n}m" for n in range(1, 800)]
    reply = await summit.set_reminders(ALICE, leads)
    assert reply == f"That is too many lead times. Choose at most 4 from: {PLANNED}."
    assert await summit.store.reminders_of(ALICE.id) is None
    assert (await summit.set_reminders(ALICE, [])).startswith("You get 4 reminders before each event")


async def test_a_word_that_is_not_a_lead_time_is_quoted_back_shortened(summit: Summit) -> None:
    assert await summit.set_reminders(ALICE, ["1d", LONG]) == (
        f"“{'x' * 63}…” is not a lead time. Give a number and w, d, h or m, for example /reminders {PLANNED}."
    )


@pytest.mark.parametrize(
    "stored",
    [
        tuple(f"{n}m" for n in range(1, 400)),  # what /reminders with 400 lead times left behind
        ("soon",),
    ],
)
async def test_a_stored_choice_from_an_older_version_that_cannot_be_read_means_every_reminder(
    summit: Summit, stored: tuple[str, ...], database_url: str
) -> None:
    if len(",".join(stored)) > STORED_LIMIT and engine_of(database_url) == "postgresql":
        pytest.skip("only SQLite, which ignores a VARCHAR's length, can hold a choice longer than its column")
    await summit.store.set_reminders(ALICE.id, ALICE.kind, stored)
    reply = await summit.set_reminders(ALICE, [])
    assert reply.startswith(
        "I could not read the reminders you chose earlier, so you get all 4 again before each event: "
        "7 days before, 1 day before, 2 hours before and 30 minutes before (when its date is precise enough)."
    )
    assert await summit.store.reminders_of(ALICE.id) is None
    assert (await summit.set_reminders(ALICE, [])).startswith("You get 4 reminders before each event")


async def test_a_choice_the_calendar_no_longer_plans_says_none_arrives(summit: Summit) -> None:
    await summit.store.set_reminders(ALICE.id, ALICE.kind, ("3d",))
    assert await summit.set_reminders(ALICE, []) == (
        "None of the reminders you chose is planned any more, so you get no reminder before an event. "
        f"Choose from: {PLANNED}, or /reminders all."
    )


async def test_a_calendar_that_plans_no_reminders_says_so(summit: Summit) -> None:
    path = summit.catalog.path
    path.write_text(re.sub(r"reminders: \[[^\]]*\]", "reminders: []", path.read_text()))
    assert isinstance(summit.catalog.reload(force=True), Reloaded)
    assert summit.planned_leads() == []
    assert (await summit.set_reminders(ALICE, [])).startswith("No event in the calendar plans reminders")
    assert (await summit.set_reminders(ALICE, ["1d"])).startswith("No event in the calendar plans reminders")
    assert await summit.store.reminders_of(ALICE.id) is None


def test_the_stored_limit_is_the_width_of_the_column_that_keeps_it() -> None:
    assert ChatRow.__table__.c.reminders.type.length == STORED_LIMIT


# ---------------------------------------------------------------- any message at all

COMMANDS = (
    "/event",
    "/timezone",
    "/reminders",
    "/start",
    "/help",
    "/next",
    "/events",
    "/status",
    "/stats",
    "/language",
    "/subscribe",
    "/unsubscribe",
    "/frobnicate",
    "/event@SummitBot",
    "/TIMEZONE",
)
PIECES = st.sampled_from(
    [
        "<b>",
        "</b>",
        "<i>x</i>",
        "&amp;",
        "&",
        "&lt;",
        "<script>alert(1)</script>",
        "<a href='javascript:x'>",
        "\u202e",
        "\u2066",
        "\u200b",
        "\u200d",
        "\ufeff",
        "\x00",
        "\x1b[31m",
        "\n",
        "\t",
        "👍🏽",
        "👨‍👩‍👧",
        "🇮🇳",
        "e\u0301",
        "Москва",
        "саммит",
        "दिल्ली",
        "शिखर सम्मेलन",
        "﷽",
        "@SummitBot",
        "summit",
        "Putin",
        "when is",
        "confirmed?",
        "7d",
        "1d",
        "2h",
        "30m",
        "3d",
        "99999999999999999999d",
        "0m",
        "all",
        "off",
        "IST",
        "America/New_York",
        "Russia",
        "UTC+3",
        " ",
    ]
)
WORDS = st.one_of(PIECES, st.text(max_size=12))
FLOOD = st.builds(operator.mul, PIECES, st.integers(min_value=50, max_value=2100))
NEAR_LIMIT = st.builds(lambda piece, size: (piece * 4096)[:size], PIECES, st.integers(3000, 4096))
"""As long as a Telegram message can be, cut anywhere: inside an emoji or an entity too."""
LEADS = st.lists(st.from_regex(r"[0-9]{1,3}[wdhmWDHM]", fullmatch=True), max_size=400).map(" ".join)
MANY = st.lists(PIECES, min_size=100, max_size=700).map(" ".join)
ARGUMENTS = st.one_of(st.lists(WORDS, max_size=8).map(" ".join), FLOOD, NEAR_LIMIT, LEADS, MANY, st.text())
MESSAGES = st.one_of(
    st.text(min_size=1),
    st.lists(WORDS, min_size=1, max_size=10).map(" ".join),
    FLOOD,
    st.builds("{} {}".format, st.sampled_from(COMMANDS), ARGUMENTS),
    st.builds(operator.add, st.sampled_from(COMMANDS), ARGUMENTS),
    st.builds("{} {}".format, st.sampled_from(COMMANDS), NEAR_LIMIT),
    NEAR_LIMIT,
    st.builds("/reminders {}".format, LEADS),
    st.builds("/start {}".format, st.text()),
    st.builds("/language {}".format, st.sampled_from(["ru", "hi", "en", "русский", "हिन्दी", "klingon", ""])),
)
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})")


async def respond(summit: Summit, chat: Chat, text: str) -> tuple[str, bool]:
    """What the handlers would send for ``text`` (and whether as HTML), routed as ``bot.handlers`` does."""
    command = _COMMAND.match(text)
    if command is None:
        return await summit.answer_html(chat, text), True
    args = text.split()[1:]
    name = command[1].lower()
    lang = await summit.language_of(chat)
    if name == "start":
        return replies.welcome_html(lang), True
    if name == "help":
        return replies.help_html(lang), True
    if name == "language":
        return await summit.set_language(chat, " ".join(args)), False
    if name == "event":
        return await summit.event_html(chat, " ".join(args)), True
    if name == "timezone":
        return await summit.set_timezone(chat, " ".join(args)), False
    if name == "reminders":
        return await summit.set_reminders(chat, args), False
    if name == "next":
        return await summit.next_html(chat), True
    if name == "events":
        return await summit.events_html(chat), True
    if name == "status":
        return await summit.status_html(chat), True
    if name == "stats":
        return await summit.stats_html(chat), True
    if name == "subscribe":
        return await summit.subscribe(chat), False
    if name == "unsubscribe":
        return await summit.unsubscribe(chat), False
    return replies.unknown_command(lang), False


def test_any_message_gets_a_reply_that_telegram_accepts_and_nothing_long_is_stored(
    events_file: Path, database_url: str, clock: ManualClock
) -> None:
    """One store for every example, so choices made by one message meet the replies to the next."""
    loop = asyncio.new_event_loop()
    summit = loop.run_until_complete(open_summit(events_file, database_url, clock))

    @settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=MESSAGES)
    def replies_well(text: str) -> None:
        reply, html = loop.run_until_complete(respond(summit, ALICE, text))
        target(float(len(reply)), label="reply length")  # steer towards the longest replies
        assert reply.strip()
        fits_one_message(reply, html)
        stored = loop.run_until_complete(summit.store.reminders_of(ALICE.id))
        assert stored is None or len(",".join(stored)) <= STORED_LIMIT

    try:
        replies_well()
    finally:
        loop.run_until_complete(summit.store.close())
        loop.close()
