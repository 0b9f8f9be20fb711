"""The live events file: the catalog in force, replaced only by a newer file that parses cleanly."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.events import Catalog, EventsFileError, Problem, load_events

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reloaded:
    old: Catalog
    new: Catalog


@dataclass(frozen=True)
class Rejected:
    problems: tuple[Problem, ...]


class LiveCatalog:
    """Watches one file by content, so an edit is seen however coarse the file system's clock is."""

    def __init__(self, path: Path, catalog: Catalog, digest: str) -> None:
        self.path = path
        self.current = catalog
        self._digest = digest
        self._rejected: str | None = None

    @classmethod
    def load(cls, path: Path) -> LiveCatalog:
        """The first load: a bad file here stops the bot (raises ``EventsFileError``)."""
        catalog = load_events(path)
        return cls(path, catalog, _digest(path))

    def reload(self, *, force: bool = False) -> Reloaded | Rejected | None:
        """Pick up an edit; ``None`` when nothing changed (or the same bad file was already reported)."""
        try:
            digest = _digest(self.path)
        except OSError as exc:
            digest = f"unreadable:{exc.errno}"
        if not force and digest in (self._digest, self._rejected):
            return None
        try:
            new = load_events(self.path)
        except EventsFileError as exc:
            self._rejected = digest
            for problem in exc.problems:
                log.error("events file rejected, keeping the last good one: %s", problem)
            return Rejected(exc.problems)
        old, self.current, self._digest, self._rejected = self.current, new, digest, None
        log.info("events file reloaded: %d events, %d facts", len(new.events), len(new.facts))
        return Reloaded(old, new)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
