"""Status notes that follow the news: an edit of the events file reaches every subscriber once."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.changes import ChangeKind, Snapshot, diff
from bot.events import parse_events
from tests.conftest import IST, SEED, Harness

ALICE, BOB, CAROL, GROUP = 201, 202, 203, -300
SUMMIT_SPAN = "{from: 2025-12-05, to: 2025-12-06}"
SUMMIT_STATUS = """    status:
      lifecycle: planned
      confirmed_by: []
      source: report-2025-10-01
    note: >-
      Russian President"""


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


async def subscribe_all(bot: Harness) -> None:
    for chat in (ALICE, BOB):
        await bot.ask(chat, "/subscribe")
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
    edit(bot, "    place: New Delhi\n", "    place: Mumbai\n")
    edit(
        bot,
        "      lifecycle: planned\n      confirmed_by: []",
        "      lifecycle: postponed\n      confirmed_by: []",
    )
    bot.clock.set(bot.clock.now() + timedelta(days=1))
    async with bot.running():
        await bot.settle()
    async with bot.running():
        await bot.settle()
    (note,) = notes(bot, ALICE)
    assert note.splitlines()[1:3] == ["• Postponed", "• Place changed: New Delhi → Mumbai"]
    assert "ℹ️ Postponed" in note


async def test_status_shows_every_upcoming_events_status_with_its_source(bot: Harness) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "/status")
    assert reply.startswith("Status of upcoming events")
    assert "• 23rd India–Russia annual summit: Unconfirmed by either government" in reply
    assert "• Launch of RT's India edition: Not yet confirmed by Russia" in reply
    assert reply.count("(1 October 2025)") == 4


async def test_event_shows_one_event_with_its_history_and_finds_it_by_a_misspelt_name(bot: Harness) -> None:
    async with bot.running():
        (by_id,) = await bot.ask(ALICE, "/event summit-2025")
        (by_name,) = await bot.ask(ALICE, "/event sumit")
        (unknown,) = await bot.ask(ALICE, "/event world cup")
        (bare,) = await bot.ask(ALICE, "/event")
    assert by_id == by_name
    assert "History\n• 1 October 2025: Reported: Expected on 5–6 December in New Delhi" in by_id
    assert unknown.startswith("I found no event called “world cup”. Try: ")
    assert bare.startswith("Which event? For example /event summit-2025.")


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
