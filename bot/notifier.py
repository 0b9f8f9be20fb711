"""What happens when the alarm rings: owed notes and alerts become outbox rows, then the outbox is drained.

The scheduler is only an alarm clock. Whether a message is owed to a chat is decided here from stored
facts, so a restart, a missed wake-up or a late start cannot lose or double one:

- an alert is owed to a chat that subscribed at or before the alert's moment, while the alert has not
  expired (``alerts.PlannedAlert.expires``); one sent later than its moment is marked late in its text;
- a change of an event's confirmations, lifecycle, dates or place (or a new event) is the event's next
  numbered note (``bot.changes``); each chat hears the difference between what it was actually told
  and the event now, and waiting notes a newer state made untrue are skipped, never sent;
- an edit that would send notes about a large share of the calendar at once is held until an operator
  sends ``/release`` (or dropped when the file changes back);
- of several owed alerts of one event that a chat never got (the bot was down), only the latest is
  sent; the older ones are recorded as skipped, so a restart does not send a burst of stale reminders;
  an alert whose moment passed before a note told the chat the event's new date is skipped too;
- waiting alerts for a date that moved, or of an event called off or gone from the file, are skipped;
- one event that cannot be planned, worded or written is logged and skipped; the others go out.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot import alerts, changes, quiet, snooze
from bot.alerts import AlertKind, PlannedAlert
from bot.catalog import LiveCatalog
from bot.changes import DATED, ChangeItem, ChatNotes, EventChange, Snapshot, Told, note_key, note_number
from bot.clock import Clock
from bot.delivery import DrainReport, Sender
from bot.events import Catalog, Event, Government, format_lead, parse_lead
from bot.storage import DeliveryState, NewDelivery, NoteRow, NoteWriter, Store, Subscriber, ToldState
from bot.wording import notices
from bot.wording.language import Language, language

log = logging.getLogger(__name__)

ZERO = timedelta(0)
HEAD_START = timedelta(seconds=1)
FINISH_EARLY = timedelta(seconds=0.5)  # the last row falls due this much before the moment: HTTP takes time
PREPARE = timedelta(seconds=60)  # rows are written this long before the first of them falls due
LAST_LOOK = HEAD_START  # before an alert's moment, chats that subscribed since it was written are added
REMIND = timedelta(minutes=10)  # a failure or a held edit that persists is logged again this often

AlertText = Callable[[PlannedAlert, datetime, Language, ZoneInfo | None], str]
NoteText = Callable[[Event, Sequence[ChangeItem], Iterable[Government], Language, ZoneInfo | None], str]
Buttons = Callable[[Event, datetime, datetime, Language, ZoneInfo | None], str | None]
_ALERT_KINDS = frozenset(kind.value for kind in AlertKind)


@dataclass(frozen=True)
class Renderer:
    """How alerts and notes are worded: a dependency, so one event that cannot be worded is testable."""

    alert: AlertText = notices.alert_html
    note: NoteText = notices.change_note_html
    buttons: Buttons = snooze.markup


@cache
def reader_zone(name: str | None) -> ZoneInfo | None:
    """A chat's chosen zone; one this machine's tzdata no longer knows falls back to the event's zone."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        log.warning("unknown time zone %r stored for a chat; its messages use the event's zone", name)
        return None


def can_wait(alert: PlannedAlert) -> bool:
    """A reminder a day or more ahead may wait for the end of quiet hours (``bot.quiet``)."""
    return alert.kind is AlertKind.LEAD and alert.lead is not None and alert.lead >= timedelta(days=1)


def timed(row: NewDelivery, sub: Subscriber, event: Event, waits: bool) -> NewDelivery:
    """The row as the chat's quiet hours have it: on time, held for the digest, or silent."""
    when = quiet.timing(
        quiet.parse(sub.quiet), reader_zone(sub.timezone), row.due_at, event.when.earliest, waits
    )
    if when.held:
        return replace(row, due_at=when.due, state=DeliveryState.HELD, markup=None)
    return replace(row, silent=when.silent)


