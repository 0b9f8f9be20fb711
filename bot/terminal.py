"""The terminal chat: the same application, handlers, store and scheduler, with stdin/stdout as Telegram.

python-telegram-bot talks to an in-process Bot API (``bot.localapi``) instead of Telegram's servers,
so nothing here knows about commands or wording: lines typed become updates, messages sent are printed.
Lines are read on a daemon thread, so Ctrl-C ends the chat at once instead of waiting for Enter.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from typing import TextIO

from bot.bootstrap import App, build_application, running
from bot.clock import Clock
from bot.localapi import LocalBotApi, LocalRequest, SentMessage
from bot.settings import Settings
from bot.wording import chat as replies
from bot.wording.language import Language

TERMINAL_CHAT = 1
TERMINAL_TOKEN = "0:terminal"  # noqa: S105 - not a secret: the in-process Bot API accepts anything


class Screen:
    """Prints what the bot sends, numbering inline buttons so a typed number can press them.

    Only the buttons under the last message shown can be pressed: once the bot has said something
    else, an old menu is gone from view, and a number typed then is just text.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.buttons: list[tuple[int, str]] = []

    def show(self, message: SentMessage) -> None:
        self._out.write(replies.terminal_message(message.plain, [text for text, _ in message.buttons]))
        self._out.flush()
        self.buttons = [(message.message_id, data) for _, data in message.buttons]

    def button(self, typed: str) -> tuple[int, str] | None:
        if typed.isascii() and typed.isdigit() and 0 < int(typed) <= len(self.buttons):
            return self.buttons[int(typed) - 1]
        return None


_INTERRUPTED = "\x03"  # what Ctrl-C puts in the queue of lines: the chat ends as after /quit


def _lines(stdin: TextIO) -> asyncio.Queue[str | None]:
    """Lines typed, then None at end of input, fed from a thread that never holds up the bot's exit;
    Ctrl-C puts ``_INTERRUPTED`` in the queue, so the chat ends cleanly between two lines."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="terminal-input", daemon=True).start()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # no signals off the main thread
        loop.add_signal_handler(signal.SIGINT, queue.put_nowait, _INTERRUPTED)
    return queue


async def chat(
    settings: Settings,
    clock: Clock,
    lang: Language,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """The chat in ``lang``: the terminal's user speaks it, as a Telegram client would say."""
    screen = Screen(stdout)
    api = LocalBotApi(on_send=screen.show)
    api.add_chat(TERMINAL_CHAT, chat_type="private", first_name="You")
    quiet = settings.model_copy(update={"http_port": 0})  # a chat in a terminal opens no port
    app = build_application(quiet, clock, request=LocalRequest(api), token=TERMINAL_TOKEN)
    stdout.write(replies.terminal_banner(lang))
    stdout.flush()
    try:
        async with running(app):
            lines = _lines(stdin)
            while (line := await lines.get()) is not None:
                if line == _INTERRUPTED:
                    stdout.write(replies.terminal_bye(lang))
                    stdout.flush()
                    break
                text = line.strip()
                if text in replies.TERMINAL_QUIT:
                    break
                pressed = screen.button(text)
                if pressed is not None:
                    update = api.user_presses(TERMINAL_CHAT, *pressed)
                elif text:
                    update = api.user_says(
                        text, chat_id=TERMINAL_CHAT, first_name="You", language_code=lang.code
                    )
                else:
                    continue
                await _answered(api, app, update["update_id"])
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGINT)
        api.close()
    return 0


async def _answered(api: LocalBotApi, app: App, update_id: int) -> None:
    """Wait until the bot has fetched and handled this update, so replies print before the next prompt."""
    await api.wait_until_fetched(update_id)
    await app.update_queue.join()
