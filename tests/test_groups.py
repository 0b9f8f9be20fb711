"""Groups are run by their admins: only they change a group's settings; anyone may ask.

Stories through the real python-telegram-bot client and the fake Bot API over HTTP; who is an admin
is what the fake Telegram answers to getChatMember.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.clock import ManualClock
from bot.groups import GroupAdmins
from bot.localapi import GROUP_ANONYMOUS_BOT
from tests.conftest import SEED_DAY, Harness
from tests.fakebotapi import FakeBotApiServer

GROUP = -1001500
ADMIN, MEMBER, OWNER, NEWCOMER = 501, 502, 503, 504
REFUSAL = "Only this group's admins can change its settings. Anyone can ask /next, /events or /status."


def a_group(bot: Harness) -> None:
    """A supergroup with an admin, a member and its creator."""
    bot.api.add_chat_member(GROUP, ADMIN, "administrator", chat_type="supergroup", title="Watchers")
    bot.api.add_chat_member(GROUP, MEMBER, "member")
    bot.api.add_chat_member(GROUP, OWNER, "creator")


async def test_a_member_who_is_not_an_admin_cannot_unsubscribe_the_group_or_change_its_zone(
    bot: Harness,
) -> None:
    a_group(bot)
    async with bot.running():
        await bot.ask(GROUP, "/subscribe@SummitBot", user_id=ADMIN)
        unsubscribe = await bot.ask(GROUP, "/unsubscribe@SummitBot", user_id=MEMBER)
        zone = await bot.ask(GROUP, "/timezone@SummitBot Berlin", user_id=MEMBER)
        reminders = await bot.ask(GROUP, "/reminders@SummitBot 1d", user_id=MEMBER)
        language = await bot.ask(GROUP, "/language@SummitBot ru", user_id=MEMBER)
        (shown,) = await bot.ask(GROUP, "/timezone@SummitBot", user_id=MEMBER)
        assert await bot.store.is_subscribed(GROUP)
        assert await bot.store.reminders_of(GROUP) is None
    assert unsubscribe == zone == reminders == language == [REFUSAL]
    assert shown.startswith("Times are shown in each event's own zone.")


async def test_an_admin_and_the_creator_can_unsubscribe_the_group_and_change_its_zone(bot: Harness) -> None:
    a_group(bot)
    async with bot.running():
        (subscribed,) = await bot.ask(GROUP, "/subscribe@SummitBot", user_id=OWNER)
        (zone,) = await bot.ask(GROUP, "/timezone@SummitBot Berlin", user_id=ADMIN)
        (unsubscribed,) = await bot.ask(GROUP, "/unsubscribe@SummitBot", user_id=ADMIN)
        assert not await bot.store.is_subscribed(GROUP)
    assert subscribed.startswith("Subscribed.")
    assert zone.startswith("Times will also be shown in Europe/Berlin")
    assert unsubscribed.startswith("Unsubscribed.")


async def test_an_anonymous_admin_writing_as_the_group_can_change_its_settings(bot: Harness) -> None:
    a_group(bot)
    async with bot.running():
        bot.api.user_says("/subscribe@SummitBot", chat_id=GROUP, anonymous=True)
        await bot.settle()
        bot.api.user_says("/timezone@SummitBot Moscow", chat_id=GROUP, anonymous=True)
        await bot.settle()
        assert await bot.store.is_subscribed(GROUP)
    subscribed, zone = bot.texts(GROUP)
    assert subscribed.startswith("Subscribed.")
    assert zone.startswith("Times will also be shown in Europe/Moscow")
    assert bot.fake.calls("getChatMember") == [], "the group itself is its admin: nothing to ask"


async def test_anyone_in_the_group_can_ask_next_events_status_event_help_and_questions(bot: Harness) -> None:
    a_group(bot)
    async with bot.running():
        (next_up,) = await bot.ask(GROUP, "/next@SummitBot", user_id=MEMBER)
        (listing,) = await bot.ask(GROUP, "/events@SummitBot", user_id=NEWCOMER)
        (status,) = await bot.ask(GROUP, "/status@SummitBot", user_id=MEMBER)
        (event,) = await bot.ask(GROUP, "/event@SummitBot lavrov", user_id=MEMBER)
        (helped,) = await bot.ask(GROUP, "/help@SummitBot", user_id=MEMBER)
        (answer,) = await bot.ask(GROUP, "@SummitBot is the summit confirmed?", user_id=NEWCOMER)
    assert next_up.startswith("Next: 23rd India–Russia annual summit")
    assert listing.startswith("Upcoming")
    assert status.startswith("Status of upcoming events")
    assert event.startswith("Foreign Minister Sergey Lavrov's visit to India")
    assert "In a group, only its admins can change its settings; anyone can ask." in helped
    assert "Unconfirmed by either government" in answer
    assert bot.fake.calls("getChatMember") == [], "asking needs no admin"


async def test_the_refusal_is_in_the_groups_language(bot: Harness) -> None:
    a_group(bot)
    async with bot.running():
        await bot.ask(GROUP, "/language@SummitBot русский", user_id=ADMIN)
        (refused,) = await bot.ask(GROUP, "/subscribe@SummitBot", user_id=MEMBER, language_code="hi")
    assert refused == (
        "Менять настройки группы могут только её администраторы. "
        "Спросить /next, /events или /status может любой."
    )


async def test_a_member_pressing_the_groups_subscribe_button_is_told_why_nothing_happened(
    bot: Harness,
) -> None:
    a_group(bot)
    async with bot.running():
        await bot.ask(GROUP, "/start@SummitBot", user_id=MEMBER)
        welcome = bot.api.sent_to(GROUP)[-1]
        (shown,) = await bot.ask(GROUP, "/language@SummitBot", user_id=MEMBER)  # looking is allowed
        languages = bot.api.sent_to(GROUP)[-1]
        bot.api.user_presses(GROUP, welcome.message_id, "subscribe", user_id=MEMBER)
        bot.api.user_presses(GROUP, languages.message_id, "language:ru", user_id=MEMBER)
        await bot.settle()
        assert not await bot.store.is_subscribed(GROUP)
        bot.api.user_presses(GROUP, welcome.message_id, "subscribe", user_id=ADMIN)
        await bot.settle()
        assert await bot.store.is_subscribed(GROUP)
    refusals = [a for a in bot.api.callback_answers if a.text == REFUSAL]
    assert len(refusals) == 2
    assert all(a.show_alert for a in refusals)
    assert shown == "I speak English in this chat. Choose another language:"
    assert bot.texts(GROUP)[-1].startswith("Subscribed.")
    assert len(bot.texts(GROUP)) == 3, "the refusals were notices on the buttons, not messages to the group"


async def test_private_chats_are_unaffected_and_never_ask_telegram_about_admins(bot: Harness) -> None:
    async with bot.running():
        (subscribed,) = await bot.ask(MEMBER, "/subscribe")
        (zone,) = await bot.ask(MEMBER, "/timezone Delhi")
    assert subscribed.startswith("Subscribed.")
    assert zone.startswith("Times will also be shown in Asia/Kolkata")
    assert bot.fake.calls("getChatMember") == []


async def test_a_failing_admin_check_refuses_politely_and_logs_one_line(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    a_group(bot)
    async with bot.running():
        bot.fake.fail_next("getChatMember", 400, "Bad Request: CHAT_ADMIN_REQUIRED")
        (refused,) = await bot.ask(GROUP, "/subscribe@SummitBot", user_id=ADMIN)
        assert not await bot.store.is_subscribed(GROUP)
        (subscribed,) = await bot.ask(GROUP, "/subscribe@SummitBot", user_id=ADMIN)
    assert refused == (
        "I could not check whether you are an admin of this group. Please try again in a moment."
    )
    assert subscribed.startswith("Subscribed."), "a failure is not remembered: the next command asks again"
    logged = [r for r in caplog.records if "who administers chat" in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].levelno == logging.WARNING
    assert logged[0].exc_info is None, "one line, no traceback"
    assert "Chat_admin_required" in logged[0].getMessage()  # as python-telegram-bot words it


async def test_an_admins_status_is_remembered_for_a_minute_so_a_demotion_counts_after_it(
    bot: Harness,
) -> None:
    a_group(bot)
    async with bot.running():
        await bot.ask(GROUP, "/subscribe@SummitBot", user_id=ADMIN)
        bot.api.add_chat_member(GROUP, ADMIN, "member")  # demoted
        (still,) = await bot.ask(GROUP, "/reminders@SummitBot 1d", user_id=ADMIN)
        await bot.jump(SEED_DAY + timedelta(seconds=61))
        (refused,) = await bot.ask(GROUP, "/reminders@SummitBot all", user_id=ADMIN)
    assert still.startswith("You get 1 of the 4 planned reminders")
    assert refused == REFUSAL
    assert len(bot.fake.calls("getChatMember")) == 2


async def test_the_memory_of_admins_is_per_chat_and_user_and_expires_on_the_clock() -> None:
    clock = ManualClock(SEED_DAY)
    admins = GroupAdmins(clock)
    asked: list[str] = []

    def status(answer: str):  # type: ignore[no-untyped-def]  # a tiny recording stand-in for Telegram
        async def ask() -> str:
            asked.append(answer)
            return answer

        return ask

    assert await admins.is_admin(-1, 7, status("administrator"))
    assert await admins.is_admin(-1, 7, status("left"))  # remembered: not asked
    assert not await admins.is_admin(-2, 7, status("member"))  # another chat is asked
    clock.set(SEED_DAY + timedelta(seconds=60))
    assert not await admins.is_admin(-1, 7, status("kicked"))
    assert asked == ["administrator", "member", "kicked"]


# ---------------------------------------------------------------- the fake Telegram's side


async def test_get_chat_member_reports_statuses_as_telegram_does(fake_bot_api: FakeBotApiServer) -> None:
    api = fake_bot_api.api
    api.add_chat_member(GROUP, ADMIN, "administrator", chat_type="supergroup")
    api.add_chat_member(GROUP, OWNER, "creator")
    api.add_chat_member(GROUP, MEMBER, "restricted")
    api.user_says("hello", chat_id=GROUP, user_id=NEWCOMER)
    api.user_says("hi", chat_id=MEMBER)
    async with Bot(token=fake_bot_api.token, base_url=fake_bot_api.base_url) as telegram:
        statuses = [
            (await telegram.get_chat_member(GROUP, u)).status for u in (ADMIN, OWNER, MEMBER, NEWCOMER)
        ]
        admins = {m.user.id for m in await telegram.get_chat_administrators(GROUP)}
        with pytest.raises(BadRequest, match="User not found"):
            await telegram.get_chat_member(GROUP, 999)
        with pytest.raises(BadRequest, match="There are no administrators in the private chat"):
            await telegram.get_chat_administrators(MEMBER)
    assert statuses == ["administrator", "creator", "restricted", "member"]
    assert admins == {ADMIN, OWNER}


async def test_an_anonymous_admins_message_comes_from_the_group_itself() -> None:
    from bot.localapi import LocalBotApi

    update = LocalBotApi().user_says("/subscribe", chat_id=GROUP, anonymous=True)
    message = update["message"]
    assert message["from"] == GROUP_ANONYMOUS_BOT
    assert message["sender_chat"]["id"] == message["chat"]["id"] == GROUP
