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

from bot.events import Event, Fact, Government, HistoryItem, Lifecycle, Precision, Source, When
from bot.wording.cards import event_card_html, event_line_html, history_line, title_html
from bot.wording.dates import countdown_of, dates_text, day, is_over, number, span, when_text
from bot.wording.fit import fit_lines
from bot.wording.language import Language
from bot.wording.markup import bold
from bot.wording.status import names, source_line, source_text, status_note, text

UTC_ZONE = ZoneInfo("UTC")
"""The zone of a period's month or year as worded: a calendar month has no zone."""
NOTED_EVENTS = 3
"""A period listing this many events or fewer also says what happened at the past ones."""


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


def period_label(kind: str, first: date, last: date, count: int, lang: Language) -> str:
    """A period as the answers name it, in words that fit "nothing in the calendar …" and "… is not
    expected …": "next week", "in the next 3 months", "before the end of the year", "in December 2025"."""
    fixed = {
        "today": lambda: lang.pgettext("period", "today"),
        "tomorrow": lambda: lang.pgettext("period", "tomorrow"),
        "yesterday": lambda: lang.pgettext("period", "yesterday"),
        "this_week": lambda: lang.pgettext("period", "this week"),
        "next_week": lambda: lang.pgettext("period", "next week"),
        "last_week": lambda: lang.pgettext("period", "last week"),
        "this_month": lambda: lang.pgettext("period", "this month"),
        "next_month": lambda: lang.pgettext("period", "next month"),
        "last_month": lambda: lang.pgettext("period", "last month"),
        "this_year": lambda: lang.pgettext("period", "this year"),
        "next_year": lambda: lang.pgettext("period", "next year"),
        "last_year": lambda: lang.pgettext("period", "last year"),
        "year_end": lambda: lang.pgettext("period", "before the end of the year"),
        "month_end": lambda: lang.pgettext("period", "before the end of the month"),
        "week_end": lambda: lang.pgettext("period", "before the end of the week"),
        "day": lambda: lang.pgettext("period", "on that day"),
        "until": lambda: lang.pgettext("period", "until {day}").format(day=day(last, lang)),
        "month": lambda: dates_text(When(Precision.MONTH, UTC_ZONE, first, first), lang, past=True),
        "year": lambda: dates_text(When(Precision.YEAR, UTC_ZONE, first, first), lang, past=True),
    }
    if kind in fixed:
        return fixed[kind]()
    spans = {
        "next_days": lambda: lang.ngettext("in the next {n} day", "in the next {n} days", count),
        "next_weeks": lambda: lang.ngettext("in the next {n} week", "in the next {n} weeks", count),
        "next_months": lambda: lang.ngettext("in the next {n} month", "in the next {n} months", count),
        "next_years": lambda: lang.ngettext("in the next {n} year", "in the next {n} years", count),
        "last_days": lambda: lang.ngettext("in the last {n} day", "in the last {n} days", count),
        "last_weeks": lambda: lang.ngettext("in the last {n} week", "in the last {n} weeks", count),
        "last_months": lambda: lang.ngettext("in the last {n} month", "in the last {n} months", count),
        "last_years": lambda: lang.ngettext("in the last {n} year", "in the last {n} years", count),
    }
    return spans[kind]().format(n=number(count, lang))


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


def _listed(event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None, notes: bool) -> str:
    """One event of a period; a past one with what the file says happened, when there is room."""
    line = event_line_html(event, now, lang, reader_zone)
    if notes and is_over(event, now) and event.note is not None:
        return f"{line}\n{escape(text(event.note, lang))}"
    return line


