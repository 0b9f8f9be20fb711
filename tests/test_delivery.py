"""Delivery at Telegram's limits and through its failures: nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from telegram import Bot

from bot.clock import ManualClock
from bot.delivery import Sender
from bot.localapi import DEFAULT_USER_ID
from bot.storage import Delivery, NewDelivery, Outcome, Store
from bot.transport import AiohttpRequest
from tests.conftest import IST, Harness
from tests.fakebotapi import TOKEN, FakeBotApiServer

WEEK_BEFORE = datetime(2025, 11, 28, 9, 0, tzinfo=IST)  # the summit's 7d alert (Lavrov's note is due too)
DAY_BEFORE = datetime(2025, 12, 4, 9, 0, tzinfo=IST)
SEVEN_DAYS = "⏰ 23rd India–Russia annual summit in 7 days"
TOMORROW = "⏰ 23rd India–Russia annual summit tomorrow"


def copies(bot: Harness, first_line: str) -> Counter[int]:
    """How many times each chat received the message that starts with ``first_line``."""
    return Counter(m.chat_id for m in bot.api.sent if m.plain.splitlines()[0] == first_line)


async def subscribe(bot: Harness, chats: list[int]) -> None:
    """Each chat subscribes; a group's by its creator (only a group's admins may)."""
    for chat in chats:
        if chat < 0:
            bot.api.add_chat_member(chat, DEFAULT_USER_ID, "creator", chat_type="group")
        bot.say(chat, "/subscribe", chat_type="private" if chat > 0 else "group")
    await bot.settle()


async def test_a_broadcast_at_telegrams_limits_reaches_everyone_once_without_a_single_429(
    bot: Harness,
) -> None:
    chats = list(range(1000, 1060))
    async with bot.running():
        await subscribe(bot, chats)
        bot.fake.limit(per_second_overall=30, per_chat_per_second=1, per_group_per_minute=20)
        before = len(bot.fake.requests)
        await bot.jump(WEEK_BEFORE)
    assert copies(bot, SEVEN_DAYS) == dict.fromkeys(chats, 1)
    sends = [r for r in bot.fake.requests[before:] if r.method == "sendMessage"]
    assert len(sends) == 2 * len(chats)  # Lavrov's November note was owed too, one second apart per chat
    assert bot.fake.refusals == 0


async def test_a_429_pauses_every_send_for_retry_after_and_loses_nothing(bot: Harness) -> None:
    chats = list(range(2000, 2010))
    async with bot.running():
        await subscribe(bot, chats)
        bot.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
        before = len(bot.fake.requests)
        await bot.jump(WEEK_BEFORE)
    assert copies(bot, SEVEN_DAYS) == dict.fromkeys(chats, 1)
    sends = [r for r in bot.fake.requests[before:] if r.method == "sendMessage"]
    refused, after = sends[0], sends[1:]
    assert min(r.at for r in after) - refused.at >= 0.95  # nobody was sent to during the pause
    assert len(sends) == 2 * len(chats) + 1  # one refused attempt, no retry storm


async def test_server_errors_are_retried_with_backoff_until_delivered(bot: Harness) -> None:
    async with bot.running():
        await subscribe(bot, [3001])
        bot.fake.fail_next("sendMessage", 502, "Bad Gateway", times=2)
        await bot.jump(DAY_BEFORE)
        assert copies(bot, TOMORROW) == {}
        await bot.jump(DAY_BEFORE + timedelta(seconds=3))
        assert copies(bot, TOMORROW) == {}
        await bot.jump(DAY_BEFORE + timedelta(seconds=10))
    assert copies(bot, TOMORROW) == {3001: 1}


async def test_a_chat_that_blocked_the_bot_is_unsubscribed_and_not_tried_again(bot: Harness) -> None:
    async with bot.running():
        await subscribe(bot, [4001, 4002])
        bot.fake.block_chat(4002)
        await bot.jump(WEEK_BEFORE)
        attempts = len([r for r in bot.fake.calls("sendMessage") if r.params.get("chat_id") == "4002"])
        await bot.jump(DAY_BEFORE)
        later = len([r for r in bot.fake.calls("sendMessage") if r.params.get("chat_id") == "4002"])
        assert not await bot.store.is_subscribed(4002)
    assert copies(bot, TOMORROW) == {4001: 1}
    assert later == attempts


async def test_a_chat_that_no_longer_exists_is_unsubscribed(bot: Harness) -> None:
    async with bot.running():
        await subscribe(bot, [5001])
        await bot.store.subscribe(5999, "private", None, bot.clock.now())  # a chat Telegram never heard of
        await bot.jump(WEEK_BEFORE)
        assert not await bot.store.is_subscribed(5999)
        assert await bot.store.is_subscribed(5001)
    assert copies(bot, SEVEN_DAYS) == {5001: 1}


async def test_a_group_upgraded_to_a_supergroup_is_followed_to_its_new_id(bot: Harness) -> None:
    group, supergroup = -6001, -1006001
    async with bot.running():
        await subscribe(bot, [group])
        bot.fake.migrate_chat(group, supergroup)
        await bot.jump(WEEK_BEFORE)
        to_old_id = len([r for r in bot.fake.calls("sendMessage") if r.params.get("chat_id") == str(group)])
        await bot.jump(DAY_BEFORE)
    assert copies(bot, SEVEN_DAYS) == {supergroup: 1}
    assert copies(bot, TOMORROW) == {supergroup: 1}
    assert (
        len([r for r in bot.fake.calls("sendMessage") if r.params.get("chat_id") == str(group)]) == to_old_id
    )


class ReadsOvertakenByWrites:
    """The outbox with one ordering forced: a page read queries while rows it returns are still pending,
    and their outcomes are written before the read returns to the sender.

    On a busy event loop this happens by chance (the read and the write of a batch of outcomes run on
    two connections); here every read that returns rows already handed out waits for their outcomes to
    be written, and no outcome is written before such a read has queried.
    """

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self._pending, self._record = store.pending, store.record
        self.handed_out: set[int] = set()
        self.recorded: set[int] = set()
        self.overtaken: set[int] = set()
        """Rows a read returned as pending although their outcome was written before it returned."""
        self._queried = asyncio.Event()
        self._written = asyncio.Condition()
        monkeypatch.setattr(store, "pending", self.pending)
        monkeypatch.setattr(store, "record", self.record)

    async def pending(self, until: datetime, limit: int = 1000) -> list[Delivery]:
        rows = await self._pending(until, limit)
        again = {row.id for row in rows} & self.handed_out
        if self.handed_out:
            self._queried.set()
        async with self._written:
            await self._written.wait_for(lambda: again <= self.recorded)
        self.overtaken |= again
        self.handed_out |= {row.id for row in rows}
        return rows

    async def record(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        await self._queried.wait()
        await self._record(outcomes, now)
        async with self._written:
            self.recorded |= {outcome.id for outcome in outcomes}
            self._written.notify_all()


async def test_messages_whose_outcome_is_written_while_the_next_page_is_read_are_not_sent_again(
    database_url: str, fake_bot_api: FakeBotApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(DAY_BEFORE)
    chats = [7001, 7002, 7003]
    store = await Store.open(database_url)
    for chat in chats:
        fake_bot_api.api.add_chat(chat)
    await store.enqueue([NewDelivery("alert", chat, TOMORROW, clock.now()) for chat in chats], clock.now())
    outbox = ReadsOvertakenByWrites(store, monkeypatch)
    async with Bot(TOKEN, base_url=fake_bot_api.base_url, request=AiohttpRequest()) as bot:
        report = await Sender(store, bot, clock).drain()
    await store.close()
    assert outbox.overtaken == outbox.handed_out  # every row was read again, already sent
    assert Counter(m.chat_id for m in fake_bot_api.api.sent) == dict.fromkeys(chats, 1)
    assert report.sent == len(chats)


async def test_a_sender_that_stops_leading_stops_sending_and_leaves_the_rest_owed(
    database_url: str, fake_bot_api: FakeBotApiServer
) -> None:
    clock = ManualClock(DAY_BEFORE)
    chats = list(range(7100, 7120))
    store = await Store.open(database_url)
    for chat in chats:
        fake_bot_api.api.add_chat(chat)
    await store.enqueue([NewDelivery("alert", chat, TOMORROW, clock.now()) for chat in chats], clock.now())
    leading = True

    def may_send() -> bool:  # the election says: no longer the leader after the fifth message
        return leading

    def deposed_after_five(message: object) -> None:
        nonlocal leading
        leading = len(fake_bot_api.api.sent) < 5

    fake_bot_api.api.on_send = deposed_after_five
    async with Bot(TOKEN, base_url=fake_bot_api.base_url, request=AiohttpRequest()) as bot:
        report = await Sender(store, bot, clock, may_send=may_send).drain()
        sent = len(fake_bot_api.api.sent)
        assert 5 <= sent < len(chats)  # those already on their way when it stepped down, no more
        assert report.sent == sent
        assert len(await store.pending(clock.now())) == len(chats) - sent  # owed to the next leader
        leading = True
        fake_bot_api.api.on_send = None
        await Sender(store, bot, clock).drain()
    await store.close()
    assert Counter(m.chat_id for m in fake_bot_api.api.sent) == dict.fromkeys(chats, 1)
