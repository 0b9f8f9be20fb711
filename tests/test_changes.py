"""Status notes that follow the news: every edit of the events file reaches every subscriber once, in order.

The stories run the real bot against the fake Bot API; the rules underneath (note numbers, what a chat
was told, when an edit is held) are pure and tested at the end without a bot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import boot_of
from bot.changes import (
    ChangeItem,
    ChangeKind,
    ChatNotes,
    Snapshot,
    Told,
    announce,
    diff,
    hold_limit,
    items_since,
    note_key,
    note_number,
    proposal_digest,
    propose,
    told_number,
)
from bot.events import Event, Government, Localized, parse_events
from bot.localapi import DEFAULT_USER_ID
from bot.notifier import Notifier, Renderer
from bot.wording.chat import admins_only, nothing_held
from bot.wording.language import ENGLISH as EN
from bot.wording.language import Language
from bot.wording.notices import change_note_html
from tests import legacy
from tests.conftest import IST, SEED, Harness, build, engine_of, execute

ALICE, BOB, CAROL, GROUP = 201, 202, 203, -300
LAVROV = "Foreign Minister Sergey Lavrov's visit to India"
OPERATOR = 209
SUMMIT_SPAN = "{from: 2025-12-05, to: 2025-12-06}"
SUMMIT_STATUS = (
    "      confirmed_by: []            # neither New Delhi nor Moscow has officially confirmed the visit"
)
SUMMIT_PLACE = "    place: {en: New Delhi, ru: Нью-Дели, hi: नई दिल्ली}\n"


def edit(bot: Harness, old: str, new: str) -> None:
    text = bot.settings.events.read_text()
    assert old in text
    bot.settings.events.write_text(text.replace(old, new, 1))


def confirm_summit(bot: Harness, *governments: str) -> None:
    edit(
        bot,
        SUMMIT_STATUS,
        SUMMIT_STATUS.replace("confirmed_by: []", f"confirmed_by: [{', '.join(governments)}]"),
    )


def notes(bot: Harness, chat_id: int) -> list[str]:
    return [t for t in bot.texts(chat_id) if t.startswith("🔔")]


def changes_told(bot: Harness, chat_id: int, title: str = "23rd India–Russia annual summit") -> list[str]:
    """The "what changed" lines of every note about one event a chat got, in the order it got them.

    RT's launch happens during the summit, in its place, so a move of the summit is its news too.
    """
    about = [note for note in notes(bot, chat_id) if note.startswith(f"🔔 {title}: ")]
    return [line for note in about for line in note.splitlines() if line.startswith("• ")]


def move_summit_to(bot: Harness, place: str) -> None:
    text = bot.settings.events.read_text()
    start = text.index("  - id: summit-2025")
    line_start = text.index("    place: ", start)
    line_end = text.index("\n", line_start)
    bot.settings.events.write_text(f"{text[:line_start]}    place: {place}{text[line_end:]}")


def set_summit_lifecycle(bot: Harness, lifecycle: str) -> None:
    text = bot.settings.events.read_text()
    start = text.index("    status:\n      lifecycle: ", text.index("  - id: summit-2025"))
    head = "    status:\n      lifecycle: "
    end = text.index("\n", start + len(head))
    bot.settings.events.write_text(f"{text[: start + len(head)]}{lifecycle}{text[end:]}")


def notifier_of(bot: Harness) -> Notifier:
    notifier = boot_of(bot.app).notifier if bot.app is not None else None
    assert notifier is not None
    return notifier


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:  # noqa: ASYNC109 - its own deadline
    """Wait for something the bot does on its own time (a retry); a generous deadline, not a timing claim."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def edit_while_telegram_fails(bot: Harness, change: Callable[[Harness], None], notes: int = 1) -> None:
    """An edit whose ``notes`` Telegram refuses twice each: they then wait in the outbox for a retry
    seconds away on the bot's clock, which stands still until the test moves it."""
    sends = len(bot.fake.calls("sendMessage"))
    bot.fake.fail_next("sendMessage", 500, "Internal Server Error", times=2 * notes)
    change(bot)
    await until(lambda: len(bot.fake.calls("sendMessage")) >= sends + 2 * notes)
    await bot.settle()


