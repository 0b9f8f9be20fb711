"""Alembic's environment, driven from code: ``bot.storage.schema`` hands over the open connection.

There is no alembic.ini: summitbot migrates its own database at start (``Store.open``), inside the
transaction that holds the migration lock, and ``python -m bot.storage.revision`` writes a new revision
the same way.
"""

from __future__ import annotations

from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import TypeDecorator
from sqlalchemy.engine import Connection

from bot.storage.models import Base


def render_item(kind: str, item: object, autogen: AutogenContext) -> str | Literal[False]:
    """A type that only converts values in Python (``UTCDateTime``) is written as the type it stores."""
    if kind == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl_instance!r}"
    return False


def run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("migrations run through bot.storage.schema, which opens the connection")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
