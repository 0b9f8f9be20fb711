"""The in-memory Bot API must behave like Telegram, for the real PTB client over HTTP and in-process."""

from __future__ import annotations

import asyncio
import datetime as dt

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TimedOut
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.localapi import BotApiError, LocalBotApi, LocalRequest
from tests.fakebotapi import TOKEN, FakeBotApiServer, fake_bot_api

__all__ = ["fake_bot_api"]

USER = 5001
GROUP = -1001234567890


def real_bot(server: FakeBotApiServer, token: str = TOKEN) -> Bot:
    return Bot(token=token, base_url=server.base_url)


async def test_the_real_bot_learns_its_identity_from_the_fake_server(fake_bot_api: FakeBotApiServer) -> None:
    async with real_bot(fake_bot_api) as bot:
        me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (1000, "SummitBot", True)


async def test_a_sent_html_message_is_recorded_raw_and_as_the_user_reads_it(
    fake_bot_api: FakeBotApiServer,
) -> None:
    fake_bot_api.api.user_says("hi", chat_id=USER)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="page:2")]])
    async with real_bot(fake_bot_api) as bot:
        message = await bot.send_message(
            USER, "<b>G7</b> in 3 days &amp; counting", parse_mode="HTML", reply_markup=keyboard
        )
    [sent] = fake_bot_api.api.sent_to(USER)
    assert sent.text == "<b>G7</b> in 3 days &amp; counting"
    assert sent.plain == "G7 in 3 days & counting"
    assert sent.buttons == [("Next", "page:2")]
    assert message.text == sent.plain
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 2)]
    assert message.message_id == 2, "message ids count per chat, shared with the user's message"


async def test_sending_to_a_chat_nobody_opened_is_chat_not_found(fake_bot_api: FakeBotApiServer) -> None:
    async with real_bot(fake_bot_api) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(USER, "hello")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "message text is empty"),
        ("x" * 4097, "message is too long"),
        ("<b>bold</i>", "unmatched end tag"),
        ("1 < 2", "unsupported start tag"),
        ("<div>hi</div>", 'unsupported start tag "div"'),
        ("<b>open", "can't find end tag"),
    ],
)
async def test_text_telegram_would_refuse_is_refused(
    fake_bot_api: FakeBotApiServer, text: str, complaint: str
) -> None:
    fake_bot_api.api.user_says("hi", chat_id=USER)
    async with real_bot(fake_bot_api) as bot:
        with pytest.raises(BadRequest, match=f"(?i){complaint}"):
            await bot.send_message(USER, text, parse_mode="HTML")
    assert fake_bot_api.api.sent == []


async def test_a_command_gets_a_bot_command_entity_like_telegram_sends() -> None:
    api = LocalBotApi()
    update = api.user_says("/start@SummitBot now", chat_id=USER)
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 16}]
    assert "entities" not in api.user_says("start", chat_id=USER)["message"]


async def test_group_messages_come_from_a_member_in_a_negative_id_chat() -> None:
    update = LocalBotApi().user_says("/next", chat_id=GROUP, title="Diplomats")["message"]
    assert update["chat"] == {"id": GROUP, "type": "supergroup", "title": "Diplomats"}
    assert update["from"]["id"] > 0


async def test_get_updates_returns_queued_updates_and_forgets_confirmed_ones(
    fake_bot_api: FakeBotApiServer,
) -> None:
    api = fake_bot_api.api
    first = api.user_says("one", chat_id=USER)["update_id"]
    api.user_says("two", chat_id=USER)
    async with real_bot(fake_bot_api) as bot:
        updates = await bot.get_updates(timeout=0)
        assert [u.message.text for u in updates if u.message] == ["one", "two"]
        again = await bot.get_updates(offset=first + 1, timeout=0)
        assert [u.message.text for u in again if u.message] == ["two"]
        assert await bot.get_updates(offset=first + 2, timeout=0) == ()
    assert api.pending_updates == []


async def test_long_polling_returns_as_soon_as_an_update_arrives(fake_bot_api: FakeBotApiServer) -> None:
    async with real_bot(fake_bot_api) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.2)
        assert not poll.done()
        fake_bot_api.api.user_says("wake up", chat_id=USER)
        updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates if u.message] == ["wake up"]


async def test_an_empty_long_poll_ends_after_its_timeout_with_nothing() -> None:
    api = LocalBotApi()
    started = asyncio.get_running_loop().time()
    assert await api.call("getUpdates", {"timeout": "0.2"}) == []
    assert asyncio.get_running_loop().time() - started >= 0.19


async def test_a_second_poller_ends_the_first_with_a_conflict_like_two_bot_instances() -> None:
    api = LocalBotApi()
    first = asyncio.create_task(api.call("getUpdates", {"timeout": 5}))
    await asyncio.sleep(0.05)
    assert await api.call("getUpdates", {"timeout": 0}) == []
    with pytest.raises(BotApiError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 1)


async def test_closing_releases_a_pending_long_poll_at_once() -> None:
    api = LocalBotApi()
    poll = asyncio.create_task(api.call("getUpdates", {"timeout": 5}))
    await asyncio.sleep(0.05)
    api.close()
    assert await asyncio.wait_for(poll, 1) == []


