"""The schema's versions: every database, empty or from an older version, ends at the newest revision,
and that revision is exactly what the models say (a column added without a migration fails here).

Each test runs on SQLite and on PostgreSQL, except the one about replicas starting together, which only
PostgreSQL allows.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.storage import Store
from bot.storage.models import Base
from bot.storage.schema import SchemaError, head
from tests import legacy
from tests.conftest import engine_of, execute


async def inspected(url: str, metadata: MetaData = Base.metadata) -> tuple[str | None, list[Any], set[str]]:
    """The database's revision, what autogenerate finds between it and ``metadata``, and its tables."""

    def look(conn: Connection) -> tuple[str | None, list[Any], set[str]]:
        revision = MigrationContext.configure(conn).get_current_revision()
        return (
            revision,
            compare_metadata(MigrationContext.configure(conn), metadata),
            set(inspect(conn).get_table_names()),
        )

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(look)
    finally:
        await engine.dispose()


async def opened(url: str) -> Store:
    store = await Store.open(url)
    await store.close()
    return store


async def test_an_empty_database_is_created_at_the_newest_revision_exactly_as_the_models_say(
    database_url: str,
) -> None:
    await opened(database_url)
    revision, differences, tables = await inspected(database_url)
    assert (revision, differences) == (head(), [])
    assert tables == {
        "alembic_version",
        "chats",
        "deliveries",
        "event_states",
        "event_notes",
        "held_edits",
        "handled_updates",
        "follows",
    }
    await opened(database_url)  # a second start finds nothing to do
    assert (await inspected(database_url))[:2] == (head(), [])


async def test_a_column_in_the_models_without_a_migration_is_found(database_url: str) -> None:
    """What keeps the check above honest: the comparison does see a difference when there is one."""
    await opened(database_url)
    models = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(models)
    models.tables["chats"].append_column(Column("nickname", String(64)))
    _, differences, _ = await inspected(database_url, models)
    assert [(d[0], d[3].name) for d in differences] == [("add_column", "nickname")]


async def test_a_database_made_by_the_last_release_before_migrations_is_taken_over_with_its_rows(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    await execute(
        database_url,
        *legacy.released(engine_of(database_url)),
        "INSERT INTO chats (chat_id, kind, subscribed, subscribed_at, timezone, reminders)"
        " VALUES (7, 'private', TRUE, '2025-09-01 00:00:00', 'Europe/Berlin', '1d,2h')",
        "INSERT INTO deliveries (key, chat_id, text, due_at, created_at, state, attempts, sent_at)"
        " VALUES ('summit/lead/1d/x', 7, 'hello', '2025-09-01 00:00:00', '2025-09-01 00:00:00', 'sent', 1,"
        " '2025-09-01 00:00:00')",
        "INSERT INTO event_states VALUES ('summit', '{\"told\": 1}', '2025-09-01 00:00:00')",
    )
    caplog.set_level(logging.INFO, logger="bot.storage.schema")
    store = await Store.open(database_url)
    try:
        (subscriber,) = [s async for page in store.subscribers() for s in page]
        assert (subscriber.chat_id, subscriber.timezone, subscriber.reminders) == (
            7,
            "Europe/Berlin",
            ("1d", "2h"),
        )
        assert await store.sent_to(7) == ["summit/lead/1d/x"]
        told = (await store.told_states())["summit"]
        assert (told.seq, told.history) == (0, {0: '{"told": 1}'})
    finally:
        await store.close()
    assert "database from before schema versions: taken over as revision 0001" in caplog.messages
    assert (await inspected(database_url))[:2] == (head(), [])


async def test_a_database_of_the_version_just_before_migrations_is_stamped_where_it_stands(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    await execute(
        database_url,
        *legacy.just_before_migrations(engine_of(database_url)),
        "INSERT INTO chats (chat_id, kind, subscribed, subscribed_at, language)"
        " VALUES (7, 'private', TRUE, '2025-09-01 00:00:00', 'hi')",
    )
    caplog.set_level(logging.INFO, logger="bot.storage.schema")
    store = await Store.open(database_url)
    try:
        assert (await store.choices(7)).language == "hi"
    finally:
        await store.close()
    # 0003 is the last revision released before migrations existed; the later ones are then applied
    assert "database from before schema versions: taken over as revision 0003" in caplog.messages
    assert (await inspected(database_url))[:2] == (head(), [])


async def test_a_database_of_the_first_release_gains_what_later_releases_added(database_url: str) -> None:
    await execute(
        database_url,
        legacy.chats(engine_of(database_url), reminders=False),
        "INSERT INTO chats (chat_id, kind, subscribed, subscribed_at)"
        " VALUES (7, 'private', TRUE, '2025-09-01 00:00:00')",
    )
    store = await Store.open(database_url)
    try:
        (subscriber,) = [s async for page in store.subscribers() for s in page]
        assert (subscriber.chat_id, subscriber.reminders) == (7, None)
        await store.set_reminders(7, "private", ("1d", "2h"))
        assert await store.reminders_of(7) == ("1d", "2h")
    finally:
        await store.close()
    assert (await inspected(database_url))[:2] == (head(), [])


async def test_a_database_with_part_of_a_later_revision_is_refused_and_left_as_it_was(
    database_url: str,
) -> None:
    engine = engine_of(database_url)
    await execute(database_url, *legacy.released(engine), legacy.notes_and_holds(engine)[0])
    with pytest.raises(SchemaError, match="part of what revision 0002 adds"):
        await Store.open(database_url)
    revision, _, tables = await inspected(database_url)
    assert (revision, tables) == (None, {"chats", "deliveries", "event_states", "event_notes"})


async def test_replicas_starting_together_on_an_empty_postgresql_database_migrate_it_once(
    postgres_url: str,
) -> None:
    await asyncio.gather(*(opened(postgres_url) for _ in range(4)))
    assert (await inspected(postgres_url))[:2] == (head(), [])
