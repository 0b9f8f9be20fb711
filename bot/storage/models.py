"""The tables as the code expects them now; ``migrations/`` brings every database to this.

A column added here without a migration fails ``tests/test_schema.py`` (autogenerate finds it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

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
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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
    quiet: Mapped[str | None] = mapped_column(String(16))
    """Quiet hours in the chat's zone, ``HH:MM-HH:MM`` (``/quiet``); None: none."""


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    HELD = "held"
    """Due inside the chat's quiet hours and able to wait: goes out in the digest when they end."""


class DeliveryRow(Base):
    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("key", "chat_id", name="one_delivery_per_chat"),)

    # 64-bit ids (a million subscribers write a million rows per alert); SQLite's rowid is already 64-bit
    # and autoincrements only as INTEGER
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    key: Mapped[str] = mapped_column(String(200))
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    markup: Mapped[str | None] = mapped_column(Text)
    """The message's inline keyboard as Bot API JSON (an alert's snooze buttons); None: no buttons."""
    silent: Mapped[bool | None] = mapped_column(Boolean)
    """Sent with ``disable_notification``: an alert that could not wait for the end of quiet hours."""


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


class FollowRow(Base):
    """One chat's choice about one event: follow it, or mute it while following everything.

    Rows are never deleted, only set to ``off``; an event id that left the events file keeps its rows,
    which count again if it comes back.
    """

    __tablename__ = "follows"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    mode: Mapped[str] = mapped_column(String(8))
    """``follow``, ``mute`` or ``off``."""
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the mode was last set: a follower is owed the alerts from then on."""


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


class HandledUpdateRow(Base):
    """An update taken in by webhook, so a retried or twice-delivered one is handled once.

    Update ids only need remembering while Telegram may still send the same one again: rows older than
    a day are pruned (they are no subscriber's record).
    """

    __tablename__ = "handled_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
