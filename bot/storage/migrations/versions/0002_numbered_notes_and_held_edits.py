"""Status notes numbered per event (every told state kept), and edits held until /release.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

ADDED = {"event_notes": (), "held_edits": (), "event_states": ("seq", "removed_at")}
"""What this revision adds, as (table: new columns; () for a new table): a database from before
migrations that has all of it was made by a version that already had this revision's schema."""


def upgrade() -> None:
    op.add_column("event_states", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column("event_states", sa.Column("removed_at", sa.DateTime(), nullable=True))
    op.create_table(
        "event_notes",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "seq"),
    )
    op.create_table(
        "held_edits",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("chats", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("released_by", sa.BigInteger(), nullable=True),
        sa.Column("dropped_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("digest"),
    )


def downgrade() -> None:
    op.drop_table("held_edits")
    op.drop_table("event_notes")
    with op.batch_alter_table("event_states") as table:
        table.drop_column("removed_at")
        table.drop_column("seq")
