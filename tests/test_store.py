"""The store: what survives a restart, and several processes sharing one database.

Every test runs on SQLite and on PostgreSQL (``database_url``). Two ``Store`` objects over one
database stand for two replicas: each has its own engine and connections, as separate processes do.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.storage import Choices, DeliveryState, NewDelivery, Outcome, Store
from tests.conftest import execute

NOW = datetime(2025, 10, 1, 3, 30, tzinfo=UTC)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = await Store.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def replica(database_url: str, store: Store) -> AsyncIterator[Store]:
    """A second process's store over the same database (opened after the first migrated it)."""
    opened = await Store.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


async def pages_of(store: Store, page: int) -> list[list[int]]:
    return [[s.chat_id for s in found] async for found in store.subscribers(page=page)]


async def test_an_owed_message_is_written_once_and_its_outcome_recorded(store: Store) -> None:
    row = NewDelivery("summit/lead/7d/x", 7, "hello", NOW)
    assert await store.enqueue([row, row], NOW) == 1
    assert await store.enqueue([row], NOW) == 0
    (pending,) = await store.pending(NOW)
    await store.record([Outcome(pending.id, DeliveryState.SENT)], NOW)
    assert await store.pending(NOW) == []
    assert await store.sent_to(7) == ["summit/lead/7d/x"]
    assert await store.counts() == {"sent": 1}


async def test_subscribers_come_a_page_at_a_time_in_chat_order_each_once(store: Store) -> None:
    for chat in (5, -100200, 3, 9, -7):
        await store.subscribe(chat, "group" if chat < 0 else "private", None, NOW)
    await store.unsubscribe(9, NOW)
    assert await pages_of(store, 2) == [[-100200, -7], [3, 5]]
    assert await pages_of(store, 10) == [[-100200, -7, 3, 5]]
    later = [s.chat_id async for page in store.subscribers(since=NOW + timedelta(seconds=1)) for s in page]
    assert later == []


async def test_a_chat_subscribing_on_two_replicas_at_once_is_welcomed_once(
    store: Store, replica: Store
) -> None:
    results = await asyncio.gather(
        *(
            s.subscribe(42, "private", None, NOW, client_language="ru")
            for s in (store, replica, store, replica)
        )
    )
    assert sorted(results) == [False, False, False, True]
    assert await store.count_subscribers() == 1
    ended = await asyncio.gather(store.unsubscribe(42, NOW), replica.unsubscribe(42, NOW))
    assert sorted(ended) == [False, True]


async def test_choices_made_on_one_postgresql_replica_are_read_on_the_other(postgres_url: str) -> None:
    """Only PostgreSQL: a SQLite file has one process, which keeps every chat's choices in memory."""
    store, replica = await Store.open(postgres_url), await Store.open(postgres_url)
    try:
        assert await replica.choices(8) == Choices()
        await asyncio.gather(
            store.set_timezone(8, "private", "Europe/Berlin"), replica.set_language(8, "private", "hi")
        )
        assert await replica.choices(8) == await store.choices(8) == Choices("Europe/Berlin", "hi")
        await replica.set_reminders(8, "private", ("1d",))
        assert await store.reminders_of(8) == ("1d",)
    finally:
        await store.close()
        await replica.close()


async def test_a_chat_keeps_its_choices_across_a_restart(database_url: str, store: Store) -> None:
    await store.set_language(8, "private", "hi")
    await store.set_timezone(8, "private", "Europe/Berlin")
    await store.set_timezone(9, "private", "Asia/Kolkata")
    await store.set_timezone(9, "private", None)
    assert await store.choices(8) == Choices("Europe/Berlin", "hi")
    restarted = await Store.open(database_url)
    try:
        assert [await restarted.choices(chat) for chat in (8, 9, 10)] == [
            Choices("Europe/Berlin", "hi"),
            Choices(),
            Choices(),
        ]
    finally:
        await restarted.close()


