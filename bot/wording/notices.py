"""What the bot pushes without being asked: reminders before an event and notes when it changes.

Each is worded in the reader's language and zone at the moment it is written; a reminder sent late
says when it was due, and a note says what changed, old → new, with the status now and its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from bot.alerts import AlertKind, PlannedAlert
from bot.changes import ChangeItem, ChangeKind
from bot.events import Event, Government, Lifecycle, Localized, When
from bot.wording.cards import place_text, title_html
from bot.wording.dates import countdown_of, dates_text, listing, short_moment, when_text
from bot.wording.fit import fit, fit_lines
from bot.wording.language import Language
from bot.wording.markup import bold, italic
from bot.wording.status import source_line, status_note, text

LATE_AFTER = timedelta(minutes=2)


def alert_html(
    alert: PlannedAlert, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None
) -> str:
    """A reminder, worded at its own moment (a broadcast starts early), or at ``now`` when it is late."""
    event = alert.event
    title = title_html(event, lang)
    if alert.kind is AlertKind.TODAY:
        head = lang._("📅 Today: {title}").format(title=title)
    elif alert.kind is AlertKind.MONTH:
        head = lang._("📅 Expected this month: {title}. No day has been announced yet.").format(title=title)
    elif alert.kind is AlertKind.WINDOW:
        head = lang._("📅 Expected from today: {title}. No day has been announced yet.").format(title=title)
    else:
        left = countdown_of(event, max(alert.moment, now), lang)
        head = lang._("⏰ {title} {countdown}").format(title=title, countdown=escape(left))
    lines = [head]
    if now - alert.moment > LATE_AFTER:
        due = short_moment(alert.moment, reader_zone or event.zone, lang)
        lines.append(italic(lang._("(Late: this reminder was due {moment}.)").format(moment=due)))
    lines += [
        f"🗓 {escape(when_text(event, now, lang, reader_zone))}",
        f"📍 {escape(place_text(event, lang))}",
        f"ℹ️ {escape(status_note(event, lang))}",
        f"<i>{escape(source_line(event.status_source, lang))}</i>",
    ]
    return fit("\n".join(lines))


def _governments(names: Iterable[str], known: Iterable[Government], lang: Language) -> str:
    """Governments a note remembers by their English names, said in ``lang`` when the file still has them."""
    by_name = {g.name.en: g for g in known}
    return listing([text(by_name[n].name, lang) if n in by_name else n for n in names], lang)


def _place(value: Localized | None, lang: Language) -> str:
    return text(value, lang) if value is not None else lang._("not announced")


def _dates(value: When | None, lang: Language, reader_zone: ZoneInfo | None) -> str:
    return dates_text(value, lang, reader_zone) if value is not None else "?"


def _lifecycle_news(lifecycle: str, lang: Language) -> str:
    news = {
        Lifecycle.PLANNED.value: lang._("Back on the calendar"),
        Lifecycle.POSTPONED.value: lang._("Postponed"),
        Lifecycle.CANCELLED.value: lang._("Cancelled"),
        Lifecycle.HELD.value: lang._("Held"),
    }
    return news.get(lifecycle, lifecycle)


def change_line(
    item: ChangeItem,
    event: Event,
    governments: Iterable[Government],
    lang: Language,
    reader_zone: ZoneInfo | None = None,
) -> str:
    """One change, old → new, as a plain sentence."""
    if item.kind is ChangeKind.ADDED:
        return lang._("New in the calendar: {when}").format(when=dates_text(event.when, lang, reader_zone))
    if item.kind is ChangeKind.CONFIRMED:
        status = status_note(event, lang)
        return lang._("Now {status}").format(status=status[:1].lower() + status[1:])
    if item.kind is ChangeKind.UNCONFIRMED:
        return lang._("No longer confirmed by {governments}").format(
            governments=_governments(item.names, governments, lang)
        )
    if item.kind is ChangeKind.LIFECYCLE:
        return _lifecycle_news(str(item.new), lang)
    if item.kind is ChangeKind.MOVED:
        return lang._("Dates moved: {old} → {new}").format(
            old=_dates(item.old_when, lang, reader_zone), new=_dates(item.new_when, lang, reader_zone)
        )
    return lang._("Place changed: {old} → {new}").format(
        old=_place(item.old_place, lang), new=_place(item.new_place, lang)
    )


def change_note_html(
    event: Event,
    items: Sequence[ChangeItem],
    governments: Iterable[Government],
    lang: Language,
    reader_zone: ZoneInfo | None = None,
) -> str:
    """A status note pushed to subscribers: what changed (old → new), the status now, and its source."""
    known = tuple(governments)
    lines = [lang._("🔔 {title}: update").format(title=title_html(event, lang))]
    lines += [f"• {escape(change_line(item, event, known, lang, reader_zone))}" for item in items]
    lines += [
        f"ℹ️ {escape(status_note(event, lang))}",
        f"<i>{escape(source_line(event.status_source, lang))}</i>",
    ]
    return fit("\n".join(lines))


def snooze_label(option: str, lang: Language) -> str:
    """The button under an alert for one snooze option (``bot.snooze.Option``)."""
    labels = {
        "3h": lang._("In 3 hours"),
        "tm": lang._("Tomorrow morning"),
        "1d": lang._("1 day before"),
        "1h": lang._("1 hour before"),
    }
    return labels.get(option, option)


def snoozed_html(event: Event, at: datetime, lang: Language, reader_zone: ZoneInfo | None = None) -> str:
    """The reminder a chat asked for with a snooze button, worded as of the moment it goes out."""
    left = countdown_of(event, at, lang)
    head = lang._("🔁 Reminder, as you asked: {title} {countdown}").format(
        title=title_html(event, lang), countdown=escape(left)
    )
    lines = [
        head,
        f"🗓 {escape(when_text(event, at, lang, reader_zone))}",
        f"📍 {escape(place_text(event, lang))}",
        f"ℹ️ {escape(status_note(event, lang))}",
    ]
    return fit("\n".join(lines))


def digest_html(held: Sequence[str], lang: Language) -> str:
    """What waited for the end of a chat's quiet hours, as one message: as many as fit, then a note."""
    head = bold(
        lang.ngettext(
            "🌅 While your quiet hours were on, {n} message waited:",
            "🌅 While your quiet hours were on, {n} messages waited:",
            len(held),
        ).format(n=len(held))
    )
    more = escape(lang._("More waited than fit in one message; /events shows every event."))
    return fit_lines([head], [f"\n{text}" for text in held], more_note=more)
