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
from typing import Any, cast

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
from sqlalchemy.engine import Connection, CursorResult, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
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
    language: Mapped[str | None] = mapped_column(String(8))
    """The language chosen with /language; None: the client's (``client_language``)."""
    client_language: Mapped[str | None] = mapped_column(String(8))
    """The language of the Telegram client that started or subscribed the chat."""
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
    """The snapshot (``bot.changes.Snapshot`` as JSON) of note number ``seq``."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seq: Mapped[int | None] = mapped_column(Integer)
    """The event's latest note number; none in databases from before note numbers, read as 0."""
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the event left the events file, until it comes back."""


class EventNoteRow(Base):
    """Every numbered state of an event: a chat that missed the latest notes was told an earlier one."""

    __tablename__ = "event_notes"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    snapshot: Mapped[str | None] = mapped_column(Text)
    """None: the event was not in the calendar (before a "new in the calendar" note)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HeldEditRow(Base):
    """An edit of the events file that would have sent notes about too many events at once."""

    __tablename__ = "held_edits"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    events: Mapped[int] = mapped_column(Integer)
    chats: Mapped[int] = mapped_column(Integer)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[int | None] = mapped_column(BigInteger)
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Subscriber:
    chat_id: int
    kind: str
    subscribed_at: datetime
    timezone: str | None
    reminders: tuple[str, ...] | None = None
    """The lead times this chat chose (``/reminders``), or None for every lead time an event has."""
    language: str | None = None
    """The language its messages are worded in: chosen with /language, else its client's."""


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
class ToldState:
    """An event's told state as stored: the latest note number, every numbered snapshot (JSON)."""

    seq: int
    history: dict[int, str | None]
    removed: bool


@dataclass(frozen=True)
class NoteRow:
    """One numbered change note in the outbox."""

    id: int
    chat_id: int
    seq: int
    state: DeliveryState


