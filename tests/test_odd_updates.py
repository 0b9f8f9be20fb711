"""Updates as Telegram and real clients send them beyond plain messages: shapes the installed
python-telegram-bot cannot read, buttons under messages sent inline, a group upgraded to a supergroup.

Stories through the real python-telegram-bot client and the fake Bot API over HTTP.
"""

from __future__ import annotations

import logging

import pytest

from tests.conftest import Harness

ALICE = 501
OLD_GROUP, SUPERGROUP = -4001, -1004001
ADMIN = 502


async def test_an_update_the_client_library_cannot_read_is_skipped_and_the_next_one_answered(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A poll lacking fields this python-telegram-bot requires (an older or newer Telegram) used to stop
    the bot: the library asked for the same batch forever and answered nobody."""
    bot.api.add_chat(ALICE)
    poll = {"id": "p", "question": "Which day?", "options": [{"text": "Friday", "voter_count": 0}]}
    message = {"message_id": 1, "date": 0, "chat": {"id": ALICE, "type": "private", "first_name": "A"}}
    async with bot.running():
        caplog.set_level(logging.WARNING, logger="bot.updates")
        bot.api.sends_update("message", {**message, "poll": poll})
        (answer,) = await bot.ask(ALICE, "/next")
        assert bot.api.pending_updates == []
    assert answer.startswith("Next: 23rd India–Russia annual summit")
    (skipped,) = [r.getMessage() for r in caplog.records if r.name == "bot.updates"]
    assert "(message) could not be read and is skipped" in skipped


async def test_a_button_under_a_message_sent_inline_gets_a_short_notice_and_changes_nothing(
    bot: Harness,
) -> None:
    """Such a callback has an inline_message_id and no chat; it used to raise and leave the button
    spinning. The notice is in the presser's language."""
    async with bot.running():
        for n, data in enumerate(("next", "subscribe", "f:summit-2025", "announce:confirm")):
            query = {
                "id": f"inline-press-{n}",
                "from": {"id": ALICE, "is_bot": False, "first_name": "A", "language_code": "ru"},
                "chat_instance": "1",
                "inline_message_id": "AAAA",
                "data": data,
            }
            bot.api.sends_update("callback_query", query)
        await bot.settle()
        assert not await bot.store.is_subscribed(ALICE)
    notices = {answer.text for answer in bot.api.callback_answers}
    assert len(bot.api.callback_answers) == 4
    assert notices == {"Эта кнопка устарела. Попробуйте /help."}
    assert bot.api.sent == []


async def test_a_group_upgraded_to_a_supergroup_keeps_its_subscription_follows_and_settings(
    bot: Harness,
) -> None:
    """Telegram says so in both chats; the supergroup's admins see the group's settings at once, not
    only after the next alert found the old id gone."""
    bot.api.add_chat_member(OLD_GROUP, ADMIN, "administrator", chat_type="group", title="Watchers")
    bot.api.add_chat_member(SUPERGROUP, ADMIN, "administrator", chat_type="supergroup", title="Watchers")
    async with bot.running():
        await bot.ask(OLD_GROUP, "/subscribe@SummitBot", user_id=ADMIN)
        await bot.ask(OLD_GROUP, "/mute@SummitBot lavrov", user_id=ADMIN)
        await bot.ask(OLD_GROUP, "/timezone@SummitBot Berlin", user_id=ADMIN)
        await bot.ask(OLD_GROUP, "/quiet@SummitBot 22:00-07:00", user_id=ADMIN)
        bot.api.group_upgrades(OLD_GROUP, SUPERGROUP)
        await bot.settle()
        (following,) = await bot.ask(SUPERGROUP, "/following@SummitBot", user_id=ADMIN)
        (quiet,) = await bot.ask(SUPERGROUP, "/quiet@SummitBot", user_id=ADMIN)
        assert await bot.store.is_subscribed(SUPERGROUP)
        assert not await bot.store.is_subscribed(OLD_GROUP)
        assert await bot.store.follows_of(OLD_GROUP) == {}
    assert "every event" in following.lower()
    assert "Lavrov" in following
    assert "22:00" in quiet
    assert "Europe/Berlin" in quiet
