"""What a chat can ask of summitbot, independent of how it asked (Telegram or the terminal).

Handlers call these and send back the text they return; all wording comes from ``bot.wording``, and
every time is shown in the chat's own zone when it has chosen one (``/timezone``).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from bot import answers, timeline, wording
from bot.catalog import LiveCatalog
from bot.clock import Clock
from bot.events import format_lead, parse_lead
from bot.matching import find_event, find_zone, suggest_zone
from bot.store import Store


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

    async def load(self) -> None:
        """Chats' chosen zones, read once: this process is the only writer, and every reply needs one."""
        self._zones = await self.store.timezones()

    async def subscribe(self, chat: Chat) -> str:
        added = await self.store.subscribe(chat.id, chat.kind, chat.title, self.clock.now())
        return wording.SUBSCRIBED if added else wording.ALREADY_SUBSCRIBED

    async def unsubscribe(self, chat: Chat) -> str:
        removed = await self.store.unsubscribe(chat.id, self.clock.now(), reason="asked")
        return wording.UNSUBSCRIBED if removed else wording.NOT_SUBSCRIBED

    async def is_subscribed(self, chat: Chat) -> bool:
        return await self.store.is_subscribed(chat.id)

    async def zone_of(self, chat: Chat) -> ZoneInfo | None:
        name = self._zones.get(chat.id)
        return ZoneInfo(name) if name else None

    async def set_timezone(self, chat: Chat, query: str) -> str:
        """``/timezone Europe/Berlin`` or ``/timezone berlin``; ``/timezone off`` goes back to event zones."""
        query = query.strip()
        if not query:
            return wording.timezone_now(await self.zone_of(chat), self.clock.now())
        if query.lower() in wording.TIMEZONE_OFF_WORDS:
            await self.store.set_timezone(chat.id, chat.kind, None)
            self._zones.pop(chat.id, None)
            return wording.timezone_now(None, self.clock.now())
        zone = find_zone(query)
        if zone is None:
            return wording.timezone_unknown(query, suggest_zone(query))
        await self.store.set_timezone(chat.id, chat.kind, zone.key)
        self._zones[chat.id] = zone.key
        return wording.timezone_now(zone, self.clock.now())

    async def set_reminders(self, chat: Chat, args: list[str]) -> str:
        """``/reminders 1d 2h`` keeps only those lead times; ``/reminders all`` brings back every one."""
        defaults = sorted({lead for event in self.catalog.current for lead in event.reminders}, reverse=True)
        if not args:
            return wording.reminders_now(await self.store.reminders_of(chat.id), defaults)
        if len(args) == 1 and args[0].lower() in wording.REMINDERS_ALL_WORDS:
            await self.store.set_reminders(chat.id, chat.kind, None)
            return wording.reminders_now(None, defaults)
        try:
            leads = sorted({parse_lead(arg.lower()) for arg in args}, reverse=True)
        except ValueError:
            return wording.reminders_invalid(defaults)
        chosen = tuple(format_lead(lead) for lead in leads)
        await self.store.set_reminders(chat.id, chat.kind, chosen)
        return wording.reminders_now(chosen, defaults)

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
            return escape(wording.event_not_found(query.strip(), suggestions))
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
