"""What a chat can ask of summitbot, independent of how it asked (Telegram or the terminal).

Handlers call these and send back the text they return; all wording comes from ``bot.wording``, in the
chat's language (chosen with /language, else the asker's Telegram client's), and every time is shown
in the chat's own zone when it has chosen one (``/timezone``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import alerts, answers, keywords, quiet, snooze, timeline
from bot.catalog import LiveCatalog
from bot.clock import Clock
from bot.events import Event, format_lead, parse_lead
from bot.groups import GROUP_KINDS, GroupAdmins
from bot.languages import supported
from bot.matching import find_event, find_events, find_zone, suggest_zone, zone_choices, zone_index
from bot.notifier import alert_event
from bot.storage import NewDelivery, Store
from bot.storage.store import FOLLOW as FOLLOWING
from bot.storage.store import MUTE, OFF
from bot.wording import cards, notices
from bot.wording import chat as replies
from bot.wording.dates import short_moment
from bot.wording.fit import echoed
from bot.wording.language import Language, language

STORED_LIMIT = 64
"""The widest choice of lead times the store keeps (``chats.reminders`` is a VARCHAR(64))."""
FOLLOW = "follow-"
"""A deep link's parameter for one event: ``https://t.me/<bot>?start=follow-<event id>``."""
DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What Telegram lets a deep link carry (``/start <parameter>``)."""
INLINE_RESULTS = 50
"""The most results one answer to an inline query may hold."""
ANNOUNCE = "announce/"
EVENT_BUTTONS = 10
"""Follow buttons under /events: the nearest upcoming events (a phone shows about this many)."""
"""The outbox key prefix of an operator's announcement: ``announce/<preview>``."""


def follow_parameter(event_id: str) -> str | None:
    """The deep-link parameter for an event, or None when its id is too long for one."""
    parameter = FOLLOW + event_id
    return parameter if DEEP_LINK.fullmatch(parameter) else None


def outbox_kind(key: str) -> str:
    """What an outbox row is, read off its key: ``alert``, ``note``, ``announcement`` or ``other``."""
    if key.startswith(ANNOUNCE):
        return "announcement"
    if key.startswith("change/"):
        return "note"
    if key.startswith(snooze.SNOOZE):
        return "snooze"
    if key.startswith("digest/"):
        return "digest"
    if alert_event(key) is not None:
        return "alert"
    return "other"


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


def _zone(name: str | None) -> ZoneInfo | None:
    """A zone this machine no longer has (tzdata renames zones rarely) shows event zones, not an error."""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class Chat:
    """The little the service needs to know about where a message came from."""

    id: int
    kind: str
    title: str | None = None
    user_id: int | None = None
    language_code: str | None = None
    """The Telegram client's language of whoever wrote (an IETF tag such as ``ru`` or ``en-US``)."""
    as_chat: bool = False
    """Written by the chat itself: in a group, an admin writing anonymously."""


@dataclass(frozen=True)
class SharedEvent:
    """One event offered to share in any chat (inline mode), in the sharer's language."""

    event_id: str
    title: str
    description: str
    html: str
    link_parameter: str | None
    """``follow-<id>`` for the card's button, None when the id is too long for a link."""
    follow_label: str


@dataclass(frozen=True)
class Reply:
    """A reply with buttons: (label, callback data) rows."""

    html: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()


FOLLOW_BUTTON, UNFOLLOW_BUTTON, STOP_BUTTON, UNMUTE_BUTTON, SNOOZE_BUTTON = "f:", "u:", "s:", "um:", "z:"
"""Callback data prefixes; the rest is an event's handle (``bot.snooze.handle``)."""


@dataclass(frozen=True)
class AlertPreview:
    """/testalert: the next planned reminder, worded for the operator and marked as a test."""

    html: str


