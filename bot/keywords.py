"""Words people type after a command, in any of the bot's languages (``bot/data/keywords.yaml``).

Data, not code: a translator adds a language's words to the file. Python only compares.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

FILE = "keywords.yaml"


@cache
def _table() -> dict[str, dict[str, frozenset[str]]]:
    text = resources.files("bot").joinpath("data", FILE).read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    table: dict[str, dict[str, frozenset[str]]] = {}
    for meaning, by_lang in raw.items():
        for lang, words in by_lang.items():
            if not all(isinstance(word, str) for word in words):  # YAML reads a bare off or no as false
                raise ValueError(f"{FILE}: {meaning}.{lang}: quote every word ({words!r})")
            table.setdefault(str(meaning), {})[str(lang)] = frozenset(word.casefold() for word in words)
    return table


def load() -> None:
    """Read the words now, so a broken file stops the bot's start rather than a reply."""
    _table()


def means(typed: str, meaning: str) -> bool:
    """Whether ``typed`` is one of the words for ``meaning`` in any language ("all", "все", "सभी")."""
    word = " ".join(typed.casefold().split())
    return any(word in words for words in _table()[meaning].values())


def language_named(typed: str) -> str | None:
    """The language a typed name or code means ("русский", "hindi", "en"), if any."""
    word = " ".join(typed.casefold().split())
    return next((lang for lang, words in _table()["language"].items() if word in words), None)
