"""What changed about an event since subscribers were last told: pure functions over snapshots.

A snapshot keeps only what a note is about (confirmations, lifecycle, dates, place) and is stored as
JSON. Each state subscribers are told about gets the next **note number** of its event, and the note's
outbox key is ``change/<event>/<number>``: a change back to an earlier state is a new number, so it is
told like any other, and a number recomputed after a crash is the same key, so it is never doubled.

What a chat was *actually* told can lag behind what was announced (a note still waiting in the outbox,
a note a newer edit made untrue and that was therefore skipped). ``told_number`` reads it off the
chat's own notes, and a chat is owed only the difference between that state and the current one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.events import Catalog, Event, Lifecycle, Localized, Precision, When

HOLD_FLOOR = 5
"""An edit noting at most this many events is never held, however small the calendar."""


@dataclass(frozen=True)
class Snapshot:
    lifecycle: str
    confirmed_by: tuple[str, ...]
    precision: str
    zone: str
    first: str
    last: str
    at: str | None
    place: str | None
    place_texts: tuple[tuple[str, str], ...] | None = field(default=None, compare=False)
    """The place in every language the file gave, to word a "from" side in the reader's language; a
    translation alone is not a change, so it takes no part in comparisons (``place`` is English)."""

    @classmethod
    def of(cls, event: Event) -> Snapshot:
        when = event.when
        return cls(
            lifecycle=event.lifecycle.value,
            confirmed_by=tuple(sorted(g.name.en for g in event.confirmed_by)),
            precision=when.precision.value,
            zone=when.zone.key,
            first=when.first.isoformat(),
            last=when.last.isoformat(),
            at=when.at.isoformat() if when.at is not None else None,
            place=event.place.en if event.place is not None else None,
            place_texts=event.place.texts if event.place is not None else None,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        data["confirmed_by"] = tuple(data["confirmed_by"])
        texts = data.pop("place_texts", None)  # absent in snapshots stored before translations
        return cls(**data, place_texts=tuple((lang, t) for lang, t in texts) if texts else None)

    @property
    def localized_place(self) -> Localized | None:
        if self.place is None:
            return None
        return Localized(self.place_texts) if self.place_texts else Localized.of(self.place)

    def when(self) -> When:
        """The dates as they were, to word the "from" side of a move."""
        return When(
            Precision(self.precision),
            ZoneInfo(self.zone),
            date.fromisoformat(self.first),
            date.fromisoformat(self.last),
            datetime.fromisoformat(self.at) if self.at else None,
        )


class ChangeKind(StrEnum):
    ADDED = "added"
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    LIFECYCLE = "lifecycle"
    MOVED = "moved"
    PLACE = "place"


@dataclass(frozen=True)
class ChangeItem:
    """One difference: ``old`` and ``new`` are lifecycles, dates (``When``), places (``Localized``) or,
    for confirmations, the English names of the governments gained or lost."""

    kind: ChangeKind
    old: str | When | Localized | tuple[str, ...] | None
    new: str | When | Localized | tuple[str, ...] | None

    @property
    def names(self) -> tuple[str, ...]:
        return self.old if isinstance(self.old, tuple) else ()

    @property
    def old_when(self) -> When | None:
        return self.old if isinstance(self.old, When) else None

    @property
    def new_when(self) -> When | None:
        return self.new if isinstance(self.new, When) else None

    @property
    def old_place(self) -> Localized | None:
        return self.old if isinstance(self.old, Localized) else None

    @property
    def new_place(self) -> Localized | None:
        return self.new if isinstance(self.new, Localized) else None


DATED = frozenset({ChangeKind.ADDED, ChangeKind.MOVED})
"""Items whose sentence states the event's (new) dates."""


def diff(old: Snapshot, event: Event) -> list[ChangeItem]:
    """Each difference worth a sentence, in the order a reader cares about them."""
    new = Snapshot.of(event)
    items: list[ChangeItem] = []
    if new.lifecycle != old.lifecycle:
        items.append(ChangeItem(ChangeKind.LIFECYCLE, old.lifecycle, new.lifecycle))
    gained = [g for g in new.confirmed_by if g not in old.confirmed_by]
    lost = [g for g in old.confirmed_by if g not in new.confirmed_by]
    if gained and new.lifecycle == Lifecycle.PLANNED:
        items.append(ChangeItem(ChangeKind.CONFIRMED, tuple(gained), None))
    if lost:
        items.append(ChangeItem(ChangeKind.UNCONFIRMED, tuple(lost), None))
    if (new.precision, new.first, new.last, new.at, new.zone) != (
        old.precision,
        old.first,
        old.last,
        old.at,
        old.zone,
    ):
        items.append(ChangeItem(ChangeKind.MOVED, old.when(), event.when))
    if new.place != old.place:
        items.append(ChangeItem(ChangeKind.PLACE, old.localized_place, event.place))
    return items


