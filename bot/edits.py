"""What an edit of the events file tells subscribers, seen before and after it is made.

``summitbot diff OLD NEW`` prints the notes an edit would send, and the running bot logs one line per
event an edit it reloads notes: both read the edit through ``bot.changes`` (the same ``items_since`` the
notifier uses, as if subscribers had been told the old file) and word it with ``bot.wording.notices``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.changes import ChangeItem, Snapshot, hold_limit, items_since
from bot.events import Catalog, Event
from bot.wording.language import ENGLISH, Language
from bot.wording.notices import change_line, change_note_html

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EditNote:
    """One event's note: what a subscriber who knew the old file is told about it."""

    event: Event
    items: tuple[ChangeItem, ...]


@dataclass(frozen=True)
class Edit:
    new: Catalog
    notes: tuple[EditNote, ...]
    removed: tuple[str, ...]
    """Ids of events the edit takes out of the file: subscribers are not told."""
    limit: int
    """The most events one edit may note at once before the running bot holds it (``/release``)."""

    @property
    def held(self) -> bool:
        return len(self.notes) > self.limit


def edit_of(old: Catalog, new: Catalog, now: datetime) -> Edit:
    """The notes an edit from ``old`` to ``new`` sends at ``now``, in the order of the new file."""
    before = {event.id: Snapshot.of(event) for event in old}
    notes = tuple(
        EditNote(event, tuple(items))
        for event in new
        if (items := items_since(before.get(event.id), event, now))
    )
    present = {event.id for event in new}
    removed = tuple(event.id for event in old if event.id not in present)
    return Edit(new, notes, removed, hold_limit(len(before)))


def note_html(edit: Edit, note: EditNote, lang: Language, reader_zone: ZoneInfo | None = None) -> str:
    """The note exactly as the bot words it for a reader in ``lang``."""
    return change_note_html(note.event, note.items, edit.new.governments.values(), lang, reader_zone)


def summary(edit: Edit, note: EditNote, lang: Language = ENGLISH) -> str:
    """One line: the event's id and what changed, old → new."""
    governments = tuple(edit.new.governments.values())
    changed = "; ".join(change_line(item, note.event, governments, lang) for item in note.items)
    return f"{note.event.id}: {changed}"


def log_edit(old: Catalog, new: Catalog, now: datetime) -> None:
    """The running bot's account of a reload: one line per event noted, never the notes' whole text."""
    edit = edit_of(old, new, now)
    for note in edit.notes:
        log.info("events file edit: %s", summary(edit, note))
    for event_id in edit.removed:
        log.info("events file edit: %s was taken out of the file; subscribers are not told", event_id)
    if not edit.notes and not edit.removed:
        log.info("events file edit: no change worth a note")