def alert_event(key: str) -> str | None:
    """The event id in an alert's outbox key (``<event>/<kind>/<lead>/<moment>``), None for other keys."""
    parts = key.split("/")
    return parts[0] if len(parts) == 4 and parts[1] in _ALERT_KINDS else None


class FanOut:
    """The rows that due alerts owe, a page of subscribers at a time: pure once the pages are read.

    An alert's rows fall due ``spacing`` apart and the last one at the alert's moment, so a broadcast
    paced at the send rate reaches its last reader on time instead of minutes late. That needs each
    alert's number of rows before the first is written, so the subscribers are read twice: ``prepare``
    counts (and words, so a text that cannot be worded fails before anything is written), ``rows``
    makes the rows. Memory holds one page, the counts and one text per alert, zone and language.
    """

    def __init__(
        self,
        due: Iterable[PlannedAlert],
        now: datetime,
        spacing: timedelta,
        render: AlertText,
        buttons: Buttons | None = None,
    ) -> None:
        self._by_event: dict[str, list[PlannedAlert]] = defaultdict(list)
        for alert in due:
            self._by_event[alert.event.id].append(alert)
        self._now, self._spacing, self._render = now, spacing, render
        self._total: Counter[str] = Counter()
        self._given: Counter[str] = Counter()
        self._texts: dict[tuple[str, str | None, str | None], str] = {}
        self._buttons = buttons
        self._markups: dict[tuple[str, str | None, str | None], str | None] = {}

    def _owed(self, sub: Subscriber) -> Iterator[tuple[list[PlannedAlert], PlannedAlert]]:
        """Per event: the older alerts this chat missed, and the latest one, which it gets."""
        for group in self._by_event.values():
            eligible = sorted(
                (a for a in group if sub.subscribed_at <= a.moment and wanted(a, sub.reminders)),
                key=lambda a: a.moment,
            )
            if eligible:
                *older, latest = eligible
                yield older, latest

    def _text(self, alert: PlannedAlert, sub: Subscriber) -> str:
        key = (alert.key, sub.timezone, sub.language)
        if key not in self._texts:
            lang, zone = language(sub.language), reader_zone(sub.timezone)
            self._texts[key] = self._render(alert, self._now, lang, zone)
        return self._texts[key]

    def _markup(self, alert: PlannedAlert, sub: Subscriber) -> str | None:
        if self._buttons is None:
            return None
        key = (alert.key, sub.timezone, sub.language)
        if key not in self._markups:
            lang, zone = language(sub.language), reader_zone(sub.timezone)
            self._markups[key] = self._buttons(alert.event, alert.moment, self._now, lang, zone)
        return self._markups[key]

    def prepare(self, page: Iterable[Subscriber]) -> None:
        for sub in page:
            for _, latest in self._owed(sub):
                self._total[latest.key] += 1
                self._text(latest, sub)

    def rows(self, page: Iterable[Subscriber]) -> list[NewDelivery]:
        rows: list[NewDelivery] = []
        for sub in page:
            for older, latest in self._owed(sub):
                rows += [NewDelivery(a.key, sub.chat_id, "", a.moment, DeliveryState.SKIPPED) for a in older]
                self._given[latest.key] += 1
                later = max(self._total[latest.key] - self._given[latest.key], 0)  # a chat new since prepare
                shift = self._spacing * later + (FINISH_EARLY if self._spacing else ZERO)
                row = NewDelivery(
                    latest.key,
                    sub.chat_id,
                    self._text(latest, sub),
                    latest.moment - shift,
                    markup=self._markup(latest, sub),
                )
                rows.append(timed(row, sub, latest.event, can_wait(latest)))
        return rows


