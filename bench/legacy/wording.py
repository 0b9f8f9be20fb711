"""What ``bot.answers`` says once it has worked out what was asked, in the asker's language.

Anything repeated from the events file ends with its source and date, so the reader can judge how
firm it is; an answer that states nothing from the file cites nothing; lists are cut short so that
an answer always fits in one Telegram message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.events import Event, Fact, Government, HistoryItem, Lifecycle, Source
from bot.wording.cards import event_line_html, history_line, title_html
from bot.wording.dates import countdown_of, is_over, span, when_text
from bot.wording.fit import fit_lines
from bot.wording.language import Language
from bot.wording.markup import bold
from bot.wording.status import names, source_line, status_note, text


def commands_hint(lang: Language) -> str:
    return lang._("Try /next for the next event, /events for the calendar, or /help.")


def prompt_html(lang: Language) -> str:
    return escape(
        lang._(
            "Ask me about the events I follow, for example “when is the summit?” or “is Putin's visit "
            "confirmed?”. {hint}"
        ).format(hint=commands_hint(lang))
    )


def foreign_html(lang: Language) -> str:
    """Said to a question in a language the bot does not speak, in the chat's own language."""
    return escape(
        lang._(
            "Sorry, I can only answer questions in English, Russian or Hindi, for example “when is the "
            "summit?”. {hint}"
        ).format(hint=commands_hint(lang))
    )


def too_long_html(lang: Language) -> str:
    return escape(
        lang._(
            "That answer is too long for one message. Try /events for the calendar, or ask about one event."
        )
    )


def _more(lang: Language) -> str:
    return escape(lang._("…and more: /events lists everything."))


def period_name(period: str, lang: Language) -> str:
    names_ = {
        "today": lang.pgettext("period", "today"),
        "tomorrow": lang.pgettext("period", "tomorrow"),
        "this_week": lang.pgettext("period", "this week"),
        "next_week": lang.pgettext("period", "next week"),
        "this_month": lang.pgettext("period", "this month"),
        "next_month": lang.pgettext("period", "next month"),
    }
    return names_.get(period, period)


def _sources_html(sources: Sequence[Source], lang: Language) -> str:
    return "\n".join(f"<i>{escape(source_line(s, lang))}</i>" for s in dict.fromkeys(sources))


def _answer(lines: Sequence[str], sources: Sequence[Source], lang: Language, more: Sequence[str] = ()) -> str:
    return fit_lines(lines, more, _sources_html(sources, lang), _more(lang))


def _dated(event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None) -> str:
    """The title with its date, worded as past or future as the moment requires."""
    return lang._("{title} — {when}").format(
        title=title_html(event, lang), when=escape(when_text(event, now, lang, reader_zone))
    )


def _status(event: Event, lang: Language) -> str:
    return f"ℹ️ {escape(status_note(event, lang))}"


def answer_when_html(
    event: Event,
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
    host: Event | None = None,
) -> str:
    if is_over(event, now):
        lines = [_dated(event, now, lang, reader_zone), _status(event, lang)]
        if event.note is not None:
            lines.append(escape(text(event.note, lang)))
    else:
        first = _dated(event, now, lang, reader_zone)
        if host is not None:
            first = lang._("{event} (during the {host})").format(
                event=first, host=escape(text(host.title, lang))
            )
        lines = [first, f"⏳ {escape(countdown_of(event, now, lang))}", _status(event, lang)]
    return _answer(lines, [event.source, event.status_source], lang)


def answer_where_html(
    event: Event,
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
    host: Event | None = None,
) -> str:
    lines = [_dated(event, now, lang, reader_zone)]
    if event.place is not None:
        lines.append(f"📍 {escape(text(event.place, lang))}")
        if host is not None:
            lines.append(
                escape(lang._("It is expected during the {host}.").format(host=text(host.title, lang)))
            )
    else:
        lines.append(escape(lang._("📍 The file gives no place for it.")))
        if event.note is not None:
            lines.append(escape(text(event.note, lang)))
    sources = [event.source] + ([host.source] if host is not None else [])
    return _answer(lines, sources, lang)


def answer_confirmed_html(
    event: Event,
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
    government: Government | None = None,
) -> str:
    """Yes or not yet, for one government when the question names one, else for the event as a whole."""
    lines = [_dated(event, now, lang, reader_zone), _status(event, lang)]
    if event.lifecycle is Lifecycle.PLANNED:
        if government is None:
            head = lang._("Yes.") if event.governments and not event.unconfirmed else lang._("Not yet.")
        else:
            name = text(government.name, lang)
            if government in event.confirmed_by:
                head = lang._("Yes: {government} has confirmed it.").format(government=name)
            elif government in event.governments:
                head = lang._("Not yet: {government} has not confirmed it.").format(government=name)
            else:
                head = lang._("{government} is not one of the governments named for it.").format(
                    government=name
                )
        lines.insert(0, escape(head))
    return _answer(lines, [event.status_source], lang)


def answer_who_confirmed_html(
    event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None
) -> str:
    confirmed = names(event.confirmed_by, lang) if event.confirmed_by else lang._("no government yet")
    lines = [
        _dated(event, now, lang, reader_zone),
        "✅ " + escape(lang._("Confirmed by: {governments}").format(governments=confirmed)),
    ]
    if event.unconfirmed and event.lifecycle is Lifecycle.PLANNED:
        pending = names(event.unconfirmed, lang)
        lines.append(
            "❔ " + escape(lang._("Not yet confirmed by: {governments}").format(governments=pending))
        )
    lines.append(_status(event, lang))
    return _answer(lines, [event.status_source], lang)


