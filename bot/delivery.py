"""Sending what the outbox holds through Telegram, inside Telegram's limits, and acting on its answers.

Every owed message is a stored row before it is sent (``Store.enqueue``); this module sends due rows
concurrently and records each outcome. Pacing (``Pacer``) keeps to the published limits: about
``rate`` messages per second overall, one per second to a chat, twenty per minute to a group.
Telegram's answers decide what happens next:

- 429 ``RetryAfter``: every send pauses for ``retry_after`` seconds, then the message is sent again;
- timeouts, connection errors and 5xx: retried with exponential backoff, up to ``MAX_ATTEMPTS``;
- 403 (blocked, deactivated, kicked) and 400 "chat not found": the chat's subscription ends;
- ``ChatMigrated``: the subscription and owed rows move to the supergroup's id and it is resent there.

Outcomes are written in small batches (every ``FLUSH_EVERY`` seconds), so a crash can resend only the
messages sent in that last moment: the crash bound stated in README.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock
from bot.storage import Delivery, DeliveryState, Outcome, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
MAX_FLOOD_WAITS = 10
BACKOFF = timedelta(seconds=2)
FLUSH_EVERY = 0.2
HORIZON = timedelta(seconds=2)
PAGE = 1000
MARGIN = 0.97
SLACK = 0.1  # seconds added to each chat's and group's window
GONE_CHAT = ("chat not found", "user not found", "peer_id_invalid", "group chat was deactivated")


@dataclass(frozen=True)
class Limits:
    """Telegram's published flood limits (configurable: paid broadcasts allow up to 1,000/s)."""

    per_second: float = 30.0
    chat_interval: float = 1.0
    group_per_minute: int = 20
    in_flight: int = 64

    @property
    def interval(self) -> float:
        """Seconds between two sends at the paced rate, a little wider than the limit (``MARGIN``)."""
        return 1.0 / (self.per_second * MARGIN)


class Pacer:
    """The limits as arithmetic on the event loop's clock: when may the next message to a chat go?"""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._next_slot = 0.0
        self.paused_until = 0.0
        self._chat_free: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}

    def chat_ready(self, chat_id: int) -> float:
        """The earliest time this chat may get a message, from its own limits alone."""
        ready = self._chat_free.get(chat_id, 0.0)
        sends = self._group_sends.get(chat_id)
        if sends is not None and len(sends) >= self.limits.group_per_minute:
            ready = max(ready, sends[-self.limits.group_per_minute] + 60.0 + SLACK)
        return ready

    def reserve(self, chat_id: int, earliest: float, now: float) -> float:
        """Book the first moment at or after ``earliest`` that every limit allows, and return it.

        Never before ``now``: after a stall the sender resumes at the rate, it does not catch up in a
        burst. Slots are spaced a little wider than the limit (``MARGIN``), and a chat's (or group's)
        window is kept ``SLACK`` longer, because a request that leaves late can arrive closer to the next
        one than they were booked.
        """
        moment = max(earliest, now, self._next_slot, self.paused_until, self.chat_ready(chat_id))
        self._next_slot = moment + self.limits.interval
        self._chat_free[chat_id] = moment + self.limits.chat_interval + SLACK
        if chat_id < 0:
            sends = self._group_sends.setdefault(chat_id, deque(maxlen=self.limits.group_per_minute))
            sends.append(moment)
        return moment

    def pause(self, until: float) -> None:
        """Telegram said 429: nothing goes before ``until`` (it limits the bot, not one chat)."""
        self.paused_until = max(self.paused_until, until)


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    flood_waits: int = 0
    ended_chats: list[int] = field(default_factory=list)


