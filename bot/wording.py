"""Every sentence summitbot says, and every date it prints, lives here.

Handlers, the scheduler and the CLI pass values in and get text out, so a translation (Russian and
Hindi are planned) or a reader's own time zone is a change to this module alone. Functions named
``*_html`` return Telegram HTML with every dynamic part escaped; the rest return plain text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

import regex

from bot.alerts import AlertKind, PlannedAlert
from bot.changes import ChangeItem, ChangeKind
from bot.events import (
    Event,
    Fact,
    Government,
    HistoryItem,
    Lifecycle,
    Precision,
    Source,
    When,
    format_lead,
)
from bot.timeline import Countdown, NextUp, Phase, countdown

# ---------------------------------------------------------------- numbers and dates


def plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def days_text(first: date, last: date) -> str:
    """``5–6 December 2025``, ``30 November – 2 December 2025``: the range as people write it."""
    if first == last:
        return day_text(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} – {day_text(last)}"
    return f"{day_text(first)} – {day_text(last)}"


def between_text(first: date, last: date) -> str:
    """``2 and 31 October 2025``: the two ends of a window, for "between … and …"."""
    return days_text(first, last).replace("–", " and ", 1).replace("  ", " ")


def moment_text(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} {local.tzname()}"


def short_moment_text(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def duration_text(delta: timedelta) -> str:
    """The two largest units, as a person says it: ``3 days, 4 hours``, ``45 minutes``."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [plural(n, unit) for n, unit in ((days, "day"), (hours, "hour"), (mins, "minute")) if n]
    return ", ".join(parts[:2])


def when_text(event: Event, reader_zone: ZoneInfo | None = None) -> str:
    return dates_text(event.when, reader_zone)


def dates_text(when: When, reader_zone: ZoneInfo | None = None) -> str:
    """The date at exactly the precision the file gives; an exact time also in the reader's zone."""
    if when.precision is Precision.EXACT and when.at is not None:
        text = moment_text(when.at, when.zone)
        if reader_zone is not None and reader_zone.key != when.zone.key:
            text += f" ({short_moment_text(when.at, reader_zone)} your time)"
        return text
    if when.precision in (Precision.DAY, Precision.SPAN):
        return days_text(when.first, when.last)
    if when.precision is Precision.WINDOW:
        return f"sometime between {between_text(when.first, when.last)}"
    if when.precision is Precision.MONTH:
        return f"{when.first:%B %Y} (no day announced)"
    return f"{when.first.year} (no date announced)"


def countdown_text(cd: Countdown) -> str:
    """Honest about precision: never hours for a day, never days for a month."""
    when = cd.event.when
    if cd.phase is Phase.OVER:
        if cd.days_max < 0 and when.precision in (Precision.EXACT, Precision.DAY, Precision.SPAN):
            return "ended yesterday" if cd.days_max == -1 else f"ended {-cd.days_max} days ago"
        return "over"
    if cd.phase is Phase.UNDER_WAY:
        if when.precision is Precision.SPAN:
            return f"under way: day {cd.day_of_span} of {cd.span_days}"
        return "today" if when.precision is Precision.DAY else "under way"
    if cd.remaining is not None:
        return f"in {duration_text(cd.remaining)}"
    if when.precision in (Precision.DAY, Precision.SPAN):
        return "tomorrow" if cd.days_min == 1 else f"in {cd.days_min} days"
    if when.precision is Precision.WINDOW:
        if cd.days_min <= 1 and cd.in_current_month and when.last.month == when.first.month:
            return f"later this month (by {day_text(when.last)})"
        if cd.days_min <= 0:
            return f"any day now (by {day_text(when.last)})"
        return f"in {cd.days_min} to {plural(cd.days_max, 'day')}"
    if when.precision is Precision.MONTH:
        if cd.days_min <= 0:
            return f"expected this month (by {day_text(when.last)})"
        return f"expected in {when.first:%B %Y}, {_span_text(cd.days_min, cd.days_max)}"
    return f"expected in {when.first.year}"


def _span_text(days_min: int, days_max: int) -> str:
    if days_max < 14:
        return f"in {days_min} to {plural(days_max, 'day')}"
    if days_max < 120:
        return f"in {max(1, days_min // 7)} to {plural(days_max // 7, 'week')}"
    return f"in {max(1, days_min // 30)} to {plural(days_max // 30, 'month')}"


# ---------------------------------------------------------------- status and sources


