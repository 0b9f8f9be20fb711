"""Which replica leads: the one that runs the notifier, sends the outbox and, in polling mode, polls.

Several ``summitbot run`` processes may share one PostgreSQL database. Exactly one of them leads, the one
holding a session-level advisory lock (``pg_try_advisory_lock``) on a connection of its own, outside the
store's pool, so no pooled query can release or hold it by accident. PostgreSQL frees the lock when that
connection ends: at once when a process is killed (its kernel closes the socket), and within about 11 s
when a machine vanishes (the session's TCP keepalives, set below, end a connection nobody answers).

- A follower tries the lock every ``RETRY`` seconds; the one that gets it leads.
- A leader confirms its connection every ``HEARTBEAT`` seconds. One that cannot (the database or the
  network failed) steps down at once, and even before it notices, it only counts as leader for ``LEASE``
  seconds after its last confirmation: the sender checks before every message.
- A follower that saw another leader waits out that ``LEASE`` after taking the lock before it starts,
  so a deposed leader that did not notice yet has stopped sending by then. A process that gets the lock
  at its first try starts at once (nobody was leading).
- A leader that stops (SIGTERM, SIGINT) stops its duties first, then lets go of the lock.

Followers tell the leader that the outbox grew (an operator's ``/announce`` handled by a follower in
webhook mode) with ``NOTIFY``, which the leader ``LISTEN``s for on the same connection.

On SQLite there is one process (one writer of the file), and it leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import asyncpg
from sqlalchemy.engine import make_url

from bot.web.health import Role

log = logging.getLogger(__name__)

ELECTION_KEY = 0x73756D6D69746C64  # "summitld": the leader's lock; schema.LOCK_KEY ("summitbo") migrates
RETRY = 2.0
HEARTBEAT = 1.0
LEASE = 3.0
"""Seconds a leader counts as leader after its last confirmed heartbeat; longer than a heartbeat's
deadline plus its interval, so a healthy leader never lapses."""
CONFIRM_TIMEOUT = 1.5
CONNECT_TIMEOUT = 3.0
CHANNEL = "summitbot_outbox"
KEEPALIVES = {
    # the server ends a session whose client stopped answering after 5 + 3 × 2 s
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
    "application_name": "summitbot-leadership",
}

Duty = Callable[[], Awaitable[None]]


class Leadership(Protocol):
    """What the composition root needs from an election, whichever the database."""

    def role(self) -> Role: ...

    def is_leader(self) -> bool:
        """Whether this process may send now: asked before every message."""
        ...

    async def start(self) -> None:
        """Take part; returns once the first attempt is decided (a lone replica leads by then)."""
        ...

    async def stop(self) -> None: ...

    def nudge(self) -> None:
        """The outbox or a held edit changed here: the leader should look now, not at its next tick."""
        ...


class SoleLeader:
    """SQLite: the one process leads from start to stop."""

    def __init__(self, elected: Duty, deposed: Duty) -> None:
        self._elected, self._deposed = elected, deposed
        self._leading = False

    def role(self) -> Role:
        return "leader" if self._leading else "follower"

    def is_leader(self) -> bool:
        return self._leading

    async def start(self) -> None:
        self._leading = True
        await self._elected()

    async def stop(self) -> None:
        if self._leading:
            self._leading = False
            await self._deposed()

    def nudge(self) -> None:
        """The process that changed the outbox is the leader: its own wake-up already runs."""


class AdvisoryLeader:
    """PostgreSQL: the replica holding the advisory lock leads (the module's docstring says how)."""

    def __init__(self, url: str, elected: Duty, deposed: Duty, woken: Callable[[], None]) -> None:
        self._dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._elected, self._deposed, self._woken = elected, deposed, woken
        self._conn: Any = None  # asyncpg.Connection; Any, as asyncpg ships no types
        self._leading = False
        self._confirmed = 0.0
        self._saw_leader = False
        self._task: asyncio.Task[None] | None = None
        self._duty: asyncio.Task[None] | None = None
        """Starting the duties (a first tick may send a whole broadcast) runs beside the heartbeats."""

    def role(self) -> Role:
        return "leader" if self.is_leader() else "follower"

    def is_leader(self) -> bool:
        return self._leading and asyncio.get_running_loop().time() - self._confirmed < LEASE

    async def start(self) -> None:
        await self._round()
        self._task = asyncio.create_task(self._rounds(), name="leadership")
        if self._duty is not None:
            await self._duty

    async def stop(self) -> None:
        for task in (self._task, self._duty):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._duty = None
        if self._leading:
            self._leading = False
            await self._deposed()
            log.info("leader stopped; another replica can take over now")
        await self._close()

    def nudge(self) -> None:
        if self._conn is None or self._conn.is_closed():
            return  # the leader's 30-second tick finds the rows anyway
        task = asyncio.get_running_loop().create_task(self._notify(self._conn))
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def _notify(self, conn: Any) -> None:
        with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError):
            await conn.execute("SELECT pg_notify($1, '')", CHANNEL, timeout=CONFIRM_TIMEOUT)

    async def _rounds(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT if self._leading else RETRY)
            await self._round()

    async def _round(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            if self._conn is None or self._conn.is_closed():
                self._conn = await asyncpg.connect(
                    self._dsn, timeout=CONNECT_TIMEOUT, server_settings=KEEPALIVES
                )
            asked = loop.time()
            if self._leading:
                await self._conn.fetchval("SELECT 1", timeout=CONFIRM_TIMEOUT)
                self._confirmed = asked
                return
            if not await self._conn.fetchval(
                "SELECT pg_try_advisory_lock($1)", ELECTION_KEY, timeout=CONFIRM_TIMEOUT
            ):
                self._saw_leader = True
                return
            if self._saw_leader:  # a deposed leader may not know yet: let its lease run out
                await asyncio.sleep(LEASE)
                asked = loop.time()
                await self._conn.fetchval("SELECT 1", timeout=CONFIRM_TIMEOUT)
            await self._conn.add_listener(CHANNEL, self._heard)
            self._confirmed, self._leading = asked, True
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            await self._lost(exc)
            return
        log.info("this replica is now the leader")
        self._duty = asyncio.create_task(self._take_duties(), name="leader duties")

    async def _take_duties(self) -> None:
        try:
            await self._elected()
        except Exception:  # a duty that fails to start is retried by the next tick, not by a new election
            log.exception("the leader could not start all of its duties")

    def _heard(self, *_: object) -> None:
        self._woken()

    async def _lost(self, exc: BaseException) -> None:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if self._leading:
            self._leading = False
            log.warning("lost the leader's lock (%s); stepping down", reason)
            try:
                await self._deposed()
            except Exception:  # stepping down must finish: the lease has stopped the sender anyway
                log.exception("could not stop every duty while stepping down")
        else:
            log.debug("cannot take part in the election now (%s)", reason)
        await self._close()

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None or conn.is_closed():
            return
        try:
            await asyncio.wait_for(conn.close(), CONFIRM_TIMEOUT)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            conn.terminate()


def elect(url: str, elected: Duty, deposed: Duty, woken: Callable[[], None]) -> Leadership:
    """The election for this database: an advisory lock on PostgreSQL, the one process on SQLite."""
    if make_url(url).get_backend_name() == "postgresql":
        return AdvisoryLeader(url, elected, deposed, woken)
    return SoleLeader(elected, deposed)
