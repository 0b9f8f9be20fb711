"""Databases as versions of summitbot from before schema migrations left them, on either engine.

The DDL is what those versions' ``create_all`` emitted (SQLAlchemy's output for their models), so a
test can make such a database without running old code.
"""

from __future__ import annotations


def _types(engine: str) -> dict[str, str]:
    postgresql = engine == "postgresql"
    return {
        "ts": "TIMESTAMP WITHOUT TIME ZONE" if postgresql else "DATETIME",
        "serial": "SERIAL" if postgresql else "INTEGER",
        "key": "key" if postgresql else '"key"',
    }


def chats(engine: str, *, reminders: bool = True, languages: bool = False) -> str:
    t = _types(engine)
    return (
        "CREATE TABLE chats (chat_id BIGINT NOT NULL, kind VARCHAR(16) NOT NULL, title VARCHAR(256),"
        f" subscribed BOOLEAN NOT NULL, subscribed_at {t['ts']}, unsubscribed_at {t['ts']},"
        " ended_reason VARCHAR(256), timezone VARCHAR(64),"
        + (" reminders VARCHAR(64)," if reminders else "")
        + (" language VARCHAR(8), client_language VARCHAR(8)," if languages else "")
        + " moved_to BIGINT, PRIMARY KEY (chat_id))"
    )


def deliveries(engine: str) -> list[str]:
    t = _types(engine)
    return [
        f"CREATE TABLE deliveries (id {t['serial']} NOT NULL, {t['key']} VARCHAR(200) NOT NULL,"
        f" chat_id BIGINT NOT NULL, text TEXT NOT NULL, due_at {t['ts']} NOT NULL,"
        f" created_at {t['ts']} NOT NULL, state VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL,"
        f" sent_at {t['ts']}, last_error VARCHAR(500), PRIMARY KEY (id),"
        f" CONSTRAINT one_delivery_per_chat UNIQUE ({t['key']}, chat_id))",
        "CREATE INDEX ix_deliveries_chat_id ON deliveries (chat_id)",
        "CREATE INDEX ix_deliveries_due_at ON deliveries (due_at)",
        "CREATE INDEX ix_deliveries_state ON deliveries (state)",
    ]


def event_states(engine: str, *, numbered: bool = False) -> str:
    t = _types(engine)
    return (
        "CREATE TABLE event_states (event_id VARCHAR(64) NOT NULL, fingerprint TEXT NOT NULL,"
        f" updated_at {t['ts']} NOT NULL,"
        + (f" seq INTEGER, removed_at {t['ts']}," if numbered else "")
        + " PRIMARY KEY (event_id))"
    )


def notes_and_holds(engine: str) -> list[str]:
    t = _types(engine)
    return [
        "CREATE TABLE event_notes (event_id VARCHAR(64) NOT NULL, seq INTEGER NOT NULL, snapshot TEXT,"
        f" created_at {t['ts']} NOT NULL, PRIMARY KEY (event_id, seq))",
        "CREATE TABLE held_edits (digest VARCHAR(64) NOT NULL, events INTEGER NOT NULL,"
        f" chats INTEGER NOT NULL, held_at {t['ts']} NOT NULL, released_at {t['ts']},"
        f" released_by BIGINT, dropped_at {t['ts']}, PRIMARY KEY (digest))",
    ]


def released(engine: str) -> list[str]:
    """The last release before migrations (a7d9320): what revision 0001 describes."""
    return [chats(engine), *deliveries(engine), event_states(engine)]


def just_before_migrations(engine: str) -> list[str]:
    """The development version migrations replaced (numbered notes, held edits, languages): head 0003."""
    return [
        chats(engine, languages=True),
        *deliveries(engine),
        event_states(engine, numbered=True),
        *notes_and_holds(engine),
    ]
