"""``python -m bot.storage.revision "what changed"``: the next schema revision, written by Alembic's
autogenerate from the difference between ``models.py`` and a scratch database upgraded to the current
revision. Read it before committing: autogenerate cannot see renames or data that must move.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from bot.storage.schema import config, head, upgrade


def write_revision(message: str) -> Path:
    with tempfile.TemporaryDirectory(prefix="summitbot-revision-") as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'head.db'}")
        with engine.begin() as connection:
            upgrade(connection)
            number = f"{int(head()) + 1:04d}"
            script = command.revision(config(connection), message=message, autogenerate=True, rev_id=number)
        engine.dispose()
    if script is None or isinstance(script, list):
        raise RuntimeError("alembic wrote no single revision")
    return Path(script.path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit('usage: python -m bot.storage.revision "what the new revision changes"')
    print(write_revision(sys.argv[1]))
