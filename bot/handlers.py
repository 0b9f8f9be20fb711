"""Telegram handlers: each one reads the update, asks ``Summit`` and replies with what it returns.

As in python-telegram-bot's examples, handlers are short and delegate; no wording or date formatting
happens here. Edited messages are ignored on purpose: answering an edit would answer twice.
"""

from __future__ import annotations

import contextlib
import logging
import re
from html import escape, unescape
from typing import cast

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url

from bot.languages import SUPPORTED
from bot.service import (
    FOLLOW_BUTTON,
    SNOOZE_BUTTON,
    STOP_BUTTON,
    UNFOLLOW_BUTTON,
    UNMUTE_BUTTON,
    AlertPreview,
    Chat,
    Reply,
    SharedEvent,
    Summit,
)
from bot.wording import chat as replies
from bot.wording.language import ENGLISH, Language, language

log = logging.getLogger(__name__)

SUMMIT = "summit"
NEW_MESSAGES = filters.UpdateType.MESSAGE
INLINE_CACHE_SECONDS = 60
"""How long Telegram may reuse an answer to the same inline query by the same user (countdowns move)."""
_COMMAND_HTML = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?\s*")


def summit_of(context: ContextTypes.DEFAULT_TYPE) -> Summit:
    return cast(Summit, context.bot_data[SUMMIT])