class _Recorder:
    """Buffers outcomes and writes them in one transaction per batch: 1,000 rows/s cannot be 1,000 commits."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._buffer: list[Outcome] = []
        self.dispatched: set[int] = set()

    def add(self, outcome: Outcome) -> None:
        self._buffer.append(outcome)

    async def flush(self) -> None:
        batch, self._buffer = self._buffer, []
        if batch:
            await self._store.record(batch, self._clock.now())
            # a read that starts from now on sees these rows as written, so it need not skip over them
            self.dispatched.difference_update(outcome.id for outcome in batch)

    async def flush_until(self, stop: asyncio.Event) -> None:
        """Flush every ``FLUSH_EVERY`` seconds, and once more after ``stop``; never cancelled mid-write,
        because a cancelled write would lose the outcomes it had taken from the buffer."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), FLUSH_EVERY)
            await self.flush()
        await self.flush()  # outcomes added while the last write was under way


class SendMetrics(Protocol):
    """Where the sender reports each outcome and 429 (``bot.web.metrics``): called on the event loop in
    the middle of a broadcast, so it must be quick and must not raise."""

    def outcome(self, key: str, state: DeliveryState) -> None: ...

    def flood_wait(self) -> None: ...


class NoMetrics:
    """Counts nothing: a sender built without metrics (tests, benchmarks) behaves the same."""

    def outcome(self, key: str, state: DeliveryState) -> None:
        pass

    def flood_wait(self) -> None:
        pass


