"""Status notes and sources, in the reader's language: who has confirmed what, and who said so.

The note is never typed by hand: it follows from the event's lifecycle, its governments and which of
them confirmed (README, "How the status note is derived").
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.events import Event, Government, Lifecycle, Localized, Source
from bot.wording.dates import day, listing
from bot.wording.language import Language


def text(value: Localized, lang: Language) -> str:
    """A text of the events file in ``lang``, or in English where the file has no translation."""
    return value.in_(lang.code)


def names(governments: Sequence[Government], lang: Language) -> str:
    return listing([text(g.name, lang) for g in governments], lang)


def lifecycle_note(lifecycle: Lifecycle, lang: Language) -> str:
    notes = {
        Lifecycle.PLANNED: lang._("Planned"),
        Lifecycle.POSTPONED: lang._("Postponed"),
        Lifecycle.CANCELLED: lang._("Cancelled"),
        Lifecycle.HELD: lang._("Held"),
    }
    return notes[lifecycle]


def status_note(event: Event, lang: Language) -> str:
    """Derived from the file's confirmations and lifecycle, never typed by hand."""
    if event.lifecycle is not Lifecycle.PLANNED:
        return lifecycle_note(event.lifecycle, lang)
    involved, confirmed, pending = event.governments, event.confirmed_by, event.unconfirmed
    if not involved:
        return lang._("Not officially confirmed")
    if not pending:
        if len(involved) == 1:
            return lang._("Confirmed by {government}").format(government=names(involved, lang))
        if len(involved) == 2:
            return lang._("Confirmed by both governments")
        return lang._("Confirmed by all governments")
    if not confirmed:
        if len(involved) == 1:
            return lang._("Not yet confirmed by {government}").format(government=names(involved, lang))
        if len(involved) == 2:
            return lang._("Unconfirmed by either government")
        return lang._("Unconfirmed by any government")
    return lang._("Confirmed by {confirmed}; not yet by {pending}").format(
        confirmed=names(confirmed, lang), pending=names(pending, lang)
    )


def source_text(source: Source, lang: Language) -> str:
    """``Sources familiar with the planning: News report … (1 October 2025)``."""
    return lang._("{by}: {title} ({date})").format(
        by=text(source.by, lang), title=text(source.title, lang), date=day(source.date, lang)
    )


def source_line(source: Source, lang: Language) -> str:
    return lang._("Source: {source}").format(source=source_text(source, lang))
