"""What the bot shows about events when asked: /next, /events, /status and /event, in Telegram HTML.

Every dynamic part is escaped; every line opens and closes its own tags (so ``fit`` may cut between
lines); lists that grow with the calendar are cut to one message with a note saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.events import Event, HistoryItem, Source
from bot.timeline import NextUp
from bot.wording.dates import countdown_of, day, is_over, when_text
from bot.wording.fit import echoed, fit, fit_lines
from bot.wording.language import Language
from bot.wording.markup import bold
from bot.wording.status import source_line, source_text, status_note, text


def title_html(event: Event, lang: Language) -> str:
    return f"<b>{escape(text(event.title, lang))}</b>"


def place_text(event: Event, lang: Language) -> str:
    return text(event.place, lang) if event.place is not None else lang._("Place not announced")


def more_note(lang: Language) -> str:
    return lang._("…and more than fit in one message.")


def event_card_html(
    event: Event,
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
    *,
    countdown: bool = True,
) -> str:
    """Title, date, place, countdown, status, the file's note and the status's source."""
    lines = [
        title_html(event, lang),
        f"🗓 {escape(when_text(event, now, lang, reader_zone))}",
        f"📍 {escape(place_text(event, lang))}",
    ]
    if countdown:
        lines.append(f"⏳ {escape(countdown_of(event, now, lang))}")
    lines.append(f"ℹ️ {escape(status_note(event, lang))}")
    if event.note is not None:
        lines.append(escape(text(event.note, lang)))
    lines.append(f"<i>{escape(source_line(event.status_source, lang))}</i>")
    return fit("\n".join(lines))


def event_line_html(event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None) -> str:
    """One event on one line: for a coming one its date, countdown and place; for a past one what it was."""
    when = escape(when_text(event, now, lang, reader_zone))
    status = escape(status_note(event, lang))
    if is_over(event, now):
        return lang._("• {title}: {when}. {status}.").format(
            title=title_html(event, lang), when=when, status=status
        )
    values = {
        "title": title_html(event, lang),
        "when": when,
        "countdown": escape(countdown_of(event, now, lang)),
        "status": status,
    }
    if event.place is None:
        return lang._("• {title}: {when} ({countdown}). {status}.").format(**values)
    return lang._("• {title}: {when} ({countdown}), {place}. {status}.").format(
        place=escape(text(event.place, lang)), **values
    )


def next_html(
    next_up: NextUp | None, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None
) -> str:
    if next_up is None:
        return escape(
            lang._("No upcoming events in the calendar right now. I will tell subscribers when one is added.")
        )
    head = lang._("<b>Next:</b> {card}").format(card=event_card_html(next_up.event, now, lang, reader_zone))
    if not next_up.maybe_before:
        return head
    maybe = [escape(lang._("Possibly before that (date not fixed yet):"))]
    maybe += [
        lang._("• {title}: {when} ({countdown})").format(
            title=title_html(event, lang),
            when=escape(when_text(event, now, lang, reader_zone)),
            countdown=escape(countdown_of(event, now, lang)),
        )
        for event in next_up.maybe_before
    ]
    return fit_lines([head, ""], maybe, more_note=escape(more_note(lang)))


def events_html(
    upcoming: Sequence[Event],
    recent: Sequence[Event],
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
) -> str:
    lines = [event_line_html(e, now, lang, reader_zone) for e in upcoming] or [
        escape(lang._("Nothing scheduled."))
    ]
    if recent:
        lines += ["", bold(lang._("Recent"))]
        lines += [event_line_html(e, now, lang, reader_zone) for e in recent]
    return fit_lines([bold(lang._("Upcoming"))], lines, more_note=escape(more_note(lang)))


def _footnotes(sources: Sequence[Source], lang: Language) -> tuple[dict[Source, int], list[str]]:
    """Each distinct source numbered once, so a long source line is not repeated under every event."""
    numbers: dict[Source, int] = {}
    for source in sources:
        numbers.setdefault(source, len(numbers) + 1)
    lines = [f"<i>[{n}] {escape(source_text(source, lang))}</i>" for source, n in numbers.items()]
    return numbers, lines


def status_html(events: Sequence[Event], lang: Language) -> str:
    """/status: every upcoming event's status note, with its source once as a numbered footnote."""
    if not events:
        return escape(lang._("No upcoming events in the calendar right now."))
    numbers, notes = _footnotes([e.status_source for e in events], lang)
    lines = [
        f"• {title_html(e, lang)}: {escape(status_note(e, lang))} [{numbers[e.status_source]}]"
        for e in events
    ]
    head = bold(lang._("Status of upcoming events"))
    foot = "\n".join([bold(lang._("Sources")), *notes])
    return fit_lines([head], lines, foot="\n" + foot, more_note=escape(more_note(lang)))


def change_name(item: HistoryItem, lang: Language) -> str:
    names = {
        "reported": lang._("Reported"),
        "announced": lang._("Announced"),
        "confirmed": lang._("Confirmed"),
        "moved": lang._("Dates moved"),
        "place_changed": lang._("Place changed"),
        "postponed": lang._("Postponed"),
        "cancelled": lang._("Cancelled"),
        "held": lang._("Held"),
    }
    return names[item.change.value]


def history_line(item: HistoryItem, lang: Language) -> str:
    """``• 1 October 2025: Reported by Russia: note (source)``."""
    what = change_name(item, lang)
    if item.government is not None:
        what = lang._("{change} by {government}").format(
            change=what, government=text(item.government.name, lang)
        )
    if item.note is not None:
        what = lang._("{change}: {note}").format(change=what, note=text(item.note, lang))
    return lang._("• {date}: {what} ({source})").format(
        date=day(item.on, lang), what=what, source=source_text(item.source, lang)
    )


def history_lines(event: Event, lang: Language) -> list[str]:
    return [escape(history_line(h, lang)) for h in sorted(event.history, key=lambda h: h.on, reverse=True)]


def event_detail_html(
    event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None
) -> str:
    """/event: one event's card and its dated history, newest first."""
    card = event_card_html(event, now, lang, reader_zone)
    if not event.history:
        return card
    heading = bold(lang._("History"))
    return fit_lines([card, "", heading], history_lines(event, lang), more_note=escape(more_note(lang)))


def event_not_found(query: str, suggestions: Sequence[Event], lang: Language) -> str:
    """``query`` is quoted as typed, shortened by ``echoed``; empty means none was given (plain text)."""
    shown = echoed(query)
    if shown:
        head = lang._("I found no event called “{query}”.").format(query=shown)
    else:
        head = lang._("Which event? For example /event {example}.").format(
            example=suggestions[0].id if suggestions else "summit"
        )
    if not suggestions:
        return head
    tries = "; ".join(f"{text(e.title, lang)} (/event {e.id})" for e in suggestions)
    return lang._("{head} Try: {events}").format(head=head, events=tries)


# ---------------------------------------------------------------- sharing (inline mode)


def share_card_html(event: Event, now: datetime, lang: Language) -> str:
    """The card a user shares into another chat: read there later, so no countdown that would go stale
    (the date, the status and its dated source stay true); times in the event's own zone."""
    return event_card_html(event, now, lang, countdown=False)


def share_title(event: Event, lang: Language) -> str:
    """The result's title in the list under the user's typing (plain text)."""
    return text(event.title, lang)


def share_description(event: Event, now: datetime, lang: Language) -> str:
    """The line under the title in that list: when, and the status (plain text)."""
    return lang._("{when} · {status}").format(
        when=when_text(event, now, lang), status=status_note(event, lang)
    )
