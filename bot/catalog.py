"""The live events file: the catalog in force, replaced only by a newer file that parses cleanly.

The operator edits the file while the bot runs, with any editor, sometimes badly. So a file is taken
only once it has stopped changing (an editor caught mid-write must not announce "Place changed: New
Delhi → New Del"), a rejected file is logged once per distinct content (not on every poll), and on any
failure the last good catalog stays in force.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bot.events import Catalog, EventsFileError, Problem, parse_events_file, read_events_file

log = logging.getLogger(__name__)

SETTLE_SECONDS = 0.2  # two reads this far apart must agree before an edit is taken


@dataclass(frozen=True)
class Reloaded:
    old: Catalog
    new: Catalog


@dataclass(frozen=True)
class Rejected:
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class _Snapshot:
    """What one read of the file saw: its content's digest, or why it could not be read."""

    key: str
    data: bytes
    problems: tuple[Problem, ...] = ()


class LiveCatalog:
    """Watches one file by content, so an edit is seen however coarse the file system's clock is.

    ``reload`` blocks (it reads, waits ``pause`` and parses): the running bot calls it in a worker
    thread. ``pause`` is the wait between the two reads; a test may replace it with an editor that
    writes more of the file in between.
    """

    def __init__(
        self, path: Path, catalog: Catalog, digest: str, *, pause: Callable[[], None] | None = None
    ) -> None:
        self.path = path
        self.current = catalog
        self.pause = pause or partial(time.sleep, SETTLE_SECONDS)
        self._digest = digest
        self._reported: str | None = None  # the failing content (or read failure) last logged
        self._changing = False  # whether "still being written" was logged since the last outcome
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path) -> LiveCatalog:
        """The first load: a bad file here stops the bot (raises ``EventsFileError``)."""
        data = read_events_file(path)
        return cls(path, parse_events_file(data, str(path)), _digest(data))

    def reload(self, *, force: bool = False) -> Reloaded | Rejected | None:
        """Pick up an edit; ``None`` when nothing changed, the file is still changing, the same bad
        file was already reported, or another reload is under way (``force`` waits for it instead).
        """
        if not self._lock.acquire(blocking=force):
            return None
        try:
            return self._reload(force=force)
        finally:
            self._lock.release()

    def _reload(self, *, force: bool) -> Reloaded | Rejected | None:
        first = _snapshot(self.path)
        if not force and first.key == self._digest:
            self._reported = None  # back to the good file: a bad edit made again is reported again
            return None
        if not force and first.key == self._reported:
            return None
        self.pause()
        second = _snapshot(self.path)
        if second.key != first.key:
            if not self._changing:
                log.info("events file is still changing; it is read again at the next check")
            self._changing = True
            return None
        self._changing = False
        try:
            if second.problems:
                raise EventsFileError(second.problems)
            new = parse_events_file(second.data, str(self.path))
        except EventsFileError as exc:
            return self._reject(second.key, exc.problems)
        except Exception as exc:  # parse_events_file is total; this keeps the bot running if it is not
            problem = Problem(str(self.path), None, "", f"cannot be used ({type(exc).__name__}: {exc})")
            return self._reject(second.key, (problem,))
        old, self.current, self._digest, self._reported = self.current, new, second.key, None
        log.info("events file reloaded: %d events, %d facts", len(new.events), len(new.facts))
        return Reloaded(old, new)

    def _reject(self, key: str, problems: tuple[Problem, ...]) -> Rejected:
        """Logged here, once: the next polls see the same content (or failure) and return early."""
        for problem in problems:
            log.error("events file rejected, keeping the last good one: %s", problem)
        self._reported = key
        return Rejected(problems)


def _snapshot(path: Path) -> _Snapshot:
    try:
        data = read_events_file(path)
    except EventsFileError as exc:
        return _Snapshot(f"unreadable: {exc}", b"", exc.problems)
    return _Snapshot(_digest(data), data)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