def wrong_file(events: int = 6) -> str:
    """Somebody else's calendar, dropped in by mistake: upcoming events nobody subscribed to, one more than
    a calendar of 7 events may change at once."""
    lines = [
        "timezone: UTC",
        "sources:",
        "  club: {title: Fixtures, by: A football club, date: 2025-09-01}",
        "events:",
    ]
    for i in range(events):
        lines += [
            f"  - id: match-{i + 1}",
            f"    title: League match {i + 1}",
            f"    when: {{date: 2026-03-{i + 1:02d}}}",
            "    status: {source: club}",
            "    source: club",
        ]
    return "\n".join(lines) + "\n"


def warnings(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and text in r.getMessage()]


async def subscribe_all(bot: Harness) -> None:
    for chat in (ALICE, BOB):
        await bot.ask(chat, "/subscribe")
    bot.api.add_chat_member(GROUP, DEFAULT_USER_ID, "administrator", chat_type="supergroup", title="Watchers")
    await bot.ask(GROUP, "/subscribe@SummitBot", chat_type="supergroup", title="Watchers")
    await bot.ask(CAROL, "/start")  # never subscribes


async def test_a_change_of_confirmations_reaches_every_subscriber_exactly_once(bot: Harness) -> None:
    async with bot.running():
        await subscribe_all(bot)
        confirm_summit(bot, "india", "russia")
        await bot.settle(quiet=0.5)
        bot.settings.events.write_text(bot.settings.events.read_text() + "\n# touched, same content\n")
        await bot.settle(quiet=0.5)
    async with bot.running():  # a restart must not announce it again
        (reply,) = await bot.ask(ALICE, "/next")
    assert "Confirmed by both governments" in reply
    for chat in (ALICE, BOB, GROUP):
        assert [n.splitlines()[:2] for n in notes(bot, chat)] == [
            ["🔔 23rd India–Russia annual summit: update", "• Now confirmed by both governments"]
        ]
    assert notes(bot, CAROL) == []


