"""What happens when the alarm rings: owed alerts become outbox rows, then the outbox is drained.

The scheduler is only an alarm clock. Whether an alert is owed to a chat is decided here from stored
facts, so a restart, a missed wake-up or a late start cannot lose or double an alert:

- an alert is owed to a chat that subscribed at or before the alert's moment, while the alert has not
  expired (``alerts.PlannedAlert.expires``); one sent later than its moment is marked late in its text;
- of several owed alerts of one event that a chat never got (the bot was down), only the latest is
  sent; the older ones are recorded as skipped, so a restart does not send a burst of stale reminders.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import alerts, wording
from bot.alerts import PlannedAlert
from bot.catalog import LiveCatalog
from bot.clock import Clock
from bot.delivery import DrainReport, Sender
from bot.store import DeliveryState, NewDelivery, Store, Subscriber

log = logging.getLogger(__name__)


def owed_deliveries(
    due: Iterable[PlannedAlert], subscribers: Iterable[Subscriber], now: datetime
) -> Iterator[NewDelivery]:
    """The pure rule above: (due alerts, subscribers, now) → rows to write."""
    by_event: dict[str, list[PlannedAlert]] = defaultdict(list)
    for alert in due:
        by_event[alert.event.id].append(alert)
    texts: dict[tuple[str, str | None], str] = {}
    for sub in subscribers:
        for group in by_event.values():
            eligible = sorted((a for a in group if sub.subscribed_at <= a.moment), key=lambda a: a.moment)
            if not eligible:
                continue
            *older, latest = eligible
            for alert in older:
                yield NewDelivery(alert.key, sub.chat_id, "", alert.moment, DeliveryState.SKIPPED)
            cache_key = (latest.key, sub.timezone)
            if cache_key not in texts:
                zone = ZoneInfo(sub.timezone) if sub.timezone else None
                texts[cache_key] = wording.alert_html(latest, now, zone)
            yield NewDelivery(latest.key, sub.chat_id, texts[cache_key], latest.moment)


class Notifier:
    def __init__(self, catalog: LiveCatalog, store: Store, sender: Sender, clock: Clock) -> None:
        self._catalog = catalog
        self._store = store
        self._sender = sender
        self._clock = clock
        self._lock = asyncio.Lock()
        self._fanned_out: set[str] = set()

    async def tick(self) -> DrainReport:
        """Write every owed alert, then send what is due. Safe to call at any time, any number of times."""
        async with self._lock:
            now = self._clock.now()
            due = [
                a
                for a in alerts.due(alerts.plan(self._catalog.current), now)
                if a.key not in self._fanned_out
            ]
            if due:
                subscribers = await self._store.subscribers()
                written = await self._store.enqueue(owed_deliveries(due, subscribers, now), now)
                self._fanned_out.update(a.key for a in due)
                log.info("%d alert(s) due; %d message(s) written to the outbox", len(due), written)
            return await self._sender.drain()

    async def next_wake(self) -> datetime | None:
        """The next moment something becomes owed or due: the next alert, or a retry waiting in the outbox."""
        now = self._clock.now()
        moments = [alerts.next_moment(alerts.plan(self._catalog.current), now), await self._store.next_due()]
        return min((m for m in moments if m is not None), default=None)
