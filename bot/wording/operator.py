"""What the operator reads: ``summitbot check``, ``plan`` and the calendar feed's texts (plain text).

``plan`` and the feed speak any of the bot's languages (``--lang``), so an operator can see exactly
what a Russian or Hindi reader will; the check's summary is for the operator alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.alerts import AlertKind, PlannedAlert
from bot.events import Event, Precision
from bot.timeline import NextUp
from bot.wording.dates import (
    countdown_of,
    dates_text,
    is_over,
    lead_text,
    moment,
    number,
    short_moment,
    when_text,
)
from bot.wording.language import ENGLISH, Language
from bot.wording.status import source_line, source_text, status_note, text


def check_ok(file: str, events: int, facts: int, alerts: int, lang: Language = ENGLISH) -> str:
    counts = ", ".join(
        [
            lang.ngettext("{n} event", "{n} events", events).format(n=number(events, lang)),
            lang.ngettext("{n} fact", "{n} facts", facts).format(n=number(facts, lang)),
            lang.ngettext("{n} alert planned", "{n} alerts planned", alerts).format(n=number(alerts, lang)),
        ]
    )
    return lang._("{file}: OK ({counts})").format(file=file, counts=counts)


def ics_written(file: str, events: int, lang: Language = ENGLISH) -> str:
    return lang.ngettext("{file}: wrote {n} event", "{file}: wrote {n} events", events).format(
        file=file, n=number(events, lang)
    )


def diff_nothing(old: str, new: str, lang: Language = ENGLISH) -> str:
    return lang._("{old} → {new}: no change worth a note").format(old=old, new=new)


def diff_removed(event_id: str, lang: Language = ENGLISH) -> str:
    return lang._("{event}: taken out of the file; subscribers are not told").format(event=event_id)


def diff_held(notes: int, limit: int, lang: Language = ENGLISH) -> str:
    """The edit notes more events at once than the running bot lets through without ``/release``."""
    return lang.ngettext(
        "This edit notes {n} event at once, more than {limit}: the running bot holds its notes until an "
        "operator sends /release.",
        "This edit notes {n} events at once, more than {limit}: the running bot holds its notes until an "
        "operator sends /release.",
        notes,
    ).format(n=number(notes, lang), limit=number(limit, lang))


def _alert_name(alert: PlannedAlert, lang: Language) -> str:
    if alert.lead is not None:
        return lead_text(alert.lead, lang)
    names = {
        AlertKind.TODAY: lang._("the “today” note"),
        AlertKind.MONTH: lang._("the “expected this month” note"),
        AlertKind.WINDOW: lang._("the “expected from today” note"),
    }
    return names.get(alert.kind, str(alert.kind))


def plan_report(
    upcoming: Sequence[Event],
    next_up: NextUp | None,
    recent: Sequence[Event],
    alerts: Sequence[PlannedAlert],
    now: datetime,
    zone: ZoneInfo,
    lang: Language = ENGLISH,
) -> str:
    """Upcoming events with everything a reader would be told, then the recent ones and every alert still
    to come: the same sentences the bot uses, so an operator checks an edit by reading this."""
    lines = [lang._("As of {moment}").format(moment=moment(now, zone, lang)), "", lang._("Upcoming events:")]
    for i, event in enumerate(upcoming, start=1):
        mark = lang._("  <- next dated event") if next_up is not None and event is next_up.event else ""
        lines.append(f"  {i}. {text(event.title, lang)} [{event.id}]{mark}")
        rows = (
            (lang._("when"), f"{when_text(event, now, lang)} ({event.zone.key})"),
            (
                lang._("place"),
                text(event.place, lang) if event.place is not None else lang._("not announced"),
            ),
            (lang._("count"), countdown_of(event, now, lang)),
            (lang._("status"), status_note(event, lang)),
            (lang._("source"), source_text(event.status_source, lang)),
        )
        width = max(len(label) for label, _ in rows) + 1
        lines += [f"     {(label + ':').ljust(width)} {value}" for label, value in rows]
    if not upcoming:
        lines.append("  " + lang._("none"))
    lines += ["", lang._("Recent:")]
    lines += [
        f"  - {text(e.title, lang)} [{e.id}]: {when_text(e, now, lang)}; {status_note(e, lang)}"
        for e in recent
    ] or ["  " + lang._("none")]
    head = lang.ngettext(
        "Alert schedule ({n} alert still to come):", "Alert schedule ({n} alerts still to come):", len(alerts)
    )
    lines += ["", head.format(n=number(len(alerts), lang))]
    lines += [
        f"  {short_moment(alert.moment, zone, lang)}  {alert.event.id}  {_alert_name(alert, lang)}"
        for alert in alerts
    ] or ["  " + lang._("none")]
    return "\n".join(lines)


def ics_summary(event: Event, now: datetime, lang: Language = ENGLISH) -> str:
    """A calendar shows a month or a window as an all-day span; while it is still to come, the title must
    not pretend the whole span is booked. Once over, it is simply what happened."""
    title = text(event.title, lang)
    if event.when.precision in (Precision.MONTH, Precision.WINDOW) and not is_over(event, now):
        return lang._("Expected: {title}").format(title=title)
    return title


def ics_description(event: Event, now: datetime, lang: Language = ENGLISH) -> str:
    lines = [
        lang._("Date: {when}").format(when=dates_text(event.when, lang, past=is_over(event, now))),
        status_note(event, lang),
    ]
    if event.note is not None:
        lines.append(text(event.note, lang))
    lines.append(source_line(event.status_source, lang))
    return "\n".join(lines)