def _names(governments: Sequence[object]) -> str:
    names = [getattr(g, "name", str(g)) for g in governments]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def status_note(event: Event) -> str:
    """Derived from the file's confirmations and lifecycle, never typed by hand."""
    if event.lifecycle is not Lifecycle.PLANNED:
        return {Lifecycle.POSTPONED: "Postponed", Lifecycle.CANCELLED: "Cancelled", Lifecycle.HELD: "Held"}[
            event.lifecycle
        ]
    involved, confirmed, pending = event.governments, event.confirmed_by, event.unconfirmed
    if not involved:
        return "Not officially confirmed"
    if not pending:
        if len(involved) == 1:
            return f"Confirmed by {_names(involved)}"
        return "Confirmed by both governments" if len(involved) == 2 else "Confirmed by all governments"
    if not confirmed:
        if len(involved) == 1:
            return f"Not yet confirmed by {_names(involved)}"
        return "Unconfirmed by either government" if len(involved) == 2 else "Unconfirmed by any government"
    return f"Confirmed by {_names(confirmed)}; not yet by {_names(pending)}"


def source_text(source: Source) -> str:
    return f"{source.by}: {source.title} ({day_text(source.date)})"


# ---------------------------------------------------------------- Telegram messages (HTML)

MESSAGE_LIMIT = 4096
MORE_LINES = "…and more than fit in one message."


def fit_message(
    lines: Sequence[str], more: Sequence[str] = (), foot: str = "", more_note: str = MORE_LINES
) -> str:
    """``lines`` always; then as many of ``more`` as fit in one Telegram message beside ``foot``."""
    room = MESSAGE_LIMIT - len(foot) - len(more_note) - 2
    text = "\n".join(lines)
    for line in more:
        if len(text) + 1 + len(line) > room:
            text += "\n" + more_note
            break
        text += "\n" + line
    return f"{text}\n{foot}" if foot else text


def event_card_html(event: Event, now: datetime, reader_zone: ZoneInfo | None = None) -> str:
    lines = [
        f"<b>{escape(event.title)}</b>",
        f"🗓 {escape(when_text(event, reader_zone))}",
        f"📍 {escape(event.place or 'Place not announced')}",
        f"⏳ {escape(countdown_text(countdown(event, now)))}",
        f"ℹ️ {escape(status_note(event))}",
    ]
    if event.note:
        lines.append(escape(event.note))
    lines.append(f"<i>Source: {escape(source_text(event.status_source))}</i>")
    return "\n".join(lines)


def next_html(next_up: NextUp | None, now: datetime, reader_zone: ZoneInfo | None = None) -> str:
    if next_up is None:
        return "No upcoming events in the calendar right now. I will tell subscribers when one is added."
    text = "<b>Next:</b> " + event_card_html(next_up.event, now, reader_zone)
    if next_up.maybe_before:
        text += "\n\n<b>Possibly before that</b> (date not fixed):"
        for event in next_up.maybe_before:
            text += f"\n• {escape(event.title)}: {escape(countdown_text(countdown(event, now)))}"
    return text


def _line_html(event: Event, now: datetime, reader_zone: ZoneInfo | None) -> str:
    return (
        f"• <b>{escape(event.title)}</b>: {escape(when_text(event, reader_zone))}, "
        f"{escape(countdown_text(countdown(event, now)))}. {escape(status_note(event))}"
    )


def events_html(
    upcoming: Sequence[Event], recent: Sequence[Event], now: datetime, reader_zone: ZoneInfo | None = None
) -> str:
    parts = [_line_html(e, now, reader_zone) for e in upcoming] or ["Nothing scheduled."]
    if recent:
        parts += ["", "<b>Recent</b>"]
        parts += [_line_html(e, now, reader_zone) for e in recent]
    return fit_message(["<b>Upcoming</b>"], parts)


def alert_html(alert: PlannedAlert, now: datetime, reader_zone: ZoneInfo | None = None) -> str:
    """A reminder, worded at its own moment; a late one says when it was due."""
    event = alert.event
    title = f"<b>{escape(event.title)}</b>"
    if alert.kind is AlertKind.TODAY:
        head = f"📅 Today: {title}"
    elif alert.kind is AlertKind.MONTH:
        head = f"📅 Expected this month: {title}. No day has been announced yet."
    elif alert.kind is AlertKind.WINDOW:
        head = f"📅 Expected from today: {title}. No day has been announced yet."
    else:
        # worded at its moment (a broadcast starts early), or at now when it is late
        head = f"⏰ {title} {escape(countdown_text(countdown(event, max(alert.moment, now))))}"
    lines = [head]
    if now - alert.moment > LATE_AFTER:
        zone = reader_zone or event.zone
        lines.append(f"<i>(Late: this reminder was due {escape(short_moment_text(alert.moment, zone))}.)</i>")
    lines += [
        f"🗓 {escape(when_text(event, reader_zone))}",
        f"📍 {escape(event.place or 'Place not announced')}",
        f"ℹ️ {escape(status_note(event))}",
        f"<i>Source: {escape(source_text(event.status_source))}</i>",
    ]
    return "\n".join(lines)


