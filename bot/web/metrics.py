"""What Prometheus scrapes from ``/metrics``: messages sent and failed, 429s, the outbox, update latency.

Every metric lives in the registry given here, built by the composition root, never in the library's
global one: two bots in one process (the tests start many) would otherwise collide on the same names.
Message kinds come from outbox keys (``bot.notifier.alert_event``, ``bot.changes.note_key``), a fixed
set of labels whatever the events file holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from telegram.ext import Application

from bot.alerts import AlertKind
from bot.notifier import alert_event
from bot.storage import DeliveryState

NOTE = "note"
OTHER = "other"
KINDS = (*(kind.value for kind in AlertKind), NOTE, OTHER)
UPDATE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def message_kind(key: str) -> str:
    """``lead``, ``today``, ``month``, ``window`` for alerts, ``note`` for status notes, else ``other``."""
    if alert_event(key) is not None:
        return key.split("/")[1]
    if key.startswith("change/"):
        return NOTE
    return OTHER


class Metrics:
    """The bot's metrics in one registry; also what ``Sender`` reports to (``bot.delivery.SendMetrics``)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.sent = Counter(
            "summitbot_messages_sent",
            "Messages Telegram accepted, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.failed = Counter(
            "summitbot_messages_failed",
            "Messages given up on (refused, chat gone, or out of attempts), by kind",
            ["kind"],
            registry=self.registry,
        )
        for kind in KINDS:  # every series exists from the start, so a rate over it is never empty
            self.sent.labels(kind)
            self.failed.labels(kind)
        self.flood_waits = Counter(
            "summitbot_telegram_429_responses",
            "Flood-control answers (429 Too Many Requests)",
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "summitbot_outbox_pending", "Messages still owed in the outbox", registry=self.registry
        )
        self.update_seconds = Histogram(
            "summitbot_update_seconds",
            "Time to handle one Telegram update, all handlers included",
            buckets=UPDATE_BUCKETS,
            registry=self.registry,
        )
        self.leader = Gauge(
            "summitbot_leader", "1 while this replica is the leader, else 0", registry=self.registry
        )
        self.last_tick = Gauge(
            "summitbot_last_tick_timestamp_seconds",
            "When the notifier last finished writing what was owed (Unix time)",
            registry=self.registry,
        )
        ProcessCollector(registry=self.registry)

    def outcome(self, key: str, state: DeliveryState) -> None:
        if state is DeliveryState.SENT:
            self.sent.labels(message_kind(key)).inc()
        elif state is DeliveryState.FAILED:
            self.failed.labels(message_kind(key)).inc()

    def flood_wait(self) -> None:
        self.flood_waits.inc()


class TimedApplication(Application[Any, Any, Any, Any, Any, Any]):
    """python-telegram-bot's Application, timing each update from the first handler to the last.

    ``process_update`` is where every update passes, polled or pushed by a webhook, and it returns only
    when every handler group is done (or raised), which a pair of handlers at both ends cannot promise.
    """

    __slots__ = ("_observe",)

    def __init__(self, observe: Callable[[float], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._observe = observe

    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            self._observe(time.perf_counter() - started)
