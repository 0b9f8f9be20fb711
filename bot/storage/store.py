"""What must survive a restart: who subscribed, and every message owed or sent (the outbox).

The scheduler only wakes the bot; these rows are the truth. A delivery is written before it is sent
and marked after, so a crash can at worst resend the one message that was in flight. Rows never get
deleted, only marked.

Several processes may share one PostgreSQL database, so nothing here assumes it is the only writer:
rows are created with INSERT … ON CONFLICT, a change that depends on a row's current state is one
conditional UPDATE (PostgreSQL re-checks its WHERE against the committed row under READ COMMITTED) or
locks the row first (``FOR UPDATE``; SQLite, one writer at a time, ignores it), and counts come from
the statement itself (RETURNING, rowcount), never from counting the table before and after. Nothing
reads every subscriber at once: ``subscribers`` streams pages (keyset pagination on the chat id).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Select, Update, and_, case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.storage import schema
from bot.storage.models import (
    Base,
    ChatRow,
    DeliveryRow,
    DeliveryState,
    EventNoteRow,
    EventStateRow,
    FollowRow,
    HandledUpdateRow,
    HeldEditRow,
)

ENQUEUE_CHUNK = 5000
"""Outbox rows per INSERT: one chunk of parameters in memory at a time."""
SUBSCRIBER_PAGE = 5000
"""Subscribers per page read: memory stays flat however many there are."""
IN_CHUNK = 500
"""Values per ``IN (…)`` list, well under every driver's limit on parameters."""


T = TypeVar("T")
Read = Callable[[Select[Any]], Awaitable[Sequence[Any]]]
"""Runs one query and returns its rows (in a session of its own, or in a transaction's)."""


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


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
    quiet: str | None = None
    """Its quiet hours (``/quiet``, ``HH:MM-HH:MM`` in its zone), None: none."""


@dataclass(frozen=True)
class Choices:
    """What a chat chose for itself; read per request, since another replica may have just changed it."""

    timezone: str | None = None
    language: str | None = None
    """Chosen with /language (not the client's)."""


@dataclass(frozen=True)
class NewDelivery:
    key: str
    chat_id: int
    text: str
    due_at: datetime
    state: DeliveryState = DeliveryState.PENDING
    markup: str | None = None
    """Inline buttons as Bot API JSON."""
    silent: bool = False


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
    """One change note in the outbox, as ``NoteWriter.notes`` finds it."""

    chat_id: int
    key: str
    state: DeliveryState


@dataclass(frozen=True)
class Reader:
    """A group of waiting messages under one key whose readers share a zone and a language."""

    key: str
    timezone: str | None
    language: str | None


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
    markup: str | None = None
    silent: bool = False


@dataclass(frozen=True)
class Held:
    """A message held for a chat's digest (``DeliveryState.HELD``)."""

    id: int
    chat_id: int
    text: str
    language: str | None


WAITING = (DeliveryState.PENDING, DeliveryState.HELD)
"""Rows not sent yet: a newer note or a moved date skips them alike."""
FOLLOW, MUTE, OFF = "follow", "mute", "off"


_CHOICES = frozenset(field.name for field in fields(Choices))


def _prepare_sqlite_path(url: str) -> None:
    """The default database lives under ./data/, which a fresh checkout does not have yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


def _engine_options(url: str) -> dict[str, Any]:
    """PostgreSQL: a replica's pooled connection may outlive a restart or failover, so it is tested before
    use. SQLite: one writer at a time, so a write waits up to 30 s for another (a long note) to commit."""
    if make_url(url).get_backend_name() == "postgresql":
        return {"pool_pre_ping": True}
    return {"connect_args": {"timeout": 30}}


def _upsert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which has ON CONFLICT (both SQLite and PostgreSQL spell it the same)."""
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table)


