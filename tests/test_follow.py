"""Following one event, muting one, snoozing an alert and quiet hours: users' stories through the real
python-telegram-bot client and the fake Bot API over HTTP, on a manual clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.conftest import IST, NEW_YORK, Harness

ALICE, BOB, CAROL = 301, 302, 303
GROUP = -1001700
ADMIN, MEMBER = 601, 602
OPERATOR = 609
REFUSAL = "Only this group's admins can change its settings. Anyone can ask /next, /events or /status."

MONTH_NOTE = datetime(2025, 11, 1, 9, 0, tzinfo=IST)  # Lavrov, "in November"
WEEK_BEFORE = datetime(2025, 11, 28, 9, 0, tzinfo=IST)  # the summit, 7d
DAY_BEFORE = datetime(2025, 12, 4, 9, 0, tzinfo=IST)  # the summit, 1d
SUMMIT_WEEK = "⏰ 23rd India–Russia annual summit in 7 days"
LAVROV_NOTE = (
    "📅 Expected this month: Foreign Minister Sergey Lavrov's visit to India. No day has been announced yet."
)
SNOOZES = [
    ("In 3 hours", "z:3h:summit-2025"),
    ("Tomorrow morning", "z:tm:summit-2025"),
    ("1 day before", "z:1d:summit-2025"),
]


def alerts_in(texts: list[str]) -> list[str]:
    return [t.splitlines()[0] for t in texts if t.startswith(("⏰", "📅", "🔁", "🌅"))]


def last_message(bot: Harness, chat_id: int) -> tuple[int, list[tuple[str, str]]]:
    message = bot.api.sent_to(chat_id)[-1]
    return message.message_id, message.buttons


async def press(
    bot: Harness, chat_id: int, message_id: int, data: str, user_id: int | None = None
) -> str | None:
    """Press a button and return the notice the user saw."""
    before = len(bot.api.callback_answers)
    bot.api.user_presses(chat_id, message_id, data, user_id=user_id)
    await bot.settle()
    (answer,) = bot.api.callback_answers[before:]
    return answer.text


async def test_a_deep_link_follows_one_event_and_only_its_alerts_arrive(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/start follow-summit-2025")
        await bot.ask(BOB, "/subscribe")
        for moment in (MONTH_NOTE, WEEK_BEFORE):
            await bot.jump(moment)
    assert alerts_in(bot.texts(ALICE)) == [SUMMIT_WEEK], "Lavrov's note is not the summit's"
    assert alerts_in(bot.texts(BOB)) == [LAVROV_NOTE, SUMMIT_WEEK]
    assert bot.api.sent_to(ALICE)[-1].buttons == SNOOZES


async def test_unfollow_stops_the_events_alerts(bot: Harness) -> None:
    async with bot.running():
        (followed,) = await bot.ask(ALICE, "/follow summit")
        (unfollowed,) = await bot.ask(ALICE, "/unfollow summit")
        (again,) = await bot.ask(ALICE, "/unfollow summit")
        await bot.jump(WEEK_BEFORE)
    assert followed.startswith("You follow 23rd India–Russia annual summit:")
    assert unfollowed == "You no longer follow 23rd India–Russia annual summit."
    assert again == "You were not following 23rd India–Russia annual summit."
    assert alerts_in(bot.texts(ALICE)) == []


async def test_a_chat_following_everything_can_mute_one_event_and_unmute_it(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        (muted,) = await bot.ask(ALICE, "/mute summit")
        await bot.jump(WEEK_BEFORE)
        (unmuted,) = await bot.ask(ALICE, "/unmute summit")
        await bot.jump(DAY_BEFORE)
        (not_everything,) = await bot.ask(BOB, "/mute summit")
    assert muted == "Muted: no reminders or notes about 23rd India–Russia annual summit until you /unmute it."
    assert unmuted == "Unmuted: you will hear about 23rd India–Russia annual summit again."
    assert alerts_in(bot.texts(ALICE)) == [LAVROV_NOTE, "⏰ 23rd India–Russia annual summit tomorrow"]
    assert not_everything.startswith("Muting is for chats that follow every event")


async def test_a_snoozed_alert_comes_back_exactly_once_even_across_a_restart(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/follow summit")
        await bot.jump(WEEK_BEFORE)
        alert, buttons = last_message(bot, ALICE)
        assert buttons == SNOOZES
        said = await press(bot, ALICE, alert, "z:3h:summit-2025")
        again = await press(bot, ALICE, alert, "z:3h:summit-2025")
    async with bot.running():
        await bot.jump(WEEK_BEFORE + timedelta(hours=3))
        await bot.jump(WEEK_BEFORE + timedelta(hours=4))
    async with bot.running():
        await bot.settle()
    assert said == again == "I will remind you again 28 Nov 2025, 12:00\u202fPM IST."
    assert alerts_in(bot.texts(ALICE)) == [
        SUMMIT_WEEK,
        "🔁 Reminder, as you asked: 23rd India–Russia annual summit in 7 days",
    ]


def edit_summit(bot: Harness, old: str, new: str) -> None:
    text = bot.settings.events.read_text()
    assert old in text
    bot.settings.events.write_text(text.replace(old, new, 1))


async def test_a_snoozed_reminder_of_an_event_called_off_meanwhile_is_not_sent(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/follow summit")
        await bot.jump(WEEK_BEFORE)
        alert, _ = last_message(bot, ALICE)
        await press(bot, ALICE, alert, "z:3h:summit-2025")
        edit_summit(bot, "lifecycle: planned", "lifecycle: cancelled")
        await bot.settle(quiet=0.5)
        await bot.jump(WEEK_BEFORE + timedelta(hours=4))
    texts = bot.texts(ALICE)
    assert not [t for t in texts if t.startswith("🔁")]
    assert texts[-1].startswith("🔔 23rd India–Russia annual summit: update\n• Cancelled")


async def test_a_snoozed_reminder_says_the_place_an_edit_gave_meanwhile(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/follow summit")
        await bot.jump(WEEK_BEFORE)
        alert, _ = last_message(bot, ALICE)
        await press(bot, ALICE, alert, "z:3h:summit-2025")
        edit_summit(
            bot,
            "place: {en: New Delhi, ru: Нью-Дели, hi: नई दिल्ली}",
            "place: {en: Mumbai, ru: Мумбаи, hi: मुंबई}",
        )
        await bot.settle(quiet=0.5)
        await bot.jump(WEEK_BEFORE + timedelta(hours=4))
    (reminder,) = [t for t in bot.texts(ALICE) if t.startswith("🔁")]
    assert "📍 Mumbai" in reminder
    assert "New Delhi" not in reminder


async def test_quiet_hours_hold_what_can_wait_for_a_digest_and_send_the_urgent_silently(bot: Harness) -> None:
    """New York, 22:00-07:00: Lavrov's month note (23:30 EDT) cannot wait, so it comes without a sound;
    the summit's week reminder (22:30 EST) waits for 07:00 EST, across the change of clocks between."""
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.ask(ALICE, "/timezone America/New_York")
        (quiet,) = await bot.ask(ALICE, "/quiet 22:00-07:00")
        await bot.jump(MONTH_NOTE)
        lavrov = bot.api.sent_to(ALICE)[-1]
        await bot.jump(WEEK_BEFORE)
        held = len(bot.texts(ALICE))
        await bot.jump(datetime(2025, 11, 28, 6, 59, tzinfo=NEW_YORK))
        assert len(bot.texts(ALICE)) == held
        await bot.jump(datetime(2025, 11, 28, 7, 0, tzinfo=NEW_YORK))
        await bot.jump(datetime(2025, 11, 28, 8, 0, tzinfo=NEW_YORK))
    assert quiet.startswith("Quiet hours: 22:00-07:00 (America/New_York).")
    assert lavrov.plain.startswith(LAVROV_NOTE)
    assert lavrov.disable_notification
    digest = bot.api.sent_to(ALICE)[-1]
    assert digest.plain.startswith("🌅 While your quiet hours were on, 1 message waited:\n\n" + SUMMIT_WEEK)
    assert not digest.disable_notification
    assert alerts_in(bot.texts(ALICE)) == [LAVROV_NOTE, digest.plain.splitlines()[0]]