def chat_of(update: Update) -> Chat:
    chat = update.effective_chat
    if chat is None:
        raise ValueError("update without a chat")
    user = update.effective_user
    sender_chat = update.message.sender_chat if update.message is not None else None
    return Chat(
        chat.id,
        chat.type,
        chat.title or chat.full_name,
        user.id if user is not None else None,
        user.language_code if user is not None else None,
        as_chat=sender_chat is not None and sender_chat.id == chat.id,
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


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether whoever wrote or pressed may change this chat's settings; if not, they are told so
    (a reply to a command, a notice on a pressed button) and False is returned.

    In a group only its admins may: Telegram is asked (``getChatMember``, remembered for a minute),
    except for an admin writing as the group itself. If Telegram cannot answer, the change is refused.
    """
    summit, chat = summit_of(context), chat_of(update)

    async def status() -> str:
        member = await context.bot.get_chat_member(chat.id, cast(int, chat.user_id))
        return str(member.status)

    lang = await summit.language_of(chat)
    try:
        if await summit.may_configure(chat, status):
            return True
        refusal = replies.group_admins_only(lang)
    except TelegramError as exc:
        log.warning(
            "could not ask Telegram who administers chat %s (%s); the change is refused", chat.id, exc
        )
        refusal = replies.admin_check_failed(lang)
    query = update.callback_query
    if query is not None:
        await query.answer(refusal, show_alert=True)
    else:
        await message_of(update).reply_text(refusal)
    return False


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, with the buttons a newcomer needs; ``/start follow-<event>`` (a shared card's link)
    subscribes the chat and shows that event. Any other parameter gets the welcome and a short note."""
    summit, chat = summit_of(context), chat_of(update)
    lang = await summit.language_of(chat)
    args = context.args or []
    event = summit.linked_event(args[0]) if len(args) == 1 else None
    if event is not None:
        if await may_change(update, context):
            await _reply(message_of(update), await summit.follow_from_link(chat, event))
        return
    subscribed = await summit.is_subscribed(chat)
    welcome = replies.welcome_html(lang)
    if args:
        welcome = f"{welcome}\n\n{escape(replies.link_unknown(lang))}"
    await message_of(update).reply_html(welcome, reply_markup=menu(subscribed, lang))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = await summit_of(context).language_of(chat_of(update))
    await message_of(update).reply_html(replies.help_html(lang, context.bot.username))


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await may_change(update, context):
        await _subscribe(update, context)


async def _subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    summit, chat = summit_of(context), chat_of(update)
    text = await summit.subscribe(chat)
    await message_of(update).reply_text(text, reply_markup=menu(True, await summit.language_of(chat)))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await may_change(update, context):
        await _unsubscribe(update, context)


async def _unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    summit, chat = summit_of(context), chat_of(update)
    text = await summit.unsubscribe(chat)
    await message_of(update).reply_text(text, reply_markup=menu(False, await summit.language_of(chat)))


async def next_event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_html(await summit_of(context).next_html(chat_of(update)))


async def events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(message_of(update), await summit_of(context).events_reply(chat_of(update)))


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timezone <city or zone>: exact times are then also shown in the chat's own zone."""
    if context.args and not await may_change(update, context):
        return
    text = await summit_of(context).set_timezone(chat_of(update), " ".join(context.args or []))
    await message_of(update).reply_text(text)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language [name]: the chat's language, with a button for each one the bot speaks."""
    if context.args and not await may_change(update, context):
        return
    text = await summit_of(context).set_language(chat_of(update), " ".join(context.args or []))
    await message_of(update).reply_text(text, reply_markup=languages_menu())


async def reminders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reminders [lead times]: which of the planned reminders this chat gets."""
    if context.args and not await may_change(update, context):
        return
    text = await summit_of(context).set_reminders(chat_of(update), list(context.args or []))
    await message_of(update).reply_text(text)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats, for the operators listed in SUMMITBOT_ADMINS only."""
    await message_of(update).reply_html(await summit_of(context).stats_html(chat_of(update)))


async def release(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/release, for the operators: send the notes of a held edit of the events file."""
    await message_of(update).reply_text(await summit_of(context).release(chat_of(update)))


async def announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/announce <text>, for the operators: a preview (exactly what subscribers will get) with Confirm
    and Cancel under it; nothing is sent before Confirm."""
    summit, chat, message = summit_of(context), chat_of(update), message_of(update)
    html = _announcement_html(message)
    head, preview = await summit.announcement_preview(chat, html)
    await message.reply_text(head)
    if preview:
        lang = await summit.language_of(chat)
        buttons = [
            InlineKeyboardButton(replies.button_confirm(lang), callback_data=CONFIRM),
            InlineKeyboardButton(replies.button_cancel(lang), callback_data=CANCEL),
        ]
        await message.reply_html(html, reply_markup=InlineKeyboardMarkup([buttons]))


def _announcement_html(message: Message) -> str:
    """The text after the command, with the formatting the operator gave it (bold, links, …)."""
    html = message.text_html
    command = _COMMAND_HTML.match(html)
    if command is not None:
        return html[command.end() :].strip()
    return escape(_COMMAND_HTML.sub("", message.text or "", count=1).strip())  # formatting over the command


async def announce_button(update: Update, context: ContextTypes.DEFAULT_TYPE, confirmed: bool) -> None:
    """Confirm or Cancel under a preview. The preview message is the announcement, so what is sent is
    what was shown; its chat and id name the announcement, so it goes out once however often pressed."""
    query = update.callback_query
    if query is None:
        return
    summit, chat = summit_of(context), chat_of(update)
    lang = await summit.language_of(chat)
    preview = query.message
    if not summit.is_operator(chat):
        await query.answer(replies.admins_only(lang), show_alert=True)
        return
    if not isinstance(preview, Message):
        await query.answer(replies.announce_gone(lang), show_alert=True)
        return
    await query.answer()
    if confirmed:
        text = await summit.announce(chat, f"{preview.chat_id}-{preview.message_id}", preview.text_html)
    else:
        text = replies.announce_cancelled(lang)
    with contextlib.suppress(BadRequest):  # a second press finds the buttons already gone
        await preview.edit_reply_markup(reply_markup=None)
    await preview.reply_text(text)


async def testalert(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/testalert, for the operators: the next planned reminder, now, to the operator's private chat
    only (asked in a group, it is sent there privately, not to the group)."""
    summit, chat, message = summit_of(context), chat_of(update), message_of(update)
    lang = await summit.language_of(chat)
    if not summit.is_operator(chat) or chat.user_id is None:
        await message.reply_text(replies.admins_only(lang))
        return
    own = Chat(chat.user_id, ChatType.PRIVATE, None, chat.user_id, chat.language_code)
    result = await summit.test_alert(own)
    if not isinstance(result, AlertPreview):
        await message.reply_text(result)
        return
    if chat.id == own.id:
        await message.reply_html(result.html)
        return
    try:
        await context.bot.send_message(own.id, result.html, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.info("could not send a test alert to operator %s privately: %s", own.id, exc)
        await message.reply_text(replies.test_alert_unreachable(lang))
        return
    await message.reply_text(replies.test_alert_elsewhere(lang))


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``@bot <name>`` in any chat: matching events as cards to share, each with a link to follow it."""
    query = update.inline_query
    if query is None:
        return
    user = query.from_user
    shared = await summit_of(context).shared_events(user.id, user.language_code, query.query)
    results = [
        InlineQueryResultArticle(
            id=event.event_id,
            title=event.title,
            description=event.description,
            input_message_content=InputTextMessageContent(event.html, parse_mode=ParseMode.HTML),
            reply_markup=_follow_markup(event, context.bot.username),
        )
        for event in shared
    ]
    try:
        await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=True)
    except BadRequest as exc:  # the user typed on, or the answer came too late: a newer query follows
        log.info("inline query %s not answered: %s", query.id, exc)


def _follow_markup(event: SharedEvent, bot_username: str) -> InlineKeyboardMarkup | None:
    if event.link_parameter is None:
        return None
    url = create_deep_linked_url(bot_username, event.link_parameter)
    return InlineKeyboardMarkup([[InlineKeyboardButton(event.follow_label, url=url)]])


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_html(await summit_of(context).status_html(chat_of(update)))


async def event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/event <id or name>: one event with its history, and a button to follow it."""
    reply = await summit_of(context).event_reply(chat_of(update), " ".join(context.args or []))
    await _reply(message_of(update), reply)


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in reply.buttons]
    return InlineKeyboardMarkup(rows)


async def _reply(message: Message, reply: Reply | str) -> None:
    if isinstance(reply, str):
        await message.reply_html(reply)
    else:
        await message.reply_html(reply.html, reply_markup=_markup(reply))


async def _one_event(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> None:
    """/follow, /unfollow, /mute and /unmute <event>: changes a setting, so in a group only its admins."""
    summit, chat = summit_of(context), chat_of(update)
    if not await may_change(update, context):
        return
    named = await summit.named(chat, command, " ".join(context.args or []))
    if isinstance(named, Reply):
        await _reply(message_of(update), named)
        return
    action = {
        "follow": summit.follow,
        "unfollow": summit.unfollow,
        "mute": summit.mute,
        "unmute": summit.unmute,
    }
    await message_of(update).reply_html(await action[command](chat, named))


async def follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _one_event(update, context, "follow")


async def unfollow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _one_event(update, context, "unfollow")


async def mute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _one_event(update, context, "mute")


async def unmute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _one_event(update, context, "unmute")


async def following(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/following: anyone may look; its buttons change settings and are checked when pressed."""
    await _reply(message_of(update), await summit_of(context).following(chat_of(update)))


async def quiet_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/quiet [HH:MM-HH:MM | off]: quiet hours in the chat's zone."""
    if context.args and not await may_change(update, context):
        return
    text = await summit_of(context).set_quiet(chat_of(update), " ".join(context.args or []))
    await message_of(update).reply_text(text)


async def event_button(update: Update, context: ContextTypes.DEFAULT_TYPE, data: str) -> None:
    """Follow, Unfollow, Stop, Unmute and the snooze buttons: the answer is a short notice; a card's
    button turns into its opposite, and the /following list is shown anew."""
    query = update.callback_query
    if query is None or not await may_change(update, context):
        return
    summit, chat = summit_of(context), chat_of(update)
    lang = await summit.language_of(chat)
    if data.startswith(SNOOZE_BUTTON):
        option, _, ref = data.removeprefix(SNOOZE_BUTTON).partition(":")
        await query.answer(await summit.snooze(chat, option, ref))
        return
    prefix = next(
        p for p in (UNMUTE_BUTTON, FOLLOW_BUTTON, UNFOLLOW_BUTTON, STOP_BUTTON) if data.startswith(p)
    )
    event_id = await summit.resolve(chat, data.removeprefix(prefix))
    if event_id is None:
        await query.answer(replies.event_gone(lang), show_alert=True)
        return
    actions = {
        FOLLOW_BUTTON: summit.follow,
        UNFOLLOW_BUTTON: summit.unfollow,
        STOP_BUTTON: summit.unfollow,
        UNMUTE_BUTTON: summit.unmute,
    }
    html = await actions[prefix](chat, event_id)
    await query.answer(_toast(html))
    message = query.message
    if not isinstance(message, Message):
        return
    with contextlib.suppress(BadRequest):  # unchanged: a second press of the same button
        if prefix in (STOP_BUTTON, UNMUTE_BUTTON):
            listed = await summit.following(chat)
            await message.edit_text(listed.html, parse_mode=ParseMode.HTML, reply_markup=_markup(listed))
        else:
            await message.edit_reply_markup(await _toggled(summit, chat, message, data, event_id, lang))


async def _toggled(
    summit: Summit, chat: Chat, message: Message, pressed: str, event_id: str, lang: Language
) -> InlineKeyboardMarkup | None:
    """The message's buttons with the pressed Follow turned into Unfollow (or back), the others kept."""
    rows = message.reply_markup.inline_keyboard if message.reply_markup is not None else ()
    plain = (replies.button_follow_event(lang), replies.button_unfollow_event(lang))
    kept: list[tuple[tuple[str, str], ...]] = []
    for row in rows:
        buttons: list[tuple[str, str]] = []
        for button in row:
            data = str(button.callback_data)
            if data == pressed:
                titled = button.text not in plain
                buttons.append(await summit.follow_button(chat, event_id, lang, titled=titled))
            else:
                buttons.append((button.text, data))
        kept.append(tuple(buttons))
    return _markup(Reply("", tuple(kept)))


def _toast(html: str) -> str:
    """A callback's notice is plain text of at most 200 characters."""
    plain = re.sub(r"<[^>]+>", "", html).split("\n")[0]
    return unescape(plain)[:200]


async def chosen_language(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    text = await summit_of(context).set_language(chat_of(update), code)
    await message_of(update).reply_text(text)


SETTINGS = {"subscribe": _subscribe, "unsubscribe": _unsubscribe}
VIEWS = {"next": next_event, "events": events}
LANGUAGE = "language:"
CONFIRM = "announce:confirm"
CANCEL = "announce:cancel"
EVENT_BUTTONS = (FOLLOW_BUTTON, UNFOLLOW_BUTTON, STOP_BUTTON, UNMUTE_BUTTON, SNOOZE_BUTTON)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline button does what its command does; an unknown one (from an old version) says so.

    Buttons that change a setting are checked as the command is: in a group, only its admins."""
    query = update.callback_query
    if query is None:
        return
    if update.effective_chat is None:  # a button under a message sent inline: none of ours has one
        user = query.from_user
        asker = Chat(user.id, ChatType.PRIVATE, None, user.id, user.language_code)
        await query.answer(replies.button_expired(await summit_of(context).language_of(asker)))
        return
    data = query.data or ""
    if data.startswith(EVENT_BUTTONS):
        await event_button(update, context, data)
        return
    if data in (CONFIRM, CANCEL):
        await announce_button(update, context, confirmed=data == CONFIRM)
        return
    code = data.removeprefix(LANGUAGE) if data.startswith(LANGUAGE) else None
    setting = data in SETTINGS or code in SUPPORTED
    known = setting or data in VIEWS
    if setting and query.message is not None and not await may_change(update, context):
        return
    lang = await summit_of(context).language_of(chat_of(update))
    await query.answer(None if known else replies.button_expired(lang))
    if query.message is None:
        return
    if data in SETTINGS:
        await SETTINGS[data](update, context)
    elif data in VIEWS:
        await VIEWS[data](update, context)
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


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its subscription and settings follow it to the new id at once,
    so the supergroup's admins see and change them before the next alert would have moved them."""
    message = message_of(update)
    if message.migrate_to_chat_id is not None:  # said in the old group
        await summit_of(context).migrated(message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id is not None:  # said in the new supergroup
        await summit_of(context).migrated(message.migrate_from_chat_id, message.chat_id)


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
        "announce": announce,
        "testalert": testalert,
        "follow": follow,
        "unfollow": unfollow,
        "mute": mute,
        "unmute": unmute,
        "following": following,
        "quiet": quiet_command,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGES))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(InlineQueryHandler(inline_query))
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.TEXT, free_text))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
    app.add_handler(MessageHandler(NEW_MESSAGES & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text))
    app.add_error_handler(on_error)
