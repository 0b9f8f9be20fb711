"""Making every message fit one Telegram message, whatever the file or the user supplied.

Telegram refuses a text over 4,096 characters, and a refused alert is an alert nobody gets. The events
file's limits keep a card well inside it; lists that grow with the calendar are cut here with a note,
echoed input is shortened, and ``fit`` is the last guard under every message the bot sends.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import regex

MESSAGE_LIMIT = 4096
ECHO_LIMIT = 64
_KEPT_FORMAT = frozenset("\u200c\u200d") | frozenset(chr(c) for c in range(0xE0020, 0xE0080))
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
    return _cut(flat, limit - 1).rstrip() + "…"


def _cut(text: str, limit: int) -> str:
    """The longest prefix of whole grapheme clusters within ``limit`` characters."""
    size = 0
    for cluster in regex.finditer(r"\X", text):
        if cluster.end() > limit:
            break
        size = cluster.end()
    return text[:size]


def fit_lines(lines: Sequence[str], more: Sequence[str] = (), foot: str = "", more_note: str = "") -> str:
    """``lines`` always; then as many of ``more`` as fit beside ``foot``, and ``more_note`` if any did not."""
    room = MESSAGE_LIMIT - len(foot) - len(more_note) - 2
    text = "\n".join(lines)
    for line in more:
        if len(text) + 1 + len(line) > room:
            text += "\n" + more_note
            break
        text += "\n" + line
    return f"{text}\n{foot}" if foot else text


def fit(html: str) -> str:
    """The last guard: whole lines from the end are dropped until the text fits, then "…" marks it.

    Every line the wording writes opens and closes its own tags, so a cut between lines leaves valid
    HTML. Its length counts the markup too, so what Telegram counts is shorter still.
    """
    if len(html) <= MESSAGE_LIMIT:
        return html
    lines = html.split("\n")
    while lines and len("\n".join(lines)) + 2 > MESSAGE_LIMIT:
        lines.pop()
    return "\n".join(lines) + "\n…" if lines else "…"
