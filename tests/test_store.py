"""The store: what survives a restart, and older databases opening under a newer version."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.store import DeliveryState, NewDelivery, Outcome, Store

NOW = datetime(2025, 10, 1, 3, 30, tzinfo=UTC)


async def test_a_database_from_before_per_chat_reminders_opens_and_keeps_its_subscribers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # the chats table as the first release created it
        db.execute(
            "CREATE TABLE chats (chat_id BIGINT PRIMARY KEY, kind VARCHAR(16) NOT NULL, title VARCHAR(256),"
            " subscribed BOOLEAN NOT NULL, subscribed_at DATETIME, unsubscribed_at DATETIME,"
            " ended_reason VARCHAR(256), timezone VARCHAR(64), moved_to BIGINT)"
        )
        db.execute(
            "INSERT INTO chats (chat_id, kind, subscribed, subscribed_at) VALUES (7, 'private', 1, ?)",
            ("2025-09-01 00:00:00.000000",),
        )
    store = await Store.open(f"sqlite+aiosqlite:///{path}")
    try:
        (subscriber,) = await store.subscribers()
        assert (subscriber.chat_id, subscriber.reminders) == (7, None)
        await store.set_reminders(7, "private", ("1d", "2h"))
        (subscriber,) = await store.subscribers()
        assert subscriber.reminders == ("1d", "2h")
    finally:
        await store.close()


async def test_an_owed_message_is_written_once_and_its_outcome_recorded(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        row = NewDelivery("summit/lead/7d/x", 7, "hello", NOW)
        assert await store.enqueue([row, row], NOW) == 1
        assert await store.enqueue([row], NOW) == 0
        (pending,) = await store.pending(NOW)
        await store.record([Outcome(pending.id, DeliveryState.SENT)], NOW)
        assert await store.pending(NOW) == []
        assert await store.sent_to(7) == ["summit/lead/7d/x"]
        assert await store.counts() == {"sent": 1}
    finally:
        await store.close()