async def test_one_government_confirming_is_worded_as_such(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        confirm_summit(bot, "india")
        await bot.settle(quiet=0.5)
    (note,) = notes(bot, ALICE)
    assert "• Now confirmed by India; not yet by Russia" in note
    assert note.splitlines()[-1].startswith("Source: Sources familiar with the planning")


async def test_moved_dates_are_announced_old_to_new_and_the_alerts_follow(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        edit(bot, SUMMIT_SPAN, "{from: 2025-12-04, to: 2025-12-05}")
        await bot.settle(quiet=0.5)
        summit, launch = notes(bot, ALICE)  # RT's launch is dated "during" the summit, so it moves too
        assert summit.splitlines()[:2] == [
            "🔔 23rd India–Russia annual summit: update",
            "• Dates moved: 5–6 December 2025 → 4–5 December 2025",
        ]
        assert launch.splitlines()[:2] == [
            "🔔 Launch of RT's India edition: update",
            "• Dates moved: 5–6 December 2025 → 4–5 December 2025",
        ]
        await bot.jump(datetime(2025, 11, 27, 9, 0, tzinfo=IST))
    assert [t.splitlines()[0] for t in bot.texts(ALICE) if t.startswith("⏰")] == [
        "⏰ 23rd India–Russia annual summit in 7 days"
    ]
    assert "4–5 December 2025" in next(t for t in bot.texts(ALICE) if t.startswith("⏰"))


async def test_a_change_made_while_the_bot_was_down_is_announced_once_at_start(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
    edit(bot, SUMMIT_PLACE, "    place: Mumbai\n")
    edit(
        bot,
        "      lifecycle: planned\n" + SUMMIT_STATUS,
        "      lifecycle: postponed\n" + SUMMIT_STATUS,
    )
    bot.clock.set(bot.clock.now() + timedelta(days=1))
    async with bot.running():
        await bot.settle()
    async with bot.running():
        await bot.settle()
    (note, launch) = notes(bot, ALICE)
    assert note.splitlines()[1:3] == ["• Postponed", "• Place changed: New Delhi → Mumbai"]
    assert launch.splitlines()[:2] == [  # it happens during the summit, in its place
        "🔔 Launch of RT's India edition: update",
        "• Place changed: New Delhi → Mumbai",
    ]
    assert "ℹ️ Postponed" in note


async def test_status_shows_every_upcoming_events_status_with_its_source(bot: Harness) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "/status")
    assert reply.startswith("Status of upcoming events")
    assert "• 23rd India–Russia annual summit: Unconfirmed by either government [1]" in reply
    assert "• Launch of RT's India edition: Not yet confirmed by Russia [1]" in reply
    assert reply.count("(1 October 2025)") == 1  # one source, said once as footnote [1]
    assert reply.endswith(
        "Sources\n[1] Sources familiar with the planning, as reported: News report from New Delhi on "
        "Putin's expected visit for the 23rd annual summit (1 October 2025)"
    )


async def test_event_shows_one_event_with_its_history_and_finds_it_by_a_misspelt_name(bot: Harness) -> None:
    async with bot.running():
        (by_id,) = await bot.ask(ALICE, "/event summit-2025")
        (by_name,) = await bot.ask(ALICE, "/event sumit")
        (unknown,) = await bot.ask(ALICE, "/event world cup")
        (bare,) = await bot.ask(ALICE, "/event")
    assert by_id == by_name
    assert "History\n• 1 October 2025: Reported: Expected on 5–6 December in New Delhi" in by_id
    assert unknown.startswith("I found no event called “world cup”. Try: ")
    assert bare.startswith("Which event? For example /event military-commission-2025. Try: ")


def test_the_diff_names_each_kind_of_change() -> None:
    catalog = parse_events(SEED.read_text())
    summit = catalog.get("summit-2025")
    assert summit is not None
    before = Snapshot.of(summit)
    assert diff(before, summit) == []
    moved = parse_events(SEED.read_text().replace(SUMMIT_SPAN, "{date: 2025-12-09}")).get("summit-2025")
    assert moved is not None
    assert [c.kind for c in diff(before, moved)] == [ChangeKind.MOVED]
    assert Snapshot.from_json(before.to_json()) == before


# ---------------------------------------------------------------- every change, in order, once


async def test_a_place_changed_back_and_forth_is_told_every_time_in_order(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        move_summit_to(bot, "Mumbai")
        await bot.settle(quiet=0.5)
        move_summit_to(bot, "New Delhi")
        await bot.settle(quiet=0.5)
    move_summit_to(bot, "Mumbai")  # while the bot is down
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "/next")
    async with bot.running():  # and once more: nothing is told twice
        await bot.settle()
    assert changes_told(bot, ALICE) == [
        "• Place changed: New Delhi → Mumbai",
        "• Place changed: Mumbai → New Delhi",
        "• Place changed: New Delhi → Mumbai",
    ]
    assert "📍 Mumbai" in reply


async def test_a_postponement_lifted_and_made_again_is_told_each_time(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        for lifecycle in ("postponed", "planned", "postponed"):
            set_summit_lifecycle(bot, lifecycle)
            await bot.settle(quiet=0.5)
    assert changes_told(bot, ALICE) == ["• Postponed", "• Back on the calendar", "• Postponed"]
    assert notes(bot, ALICE)[-1].splitlines()[-2] == "ℹ️ Postponed"


async def test_a_note_made_untrue_by_a_newer_edit_is_never_sent(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        # the summit's note and RT's launch's (it happens in the summit's place)
        await edit_while_telegram_fails(bot, lambda b: move_summit_to(b, "Mumbai"), notes=2)
        await bot.ask(BOB, "/subscribe")  # Bob joins while the bot says Mumbai
        move_summit_to(bot, "Chennai")
        await bot.settle(quiet=0.5)
        await bot.jump(bot.clock.now() + timedelta(minutes=5))  # long after Alice's retry was due
    assert changes_told(bot, ALICE) == ["• Place changed: New Delhi → Chennai"]
    assert changes_told(bot, BOB) == ["• Place changed: Mumbai → Chennai"]


async def test_a_change_undone_before_its_note_went_out_is_never_told(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await edit_while_telegram_fails(bot, lambda b: set_summit_lifecycle(b, "postponed"))
        set_summit_lifecycle(bot, "planned")
        await bot.settle(quiet=0.5)
        await bot.jump(bot.clock.now() + timedelta(minutes=5))
        set_summit_lifecycle(bot, "cancelled")  # the next change is told from what Alice knows
        await bot.settle(quiet=0.5)
    assert changes_told(bot, ALICE) == ["• Cancelled"]


async def test_an_event_taken_out_of_the_file_and_put_back_tells_what_its_subscribers_missed(
    bot: Harness,
) -> None:
    full = bot.settings.events.read_text()
    start, end = full.index("  - id: lavrov-visit-2025"), full.index("  - id: military-commission-2025")
    lavrov = full[start:end]

    def lavrov_in(b: Harness, place: str) -> None:
        in_place = lavrov.replace("place: {en: India, ru: Индия, hi: भारत}", f"place: {place}")
        b.settings.events.write_text(full.replace(lavrov, in_place))

    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await edit_while_telegram_fails(bot, lambda b: lavrov_in(b, "New Delhi"))
        bot.settings.events.write_text(full.replace(lavrov, ""))  # taken out: not announced
        await bot.settle(quiet=0.5)
        await bot.jump(bot.clock.now() + timedelta(minutes=5))
        assert notes(bot, ALICE) == []
        lavrov_in(bot, "New Delhi")  # back, as it was
        await bot.settle(quiet=0.5)
        await bot.jump(bot.clock.now() + timedelta(minutes=5))
    assert changes_told(bot, ALICE, LAVROV) == ["• Place changed: India → New Delhi"]


CRASH_ON_SAVE = {
    "sqlite": (
        [
            "CREATE TRIGGER crash BEFORE UPDATE ON event_states"
            " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        ],
        ["DROP TRIGGER crash"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ BEGIN RAISE EXCEPTION 'disk I/O error'; END $$",
            "CREATE TRIGGER crash BEFORE UPDATE ON event_states FOR EACH ROW EXECUTE FUNCTION crash()",
        ],
        ["DROP TRIGGER crash ON event_states", "DROP FUNCTION crash()"],
    ),
}
"""SQL that makes saving an event's told state fail, and SQL that mends it, on each engine."""


async def test_a_crash_while_saving_what_was_told_neither_loses_nor_doubles_a_note(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    url = bot.settings.db
    crash, mend = CRASH_ON_SAVE[engine_of(url)]
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.ask(BOB, "/subscribe")
        # the last write of an announcement (the told state) fails, as if the process died right there
        await execute(url, *crash)
        move_summit_to(bot, "Mumbai")
        await bot.settle(quiet=0.5)
        await bot.jump(bot.clock.now() + timedelta(seconds=30))  # the next tick fails the same way
        assert notes(bot, ALICE) == notes(bot, BOB) == []  # nothing half-written went out
    await execute(url, *mend)
    async with bot.running():
        await bot.settle()
    async with bot.running():
        await bot.settle()
    for chat in (ALICE, BOB):
        assert changes_told(bot, chat) == ["• Place changed: New Delhi → Mumbai"]
    tracebacks = [r for r in caplog.records if r.exc_info and "status note of summit-2025" in r.getMessage()]
    assert len(tracebacks) == 1


async def test_a_database_from_before_note_numbers_takes_its_stored_state_as_told(bot: Harness) -> None:
    catalog = parse_events(SEED.read_text())
    url = bot.settings.db
    await execute(  # event_states as the previous release made it: one snapshot per event, no note numbers
        url,
        legacy.event_states(engine_of(url)),
        (
            "INSERT INTO event_states VALUES (:id, :snapshot, '2025-09-30 00:00:00')",
            [{"id": e.id, "snapshot": Snapshot.of(e).to_json()} for e in catalog],
        ),
    )
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        move_summit_to(bot, "Mumbai")
        await bot.settle(quiet=0.5)
        move_summit_to(bot, "New Delhi")
        await bot.settle(quiet=0.5)
    assert changes_told(bot, ALICE) == [
        "• Place changed: New Delhi → Mumbai",
        "• Place changed: Mumbai → New Delhi",
    ]


# ---------------------------------------------------------------- mass edits are held


async def test_a_mass_edit_is_held_and_sends_nothing_until_released(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.settings = bot.settings.model_copy(update={"admins": frozenset({OPERATOR})})
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        bot.settings.events.write_text(wrong_file())
        await bot.settle(quiet=0.5)
        (refused,) = await bot.ask(ALICE, "/release")
    async with bot.running():  # a restart does not let it through
        await bot.settle(quiet=0.5)
        assert notes(bot, ALICE) == []
        (released,) = await bot.ask(OPERATOR, "/release")
        await bot.settle(quiet=0.5)
        (again,) = await bot.ask(OPERATOR, "/release")
    assert refused == admins_only(EN)
    assert released.startswith(
        "Released: the held notes about 6 events are going out now to 1 subscribed chat"
    )
    assert len(notes(bot, ALICE)) == 6
    assert all(n.splitlines()[1].startswith("• New in the calendar: ") for n in notes(bot, ALICE))
    assert again == nothing_held(EN)
    held = warnings(caplog, "held an edit of the events file")
    assert len(held) == 2  # once in each process
    assert "notes about 6 events at once (more than 5) to each of 1 subscribed chats" in held[0]
    assert "/release" in held[0]


async def test_putting_the_right_file_back_drops_the_held_notes(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.settings = bot.settings.model_copy(update={"admins": frozenset({OPERATOR})})
    right = bot.settings.events.read_text()
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        bot.settings.events.write_text(wrong_file())
        await bot.settle(quiet=0.5)
        bot.settings.events.write_text(right)
        await bot.settle(quiet=0.5)
        (nothing,) = await bot.ask(OPERATOR, "/release")
        confirm_summit(bot, "india")  # the next real edit goes out as usual
        await bot.settle(quiet=0.5)
    assert nothing == nothing_held(EN)
    assert changes_told(bot, ALICE) == ["• Now confirmed by India; not yet by Russia"]
    (dropped,) = warnings(caplog, "no longer in the file")
    assert "its notes about 6 events are dropped, none of them was sent" in dropped


# ---------------------------------------------------------------- one bad event


async def test_one_event_whose_note_cannot_be_worded_does_not_stop_the_others(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    def note(
        event: Event,
        items: Sequence[ChangeItem],
        governments: Iterable[Government],
        lang: Language,
        zone: ZoneInfo | None,
    ) -> str:
        if event.id == "summit-2025":
            raise ValueError("cannot word this one")
        return change_note_html(event, items, governments, lang, zone)

    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        notifier_of(bot).render = Renderer(note=note)
        edit(bot, SUMMIT_SPAN, "{from: 2025-12-04, to: 2025-12-05}")  # RT's launch moves with it
        await bot.settle(quiet=0.5)
        for _ in range(3):  # every tick tries the summit's note again, quietly
            await bot.jump(bot.clock.now() + timedelta(seconds=30))
        only_the_launch = [n.splitlines()[0] for n in notes(bot, ALICE)]
        notifier_of(bot).render = Renderer()  # fixed
        await bot.jump(bot.clock.now() + timedelta(seconds=30))
    assert only_the_launch == ["🔔 Launch of RT's India edition: update"]
    assert [n.splitlines()[0] for n in notes(bot, ALICE)] == [
        "🔔 Launch of RT's India edition: update",
        "🔔 23rd India–Russia annual summit: update",
    ]
    tracebacks = [r for r in caplog.records if r.exc_info and "status note of summit-2025" in r.getMessage()]
    assert len(tracebacks) == 1


# ---------------------------------------------------------------- late and stale reminders


def summit_lines(bot: Harness, chat_id: int) -> list[str]:
    return [t.splitlines()[0] for t in bot.texts(chat_id) if "annual summit" in t.splitlines()[0]]


async def test_a_date_moved_past_a_reminder_is_told_by_the_note_without_a_late_reminder(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(datetime(2025, 11, 26, 10, 0, tzinfo=IST))
        edit(bot, SUMMIT_SPAN, "{from: 2025-11-27, to: 2025-11-28}")  # its 7d and 1d moments are past
        await bot.settle(quiet=0.5)
        await bot.jump(datetime(2025, 11, 27, 8, 0, tzinfo=IST))
    assert summit_lines(bot, ALICE) == [
        "🔔 23rd India–Russia annual summit: update",
        "📅 Today: 23rd India–Russia annual summit",
    ]
    assert "• Dates moved: 5–6 December 2025 → 27–28 November 2025" in notes(bot, ALICE)[0]


async def test_a_reminder_waiting_to_go_out_for_a_date_that_moved_is_never_sent(bot: Harness) -> None:
    week_before = datetime(2025, 11, 28, 9, 0, tzinfo=IST)
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(week_before - timedelta(seconds=30))  # the 7-day reminder is written, not yet due
        edit(bot, SUMMIT_SPAN, "{from: 2025-12-12, to: 2025-12-13}")
        await bot.settle(quiet=0.5)
        await bot.jump(week_before + timedelta(minutes=1))
        await bot.jump(datetime(2025, 12, 5, 9, 0, tzinfo=IST))
    assert summit_lines(bot, ALICE) == [
        "🔔 23rd India–Russia annual summit: update",
        "⏰ 23rd India–Russia annual summit in 7 days",
    ]
    assert "12–13 December 2025" in bot.texts(ALICE)[-1]


async def test_a_reminder_waiting_to_go_out_says_what_the_latest_note_says(bot: Harness) -> None:
    week_before = datetime(2025, 11, 28, 9, 0, tzinfo=IST)
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(week_before - timedelta(seconds=30))  # the 7-day reminder is written, not yet due
        confirm_summit(bot, "india", "russia")
        move_summit_to(bot, "Mumbai")
        await bot.settle(quiet=0.5)
        await bot.jump(week_before + timedelta(minutes=1))
    assert summit_lines(bot, ALICE) == [
        "🔔 23rd India–Russia annual summit: update",
        "⏰ 23rd India–Russia annual summit in 7 days",
    ]
    reminder = bot.texts(ALICE)[-1]
    assert "📍 Mumbai" in reminder
    assert "ℹ️ Confirmed by both governments" in reminder


async def test_a_reminder_waiting_to_go_out_for_an_event_called_off_is_never_sent(bot: Harness) -> None:
    week_before = datetime(2025, 11, 28, 9, 0, tzinfo=IST)
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(week_before - timedelta(seconds=30))
        set_summit_lifecycle(bot, "cancelled")
        await bot.settle(quiet=0.5)
        await bot.jump(week_before + timedelta(minutes=1))
    assert summit_lines(bot, ALICE) == ["🔔 23rd India–Russia annual summit: update"]
    assert changes_told(bot, ALICE) == ["• Cancelled"]


# ---------------------------------------------------------------- the rules, without a bot

NOW = datetime(2025, 10, 1, 9, 0, tzinfo=IST)


def summit(**fields: object) -> Event:
    spec = {"id": "summit", "when": {"date": "2025-12-05"}, "place": "New Delhi", **fields}
    return build(spec).events[0]


def test_a_chat_was_told_its_latest_sent_note_or_else_the_state_before_its_first_note() -> None:
    assert told_number(None, latest=4) == 4  # no note ever written for it: it joined after note 4
    assert told_number(ChatNotes(written=frozenset({2, 3, 4}), sent=frozenset({2, 3})), latest=4) == 3
    assert told_number(ChatNotes(written=frozenset({3, 4}), sent=frozenset()), latest=4) == 2


def test_every_state_gets_the_next_number_even_one_seen_before() -> None:
    delhi, mumbai = Snapshot.of(summit()), Snapshot.of(summit(place="Mumbai"))
    told = Told(1, {0: delhi, 1: mumbai})
    back = announce(summit(), told, {7: ChatNotes(frozenset({1}), frozenset({1}))}, [7], NOW)
    assert back.number == 2
    assert back.owed == {7: (items_since(mumbai, summit(), NOW)[0],)}
    assert [i.kind for i in back.owed[7]] == [ChangeKind.PLACE]


def test_a_change_back_owes_nothing_to_a_chat_that_was_never_told_the_change() -> None:
    delhi, mumbai = Snapshot.of(summit()), Snapshot.of(summit(place="Mumbai"))
    told = Told(1, {0: delhi, 1: mumbai})
    waiting = ChatNotes(written=frozenset({1}), sent=frozenset())
    back = announce(summit(), told, {7: waiting}, [7], NOW)
    assert back.owed == {}
    assert back.number == 2  # the state still changed against the last announced one
    chennai = announce(summit(place="Chennai"), told, {7: waiting}, [7], NOW)
    ((item,),) = chennai.owed.values()
    assert (item.old_place, item.new_place) == (Localized.of("New Delhi"), Localized.of("Chennai"))


def test_a_new_event_is_news_only_while_it_is_ahead_and_expected() -> None:
    assert [i.kind for i in items_since(None, summit(), NOW)] == [ChangeKind.ADDED]
    assert items_since(None, summit(), datetime(2025, 12, 7, tzinfo=UTC)) == []
    assert items_since(None, summit(status={"source": "report", "lifecycle": "held"}), NOW) == []


def test_note_keys_are_numbered_per_event_and_other_keys_are_not_notes() -> None:
    assert note_key("summit-2025", 3) == "change/summit-2025/3"
    assert note_number("change/summit-2025/3", "summit-2025") == 3
    assert note_number("change/summit-2025/9f2c4e1a77b3d0c5", "summit-2025") is None  # before numbers
    assert note_number("change/summit-2025-b/3", "summit-2025") is None
    assert note_number("change/lead/7d/20251128T0330Z", "lead") is None  # an alert of an event "change"


def test_an_edit_is_held_when_it_notes_more_than_half_the_calendar_and_at_least_five() -> None:
    assert [hold_limit(n) for n in (0, 7, 10, 11, 40)] == [5, 5, 5, 5, 20]
    seed = parse_events(SEED.read_text())
    told = {e.id: Told(0, {0: Snapshot.of(e)}) for e in seed}
    wrong = parse_events(wrong_file())
    proposal = propose(wrong, told, NOW)
    assert sum(c.noted for c in proposal) == 6
    assert sorted(c.event_id for c in proposal if c.event is None) == sorted(e.id for e in seed)
    assert propose(seed, told, NOW) == []
    # the same edit over the same told states is the same held edit; once told, it is another one
    assert proposal_digest(proposal) == proposal_digest(propose(wrong, told, NOW))
    later = {**told, "summit-2025": Told(1, {0: None, 1: told["summit-2025"].snapshot})}
    assert proposal_digest(propose(wrong, later, NOW)) != proposal_digest(proposal)


def test_an_event_back_in_the_file_is_proposed_again_so_missed_notes_can_be_told() -> None:
    seed = parse_events(SEED.read_text())
    told = {e.id: Told(0, {0: Snapshot.of(e)}, removed=e.id == "summit-2025") for e in seed}
    (change,) = propose(seed, told, NOW)
    assert (change.event_id, change.noted) == ("summit-2025", False)
