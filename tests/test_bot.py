"""The bot end to end: python-telegram-bot over HTTP against the fake Bot API, with a manual clock."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from telegram.error import NetworkError

from bot.bootstrap import boot_of
from bot.localapi import DEFAULT_USER_ID
from tests.conftest import IST, Harness
from tests.fakebotapi import TOKEN

ALICE, BOB, GROUP = 101, 102, -200
WINDOW_NOTE = datetime(2025, 10, 2, 9, 0, tzinfo=IST)  # the military commission's "later this month"
MONTH_NOTE = datetime(2025, 11, 1, 9, 0, tzinfo=IST)  # Lavrov, "in November"
WEEK_BEFORE = datetime(2025, 11, 28, 9, 0, tzinfo=IST)  # the summit, 7d
DAY_BEFORE = datetime(2025, 12, 4, 9, 0, tzinfo=IST)  # the summit, 1d
SUMMIT_DAY = datetime(2025, 12, 5, 8, 0, tzinfo=IST)  # the summit, "today"
LAVROV_NOTE = (
    "📅 Expected this month: Foreign Minister Sergey Lavrov's visit to India. No day has been announced yet."
)


def alerts_in(texts: list[str]) -> list[str]:
    """The first line of every alert a chat received (alerts start with a clock or calendar sign)."""
    return [t.splitlines()[0] for t in texts if t.startswith(("⏰", "📅"))]


async def test_start_welcomes_with_a_subscribe_button_and_registers_the_command_menu(bot: Harness) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "/start")
        assert reply.startswith("Welcome to summitbot.")
        assert ("🔔 Subscribe", "subscribe") in bot.api.sent_to(ALICE)[-1].buttons
        menu = [c["command"] for c in bot.api.my_commands()]
        assert menu == [
            "next",
            "events",
            "status",
            "event",
            "subscribe",
            "follow",
            "following",
            "mute",
            "quiet",
            "reminders",
            "timezone",
            "language",
            "unsubscribe",
            "help",
        ]


async def test_next_on_the_seed_day_shows_the_summit_date_status_and_source(bot: Harness) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "/next")
    assert reply.startswith("Next: 23rd India–Russia annual summit")
    assert "5–6 December 2025" in reply
    assert "New Delhi" in reply
    assert "in 65 days" in reply
    assert "Unconfirmed by either government" in reply
    assert "(1 October 2025)" in reply
    assert "Foreign Minister Sergey Lavrov's visit to India: expected in November 2025" in reply


async def test_the_subscribe_button_subscribes_and_offers_unsubscribe(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/start")
        welcome = bot.api.sent_to(ALICE)[-1]
        bot.api.user_presses(ALICE, welcome.message_id, "subscribe")
        await bot.settle()
        assert bot.texts(ALICE)[-1].startswith("Subscribed.")
        assert ("🔕 Unsubscribe", "unsubscribe") in bot.api.sent_to(ALICE)[-1].buttons
        assert len(bot.api.callback_answers) == 1


async def test_each_subscriber_gets_each_alert_exactly_once_and_an_unsubscribed_one_none(
    bot: Harness,
) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.ask(BOB, "/subscribe")
        assert (await bot.ask(BOB, "/unsubscribe"))[0].startswith("Unsubscribed.")
        for moment in (WINDOW_NOTE, MONTH_NOTE, WEEK_BEFORE, DAY_BEFORE, SUMMIT_DAY):
            await bot.jump(moment)
            await bot.jump(moment + timedelta(minutes=1))  # the alarm ringing again changes nothing
    assert alerts_in(bot.texts(ALICE)) == [
        "📅 Expected from today: Inter-Governmental Commission on Military Technical Cooperation. "
        "No day has been announced yet.",
        LAVROV_NOTE,
        "⏰ 23rd India–Russia annual summit in 7 days",
        "⏰ 23rd India–Russia annual summit tomorrow",
        "📅 Today: 23rd India–Russia annual summit",
    ]
    assert alerts_in(bot.texts(BOB)) == []
    assert all("Unconfirmed by either government" in t for t in bot.texts(ALICE)[1:])


async def test_a_restart_between_two_alerts_sends_each_exactly_once(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(WEEK_BEFORE)
    async with bot.running():
        await bot.jump(DAY_BEFORE)
    async with bot.running():
        await bot.settle()
    assert alerts_in(bot.texts(ALICE)) == [
        # the October window had closed by the first jump; November's note was still worth sending late
        LAVROV_NOTE,
        "⏰ 23rd India–Russia annual summit in 7 days",
        "⏰ 23rd India–Russia annual summit tomorrow",
    ]


async def test_an_alert_missed_while_the_bot_was_down_is_sent_once_on_start_marked_late(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(WEEK_BEFORE - timedelta(hours=1))
    bot.clock.set(WEEK_BEFORE + timedelta(hours=3))
    async with bot.running():
        await bot.settle()
    async with bot.running():
        await bot.settle()
    late = [t for t in bot.texts(ALICE) if t.startswith("⏰")]
    assert len(late) == 1
    assert late[0].splitlines()[1] == "(Late: this reminder was due 28 Nov 2025, 9:00\u202fAM IST.)"


async def test_after_a_long_downtime_only_the_latest_missed_alert_is_sent(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(MONTH_NOTE + timedelta(days=1))
    bot.clock.set(DAY_BEFORE + timedelta(hours=2))
    async with bot.running():
        await bot.settle()
    assert alerts_in(bot.texts(ALICE))[-1] == "⏰ 23rd India–Russia annual summit tomorrow"
    assert not any("in 7 days" in t for t in bot.texts(ALICE))


async def test_an_alert_is_not_sent_late_once_its_event_has_begun(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(DAY_BEFORE - timedelta(hours=1))
    before = alerts_in(bot.texts(ALICE))
    bot.clock.set(datetime(2025, 12, 7, 9, 0, tzinfo=IST))
    async with bot.running():
        await bot.settle()
    assert before[-1] == "⏰ 23rd India–Russia annual summit tomorrow"  # the 7d alert, late, worded as of now
    assert alerts_in(bot.texts(ALICE)) == before


async def test_subscribing_after_an_alerts_moment_does_not_send_that_old_alert(bot: Harness) -> None:
    async with bot.running():
        await bot.jump(WEEK_BEFORE + timedelta(hours=1))
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(WEEK_BEFORE + timedelta(hours=2))
        assert alerts_in(bot.texts(ALICE)) == []
        await bot.jump(DAY_BEFORE)
    assert alerts_in(bot.texts(ALICE)) == ["⏰ 23rd India–Russia annual summit tomorrow"]


async def test_a_changed_date_in_the_events_file_replans_the_alerts(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        text = bot.settings.events.read_text()
        bot.settings.events.write_text(
            text.replace("{from: 2025-12-05, to: 2025-12-06}", "{from: 2025-12-10, to: 2025-12-11}")
        )
        await bot.settle(quiet=0.5)
        await bot.jump(WEEK_BEFORE)
        assert alerts_in(bot.texts(ALICE))[-1:] != ["⏰ 23rd India–Russia annual summit in 7 days"]
        await bot.jump(datetime(2025, 12, 3, 9, 0, tzinfo=IST))
        assert alerts_in(bot.texts(ALICE))[-1] == "⏰ 23rd India–Russia annual summit in 7 days"
        assert "10–11 December 2025" in bot.texts(ALICE)[-1]
        assert "10–11 December 2025" in (await bot.ask(ALICE, "/next"))[0]


async def test_a_broken_events_file_keeps_the_last_good_plan(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        bot.settings.events.write_text("events: [this is: not, valid")
        await bot.settle(quiet=0.5)
        assert "5–6 December 2025" in (await bot.ask(ALICE, "/next"))[0]
        await bot.jump(WEEK_BEFORE)
    assert alerts_in(bot.texts(ALICE))[-1] == "⏰ 23rd India–Russia annual summit in 7 days"


async def test_a_group_subscribes_with_a_command_addressed_to_the_bot(bot: Harness) -> None:
    bot.api.add_chat_member(
        GROUP, DEFAULT_USER_ID, "administrator", chat_type="group", title="Diplomacy watchers"
    )
    async with bot.running():
        (reply,) = await bot.ask(GROUP, "/subscribe@SummitBot", chat_type="group", title="Diplomacy watchers")
        assert reply.startswith("Subscribed.")
        assert await bot.ask(GROUP, "/subscribe@OtherBot", chat_type="group") == []
        assert (await bot.ask(GROUP, "/subscribe", chat_type="group"))[0].startswith(
            "You are already subscribed"
        )
        await bot.jump(WEEK_BEFORE)
    assert alerts_in(bot.texts(GROUP))[-1] == "⏰ 23rd India–Russia annual summit in 7 days"


async def test_odd_messages_get_a_sensible_reply_or_are_ignored(bot: Harness) -> None:
    async with bot.running():
        assert (await bot.ask(ALICE, "hello?"))[0].startswith("Ask me about the events I follow")
        assert (await bot.ask(ALICE, "x" * 4000))[0].startswith("I don't know that")
        assert (await bot.ask(ALICE, "‮🤖\u200b👍🏽 ﷽"))[0].startswith("Ask me about the events I follow")
        assert (await bot.ask(ALICE, "/frobnicate"))[0].startswith("I don't know that command")
        assert (await bot.ask(ALICE, "<b>bold</b> & <i>"))[0].startswith("I don't know that")
        before = len(bot.texts(ALICE))
        bot.api.user_sends_sticker(ALICE)
        bot.api.user_sends_photo(ALICE)
        await bot.settle()
        assert bot.texts(ALICE)[before:] == ["I can only read text. Try /next or /help."] * 2
        message_id = bot.api.user_says("/next", chat_id=ALICE)["message"]["message_id"]
        await bot.settle()
        count = len(bot.texts(ALICE))
        bot.api.user_edits(ALICE, message_id, "/events")
        await bot.settle()
        assert len(bot.texts(ALICE)) == count
        assert await bot.ask(GROUP, "just chatting", chat_type="group") == []
        bot.api.user_sends_sticker(GROUP)
        await bot.settle()
        assert bot.texts(GROUP) == []
        assert (await bot.ask(ALICE, "/next"))[0].startswith("Next:")


async def test_events_lists_upcoming_and_recent(bot: Harness) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "/events")
    upcoming, recent = reply.split("Recent")
    assert (
        upcoming.index("Inter-Governmental Commission")
        < upcoming.index("Lavrov")
        < upcoming.index("23rd India")
    )
    assert "Modi and Putin met on the sidelines of the SCO Summit" in recent
    assert "Held" in recent


async def test_a_question_in_plain_words_is_answered_from_the_events_file(bot: Harness) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "is putn's visit confirmd?")
    assert reply.startswith("Not yet.")
    assert "Unconfirmed by either government" in reply
    assert "(1 October 2025)" in reply


async def test_in_a_group_the_bot_answers_when_mentioned_or_replied_to_and_ignores_chatter(
    bot: Harness,
) -> None:
    async with bot.running():
        assert await bot.ask(GROUP, "when is the summit?", chat_type="group") == []
        (mentioned,) = await bot.ask(GROUP, "@SummitBot when is the summit?", chat_type="group")
        assert mentioned.startswith("23rd India–Russia annual summit — 5–6 December 2025")
        (replied,) = await bot.ask(GROUP, "and is it confirmed?", chat_type="group", reply_to_bot=True)
        assert "Unconfirmed by either government" in replied


async def test_a_chat_sees_exact_times_in_the_zone_it_chose(bot: Harness) -> None:
    text = bot.settings.events.read_text().replace(
        "when: {from: 2025-12-05, to: 2025-12-06}", 'when: {at: "2025-12-05T11:00"}'
    )
    bot.settings.events.write_text(text)
    async with bot.running():
        (before,) = await bot.ask(ALICE, "/next")
        (chosen,) = await bot.ask(ALICE, "/timezone berlin")
        (after,) = await bot.ask(ALICE, "/next")
        (unknown,) = await bot.ask(ALICE, "/timezone Atlantis")
        (typo,) = await bot.ask(ALICE, "/timezone Berlni")
        (off,) = await bot.ask(ALICE, "/timezone off")
        (again,) = await bot.ask(ALICE, "/next")
    assert "Friday, 5 December 2025, 11:00\u202fAM IST" in before
    assert "your time" not in before
    assert chosen.startswith("Times will also be shown in Europe/Berlin (now 1 Oct 2025, 5:30\u202fAM CEST)")
    assert "Friday, 5 December 2025, 11:00\u202fAM IST (5 Dec 2025, 6:30\u202fAM CET your time)" in after
    assert unknown == "I don't know the time zone “Atlantis”. Did you mean /timezone Canada/Atlantic?"
    assert typo == "I don't know the time zone “Berlni”. Did you mean /timezone Europe/Berlin?"
    assert off.startswith("Times are shown in each event's own zone.")
    assert again == before


async def test_statistics_are_for_the_operators_only(bot: Harness) -> None:
    bot.settings = bot.settings.model_copy(update={"admins": frozenset({ALICE})})
    async with bot.running():
        await bot.ask(BOB, "/subscribe")
        (refused,) = await bot.ask(BOB, "/stats")
        (stats,) = await bot.ask(ALICE, "/stats")
    assert refused == "That command is for the bot's operators."
    assert stats.splitlines() == [
        "summitbot statistics",
        "Subscribed chats: 1",
        "Events: 7 (4 upcoming)",
        "Messages sent: 0; waiting: 0; failed: 0; skipped: 0",
        "Languages of subscribed chats: English (1)",
        "Chats following one event: none",
    ]


async def test_a_chat_that_keeps_only_the_one_day_reminder_gets_only_that_one(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.ask(BOB, "/subscribe")
        (shown,) = await bot.ask(ALICE, "/reminders")
        (chosen,) = await bot.ask(ALICE, "/reminders 1d")
        (invalid,) = await bot.ask(BOB, "/reminders soon")
        for moment in (MONTH_NOTE, WEEK_BEFORE, DAY_BEFORE, SUMMIT_DAY):
            await bot.jump(moment)
    assert shown.startswith(
        "You get 4 reminders before each event: 7 days before, 1 day before, 2 hours before and "
        "30 minutes before (when its date is precise enough)."
    )
    assert chosen.startswith("You get 1 of the 4 planned reminders before each event: 1 day before ")
    assert invalid == (
        "“soon” is not a lead time. Give a number and w, d, h or m, for example /reminders 7d 1d 2h 30m."
    )
    assert alerts_in(bot.texts(ALICE)) == [LAVROV_NOTE, "⏰ 23rd India–Russia annual summit tomorrow"]
    assert alerts_in(bot.texts(BOB)) == [
        LAVROV_NOTE,
        "⏰ 23rd India–Russia annual summit in 7 days",
        "⏰ 23rd India–Russia annual summit tomorrow",
        "📅 Today: 23rd India–Russia annual summit",
    ]


async def test_a_chat_that_subscribes_after_an_alert_was_written_but_before_its_moment_gets_it(
    bot: Harness,
) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.jump(WEEK_BEFORE - timedelta(seconds=30))  # the broadcast is prepared, not yet due
        assert alerts_in(bot.texts(ALICE))[-1:] != ["⏰ 23rd India–Russia annual summit in 7 days"]
        await bot.ask(BOB, "/subscribe")
        await bot.jump(WEEK_BEFORE)
        await bot.jump(WEEK_BEFORE + timedelta(minutes=1))
    for chat in (ALICE, BOB):
        assert alerts_in(bot.texts(chat)).count("⏰ 23rd India–Russia annual summit in 7 days") == 1


async def test_event_followed_by_4080_characters_gets_a_short_no_event_reply(bot: Harness) -> None:
    async with bot.running():
        (reply,) = await bot.ask(ALICE, "/event " + "x" * 4080)
    assert reply.startswith(f"I found no event called “{'x' * 63}…”. Try: ")
    assert len(reply) < 500


async def test_timezone_takes_iana_names_with_underscores_and_indian_standard_time(bot: Harness) -> None:
    bot.api.add_chat_member(GROUP, DEFAULT_USER_ID, "creator", chat_type="group")
    async with bot.running():
        (new_york,) = await bot.ask(ALICE, "/timezone America/New_York")
        (india,) = await bot.ask(BOB, "/timezone IST")
        (moscow,) = await bot.ask(GROUP, "/timezone Москва", chat_type="group")
    assert new_york.startswith(
        "Times will also be shown in America/New_York (now 30 Sept 2025, 11:30\u202fPM EDT)."
    )
    assert india.startswith("Times will also be shown in Asia/Kolkata (now 1 Oct 2025, 9:00\u202fAM IST).")
    assert moscow.startswith("Times will also be shown in Europe/Moscow (now 1 Oct 2025, 6:30\u202fAM MSK).")


async def test_markup_in_a_question_or_an_event_name_comes_back_escaped(bot: Harness) -> None:
    async with bot.running():
        (answer,) = await bot.ask(ALICE, "<script>when is the summit?</script>")
        (not_found,) = await bot.ask(ALICE, "/event <script>alert(1)</script>")
    assert answer.startswith("23rd India–Russia annual summit — 5–6 December 2025")
    assert not_found.startswith("I found no event called “<script>alert(1)</script>”.")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in bot.api.sent_to(ALICE)[-1].text


async def test_a_long_reminders_list_is_refused_and_reminders_still_answers_afterwards(bot: Harness) -> None:
    async with bot.running():
        (refused,) = await bot.ask(ALICE, "/reminders " + " ".join(f"{n}m" for n in range(1, 700)))
        (shown,) = await bot.ask(ALICE, "/reminders")
        (unplanned,) = await bot.ask(ALICE, "/reminders 3d")
    assert refused == "That is too many lead times. Choose at most 4 from: 7d 1d 2h 30m."
    assert shown.startswith("You get 4 reminders before each event: 7 days before, 1 day before, ")
    assert unplanned == "No event plans a reminder 3 days before. Choose from: 7d 1d 2h 30m."


async def test_when_telegram_fails_a_reply_and_the_apology_the_error_is_logged_once_and_nothing_escapes(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with bot.running():
        bot.fake.fail_next("sendMessage", 500, "Internal Server Error")
        apology = await bot.ask(ALICE, "/next")
        bot.fake.fail_next("sendMessage", 500, "Internal Server Error", times=2)
        silence = await bot.ask(ALICE, "/next")
        (answered,) = await bot.ask(ALICE, "/next")
    assert apology == ["Sorry, something went wrong on my side. Please try again in a moment."]
    assert silence == []
    assert answered.startswith("Next: 23rd India–Russia annual summit")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage()) for r in errors] == [
        ("bot.handlers", f"error while handling an update in chat {ALICE}")
    ] * 2
    assert all(r.exc_info is not None and isinstance(r.exc_info[1], NetworkError) for r in errors)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [f"could not apologise in chat {ALICE}: Internal Server Error"]
    assert TOKEN not in caplog.text


async def test_a_chat_that_subscribes_in_the_minute_before_an_alert_gets_it_on_time_not_late(
    bot: Harness,
) -> None:
    async with bot.running():
        await bot.jump(WEEK_BEFORE - timedelta(seconds=70))  # the alert's rows are written, for nobody yet
        await bot.jump(WEEK_BEFORE - timedelta(seconds=30))
        await bot.ask(BOB, "/subscribe")  # while the clock stands: no tick has read Bob yet
        notifier = boot_of(bot.app).notifier
        assert notifier is not None
        wake = await notifier.next_wake()
        assert wake is not None
        assert wake < WEEK_BEFORE  # the bot looks again just before the moment, not at the next tick
        await bot.jump(wake)
        rows = await bot.store.pending(WEEK_BEFORE + timedelta(days=1))
        await bot.jump(WEEK_BEFORE)
    (bobs,) = [r for r in rows if r.chat_id == BOB]
    assert bobs.due_at < WEEK_BEFORE  # written before the moment, due before it
    (alert,) = alerts_in(bot.texts(BOB))
    assert alert == "⏰ 23rd India–Russia annual summit in 7 days"
    assert not any("Late" in t for t in bot.texts(BOB))
