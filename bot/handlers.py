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

from bot import wording
from bot.service import Chat, Summit

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
    return Chat(chat.id, chat.type, chat.title or chat.full_name, user.id if user is not None else None)


def message_of(update: Update) -> Message:
    message = update.effective_message
    if message is None:
        raise ValueError("update without a message")
    return message


def menu(subscribed: bool) -> InlineKeyboardMarkup:
    toggle = (
        InlineKeyboardButton(wording.BUTTON_UNSUBSCRIBE, callback_data="unsubscribe")
        if subscribed
        else InlineKeyboardButton(wording.BUTTON_SUBSCRIBE, callback_data="subscribe")
    )
    return InlineKeyboardMarkup(
        [
            [toggle],
            [
                InlineKeyboardButton(wording.BUTTON_NEXT, callback_data="next"),
                InlineKeyboardButton(wording.BUTTON_EVENTS, callback_data="events"),
            ],
        ]
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, with the buttons a newcomer needs."""
    subscribed = await summit_of(context).is_subscribed(chat_of(update))
    await message_of(update).reply_html(wording.WELCOME_HTML, reply_markup=menu(subscribed))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_html(wording.HELP_HTML)


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = await summit_of(context).subscribe(chat_of(update))
    await message_of(update).reply_text(text, reply_markup=menu(True))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = await summit_of(context).unsubscribe(chat_of(update))
    await message_of(update).reply_text(text, reply_markup=menu(False))


async def next_event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_html(await summit_of(context).next_html(chat_of(update)))


async def events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_html(await summit_of(context).events_html(chat_of(update)))


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timezone <city or zone>: exact times are then also shown in the chat's own zone."""
    text = await summit_of(context).set_timezone(chat_of(update), " ".join(context.args or []))
    await message_of(update).reply_text(text)


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
    await message_of(update).reply_html(summit_of(context).status_html())


async def event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/event <id or name>: one event with its history."""
    text = await summit_of(context).event_html(chat_of(update), " ".join(context.args or []))
    await message_of(update).reply_html(text)


BUTTONS = {"subscribe": subscribe, "unsubscribe": unsubscribe, "next": next_event, "events": events}


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline button does what its command does; an unknown one (from an old version) says so."""
    query = update.callback_query
    if query is None:
        return
    action = BUTTONS.get(query.data or "")
    await query.answer(None if action else wording.BUTTON_EXPIRED)
    if action is not None and query.message is not None:
        await action(update, context)


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
        await message.reply_text(wording.NOT_TEXT)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = message_of(update)
    if _addressed_to_bot(message, context):
        await message.reply_text(wording.UNKNOWN_COMMAND)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error once, with its traceback, and tell the person something went wrong if we can.

    The apology is best effort: when Telegram fails the reply it failed the first answer too, and an
    error raised here would only add a second traceback (python-telegram-bot logs it) and no answer.
    """
    message = update.effective_message if isinstance(update, Update) else None
    where = f" in chat {message.chat_id}" if message is not None else ""
    log.error("error while handling an update%s", where, exc_info=context.error)
    if message is None:
        return
    try:
        await message.reply_text(wording.SORRY)
    except Exception as exc:  # best effort: whatever failed, the error above is logged already
        log.warning("could not apologise in chat %s: %s", message.chat_id, exc)


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
