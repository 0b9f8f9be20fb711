"""Words in one form for comparing, whoever typed them and in whichever of the bot's scripts.

A question and the events file meet only through this module, so "Putin’s", "putins" and "PUTIN",
"Путина" and "Путин", "कहाँ" and "कहां" all become the same word. Stems come from the Snowball
stemmers of PyStemmer, chosen by each word's script (a Latin name inside a Russian question is
stemmed as English). Snowball's Russian stemmer gives "визит" → "виз" but "визита" → "визит", so a
stem is stemmed again until it stops changing: both then meet at "виз".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import regex
import Stemmer

MAX_QUESTION_CHARS = 500
MAX_WORDS = 40

_STEMMERS = {"LATIN": "english", "CYRILLIC": "russian", "DEVANAGARI": "hindi"}
_MENTION = regex.compile(r"(?<![\p{L}\p{N}_])@[\p{L}\p{N}_]{1,64}")
_TAG = regex.compile(r"</?[A-Za-z][^<>]{0,60}>")
_QUOTES = regex.compile(r"[’‘`´ʼ]")
_NOT = regex.compile(r"n't\b", regex.IGNORECASE)
_POSSESSIVE = regex.compile(r"(?<=\p{L})'s\b", regex.IGNORECASE)
_TOKEN = regex.compile(r"\$|%|\d+(?:[.,]\d+)?|[\p{L}\p{M}]+|[,;:!?.।]")
_BREAKS = frozenset(",;:!?.।")
_NUKTA = "\u093c"
_CHANDRABINDU, _ANUSVARA = "\u0901", "\u0902"


@dataclass(frozen=True)
class Word:
    """One word as typed (normalised) and as compared (stemmed; "met" as "meet")."""

    text: str
    stem: str
    acronym: bool = False
    """Typed in capitals in a question that is not ("US", "RT"): a name, never a stopword."""
    clause: int = 0
    """Which comma- or stop-separated part of the text the word is in."""
    capital: bool = False
    """Typed with a capital, or in a script without case (Devanagari): a misspelt name, more likely."""

    @property
    def is_number(self) -> bool:
        return self.text[:1].isdigit()


def script(char: str) -> str:
    """LATIN, CYRILLIC, DEVANAGARI, … from the character's Unicode name; "" for none."""
    return unicodedata.name(char, "").split(" ", 1)[0]


def clean(question: str) -> str:
    """The question without what Telegram or the user wraps around it: @mentions, HTML tags."""
    text = unicodedata.normalize("NFKC", question[:MAX_QUESTION_CHARS])
    return _MENTION.sub(" ", _TAG.sub(" ", text))


def _fold(char: str) -> str:
    """Accents off Latin letters ("Cuándo" = "cuando"); ё = е; Devanagari digits as ASCII ones."""
    if char.isdigit():
        return str(unicodedata.digit(char, 0)) if not char.isascii() else char
    if char == "ё":
        return "е"
    if script(char) == "LATIN":
        return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return char


def normalise(text: str) -> str:
    """Lower case, one apostrophe, Latin accents and Hindi nukta and chandrabindu folded away."""
    return _fold_all(_prepare(text).casefold())


def _prepare(text: str) -> str:
    """Everything ``normalise`` does but the case: "n't" is "not", a possessive "'s" goes."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace(_NUKTA, "").replace(_CHANDRABINDU, _ANUSVARA)
    text = _QUOTES.sub("'", text)
    text = _NOT.sub(" not", text)
    return _POSSESSIVE.sub("", text)


def _fold_all(text: str) -> str:
    return "".join(_fold(c) for c in unicodedata.normalize("NFC", text))


@cache
def _stemmer(algorithm: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(algorithm)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's Snowball stem for its script, stemmed again until it stops changing (at most thrice)."""
    algorithm = _STEMMERS.get(script(word[:1]))
    if algorithm is None:
        return word
    stemmer = _stemmer(algorithm)
    for _ in range(3):
        shorter = str(stemmer.stemWord(word))
        if shorter == word or not shorter:
            break
        word = shorter
    return word


def words(text: str, irregular: Mapping[str, str] | None = None, limit: int = MAX_WORDS) -> list[Word]:
    """The text's words in order, each normalised and stemmed; ``irregular`` maps forms such as
    "met" to the word the stemmer cannot reach ("meet")."""
    found: list[Word] = []
    capitals = set(_acronyms(text))
    clause = 0
    for typed in _TOKEN.findall(_prepare(text)):
        written = _fold_all(typed.casefold())
        if written in _BREAKS:
            clause += 1
            continue
        base = (irregular or {}).get(written, written)
        stemmed = written if written[:1].isdigit() or written in ("$", "%") else stem(base)
        found.append(Word(written, stemmed, written in capitals, clause, not typed[:1].islower()))
        if len(found) >= limit:
            break
    return found


def _acronyms(text: str) -> list[str]:
    """Words of two to five capitals, when the text also has small letters (not a shouted question)."""
    if not any(c.islower() for c in text):
        return []
    return [t.casefold() for t in regex.findall(r"\b\p{Lu}{2,5}\b", text)]


def number(word: Word) -> float | None:
    """A number as written ("68.7", "4,88", "2025"), or None."""
    if not word.is_number:
        return None
    return float(word.text.replace(",", "."))