class Sender:
    """Drains due rows of the outbox; one drain at a time, so no row is sent twice by this process."""

    def __init__(
        self,
        store: Store,
        bot: Bot,
        clock: Clock,
        limits: Limits | None = None,
        metrics: SendMetrics | None = None,
        may_send: Callable[[], bool] = lambda: True,
    ) -> None:
        self._store = store
        self._may_send = may_send
        """Asked before every message: a replica that stopped leading stops sending (``bot.leadership``)."""
        self._bot = bot
        self._clock = clock
        self.metrics = metrics or NoMetrics()
        self.pacer = Pacer(limits or Limits())
        self._lock = asyncio.Lock()

    async def drain(self) -> DrainReport:
        """Send every row due now or within ``HORIZON``, each no earlier than its own ``due_at``."""
        report = DrainReport()
        async with self._lock:
            recorder = _Recorder(self._store, self._clock)
            stop = asyncio.Event()
            flusher = asyncio.create_task(recorder.flush_until(stop))
            try:
                async with asyncio.TaskGroup() as sends:
                    slots = asyncio.Semaphore(self.pacer.limits.in_flight)
                    while self._may_send() and (rows := await self._next_page(recorder)):
                        await self._dispatch(rows, recorder, report, sends, slots)
            finally:
                stop.set()
                await asyncio.shield(flusher)
        return report

    async def _next_page(self, recorder: _Recorder) -> list[Delivery]:
        """Due rows not yet handed out by this drain, unless their outcome was written before the read.

        The set to skip is copied before the read: a batch of outcomes written while the read is under
        way leaves ``dispatched``, yet the read may have seen those rows still pending; filtered by the
        live set, that whole batch would be sent a second time.
        """
        skip = frozenset(recorder.dispatched)
        rows = await self._store.pending(self._clock.now() + HORIZON, limit=PAGE + len(skip))
        return [r for r in rows if r.id not in skip][:PAGE]

    async def _dispatch(
        self,
        rows: list[Delivery],
        recorder: _Recorder,
        report: DrainReport,
        sends: asyncio.TaskGroup,
        slots: asyncio.Semaphore,
    ) -> None:
        """Release rows in the order their limits allow, so one busy chat never holds up the rest."""
        loop = asyncio.get_running_loop()
        order = itertools.count()
        queue: list[tuple[float, int, Delivery]] = []
        for row in rows:
            recorder.dispatched.add(row.id)
            due = loop.time() + max((row.due_at - self._clock.now()).total_seconds(), 0.0)
            heapq.heappush(queue, (max(due, self.pacer.chat_ready(row.chat_id)), next(order), row))
        while queue:
            if not self._may_send():
                log.warning("no longer the leader: %d messages of this page left to the next one", len(queue))
                return
            ready, _, row = heapq.heappop(queue)
            if self.pacer.chat_ready(row.chat_id) > ready:
                heapq.heappush(queue, (self.pacer.chat_ready(row.chat_id), next(order), row))
                continue
            moment = self.pacer.reserve(row.chat_id, ready, loop.time())
            await asyncio.sleep(max(moment - loop.time(), 0.0))
            await slots.acquire()
            if not self._may_send():  # deposed while waiting for the slot: the row stays owed
                slots.release()
                return
            sends.create_task(self._deliver(row, recorder, report, slots))

    async def _deliver(
        self, delivery: Delivery, recorder: _Recorder, report: DrainReport, slots: asyncio.Semaphore
    ) -> None:
        try:
            outcome = await self._attempt(delivery, report)
        finally:
            slots.release()
        recorder.add(outcome)
        self.metrics.outcome(delivery.key, outcome.state)

    async def _attempt(self, delivery: Delivery, report: DrainReport) -> Outcome:
        loop = asyncio.get_running_loop()
        chat_id = delivery.chat_id
        for _ in range(MAX_FLOOD_WAITS):
            await asyncio.sleep(max(self.pacer.paused_until - loop.time(), 0.0))
            try:
                await self._send(chat_id, delivery)
            except RetryAfter as exc:
                wait = (
                    exc.retry_after
                    if isinstance(exc.retry_after, int | float)
                    else exc.retry_after.total_seconds()
                )
                log.warning("Telegram asked to wait %s s (flood control); pausing all sends", wait)
                self.pacer.pause(loop.time() + float(wait))
                report.flood_waits += 1
                self.metrics.flood_wait()
                continue
            except ChatMigrated as exc:
                log.info("chat %s became supergroup %s; moving its subscription", chat_id, exc.new_chat_id)
                await self._store.migrate_chat(chat_id, exc.new_chat_id, self._clock.now())
                chat_id = exc.new_chat_id
                continue
            except Forbidden as exc:
                return await self._end_chat(delivery, report, str(exc))
            except BadRequest as exc:
                if any(marker in str(exc).lower() for marker in GONE_CHAT):
                    return await self._end_chat(delivery, report, str(exc))
                log.error("Telegram refused a message to %s: %s", chat_id, exc)
                report.failed += 1
                return Outcome(delivery.id, DeliveryState.FAILED, str(exc))
            except (NetworkError, TelegramError) as exc:
                return self._retry(delivery, report, str(exc))
            report.sent += 1
            return Outcome(delivery.id, DeliveryState.SENT)
        return self._retry(delivery, report, "flood control kept refusing")

    async def _send(self, chat_id: int, delivery: Delivery) -> None:
        """The row's text, with its buttons if it has any, silently if quiet hours said so."""
        markup = (
            InlineKeyboardMarkup.de_json(json.loads(delivery.markup), self._bot) if delivery.markup else None
        )
        await self._bot.send_message(
            chat_id,
            delivery.text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=markup,
            disable_notification=delivery.silent,
        )

    def _retry(self, delivery: Delivery, report: DrainReport, error: str) -> Outcome:
        if delivery.attempts + 1 >= MAX_ATTEMPTS:
            log.error(
                "giving up on a message to %s after %d attempts: %s", delivery.chat_id, MAX_ATTEMPTS, error
            )
            report.failed += 1
            return Outcome(delivery.id, DeliveryState.FAILED, error)
        report.retried += 1
        retry_at = self._clock.now() + BACKOFF * 2**delivery.attempts
        return Outcome(delivery.id, DeliveryState.PENDING, error, retry_at)

    async def _end_chat(self, delivery: Delivery, report: DrainReport, error: str) -> Outcome:
        log.info("chat %s is gone (%s); ending its subscription", delivery.chat_id, error)
        await self._store.unsubscribe(delivery.chat_id, self._clock.now(), reason=error)
        report.failed += 1
        report.ended_chats.append(delivery.chat_id)
        return Outcome(delivery.id, DeliveryState.FAILED, error)
