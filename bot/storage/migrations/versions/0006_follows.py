"""Following one event, muting one, quiet hours, and an outbox row's buttons and silence.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "follows",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "event_id"),
    )
    op.create_index(op.f("ix_follows_event_id"), "follows", ["event_id"], unique=False)
    op.add_column("chats", sa.Column("quiet", sa.String(16), nullable=True))
    op.add_column("deliveries", sa.Column("markup", sa.Text(), nullable=True))
    op.add_column("deliveries", sa.Column("silent", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as table:
        table.drop_column("silent")
        table.drop_column("markup")
    with op.batch_alter_table("chats") as table:
        table.drop_column("quiet")
    op.drop_index(op.f("ix_follows_event_id"), table_name="follows")
    op.drop_table("follows")
