"""What happens when the alarm rings: owed alerts become outbox rows, then the outbox is drained.

The scheduler is only an alarm clock. Whether an alert is owed to a chat is decided here from stored
facts, so a restart, a missed wake-up or a late start cannot lose or double an alert:

- an alert is owed to a chat that subscribed at or before the alert's moment, while the alert has not
  expired (``alerts.PlannedAlert.expires``); one sent later than its moment is marked late in its text;
- a change of an event's confirmations, lifecycle, dates or place (or a new event) becomes one note
  per subscriber, keyed by the new state, so it is sent once even if the bot restarts meanwhile;
- of several owed alerts of one event that a chat never got (the bot was down), only the latest is
  sent; the older ones are recorded as skipped, so a restart does not send a burst of stale reminders.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import alerts, wording
from bot.alerts import AlertKind, PlannedAlert
from bot.catalog import LiveCatalog
from bot.changes import ChangeItem, ChangeKind, Snapshot, change_key, diff
from bot.clock import Clock
from bot.delivery import DrainReport, Sender
from bot.events import Catalog, Event, format_lead, parse_lead
from bot.store import DeliveryState, NewDelivery, Store, Subscriber

log = logging.getLogger(__name__)

ZERO = timedelta(0)
HEAD_START = timedelta(seconds=1)
FINISH_EARLY = timedelta(seconds=0.5)  # the last row falls due this much before the moment: HTTP takes time
PREPARE = timedelta(seconds=60)  # rows are written this long before the first of them falls due


def owed_deliveries(
    due: Iterable[PlannedAlert], subscribers: Iterable[Subscriber], now: datetime, spacing: timedelta = ZERO
) -> list[NewDelivery]:
    """The pure rule above: (due alerts, subscribers, now) → rows to write.

    An alert's rows fall due ``spacing`` apart and the last one at the alert's moment, so a broadcast
    paced at the send rate reaches its last reader on time instead of minutes late.
    """
    rows = list(_owed(due, subscribers, now))
    counts = Counter(row.key for row in rows if row.state is DeliveryState.PENDING)
    seen: Counter[str] = Counter()
    for i, row in enumerate(rows):
        if row.state is DeliveryState.PENDING:
            seen[row.key] += 1
            shift = spacing * (counts[row.key] - seen[row.key]) + (FINISH_EARLY if spacing else ZERO)
            rows[i] = replace(row, due_at=row.due_at - shift)
    return rows


def wanted(alert: PlannedAlert, chosen: tuple[str, ...] | None) -> bool:
    """Whether a chat that chose these lead times (``/reminders``) wants this alert.

    Month and window notes are not lead times, so every chat gets them; the "today" note stands in
    for the lead times shorter than a day, so it goes to chats that chose one of those.
    """
    if chosen is None:
        return True
    if alert.kind is AlertKind.LEAD:
        return alert.lead is not None and format_lead(alert.lead) in chosen
    if alert.kind is AlertKind.TODAY:
        return any(parse_lead(lead) < timedelta(days=1) for lead in chosen)
    return True


def _owed(
    due: Iterable[PlannedAlert], subscribers: Iterable[Subscriber], now: datetime
) -> Iterator[NewDelivery]:
    by_event: dict[str, list[PlannedAlert]] = defaultdict(list)
    for alert in due:
        by_event[alert.event.id].append(alert)
    texts: dict[tuple[str, str | None], str] = {}
    for sub in subscribers:
        for group in by_event.values():
            eligible = sorted(
                (a for a in group if sub.subscribed_at <= a.moment and wanted(a, sub.reminders)),
                key=lambda a: a.moment,
            )
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


def _note(event: Event, items: list[ChangeItem], zone: str | None) -> str:
    return wording.change_note_html(event, items, ZoneInfo(zone) if zone else None)


class Notifier:
    def __init__(self, catalog: LiveCatalog, store: Store, sender: Sender, clock: Clock) -> None:
        self._catalog = catalog
        self._store = store
        self._sender = sender
        self._clock = clock
        self._lock = asyncio.Lock()
        self._fanned_out: set[str] = set()
        self._fanned_at: dict[str, datetime] = {}
        self._announced: Catalog | None = None

    async def _announce_changes(self, now: datetime) -> None:
        """Tell every subscriber what changed in the file since they were last told, once per change.

        The first run over an empty store only records the file as it is: there is nothing to compare.
        """
        catalog = self._catalog.current
        stored = await self._store.event_states()
        changed: dict[str, str] = {}
        notes: list[tuple[Event, list[ChangeItem]]] = []
        for event in catalog:
            snapshot = Snapshot.of(event)
            before = stored.get(event.id)
            if before == snapshot.to_json():
                continue
            changed[event.id] = snapshot.to_json()
            if before is not None:
                items = diff(Snapshot.from_json(before), event)
            elif stored and event.is_active and now < event.when.end:
                items = [ChangeItem(ChangeKind.ADDED, None, None)]
            else:
                items = []
            if items:
                notes.append((event, items))
        if notes:
            subscribers = await self._store.subscribers()
            rows = [
                NewDelivery(change_key(event), sub.chat_id, _note(event, items, sub.timezone), now)
                for event, items in notes
                for sub in subscribers
            ]
            written = await self._store.enqueue(rows, now)
            log.info("%d event(s) changed; %d note(s) written to the outbox", len(notes), written)
        if changed:
            await self._store.save_event_states(changed, now)
        self._announced = catalog

    async def tick(self) -> DrainReport:
        """Write every owed note and alert, then send what is due; safe to call at any time, repeatedly.

        The sending happens outside this method's lock: a long broadcast must not hold up the writing
        of the next alert, which the running drain then picks up.
        """
        async with self._lock:
            now = self._clock.now()
            if self._announced is not self._catalog.current:
                await self._announce_changes(now)
            await self._fan_out(now)
        return await self._sender.drain()

    async def _fan_out(self, now: datetime) -> None:
        head_start = await self._head_start()
        due = [
            a
            for a in alerts.plan(self._catalog.current)
            if a.moment - head_start - PREPARE <= now < a.expires and a.key not in self._fanned_out
        ]
        if not due:
            return
        # an alert written before its moment is written again for chats that subscribe meanwhile;
        # only those are read, not the whole audience again
        seen = [self._fanned_at.get(a.key) for a in due]
        since = None if None in seen else min(s for s in seen if s is not None)
        subscribers = await self._store.subscribers(since=since)
        written = await self._store.enqueue(owed_deliveries(due, subscribers, now, self._spacing), now)
        for alert in due:
            self._fanned_at[alert.key] = now
            if alert.moment <= now:
                self._fanned_out.add(alert.key)
        log.info("%d alert(s) due; %d message(s) written to the outbox", len(due), written)

    @property
    def _spacing(self) -> timedelta:
        return timedelta(seconds=self._sender.pacer.limits.interval)

    async def _head_start(self) -> timedelta:
        """How long before its moment a broadcast must begin to reach every subscriber by then."""
        return self._spacing * await self._store.count_subscribers() + HEAD_START + FINISH_EARLY

    async def next_wake(self) -> datetime | None:
        """The next moment something becomes owed or due: the next alert, or a retry waiting in the outbox."""
        now = self._clock.now()
        head_start = await self._head_start()
        starts = (a.moment - head_start - PREPARE for a in alerts.plan(self._catalog.current))
        moments = [min((s for s in starts if s > now), default=None), await self._store.next_due()]
        return min((m for m in moments if m is not None), default=None)
