"""Which language a question is in, by its letters' script; Latin-script Hindi by its words.

Cyrillic is read as Russian and Devanagari as Hindi; Latin as English unless one of the words only
Hinglish uses occurs ("putin kab aa rahe hain?"), in which case the question is read over the English
file texts with the romanized Hindi words, and answered in the chat's language. Any other script is a
language the bot does not speak.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from bot.answers.text import script

Code = Literal["en", "ru", "hi"]
_SCRIPTS: dict[str, Code] = {"LATIN": "en", "CYRILLIC": "ru", "DEVANAGARI": "hi"}


def letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def detect(text: str) -> Code | None:
    """The language of the script most of the letters are in; None for a script the bot does not read."""
    counts = Counter(script(c) for c in letters(text))
    if not counts:
        return None
    best, _ = max(counts.items(), key=lambda item: (item[1], item[0] in _SCRIPTS))
    return _SCRIPTS.get(best)