async def test_an_injected_429_surfaces_as_retry_after(
    fake_bot_api: FakeBotApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake_bot_api.api.user_says("hi", chat_id=USER)
    fake_bot_api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", {"retry_after": 7})
    async with real_bot(fake_bot_api) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "first try")
        await bot.send_message(USER, "second try")
    assert caught.value.retry_after == dt.timedelta(seconds=7)
    assert [m.plain for m in fake_bot_api.api.sent] == ["second try"]


async def test_a_blocked_chat_is_forbidden(fake_bot_api: FakeBotApiServer) -> None:
    fake_bot_api.block_chat(USER)
    async with real_bot(fake_bot_api) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER, "alert")


async def test_a_migrated_group_reports_its_new_supergroup_id(fake_bot_api: FakeBotApiServer) -> None:
    fake_bot_api.api.user_says("/subscribe", chat_id=-4242, chat_type="group")
    fake_bot_api.migrate_chat(-4242, GROUP)
    async with real_bot(fake_bot_api) as bot:
        with pytest.raises(ChatMigrated) as caught:
            await bot.send_message(-4242, "alert")
        await bot.send_message(caught.value.new_chat_id, "alert")
    assert caught.value.new_chat_id == GROUP
    assert [m.chat_id for m in fake_bot_api.api.sent] == [GROUP]


async def test_a_wrong_token_is_rejected_as_invalid(fake_bot_api: FakeBotApiServer) -> None:
    with pytest.raises(InvalidToken):
        async with real_bot(fake_bot_api, token="999:WRONG"):
            pass


async def test_per_chat_flood_limit_answers_429_until_the_window_passes(
    fake_bot_api: FakeBotApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake_bot_api.api.user_says("hi", chat_id=USER)
    fake_bot_api.limit(per_chat_per_second=1)
    async with real_bot(fake_bot_api) as bot:
        await bot.send_message(USER, "one")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "two")
    assert caught.value.retry_after == dt.timedelta(seconds=1)
    assert [m.plain for m in fake_bot_api.api.sent] == ["one"]


async def test_a_slow_answer_times_the_client_out(fake_bot_api: FakeBotApiServer) -> None:
    fake_bot_api.api.user_says("hi", chat_id=USER)
    fake_bot_api.delay("sendMessage", 0.5)
    async with real_bot(fake_bot_api) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "late", read_timeout=0.1)


async def test_the_server_records_what_the_client_sent_and_accepts_json_bodies(
    fake_bot_api: FakeBotApiServer,
) -> None:
    fake_bot_api.api.user_says("hi", chat_id=USER)
    async with aiohttp.ClientSession() as session:
        url = f"{fake_bot_api.base_url}{TOKEN}/SENDMESSAGE"
        async with session.post(url, json={"chat_id": USER, "text": "via json"}) as response:
            body = await response.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "via json"
    [call] = fake_bot_api.calls("sendMessage")
    assert call.params == {"chat_id": USER, "text": "via json"}


async def test_an_unknown_method_is_not_found() -> None:
    with pytest.raises(BotApiError) as caught:
        await LocalBotApi().call("sendTelepathy", {})
    assert (caught.value.code, caught.value.description) == (404, "Not Found: method not found")


async def test_editing_to_the_same_content_is_refused_like_telegram_does() -> None:
    api = LocalBotApi()
    api.user_says("hi", chat_id=USER)
    sent = await api.call("sendMessage", {"chat_id": USER, "text": "same"})
    with pytest.raises(BotApiError, match="message is not modified"):
        await api.call("editMessageText", {"chat_id": USER, "message_id": sent["message_id"], "text": "same"})


async def test_waiting_for_messages_that_never_come_says_what_was_sent() -> None:
    api = LocalBotApi()
    api.user_says("hi", chat_id=USER)
    await api.call("sendMessage", {"chat_id": USER, "text": "only this"})
    with pytest.raises(TimeoutError, match="only this"):
        await api.wait_for_messages(USER, 2, timeout=0.1)


async def test_an_application_on_local_request_answers_start_and_button_presses_without_network() -> None:
    api = LocalBotApi()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
        await update.effective_message.reply_html("<b>Welcome</b>", reply_markup=keyboard)

    async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("Loading")
        await update.callback_query.edit_message_text("Here is more")

    builder = ApplicationBuilder().token("local").request(LocalRequest(api))
    app = builder.get_updates_request(LocalRequest(api)).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(more))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=10)
        api.user_says("/start", chat_id=USER)
        [welcome] = await api.wait_for_messages(USER, 1)
        api.user_presses(USER, welcome.message_id, "more")
        for _ in range(100):
            if api.edits:
                break
            await asyncio.sleep(0.01)
        await app.updater.stop()
        await app.stop()
    assert welcome.plain == "Welcome"
    assert [a.text for a in api.callback_answers] == ["Loading"]
    assert api.message(USER, welcome.message_id).plain == "Here is more"
