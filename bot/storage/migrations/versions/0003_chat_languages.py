"""Each chat's language: the one chosen with /language, and its Telegram client's.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

ADDED = {"chats": ("language", "client_language")}
"""What this revision adds (see 0002): a database from before migrations that has it is stamped here."""


def upgrade() -> None:
    op.add_column("chats", sa.Column("language", sa.String(8), nullable=True))
    op.add_column("chats", sa.Column("client_language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chats") as table:
        table.drop_column("client_language")
        table.drop_column("language")
