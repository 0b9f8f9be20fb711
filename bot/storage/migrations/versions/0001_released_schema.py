"""The schema as the last release before migrations created it (chats, the outbox, told states).

Revision ID: 0001
Revises:
Create Date: 2026-11-28

A database that release made has these tables but no ``alembic_version``: ``bot.storage.schema``
completes it to ``released()`` (databases of still older releases lack some of it) and stamps it
0001, or the later revision whose additions it already has.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def released() -> sa.MetaData:
    """The tables exactly as that release's ``create_all`` made them; frozen, whatever models.py becomes."""
    metadata = sa.MetaData()
    sa.Table(
        "chats",
        metadata,
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(256)),
        sa.Column("subscribed", sa.Boolean(), nullable=False),
        sa.Column("subscribed_at", sa.DateTime()),
        sa.Column("unsubscribed_at", sa.DateTime()),
        sa.Column("ended_reason", sa.String(256)),
        sa.Column("timezone", sa.String(64)),
        sa.Column("reminders", sa.String(64)),
        sa.Column("moved_to", sa.BigInteger()),
    )
    sa.Table(
        "deliveries",
        metadata,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False, index=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime()),
        sa.Column("last_error", sa.String(500)),
        sa.UniqueConstraint("key", "chat_id", name="one_delivery_per_chat"),
    )
    sa.Table(
        "event_states",
        metadata,
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    return metadata


def upgrade() -> None:
    released().create_all(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("below 0001 there is no schema: that would delete every subscriber and message")
