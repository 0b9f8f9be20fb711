"""What must survive a restart: who subscribed, and every message owed or sent (the outbox).

The scheduler only wakes the bot; these rows are the truth. A delivery is written before it is sent
and marked after, so a crash can at worst resend the one message that was in flight. SQLAlchemy's
async engine keeps this SQLite by default and PostgreSQL-ready; rows never get deleted, only marked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ENQUEUE_CHUNK = 5000


def _chunks(items: Iterable[NewDelivery], size: int) -> Iterator[list[NewDelivery]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class UTCDateTime(TypeDecorator[datetime]):
    """SQLite forgets zones; store UTC and hand back aware datetimes on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    pass


class ChatRow(Base):
    __tablename__ = "chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(256))
    subscribed: Mapped[bool] = mapped_column(Boolean, default=False)
    subscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(256))
    timezone: Mapped[str | None] = mapped_column(String(64))
    reminders: Mapped[str | None] = mapped_column(String(64))
    moved_to: Mapped[int | None] = mapped_column(BigInteger)


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class DeliveryRow(Base):
    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("key", "chat_id", name="one_delivery_per_chat"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200))
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class EventStateRow(Base):
    """What subscribers were last told about an event, so a change is announced once, across restarts."""

    __tablename__ = "event_states"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Subscriber:
    chat_id: int
    kind: str
    subscribed_at: datetime
    timezone: str | None
    reminders: tuple[str, ...] | None = None
    """The lead times this chat chose (``/reminders``), or None for every lead time an event has."""


@dataclass(frozen=True)
class NewDelivery:
    key: str
    chat_id: int
    text: str
    due_at: datetime
    state: DeliveryState = DeliveryState.PENDING


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to; ``retry_at`` keeps a pending row waiting until then."""

    id: int
    state: DeliveryState
    error: str | None = None
    retry_at: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    id: int
    key: str
    chat_id: int
    text: str
    due_at: datetime
    attempts: int


def _prepare_sqlite_path(url: str) -> None:
    """The default database lives under ./data/, which a fresh checkout does not have yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


