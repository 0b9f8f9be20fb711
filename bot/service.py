"""What a chat can ask of summitbot, independent of how it asked (Telegram or the terminal).

Handlers call these and send back the text they return; all wording comes from ``bot.wording``, and
every time is shown in the chat's own zone when it has chosen one (``/timezone``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import answers, timeline, wording
from bot.catalog import LiveCatalog
from bot.clock import Clock
from bot.events import format_lead, parse_lead
from bot.matching import find_event, find_zone, suggest_zone, zone_choices, zone_index
from bot.store import Store

STORED_LIMIT = 64
"""The widest choice of lead times the store keeps (``chats.reminders`` is a VARCHAR(64))."""


def _storable_count(planned: list[timedelta]) -> int:
    """How many lead times a chat may choose: all planned ones, as long as any such choice fits the store."""
    widths = sorted((len(format_lead(lead)) for lead in planned), reverse=True)
    count, width = 0, -1
    for each in widths:
        if width + 1 + each > STORED_LIMIT:
            break
        count, width = count + 1, width + 1 + each
    return count


def _readable(stored: tuple[str, ...]) -> list[timedelta] | None:
    """A stored choice, or None when it cannot be read: older versions stored any list they were sent."""
    if len(",".join(stored)) > STORED_LIMIT:
        return None
    try:
        return sorted({parse_lead(lead) for lead in stored}, reverse=True)
    except ValueError:
        return None


@dataclass(frozen=True)
class Chat:
    """The little the service needs to know about where a message came from."""

    id: int
    kind: str
    title: str | None = None
    user_id: int | None = None


class Summit:
    def __init__(self, catalog: LiveCatalog, store: Store, clock: Clock, admins: frozenset[int]) -> None:
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self.admins = admins
        self._zones: dict[int, str] = {}
        self.on_release: Callable[[], None] = lambda: None
        """Called after ``/release``, so the held notes go out now rather than at the next tick."""

    async def load(self) -> None:
        """Chats' chosen zones, read once: this process is the only writer, and every reply needs one.

        The zone names are indexed now too, so a broken names file stops the start, not a reply.
        """
        self._zones = await self.store.timezones()
        zone_index()

    async def subscribe(self, chat: Chat) -> str:
        added = await self.store.subscribe(chat.id, chat.kind, chat.title, self.clock.now())
        return wording.SUBSCRIBED if added else wording.ALREADY_SUBSCRIBED

    async def unsubscribe(self, chat: Chat) -> str:
        removed = await self.store.unsubscribe(chat.id, self.clock.now(), reason="asked")
        return wording.UNSUBSCRIBED if removed else wording.NOT_SUBSCRIBED

    async def is_subscribed(self, chat: Chat) -> bool:
        return await self.store.is_subscribed(chat.id)

    async def zone_of(self, chat: Chat) -> ZoneInfo | None:
        """A zone this machine no longer has (tzdata renames zones rarely) shows event zones, not an error."""
        name = self._zones.get(chat.id)
        try:
            return ZoneInfo(name) if name else None
        except (ZoneInfoNotFoundError, ValueError):
            return None

    async def set_timezone(self, chat: Chat, query: str) -> str:
        """``/timezone Europe/Berlin``, ``berlin`` or ``IST``; ``/timezone off`` goes back to event zones."""
        query = query.strip()
        if not wording.echoed(query):
            return wording.timezone_now(await self.zone_of(chat), self.clock.now())
        if query.lower() in wording.TIMEZONE_OFF_WORDS:
            await self.store.set_timezone(chat.id, chat.kind, None)
            self._zones.pop(chat.id, None)
            return wording.timezone_now(None, self.clock.now())
        zone = find_zone(query)
        if zone is None:
            choices = zone_choices(query)
            if choices:
                return wording.timezone_ambiguous(query, choices)
            return wording.timezone_unknown(query, suggest_zone(query))
        await self.store.set_timezone(chat.id, chat.kind, zone.key)
        self._zones[chat.id] = zone.key
        return wording.timezone_now(zone, self.clock.now())

    def planned_leads(self) -> list[timedelta]:
        """Every lead time some event in the calendar plans, longest first: what a chat may choose from."""
        return sorted({lead for event in self.catalog.current for lead in event.reminders}, reverse=True)

    async def set_reminders(self, chat: Chat, args: list[str]) -> str:
        """``/reminders 1d 2h`` keeps only those lead times; ``/reminders all`` brings back every one.

        Only lead times some event plans are taken, each once, so what is stored is always short and
        every chosen reminder can really arrive.
        """
        planned = self.planned_leads()
        if not args:
            return await self._reminders_now(chat, planned)
        if len(args) == 1 and args[0].lower() in wording.REMINDERS_ALL_WORDS:
            await self.store.set_reminders(chat.id, chat.kind, None)
            return wording.reminders_now(None, planned)
        if not planned:
            return wording.REMINDERS_NONE_PLANNED
        leads: set[timedelta] = set()
        for arg in args:
            try:
                leads.add(parse_lead(arg.lower()))
            except ValueError:
                return wording.reminders_invalid(arg, planned)
        chosen = sorted(leads, reverse=True)
        limit = _storable_count(planned)
        if len(chosen) > limit:
            return wording.reminders_too_many(limit, planned)
        unplanned = [lead for lead in chosen if lead not in planned]
        if unplanned:
            return wording.reminders_unplanned(unplanned, planned)
        await self.store.set_reminders(chat.id, chat.kind, tuple(format_lead(lead) for lead in chosen))
        return wording.reminders_now(chosen, planned)

    async def _reminders_now(self, chat: Chat, planned: list[timedelta]) -> str:
        stored = await self.store.reminders_of(chat.id)
        if stored is None:
            return wording.reminders_now(None, planned)
        chosen = _readable(stored)
        if chosen is None:
            await self.store.set_reminders(chat.id, chat.kind, None)
            return wording.reminders_unreadable(planned)
        return wording.reminders_now([lead for lead in chosen if lead in planned], planned)

    async def next_html(self, chat: Chat) -> str:
        now = self.clock.now()
        return wording.next_html(timeline.next_up(self.catalog.current, now), now, await self.zone_of(chat))

    async def answer_html(self, chat: Chat, question: str) -> str:
        return answers.answer(self.catalog.current, self.clock.now(), question, await self.zone_of(chat))

    def status_html(self) -> str:
        return wording.status_html(timeline.upcoming(self.catalog.current, self.clock.now()))

    async def event_html(self, chat: Chat, query: str) -> str:
        catalog = self.catalog.current
        event = catalog.get(query.strip().lower()) or find_event(catalog, query)
        if event is None:
            suggestions = timeline.upcoming(catalog, self.clock.now())[:3]
            return escape(wording.event_not_found(query, suggestions))
        return wording.event_detail_html(event, self.clock.now(), await self.zone_of(chat))

    async def events_html(self, chat: Chat) -> str:
        now, catalog = self.clock.now(), self.catalog.current
        return wording.events_html(
            timeline.upcoming(catalog, now), timeline.recent(catalog, now), now, await self.zone_of(chat)
        )

    async def stats_html(self, chat: Chat) -> str:
        """Operators only (``SUMMITBOT_ADMINS``): subscribers and the outbox, to see that alerts flow."""
        if chat.user_id not in self.admins:
            return wording.ADMINS_ONLY
        catalog = self.catalog.current
        return wording.stats_html(
            subscribers=await self.store.count_subscribers(),
            outbox=await self.store.counts(),
            events=len(catalog.events),
            upcoming=len(timeline.upcoming(catalog, self.clock.now())),
        )

    async def release(self, chat: Chat) -> str:
        """Operators only: send the notes of an edit held for touching too many events (README)."""
        if chat.user_id not in self.admins:
            return wording.ADMINS_ONLY
        held = await self.store.release_held(self.clock.now(), chat.user_id)
        if held is None:
            return wording.NOTHING_HELD
        self.on_release()
        return wording.released(held.events, held.chats)
