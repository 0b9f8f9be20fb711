"""The languages summitbot speaks, and how a Telegram client's language code picks one.

English is the source language and the fallback: the events file must give every text in English and
may add Russian and Hindi; the message catalogs translate every sentence into both.
"""

from __future__ import annotations

from typing import Literal, get_args

Lang = Literal["en", "ru", "hi"]
SUPPORTED: tuple[str, ...] = get_args(Lang)
DEFAULT = "en"
ENDONYMS = {"en": "English", "ru": "Русский", "hi": "हिन्दी"}
"""Each language named in itself, as a person looks for it on a button."""


def supported(code: str | None) -> str | None:
    """``ru``, ``ru-RU``, ``hi_IN`` → the language we speak; anything else (or nothing) → None."""
    primary = (code or "").strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in SUPPORTED else None


def pick(code: str | None) -> str:
    """A Telegram ``language_code`` → the language to speak: ours if we speak it, else English."""
    return supported(code) or DEFAULT
