"""Answers to questions typed in plain words, in English, Russian or Hindi: only from the events file.

The bot has no language model and must never say more than the operator's file does, yet people ask
"who has signed off on the summit so far?", "Когда Путин приедет в Индию?", "पुतिन कब आएंगे?" or
"since Moscow confirmed it, which day does he land?". So a question goes through small, pure steps:

- ``text``: mentions and markup stripped, words normalised and stemmed (PyStemmer's Snowball stemmers);
- ``language``: English, Russian or Hindi by the script (Hinglish by its words), else a polite reply;
- ``intents``: the language file's words (``bot/data/answers/<lang>.yaml``) read the intent, the period
  and the premises; misspelt words are pulled to the file's own (rapidfuzz);
- ``passages``: every statement of the file, in each of its languages, indexed once per catalog;
- ``retrieval``: the subject and the sentences that answer, ranked with ``bm25s``, and how confident;
- ``premises``: what the question takes for granted, checked first;
- ``compose``: the reply, worded by ``bot.wording.answers`` in the question's language.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.answers import compose, intents, language, passages
from bot.answers.lexicon import for_language
from bot.answers.lexicon import load as load_words
from bot.answers.text import clean
from bot.events import Catalog
from bot.wording import answers as say
from bot.wording.fit import MESSAGE_LIMIT
from bot.wording.language import ENGLISH, Language
from bot.wording.language import language as language_of

__all__ = ["answer", "load_words"]


def answer(
    catalog: Catalog, now: datetime, question: str, lang: Language, reader_zone: ZoneInfo | None = None
) -> str:
    """Telegram HTML answering ``question`` from ``catalog`` as of ``now``; never longer than a message.

    ``lang`` is the chat's language: the answer is in the question's language when the bot speaks it
    (Hinglish, in the chat's), and a question in another language is told so in the chat's.
    """
    html = _answer(catalog, now, question, lang, reader_zone)
    return html if len(html) <= MESSAGE_LIMIT else say.too_long_html(lang)


def _answer(catalog: Catalog, now: datetime, question: str, chat: Language, zone: ZoneInfo | None) -> str:
    text = clean(question)
    if not language.letters(text):
        return say.prompt_html(chat)
    code = language.detect(text)
    if code is None:
        return say.foreign_html(chat)
    words = for_language(code).words(text)
    if code == "en" and intents.is_hinglish(words, for_language("hi-Latn")):
        reading_words, reply, search = for_language("hi-Latn"), chat, ENGLISH
    else:
        reading_words, reply = for_language(code), language_of(code)
        search = reply
    index = passages.index(catalog, search)
    today = now.astimezone(zone or catalog.zone).date()
    reading = intents.read(words, reading_words, index, today)
    composer = compose.Composer(
        catalog=catalog,
        now=now,
        zone=zone,
        lang=reply,
        index=index,
        shown=passages.index(catalog, reply),
        reading=reading,
        today=today,
    )
    return composer.reply()
