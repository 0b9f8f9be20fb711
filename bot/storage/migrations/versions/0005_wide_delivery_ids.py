"""Delivery ids are 64-bit on PostgreSQL: a 32-bit SERIAL runs out after 2,147,483,647 messages.

A bot with a million subscribers writes a million rows per alert, so a few hundred broadcasts would
exhaust it and every later alert would fail to be written. SQLite's ``INTEGER PRIMARY KEY`` is already
64-bit, so only PostgreSQL changes: the column and the sequence behind it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column("deliveries", "id", type_=sa.BigInteger(), existing_type=sa.Integer())
    op.execute("ALTER SEQUENCE IF EXISTS deliveries_id_seq AS bigint")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER SEQUENCE IF EXISTS deliveries_id_seq AS integer")
    op.alter_column("deliveries", "id", type_=sa.Integer(), existing_type=sa.BigInteger())