def answer_how_long_html(
    event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None
) -> str:
    lines = [
        f"{title_html(event, lang)}: {escape(countdown_of(event, now, lang))}",
        f"🗓 {escape(when_text(event, now, lang, reader_zone))}",
        _status(event, lang),
    ]
    return _answer(lines, [event.source, event.status_source], lang)


def answer_past_html(event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None) -> str:
    """What the file says happened; an event still to come is said to be so, never imagined."""
    if is_over(event, now):
        lines = [_dated(event, now, lang, reader_zone), _status(event, lang)]
        if event.note is not None:
            lines.append(escape(text(event.note, lang)))
    else:
        lines = [
            lang._("{title} has not happened yet.").format(title=title_html(event, lang)),
            f"🗓 {escape(when_text(event, now, lang, reader_zone))}",
            f"⏳ {escape(countdown_of(event, now, lang))}",
            _status(event, lang),
        ]
    return _answer(lines, [event.source, event.status_source], lang)


def answer_history_html(
    event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None
) -> str:
    """/event's history lines (each with its source), newest first, cut to fit one message."""
    lines = [_dated(event, now, lang, reader_zone), bold(lang._("History"))]
    if not event.history:
        return _answer(
            [*lines, escape(lang._("No changes are recorded for it in the file."))], [event.source], lang
        )
    items = [escape(history_line(h, lang)) for h in sorted(event.history, key=lambda h: h.on, reverse=True)]
    return _answer(lines, [], lang, items)


def answer_news_html(entries: Sequence[tuple[Event, HistoryItem]], lang: Language) -> str:
    """The latest changes across all events, newest first, for “what's new?”."""
    if not entries:
        return _answer(
            [escape(lang._("No changes are recorded in the file yet.")), escape(commands_hint(lang))],
            [],
            lang,
        )
    items = [f"{title_html(event, lang)}\n{escape(history_line(item, lang))}" for event, item in entries]
    return _answer([bold(lang._("Latest changes"))], [], lang, items)


def answer_facts_html(facts: Sequence[Fact], lang: Language) -> str:
    """The fact asked about, then the others the question names, each exactly as the file words it."""
    first, *others = facts
    lines = [f"<b>{escape(text(first.title, lang))}</b>", escape(text(first.text, lang))]
    more = [bold(lang._("Also in the file:"))] if others else []
    more += [f"• <b>{escape(text(fact.title, lang))}</b>: {escape(text(fact.text, lang))}" for fact in others]
    return _answer(lines, [fact.source for fact in facts], lang, more)


def answer_government_html(
    government: Government,
    events: Sequence[Event],
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
) -> str:
    name = text(government.name, lang)
    if not events:
        line = lang._("No event in the file names {government}.").format(government=name)
        return _answer([escape(line), escape(commands_hint(lang))], [], lang)
    lines = [lang._("<b>{government}</b> takes part in:").format(government=escape(name))]
    items = [event_line_html(event, now, lang, reader_zone) for event in events]
    return _answer(lines, [event.status_source for event in events], lang, items)


def answer_period_html(
    period: str,
    days: tuple[date, date],
    found: tuple[Sequence[Event], Sequence[Event]],
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
    asked: Event | None = None,
    later: Event | None = None,
) -> str:
    """``found`` is (surely in the period, possibly in it): a month-only date is never called certain."""
    label = period_name(period, lang)
    shown_days = span(*days, lang)
    sure, maybe = found
    if asked is not None and asked not in (*sure, *maybe):
        lines = [
            lang._("{title} is not expected {period} ({days}).").format(
                title=title_html(asked, lang), period=escape(label), days=escape(shown_days)
            ),
            f"🗓 {escape(when_text(asked, now, lang, reader_zone))}",
            f"⏳ {escape(countdown_of(asked, now, lang))}",
        ]
        return _answer(lines, [asked.source], lang)
    if not sure and not maybe:
        lines = [
            escape(
                lang._("Nothing in the calendar for {period} ({days}).").format(period=label, days=shown_days)
            )
        ]
        if later is None:
            return _answer([*lines, escape(commands_hint(lang))], [], lang)
        lines.append(
            lang._("Next: {title}, {when}, {countdown}.").format(
                title=title_html(later, lang),
                when=escape(when_text(later, now, lang, reader_zone)),
                countdown=escape(countdown_of(later, now, lang)),
            )
        )
        return _answer(lines, [later.source], lang)
    items = [event_line_html(event, now, lang, reader_zone) for event in sure]
    if maybe:
        items.append(bold(lang._("Possibly (date not fixed yet):")))
        items += [event_line_html(event, now, lang, reader_zone) for event in maybe]
    head = f"<b>{escape(label[:1].upper() + label[1:])}</b> ({escape(shown_days)}):"
    return _answer([head], [event.source for event in (*sure, *maybe)], lang, items)


def answer_unknown_html(suggestions: Sequence[Event], lang: Language) -> str:
    """Said instead of guessing: the file is all the bot knows, and it does not cover the question.

    It states nothing from the file, so it cites nothing.
    """
    lines = [escape(lang._("I don't know that: I can only answer from my events file, and it does not say."))]
    if suggestions:
        lines.append(escape(lang._("The closest events I know about:")))
        lines += [f"• {title_html(event, lang)}" for event in suggestions]
    lines.append(escape(commands_hint(lang)))
    return _answer(lines, [], lang)
