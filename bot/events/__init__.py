"""The events file: its schema, its safe loading, and the frozen, zone-aware values the bot reads.

The operator edits YAML by hand as news develops, so every mistake comes back as one line naming the
file, the line and the field (``EventsFileError``), never a traceback. Past this package every date is
an aware datetime in a real zone (``zoneinfo``) and every text a ``Localized``; nothing downstream
parses or guesses. Its parts: ``model`` (the values), ``fields`` (each value's form and limits),
``schema`` (the file as written, and its cross-checks), ``yamlfile`` (YAML within budgets),
``loading`` (reading a file, totally) and ``problems`` (the error lines).
"""

from bot.events.fields import format_lead, midnight, month_end, parse_lead, printable, readable
from bot.events.loading import load_events, parse_events, parse_events_file, read_events_file
from bot.events.model import (
    Catalog,
    Change,
    Event,
    Fact,
    Government,
    HistoryItem,
    Lifecycle,
    Localized,
    Names,
    Precision,
    Source,
    When,
)
from bot.events.problems import EventsFileError, Problem

__all__ = [
    "Catalog",
    "Change",
    "Event",
    "EventsFileError",
    "Fact",
    "Government",
    "HistoryItem",
    "Lifecycle",
    "Localized",
    "Names",
    "Precision",
    "Problem",
    "Source",
    "When",
    "format_lead",
    "load_events",
    "midnight",
    "month_end",
    "parse_events",
    "parse_events_file",
    "parse_lead",
    "printable",
    "read_events_file",
    "readable",
]