LATE_AFTER = timedelta(minutes=2)

_LIFECYCLE_NEWS = {
    Lifecycle.PLANNED.value: "Back on the calendar",
    Lifecycle.POSTPONED.value: "Postponed",
    Lifecycle.CANCELLED.value: "Cancelled",
    Lifecycle.HELD.value: "Held",
}


def _change_line(item: ChangeItem, event: Event, reader_zone: ZoneInfo | None) -> str:
    def shown(value: str | When | None, missing: str) -> str:
        if isinstance(value, When):
            return dates_text(value, reader_zone)
        return value or missing

    if item.kind is ChangeKind.ADDED:
        return f"New in the calendar: {dates_text(event.when, reader_zone)}"
    if item.kind is ChangeKind.CONFIRMED:
        return f"Now {status_note(event)[0].lower()}{status_note(event)[1:]}"
    if item.kind is ChangeKind.UNCONFIRMED:
        return f"No longer confirmed by {shown(item.old, '')}"
    if item.kind is ChangeKind.LIFECYCLE:
        return _LIFECYCLE_NEWS.get(str(item.new), str(item.new))
    if item.kind is ChangeKind.MOVED:
        return f"Dates moved: {shown(item.old, '?')} → {shown(item.new, '?')}"
    return f"Place changed: {shown(item.old, 'not announced')} → {shown(item.new, 'not announced')}"


def change_note_html(event: Event, items: Sequence[ChangeItem], reader_zone: ZoneInfo | None = None) -> str:
    """A status note pushed to subscribers: what changed (old → new), the status now, and its source."""
    lines = [f"🔔 <b>{escape(event.title)}</b>: update"]
    lines += [f"• {escape(_change_line(item, event, reader_zone))}" for item in items]
    lines += [
        f"ℹ️ {escape(status_note(event))}",
        f"<i>Source: {escape(source_text(event.status_source))}</i>",
    ]
    return "\n".join(lines)


def status_html(events: Sequence[Event]) -> str:
    """/status: every upcoming event's status note with its source and date."""
    if not events:
        return "No upcoming events in the calendar right now."
    parts = [
        f"• <b>{escape(event.title)}</b>: {escape(status_note(event))}\n"
        f"  <i>{escape(source_text(event.status_source))}</i>"
        for event in events
    ]
    return fit_message(["<b>Status of upcoming events</b>"], parts)


def _history_line(item: HistoryItem) -> str:
    what = item.change.value.replace("_", " ").capitalize()
    if item.government is not None:
        what += f" by {item.government.name}"
    if item.note:
        what += f": {item.note}"
    return f"• {day_text(item.on)}: {what} ({source_text(item.source)})"


def event_detail_html(event: Event, now: datetime, reader_zone: ZoneInfo | None = None) -> str:
    """/event: one event's card and its dated history, newest first."""
    card = event_card_html(event, now, reader_zone)
    if not event.history:
        return card
    history = [escape(_history_line(h)) for h in sorted(event.history, key=lambda h: h.on, reverse=True)]
    return fit_message([card, "", "<b>History</b>"], history)


ECHO_LIMIT = 64
"""How much of what someone typed a reply quotes back: enough to recognise it, never a flood."""
_KEPT_FORMAT = frozenset("\u200c\u200d") | frozenset(map(chr, range(0xE0020, 0xE0080)))
"""Invisible characters that shape scripts and emoji (joiners, flag tags); other ones are dropped."""


def echoed(text: str, limit: int = ECHO_LIMIT) -> str:
    """What someone typed, fit to quote: one line, no direction overrides, cut to ``limit`` with "…".

    A right-to-left override would turn the rest of the reply around, and a cut inside a cluster
    (an emoji with its skin tone, a letter with its accents) would show a broken character.
    """
    kept = (" " if unicodedata.category(c) == "Cc" else c for c in text)
    flat = " ".join("".join(c for c in kept if c in _KEPT_FORMAT or unicodedata.category(c) != "Cf").split())
    if len(flat) <= limit:
        return flat
    size = 0
    for cluster in regex.finditer(r"\X", flat):
        if cluster.end() > limit - 1:
            break
        size = cluster.end()
    return flat[:size].rstrip() + "…"