def answer_period_html(
    label: str,
    days: tuple[date, date],
    found: tuple[Sequence[Event], Sequence[Event]],
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
    later: Event | None = None,
) -> str:
    """``found`` is (surely in the period, possibly in it): a month-only date is never called certain."""
    shown_days = span(*days, lang)
    sure, maybe = found
    if not sure and not maybe:
        lines = [
            escape(lang._("Nothing in the calendar {period} ({days}).").format(period=label, days=shown_days))
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
    notes = len(sure) + len(maybe) <= NOTED_EVENTS
    items = [_listed(event, now, lang, reader_zone, notes) for event in sure]
    if maybe:
        items.append(bold(lang._("Possibly (date not fixed yet):")))
        items += [_listed(event, now, lang, reader_zone, notes) for event in maybe]
    head = f"<b>{escape(label[:1].upper() + label[1:])}</b> ({escape(shown_days)}):"
    return _answer([head], [event.source for event in (*sure, *maybe)], lang, items)


def answer_in_period_html(
    event: Event,
    verdict: str | None,
    label: str,
    days: tuple[date, date],
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
) -> str:
    """Yes, possibly or no: whether one event falls in the period asked about, with its real date."""
    if verdict == "sure":
        head = escape(lang._("Yes."))
    elif verdict == "maybe":
        head = escape(lang._("Possibly: its date is not fixed yet."))
    else:
        head = not_in_period_html(event, label, days, now, lang)
    lines = [head, _dated(event, now, lang, reader_zone)]
    if not is_over(event, now):
        lines.append(f"⏳ {escape(countdown_of(event, now, lang))}")
    lines.append(_status(event, lang))
    if is_over(event, now) and event.note is not None:
        lines.append(escape(text(event.note, lang)))
    return _answer(lines, [event.source, event.status_source], lang)


def not_in_period_html(
    event: Event, label: str, days: tuple[date, date], now: datetime, lang: Language
) -> str:
    """The line correcting a period the question took for granted ("is the summit on 10 December?")."""
    values = {"title": title_html(event, lang), "period": escape(label), "days": escape(span(*days, lang))}
    if is_over(event, now):
        line = lang._("{title} did not take place {period} ({days}).").format(**values)
    else:
        line = lang._("{title} is not expected {period} ({days}).").format(**values)
    no = lang._("No.")
    return f"{escape(no)} {line}"


def dont_know_html(lang: Language) -> str:
    return escape(lang._("I don't know that: I can only answer from my events file, and it does not say."))


def answer_unknown_html(suggestions: Sequence[Event], lang: Language) -> str:
    """Said instead of guessing: the file is all the bot knows, and it does not cover the question.

    It states nothing from the file, so it cites nothing.
    """
    lines = [dont_know_html(lang)]
    if suggestions:
        lines.append(escape(lang._("The closest events I know about:")))
        lines += [f"• {title_html(event, lang)}" for event in suggestions]
    lines.append(escape(commands_hint(lang)))
    return _answer(lines, [], lang)


# ---------------------------------------------------------------- premises, corrected first


def precision_html(
    event: Event, asked: str, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None
) -> str | None:
    """Said first when a question asks for more than the file knows: a time of day ("what time does
    it start?") of an event known to the day, or the exact day of one known to the month or a window."""
    precision = event.when.precision
    if precision is Precision.EXACT or (asked == "day" and precision in (Precision.DAY, Precision.SPAN)):
        return None
    when = when_text(event, now, lang, reader_zone)
    if precision in (Precision.DAY, Precision.SPAN):
        days = (event.when.last - event.when.first).days + 1
        line = lang.ngettext(
            "The file gives no time of day, only the date: {when}",
            "The file gives no time of day, only the dates: {when}",
            days,
        )
    elif is_over(event, now):
        line = lang._("The file gives no exact date for it, only: {when}")
    else:
        line = lang._("The exact date is not known yet, only: {when}")
    return escape(line.format(when=when))


def not_first_html(earlier: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None) -> str:
    """ "This is his first visit, right?" when the file records an earlier one of the same kind."""
    return lang._("No: the file records an earlier one, {title} ({when}).").format(
        title=title_html(earlier, lang), when=escape(when_text(earlier, now, lang, reader_zone))
    )


def not_called_off_html(event: Event, lang: Language) -> str:
    return lang._("No: {title} has not been called off.").format(title=title_html(event, lang))


def not_postponed_html(event: Event, lang: Language) -> str:
    return lang._("No: {title} has not been postponed.").format(title=title_html(event, lang))


def not_confirmed_by_html(government: Government, lang: Language) -> str:
    """The claim "since Moscow confirmed it" corrected, before the question is answered."""
    return escape(
        lang._("Not so: {government} has not confirmed it.").format(government=text(government.name, lang))
    )


def not_confirmed_html(event: Event, lang: Language) -> str:
    return escape(
        lang._("Not so: it is not officially confirmed ({status}).").format(status=status_note(event, lang))
    )


def figure_html(verdict: str, lang: Language) -> str:
    """Whether the figure a question assumes is the file's: ``same``, ``other`` or ``none`` given."""
    lines = {
        "same": lambda: lang._("Yes: that is the figure the file gives."),
        "other": lambda: lang._("No: the file gives a different figure."),
        "none": lambda: lang._("The file gives no such figure."),
    }
    return escape(lines[verdict]())


def place_html(verdict: str, place: str, lang: Language) -> str:
    """The place a question assumes, checked: ``same``, ``other``, or ``unknown`` (a name the file lacks)."""
    lines = {
        "same": lambda: lang._("Yes: the file gives {place} as the place."),
        "other": lambda: lang._("No: the file gives {place} as the place."),
        "unknown": lambda: lang._("The file gives {place} as the place."),
    }
    return escape(lines[verdict]().format(place=place))


# ---------------------------------------------------------------- more structured answers


def _host_line(event: Event, lang: Language) -> str | None:
    if event.host is None:
        return None
    return "🏳 " + escape(lang._("Host: {government}").format(government=text(event.host.name, lang)))


def answer_place_html(
    event: Event,
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
    host: Event | None = None,
) -> str:
    """Where, with the host country: "which country is Putin heading to?" is answered by the host."""
    html = answer_where_html(event, now, lang, reader_zone, host)
    line = _host_line(event if host is None or event.host is not None else host, lang)
    if line is None:
        return html
    head, _, rest = html.partition("\n")
    return f"{head}\n{line}\n{rest}"


def answer_duration_html(
    event: Event,
    now: datetime,
    lang: Language,
    reader_zone: ZoneInfo | None = None,
    host: Event | None = None,
) -> str:
    """How long an event lasts, only where the file's dates say: a span's days, never a guess."""
    if event.when.precision in (Precision.DAY, Precision.SPAN) and event.during is None:
        days = (event.when.last - event.when.first).days + 1
        length = lang.ngettext("{n} day", "{n} days", days).format(n=number(days, lang))
        line = "⏱ " + escape(lang._("Duration: {days}").format(days=length))
    else:
        line = "⏱ " + escape(lang._("The file does not say how long it lasts."))
    lines = [_dated(event, now, lang, reader_zone), line]
    if host is not None:
        lines.append(escape(lang._("It is expected during the {host}.").format(host=text(host.title, lang))))
    if not is_over(event, now):
        lines.append(f"⏳ {escape(countdown_of(event, now, lang))}")
    lines.append(_status(event, lang))
    return _answer(lines, [event.source, event.status_source], lang)


def answer_parties_html(
    event: Event, now: datetime, lang: Language, reader_zone: ZoneInfo | None = None
) -> str:
    """Who takes part: the governments the file names, then the event's card (its note names people)."""
    lines = []
    if event.governments:
        governments = names(event.governments, lang)
        lines.append("🏛 " + escape(lang._("Governments: {governments}").format(governments=governments)))
    host = _host_line(event, lang)
    if host is not None:
        lines.append(host)
    return "\n".join([*lines, event_card_html(event, now, lang, reader_zone)])


def answer_sources_html(sources: Sequence[Source], lang: Language) -> str:
    """Who said what the file holds, and when."""
    lines = [bold(lang._("Everything I know comes from:"))]
    lines += [f"• {escape(source_text(source, lang))}" for source in dict.fromkeys(sources)]
    return _answer(lines, [], lang)


def quote(sentence: str, lang: Language) -> str:
    """The sentence in quotation marks, unless it opens with one itself (a source quoted by the file)."""
    if sentence[:1] in '"“«„':
        return sentence
    return lang._("“{text}”").format(text=sentence)


def answer_passages_html(
    groups: Sequence[tuple[str, Sequence[str]]],
    sources: Sequence[Source],
    lang: Language,
    head: Sequence[str] = (),
) -> str:
    """Sentences of the file quoted as they stand, under the title of what they are about, with sources."""
    lines = list(head)
    for title, sentences in groups:
        lines.append(f"<b>{escape(title)}</b>")
        lines += [escape(quote(sentence, lang)) for sentence in sentences]
    return _answer(lines, sources, lang)