def _subscriber_query(
    since: datetime | None, after: int | None, limit: int, event_id: str | None = None
) -> Select[Any]:
    """Subscribed chats; with ``event_id``, the chats owed that event's messages: those that follow
    everything and did not mute it, and those that follow it (from when they began to)."""
    start: Any = ChatRow.subscribed_at
    audience: Any = ChatRow.subscribed.is_(True)
    if event_id is not None:
        follows = FollowRow.mode == FOLLOW
        start = case((and_(follows, ChatRow.subscribed.is_not(True)), FollowRow.since), else_=start)
        audience = or_(and_(audience, FollowRow.mode.is_distinct_from(MUTE)), follows)
    query = select(
        ChatRow.chat_id, ChatRow.kind, start, ChatRow.timezone, ChatRow.reminders, _language(), ChatRow.quiet
    )
    if event_id is not None:
        on = and_(FollowRow.chat_id == ChatRow.chat_id, FollowRow.event_id == event_id)
        query = query.outerjoin(FollowRow, on)
    query = query.where(audience)
    if since is not None:
        query = query.where(start >= since)
    if after is not None:
        query = query.where(ChatRow.chat_id > after)
    return query.order_by(ChatRow.chat_id).limit(limit)


async def _subscriber_pages(
    read: Read, since: datetime | None, page: int, event_id: str | None = None
) -> AsyncIterator[list[Subscriber]]:
    """Keyset pagination: each page starts after the last chat id of the one before, so a page costs the
    same however deep into the table it is, and no cursor stays open between pages."""
    after: int | None = None
    while True:
        rows = await read(_subscriber_query(since, after, page, event_id))
        if not rows:
            return
        yield [
            Subscriber(
                chat_id,
                kind,
                subscribed_at or datetime.min.replace(tzinfo=UTC),
                zone,
                tuple(reminders.split(",")) if reminders else None,
                language,
                quiet,
            )
            for chat_id, kind, subscribed_at, zone, reminders, language, quiet in rows
        ]
        if len(rows) < page:
            return
        after = rows[-1][0]


def _update(table: type[Base]) -> Update:
    """An UPDATE run as plain SQL. Left to the ORM, an UPDATE whose WHERE it cannot evaluate in Python
    fetches the key of every row it matched (RETURNING) to keep loaded objects in step: a million ids
    for one broadcast's rows, and nothing here keeps such objects loaded."""
    return update(table).execution_options(synchronize_session=False)


def _params(d: NewDelivery, now: datetime) -> dict[str, Any]:
    return {
        "key": d.key,
        "chat_id": d.chat_id,
        "text": d.text,
        "due_at": d.due_at,
        "created_at": now,
        "state": d.state,
        "attempts": 0,
        "markup": d.markup,
        "silent": d.silent or None,
    }


async def _write(session: AsyncSession, deliveries: Iterable[NewDelivery], now: datetime) -> int:
    """Insert owed rows, leaving ones already there (same key and chat) untouched; how many were new.

    One compiled statement runs over chunks of rows; RETURNING names the rows this statement inserted,
    so the count is right even while another process writes the same outbox.
    """
    statement = _upsert(session, DeliveryRow).on_conflict_do_nothing().returning(DeliveryRow.id)
    written = 0
    for chunk in _chunks(deliveries, ENQUEUE_CHUNK):
        result = await session.execute(statement, [_params(d, now) for d in chunk])
        written += sum(1 for _ in result)
    return written


async def _skip(session: AsyncSession, condition: Any, reason: str) -> int:
    """Mark rows skipped, but only while still pending: a sent or failed row keeps its outcome."""
    result = await session.execute(
        _update(DeliveryRow)
        .where(condition, DeliveryRow.state.in_(WAITING))
        .values(state=DeliveryState.SKIPPED, last_error=reason)
    )
    return cast(CursorResult[Any], result).rowcount


