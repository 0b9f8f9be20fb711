"""What changed about an event since subscribers were last told: pure functions over snapshots.

A snapshot keeps only what a note is about (confirmations, lifecycle, dates, place) and is stored as
JSON, so "once per change" holds across reloads and restarts: the note's key is the new snapshot's hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.events import Event, Lifecycle, Precision, When


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

    @classmethod
    def of(cls, event: Event) -> Snapshot:
        when = event.when
        return cls(
            lifecycle=event.lifecycle.value,
            confirmed_by=tuple(sorted(g.name for g in event.confirmed_by)),
            precision=when.precision.value,
            zone=when.zone.key,
            first=when.first.isoformat(),
            last=when.last.isoformat(),
            at=when.at.isoformat() if when.at is not None else None,
            place=event.place,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        data["confirmed_by"] = tuple(data["confirmed_by"])
        return cls(**data)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]

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
    kind: ChangeKind
    old: str | When | None
    new: str | When | None


def diff(old: Snapshot, event: Event) -> list[ChangeItem]:
    """Each difference worth a sentence, in the order a reader cares about them."""
    new = Snapshot.of(event)
    items: list[ChangeItem] = []
    if new.lifecycle != old.lifecycle:
        items.append(ChangeItem(ChangeKind.LIFECYCLE, old.lifecycle, new.lifecycle))
    gained = [g for g in new.confirmed_by if g not in old.confirmed_by]
    lost = [g for g in old.confirmed_by if g not in new.confirmed_by]
    if gained and new.lifecycle == Lifecycle.PLANNED:
        items.append(ChangeItem(ChangeKind.CONFIRMED, ", ".join(gained), None))
    if lost:
        items.append(ChangeItem(ChangeKind.UNCONFIRMED, ", ".join(lost), None))
    if (new.precision, new.first, new.last, new.at, new.zone) != (
        old.precision,
        old.first,
        old.last,
        old.at,
        old.zone,
    ):
        items.append(ChangeItem(ChangeKind.MOVED, old.when(), event.when))
    if new.place != old.place:
        items.append(ChangeItem(ChangeKind.PLACE, old.place, new.place))
    return items


def change_key(event: Event) -> str:
    return f"change/{event.id}/{Snapshot.of(event).digest}"
