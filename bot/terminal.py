"""The terminal chat: the same application, handlers, store and scheduler, with stdin/stdout as Telegram.

python-telegram-bot talks to an in-process Bot API (``bot.localapi``) instead of Telegram's servers,
so nothing here knows about commands or wording: lines typed become updates, messages sent are printed.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot import wording
from bot.bootstrap import App, build_application, running
from bot.clock import Clock
from bot.localapi import LocalBotApi, LocalRequest, SentMessage
from bot.settings import Settings

TERMINAL_CHAT = 1
TERMINAL_TOKEN = "0:terminal"  # noqa: S105 - not a secret: the in-process Bot API accepts anything


class Screen:
    """Prints what the bot sends, numbering inline buttons so a typed number can press them."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.buttons: list[tuple[int, str]] = []

    def show(self, message: SentMessage) -> None:
        self._out.write(wording.terminal_message(message.plain, [text for text, _ in message.buttons]))
        self._out.flush()
        if message.buttons:
            self.buttons = [(message.message_id, data) for _, data in message.buttons]


async def chat(
    settings: Settings, clock: Clock, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    screen = Screen(stdout)
    api = LocalBotApi(on_send=screen.show)
    api.add_chat(TERMINAL_CHAT, chat_type="private", first_name="You")
    app = build_application(settings, clock, request=LocalRequest(api), token=TERMINAL_TOKEN)
    stdout.write(wording.TERMINAL_BANNER)
    stdout.flush()
    async with running(app):
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, stdin.readline):
            text = line.strip()
            if text in wording.TERMINAL_QUIT:
                break
            if text.isdigit() and 0 < int(text) <= len(screen.buttons):
                message_id, data = screen.buttons[int(text) - 1]
                update = api.user_presses(TERMINAL_CHAT, message_id, data)
            elif text:
                update = api.user_says(text, chat_id=TERMINAL_CHAT, first_name="You")
            else:
                continue
            await _answered(api, app, update["update_id"])
    api.close()
    return 0


async def _answered(api: LocalBotApi, app: App, update_id: int) -> None:
    """Wait until the bot has fetched and handled this update, so replies print before the next prompt."""
    await api.wait_until_fetched(update_id)
    await app.update_queue.join()