def event_not_found(query: str, suggestions: Sequence[Event]) -> str:
    """``query`` is quoted as typed, shortened by ``echoed``; empty means none was given."""
    shown = echoed(query)
    names = "; ".join(f"{e.title} (/event {e.id})" for e in suggestions)
    head = f"I found no event called “{shown}”." if shown else "Which event? For example /event summit-2025."
    return f"{head} Try: {names}" if names else head


WELCOME_HTML = (
    "<b>Welcome to summitbot.</b>\n"
    "I count down to the India–Russia summit and related visits, remind you before each one, "
    "and tell you when a date, place or confirmation changes. Every status comes with its source.\n\n"
    "Subscribe to get reminders, or try /next."
)
HELP_HTML = (
    "<b>What I can do</b>\n"
    "/next – the next event, with countdown and status\n"
    "/events – upcoming and recent events\n"
    "/status – who has confirmed what, with sources\n"
    "/event &lt;name&gt; – one event and its history\n"
    "/subscribe – reminders before each event and notes when something changes\n"
    "/unsubscribe – stop them\n"
    "/reminders 1d 2h – choose which reminders you get\n"
    "/timezone &lt;city or zone&gt; – show exact times in your zone\n"
    "/help – this message\n\n"
    "You can also ask in plain words, for example “is Putin's visit confirmed?”"
)
SUBSCRIBED = (
    "Subscribed. You will get a reminder before each event and a note whenever its status, date or "
    "place changes."
)
ALREADY_SUBSCRIBED = "You are already subscribed. /unsubscribe stops the reminders."
UNSUBSCRIBED = "Unsubscribed. You will get no more reminders; /subscribe brings them back."
NOT_SUBSCRIBED = "You were not subscribed. /subscribe starts reminders."
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."
NOT_TEXT = "I can only read text. Try /next or /help."
REMINDERS_ALL_WORDS = ("all", "default", "reset")


