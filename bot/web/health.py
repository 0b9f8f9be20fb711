"""Whether this process is fit to serve: what ``/healthz`` answers, as a pure function of facts.

A load balancer or an orchestrator reads it, so it says only what they act on: the process answers,
the database answers, which role the process plays, and (for the leader, the one replica that runs the
notifier) whether the notifier's last successful tick is recent. A follower never ticks, so its tick's
age is no reason to replace it. Nothing here names the database or the token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Role = Literal["leader", "follower"]
RoleProvider = Callable[[], Role]

STALE_AFTER = timedelta(seconds=90)
"""Three of the notifier's 30-second ticks: one missed tick is a hiccup, three are a stuck notifier."""


def always_leader() -> Role:
    """A web side built without an election (``Site``'s default) speaks for the one bot, the leader."""
    return "leader"


class Ticks:
    """The notifier's heartbeat: it calls ``ticked`` after each successful tick (``Notifier(on_tick=…)``).

    Before the first tick, age counts from ``started``, so a bot that never manages a tick becomes
    unhealthy too, after the same grace.
    """

    def __init__(self, started: datetime) -> None:
        self.started = started
        self.last: datetime | None = None

    def ticked(self, at: datetime) -> None:
        self.last = at

    def restart(self, at: datetime) -> None:
        """A replica became the leader: its notifier's age counts from now, not from a former term."""
        self.started, self.last = at, None


@dataclass(frozen=True)
class HealthReport:
    healthy: bool
    database: bool
    role: Role
    last_tick: datetime | None
    tick_age: timedelta | None
    problems: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "process": "up",
            "database": "reachable" if self.database else "unreachable",
            "role": self.role,
            "last_tick": None
            if self.last_tick is None
            else {
                "at": self.last_tick.isoformat(),
                "age_seconds": round(self.tick_age.total_seconds(), 3) if self.tick_age is not None else None,
            },
            "problems": list(self.problems),
        }


def assess(
    *,
    now: datetime,
    database: bool,
    role: Role,
    ticks: Ticks,
    stale_after: timedelta = STALE_AFTER,
) -> HealthReport:
    """Healthy unless the database is unreachable or, for the leader, the notifier has stalled."""
    problems: list[str] = []
    if not database:
        problems.append("database_unreachable")
    age = now - ticks.last if ticks.last is not None else None
    if role == "leader":
        waited = age if age is not None else now - ticks.started
        if waited > stale_after:
            problems.append("no_tick_yet" if ticks.last is None else "tick_stale")
    return HealthReport(not problems, database, role, ticks.last, age, tuple(problems))