def _add_missing_columns(conn: Connection) -> None:
    """Columns added in later versions join existing databases (nullable, so old rows stay valid)."""
    existing = inspect(conn)
    for table in Base.metadata.sorted_tables:
        present = {column["name"] for column in existing.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present and column.nullable:
                kind = column.type.compile(dialect=conn.dialect)
                conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._session = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    async def open(cls, url: str) -> Store:
        """Connect and create the schema if it is not there yet."""
        _prepare_sqlite_path(url)
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
            await conn.run_sync(_add_missing_columns)
        return cls(engine)

    async def close(self) -> None:
        await self._engine.dispose()

    def _insert(self) -> Any:
        """An INSERT that skips rows already there: what makes "exactly once" survive re-planning."""
        dialect = self._engine.dialect.name
        module: Any = postgresql if dialect == "postgresql" else sqlite
        return module.insert(DeliveryRow)

    # ------------------------------------------------------------ subscriptions

    async def subscribe(self, chat_id: int, kind: str, title: str | None, now: datetime) -> bool:
        """True if this chat was not subscribed before; a re-subscription starts a fresh history."""
        async with self._session.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(chat_id=chat_id, kind=kind)
                session.add(row)
            elif row.subscribed:
                return False
            row.kind, row.title = kind, title
            row.subscribed, row.subscribed_at, row.ended_reason = True, now, None
            return True

    async def unsubscribe(self, chat_id: int, now: datetime, reason: str | None = None) -> bool:
        async with self._session.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is None or not row.subscribed:
                return False
            row.subscribed, row.unsubscribed_at, row.ended_reason = False, now, reason
            return True

    async def is_subscribed(self, chat_id: int) -> bool:
        async with self._session() as session:
            row = await session.get(ChatRow, chat_id)
            return bool(row is not None and row.subscribed)

    async def subscribers(self, since: datetime | None = None) -> list[Subscriber]:
        """Subscribed chats; with ``since``, only those that subscribed at or after it."""
        async with self._session() as session:
            columns = (
                ChatRow.chat_id,
                ChatRow.kind,
                ChatRow.subscribed_at,
                ChatRow.timezone,
                ChatRow.reminders,
            )
            query = select(*columns).where(ChatRow.subscribed.is_(True))
            if since is not None:
                query = query.where(ChatRow.subscribed_at >= since)
            rows = await session.execute(query)
            return [
                Subscriber(
                    chat_id,
                    kind,
                    subscribed_at or datetime.min.replace(tzinfo=UTC),
                    zone,
                    tuple(reminders.split(",")) if reminders else None,
                )
                for chat_id, kind, subscribed_at, zone, reminders in rows
            ]

    async def count_subscribers(self) -> int:
        async with self._session() as session:
            count = await session.scalar(select(func.count()).where(ChatRow.subscribed.is_(True)))
            return int(count or 0)

    async def set_timezone(self, chat_id: int, kind: str, zone: str | None) -> None:
        """A chat may choose its zone before (or without) subscribing, so the row is made if need be."""
        async with self._session.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(chat_id=chat_id, kind=kind, subscribed=False)
                session.add(row)
            row.timezone = zone

    async def set_reminders(self, chat_id: int, kind: str, leads: tuple[str, ...] | None) -> None:
        async with self._session.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(chat_id=chat_id, kind=kind, subscribed=False)
                session.add(row)
            row.reminders = ",".join(leads) if leads is not None else None

    async def reminders_of(self, chat_id: int) -> tuple[str, ...] | None:
        async with self._session() as session:
            row = await session.get(ChatRow, chat_id)
            return tuple(row.reminders.split(",")) if row is not None and row.reminders else None

    async def timezones(self) -> dict[int, str]:
        """Every chat that chose a zone, by id."""
        async with self._session() as session:
            rows = await session.execute(
                select(ChatRow.chat_id, ChatRow.timezone).where(ChatRow.timezone.is_not(None))
            )
            return {chat_id: zone for chat_id, zone in rows if zone}

    async def migrate_chat(self, old_id: int, new_id: int, now: datetime) -> None:
        """A group became a supergroup: its subscription and its owed messages move to the new id."""
        async with self._session.begin() as session:
            old = await session.get(ChatRow, old_id)
            if old is None:
                return
            new = await session.get(ChatRow, new_id)
            if new is None:
                new = ChatRow(chat_id=new_id, kind="supergroup", title=old.title, timezone=old.timezone)
                session.add(new)
            if old.subscribed:  # a second migration answer for the same group must not undo the first
                new.subscribed, new.subscribed_at = True, old.subscribed_at
                old.subscribed, old.unsubscribed_at = False, now
                old.ended_reason, old.moved_to = f"migrated to {new_id}", new_id
            await session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.chat_id == old_id, DeliveryRow.state == DeliveryState.PENDING)
                .values(chat_id=new_id)
            )

    # ------------------------------------------------------------ the outbox

    async def enqueue(self, deliveries: Iterable[NewDelivery], now: datetime) -> int:
        """Write owed messages; ones already written (same key and chat) are left untouched.

        One compiled statement runs over chunks of rows (executemany): a broadcast to 100,000 chats is
        written in seconds, and only one chunk of parameter dicts is in memory at a time.
        """
        statement = self._insert().on_conflict_do_nothing()
        before = await self._count_deliveries()
        async with self._session.begin() as session:
            for chunk in _chunks(deliveries, ENQUEUE_CHUNK):
                params = [
                    {
                        "key": d.key,
                        "chat_id": d.chat_id,
                        "text": d.text,
                        "due_at": d.due_at,
                        "created_at": now,
                        "state": d.state,
                        "attempts": 0,
                    }
                    for d in chunk
                ]
                await session.execute(statement, params)
        return await self._count_deliveries() - before

    async def _count_deliveries(self) -> int:
        """Counted rather than trusted from ``rowcount``, which executemany does not report everywhere."""
        async with self._session() as session:
            return int(await session.scalar(select(func.count(DeliveryRow.id))) or 0)

    async def pending(self, until: datetime, limit: int = 1000) -> list[Delivery]:
        """Pending rows due by ``until``, in the order they fall due."""
        async with self._session() as session:
            rows = await session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.state == DeliveryState.PENDING, DeliveryRow.due_at <= until)
                .order_by(DeliveryRow.due_at, DeliveryRow.id)
                .limit(limit)
            )
            return [Delivery(r.id, r.key, r.chat_id, r.text, r.due_at, r.attempts) for r in rows]

    async def next_due(self) -> datetime | None:
        async with self._session() as session:
            due: datetime | None = await session.scalar(
                select(func.min(DeliveryRow.due_at)).where(DeliveryRow.state == DeliveryState.PENDING)
            )
            return due.replace(tzinfo=UTC) if due is not None and due.tzinfo is None else due

    async def record(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Write a batch of send outcomes in one transaction; sent rows in one statement."""
        sent = [o.id for o in outcomes if o.state is DeliveryState.SENT]
        async with self._session.begin() as session:
            for start in range(0, len(sent), 500):
                await session.execute(
                    update(DeliveryRow)
                    .where(DeliveryRow.id.in_(sent[start : start + 500]))
                    .values(state=DeliveryState.SENT, sent_at=now, attempts=DeliveryRow.attempts + 1)
                )
            for outcome in outcomes:
                if outcome.state is DeliveryState.SENT:
                    continue
                values: dict[str, Any] = {
                    "state": outcome.state,
                    "attempts": DeliveryRow.attempts + 1,
                    "last_error": (outcome.error or "")[:500],
                }
                if outcome.retry_at is not None:
                    values["due_at"] = outcome.retry_at
                await session.execute(
                    update(DeliveryRow).where(DeliveryRow.id == outcome.id).values(**values)
                )

    async def sent_to(self, chat_id: int) -> list[str]:
        """Keys sent to a chat, oldest first: what an admin or a test asks "did they get it?"."""
        async with self._session() as session:
            rows = await session.scalars(
                select(DeliveryRow.key)
                .where(DeliveryRow.chat_id == chat_id, DeliveryRow.state == DeliveryState.SENT)
                .order_by(DeliveryRow.sent_at, DeliveryRow.id)
            )
            return list(rows)

    async def counts(self) -> dict[str, int]:
        async with self._session() as session:
            rows = await session.execute(select(DeliveryRow.state, func.count()).group_by(DeliveryRow.state))
            return {str(state): int(n) for state, n in rows.all()}

    # ------------------------------------------------------------ announced event states

    async def event_states(self) -> dict[str, str]:
        async with self._session() as session:
            rows = await session.execute(select(EventStateRow.event_id, EventStateRow.fingerprint))
            return dict(rows.all())

    async def save_event_states(self, states: dict[str, str], now: datetime) -> None:
        async with self._session.begin() as session:
            for event_id, fingerprint in states.items():
                row = await session.get(EventStateRow, event_id)
                if row is None:
                    session.add(EventStateRow(event_id=event_id, fingerprint=fingerprint, updated_at=now))
                else:
                    row.fingerprint, row.updated_at = fingerprint, now