def owed_deliveries(
    due: Iterable[PlannedAlert],
    subscribers: Iterable[Subscriber],
    now: datetime,
    spacing: timedelta = ZERO,
    render: AlertText = notices.alert_html,
) -> list[NewDelivery]:
    """The pure rule above: (due alerts, subscribers, now) → rows to write, as one page."""
    page = list(subscribers)
    fan_out = FanOut(due, now, spacing, render)
    fan_out.prepare(page)
    return fan_out.rows(page)


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


class Failures:
    """One thing that fails (an event's alerts, its note) is skipped and logged, without a log storm.

    The traceback is logged once per distinct failure; while the same failure repeats on every tick,
    one line at most every ``REMIND``. When it works again, that is logged too.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._logged: dict[str, tuple[str, datetime]] = {}

    def failed(self, what: str, exc: Exception) -> None:
        # the first line only: a database error goes on with the statement's values, which vary
        first_line = next(iter(str(exc).splitlines()), "")
        now, signature = self._clock.now(), f"{type(exc).__name__}: {first_line}"
        last = self._logged.get(what)
        if last is None or last[0] != signature:
            log.error("%s failed and is skipped; everything else goes on", what, exc_info=exc)
        elif now - last[1] >= REMIND:
            log.error("%s still fails (%s) and is skipped", what, signature)
        else:
            return
        self._logged[what] = (signature, now)

    def succeeded(self, what: str) -> None:
        if self._logged.pop(what, None) is not None:
            log.info("%s works again", what)


def _told(state: ToldState) -> Told:
    history = {n: Snapshot.from_json(s) if s is not None else None for n, s in state.history.items()}
    return Told(state.seq, history, state.removed)


def _chat_notes(event_id: str, rows: Iterable[NoteRow]) -> dict[int, ChatNotes]:
    written: dict[int, set[int]] = defaultdict(set)
    sent: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        seq = note_number(row.key, event_id)
        if seq is None:
            continue
        written[row.chat_id].add(seq)
        if row.state is DeliveryState.SENT:
            sent[row.chat_id].add(seq)
    return {chat: ChatNotes(frozenset(seqs), frozenset(sent[chat])) for chat, seqs in written.items()}


class Notifier:
    def __init__(
        self,
        catalog: LiveCatalog,
        store: Store,
        sender: Sender,
        clock: Clock,
        render: Renderer | None = None,
        on_tick: Callable[[datetime], None] | None = None,
    ) -> None:
        self._catalog = catalog
        self._on_tick = on_tick
        self._store = store
        self._sender = sender
        self._clock = clock
        self.render = render or Renderer()
        self._lock = asyncio.Lock()
        self._failures = Failures(clock)
        self._fanned_out: set[str] = set()
        self._fanned_at: dict[str, datetime] = {}
        self._announced: Catalog | None = None
        self._held: frozenset[str] = frozenset()
        self._held_logged: tuple[str, datetime] | None = None
        self._planned: tuple[Catalog, list[PlannedAlert], frozenset[str]] | None = None

    async def tick(self) -> DrainReport:
        """Write every owed note and alert, then send what is due; safe to call at any time, repeatedly.

        The sending happens outside this method's lock: a long broadcast must not hold up the writing
        of the next alert, which the running drain then picks up. Changes are looked at again on every
        tick until all of them went out (none held, none failing).

        ``on_tick`` hears the moment once everything owed is written (``/healthz``): before the drain, so
        a broadcast that takes minutes does not make a working notifier look stuck.
        """
        async with self._lock:
            now = self._clock.now()
            catalog = self._catalog.current
            if self._announced is not catalog:
                try:
                    done = await self._announce_changes(catalog, now)
                except Exception as exc:  # the alerts below must go out whatever went wrong here
                    self._failures.failed("announcing the changes of the events file", exc)
                else:
                    self._failures.succeeded("announcing the changes of the events file")
                    if done:
                        self._announced = catalog
            await self._fan_out(now)
            try:
                await self._digests(now)
            except Exception as exc:  # the owed alerts must go out whatever went wrong here
                self._failures.failed("the digests after quiet hours", exc)
            else:
                self._failures.succeeded("the digests after quiet hours")
        if self._on_tick is not None:
            self._on_tick(self._clock.now())
        return await self._sender.drain()

    # ------------------------------------------------------------ status notes

    async def _announce_changes(self, catalog: Catalog, now: datetime) -> bool:
        """Tell every subscriber what changed since it was last told; True when all of it is done.

        The first run over an empty store only records the file as it is: there is nothing to compare.
        """
        stored = await self._store.told_states()
        if not stored:
            await self._store.save_first_states({e.id: Snapshot.of(e).to_json() for e in catalog}, now)
            return True
        told = {event_id: _told(state) for event_id, state in stored.items()}
        proposal = changes.propose(catalog, told, now)
        if await self._held_back(proposal, told, now):
            return False
        planned, _ = self._plan()
        done, notes = True, 0
        for change in proposal:
            what = f"the status note of {change.event_id}"
            try:
                written = await self._announce(change, planned, now)
            except Exception as exc:  # one event's note must not stop the others'
                self._failures.failed(what, exc)
                done = False
                continue
            self._failures.succeeded(what)
            if written is None:
                log.info("%s was announced by another process meanwhile; looking again", change.event_id)
                done = False
            else:
                notes += written
        if proposal:
            log.info("%d event(s) changed; %d note(s) written to the outbox", len(proposal), notes)
        await self._drop_stale_alerts()
        return done

    async def _held_back(
        self,
        proposal: Sequence[EventChange],
        told: Mapping[str, Told],
        now: datetime,
    ) -> bool:
        """Hold an edit that would send notes about too many events at once (README: mass edits)."""
        noted = sum(1 for change in proposal if change.noted)
        limit = changes.hold_limit(sum(1 for state in told.values() if not state.removed))
        chats = await self._store.count_subscribers() if noted > limit else 0
        if chats:
            digest = changes.proposal_digest(proposal)
            if not await self._store.is_released(digest):
                await self._store.hold(digest, noted, chats, now)
                self._held = frozenset(change.event_id for change in proposal)
                self._log_held(digest, noted, limit, chats, now)
                return True
            log.warning("held edit released: notes about %d events go to %d chats", noted, chats)
        else:
            dropped = await self._store.drop_held(now)
            if dropped is not None:
                log.warning(
                    "the held edit of the events file is no longer in the file: its notes about %d events "
                    "are dropped, none of them was sent",
                    dropped.events,
                )
        self._held, self._held_logged = frozenset(), None
        return False

    def _log_held(self, digest: str, noted: int, limit: int, chats: int, now: datetime) -> None:
        if self._held_logged is None or self._held_logged[0] != digest:
            log.warning(
                "held an edit of the events file: it would send notes about %d events at once (more than "
                "%d) to each of %d subscribed chats, so none was sent and the alerts of the events it "
                "changes wait too. An operator (SUMMITBOT_ADMINS) sends them with /release; putting the "
                "previous file back drops them.",
                noted,
                limit,
                chats,
            )
        elif now - self._held_logged[1] >= REMIND:
            log.warning(
                "an edit of the events file is still held (notes about %d events): /release sends them, "
                "putting the previous file back drops them",
                noted,
            )
        else:
            return
        self._held_logged = (digest, now)

    async def _announce(
        self, change: EventChange, planned: Sequence[PlannedAlert], now: datetime
    ) -> int | None:
        """One event's next note, in one transaction with skipping what it supersedes; how many chats are
        owed it, or None when another process announced this event since its told state was read.

        The subscribers are read a page at a time inside that transaction, with each page's own notes.
        """
        told = change.told
        earlier = [note_key(change.event_id, n) for n in range(1, told.number + 1)]
        event = change.event
        if event is None:
            await self._store.mark_removed(change.event_id, earlier, now)
            return 0
        snapshot = Snapshot.of(event).to_json()
        number = changes.announce(event, told, {}, (), now).number  # without any chat owed a note
        key = note_key(event.id, told.number + 1)  # the only number a chat can be owed
        # a reminder whose moment passed before the note gave the new date would only repeat it, late
        passed = [a for a in planned if a.event.id == event.id and a.moment <= now < a.expires]
        texts: dict[tuple[tuple[ChangeItem, ...], str | None, str | None], str] = {}
        governments = tuple(self._catalog.current.governments.values())
        owed = 0
        async with self._store.announcing(event.id, snapshot, now) as writer:
            if writer.seq != told.number:
                return None
            async for page in writer.subscribers(event_id=event.id):
                ids = [sub.chat_id for sub in page]
                notes = _chat_notes(event.id, await writer.notes(ids, earlier))
                told_page = changes.announce(event, told, notes, ids, now)
                number = max(number, told_page.number)
                deliveries: list[NewDelivery] = []
                for sub in page:
                    items = told_page.owed.get(sub.chat_id)
                    if not items:
                        continue
                    cache_key = (items, sub.timezone, sub.language)
                    if cache_key not in texts:
                        texts[cache_key] = self.render.note(
                            event, items, governments, language(sub.language), reader_zone(sub.timezone)
                        )
                    deliveries.append(
                        timed(NewDelivery(key, sub.chat_id, texts[cache_key], now), sub, event, True)
                    )
                    if any(item.kind in DATED for item in items):
                        skipped = DeliveryState.SKIPPED
                        deliveries += [NewDelivery(a.key, sub.chat_id, "", a.moment, skipped) for a in passed]
                owed += len(told_page.owed)
                await writer.write(deliveries)
            await self._reword_waiting_alerts(writer, event, planned, now)
            await writer.told(number, snapshot, earlier if number != told.number else ())
        return owed

    async def _reword_waiting_alerts(
        self, writer: NoteWriter, event: Event, planned: Sequence[PlannedAlert], now: datetime
    ) -> None:
        """Alerts already written for this event's current dates, worded anew: after a note says
        "Confirmed" or "Mumbai", a reminder that goes out next must not say otherwise. One text per
        alert, zone and language among the rows still waiting, each set by one UPDATE."""
        by_key = {a.key: a for a in planned if a.event.id == event.id}
        for reader in await writer.waiting_readers(list(by_key)):
            text = self.render.alert(
                by_key[reader.key], now, language(reader.language), reader_zone(reader.timezone)
            )
            await writer.reword(reader, text)
        snoozed = {
            key: parsed[1]
            for key in await writer.waiting_keys(f"{snooze.SNOOZE}{event.id}/")
            if (parsed := snooze.parse(key)) is not None and parsed[0] == event.id
        }
        for reader in await writer.waiting_readers(list(snoozed)):
            text = notices.snoozed_html(
                event, snoozed[reader.key], language(reader.language), reader_zone(reader.timezone)
            )
            await writer.reword(reader, text)

    async def _drop_stale_alerts(self) -> None:
        """Waiting alert rows whose alert is no longer planned (the date moved, the event was called off
        or left the file, its lead time was removed) are skipped: they would say something untrue. So
        are reminders a chat snoozed to a moment the event may no longer come after."""
        planned, failed = self._plan()
        keep = {a.key for a in planned}
        catalog = self._catalog.current
        stale = []
        for key in await self._store.pending_keys():
            if (event_id := alert_event(key)) is not None:
                if event_id not in failed and key not in keep:
                    stale.append(key)
            elif (snoozed := snooze.parse(key)) is not None and not snooze.still_true(
                catalog.get(snoozed[0]), snoozed[1]
            ):
                stale.append(key)
        if stale:
            skipped = await self._store.skip_pending(stale, "no longer planned: the event changed")
            log.info(
                "%d waiting alert message(s) skipped: their event changed since they were written", skipped
            )

    # ------------------------------------------------------------ quiet hours

    async def _digests(self, now: datetime) -> None:
        """Messages held through a chat's quiet hours that ended go out together, one digest per chat."""
        while held := await self._store.held_due(now):
            by_chat: dict[int, list[str]] = defaultdict(list)
            ids: dict[int, list[int]] = defaultdict(list)
            spoken: dict[int, str | None] = {}
            for row in held:
                by_chat[row.chat_id].append(row.text)
                ids[row.chat_id].append(row.id)
                spoken[row.chat_id] = row.language
            for chat_id, texts in by_chat.items():
                text = notices.digest_html(texts, language(spoken[chat_id]))
                await self._store.digest(chat_id, ids[chat_id], f"digest/{ids[chat_id][0]}", text, now)
            log.info("%d held message(s) went out in %d digest(s)", len(held), len(by_chat))

    # ------------------------------------------------------------ alerts

    def _plan(self) -> tuple[list[PlannedAlert], frozenset[str]]:
        """The alert plan of the current file, event by event: one that cannot be planned is left out."""
        catalog = self._catalog.current
        if self._planned is None or self._planned[0] is not catalog:
            planned: list[PlannedAlert] = []
            failed: set[str] = set()
            for event in catalog:
                what = f"planning the alerts of {event.id}"
                try:
                    found = list(alerts.alerts_for(event))
                except Exception as exc:  # one event's plan must not stop the others'
                    self._failures.failed(what, exc)
                    failed.add(event.id)
                    continue
                self._failures.succeeded(what)
                planned += found
            planned.sort(key=lambda a: (a.moment, a.event.id, a.kind))
            self._planned = (catalog, planned, frozenset(failed))
        return self._planned[1], self._planned[2]

    async def _fan_out(self, now: datetime) -> None:
        head_start = await self._head_start()
        planned, _ = self._plan()
        due = [
            a
            for a in planned
            if a.moment - head_start - PREPARE <= now < a.expires
            and a.key not in self._fanned_out
            and a.event.id not in self._held
        ]
        if not due:
            return
        # an alert written before its moment is written again for chats that subscribe meanwhile;
        # only those are read, not the whole audience again
        seen = [self._fanned_at.get(a.key) for a in due]
        since = None if None in seen else min(s for s in seen if s is not None)
        by_event: dict[str, list[PlannedAlert]] = defaultdict(list)
        for alert in due:
            by_event[alert.event.id].append(alert)
        render, buttons = self.render.alert, self.render.buttons
        plans = {
            event: FanOut(group, now, self._spacing, render, buttons) for event, group in by_event.items()
        }
        failed: set[str] = set()
        written = 0
        for event_id, plan in plans.items():  # each event's own audience: its followers and the rest
            try:
                for step in ("prepare", "write"):  # two reads of the subscribers: FanOut says why
                    async for page in self._store.subscribers(since=since, event_id=event_id):
                        if step == "prepare":
                            plan.prepare(page)
                        else:
                            written += await self._store.enqueue(plan.rows(page), now)
            except Exception as exc:  # one event's alerts must not stop the others'
                self._failures.failed(f"the alerts of {event_id}", exc)
                failed.add(event_id)
        for event_id, group in by_event.items():
            if event_id in failed:
                continue
            self._failures.succeeded(f"the alerts of {event_id}")
            for alert in group:
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
        """The next moment something becomes owed or due: the next alert, a retry waiting in the outbox,
        or the last look for chats that subscribed since an alert was written, just before its moment
        (without it, they would wait for the next 30-second tick and get it late)."""
        now = self._clock.now()
        head_start = await self._head_start()
        planned, _ = self._plan()
        starts = [a.moment - head_start - PREPARE for a in planned]
        starts += [a.moment - LAST_LOOK for a in planned if a.key in self._fanned_at and a.moment > now]
        moments = [min((s for s in starts if s > now), default=None), await self._store.next_due()]
        return min((m for m in moments if m is not None), default=None)