class Summit:
    def __init__(self, catalog: LiveCatalog, store: Store, clock: Clock, admins: frozenset[int]) -> None:
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self.admins = admins
        self.on_release: Callable[[], None] = lambda: None
        self.on_enqueued: Callable[[], None] = lambda: None
        """Wakes the sender when something was written to the outbox outside the alarm (announcements)."""
        self.group_admins = GroupAdmins(clock)

    async def load(self) -> None:
        """The zone names, keywords and question words are read at start, so a broken data file stops the
        start, not a reply."""
        zone_index()
        keywords.load()
        answers.load_words()

    async def _reader(self, chat: Chat) -> tuple[Language, ZoneInfo | None]:
        """The chat's language and zone, asked of the store on every request, never kept here: another
        replica sharing a PostgreSQL database may have just changed them (/language, /timezone)."""
        chosen = await self.store.choices(chat.id)
        return language(chosen.language or chat.language_code), _zone(chosen.timezone)

    async def language_of(self, chat: Chat) -> Language:
        """The chat's chosen language, else the asker's client's (unknown ones → English)."""
        return (await self._reader(chat))[0]

    async def may_configure(self, chat: Chat, status: Callable[[], Awaitable[str]]) -> bool:
        """Whether whoever wrote may change the chat's settings: anyone in a private chat; in a group
        its admins (``status`` asks Telegram for the writer's member status; what it raises propagates)."""
        if chat.kind not in GROUP_KINDS or chat.as_chat:
            return True
        if chat.user_id is None:
            return False
        return await self.group_admins.is_admin(chat.id, chat.user_id, status)

    def is_operator(self, chat: Chat) -> bool:
        return chat.user_id is not None and chat.user_id in self.admins

    async def subscribe(self, chat: Chat) -> str:
        added = await self.store.subscribe(
            chat.id, chat.kind, chat.title, self.clock.now(), supported(chat.language_code)
        )
        lang = await self.language_of(chat)
        return replies.subscribed(lang) if added else replies.already_subscribed(lang)

    async def unsubscribe(self, chat: Chat) -> str:
        removed = await self.store.unsubscribe(chat.id, self.clock.now(), reason="asked")
        lang = await self.language_of(chat)
        return replies.unsubscribed(lang) if removed else replies.not_subscribed(lang)

    async def migrated(self, old_id: int, new_id: int) -> None:
        """Telegram said the group ``old_id`` is now the supergroup ``new_id``."""
        await self.store.migrate_chat(old_id, new_id, self.clock.now())

    async def is_subscribed(self, chat: Chat) -> bool:
        return await self.store.is_subscribed(chat.id)

    async def zone_of(self, chat: Chat) -> ZoneInfo | None:
        return (await self._reader(chat))[1]

    async def set_language(self, chat: Chat, query: str) -> str:
        """``/language ru`` or ``/language русский``; plain ``/language`` says which is in force."""
        if echoed(query):
            code = keywords.language_named(query)
            if code is None:
                return replies.language_unknown(query, await self.language_of(chat))
            await self.store.set_language(chat.id, chat.kind, code)
        return replies.language_now(await self.language_of(chat))

    async def set_timezone(self, chat: Chat, query: str) -> str:
        """``/timezone Europe/Berlin``, ``berlin`` or ``IST``; ``/timezone off`` goes back to event zones."""
        (lang, zone), now = await self._reader(chat), self.clock.now()
        query = query.strip()
        if not echoed(query):
            return replies.timezone_now(zone, now, lang)
        if keywords.means(query, "off"):
            await self.store.set_timezone(chat.id, chat.kind, None)
            return replies.timezone_now(None, now, lang)
        zone = find_zone(query)
        if zone is None:
            choices = zone_choices(query)
            if choices:
                return replies.timezone_ambiguous(query, choices, lang)
            return replies.timezone_unknown(query, suggest_zone(query), lang)
        await self.store.set_timezone(chat.id, chat.kind, zone.key)
        return replies.timezone_now(zone, now, lang)

    def planned_leads(self) -> list[timedelta]:
        """Every lead time some event in the calendar plans, longest first: what a chat may choose from."""
        return sorted({lead for event in self.catalog.current for lead in event.reminders}, reverse=True)

    async def set_reminders(self, chat: Chat, args: list[str]) -> str:
        """``/reminders 1d 2h`` keeps only those lead times; ``/reminders all`` brings back every one.

        Only lead times some event plans are taken, each once, so what is stored is always short and
        every chosen reminder can really arrive.
        """
        lang, planned = await self.language_of(chat), self.planned_leads()
        if not args:
            return await self._reminders_now(chat, planned, lang)
        if keywords.means(" ".join(args), "all"):
            await self.store.set_reminders(chat.id, chat.kind, None)
            return replies.reminders_now(None, planned, lang)
        if not planned:
            return replies.reminders_none_planned(lang)
        leads: set[timedelta] = set()
        for arg in args:
            try:
                leads.add(parse_lead(arg.lower()))
            except ValueError:
                return replies.reminders_invalid(arg, planned, lang)
        chosen = sorted(leads, reverse=True)
        limit = _storable_count(planned)
        if len(chosen) > limit:
            return replies.reminders_too_many(limit, planned, lang)
        unplanned = [lead for lead in chosen if lead not in planned]
        if unplanned:
            return replies.reminders_unplanned(unplanned, planned, lang)
        await self.store.set_reminders(chat.id, chat.kind, tuple(format_lead(lead) for lead in chosen))
        return replies.reminders_now(chosen, planned, lang)

    async def _reminders_now(self, chat: Chat, planned: list[timedelta], lang: Language) -> str:
        stored = await self.store.reminders_of(chat.id)
        if stored is None:
            return replies.reminders_now(None, planned, lang)
        chosen = _readable(stored)
        if chosen is None:
            await self.store.set_reminders(chat.id, chat.kind, None)
            return replies.reminders_unreadable(planned, lang)
        return replies.reminders_now([lead for lead in chosen if lead in planned], planned, lang)

    async def next_html(self, chat: Chat) -> str:
        now, (lang, zone) = self.clock.now(), await self._reader(chat)
        return cards.next_html(timeline.next_up(self.catalog.current, now), now, lang, zone)

    async def answer_html(self, chat: Chat, question: str) -> str:
        lang, zone = await self._reader(chat)
        return answers.answer(self.catalog.current, self.clock.now(), question, lang, zone)

    async def status_html(self, chat: Chat) -> str:
        upcoming = timeline.upcoming(self.catalog.current, self.clock.now())
        return cards.status_html(upcoming, await self.language_of(chat))

    def find(self, query: str) -> Event | None:
        """An event by its id or its name, as /event finds it."""
        catalog = self.catalog.current
        return catalog.get(query.strip().lower()) or find_event(catalog, query)

    async def _not_found(self, chat: Chat, query: str) -> str:
        lang, now = await self.language_of(chat), self.clock.now()
        return escape(cards.event_not_found(query, timeline.upcoming(self.catalog.current, now)[:3], lang))

    async def event_html(self, chat: Chat, query: str) -> str:
        return (await self.event_reply(chat, query)).html

    async def event_reply(self, chat: Chat, query: str) -> Reply:
        """/event: the card, with a button to follow the event (or to stop)."""
        now, (lang, zone) = self.clock.now(), await self._reader(chat)
        event = self.find(query)
        if event is None:
            return Reply(await self._not_found(chat, query))
        html = cards.event_detail_html(event, now, lang, zone)
        return Reply(html, ((await self.follow_button(chat, event.id, lang),),))

    async def follow_button(
        self, chat: Chat, event_id: str, lang: Language, titled: bool = False
    ) -> tuple[str, str]:
        """Follow, or Unfollow when the chat follows this event on its own; ``titled``: with the event's
        title, for a list of events."""
        follows = await self.store.follows_of(chat.id)
        return self._follow_button(event_id, follows.get(event_id) == FOLLOWING, lang, titled)

    def _follow_button(self, event_id: str, followed: bool, lang: Language, titled: bool) -> tuple[str, str]:
        handle = snooze.handle(event_id)
        if titled:
            title = self._title(event_id, lang)
            if followed:
                return replies.button_unfollow_titled(title, lang), UNFOLLOW_BUTTON + handle
            return replies.button_follow_titled(title, lang), FOLLOW_BUTTON + handle
        if followed:
            return replies.button_unfollow_event(lang), UNFOLLOW_BUTTON + handle
        return replies.button_follow_event(lang), FOLLOW_BUTTON + handle

    # ------------------------------------------------------------ following one event, muting, snoozing

    async def resolve(self, chat: Chat, ref: str) -> str | None:
        """The event id a button names: among the file's events and those the chat follows or muted
        (an event gone from the file can still be stopped)."""
        known = {event.id for event in self.catalog.current} | set(await self.store.follows_of(chat.id))
        found = snooze.resolve(ref, known)
        return found if found in known else None

    def _title_html(self, event_id: str, lang: Language) -> str:
        event = self.catalog.current.get(event_id)
        return cards.title_html(event, lang) if event is not None else escape(event_id)

    def _title(self, event_id: str, lang: Language) -> str:
        event = self.catalog.current.get(event_id)
        return cards.share_title(event, lang) if event is not None else event_id

    async def follow(self, chat: Chat, event_id: str) -> str:
        """Follow one event: its alerts and notes come to this chat, whatever /subscribe says; they are
        worded in the follower's client's language until the chat chooses one (as /subscribe does)."""
        client = supported(chat.language_code)
        if client:
            await self.store.set_client_language(chat.id, chat.kind, client)
        before = await self.store.set_follow(chat.id, chat.kind, event_id, FOLLOWING, self.clock.now())
        lang = await self.language_of(chat)
        return replies.followed_html(self._title_html(event_id, lang), before != FOLLOWING, lang)

    async def unfollow(self, chat: Chat, event_id: str) -> str:
        follows = await self.store.follows_of(chat.id)
        removed = follows.get(event_id) == FOLLOWING
        if removed:
            await self.store.set_follow(chat.id, chat.kind, event_id, OFF, self.clock.now())
        lang = await self.language_of(chat)
        everything = await self.store.is_subscribed(chat.id) and follows.get(event_id) != MUTE
        return replies.unfollowed_html(self._title_html(event_id, lang), removed, everything, lang)

    async def mute(self, chat: Chat, event_id: str) -> str:
        lang = await self.language_of(chat)
        if not await self.store.is_subscribed(chat.id):
            return escape(replies.mute_needs_everything(lang))
        await self.store.set_follow(chat.id, chat.kind, event_id, MUTE, self.clock.now())
        return replies.muted_html(self._title_html(event_id, lang), lang)

    async def unmute(self, chat: Chat, event_id: str) -> str:
        was_muted = (await self.store.follows_of(chat.id)).get(event_id) == MUTE
        if was_muted:
            await self.store.set_follow(chat.id, chat.kind, event_id, OFF, self.clock.now())
        lang = await self.language_of(chat)
        return replies.unmuted_html(self._title_html(event_id, lang), was_muted, lang)

    async def named(self, chat: Chat, command: str, query: str) -> str | Reply:
        """The event id a command names, or the reply to send instead (usage, or "not found")."""
        if not echoed(query):
            if command == "follow":
                return await self.follow_choices(chat)
            return Reply(escape(replies.name_needed(command, await self.language_of(chat))))
        gone = query.strip()
        if self.catalog.current.get(gone) is None and gone in await self.store.follows_of(chat.id):
            return gone  # an event that left the file can still be stopped by its id
        event = self.find(query)
        if event is not None:
            return event.id
        return Reply(await self._not_found(chat, query))

    async def follow_choices(self, chat: Chat) -> Reply:
        """/follow alone: the upcoming events as buttons."""
        lang, now = await self.language_of(chat), self.clock.now()
        upcoming = timeline.upcoming(self.catalog.current, now)[:10]
        buttons = tuple(
            ((cards.share_title(e, lang), FOLLOW_BUTTON + snooze.handle(e.id)),) for e in upcoming
        )
        return Reply(escape(replies.follow_usage(lang)), buttons)

    async def following(self, chat: Chat) -> Reply:
        """/following: everything, or the events followed; muted ones; a button to stop each."""
        lang = await self.language_of(chat)
        follows = await self.store.follows_of(chat.id)
        everything = await self.store.is_subscribed(chat.id)
        followed = [event_id for event_id, mode in follows.items() if mode == FOLLOWING]
        muted = [event_id for event_id, mode in follows.items() if mode == MUTE] if everything else []
        html = replies.following_html(
            everything,
            [self._title_html(e, lang) for e in followed],
            [self._title_html(e, lang) for e in muted],
            lang,
        )
        rows: list[tuple[tuple[str, str], ...]] = []
        if everything:
            rows.append(((replies.button_stop_all(lang), "unsubscribe"),))
        rows += [
            ((replies.button_stop(self._title(e, lang), lang), STOP_BUTTON + snooze.handle(e)),)
            for e in followed
        ]
        rows += [
            ((replies.button_unmute(self._title(e, lang), lang), UNMUTE_BUTTON + snooze.handle(e)),)
            for e in muted
        ]
        return Reply(html, tuple(rows[:50]))

    async def snooze(self, chat: Chat, option: str, ref: str) -> str:
        """A snooze button: the reminder goes to the outbox for its moment (once, however often pressed);
        the short confirmation says when."""
        (lang, zone), now = await self._reader(chat), self.clock.now()
        event_id = await self.resolve(chat, ref)
        event = self.catalog.current.get(event_id) if event_id is not None else None
        if event is None:
            return replies.event_gone(lang)
        chosen = [s for s in snooze.options(event, now, now, zone) if s.option.value == option]
        if not chosen:
            return replies.snooze_too_late(lang)
        at = chosen[0].at
        text = notices.snoozed_html(event, at, lang, zone)
        await self.store.enqueue([NewDelivery(snooze.key(event.id, at), chat.id, text, at)], now)
        self.on_enqueued()
        return replies.snoozed(short_moment(at, zone or event.zone, lang), lang)

    # ------------------------------------------------------------ quiet hours

    async def set_quiet(self, chat: Chat, query: str) -> str:
        """``/quiet 22:00-07:00`` in the chat's zone; ``/quiet off``; ``/quiet`` says what is set."""
        lang, zone = await self._reader(chat)
        query = query.strip()
        if echoed(query):
            if keywords.means(query, "off"):
                await self.store.set_quiet(chat.id, chat.kind, None)
            elif zone is None:
                return replies.quiet_needs_zone(lang)
            elif (hours := quiet.parse(query)) is None:
                return replies.quiet_invalid(query, lang)
            else:
                await self.store.set_quiet(chat.id, chat.kind, str(hours))
        hours_now = quiet.parse(await self.store.quiet_of(chat.id))
        return replies.quiet_now(str(hours_now) if hours_now else None, zone.key if zone else None, lang)

    async def events_html(self, chat: Chat) -> str:
        return (await self.events_reply(chat)).html

    async def events_reply(self, chat: Chat) -> Reply:
        """/events: the list, with a button to follow (or stop following) each upcoming event."""
        now, catalog, (lang, zone) = self.clock.now(), self.catalog.current, await self._reader(chat)
        upcoming, recent = timeline.upcoming(catalog, now), timeline.recent(catalog, now)
        follows = await self.store.follows_of(chat.id)
        buttons = tuple(
            (self._follow_button(e.id, follows.get(e.id) == FOLLOWING, lang, titled=True),)
            for e in upcoming[:EVENT_BUTTONS]
        )
        return Reply(cards.events_html(upcoming, recent, now, lang, zone), buttons)

    async def stats_html(self, chat: Chat) -> str:
        """Operators only (``SUMMITBOT_ADMINS``): subscribers and the outbox, to see that alerts flow."""
        lang = await self.language_of(chat)
        if not self.is_operator(chat):
            return escape(replies.admins_only(lang))
        catalog = self.catalog.current
        return (
            replies.stats_html(
                subscribers=await self.store.count_subscribers(),
                outbox=await self.store.counts(),
                events=len(catalog.events),
                upcoming=len(timeline.upcoming(catalog, self.clock.now())),
                lang=lang,
                languages=await self._spoken_languages(),
                by_kind=await self._outbox_by_kind(),
            )
            + "\n"
            + replies.follows_html(await self._follows_per_event(lang), lang)
        )

    async def _follows_per_event(self, lang: Language) -> list[tuple[str, int]]:
        counts = await self.store.follow_counts()
        return [
            (self._title(e, lang), n) for e, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]

    async def release(self, chat: Chat) -> str:
        """Operators only: send the notes of an edit held for touching too many events (README)."""
        lang = await self.language_of(chat)
        if not self.is_operator(chat):
            return replies.admins_only(lang)
        held = await self.store.release_held(self.clock.now(), chat.user_id)
        if held is None:
            return replies.nothing_held(lang)
        self.on_release()
        return replies.released(held.events, held.chats, lang)

    # ------------------------------------------------------------ links to an event, sharing

    def linked_event(self, parameter: str) -> Event | None:
        """The event a deep link names (``follow-<event id>``); None for anything else."""
        if not DEEP_LINK.fullmatch(parameter) or not parameter.startswith(FOLLOW):
            return None
        return self.catalog.current.get(parameter.removeprefix(FOLLOW))

    async def follow_from_link(self, chat: Chat, event: Event) -> Reply:
        """``/start follow-<event>``: the chat follows that event, and sees its card."""
        head = await self.follow(chat, event.id)
        lang, zone = await self._reader(chat)
        card = cards.event_card_html(event, self.clock.now(), lang, zone)
        return Reply(f"{head}\n\n{card}", ((await self.follow_button(chat, event.id, lang),),))

    async def shared_events(self, user_id: int, language_code: str | None, query: str) -> list[SharedEvent]:
        """What ``@bot <query>`` offers to share: events whose names match, closest first, or the
        upcoming ones for an empty query; in the language the user chose with /language, else their
        client's."""
        catalog, now = self.catalog.current, self.clock.now()
        lang = await self.language_of(Chat(user_id, "private", user_id=user_id, language_code=language_code))
        query = query.strip()
        found = find_events(catalog, query, INLINE_RESULTS) if query else timeline.upcoming(catalog, now)
        return [
            SharedEvent(
                event.id,
                cards.share_title(event, lang),
                cards.share_description(event, now, lang),
                cards.share_card_html(event, now, lang),
                follow_parameter(event.id),
                replies.button_follow(lang),
            )
            for event in found[:INLINE_RESULTS]
        ]

    # ------------------------------------------------------------ the operators' controls

    async def announcement_preview(self, chat: Chat, html: str) -> tuple[str, bool]:
        """``/announce <text>``: the line to show before the preview, and whether to show it at all
        (False: a refusal or the usage, to be sent alone)."""
        lang = await self.language_of(chat)
        if not self.is_operator(chat):
            return replies.admins_only(lang), False
        if not echoed(html):
            return replies.announce_usage(lang), False
        return replies.announce_preview(await self.store.count_subscribers(), lang), True

    async def announce(self, chat: Chat, preview_id: str, html: str) -> str:
        """Confirm pressed under a preview: the announcement goes to every subscribed chat through the
        outbox, once per preview whatever is pressed again or restarted."""
        lang = await self.language_of(chat)
        if not self.is_operator(chat):
            return replies.admins_only(lang)
        written = await self.store.enqueue_once(ANNOUNCE + preview_id, html, self.clock.now())
        if written is None:
            return replies.announce_already(lang)
        if written == 0:
            return replies.announce_nobody(lang)
        self.on_enqueued()
        return replies.announce_sent(written, lang)

    async def test_alert(self, chat: Chat) -> AlertPreview | str:
        """/testalert: the next planned reminder as the operator would get it, or why there is none."""
        lang, now = await self.language_of(chat), self.clock.now()
        if not self.is_operator(chat):
            return replies.admins_only(lang)
        upcoming = alerts.pending(alerts.plan(self.catalog.current), now)
        if not upcoming:
            return replies.no_alert_planned(lang)
        alert, zone = upcoming[0], await self.zone_of(chat)
        html = notices.alert_html(alert, now, lang, zone)
        due = short_moment(alert.moment, zone or alert.event.zone, lang)
        return AlertPreview(replies.test_alert_html(html, due, lang))

    async def _outbox_by_kind(self) -> dict[str, dict[str, int]]:
        by_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key, state, n in await self.store.counts_by_key():
            by_kind[outbox_kind(key)][state] += n
        return {kind: dict(states) for kind, states in by_kind.items()}

    async def _spoken_languages(self) -> dict[str, int]:
        spoken: dict[str, int] = defaultdict(int)
        for code, n in (await self.store.subscriber_languages()).items():
            spoken[language(code).code] += n
        return dict(spoken)
