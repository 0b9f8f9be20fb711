"""An in-memory Telegram Bot API.

One implementation of Telegram's semantics serves two purposes: the offline terminal mode talks to
it in-process through :class:`LocalRequest`, and the tests' fake HTTP server wraps it, so both see
the same errors, limits and message shapes that the real Bot API produces.

Everything here runs on one asyncio event loop; callers on other threads must hop onto the loop
(``loop.call_soon_threadsafe``) before calling the ``user_*`` builders.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram.request import BaseRequest, RequestData

JsonDict = dict[str, Any]

MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_INLINE_RESULT_ID_BYTES = 64
MAX_INLINE_QUERY_LENGTH = 256
MAX_NEXT_OFFSET_BYTES = 64
DEFAULT_USER_ID = 42
"""Who speaks in a group when a builder is not told, so group scenarios need no boilerplate."""

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
_CONFLICT_POLLING = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
_UNREQUESTED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_BOT_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_INT = re.compile(r"-?\d+")
_BUTTON_URL = re.compile(r"(?:https?|tg)://\S+", re.IGNORECASE)

GROUP_ANONYMOUS_BOT: JsonDict = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
"""Who a message seems to come from when a group's admin writes anonymously, as the group itself."""
ADMIN_STATUSES = frozenset({"creator", "administrator"})
MEMBER_STATUSES = ADMIN_STATUSES | {"member", "restricted", "left", "kicked"}

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>")
_TAG_NAME = re.compile(r"</?([^\s<>]*)")
_ATTRIBUTE = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