@dataclass(frozen=True)
class HeldEdit:
    events: int
    chats: int


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

    async def subscribe(
        self, chat_id: int, kind: str, title: str | None, now: datetime, client_language: str | None = None
    ) -> bool:
        """True if this chat was not subscribed before; a re-subscription starts a fresh history."""
        async with self._session.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(chat_id=chat_id, kind=kind)
                session.add(row)
            elif row.subscribed:
                return False
            row.kind, row.title = kind, title
            row.client_language = client_language or row.client_language
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
                func.coalesce(ChatRow.language, ChatRow.client_language),
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
                    language,
                )
                for chat_id, kind, subscribed_at, zone, reminders, language in rows
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

    async def set_language(self, chat_id: int, kind: str, language: str | None) -> None:
        """The chat's own choice (/language): its replies, alerts and notes are worded in it."""
        async with self._session.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(chat_id=chat_id, kind=kind, subscribed=False)
                session.add(row)
            row.language = language

    async def languages(self) -> dict[int, str]:
        """Every chat that chose a language, by id."""
        async with self._session() as session:
            rows = await session.execute(
                select(ChatRow.chat_id, ChatRow.language).where(ChatRow.language.is_not(None))
            )
            return {chat_id: language for chat_id, language in rows if language}

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
                await session.execute(statement, [_params(d, now) for d in chunk])
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
                query = update(DeliveryRow).where(DeliveryRow.id == outcome.id)
                if outcome.retry_at is not None:
                    values["due_at"] = outcome.retry_at
                    # a retry must not revive a row skipped meanwhile (a newer note made it untrue)
                    query = query.where(DeliveryRow.state == DeliveryState.PENDING)
                await session.execute(query.values(**values))

    async def sent_to(self, chat_id: int) -> list[str]:
        """Keys sent to a chat, oldest first: what an admin or a test asks "did they get it?"."""
        async with self._session() as session:
            rows = await session.scalars(
                select(DeliveryRow.key)
                .where(DeliveryRow.chat_id == chat_id, DeliveryRow.state == DeliveryState.SENT)
                .order_by(DeliveryRow.sent_at, DeliveryRow.id)
            )
            return list(rows)

    async def ping(self) -> None:
        """``SELECT 1``: raises when the database cannot be reached (``/healthz``)."""
        async with self._engine.connect() as conn:
            await conn.execute(select(1))

    async def count_pending(self) -> int:
        """Messages still owed (due or not): the outbox's depth, read when metrics are scraped."""
        async with self._session() as session:
            query = select(func.count()).where(DeliveryRow.state == DeliveryState.PENDING)
            return int(await session.scalar(query) or 0)

    async def counts(self) -> dict[str, int]:
        async with self._session() as session:
            rows = await session.execute(select(DeliveryRow.state, func.count()).group_by(DeliveryRow.state))
            return {str(state): int(n) for state, n in rows.all()}

    async def counts_by_key(self) -> list[tuple[str, str, int]]:
        """(key, state, rows) for every key in the outbox: a key names one alert, note or announcement,
        so there are few of them however many chats each reached."""
        async with self._session() as session:
            rows = await session.execute(
                select(DeliveryRow.key, DeliveryRow.state, func.count()).group_by(
                    DeliveryRow.key, DeliveryRow.state
                )
            )
            return [(key, str(state), int(n)) for key, state, n in rows.all()]

    async def subscriber_languages(self) -> dict[str | None, int]:
        """Subscribed chats by the language their messages are worded in (None: none known)."""
        spoken = func.coalesce(ChatRow.language, ChatRow.client_language)
        async with self._session() as session:
            rows = await session.execute(
                select(spoken, func.count()).where(ChatRow.subscribed.is_(True)).group_by(spoken)
            )
            return {code: int(n) for code, n in rows.all()}

    async def enqueue_once(self, key: str, text: str, now: datetime) -> int | None:
        """One message to every subscribed chat under ``key`` (an announcement), unless rows under that
        key were written before: then None, so a second request, even after a restart, sends nothing."""
        async with self._session() as session:
            if await session.scalar(select(DeliveryRow.id).where(DeliveryRow.key == key).limit(1)):
                return None
        chats = await self.subscribers()
        return await self.enqueue((NewDelivery(key, chat.chat_id, text, now) for chat in chats), now)

    # ------------------------------------------------------------ what subscribers were told

    async def told_states(self) -> dict[str, ToldState]:
        """Every event's told state; a database from before note numbers reads as note 0."""
        async with self._session() as session:
            states = (await session.scalars(select(EventStateRow))).all()
            notes = (
                await session.execute(select(EventNoteRow.event_id, EventNoteRow.seq, EventNoteRow.snapshot))
            ).all()
        history: dict[str, dict[int, str | None]] = {}
        for event_id, seq, snapshot in notes:
            history.setdefault(event_id, {})[seq] = snapshot
        told = {}
        for row in states:
            seq = row.seq or 0
            told[row.event_id] = ToldState(
                seq, {**history.get(row.event_id, {}), seq: row.fingerprint}, row.removed_at is not None
            )
        return told

    async def save_first_states(self, states: dict[str, str], now: datetime) -> None:
        """The first run over an empty store: the file as it is counts as told (note 0 of each event)."""
        async with self._session.begin() as session:
            for event_id, snapshot in states.items():
                session.add(EventStateRow(event_id=event_id, fingerprint=snapshot, seq=0, updated_at=now))
                session.add(EventNoteRow(event_id=event_id, seq=0, snapshot=snapshot, created_at=now))

    async def note_rows(self, event_id: str) -> list[NoteRow]:
        """This event's numbered change notes, every chat and state (older hash-keyed notes left out)."""
        prefix = f"change/{event_id}/"
        async with self._session() as session:
            rows = await session.execute(
                select(DeliveryRow.id, DeliveryRow.chat_id, DeliveryRow.key, DeliveryRow.state).where(
                    DeliveryRow.key >= prefix, DeliveryRow.key < prefix[:-1] + "0"
                )
            )
            found = []
            for row_id, chat_id, key, state in rows:
                rest = key.removeprefix(prefix)
                if rest.isdigit():
                    found.append(NoteRow(row_id, chat_id, int(rest), DeliveryState(state)))
            return found

    async def announce(
        self,
        event_id: str,
        seq: int,
        snapshot: str,
        deliveries: Sequence[NewDelivery],
        stale: Sequence[int],
        now: datetime,
        retext: Sequence[tuple[Sequence[int], str]] = (),
    ) -> None:
        """In one transaction: skip the stale notes, write the new ones, reword waiting alerts (``retext``:
        row ids and their new text), save the new told state.

        A crash anywhere in it leaves all or nothing, so the same note number is recomputed after a
        restart; the outbox's unique (key, chat) would drop a second copy of any row all the same.
        """
        async with self._session.begin() as session:
            await self._skip(session, stale, f"superseded by note {seq}")
            statement = self._insert().on_conflict_do_nothing()
            for chunk in _chunks(deliveries, ENQUEUE_CHUNK):
                await session.execute(statement, [_params(d, now) for d in chunk])
            for ids, text_now in retext:
                for start in range(0, len(ids), 500):
                    await session.execute(
                        update(DeliveryRow)
                        .where(
                            DeliveryRow.id.in_(ids[start : start + 500]),
                            DeliveryRow.state == DeliveryState.PENDING,
                        )
                        .values(text=text_now)
                    )
            row = await session.get(EventStateRow, event_id)
            if row is None:
                row = EventStateRow(event_id=event_id, fingerprint=snapshot, seq=0, updated_at=now)
                session.add(row)
                await session.merge(EventNoteRow(event_id=event_id, seq=0, snapshot=None, created_at=now))
            elif row.seq is None:  # a database from before note numbers: what it holds was told
                await session.merge(
                    EventNoteRow(
                        event_id=event_id, seq=0, snapshot=row.fingerprint, created_at=row.updated_at
                    )
                )
            if seq != (row.seq or 0):
                await session.merge(
                    EventNoteRow(event_id=event_id, seq=seq, snapshot=snapshot, created_at=now)
                )
            row.fingerprint, row.seq, row.updated_at, row.removed_at = snapshot, seq, now, None

    async def mark_removed(self, event_id: str, stale: Sequence[int], now: datetime) -> None:
        """The event left the file: its waiting notes are no longer true; it may come back later."""
        async with self._session.begin() as session:
            await self._skip(session, stale, "the event left the events file")
            row = await session.get(EventStateRow, event_id)
            if row is not None:
                row.removed_at = now

    @staticmethod
    async def _skip(session: AsyncSession, ids: Sequence[int], reason: str) -> None:
        """Mark rows skipped, but only while still pending: a sent or failed row keeps its outcome."""
        for start in range(0, len(ids), 500):
            await session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.id.in_(ids[start : start + 500]), DeliveryRow.state == DeliveryState.PENDING
                )
                .values(state=DeliveryState.SKIPPED, last_error=reason)
            )

    async def pending_for_keys(self, keys: Iterable[str]) -> list[tuple[int, str, int]]:
        """(id, key, chat) of the rows still waiting under these keys."""
        keys = list(keys)
        found: list[tuple[int, str, int]] = []
        async with self._session() as session:
            for start in range(0, len(keys), 500):
                rows = await session.execute(
                    select(DeliveryRow.id, DeliveryRow.key, DeliveryRow.chat_id).where(
                        DeliveryRow.key.in_(keys[start : start + 500]),
                        DeliveryRow.state == DeliveryState.PENDING,
                    )
                )
                found += [(row_id, key, chat_id) for row_id, key, chat_id in rows]
        return found

    async def pending_keys(self) -> set[str]:
        async with self._session() as session:
            keys = await session.scalars(
                select(DeliveryRow.key).where(DeliveryRow.state == DeliveryState.PENDING).distinct()
            )
            return set(keys)

    async def skip_pending(self, keys: Iterable[str], reason: str) -> int:
        """Waiting messages that became untrue (an alert for a date that moved) are skipped, not sent."""
        keys = list(keys)
        skipped = 0
        async with self._session.begin() as session:
            for start in range(0, len(keys), 500):
                result = await session.execute(
                    update(DeliveryRow)
                    .where(
                        DeliveryRow.key.in_(keys[start : start + 500]),
                        DeliveryRow.state == DeliveryState.PENDING,
                    )
                    .values(state=DeliveryState.SKIPPED, last_error=reason)
                )
                skipped += cast(CursorResult[Any], result).rowcount  # one UPDATE: its count is reliable
        return skipped

    # ------------------------------------------------------------ held edits

    async def hold(self, digest: str, events: int, chats: int, now: datetime) -> None:
        """Record an edit as held; one held at a time, so any other one still open is dropped."""
        async with self._session.begin() as session:
            await session.execute(
                update(HeldEditRow).where(HeldEditRow.digest != digest, *_open_hold()).values(dropped_at=now)
            )
            if await session.get(HeldEditRow, digest) is None:
                session.add(HeldEditRow(digest=digest, events=events, chats=chats, held_at=now))

    async def is_released(self, digest: str) -> bool:
        async with self._session() as session:
            row = await session.get(HeldEditRow, digest)
            return row is not None and row.released_at is not None

    async def drop_held(self, now: datetime) -> HeldEdit | None:
        """The held edit is no longer in the file: nothing of it will be sent."""
        async with self._session.begin() as session:
            row = await session.scalar(select(HeldEditRow).where(*_open_hold()))
            if row is None:
                return None
            row.dropped_at = now
            return HeldEdit(row.events, row.chats)

    async def release_held(self, now: datetime, by: int | None) -> HeldEdit | None:
        """An operator lets the held edit's notes go out (``/release``); None when nothing is held."""
        async with self._session.begin() as session:
            row = await session.scalar(select(HeldEditRow).where(*_open_hold()))
            if row is None:
                return None
            row.released_at, row.released_by = now, by
            return HeldEdit(row.events, row.chats)


def _open_hold() -> tuple[Any, ...]:
    return (HeldEditRow.released_at.is_(None), HeldEditRow.dropped_at.is_(None))


def _params(d: NewDelivery, now: datetime) -> dict[str, Any]:
    return {
        "key": d.key,
        "chat_id": d.chat_id,
        "text": d.text,
        "due_at": d.due_at,
        "created_at": now,
        "state": d.state,
        "attempts": 0,
    }
