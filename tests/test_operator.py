"""The operator's controls: ``summitbot diff``, the reload's log line, /announce, /testalert and /stats.

The bot's side runs through the real python-telegram-bot client and the fake Bot API over HTTP.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pytest

from bot import cli
from bot.localapi import SentMessage
from tests.conftest import IST, SEED, Harness

OPERATOR, ALICE, BOB, CAROL, GROUP = 901, 902, 903, 904, -1001900
SUMMIT_STATUS = "confirmed_by: []            # neither"
SUMMIT_DATES = "when: {from: 2025-12-05, to: 2025-12-06}"
REFUSAL = "That command is for the bot's operators."
WEEK_BEFORE = datetime(2025, 11, 28, 9, 0, tzinfo=IST)


def edited(text: str) -> str:
    """The seed file after the news that Russia confirmed the summit and moved it a day earlier."""
    assert SUMMIT_STATUS in text
    assert SUMMIT_DATES in text
    return text.replace(SUMMIT_STATUS, "confirmed_by: [russia]  # neither", 1).replace(
        SUMMIT_DATES, "when: {from: 2025-12-04, to: 2025-12-05}", 1
    )


def edited_file(tmp_path: Path) -> Path:
    path = tmp_path / "edited.yaml"
    path.write_text(edited(SEED.read_text()))
    return path


# ---------------------------------------------------------------- summitbot diff


def test_diff_prints_the_notes_subscribers_would_get_when_russia_confirms_and_the_dates_move(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["diff", str(SEED), str(edited_file(tmp_path)), "--as-of", "2025-10-01T09:00"])
    out = capsys.readouterr().out
    assert code == 0
    summit, rt = out.strip().split("\n\n")
    assert summit.splitlines() == [
        "🔔 23rd India–Russia annual summit: update",
        "• Now confirmed by Russia; not yet by India",
        "• Dates moved: 5–6 December 2025 → 4–5 December 2025",
        "ℹ️ Confirmed by Russia; not yet by India",
        "Source: Sources familiar with the planning, as reported: News report from New Delhi on Putin's "
        "expected visit for the 23rd annual summit (1 October 2025)",
    ]
    assert rt.splitlines()[:2] == [
        "🔔 Launch of RT's India edition: update",
        "• Dates moved: 5–6 December 2025 → 4–5 December 2025",
    ], "RT's launch happens during the summit, so it moves with it"


def test_diff_words_the_notes_in_the_language_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["diff", str(SEED), str(edited_file(tmp_path)), "--as-of", "2025-10-01", "--lang", "ru"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[:3] == [
        "🔔 23-й ежегодный индийско-российский саммит: обновление",
        "• Теперь подтверждено: Россия; ещё не подтверждено: Индия",
        "• Даты перенесены: 5—6 декабря 2025\u202fг. → 4—5 декабря 2025\u202fг.",
    ]


def test_diff_of_an_edit_that_changes_nothing_a_reader_is_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    touched = tmp_path / "touched.yaml"
    touched.write_text(SEED.read_text().replace("# Languages:", "# (reworded comment) Languages:"))
    code = cli.main(["diff", str(SEED), str(touched)])
    assert code == 0
    assert capsys.readouterr().out == f"{SEED} → {touched}: no change worth a note\n"


def test_diff_says_what_it_does_not_announce_and_when_the_bot_would_hold_the_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(
        "timezone: UTC\nsources:\n  club: {title: Fixtures, by: A football club, date: 2025-09-01}\nevents:\n"
        + "".join(
            f"  - {{id: match-{i}, title: Match {i}, when: {{date: 2026-03-0{i}}}, status: {{source: club}}, "
            "source: club}\n"
            for i in range(1, 7)
        )
    )
    code = cli.main(["diff", str(SEED), str(other), "--as-of", "2025-10-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("🔔 Match ") == 6
    assert "summit-2025: taken out of the file; subscribers are not told" in out
    assert out.strip().endswith(
        "This edit notes 6 events at once, more than 5: the running bot holds its notes until an operator "
        "sends /release."
    )


def test_diff_of_a_bad_file_prints_its_problems_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED.read_text().replace("lifecycle: planned", "lifecycle: maybe", 1))
    code = cli.main(["diff", str(SEED), str(bad)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert f"{bad}:" in captured.err
    assert "lifecycle" in captured.err
    assert cli.main(["diff", str(tmp_path / "missing.yaml"), str(SEED)]) == 2
    assert "missing.yaml: no such file" in capsys.readouterr().err


async def test_the_running_bot_logs_one_line_per_event_an_edit_notes(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.edits")
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        bot.settings.events.write_text(edited(bot.settings.events.read_text()))
        await bot.settle(quiet=0.5)
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.edits"]
    assert lines == [
        "events file edit: summit-2025: Now confirmed by Russia; not yet by India; "
        "Dates moved: 5–6 December 2025 → 4–5 December 2025",
        "events file edit: rt-india-launch: Dates moved: 5–6 December 2025 → 4–5 December 2025",
    ]
    (note,) = [t for t in bot.texts(ALICE) if t.startswith("🔔 23rd")]
    assert "• Now confirmed by Russia; not yet by India" in note, "what the log summarises is what was sent"


# ---------------------------------------------------------------- /announce


def operators(bot: Harness) -> None:
    bot.settings = bot.settings.model_copy(update={"admins": frozenset({OPERATOR})})


async def subscribers(bot: Harness) -> None:
    await bot.ask(ALICE, "/subscribe")
    await bot.ask(BOB, "/subscribe", language_code="ru")
    bot.api.add_chat_member(GROUP, CAROL, "creator", chat_type="supergroup")
    await bot.ask(GROUP, "/subscribe@SummitBot", user_id=CAROL)


def preview_of(bot: Harness) -> SentMessage:
    return bot.api.sent_to(OPERATOR)[-1]


async def test_an_announcement_is_previewed_then_sent_once_to_every_subscriber(bot: Harness) -> None:
    operators(bot)
    async with bot.running():
        await subscribers(bot)
        head, shown = await bot.ask(OPERATOR, "/announce The summit is confirmed & moved to 4–5 December.")
        preview = preview_of(bot)
        assert [text for text, _ in preview.buttons] == ["✅ Confirm", "✖️ Cancel"]
        assert all("summit is confirmed" not in t for chat in (ALICE, BOB, GROUP) for t in bot.texts(chat))
        bot.api.user_presses(OPERATOR, preview.message_id, "announce:confirm")
        bot.api.user_presses(OPERATOR, preview.message_id, "announce:confirm")  # pressed twice at once
        await bot.settle()
        assert bot.api.message(OPERATOR, preview.message_id).buttons == [], "the buttons are gone"
    async with bot.running():  # a restart sends nothing again
        await bot.settle()
    assert head == "Preview: the next message goes to 3 subscribed chats when you press Confirm under it."
    assert shown == "The summit is confirmed & moved to 4–5 December."
    for chat in (ALICE, BOB, GROUP):
        assert bot.texts(chat).count(shown) == 1
    assert shown not in bot.texts(CAROL)
    assert bot.texts(OPERATOR)[-2:] == [
        "Sent: the announcement is going out to 3 subscribed chats.",
        "That announcement was already sent; it is not sent twice.",
    ]


async def test_an_announcement_confirmed_after_a_restart_still_goes_out_once(bot: Harness) -> None:
    operators(bot)
    async with bot.running():
        await subscribers(bot)
        await bot.ask(OPERATOR, "/announce Lavrov's dates are out.")
    async with bot.running():
        bot.api.user_presses(OPERATOR, preview_of(bot).message_id, "announce:confirm")
        await bot.settle()
    for chat in (ALICE, BOB, GROUP):
        assert bot.texts(chat).count("Lavrov's dates are out.") == 1


async def test_a_cancelled_announcement_goes_nowhere(bot: Harness) -> None:
    operators(bot)
    async with bot.running():
        await subscribers(bot)
        await bot.ask(OPERATOR, "/announce Never mind.")
        bot.api.user_presses(OPERATOR, preview_of(bot).message_id, "announce:cancel")
        await bot.settle()
    assert bot.texts(OPERATOR)[-1] == "Cancelled: the announcement was not sent."
    assert all("Never mind." not in bot.texts(chat) for chat in (ALICE, BOB, GROUP))


async def test_only_an_operator_can_confirm_an_announcement_previewed_in_a_group(bot: Harness) -> None:
    operators(bot)
    async with bot.running():
        await subscribers(bot)
        await bot.ask(GROUP, "/announce@SummitBot Hello, subscribers.", user_id=OPERATOR)
        preview = bot.api.sent_to(GROUP)[-1]
        bot.api.user_presses(GROUP, preview.message_id, "announce:confirm", user_id=CAROL)
        await bot.settle()
        assert "Hello, subscribers." not in bot.texts(ALICE)
        bot.api.user_presses(GROUP, preview.message_id, "announce:confirm", user_id=OPERATOR)
        await bot.settle()
    assert bot.api.callback_answers[-2].text == REFUSAL
    assert bot.texts(ALICE).count("Hello, subscribers.") == 1


async def test_announce_without_text_says_how_to_use_it(bot: Harness) -> None:
    operators(bot)
    async with bot.running():
        (usage,) = await bot.ask(OPERATOR, "/announce")
    assert usage.startswith("Write the announcement after the command, for example: /announce ")


# ---------------------------------------------------------------- /testalert


async def test_testalert_sends_the_next_planned_alert_to_the_operator_alone(bot: Harness) -> None:
    operators(bot)
    async with bot.running():
        await subscribers(bot)
        (test,) = await bot.ask(OPERATOR, "/testalert")
        bot.api.add_chat_member(GROUP, OPERATOR, "member")
        (elsewhere,) = await bot.ask(GROUP, "/testalert@SummitBot", user_id=OPERATOR)
        assert await bot.store.sent_to(OPERATOR) == [], "not through the outbox"
    lines = test.splitlines()
    assert (
        lines[0] == "🧪 Test: the next planned reminder, due 2 Oct 2025, 9:00\u202fAM IST. Only you got it."
    )
    assert lines[1] == (
        "📅 Expected from today: Inter-Governmental Commission on Military Technical Cooperation. "
        "No day has been announced yet."
    )
    assert elsewhere == "Sent to our private chat: only you got it."
    assert bot.texts(OPERATOR)[-1] == test
    for chat in (ALICE, BOB):
        assert not any(t.startswith(("🧪", "📅")) for t in bot.texts(chat))
    assert not any(t.startswith(("🧪", "📅")) for t in bot.texts(GROUP))


async def test_testalert_in_a_group_says_so_when_the_operator_never_opened_a_private_chat(
    bot: Harness,
) -> None:
    operators(bot)
    bot.api.add_chat_member(GROUP, OPERATOR, "member", chat_type="supergroup")
    async with bot.running():
        (reply,) = await bot.ask(GROUP, "/testalert@SummitBot", user_id=OPERATOR)
    assert reply == (
        "I cannot write to you privately. Start a chat with me first, then send /testalert there."
    )


async def test_testalert_after_the_last_alert_says_there_is_nothing_to_test(bot: Harness) -> None:
    operators(bot)
    async with bot.running():
        await bot.jump(datetime(2026, 1, 1, tzinfo=IST))
        (reply,) = await bot.ask(OPERATOR, "/testalert")
    assert reply == "No reminder is planned, so there is nothing to test."


# ---------------------------------------------------------------- who may use them, and /stats


@pytest.mark.parametrize("command", ["/announce Hi", "/testalert", "/stats", "/release"])
async def test_operator_commands_are_refused_to_everyone_else_in_their_language(
    bot: Harness, command: str
) -> None:
    operators(bot)
    bot.api.add_chat_member(GROUP, CAROL, "creator", chat_type="supergroup")
    async with bot.running():
        english = await bot.ask(ALICE, command)
        russian = await bot.ask(BOB, command, language_code="ru")
        name, _, rest = command.partition(" ")
        in_group = await bot.ask(GROUP, f"{name}@SummitBot {rest}".strip(), user_id=CAROL)
    assert english == in_group == [REFUSAL]
    assert russian == ["Эта команда — только для операторов бота."]
    assert bot.api.sent_to(ALICE)[0].buttons == [], "no preview, no Confirm button"


async def test_stats_shows_the_languages_of_subscribed_chats_and_the_outbox_by_kind_and_state(
    bot: Harness,
) -> None:
    operators(bot)
    async with bot.running():
        await subscribers(bot)
        await bot.ask(OPERATOR, "/announce Hello.")
        bot.api.user_presses(OPERATOR, preview_of(bot).message_id, "announce:confirm")
        await bot.settle()
        bot.settings.events.write_text(edited(bot.settings.events.read_text()))
        await bot.settle(quiet=0.5)
        bot.fake.block_chat(ALICE)
        await bot.jump(WEEK_BEFORE)
        (stats,) = await bot.ask(OPERATOR, "/stats")
    assert stats.splitlines()[1:] == [
        "Subscribed chats: 2",
        "Events: 7 (3 upcoming)",
        "Messages sent: 13; waiting: 0; failed: 2; skipped: 0",
        "Languages of subscribed chats: English (1) and Русский (1)",
        # Lavrov's November note, late, and the summit's 7-day reminder to three chats; Alice blocked the bot
        "Reminders: sent 4; waiting 0; failed 2; skipped 0",
        "Status notes: sent 6; waiting 0; failed 0; skipped 0",  # the summit and RT's launch moved
        "Announcements: sent 3; waiting 0; failed 0; skipped 0",
        "Chats following one event: none",
    ]
