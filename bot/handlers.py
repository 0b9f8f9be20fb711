"""Telegram handlers: each one reads the update, asks ``Summit`` and replies with what it returns.

As in python-telegram-bot's examples, handlers are short and delegate; no wording or date formatting
happens here. Edited messages are ignored on purpose: answering an edit would answer twice.
"""

from __future__ import annotations

import logging
from typing import cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.languages import SUPPORTED
from bot.service import Chat, Summit
from bot.wording import chat as replies
from bot.wording.language import ENGLISH, Language, language

log = logging.getLogger(__name__)

SUMMIT = "summit"
NEW_MESSAGES = filters.UpdateType.MESSAGE


def summit_of(context: ContextTypes.DEFAULT_TYPE) -> Summit:
    return cast(Summit, context.bot_data[SUMMIT])


def chat_of(update: Update) -> Chat:
    chat = update.effective_chat
    if chat is None:
        raise ValueError("update without a chat")
    user = update.effective_user
    return Chat(
        chat.id,
        chat.type,
        chat.title or chat.full_name,
        user.id if user is not None else None,
        user.language_code if user is not None else None,
    )


def message_of(update: Update) -> Message:
    message = update.effective_message
    if message is None:
        raise ValueError("update without a message")
    return message


def menu(subscribed: bool, lang: Language) -> InlineKeyboardMarkup:
    toggle = (
        InlineKeyboardButton(replies.button_unsubscribe(lang), callback_data="unsubscribe")
        if subscribed
        else InlineKeyboardButton(replies.button_subscribe(lang), callback_data="subscribe")
    )
    return InlineKeyboardMarkup(
        [
            [toggle],
            [
                InlineKeyboardButton(replies.button_next(lang), callback_data="next"),
                InlineKeyboardButton(replies.button_events(lang), callback_data="events"),
            ],
        ]
    )


def languages_menu() -> InlineKeyboardMarkup:
    """One button per language, each named in itself, so anyone finds their own."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(replies.language_button(code), callback_data=f"{LANGUAGE}{code}")]
            for code in SUPPORTED
        ]
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, with the buttons a newcomer needs."""
    summit, chat = summit_of(context), chat_of(update)
    lang = await summit.language_of(chat)
    subscribed = await summit.is_subscribed(chat)
    await message_of(update).reply_html(replies.welcome_html(lang), reply_markup=menu(subscribed, lang))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = await summit_of(context).language_of(chat_of(update))
    await message_of(update).reply_html(replies.help_html(lang))


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    summit, chat = summit_of(context), chat_of(update)
    text = await summit.subscribe(chat)
    await message_of(update).reply_text(text, reply_markup=menu(True, await summit.language_of(chat)))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    summit, chat = summit_of(context), chat_of(update)
    text = await summit.unsubscribe(chat)
    await message_of(update).reply_text(text, reply_markup=menu(False, await summit.language_of(chat)))


async def next_event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_html(await summit_of(context).next_html(chat_of(update)))


async def events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_html(await summit_of(context).events_html(chat_of(update)))


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timezone <city or zone>: exact times are then also shown in the chat's own zone."""
    text = await summit_of(context).set_timezone(chat_of(update), " ".join(context.args or []))
    await message_of(update).reply_text(text)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language [name]: the chat's language, with a button for each one the bot speaks."""
    text = await summit_of(context).set_language(chat_of(update), " ".join(context.args or []))
    await message_of(update).reply_text(text, reply_markup=languages_menu())


async def reminders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reminders [lead times]: which of the planned reminders this chat gets."""
    text = await summit_of(context).set_reminders(chat_of(update), list(context.args or []))
    await message_of(update).reply_text(text)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats, for the operators listed in SUMMITBOT_ADMINS only."""
    await message_of(update).reply_html(await summit_of(context).stats_html(chat_of(update)))


async def release(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/release, for the operators: send the notes of a held edit of the events file."""
    await message_of(update).reply_text(await summit_of(context).release(chat_of(update)))


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_html(await summit_of(context).status_html(chat_of(update)))


async def event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/event <id or name>: one event with its history."""
    text = await summit_of(context).event_html(chat_of(update), " ".join(context.args or []))
    await message_of(update).reply_html(text)


async def chosen_language(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    text = await summit_of(context).set_language(chat_of(update), code)
    await message_of(update).reply_text(text)


BUTTONS = {"subscribe": subscribe, "unsubscribe": unsubscribe, "next": next_event, "events": events}
LANGUAGE = "language:"


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline button does what its command does; an unknown one (from an old version) says so."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    action = BUTTONS.get(data)
    code = data.removeprefix(LANGUAGE) if data.startswith(LANGUAGE) else None
    known = action is not None or code in SUPPORTED
    lang = await summit_of(context).language_of(chat_of(update))
    await query.answer(None if known else replies.button_expired(lang))
    if query.message is None:
        return
    if action is not None:
        await action(update, context)
    elif code in SUPPORTED and code is not None:
        await chosen_language(update, context, code)


def _addressed_to_bot(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a group the bot speaks only when spoken to: a mention or a reply to one of its messages."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        return True
    return f"@{context.bot.username}".lower() in (message.text or "").lower()


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question in plain words, answered from the events file."""
    message = message_of(update)
    if _addressed_to_bot(message, context):
        await message.reply_html(await summit_of(context).answer_html(chat_of(update), message.text or ""))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = message_of(update)
    if message.chat.type == ChatType.PRIVATE:
        await message.reply_text(replies.not_text(await summit_of(context).language_of(chat_of(update))))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = message_of(update)
    if _addressed_to_bot(message, context):
        lang = await summit_of(context).language_of(chat_of(update))
        await message.reply_text(replies.unknown_command(lang))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error once, with its traceback, and tell the person something went wrong if we can.

    The apology is best effort: when Telegram fails the reply it failed the first answer too, and an
    error raised here would only add a second traceback (python-telegram-bot logs it) and no answer.
    """
    update = update if isinstance(update, Update) else None
    message = update.effective_message if update is not None else None
    where = f" in chat {message.chat_id}" if message is not None else ""
    log.error("error while handling an update%s", where, exc_info=context.error)
    if message is None:
        return
    try:
        lang = await _apology_language(context.bot_data.get(SUMMIT), update)
        await message.reply_text(replies.sorry(lang))
    except Exception as exc:  # best effort: whatever failed, the error above is logged already
        log.warning("could not apologise in chat %s: %s", message.chat_id, exc)


async def _apology_language(summit: object, update: Update | None) -> Language:
    """The chat's language if the store can say it (the error may be the store's), else its client's."""
    if not isinstance(summit, Summit) or update is None:
        return ENGLISH
    chat = chat_of(update)
    try:
        return await summit.language_of(chat)
    except Exception:  # the store is what failed: the client's language will do
        return language(chat.language_code)


def register(app: Application) -> None:  # type: ignore[type-arg]  # any Application flavour will do
    commands = {
        "start": start,
        "help": help_command,
        "subscribe": subscribe,
        "unsubscribe": unsubscribe,
        "next": next_event,
        "events": events,
        "status": status,
        "event": event,
        "timezone": timezone,
        "reminders": reminders,
        "language": language_command,
        "stats": stats,
        "release": release,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGES))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.TEXT, free_text))
    app.add_handler(MessageHandler(NEW_MESSAGES & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text))
    app.add_error_handler(on_error)