async def test_a_change_note_at_night_in_kolkata_waits_for_the_digest_at_seven(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        await bot.ask(ALICE, "/timezone Asia/Kolkata")
        await bot.ask(ALICE, "/quiet 22:00-07:00")
        before = len(bot.texts(ALICE))
        await bot.jump(datetime(2025, 10, 1, 23, 0, tzinfo=IST))
        text = bot.settings.events.read_text()
        bot.settings.events.write_text(
            text.replace(
                "place: {en: New Delhi, ru: Нью-Дели, hi: नई दिल्ली}",
                "place: {en: Mumbai, ru: Мумбаи, hi: मुंबई}",
                1,
            )
        )
        await bot.settle(quiet=0.5)
        await bot.jump(datetime(2025, 10, 2, 6, 59, tzinfo=IST))
        assert len(bot.texts(ALICE)) == before
        await bot.jump(datetime(2025, 10, 2, 7, 0, tzinfo=IST))
    (digest,) = bot.texts(ALICE)[before : before + 1]
    assert digest.startswith(
        "🌅 While your quiet hours were on, 2 messages waited:\n\n"
        "🔔 23rd India–Russia annual summit: update\n• Place changed: New Delhi → Mumbai"
    )
    assert "\n\n🔔 Launch of RT's India edition: update\n• Place changed: New Delhi → Mumbai" in digest
    assert len(bot.texts(ALICE)) == before + 1, "one message for both"


async def test_following_lists_the_chats_events_and_its_stop_button_works(bot: Harness) -> None:
    async with bot.running():
        (offer,) = await bot.ask(ALICE, "/follow")
        offered, buttons = last_message(bot, ALICE)
        said = await press(bot, ALICE, offered, "f:summit-2025")
        await bot.ask(ALICE, "/follow lavrov")
        (listed,) = await bot.ask(ALICE, "/following")
        listing, stops = last_message(bot, ALICE)
        stopped = await press(bot, ALICE, listing, "s:summit-2025")
        assert await bot.store.follows_of(ALICE) == {"lavrov-visit-2025": "follow"}
    assert offer.startswith("Which event? Pick one below")
    assert ("23rd India–Russia annual summit", "f:summit-2025") in list(buttons)
    assert said is not None
    assert said.startswith("You follow 23rd India–Russia annual summit")
    assert listed == (
        "What this chat follows\n• Foreign Minister Sergey Lavrov's visit to India\n"
        "• 23rd India–Russia annual summit"
    )
    assert stops == [
        ("Stop: Foreign Minister Sergey Lavrov's visit to India", "s:lavrov-visit-2025"),
        ("Stop: 23rd India–Russia annual summit", "s:summit-2025"),
    ]
    assert stopped == "You no longer follow 23rd India–Russia annual summit."
    edited = bot.api.message(ALICE, listing)
    assert edited.plain == "What this chat follows\n• Foreign Minister Sergey Lavrov's visit to India"


async def test_the_follow_button_on_an_event_card_turns_into_unfollow(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/event summit")
        card, buttons = last_message(bot, ALICE)
        said = await press(bot, ALICE, card, "f:summit-2025")
        assert bot.api.message(ALICE, card).buttons == [("🔕 Unfollow", "u:summit-2025")]
        await press(bot, ALICE, card, "u:summit-2025")
        assert await bot.store.follows_of(ALICE) == {}
    assert buttons == [("🔔 Follow", "f:summit-2025")]
    assert said is not None
    assert said.startswith("You follow 23rd India–Russia annual summit")


async def test_an_event_gone_from_the_file_stays_followed_and_can_be_stopped(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/follow lavrov")
        text = bot.settings.events.read_text()
        bot.settings.events.write_text(text.replace("id: lavrov-visit-2025", "id: lavrov-visit-2025-b", 1))
        await bot.settle(quiet=0.5)
        (listed,) = await bot.ask(ALICE, "/following")
        (stopped,) = await bot.ask(ALICE, "/unfollow lavrov-visit-2025")
        assert await bot.store.follows_of(ALICE) == {}
    assert listed == "What this chat follows\n• lavrov-visit-2025"
    assert stopped == "You no longer follow lavrov-visit-2025."


async def test_a_member_who_is_not_an_admin_cannot_unfollow_or_quiet_the_group(bot: Harness) -> None:
    bot.api.add_chat_member(GROUP, ADMIN, "administrator", chat_type="supergroup", title="Watchers")
    bot.api.add_chat_member(GROUP, MEMBER, "member")
    async with bot.running():
        await bot.ask(GROUP, "/follow@SummitBot summit", user_id=ADMIN)
        unfollow = await bot.ask(GROUP, "/unfollow@SummitBot summit", user_id=MEMBER)
        quiet = await bot.ask(GROUP, "/quiet@SummitBot 22:00-07:00", user_id=MEMBER)
        mute = await bot.ask(GROUP, "/mute@SummitBot summit", user_id=MEMBER)
        await bot.ask(GROUP, "/following@SummitBot", user_id=MEMBER)
        listing, _ = last_message(bot, GROUP)
        said = await press(bot, GROUP, listing, "s:summit-2025", user_id=MEMBER)
        (next_up,) = await bot.ask(GROUP, "/next@SummitBot", user_id=MEMBER)
        assert await bot.store.follows_of(GROUP) == {"summit-2025": "follow"}
        assert await bot.store.quiet_of(GROUP) is None
    assert unfollow == quiet == mute == [REFUSAL]
    assert said == REFUSAL
    assert next_up.startswith("Next:") or "summit" in next_up


async def test_stats_shows_how_many_chats_follow_each_event(bot: Harness) -> None:
    bot.settings = bot.settings.model_copy(update={"admins": frozenset({OPERATOR})})
    async with bot.running():
        await bot.ask(ALICE, "/follow summit")
        await bot.ask(BOB, "/follow summit")
        await bot.ask(CAROL, "/follow lavrov")
        (stats,) = await bot.ask(OPERATOR, "/stats")
    assert stats.endswith(
        "Chats following one event:\n23rd India–Russia annual summit: 2\n"
        "Foreign Minister Sergey Lavrov's visit to India: 1"
    )


async def test_quiet_says_what_is_set_and_asks_for_a_zone_first(bot: Harness) -> None:
    async with bot.running():
        (no_zone,) = await bot.ask(ALICE, "/quiet 22:00-07:00")
        await bot.ask(ALICE, "/timezone Berlin")
        (bad,) = await bot.ask(ALICE, "/quiet 25:00-07:00")
        (set_,) = await bot.ask(ALICE, "/quiet 22-7")
        (shown,) = await bot.ask(ALICE, "/quiet")
        (off,) = await bot.ask(ALICE, "/quiet off")
    assert no_zone.startswith("Quiet hours are kept in your time zone")
    assert bad.startswith("“25:00-07:00” is not a span of hours.")
    assert set_ == shown
    assert shown.startswith("Quiet hours: 22:00-07:00 (Europe/Berlin).")
    assert off.startswith("No quiet hours")


async def test_events_offers_to_follow_each_upcoming_event_and_the_pressed_button_turns(bot: Harness) -> None:
    async with bot.running():
        await bot.ask(ALICE, "/events")
        listing, buttons = last_message(bot, ALICE)
        said = await press(bot, ALICE, listing, "f:lavrov-visit-2025")
        assert await bot.store.follows_of(ALICE) == {"lavrov-visit-2025": "follow"}
    assert ("🔔 Follow: Foreign Minister Sergey Lavrov's visit to India", "f:lavrov-visit-2025") in buttons
    assert ("🔔 Follow: 23rd India–Russia annual summit", "f:summit-2025") in buttons
    assert said is not None
    assert said.startswith("You follow Foreign Minister Sergey Lavrov's visit to India")
    after = bot.api.message(ALICE, listing).buttons
    assert ("🔕 Unfollow: Foreign Minister Sergey Lavrov's visit to India", "u:lavrov-visit-2025") in after
    assert ("🔔 Follow: 23rd India–Russia annual summit", "f:summit-2025") in after
    assert len(after) == len(buttons)
