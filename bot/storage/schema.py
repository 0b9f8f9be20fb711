"""The schema's versions: Alembic migrations (``migrations/versions``), run at every start.

``upgrade`` brings any database to the current revision, inside the caller's transaction:

- an empty database is created from nothing;
- a database from before migrations (summitbot's tables, no ``alembic_version``) is first completed to
  the schema of the last such release (revision 0001, which older releases lacked parts of), then
  stamped with the newest revision whose additions it already has, then upgraded;
- on PostgreSQL an advisory lock, held until that transaction ends, serialises replicas that start at
  the same moment: the second one waits, finds the schema current and does nothing.

Alembic is configured here, in code: no alembic.ini is needed, and the migration scripts travel as
package data. ``python -m bot.storage.revision "what changed"`` writes the next revision.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, inspect, text
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

SCRIPTS = "bot.storage:migrations"
LOCK_KEY = 0x73756D6D6974626F  # "summitbo": one advisory lock key per database, for migrating it
BASELINE = "0001"
TABLES = frozenset({"chats", "deliveries", "event_states", "event_notes", "held_edits", "follows"})
"""Every table summitbot ever made: any of them without ``alembic_version`` is a database from before
migrations (other applications' tables in the same database are no sign of one)."""


class SchemaError(Exception):
    """The database holds a schema this version cannot tell the origin of; nothing was changed."""


def config(connection: Connection | None = None) -> Config:
    settings = Config()
    settings.set_main_option("script_location", SCRIPTS)
    settings.attributes["connection"] = connection
    return settings


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    current = scripts().get_current_head()
    if current is None:
        raise RuntimeError("no migration scripts found")
    return current


def current(connection: Connection) -> str | None:
    """The revision the database is stamped with (None: empty, or from before migrations)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection) -> None:
    """Bring the database to the current revision; run inside a transaction (``Store.open``)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    settings = config(connection)
    tables = set(inspect(connection).get_table_names())
    before = current(connection) if "alembic_version" in tables else None
    if before is None and tables & TABLES:
        before = _adopt(connection)
        command.stamp(settings, before)
        log.info("database from before schema versions: taken over as revision %s", before)
    if before != head():
        command.upgrade(settings, "head")
        log.info("database schema upgraded from %s to %s", before or "nothing", head())


def _adopt(connection: Connection) -> str:
    """Complete a database from before migrations to revision 0001 and say which revision it is at."""
    chain = list(reversed(list(scripts().walk_revisions())))
    _complete(connection, chain[0].module.released())
    present = inspect(connection)
    tables = set(present.get_table_names())
    columns = {table: {c["name"] for c in present.get_columns(table)} for table in tables}
    stamp = BASELINE
    for script in chain[1:]:
        added: Mapping[str, Sequence[str]] | None = getattr(script.module, "ADDED", None)
        if added is None:  # revisions written after migrations came cannot be in such a database
            break
        has = [
            (table in tables and set(new) <= columns[table]) if new else table in tables
            for table, new in added.items()
        ]
        if all(has) and stamp == script.down_revision:
            stamp = script.revision
        elif any(has):
            raise SchemaError(
                f"the database has part of what revision {script.revision} adds, or that without the "
                "revisions before it: cannot tell which version of summitbot made it"
            )
    return stamp


def _complete(connection: Connection, released: MetaData) -> None:
    """Tables and nullable columns of revision 0001 that a database of an older release lacks."""
    present = inspect(connection)
    operations = Operations(MigrationContext.configure(connection))
    for table in released.sorted_tables:
        if not present.has_table(table.name):
            table.create(connection)
            continue
        have = {c["name"] for c in present.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            if not column.nullable:
                raise SchemaError(
                    f"table {table.name} lacks its column {column.name}: cannot tell its origin"
                )
            operations.add_column(table.name, Column(column.name, column.type, nullable=True))