async def _skip_keys(session: AsyncSession, keys: Sequence[str], reason: str) -> int:
    skipped = 0
    for chunk in _chunks(keys, IN_CHUNK):
        skipped += await _skip(session, DeliveryRow.key.in_(chunk), reason)
    return skipped


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._session = async_sessionmaker(engine, expire_on_commit=False)
        self._kept: dict[int, Choices] | None = None
        """On SQLite, every chat's choices (those that chose anything), read at open and kept up to date
        by this store's own writes: one process writes a SQLite file, this one. PostgreSQL may be shared
        by replicas, so there every reply reads them anew (a query per update, ``choices``)."""

    @classmethod
    async def open(cls, url: str) -> Store:
        """Connect and bring the schema to the current version (``bot.storage.schema``)."""
        _prepare_sqlite_path(url)
        engine = create_async_engine(url, **_engine_options(url))
        try:
            async with engine.begin() as conn:
                await conn.run_sync(schema.upgrade)
            store = cls(engine)
            if engine.dialect.name == "sqlite":
                store._kept = await store._all_choices()
        except BaseException:
            await engine.dispose()
            raise
        return store

    async def close(self) -> None:
        await self._engine.dispose()

    # ------------------------------------------------------------ subscriptions

    async def subscribe(
        self, chat_id: int, kind: str, title: str | None, now: datetime, client_language: str | None = None
    ) -> bool:
        """True if this chat was not subscribed before; a re-subscription starts a fresh history.

        The UPDATE only matches an unsubscribed row, so of two replicas handling the same /subscribe at
        once exactly one says "subscribed".
        """
        values: dict[str, Any] = {
            "kind": kind,
            "title": title,
            "subscribed": True,
            "subscribed_at": now,
            "ended_reason": None,
        }
        if client_language:
            values["client_language"] = client_language
        async with self._session.begin() as session:
            await self._ensure_chat(session, chat_id, kind)
            result = await session.execute(
                _update(ChatRow)
                .where(ChatRow.chat_id == chat_id, ChatRow.subscribed.is_(False))
                .values(values)
            )
            return cast(CursorResult[Any], result).rowcount == 1

    async def unsubscribe(self, chat_id: int, now: datetime, reason: str | None = None) -> bool:
        async with self._session.begin() as session:
            result = await session.execute(
                _update(ChatRow)
                .where(ChatRow.chat_id == chat_id, ChatRow.subscribed.is_(True))
                .values(subscribed=False, unsubscribed_at=now, ended_reason=reason)
            )
            return cast(CursorResult[Any], result).rowcount == 1

    @staticmethod
    async def _ensure_chat(session: AsyncSession, chat_id: int, kind: str) -> None:
        """A chat's row, made if need be; another process making it at the same moment is no error."""
        await session.execute(
            _upsert(session, ChatRow)
            .values(chat_id=chat_id, kind=kind, subscribed=False)
            .on_conflict_do_nothing(index_elements=[ChatRow.chat_id])
        )

    async def is_subscribed(self, chat_id: int) -> bool:
        async with self._session() as session:
            return bool(await session.scalar(select(ChatRow.subscribed).where(ChatRow.chat_id == chat_id)))

    async def subscribers(
        self, since: datetime | None = None, page: int = SUBSCRIBER_PAGE, event_id: str | None = None
    ) -> AsyncIterator[list[Subscriber]]:
        """Subscribed chats, a page at a time in chat id order; with ``since``, only those that subscribed
        at or after it; with ``event_id``, the chats owed that event's messages (``_subscriber_query``).
        Each page is its own short read: writing between pages is fine."""
        async for found in _subscriber_pages(self._read, since, page, event_id):
            yield found

    async def _read(self, query: Select[Any]) -> Sequence[Any]:
        async with self._session() as session:
            rows: Sequence[Any] = (await session.execute(query)).all()
            return rows

    async def count_subscribers(self) -> int:
        async with self._session() as session:
            count = await session.scalar(select(func.count()).where(ChatRow.subscribed.is_(True)))
            return int(count or 0)

    async def _choose(self, chat_id: int, kind: str, **values: Any) -> None:
        """A chat may choose before (or without) subscribing, so the row is made if need be (one upsert)."""
        async with self._session.begin() as session:
            await session.execute(
                _upsert(session, ChatRow)
                .values(chat_id=chat_id, kind=kind, subscribed=False, **values)
                .on_conflict_do_update(index_elements=[ChatRow.chat_id], set_=values)
            )
        if self._kept is not None:
            chosen = {name: value for name, value in values.items() if name in _CHOICES}
            self._kept[chat_id] = replace(self._kept.get(chat_id, Choices()), **chosen)

    async def set_timezone(self, chat_id: int, kind: str, zone: str | None) -> None:
        await self._choose(chat_id, kind, timezone=zone)

    async def set_reminders(self, chat_id: int, kind: str, leads: tuple[str, ...] | None) -> None:
        await self._choose(chat_id, kind, reminders=",".join(leads) if leads is not None else None)

    async def set_language(self, chat_id: int, kind: str, language: str | None) -> None:
        """The chat's own choice (/language): its replies, alerts and notes are worded in it."""
        await self._choose(chat_id, kind, language=language)

    async def choices(self, chat_id: int) -> Choices:
        """The zone and language this chat chose (``Choices()`` for a chat never seen)."""
        if self._kept is not None:
            return self._kept.get(chat_id, Choices())
        async with self._session() as session:
            row = (
                await session.execute(
                    select(ChatRow.timezone, ChatRow.language).where(ChatRow.chat_id == chat_id)
                )
            ).first()
        return Choices(row[0], row[1]) if row is not None else Choices()

    async def _all_choices(self) -> dict[int, Choices]:
        async with self._session() as session:
            rows = await session.execute(
                select(ChatRow.chat_id, ChatRow.timezone, ChatRow.language).where(
                    ChatRow.timezone.is_not(None) | ChatRow.language.is_not(None)
                )
            )
            return {chat_id: Choices(zone, lang) for chat_id, zone, lang in rows}

    async def reminders_of(self, chat_id: int) -> tuple[str, ...] | None:
        async with self._session() as session:
            stored = await session.scalar(select(ChatRow.reminders).where(ChatRow.chat_id == chat_id))
            return tuple(stored.split(",")) if stored else None

    async def migrate_chat(self, old_id: int, new_id: int, now: datetime) -> None:
        """A group became a supergroup: its subscription, its choices and its owed messages move to the new
        id. The old row is locked first, so two processes told of the same migration do it once."""
        async with self._session.begin() as session:
            old = await session.get(ChatRow, old_id, with_for_update=True)
            if old is None:
                return
            made = await session.execute(
                _upsert(session, ChatRow)
                .values(
                    chat_id=new_id,
                    kind="supergroup",
                    title=old.title,
                    subscribed=False,
                    timezone=old.timezone,
                    reminders=old.reminders,
                    language=old.language,
                    client_language=old.client_language,
                    quiet=old.quiet,
                )
                .on_conflict_do_nothing(index_elements=[ChatRow.chat_id])
            )
            await self._move_follows(session, old_id, new_id, now)
            if old.subscribed:  # a second migration answer for the same group must not undo the first
                await session.execute(
                    _update(ChatRow)
                    .where(ChatRow.chat_id == new_id)
                    .values(subscribed=True, subscribed_at=old.subscribed_at)
                )
                old.subscribed, old.unsubscribed_at = False, now
                old.ended_reason, old.moved_to = f"migrated to {new_id}", new_id
            await session.execute(
                _update(DeliveryRow)
                .where(DeliveryRow.chat_id == old_id, DeliveryRow.state.in_(WAITING))
                .values(chat_id=new_id)
            )
        if self._kept is not None and cast(CursorResult[Any], made).rowcount == 1 and old_id in self._kept:
            self._kept[new_id] = self._kept[old_id]

    @staticmethod
    async def _move_follows(session: AsyncSession, old_id: int, new_id: int, now: datetime) -> None:
        """The events the old group followed or muted go with it; its rows stay, turned off (kept)."""
        rows = (
            await session.execute(
                select(FollowRow.event_id, FollowRow.mode).where(
                    FollowRow.chat_id == old_id, FollowRow.mode != OFF
                )
            )
        ).all()
        for event_id, mode in rows:
            await session.execute(
                _upsert(session, FollowRow)
                .values(chat_id=new_id, event_id=event_id, mode=mode, since=now)
                .on_conflict_do_nothing(index_elements=[FollowRow.chat_id, FollowRow.event_id])
            )
        if rows:
            await session.execute(
                _update(FollowRow)
                .where(FollowRow.chat_id == old_id, FollowRow.mode != OFF)
                .values(mode=OFF, since=now)
            )

    # ------------------------------------------------------------ following one event, quiet hours

    async def set_follow(self, chat_id: int, kind: str, event_id: str, mode: str, now: datetime) -> str:
        """Set the chat's choice about one event (``follow``, ``mute`` or ``off``); returns the one it had
        (``off`` when none). The row is kept whatever happens to the event."""
        async with self._session.begin() as session:
            await self._ensure_chat(session, chat_id, kind)
            before = await session.scalar(
                select(FollowRow.mode)
                .where(FollowRow.chat_id == chat_id, FollowRow.event_id == event_id)
                .with_for_update()
            )
            if before != mode:
                values = {"mode": mode, "since": now}
                await session.execute(
                    _upsert(session, FollowRow)
                    .values(chat_id=chat_id, event_id=event_id, **values)
                    .on_conflict_do_update(
                        index_elements=[FollowRow.chat_id, FollowRow.event_id], set_=values
                    )
                )
            return str(before or OFF)

    async def follows_of(self, chat_id: int) -> dict[str, str]:
        """The events this chat follows or muted, by id, with the mode (``off`` rows left out)."""
        async with self._session() as session:
            rows = await session.execute(
                select(FollowRow.event_id, FollowRow.mode)
                .where(FollowRow.chat_id == chat_id, FollowRow.mode != OFF)
                .order_by(FollowRow.since, FollowRow.event_id)
            )
            return {event_id: str(mode) for event_id, mode in rows.all()}

    async def follow_counts(self) -> dict[str, int]:
        """Chats following each event on its own (``/stats``)."""
        async with self._session() as session:
            rows = await session.execute(
                select(FollowRow.event_id, func.count())
                .where(FollowRow.mode == FOLLOW)
                .group_by(FollowRow.event_id)
            )
            return {event_id: int(n) for event_id, n in rows.all()}

    async def set_client_language(self, chat_id: int, kind: str, code: str) -> None:
        await self._choose(chat_id, kind, client_language=code)

    async def set_quiet(self, chat_id: int, kind: str, quiet: str | None) -> None:
        await self._choose(chat_id, kind, quiet=quiet)

    async def quiet_of(self, chat_id: int) -> str | None:
        async with self._session() as session:
            quiet: str | None = await session.scalar(select(ChatRow.quiet).where(ChatRow.chat_id == chat_id))
            return quiet

    async def held_due(self, until: datetime, limit: int = 1000) -> list[Held]:
        """Messages held for digests whose quiet hours ended by ``until``, oldest first, chat by chat."""
        async with self._session() as session:
            rows = await session.execute(
                select(DeliveryRow.id, DeliveryRow.chat_id, DeliveryRow.text, _language())
                .join(ChatRow, ChatRow.chat_id == DeliveryRow.chat_id)
                .where(DeliveryRow.state == DeliveryState.HELD, DeliveryRow.due_at <= until)
                .order_by(DeliveryRow.chat_id, DeliveryRow.created_at, DeliveryRow.id)
                .limit(limit)
            )
            return [Held(*row) for row in rows.all()]

    async def digest(self, chat_id: int, ids: Sequence[int], key: str, text: str, now: datetime) -> bool:
        """The held rows ``ids`` go out inside one digest row (``key``): they are marked sent with it, in
        one transaction, so of two processes doing it one writes the digest and the other nothing."""
        async with self._session.begin() as session:
            taken = 0
            for chunk in _chunks(ids, IN_CHUNK):
                result = await session.execute(
                    _update(DeliveryRow)
                    .where(DeliveryRow.id.in_(chunk), DeliveryRow.state == DeliveryState.HELD)
                    .values(state=DeliveryState.SENT, sent_at=now, last_error=f"in {key}")
                )
                taken += cast(CursorResult[Any], result).rowcount
            if taken == 0:
                return False
            await _write(session, [NewDelivery(key, chat_id, text, now)], now)
            return True

    # ------------------------------------------------------------ the outbox

    async def enqueue(self, deliveries: Iterable[NewDelivery], now: datetime) -> int:
        """Write owed messages in one transaction; ones already written (same key and chat) are left
        untouched. Returns how many rows this call inserted."""
        async with self._session.begin() as session:
            return await _write(session, deliveries, now)

    async def pending(self, until: datetime, limit: int = 1000) -> list[Delivery]:
        """Pending rows due by ``until``, in the order they fall due."""
        async with self._session() as session:
            rows = await session.execute(
                select(
                    DeliveryRow.id,
                    DeliveryRow.key,
                    DeliveryRow.chat_id,
                    DeliveryRow.text,
                    DeliveryRow.due_at,
                    DeliveryRow.attempts,
                    DeliveryRow.markup,
                    func.coalesce(DeliveryRow.silent, False),
                )
                .where(DeliveryRow.state == DeliveryState.PENDING, DeliveryRow.due_at <= until)
                .order_by(DeliveryRow.due_at, DeliveryRow.id)
                .limit(limit)
            )
            return [Delivery(*row) for row in rows]

    async def next_due(self) -> datetime | None:
        async with self._session() as session:
            due: datetime | None = await session.scalar(
                select(func.min(DeliveryRow.due_at)).where(DeliveryRow.state.in_(WAITING))
            )
            return due.replace(tzinfo=UTC) if due is not None and due.tzinfo is None else due

    async def record(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Write a batch of send outcomes in one transaction; sent rows in one statement per chunk."""
        sent = [o.id for o in outcomes if o.state is DeliveryState.SENT]
        async with self._session.begin() as session:
            for chunk in _chunks(sent, IN_CHUNK):
                await session.execute(
                    _update(DeliveryRow)
                    .where(DeliveryRow.id.in_(chunk))
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
                query = _update(DeliveryRow).where(DeliveryRow.id == outcome.id)
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
        key were written before: then None, so a second request, even after a restart, sends nothing.
        Two replicas asked at once both write, and the outbox's (key, chat) uniqueness keeps one row."""
        async with self._session() as session:
            if await session.scalar(select(DeliveryRow.id).where(DeliveryRow.key == key).limit(1)):
                return None
        written = 0
        async for page in self.subscribers():
            written += await self.enqueue((NewDelivery(key, chat.chat_id, text, now) for chat in page), now)
        return written

    # ------------------------------------------------------------ updates taken in by webhook

    async def claim_update(self, update_id: int, now: datetime) -> bool:
        """True for the first replica to take this update in, False for every later copy (Telegram's
        retries, or the same update reaching another replica): one INSERT … ON CONFLICT DO NOTHING."""
        async with self._session.begin() as session:
            statement = (
                _upsert(session, HandledUpdateRow)
                .values(update_id=update_id, handled_at=now)
                .on_conflict_do_nothing(index_elements=[HandledUpdateRow.update_id])
                .returning(HandledUpdateRow.update_id)
            )
            return (await session.execute(statement)).first() is not None

    async def forget_updates(self, before: datetime) -> int:
        """Drop update ids taken in before ``before``: Telegram no longer retries them."""
        async with self._session.begin() as session:
            old = delete(HandledUpdateRow).where(HandledUpdateRow.handled_at < before)
            result = await session.execute(old)
            return int(cast(CursorResult[Any], result).rowcount or 0)

    async def pending_keys(self) -> set[str]:
        async with self._session() as session:
            keys = await session.scalars(
                select(DeliveryRow.key).where(DeliveryRow.state.in_(WAITING)).distinct()
            )
            return set(keys)

    async def skip_pending(self, keys: Iterable[str], reason: str) -> int:
        """Waiting messages that became untrue (an alert for a date that moved) are skipped, not sent."""
        async with self._session.begin() as session:
            return await _skip_keys(session, list(keys), reason)

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
        """The first run over an empty store: the file as it is counts as told (note 0 of each event).

        Another process doing the same first run at the same moment writes the same rows: kept once.
        """
        async with self._session.begin() as session:
            for event_id, snapshot in states.items():
                await session.execute(
                    _upsert(session, EventStateRow)
                    .values(event_id=event_id, fingerprint=snapshot, seq=0, updated_at=now)
                    .on_conflict_do_nothing()
                )
                await session.execute(
                    _upsert(session, EventNoteRow)
                    .values(event_id=event_id, seq=0, snapshot=snapshot, created_at=now)
                    .on_conflict_do_nothing()
                )

    @asynccontextmanager
    async def announcing(self, event_id: str, snapshot: str, now: datetime) -> AsyncIterator[NoteWriter]:
        """One event's next note as one transaction: everything the writer does commits together or not
        at all, so a crash leaves the told state as it was and the same note is worked out again.

        The event's told state is locked for the whole transaction (``NoteWriter.seq`` is read under the
        lock): a second process announcing the same event waits, then sees the number moved on.
        """
        async with self._session.begin() as session:
            new = await session.execute(
                _upsert(session, EventStateRow)
                .values(event_id=event_id, fingerprint=snapshot, seq=0, updated_at=now)
                .on_conflict_do_nothing()
            )
            if cast(CursorResult[Any], new).rowcount == 1:  # never told: note 0 is "not in the calendar"
                await _merge_note(session, event_id, 0, None, now)
            row = await session.get(EventStateRow, event_id, with_for_update=True, populate_existing=True)
            if row is None:
                raise RuntimeError(f"the told state of {event_id} vanished")
            if row.seq is None:  # a database from before note numbers: what it holds was told
                await _merge_note(session, event_id, 0, row.fingerprint, row.updated_at)
            yield NoteWriter(session, row, now)

    async def mark_removed(self, event_id: str, stale: Sequence[str], now: datetime) -> None:
        """The event left the file: its waiting notes (keys ``stale``) are untrue now; it may come back."""
        async with self._session.begin() as session:
            await _skip_keys(session, stale, "the event left the events file")
            await session.execute(
                _update(EventStateRow)
                .where(EventStateRow.event_id == event_id, EventStateRow.removed_at.is_(None))
                .values(removed_at=now)
            )

    # ------------------------------------------------------------ held edits

    async def hold(self, digest: str, events: int, chats: int, now: datetime) -> None:
        """Record an edit as held; one held at a time, so any other one still open is dropped."""
        async with self._session.begin() as session:
            await session.execute(
                _update(HeldEditRow).where(HeldEditRow.digest != digest, *_open_hold()).values(dropped_at=now)
            )
            await session.execute(
                _upsert(session, HeldEditRow)
                .values(digest=digest, events=events, chats=chats, held_at=now)
                .on_conflict_do_nothing()
            )

    async def is_released(self, digest: str) -> bool:
        async with self._session() as session:
            query = select(HeldEditRow.released_at).where(HeldEditRow.digest == digest)
            return await session.scalar(query) is not None

    async def drop_held(self, now: datetime) -> HeldEdit | None:
        """The held edit is no longer in the file: nothing of it will be sent."""
        return await self._close_hold(dropped_at=now)

    async def release_held(self, now: datetime, by: int | None) -> HeldEdit | None:
        """An operator lets the held edit's notes go out (``/release``); None when nothing is held.

        Two operators releasing at once on two replicas get one "released" and one "nothing held".
        """
        return await self._close_hold(released_at=now, released_by=by)

    async def _close_hold(self, **values: Any) -> HeldEdit | None:
        """Close the open hold with one UPDATE that re-checks it is still open: of two processes closing it
        at once, one changes the row and the other finds nothing."""
        async with self._session.begin() as session:
            row = (
                await session.execute(
                    select(HeldEditRow.digest, HeldEditRow.events, HeldEditRow.chats)
                    .where(*_open_hold())
                    .with_for_update()
                )
            ).first()
            if row is None:
                return None
            result = await session.execute(
                _update(HeldEditRow).where(HeldEditRow.digest == row.digest, *_open_hold()).values(**values)
            )
            return HeldEdit(row.events, row.chats) if cast(CursorResult[Any], result).rowcount else None


class NoteWriter:
    """The inside of ``Store.announcing``: reads and writes of one transaction, over one locked told state."""

    def __init__(self, session: AsyncSession, state: EventStateRow, now: datetime) -> None:
        self._session = session
        self._state = state
        self._now = now

    @property
    def seq(self) -> int:
        """The note number stored now, under the lock (a database from before note numbers: 0)."""
        return self._state.seq or 0

    def subscribers(
        self, page: int = SUBSCRIBER_PAGE, event_id: str | None = None
    ) -> AsyncIterator[list[Subscriber]]:
        return _subscriber_pages(self._read, None, page, event_id)

    async def _read(self, query: Select[Any]) -> Sequence[Any]:
        rows: Sequence[Any] = (await self._session.execute(query)).all()
        return rows

    async def notes(self, chats: Sequence[int], keys: Sequence[str]) -> list[NoteRow]:
        """The rows under these keys of these chats (one page of subscribers: a range of chat ids)."""
        if not chats or not keys:
            return []
        low, high = min(chats), max(chats)
        wanted = set(chats)
        found: list[NoteRow] = []
        for chunk in _chunks(keys, IN_CHUNK):
            rows = await self._session.execute(
                select(DeliveryRow.chat_id, DeliveryRow.key, DeliveryRow.state).where(
                    DeliveryRow.key.in_(chunk), DeliveryRow.chat_id.between(low, high)
                )
            )
            found += [NoteRow(chat, key, DeliveryState(state)) for chat, key, state in rows if chat in wanted]
        return found

    async def write(self, deliveries: Iterable[NewDelivery]) -> int:
        return await _write(self._session, deliveries, self._now)

    async def waiting_keys(self, prefix: str) -> list[str]:
        """The keys of rows still waiting that start with ``prefix`` (an event's snoozed reminders)."""
        rows = await self._session.scalars(
            select(DeliveryRow.key)
            .where(DeliveryRow.key.startswith(prefix, autoescape=True), DeliveryRow.state.in_(WAITING))
            .distinct()
        )
        return list(rows)

    async def waiting_readers(self, keys: Sequence[str]) -> list[Reader]:
        """Each distinct (key, zone, language) among the rows still waiting under these keys."""
        found: list[Reader] = []
        for chunk in _chunks(keys, IN_CHUNK):
            rows = await self._session.execute(
                select(DeliveryRow.key, ChatRow.timezone, _language())
                .join(ChatRow, ChatRow.chat_id == DeliveryRow.chat_id)
                .where(DeliveryRow.key.in_(chunk), DeliveryRow.state.in_(WAITING))
                .distinct()
            )
            found += [Reader(key, zone, language) for key, zone, language in rows]
        return found

    async def reword(self, reader: Reader, text: str) -> None:
        """New wording of the rows waiting under the reader's key, for the chats of its zone and language."""
        chats = select(ChatRow.chat_id).where(
            ChatRow.timezone.is_not_distinct_from(reader.timezone),
            _language().is_not_distinct_from(reader.language),
        )
        await self._session.execute(
            _update(DeliveryRow)
            .where(
                DeliveryRow.key == reader.key,
                DeliveryRow.state.in_(WAITING),
                DeliveryRow.chat_id.in_(chats),
            )
            .values(text=text)
        )

    async def told(self, seq: int, snapshot: str, superseded: Sequence[str]) -> None:
        """Save the new told state; ``superseded``: keys of earlier notes that must not go out any more."""
        await _skip_keys(self._session, superseded, f"superseded by note {seq}")
        if seq != self.seq:
            await _merge_note(self._session, self._state.event_id, seq, snapshot, self._now)
        state = self._state
        state.fingerprint, state.seq, state.updated_at, state.removed_at = snapshot, seq, self._now, None


async def _merge_note(
    session: AsyncSession, event_id: str, seq: int, snapshot: str | None, created_at: datetime
) -> None:
    values = {"snapshot": snapshot, "created_at": created_at}
    await session.execute(
        _upsert(session, EventNoteRow)
        .values(event_id=event_id, seq=seq, **values)
        .on_conflict_do_update(index_elements=[EventNoteRow.event_id, EventNoteRow.seq], set_=values)
    )


def _language() -> Any:
    """The language a chat's messages are worded in: its choice, else its client's."""
    return func.coalesce(ChatRow.language, ChatRow.client_language)


def _open_hold() -> tuple[Any, ...]:
    return (HeldEditRow.released_at.is_(None), HeldEditRow.dropped_at.is_(None))