def lead_text(lead: timedelta) -> str:
    """One reminder's lead time in the unit it was given in: ``7 days before``, ``90 minutes before``."""
    minutes = int(lead.total_seconds() // 60)
    for unit, size in (("day", 24 * 60), ("hour", 60)):
        if minutes and minutes % size == 0:
            return f"{plural(minutes // size, unit)} before"
    return f"{plural(minutes, 'minute')} before"


def _and_list(items: Sequence[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _leads_list(leads: Sequence[timedelta], word: str = "and") -> str:
    return _and_list([lead_text(lead) for lead in leads], word)


def _lead_keys(leads: Sequence[timedelta]) -> str:
    return " ".join(format_lead(lead) for lead in leads)


REMINDERS_NONE_PLANNED = (
    "No event in the calendar plans reminders before it right now. Subscribers still get the notes "
    "for events known only to the month or to a window, and every change of date, place or status."
)


def reminders_now(chosen: Sequence[timedelta] | None, planned: Sequence[timedelta]) -> str:
    """``chosen`` is None for every planned reminder, else the chosen ones the calendar still plans."""
    if not planned:
        return REMINDERS_NONE_PLANNED
    total = len(planned)
    if chosen is None:
        example = _lead_keys(planned[1:3] or planned[:1])
        return (
            f"You get {plural(total, 'reminder')} before each event: {_leads_list(planned)} "
            f"(when its date is precise enough). Keep only some with, for example, /reminders {example}."
        )
    if not chosen:
        return (
            "None of the reminders you chose is planned any more, so you get no reminder before an "
            f"event. Choose from: {_lead_keys(planned)}, or /reminders all."
        )
    return (
        f"You get {len(chosen)} of the {total} planned reminders before each event: "
        f"{_leads_list(chosen)} (when its date is precise enough). /reminders all brings back all of them."
    )


def reminders_unreadable(planned: Sequence[timedelta]) -> str:
    """The chat's stored choice could not be read (an older version kept whatever it was sent)."""
    if not planned:
        return REMINDERS_NONE_PLANNED
    return (
        f"I could not read the reminders you chose earlier, so you get all {len(planned)} again before "
        f"each event: {_leads_list(planned)} (when its date is precise enough). Keep only some with, "
        f"for example, /reminders {_lead_keys(planned[1:3] or planned[:1])}."
    )


def reminders_invalid(given: str, planned: Sequence[timedelta]) -> str:
    example = _lead_keys(planned) or "1d 2h"
    return (
        f"“{echoed(given)}” is not a lead time. Give a number and w, d, h or m, "
        f"for example /reminders {example}."
    )


def reminders_unplanned(unplanned: Sequence[timedelta], planned: Sequence[timedelta]) -> str:
    return f"No event plans a reminder {_leads_list(unplanned, 'or')}. Choose from: {_lead_keys(planned)}."


def reminders_too_many(limit: int, planned: Sequence[timedelta]) -> str:
    return f"That is too many lead times. Choose at most {limit} from: {_lead_keys(planned)}."


TIMEZONE_OFF_WORDS = ("off", "reset", "none", "event")
ADMINS_ONLY = "That command is for the bot's operators."


def timezone_now(zone: ZoneInfo | None, now: datetime) -> str:
    if zone is None:
        return (
            "Times are shown in each event's own zone. Send /timezone followed by your city or zone "
            "(for example /timezone Delhi, /timezone Moscow or /timezone Europe/Berlin) to see exact "
            "times in yours."
        )
    return (
        f"Times will also be shown in {zone.key} (now {short_moment_text(now, zone)}). "
        "/timezone off goes back to each event's own zone."
    )


def timezone_unknown(query: str, suggestion: str | None) -> str:
    """``query`` is quoted as typed, shortened by ``echoed``."""
    head = f"I don't know the time zone “{echoed(query)}”."
    if suggestion is not None:
        return f"{head} Did you mean /timezone {suggestion}?"
    return f"{head} Try a city or an IANA name, e.g. /timezone Europe/Moscow."


def timezone_ambiguous(query: str, choices: Sequence[str]) -> str:
    """A country or abbreviation that means several zones: the bot asks rather than picks one."""
    return (
        f"“{echoed(query)}” can mean more than one time zone: {_and_list(choices, 'or')}. "
        f"Send the one you mean, for example /timezone {choices[0]}."
    )


def stats_html(subscribers: int, outbox: dict[str, int], events: int, upcoming: int) -> str:
    sent, pending, failed = (outbox.get(k, 0) for k in ("sent", "pending", "failed"))
    return (
        "<b>summitbot statistics</b>\n"
        f"Subscribed chats: {subscribers}\n"
        f"Events: {events} ({upcoming} upcoming)\n"
        f"Messages sent: {sent}; waiting: {pending}; failed: {failed}; skipped: {outbox.get('skipped', 0)}"
    )


def released(events: int, chats: int) -> str:
    """/release: the operator let a held edit of the events file go out."""
    return (
        f"Released: the held notes about {plural(events, 'event')} are going out now to "
        f"{plural(chats, 'subscribed chat')}, and those events' reminders follow as planned."
    )


NOTHING_HELD = "Nothing is held: every edit of the events file has gone out as usual."

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
BUTTON_SUBSCRIBE = "🔔 Subscribe"
BUTTON_UNSUBSCRIBE = "🔕 Unsubscribe"
BUTTON_NEXT = "⏭ Next event"
BUTTON_EVENTS = "🗓 All events"
BUTTON_EXPIRED = "That button has expired. Try /help."

TERMINAL_BANNER = (
    "summitbot in the terminal (no TELEGRAM_BOT_TOKEN set): type /start, /next, /subscribe or a "
    "question; a number presses a button under the last message; /quit, Ctrl-D or Ctrl-C leaves.\n"
)
TERMINAL_BYE = "\nBye.\n"
TERMINAL_QUIT = ("/quit", "/exit")


def terminal_message(plain: str, buttons: Sequence[str]) -> str:
    """A bot message as the terminal shows it: text, then numbered buttons."""
    text = "\n".join(
        f"bot> {line}" if i == 0 else f"     {line}" for i, line in enumerate(plain.splitlines())
    )
    if buttons:
        text += "\n     " + "  ".join(f"[{i}] {label}" for i, label in enumerate(buttons, start=1))
    return text + "\n"


COMMANDS = (
    ("next", "The next event, with countdown and status"),
    ("events", "Upcoming and recent events"),
    ("status", "Who has confirmed what, with sources"),
    ("event", "One event and its history: /event summit"),
    ("subscribe", "Reminders before each event"),
    ("reminders", "Choose lead times: /reminders 1d 2h"),
    ("timezone", "Show times in your zone: /timezone Berlin"),
    ("unsubscribe", "Stop reminders"),
    ("help", "What this bot can do"),
)


# ---------------------------------------------------------------- the calendar feed (plain text)


def ics_summary(event: Event, now: datetime) -> str:
    """A calendar shows a month or a window as an all-day span; while it is still to come, the title
    must not pretend the whole span is booked. Once over, it is simply what happened."""
    if event.when.precision in (Precision.MONTH, Precision.WINDOW) and not _is_over(event, now):
        return f"Expected: {event.title}"
    return event.title


def ics_description(event: Event) -> str:
    lines = [f"Date: {when_text(event)}", status_note(event)]
    if event.note:
        lines.append(event.note)
    lines.append(f"Source: {source_text(event.status_source)}")
    return "\n".join(lines)


def ics_written(file: str, events: int) -> str:
    return f"{file}: wrote {plural(events, 'event')}"


# ---------------------------------------------------------------- the operator's CLI (plain text)


def check_ok(file: str, events: int, facts: int, alerts: int) -> str:
    return (
        f"{file}: OK ({plural(events, 'event')}, {plural(facts, 'fact')}, {plural(alerts, 'alert')} planned)"
    )


def plan_report(
    upcoming: Sequence[Event],
    next_up: NextUp | None,
    recent: Sequence[Event],
    alerts: Sequence[PlannedAlert],
    now: datetime,
    zone: ZoneInfo,
) -> str:
    lines = [f"As of {moment_text(now, zone)}", "", "Upcoming events:"]
    for i, event in enumerate(upcoming, start=1):
        mark = "  <- next dated event" if next_up is not None and event is next_up.event else ""
        lines.append(f"  {i}. {event.title} [{event.id}]{mark}")
        lines.append(f"     when:   {when_text(event)} ({event.zone.key})")
        lines.append(f"     place:  {event.place or 'not announced'}")
        lines.append(f"     count:  {countdown_text(countdown(event, now))}")
        lines.append(f"     status: {status_note(event)}")
        lines.append(f"     source: {source_text(event.status_source)}")
    if not upcoming:
        lines.append("  none")
    lines += ["", "Recent:"]
    lines += [f"  - {e.title} [{e.id}]: {when_text(e)}; {status_note(e)}" for e in recent] or ["  none"]
    lines += ["", f"Alert schedule ({plural(len(alerts), 'alert')} still to come):"]
    for alert in alerts:
        what = format_lead(alert.lead) + " before" if alert.lead is not None else f"{alert.kind} note"
        lines.append(f"  {short_moment_text(alert.moment, zone)}  {alert.event.id}  {what}")
    if not alerts:
        lines.append("  none")
    return "\n".join(lines)


# ---- answers to questions
# What ``bot.answers`` says once it has worked out what was asked. Anything repeated from the events
# file ends with its source and date, so the reader can judge how firm it is; lists are cut short so
# that an answer always fits in one Telegram message.


ANSWER_COMMANDS = "Try /next for the next event, /events for the calendar, or /help."
ANSWER_PROMPT_HTML = (
    "Ask me about the events I follow, for example “when is the summit?” or “is Putin's visit "
    "confirmed?”. " + ANSWER_COMMANDS
)
ANSWER_FOREIGN_HTML = (
    "Sorry, I can only answer questions in English for now, for example “when is the summit?”. "
    + ANSWER_COMMANDS
)
ANSWER_TOO_LONG_HTML = (
    "That answer is too long for one message. Try /events for the calendar, or ask about one event."
)
ANSWER_MORE = "…and more: /events lists everything."
PERIOD_NAMES = {
    "today": "today",
    "tomorrow": "tomorrow",
    "this_week": "this week",
    "next_week": "next week",
    "this_month": "this month",
    "next_month": "next month",
}


def _sources_html(sources: Sequence[Source]) -> str:
    return "\n".join(f"<i>Source: {escape(source_text(s))}</i>" for s in dict.fromkeys(sources))


def _answer_html(lines: Sequence[str], sources: Sequence[Source], more: Sequence[str] = ()) -> str:
    return fit_message(lines, more, _sources_html(sources), ANSWER_MORE)


def _title_html(event: Event) -> str:
    return f"<b>{escape(event.title)}</b>"


def past_when_text(event: Event) -> str:
    """A past date at its own precision: the seed report dates the last visits only to the year."""
    when = event.when
    if when.precision is Precision.YEAR:
        return f"in {when.first.year} (no exact date given)"
    if when.precision is Precision.MONTH:
        return f"in {when.first:%B %Y} (no day given)"
    if when.precision is Precision.WINDOW:
        return f"sometime between {between_text(when.first, when.last)}"
    if when.at is not None:
        return f"on {moment_text(when.at, when.zone)}"
    return f"on {days_text(when.first, when.last)}"


def _is_over(event: Event, now: datetime) -> bool:
    return countdown(event, now).phase is Phase.OVER


def _dated_html(event: Event, now: datetime, reader_zone: ZoneInfo | None) -> str:
    """The title with its date, worded as past or future as the moment requires."""
    when = past_when_text(event) if _is_over(event, now) else when_text(event, reader_zone)
    return f"{_title_html(event)} ({escape(when)})"


def answer_when_html(
    event: Event, now: datetime, reader_zone: ZoneInfo | None = None, host: Event | None = None
) -> str:
    if _is_over(event, now):
        lines = [f"{_title_html(event)}: {escape(past_when_text(event))}", f"ℹ️ {escape(status_note(event))}"]
        if event.note:
            lines.append(escape(event.note))
    else:
        during = f" (during the {escape(host.title)})" if host is not None else ""
        lines = [
            f"{_title_html(event)}: {escape(when_text(event, reader_zone))}{during}",
            f"⏳ {escape(countdown_text(countdown(event, now)))}",
            f"ℹ️ {escape(status_note(event))}",
        ]
    return _answer_html(lines, [event.source, event.status_source])


def answer_where_html(
    event: Event, now: datetime, reader_zone: ZoneInfo | None = None, host: Event | None = None
) -> str:
    lines = [_dated_html(event, now, reader_zone)]
    if event.place:
        lines.append(f"📍 {escape(event.place)}")
    elif host is not None and host.place:
        lines.append(
            f"📍 None of its own: it is expected during the {escape(host.title)}, in {escape(host.place)}."
        )
    else:
        lines.append("📍 The file gives no place for it.")
        if event.note:
            lines.append(escape(event.note))
    sources = [event.source] + ([host.source] if host is not None else [])
    return _answer_html(lines, sources)


def answer_confirmed_html(
    event: Event, now: datetime, reader_zone: ZoneInfo | None = None, government: Government | None = None
) -> str:
    """Yes or not yet, for one government when the question names one, else for the event as a whole."""
    lines = [_dated_html(event, now, reader_zone), f"ℹ️ {escape(status_note(event))}"]
    if event.lifecycle is Lifecycle.PLANNED:
        if government is None:
            head = "Yes." if event.governments and not event.unconfirmed else "Not yet."
        elif government in event.confirmed_by:
            head = f"Yes: {escape(government.name)} has confirmed it."
        elif government in event.governments:
            head = f"Not yet: {escape(government.name)} has not confirmed it."
        else:
            head = f"{escape(government.name)} is not one of the governments named for it."
        lines.insert(0, head)
    return _answer_html(lines, [event.status_source])


def answer_who_confirmed_html(event: Event, now: datetime, reader_zone: ZoneInfo | None = None) -> str:
    confirmed = escape(_names(event.confirmed_by)) if event.confirmed_by else "no government yet"
    lines = [_dated_html(event, now, reader_zone), f"✅ Confirmed by: {confirmed}"]
    if event.unconfirmed and event.lifecycle is Lifecycle.PLANNED:
        lines.append(f"❔ Not yet confirmed by: {escape(_names(event.unconfirmed))}")
    lines.append(f"ℹ️ {escape(status_note(event))}")
    return _answer_html(lines, [event.status_source])


def answer_how_long_html(event: Event, now: datetime, reader_zone: ZoneInfo | None = None) -> str:
    left = countdown_text(countdown(event, now))
    when = past_when_text(event) if _is_over(event, now) else when_text(event, reader_zone)
    lines = [f"{_title_html(event)}: {escape(left)}", f"🗓 {escape(when)}", f"ℹ️ {escape(status_note(event))}"]
    return _answer_html(lines, [event.source, event.status_source])


def answer_past_html(event: Event, now: datetime, reader_zone: ZoneInfo | None = None) -> str:
    """What the file says happened; an event still to come is said to be so, never imagined."""
    if _is_over(event, now):
        lines = [_title_html(event), f"🗓 {escape(past_when_text(event))}", f"ℹ️ {escape(status_note(event))}"]
        if event.note:
            lines.append(escape(event.note))
    else:
        lines = [
            f"{_title_html(event)} has not happened yet.",
            f"🗓 {escape(when_text(event, reader_zone))}",
            f"⏳ {escape(countdown_text(countdown(event, now)))}",
            f"ℹ️ {escape(status_note(event))}",
        ]
    return _answer_html(lines, [event.source, event.status_source])


def answer_history_html(event: Event, now: datetime, reader_zone: ZoneInfo | None = None) -> str:
    """/event's history lines (each with its source), newest first, cut to fit one message."""
    lines = [_dated_html(event, now, reader_zone), "<b>History</b>"]
    if not event.history:
        return _answer_html([*lines, "No changes are recorded for it in the file."], [event.source])
    items = [escape(_history_line(h)) for h in sorted(event.history, key=lambda h: h.on, reverse=True)]
    return _answer_html(lines, [], items)


def answer_news_html(entries: Sequence[tuple[Event, HistoryItem]]) -> str:
    """The latest changes across all events, newest first, for “what's new?”."""
    if not entries:
        return _answer_html(["No changes are recorded in the file yet.", ANSWER_COMMANDS], [])
    items = [f"{_title_html(event)}\n{escape(_history_line(item))}" for event, item in entries]
    return _answer_html(["<b>Latest changes</b>"], [], items)


def answer_facts_html(facts: Sequence[tuple[Fact, Source]]) -> str:
    """The fact asked about, then the others the question names, each exactly as the file words it."""
    (first, _), *others = facts
    lines = [f"<b>{escape(first.title)}</b>", escape(first.text)]
    more = ["<b>Also in the file:</b>"] if others else []
    more += [f"• <b>{escape(fact.title)}</b>: {escape(fact.text)}" for fact, _ in others]
    return _answer_html(lines, [source for _, source in facts], more)


def answer_government_html(
    government: Government, events: Sequence[Event], now: datetime, reader_zone: ZoneInfo | None = None
) -> str:
    if not events:
        return _answer_html([f"No event in the file names {escape(government.name)}.", ANSWER_COMMANDS], [])
    lines = [f"<b>{escape(government.name)}</b> takes part in:"]
    items = [_line_html(event, now, reader_zone) for event in events]
    return _answer_html(lines, [event.status_source for event in events], items)


def answer_period_html(
    period: str,
    days: tuple[date, date],
    found: tuple[Sequence[Event], Sequence[Event]],
    now: datetime,
    reader_zone: ZoneInfo | None = None,
    asked: Event | None = None,
    later: Event | None = None,
) -> str:
    """``found`` is (surely in the period, possibly in it): a month-only date is never called certain."""
    label = PERIOD_NAMES.get(period, period)
    sure, maybe = found
    if asked is not None and asked not in (*sure, *maybe):
        lines = [
            f"{_title_html(asked)} is not expected {escape(label)} ({escape(days_text(*days))}).",
            f"🗓 {escape(when_text(asked, reader_zone))}",
            f"⏳ {escape(countdown_text(countdown(asked, now)))}",
        ]
        return _answer_html(lines, [asked.source])
    if not sure and not maybe:
        lines = [f"Nothing in the calendar for {escape(label)} ({escape(days_text(*days))})."]
        if later is None:
            return _answer_html([*lines, ANSWER_COMMANDS], [])
        lines.append(
            f"Next: {_title_html(later)}, {escape(when_text(later, reader_zone))}, "
            f"{escape(countdown_text(countdown(later, now)))}."
        )
        return _answer_html(lines, [later.source])
    items = [_line_html(event, now, reader_zone) for event in sure]
    if maybe:
        items.append("<b>Possibly</b> (date not fixed yet):")
        items += [_line_html(event, now, reader_zone) for event in maybe]
    head = f"<b>{escape(label[:1].upper() + label[1:])}</b> ({escape(days_text(*days))}):"
    return _answer_html([head], [event.source for event in (*sure, *maybe)], items)


def answer_unknown_html(suggestions: Sequence[Event]) -> str:
    """Said instead of guessing: the file is all the bot knows, and it does not cover the question."""
    lines = ["I don't know that: I can only answer from my events file, and it does not say."]
    if suggestions:
        lines.append("The closest events I know about:")
        lines += [f"• {_title_html(event)}" for event in suggestions]
    lines.append(ANSWER_COMMANDS)
    return _answer_html(lines, [event.source for event in suggestions])