class BotApiError(Exception):
    """A refusal exactly as Telegram words it, so clients map it to the same exception classes."""

    def __init__(self, code: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> JsonDict:
        """The JSON body Telegram answers with, whose HTTP status equals ``code``."""
        body: JsonDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class SentMessage:
    """What the bot sent (or an edit it made), keeping both the raw markup and what a user reads."""

    chat_id: int
    message_id: int
    text: str
    plain: str
    parse_mode: str | None
    reply_markup: JsonDict | None
    date: int
    disable_notification: bool = False
    reply_to_message_id: int | None = None
    edited: bool = False

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """Inline buttons as (text, callback_data), the pairs a user can press."""
        return [(b["text"], b["callback_data"]) for b in self._inline_buttons() if "callback_data" in b]

    @property
    def urls(self) -> list[tuple[str, str]]:
        """Inline link buttons as (text, url)."""
        return [(b["text"], b["url"]) for b in self._inline_buttons() if "url" in b]

    def _inline_buttons(self) -> list[JsonDict]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


@dataclass(frozen=True)
class CallbackAnswer:
    """An answerCallbackQuery call, kept so tests can check what the user saw as a toast."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class InlineArticle:
    """One InlineQueryResultArticle as the user sees it in the list, and the message it would send."""

    id: str
    title: str
    description: str | None
    text: str
    plain: str
    parse_mode: str | None
    reply_markup: JsonDict | None

    @property
    def urls(self) -> list[tuple[str, str]]:
        """Inline link buttons under the message it sends, as (text, url)."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b["url"]) for row in rows for b in row if "url" in b]


@dataclass(frozen=True)
class InlineAnswer:
    """An answerInlineQuery call, kept so tests can read the results a user was offered."""

    query_id: str
    results: tuple[InlineArticle, ...]
    cache_time: int | None
    is_personal: bool
    next_offset: str | None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _parse_html(text: str) -> tuple[str, list[JsonDict]]:
    """Mirror Telegram's HTML parse mode so markup mistakes fail here as they would in production."""
    plain: list[str] = []
    length = 0
    entities: list[JsonDict] = []
    open_tags: list[tuple[str, dict[str, str], int]] = []
    pos = 0
    while pos < len(text):
        lt = text.find("<", pos)
        chunk = html.unescape(text[pos : lt if lt != -1 else len(text)])
        plain.append(chunk)
        length += _utf16_len(chunk)
        if lt == -1:
            break
        offset = len(text[:lt].encode())
        tag = _TAG.match(text, lt)
        if tag is None:
            bad = _TAG_NAME.match(text, lt)
            name = bad.group(1) if bad else ""
            raise _entities_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        closing, name, raw_attrs = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
        if closing:
            if not open_tags:
                raise _entities_error(f"Unexpected end tag at byte offset {offset}")
            opened, attrs, start = open_tags.pop()
            if opened != name:
                raise _entities_error(
                    f'Unmatched end tag at byte offset {offset}, expected "</{opened}>", found "</{name}>"'
                )
            _close_entity(entities, opened, attrs, start, length, open_tags)
        else:
            if name not in _HTML_ENTITY_TYPES:
                raise _entities_error(f'Unsupported start tag "{name}" at byte offset {offset}')
            attrs = {m[0].lower(): m[1] or m[2] or m[3] for m in _ATTRIBUTE.findall(raw_attrs)}
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _entities_error('Tag "span" must have class "tg-spoiler"')
            open_tags.append((name, attrs, length))
        pos = tag.end()
    if open_tags:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{open_tags[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(plain), entities


def _close_entity(
    entities: list[JsonDict],
    tag: str,
    attrs: dict[str, str],
    start: int,
    end: int,
    outer: list[tuple[str, dict[str, str], int]],
) -> None:
    kind = _HTML_ENTITY_TYPES[tag]
    entity: JsonDict = {"type": kind, "offset": start, "length": end - start}
    if tag == "code" and outer and outer[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            outer[-1][1]["language"] = language.removeprefix("language-")
        return
    if kind == "text_link":
        if not attrs.get("href"):
            return
        entity["url"] = attrs["href"]
    elif kind == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif kind == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    if entity["length"] > 0:
        entities.append(entity)


def _command_entities(text: str) -> JsonDict:
    """Telegram marks a leading /command (with any @BotName) so command handlers recognise it."""
    command = _COMMAND.match(text)
    if command is None:
        return {}
    return {"entities": [{"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}]}


def _entities_error(detail: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: can't parse entities: {detail}")


def _render(text: str, parse_mode: str | None) -> tuple[str, list[JsonDict]]:
    """Only HTML is parsed because it is the mode this bot writes; other modes pass through."""
    if parse_mode is not None and parse_mode.upper() == "HTML":
        plain, entities = _parse_html(text)
    else:
        plain, entities = text, []
    if not plain.strip():
        raise BotApiError(400, "Bad Request: message text is empty")
    if len(plain) > MAX_MESSAGE_LENGTH:
        raise BotApiError(400, "Bad Request: message is too long")
    return plain, entities


def _int_value(value: object, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value)
    raise BotApiError(400, f"Bad Request: invalid {name} specified")


def _opt_int(params: JsonDict, name: str) -> int | None:
    value = params.get(name)
    return None if value is None or value == "" else _int_value(value, name)


def _opt_float(params: JsonDict, name: str) -> float | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise BotApiError(400, f"Bad Request: invalid {name} specified") from None


def _opt_str(params: JsonDict, name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def _flag(params: JsonDict, name: str) -> bool:
    """Form-encoded clients send JSON ``true``; in-process callers send a Python bool."""
    value = params.get(name)
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1"}
    return bool(value)


def _json_value(params: JsonDict, name: str) -> Any:
    """PTB JSON-encodes objects for form posts but hands them over as dicts in-process."""
    value = params.get(name)
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise BotApiError(400, f"Bad Request: can't parse {name} JSON object") from None


def _check_reply_markup(markup: object) -> JsonDict | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise BotApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            actions = set(button) - {"text"}
            if not actions:
                raise BotApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not _BUTTON_URL.fullmatch(str(url)):
                raise BotApiError(400, "Bad Request: BUTTON_URL_INVALID")
    return markup


def plain_text(text: str) -> str:
    """What a reader sees of a message written in Telegram's HTML: the tags gone, the entities read."""
    return _parse_html(text)[0]


def _member(user: JsonDict, status: str) -> JsonDict:
    """A ChatMember object with the fields Telegram always sends for its status."""
    member: JsonDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            {"can_be_edited": False, "is_anonymous": False}
            | dict.fromkeys(
                (
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                    "can_pin_messages",
                ),
                True,
            )
            | {"can_promote_members": False}
        )
    elif status == "restricted":
        member.update(
            {"is_member": True, "until_date": 0}
            | dict.fromkeys(
                (
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_send_messages",
                    "can_send_polls",
                    "can_send_other_messages",
                    "can_add_web_page_previews",
                    "can_manage_topics",
                    "can_send_audios",
                    "can_send_documents",
                    "can_send_photos",
                    "can_send_videos",
                    "can_send_video_notes",
                    "can_send_voice_notes",
                    "can_edit_tag",
                    "can_react_to_messages",
                ),
                False,
            )
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member


class LocalBotApi:
    """The server-side state of one bot, answering Bot API methods without Telegram."""

    def __init__(
        self,
        *,
        bot_id: int = 1000,
        username: str = "SummitBot",
        first_name: str = "Summit",
        on_send: Callable[[SentMessage], None] | None = None,
        inline_mode: bool = True,
    ) -> None:
        self.bot_user: JsonDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.on_send = on_send
        """Called with every message the bot sends or edits, so a terminal can show it at once."""
        self.inline_mode = inline_mode
        """Whether inline mode is on (@BotFather's /setinline): only then do users' inline queries arrive."""
        self.inline_answers: list[InlineAnswer] = []
        self.sent: list[SentMessage] = []
        self.edits: list[SentMessage] = []
        self.deleted: list[tuple[int, int]] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        """The ``secret_token`` of the last ``setWebhook``: what Telegram would send with each post."""
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._updates: list[JsonDict] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._chats: dict[int, JsonDict] = {}
        self._users: dict[int, JsonDict] = {}
        self._messages: dict[tuple[int, int], JsonDict] = {}
        self._latest: dict[tuple[int, int], SentMessage] = {}
        self._last_message_id: dict[int, int] = {}
        self._open_queries: set[str] = set()
        self._open_inline_queries: set[str] = set()
        self._members: dict[int, dict[int, str]] = {}
        self._blocked: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._releases = 0
        self._changed = asyncio.Event()
        self._methods: dict[str, Callable[[JsonDict], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": self._get_chat_menu_button,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "answerinlinequery": self._answer_inline_query,
        }

    async def call(self, method: str, params: JsonDict) -> Any:
        """Answer one Bot API method; raises :class:`BotApiError` where Telegram would refuse."""
        handler = self._methods.get(method.lower())
        if handler is None:
            raise BotApiError(404, "Not Found: method not found")
        return copy.deepcopy(await handler(params))

    def close(self) -> None:
        """End pending long polls with no updates, so a shutdown does not wait out their timeouts.

        Later polls wait normally again, so a client still polling does not spin.
        """
        self._releases += 1
        self._notify()

    # -- inspection ---------------------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """A bot message as it looks now, after any edits."""
        return self._latest[(chat_id, message_id)]

    def my_commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        return list(self._commands.get((_scope_key(scope), language_code), []))

    @property
    def pending_updates(self) -> list[JsonDict]:
        return copy.deepcopy(self._updates)

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait until ``count`` messages reached a chat.

        It owns its timeout, rather than leaving it to ``asyncio.timeout``, so the error can list
        everything that was sent, which is what one needs to debug a failing scenario.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(got := self.sent_to(chat_id)) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                sent = "\n".join(f"  chat {m.chat_id}: {m.plain!r}" for m in self.sent) or "  (nothing)"
                raise TimeoutError(
                    f"expected {count} message(s) to chat {chat_id} within {timeout}s, "
                    f"got {len(got)}; everything sent:\n{sent}"
                )
            await self._wait_for_change(remaining)
        return got

    def take_update(self, update_id: int) -> JsonDict:
        """Take an update out of the getUpdates queue, as Telegram does to post it to a webhook instead."""
        for update in self._updates:
            if update["update_id"] == update_id:
                self._updates.remove(update)
                self._notify()
                return copy.deepcopy(update)
        raise KeyError(update_id)

    async def wait_until_fetched(self, update_id: int | None = None) -> None:
        """Wait until the bot has confirmed (fetched) the update, or every update when none is named."""
        while any(update_id is None or u["update_id"] <= update_id for u in self._updates):
            await self._wait_for_change(1.0)

    # -- chat state ---------------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        *,
        chat_type: str | None = None,
        title: str | None = None,
        first_name: str = "Tester",
        username: str | None = None,
    ) -> JsonDict:
        """Make a chat known without an update, e.g. subscribers remembered from an earlier run."""
        kind = chat_type or _infer_chat_type(chat_id)
        if (kind == "private") != (chat_id > 0):
            raise ValueError(f"a {kind} chat cannot have id {chat_id}: only private chat ids are positive")
        chat: JsonDict = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = title or "Test Group"
        if username:
            chat["username"] = username
        self._chats.setdefault(chat_id, chat)
        return self._chats[chat_id]

    def add_chat_member(
        self,
        chat_id: int,
        user_id: int,
        status: str = "member",
        *,
        chat_type: str | None = None,
        title: str | None = None,
        first_name: str = "Tester",
    ) -> None:
        """Give a user a status in a group (``creator``, ``administrator``, ``member``, ``restricted``,
        ``left``, ``kicked``), as getChatMember and getChatAdministrators will report it."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}: one of {sorted(MEMBER_STATUSES)}")
        chat = self.add_chat(chat_id, chat_type=chat_type, title=title)
        if chat["type"] == "private":
            raise ValueError("a private chat has no members to promote")
        self._user(user_id, first_name)
        self._members.setdefault(chat_id, {})[user_id] = status

    def block_chat(self, chat_id: int) -> None:
        """Answer sends to this chat with 403, as when a user blocks the bot or a group kicks it."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Answer sends to ``old_id`` with Telegram's migration error, as after a supergroup upgrade."""
        old = self._chats.get(old_id, {})
        self._migrated[old_id] = new_id
        self.add_chat(new_id, chat_type="supergroup", title=old.get("title"))

    # -- user side: builders that enqueue updates ---------------------------------------------

    def group_upgrades(self, old_id: int, new_id: int) -> None:
        """An admin upgrades a group to a supergroup: sends to ``old_id`` fail from now on, and Telegram
        posts a service message in each chat (``migrate_to_chat_id`` in the old one,
        ``migrate_from_chat_id`` in the new one)."""
        self.migrate_chat(old_id, new_id)
        speaker = self._user(DEFAULT_USER_ID, "Tester")
        self._enqueue("message", self._new_message(old_id, speaker, {"migrate_to_chat_id": new_id}))
        self._enqueue("message", self._new_message(new_id, speaker, {"migrate_from_chat_id": old_id}))

    def sends_update(self, kind: str, payload: JsonDict) -> JsonDict:
        """Queue an update of any shape, as a client or Telegram could send it (``kind``: the field,
        e.g. ``callback_query``); nothing is checked, so malformed and future shapes can be tested. A
        query with an ``id`` may be answered, as Telegram allows."""
        if kind in ("callback_query", "inline_query") and "id" in payload:
            opened = self._open_queries if kind == "callback_query" else self._open_inline_queries
            opened.add(str(payload["id"]))
        return self._enqueue(kind, payload)

    def user_says(
        self,
        text: str,
        *,
        chat_id: int,
        user_id: int | None = None,
        chat_type: str | None = None,
        title: str | None = None,
        first_name: str = "Tester",
        reply_to_bot: bool = False,
        language_code: str | None = None,
        anonymous: bool = False,
    ) -> JsonDict:
        """Queue a text message; a leading command gets the bot_command entity Telegram adds.

        ``language_code`` sets the speaker's client language from now on (``user_speaks``).
        ``anonymous``: a group admin writing as the group itself, as Telegram shows it (``from`` is
        GroupAnonymousBot, ``sender_chat`` the group)."""
        if language_code is not None:
            self.user_speaks(self._speaker(chat_id, user_id), language_code)
        content: JsonDict = {"text": text, **_command_entities(text)}
        if reply_to_bot:
            content["reply_to_message"] = _as_replied(self._last_bot_message(chat_id))
        if anonymous:
            if chat_id > 0:
                raise ValueError("only a group's admins can write as the group itself")
            self.add_chat(chat_id, chat_type=chat_type, title=title)
            content["sender_chat"] = self._chats[chat_id]
            return self._enqueue("message", self._new_message(chat_id, GROUP_ANONYMOUS_BOT, content))
        message = self._user_message(chat_id, user_id, chat_type, title, first_name, content)
        return self._enqueue("message", message)

    def user_types_inline(
        self,
        user_id: int,
        query: str,
        *,
        language_code: str | None = None,
        chat_type: str = "sender",
    ) -> JsonDict:
        """Queue an inline query: the user typed ``@bot query`` in some chat (``chat_type`` is where:
        ``sender`` for their chat with the bot, ``private``, ``group``, ``supergroup``, ``channel``)."""
        if not self.inline_mode:
            raise ValueError("inline mode is off for this bot: Telegram sends it no inline queries")
        if len(query) > MAX_INLINE_QUERY_LENGTH:
            raise ValueError(f"Telegram cuts inline queries at {MAX_INLINE_QUERY_LENGTH} characters")
        if language_code is not None:
            self.user_speaks(user_id, language_code)
        query_id = f"inline-{next(self._query_ids)}"
        self._open_inline_queries.add(query_id)
        inline: JsonDict = {
            "id": query_id,
            "from": self._user(user_id, "Tester"),
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
        return self._enqueue("inline_query", inline)

    def user_speaks(self, user_id: int, language_code: str | None) -> None:
        """The user's Telegram client language, sent as ``from.language_code`` with all they do."""
        user = self._user(user_id, "Tester")
        if language_code is None:
            user.pop("language_code", None)
        else:
            user["language_code"] = language_code

    def user_presses(self, chat_id: int, message_id: int, data: str, user_id: int | None = None) -> JsonDict:
        """Queue a button press; only buttons the message really shows can be pressed."""
        message = self._messages.get((chat_id, message_id))
        if message is None or message["from"]["id"] != self.bot_user["id"]:
            raise ValueError(f"the bot has no message {message_id} in chat {chat_id}")
        latest = self._latest[(chat_id, message_id)]
        if data not in {d for _, d in latest.buttons}:
            raise ValueError(
                f"message {message_id} in chat {chat_id} has no button {data!r}: {latest.buttons}"
            )
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        query: JsonDict = {
            "id": query_id,
            "from": self._user(self._speaker(chat_id, user_id), "Tester"),
            "message": message,
            "chat_instance": str(abs(chat_id)),
            "data": data,
        }
        return self._enqueue("callback_query", query)

    def user_edits(self, chat_id: int, message_id: int, text: str) -> JsonDict:
        """Queue an edited_message for a message a user sent earlier."""
        message = self._messages.get((chat_id, message_id))
        if message is None or message["from"]["id"] == self.bot_user["id"]:
            raise ValueError(f"no user message {message_id} in chat {chat_id}")
        message["text"] = text
        message.pop("entities", None)
        message.update(_command_entities(text))
        message["edit_date"] = int(time.time())
        return self._enqueue("edited_message", message)

    def user_sends_sticker(self, chat_id: int, *, user_id: int | None = None, emoji: str = "👍") -> JsonDict:
        sticker: JsonDict = {
            "file_id": f"sticker-{chat_id}",
            "file_unique_id": f"sticker-u-{chat_id}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        message = self._user_message(chat_id, user_id, None, None, "Tester", {"sticker": sticker})
        return self._enqueue("message", message)

    def user_sends_photo(
        self, chat_id: int, *, user_id: int | None = None, caption: str | None = None
    ) -> JsonDict:
        sizes = [
            {"file_id": f"photo-{side}", "file_unique_id": f"p{side}", "width": side, "height": side}
            for side in (90, 320, 800)
        ]
        content: JsonDict = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        message = self._user_message(chat_id, user_id, None, None, "Tester", content)
        return self._enqueue("message", message)

    def _notify(self) -> None:
        """Wake every waiter; a fresh Event lets synchronous builders signal without a lock."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_for_change(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), seconds)

    def _enqueue(self, kind: str, payload: JsonDict) -> JsonDict:
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        self._updates.append(update)
        self._notify()
        return copy.deepcopy(update)

    def _user(self, user_id: int, first_name: str) -> JsonDict:
        return self._users.setdefault(user_id, {"id": user_id, "is_bot": False, "first_name": first_name})

    def _speaker(self, chat_id: int, user_id: int | None) -> int:
        if user_id is not None:
            return user_id
        return chat_id if chat_id > 0 else DEFAULT_USER_ID

    def _user_message(
        self,
        chat_id: int,
        user_id: int | None,
        chat_type: str | None,
        title: str | None,
        first_name: str,
        content: JsonDict,
    ) -> JsonDict:
        speaker = self._speaker(chat_id, user_id)
        if chat_id > 0 and speaker != chat_id:
            raise ValueError(f"in a private chat the user id is the chat id ({chat_id}), not {speaker}")
        self.add_chat(chat_id, chat_type=chat_type, title=title, first_name=first_name)
        if chat_id > 0:
            self.unblock_chat(chat_id)  # a user must unblock a bot before writing to it again
        else:
            self._members.setdefault(chat_id, {}).setdefault(speaker, "member")  # who writes is in it
        return self._new_message(chat_id, self._user(speaker, first_name), content)

    def _new_message(self, chat_id: int, sender: JsonDict, content: JsonDict) -> JsonDict:
        """Message ids count per chat and are shared by both sides, as in Telegram."""
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        message: JsonDict = {
            "message_id": message_id,
            "from": sender,
            "chat": self._chats[chat_id],
            "date": int(time.time()),
            **content,
        }
        self._messages[(chat_id, message_id)] = message
        return message

    def _last_bot_message(self, chat_id: int) -> JsonDict:
        bot_id = self.bot_user["id"]
        mine = [m for (c, _), m in self._messages.items() if c == chat_id and m["from"]["id"] == bot_id]
        if not mine:
            raise ValueError(f"the bot has sent nothing to chat {chat_id} to reply to")
        return mine[-1]

    def _target_chat(self, params: JsonDict) -> JsonDict:
        """Resolve chat_id the way Telegram checks it: migration and blocking before existence."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise BotApiError(400, "Bad Request: chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for known in self._chats.values():
                if known.get("username", "").lower() == raw[1:].lower():
                    return known
            raise BotApiError(400, "Bad Request: chat not found")
        try:
            chat_id = _int_value(raw, "chat_id")
        except BotApiError:
            raise BotApiError(400, "Bad Request: chat not found") from None
        if chat_id in self._migrated:
            raise BotApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        if chat_id in self._blocked:
            raise BotApiError(403, _blocked_description(chat_id, self._chats.get(chat_id)))
        chat = self._chats.get(chat_id)
        if chat is None:
            raise BotApiError(400, "Bad Request: chat not found")
        return chat

    def _record(self, message: SentMessage) -> None:
        (self.edits if message.edited else self.sent).append(message)
        self._latest[(message.chat_id, message.message_id)] = message
        self._notify()
        if self.on_send is not None:
            self.on_send(message)

    def _bot_message(self, params: JsonDict, missing: str) -> tuple[JsonDict, SentMessage]:
        if params.get("inline_message_id"):
            raise BotApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        message_id = _opt_int(params, "message_id")
        if message_id is None:
            raise BotApiError(400, "Bad Request: message identifier is not specified")
        key = (chat["id"], message_id)
        if key not in self._messages:
            raise BotApiError(400, f"Bad Request: {missing}")
        if key not in self._latest:
            raise BotApiError(400, "Bad Request: message can't be edited")
        return self._messages[key], self._latest[key]

    # -- methods ------------------------------------------------------------------------------

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": self.inline_mode,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        """Long-poll like Telegram: a newer poll ends an older one with 409, as two bot instances would."""
        offset = _opt_int(params, "offset")
        limit = min(max(_opt_int(params, "limit") or 100, 1), 100)
        timeout = _opt_float(params, "timeout") or 0.0
        allowed = _json_value(params, "allowed_updates")
        if allowed is not None:
            self._allowed_updates = frozenset(allowed) or None
        if offset is not None and offset < 0:
            self._updates = self._updates[offset:]
        elif offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation, releases = self._poll_generation, self._releases
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.webhook_url:
                raise BotApiError(409, _CONFLICT_WEBHOOK)
            if generation != self._poll_generation:
                raise BotApiError(409, _CONFLICT_POLLING)
            batch = [u for u in self._updates if self._is_allowed(u)][:limit]
            remaining = deadline - loop.time()
            if batch or releases != self._releases or remaining <= 0:
                return batch
            await self._wait_for_change(remaining)

    def _is_allowed(self, update: JsonDict) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self._allowed_updates is None:
            return kind not in _UNREQUESTED_BY_DEFAULT
        return kind in self._allowed_updates

    async def _set_webhook(self, params: JsonDict) -> bool:
        self.webhook_url = _opt_str(params, "url") or ""
        self.webhook_secret = _opt_str(params, "secret_token")
        if _flag(params, "drop_pending_updates"):
            self._updates.clear()
        self._notify()
        return True

    async def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook_url = ""
        self.webhook_secret = None
        if _flag(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> JsonDict:
        pending = len(self._updates)
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": pending}

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat = self._target_chat(params)
        text = _opt_str(params, "text") or ""
        parse_mode = _opt_str(params, "parse_mode")
        plain, entities = _render(text, parse_mode)
        markup = _check_reply_markup(_json_value(params, "reply_markup"))
        reply_to = _opt_int(params, "reply_to_message_id")
        reply_parameters = _json_value(params, "reply_parameters")
        allow_missing = _flag(params, "allow_sending_without_reply")
        if isinstance(reply_parameters, dict):
            reply_to = _int_value(reply_parameters.get("message_id"), "message_id")
            allow_missing = bool(reply_parameters.get("allow_sending_without_reply"))
        content: JsonDict = {"text": plain}
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            replied = self._messages.get((chat["id"], reply_to))
            if replied is not None:
                content["reply_to_message"] = _as_replied(replied)
            elif not allow_missing:
                raise BotApiError(400, "Bad Request: message to be replied not found")
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        message = self._new_message(chat["id"], self.bot_user, content)
        self._record(
            SentMessage(
                chat_id=chat["id"],
                message_id=message["message_id"],
                text=text,
                plain=plain,
                parse_mode=parse_mode,
                reply_markup=markup,
                date=message["date"],
                disable_notification=_flag(params, "disable_notification"),
                reply_to_message_id=reply_to if "reply_to_message" in content else None,
            )
        )
        return message

    async def _edit_message_text(self, params: JsonDict) -> JsonDict:
        message, latest = self._bot_message(params, "message to edit not found")
        text = _opt_str(params, "text") or ""
        parse_mode = _opt_str(params, "parse_mode")
        plain, entities = _render(text, parse_mode)
        markup = _check_reply_markup(_json_value(params, "reply_markup"))
        unchanged = plain == message.get("text") and entities == message.get("entities", [])
        if unchanged and markup == latest.reply_markup:
            raise BotApiError(400, _NOT_MODIFIED)
        message["text"] = plain
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        return self._apply_edit(message, latest, text=text, plain=plain, parse_mode=parse_mode, markup=markup)

    async def _edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        message, latest = self._bot_message(params, "message to edit not found")
        markup = _check_reply_markup(_json_value(params, "reply_markup"))
        if markup == latest.reply_markup:
            raise BotApiError(400, _NOT_MODIFIED)
        return self._apply_edit(
            message, latest, text=latest.text, plain=latest.plain, parse_mode=latest.parse_mode, markup=markup
        )

    def _apply_edit(
        self,
        message: JsonDict,
        latest: SentMessage,
        *,
        text: str,
        plain: str,
        parse_mode: str | None,
        markup: JsonDict | None,
    ) -> JsonDict:
        message.pop("reply_markup", None)
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        self._record(
            SentMessage(
                chat_id=latest.chat_id,
                message_id=latest.message_id,
                text=text,
                plain=plain,
                parse_mode=parse_mode,
                reply_markup=markup,
                date=latest.date,
                disable_notification=latest.disable_notification,
                reply_to_message_id=latest.reply_to_message_id,
                edited=True,
            )
        )
        return message

    async def _delete_message(self, params: JsonDict) -> bool:
        chat = self._target_chat(params)
        message_id = _opt_int(params, "message_id")
        key = (chat["id"], message_id or 0)
        if key not in self._messages:
            raise BotApiError(400, "Bad Request: message to delete not found")
        del self._messages[key]
        self._latest.pop(key, None)
        self.deleted.append(key)
        return True

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = _opt_str(params, "callback_query_id") or ""
        if query_id not in self._open_queries:
            raise BotApiError(400, _QUERY_INVALID)
        text = _opt_str(params, "text")
        if text is not None and len(text) > 200:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        self.callback_answers.append(
            CallbackAnswer(query_id, text, _flag(params, "show_alert"), _opt_str(params, "url"))
        )
        return True

    async def _set_my_commands(self, params: JsonDict) -> bool:
        commands = _json_value(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise BotApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not _BOT_COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise BotApiError(400, "Bad Request: command description is empty or too long")
        key = (_scope_key(_json_value(params, "scope")), _opt_str(params, "language_code") or "")
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    async def _get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return self.my_commands(_json_value(params, "scope"), _opt_str(params, "language_code") or "")

    async def _delete_my_commands(self, params: JsonDict) -> bool:
        key = (_scope_key(_json_value(params, "scope")), _opt_str(params, "language_code") or "")
        self._commands.pop(key, None)
        return True

    async def _set_chat_menu_button(self, params: JsonDict) -> bool:
        chat_id = self._target_chat(params)["id"] if params.get("chat_id") not in (None, "") else None
        self.menu_buttons[chat_id] = _json_value(params, "menu_button") or {"type": "default"}
        return True

    async def _get_chat_menu_button(self, params: JsonDict) -> JsonDict:
        chat_id = self._target_chat(params)["id"] if params.get("chat_id") not in (None, "") else None
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}

    async def _send_chat_action(self, params: JsonDict) -> bool:
        chat = self._target_chat(params)
        action = _opt_str(params, "action") or ""
        if action not in _CHAT_ACTIONS:
            raise BotApiError(400, "Bad Request: wrong parameter action in request")
        self.chat_actions.append((chat["id"], action))
        return True

    async def _get_chat(self, params: JsonDict) -> JsonDict:
        chat = self._target_chat(params)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, params: JsonDict) -> JsonDict:
        """A user's status in a chat; one the bot has never seen is unknown to Telegram too."""
        chat = self._target_chat(params)
        user_id = _int_value(params.get("user_id"), "user_id")
        if user_id == self.bot_user["id"]:
            status = self._members.get(chat["id"], {}).get(user_id, "member")
            return _member(self.bot_user, status)
        user = self._users.get(user_id)
        if user is None:
            raise BotApiError(400, "Bad Request: user not found")
        if chat["type"] == "private":
            return _member(user, "member" if user_id == chat["id"] else "left")
        return _member(user, self._members.get(chat["id"], {}).get(user_id, "left"))

    async def _get_chat_administrators(self, params: JsonDict) -> list[JsonDict]:
        chat = self._target_chat(params)
        if chat["type"] == "private":
            raise BotApiError(400, "Bad Request: there are no administrators in the private chat")
        members = self._members.get(chat["id"], {})
        bot_id = self.bot_user["id"]
        return [
            _member(self.bot_user if user_id == bot_id else self._users[user_id], status)
            for user_id, status in members.items()
            if status in ADMIN_STATUSES
        ]

    async def _answer_inline_query(self, params: JsonDict) -> bool:
        """Check the results as Telegram does (count, ids, each result's message), then record them.

        Only article results are implemented, the one kind this bot sends; others are refused here.
        """
        query_id = _opt_str(params, "inline_query_id") or ""
        if query_id not in self._open_inline_queries:
            raise BotApiError(400, _QUERY_INVALID)
        results = _json_value(params, "results")
        if not isinstance(results, list):
            raise BotApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise BotApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        next_offset = _opt_str(params, "next_offset")
        if next_offset is not None and len(next_offset.encode()) > MAX_NEXT_OFFSET_BYTES:
            raise BotApiError(400, "Bad Request: NEXT_OFFSET_INVALID")
        articles: list[InlineArticle] = []
        seen: set[str] = set()
        for result in results:
            article = _article(result)
            if article.id in seen:
                raise BotApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
            seen.add(article.id)
            articles.append(article)
        self._open_inline_queries.discard(query_id)
        self.inline_answers.append(
            InlineAnswer(
                query_id,
                tuple(articles),
                _opt_int(params, "cache_time"),
                _flag(params, "is_personal"),
                next_offset,
            )
        )
        return True


def _article(result: object) -> InlineArticle:
    if not isinstance(result, dict):
        raise BotApiError(400, "Bad Request: can't parse inline query result JSON object")
    result_id = str(result.get("id", ""))
    if not 1 <= len(result_id.encode()) <= MAX_INLINE_RESULT_ID_BYTES:
        raise BotApiError(400, "Bad Request: RESULT_ID_INVALID")
    if result.get("type") != "article":
        raise BotApiError(400, "Bad Request: RESULT_TYPE_INVALID")
    title = str(result.get("title") or "")
    if not title.strip():
        raise BotApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict) or "message_text" not in content:
        raise BotApiError(400, "Bad Request: SEND_MESSAGE_MEDIA_INVALID")
    text = str(content["message_text"])
    parse_mode = content.get("parse_mode")
    try:
        plain, _ = _render(text, parse_mode)
    except BotApiError as exc:
        if exc.description == "Bad Request: message text is empty":
            raise BotApiError(400, "Bad Request: MESSAGE_EMPTY") from None
        raise
    description = result.get("description")
    return InlineArticle(
        id=result_id,
        title=title,
        description=None if description is None else str(description),
        text=text,
        plain=plain,
        parse_mode=parse_mode,
        reply_markup=_check_reply_markup(result.get("reply_markup")),
    )


def _as_replied(message: JsonDict) -> JsonDict:
    """Telegram nests replies one level deep only."""
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def _scope_key(scope: object) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _infer_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def _blocked_description(chat_id: int, chat: JsonDict | None) -> str:
    kind = (chat or {}).get("type") or _infer_chat_type(chat_id)
    if kind == "private":
        return "Forbidden: bot was blocked by the user"
    if kind == "channel":
        return "Forbidden: bot is not a member of the channel chat"
    return f"Forbidden: bot was kicked from the {kind} chat"


class LocalRequest(BaseRequest):
    """A PTB request backend that answers from a :class:`LocalBotApi`, so the bot runs without network."""

    __slots__ = ("_api", "_read_timeout")

    def __init__(self, api: LocalBotApi, read_timeout: float | None = 5.0) -> None:
        self._api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open: the API lives in this process."""

    async def shutdown(self) -> None:
        """Nothing to close; the shared API outlives any one bot."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer with the same status and JSON envelope Telegram would, so PTB's error mapping applies."""
        endpoint = url.rstrip("/").rsplit("/", 1)[-1]
        params: JsonDict = dict(request_data.parameters) if request_data is not None else {}
        try:
            result = await self._api.call(endpoint, params)
        except BotApiError as exc:
            return exc.code, json.dumps(exc.envelope()).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()
