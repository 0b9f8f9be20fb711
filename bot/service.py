"""What a chat can ask of summitbot, independent of how it asked (Telegram or the terminal).

Handlers call these and send back the text they return; all wording comes from ``bot.wording``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from bot import answers, timeline, wording
from bot.catalog import LiveCatalog
from bot.clock import Clock
from bot.matching import find_event
from bot.store import Store


@dataclass(frozen=True)
class Chat:
    """The little the service needs to know about where a message came from."""

    id: int
    kind: str
    title: str | None = None


class Summit:
    def __init__(self, catalog: LiveCatalog, store: Store, clock: Clock) -> None:
        self.catalog = catalog
        self.store = store
        self.clock = clock

    async def subscribe(self, chat: Chat) -> str:
        added = await self.store.subscribe(chat.id, chat.kind, chat.title, self.clock.now())
        return wording.SUBSCRIBED if added else wording.ALREADY_SUBSCRIBED

    async def unsubscribe(self, chat: Chat) -> str:
        removed = await self.store.unsubscribe(chat.id, self.clock.now(), reason="asked")
        return wording.UNSUBSCRIBED if removed else wording.NOT_SUBSCRIBED

    async def is_subscribed(self, chat: Chat) -> bool:
        return await self.store.is_subscribed(chat.id)

    def next_html(self, reader_zone: ZoneInfo | None = None) -> str:
        now = self.clock.now()
        return wording.next_html(timeline.next_up(self.catalog.current, now), now, reader_zone)

    def answer_html(self, question: str, reader_zone: ZoneInfo | None = None) -> str:
        return answers.answer(self.catalog.current, self.clock.now(), question, reader_zone)

    def status_html(self) -> str:
        return wording.status_html(timeline.upcoming(self.catalog.current, self.clock.now()))

    def event_html(self, query: str, reader_zone: ZoneInfo | None = None) -> str:
        catalog = self.catalog.current
        event = catalog.get(query.strip().lower()) or find_event(catalog, query)
        if event is None:
            suggestions = timeline.upcoming(catalog, self.clock.now())[:3]
            return escape(wording.event_not_found(query.strip(), suggestions))
        return wording.event_detail_html(event, self.clock.now(), reader_zone)

    def events_html(self, reader_zone: ZoneInfo | None = None) -> str:
        now, catalog = self.clock.now(), self.catalog.current
        return wording.events_html(
            timeline.upcoming(catalog, now), timeline.recent(catalog, now), now, reader_zone
        )