def items_since(told: Snapshot | None, event: Event, now: datetime) -> list[ChangeItem]:
    """What a reader who was told ``told`` (None: the event was not in the calendar) must now hear.

    A new event is worth a note only while it is still ahead and expected to happen.
    """
    if told is None:
        return [ChangeItem(ChangeKind.ADDED, None, None)] if event.is_active and now < event.when.end else []
    return diff(told, event)


# ---------------------------------------------------------------- note numbers


def note_key(event_id: str, number: int) -> str:
    return f"change/{event_id}/{number}"


def note_number(key: str, event_id: str) -> int | None:
    """The note number in one of this event's note keys; None for anything else.

    Keys written before note numbers end in a hash instead, and are not numbered notes.
    """
    prefix = f"change/{event_id}/"
    rest = key.removeprefix(prefix)
    return int(rest) if rest != key and rest.isdigit() else None


@dataclass(frozen=True)
class Told:
    """What subscribers were told about one event: note ``number`` said ``history[number]``.

    ``history`` keeps every numbered state (None: not in the calendar), because a chat that missed
    the latest notes was last told an earlier one. ``removed``: the event left the file since.
    """

    number: int
    history: Mapping[int, Snapshot | None]
    removed: bool = False

    @property
    def snapshot(self) -> Snapshot | None:
        return self.history[self.number]

    @classmethod
    def unknown(cls) -> Told:
        """An event the bot has never told anyone about."""
        return cls(0, {0: None})


@dataclass(frozen=True)
class ChatNotes:
    """One chat's numbered notes about one event: every number it has a row for, and those sent."""

    written: frozenset[int] = frozenset()
    sent: frozenset[int] = frozenset()


def told_number(chat: ChatNotes | None, latest: int) -> int:
    """Which note number a chat was last told.

    - the latest note it was sent;
    - if it was sent none of the notes written for it, the state before the first of them;
    - if no note was ever written for it, the latest: it subscribed after it, when the bot said so.
    """
    if chat is None or not chat.written:
        return latest
    if chat.sent:
        return max(chat.sent)
    return min(chat.written) - 1


@dataclass(frozen=True)
class Announcement:
    """One event's new told state: its note number, and what each chat that is owed a note hears."""

    number: int
    snapshot: Snapshot
    owed: Mapping[int, tuple[ChangeItem, ...]] = field(default_factory=dict)


def announce(
    event: Event, told: Told, chats: Mapping[int, ChatNotes], subscribers: Iterable[int], now: datetime
) -> Announcement:
    """Tell each subscriber the difference between what it was told and the event now.

    A chat already told this state (a change back before its note went out) is owed nothing. The
    state gets the next number when it differs from the last announced one or anyone is told it.
    """
    snapshot = Snapshot.of(event)
    by_number: dict[int, tuple[ChangeItem, ...]] = {}
    owed: dict[int, tuple[ChangeItem, ...]] = {}
    for chat_id in subscribers:
        number = told_number(chats.get(chat_id), told.number)
        if number not in by_number:
            before = told.history.get(number, told.snapshot)
            by_number[number] = tuple(items_since(before, event, now))
        if by_number[number]:
            owed[chat_id] = by_number[number]
    changed = snapshot != told.snapshot or bool(owed)
    return Announcement(told.number + 1 if changed else told.number, snapshot, owed)


# ---------------------------------------------------------------- one reload as a whole


@dataclass(frozen=True)
class EventChange:
    """One event whose told state an edit changes; ``event`` None means it left the file."""

    event_id: str
    event: Event | None
    told: Told
    noted: bool
    """Whether the change is worth a note to a subscriber who was told the last announced state."""


def propose(catalog: Catalog, told: Mapping[str, Told], now: datetime) -> list[EventChange]:
    """Every event an edit changes against what was announced, new and removed ones included."""
    changes: list[EventChange] = []
    for event in catalog:
        before = told.get(event.id, Told.unknown())
        if before.snapshot == Snapshot.of(event) and not before.removed:
            continue
        noted = bool(items_since(before.snapshot, event, now))
        changes.append(EventChange(event.id, event, before, noted))
    present = {event.id for event in catalog}
    changes += [
        EventChange(event_id, None, before, noted=False)
        for event_id, before in sorted(told.items())
        if event_id not in present and not before.removed
    ]
    return changes


def hold_limit(told_events: int) -> int:
    """The most events one edit may send notes about at once: half the calendar, but at least 5."""
    return max(HOLD_FLOOR, told_events // 2)


def proposal_digest(changes: Iterable[EventChange]) -> str:
    """Names one held edit: the same edit over the same told states, whatever the file's layout."""
    parts = sorted(
        f"{c.event_id}@{c.told.number}:{Snapshot.of(c.event).to_json() if c.event else 'removed'}"
        for c in changes
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