async def test_two_writers_of_the_same_outbox_count_only_the_rows_each_inserted(
    store: Store, replica: Store
) -> None:
    """The count is what a log line reports: with two writers, counting the table before and after
    would credit each with the other's rows."""
    first = [NewDelivery("alert", chat, "hi", NOW) for chat in range(0, 12_000)]
    second = [NewDelivery("alert", chat, "hi", NOW) for chat in range(6_000, 18_000)]
    written = await asyncio.gather(store.enqueue(first, NOW), replica.enqueue(second, NOW))
    assert sum(written) == 18_000
    assert await store.counts() == {"pending": 18_000}


async def test_an_event_announced_by_another_replica_meanwhile_is_not_announced_twice(
    store: Store, replica: Store
) -> None:
    await store.save_first_states({"summit": '{"v": 0}'}, NOW)
    async with store.announcing("summit", '{"v": 1}', NOW) as first:
        assert first.seq == 0
        later = asyncio.create_task(_seq_seen_by(replica))
        await first.write([NewDelivery("change/summit/1", 7, "moved", NOW)])
        await first.told(1, '{"v": 1}', superseded=())
    assert await later == 1  # it waited for the first, then saw the number moved on
    assert (await store.told_states())["summit"].history == {0: '{"v": 0}', 1: '{"v": 1}'}


async def _seq_seen_by(store: Store) -> int:
    async with store.announcing("summit", '{"v": 1}', NOW) as writer:
        return writer.seq


async def test_a_release_on_two_replicas_at_once_releases_the_held_edit_once(
    store: Store, replica: Store
) -> None:
    await store.hold("abc", events=9, chats=100, now=NOW)
    await replica.hold("abc", events=9, chats=100, now=NOW)  # the same edit seen by the other replica
    released = await asyncio.gather(store.release_held(NOW, 1), replica.release_held(NOW, 2))
    assert sum(held is not None for held in released) == 1
    assert await store.is_released("abc")


async def test_a_group_that_became_a_supergroup_keeps_its_choices_and_owed_messages(store: Store) -> None:
    await store.subscribe(-100, "group", "Summit watchers", NOW, client_language="hi")
    await store.set_timezone(-100, "group", "Asia/Kolkata")
    await store.set_reminders(-100, "group", ("1d",))
    await store.set_language(-100, "group", "ru")
    await store.enqueue([NewDelivery("alert", -100, "hi", NOW)], NOW)
    await store.migrate_chat(-100, -100999, NOW)
    await store.migrate_chat(-100, -100999, NOW)  # Telegram may say it twice
    assert await store.choices(-100999) == Choices("Asia/Kolkata", "ru")
    (moved,) = [s async for page in store.subscribers() for s in page]
    assert (moved.chat_id, moved.timezone, moved.reminders, moved.language) == (
        -100999,
        "Asia/Kolkata",
        ("1d",),
        "ru",
    )
    assert [row.chat_id for row in await store.pending(NOW)] == [-100999]


async def test_messages_past_the_two_billionth_are_written_sent_and_recorded(
    database_url: str, store: Store
) -> None:
    """A million subscribers write a million rows per alert: 32-bit ids would run out within a few
    hundred broadcasts, and every later alert would fail to be written."""
    last_int32 = 2**31 - 1
    if database_url.startswith("postgresql"):
        await execute(database_url, "SELECT setval('deliveries_id_seq', 2147483647)")
    else:  # SQLite hands out one more than the highest rowid
        await store.enqueue([NewDelivery("summit/lead/7d/x", 8, "earlier", NOW)], NOW)
        await execute(database_url, "UPDATE deliveries SET id = 2147483647, state = 'sent'")
    assert await store.enqueue([NewDelivery("summit/lead/1d/x", 8, "hello", NOW)], NOW) == 1
    (pending,) = await store.pending(NOW)
    assert pending.id > last_int32
    await store.record([Outcome(pending.id, DeliveryState.SENT)], NOW)
    assert "summit/lead/1d/x" in await store.sent_to(8)
