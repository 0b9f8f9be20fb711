"""Where "now" comes from: injected everywhere, so tests and replays move time instead of waiting."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC (arithmetic between two times in one zone would ignore DST)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """Starts at a chosen moment and then runs at the speed of real time: ``--as-of`` replays."""

    def __init__(self, start: datetime) -> None:
        self._start = start.astimezone(UTC)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


class ManualClock:
    """Stands still until told to move; listeners hear each jump so the alarm can be re-armed."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)
        for listener in list(self._listeners):
            listener()

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)

    def on_jump(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Register a listener; returns the call that removes it (a stopped bot must stop listening)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)
