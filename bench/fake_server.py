"""The fake Bot API (``tests/fakebotapi.py``) in its own process, so its CPU is not the bot's.

Run as ``python -m bench.fake_server --chats N [--overall L] [--per-chat 1] [--delay S]``. It prints
one JSON line ``{"api": <root url>, "control": <root url>}`` and serves until its stdin closes (the
parent closes it, or exits). The control app, on a second port, answers:

- ``GET /stats?n=N``: sendMessage requests, accepted sends, 429s for breaking a limit, first/last
  accepted send (``time.time()``), and for chats 1..N how many got no message (lost) and how many got
  more than one (duplicated);
- ``POST /reset``: forget what was sent and answered (between runs on one server);
- ``POST /updates?k=K&text=/next``: queue K user messages, one from each private chat 1..K.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from typing import Any

from aiohttp import web

from bot.localapi import LocalBotApi, SentMessage
from tests.fakebotapi import FakeBotApiServer

TOKEN = "123:BENCH"


class Recorder:
    """What the bench needs to know about accepted sends, kept small (counts and two times)."""

    def __init__(self) -> None:
        self.per_chat: Counter[int] = Counter()
        self.first: float | None = None
        self.last: float | None = None
        self.sent = 0

    def on_send(self, message: SentMessage) -> None:
        now = time.time()
        if message.edited:
            return
        self.sent += 1
        self.per_chat[message.chat_id] += 1
        if self.first is None:
            self.first = now
        self.last = now


async def serve(args: argparse.Namespace) -> None:
    recorder = Recorder()
    api = LocalBotApi(on_send=recorder.on_send)
    server = FakeBotApiServer(token=TOKEN, api=api)
    server.limit(per_second_overall=args.overall or None, per_chat_per_second=args.per_chat or None)
    if args.delay:
        server.delay("sendMessage", args.delay)
    for chat_id in range(1, args.chats + 1):
        api.add_chat(chat_id)
    await server.start()
    queued_at: list[float] = []

    async def stats(request: web.Request) -> web.Response:
        n = int(request.query.get("n", args.chats))
        counts = recorder.per_chat
        body: dict[str, Any] = {
            "sent": recorder.sent,
            "first": recorder.first,
            "last": recorder.last,
            "requests": len(server.calls("sendMessage")),
            "refused_429": server.refusals,
            "lost": sum(1 for chat in range(1, n + 1) if counts.get(chat, 0) == 0),
            "duplicated": sum(1 for chat in range(1, n + 1) if counts.get(chat, 0) > 1),
            "queued_at": queued_at[-1] if queued_at else None,
        }
        return web.json_response(body)

    async def reset(request: web.Request) -> web.Response:
        recorder.per_chat.clear()
        recorder.first = recorder.last = None
        recorder.sent = 0
        server.refusals = 0
        server.requests.clear()
        api.sent.clear()
        return web.json_response({"ok": True})

    async def updates(request: web.Request) -> web.Response:
        k = int(request.query["k"])
        text = request.query.get("text", "/next")
        queued_at.append(time.time())
        for chat_id in range(1, k + 1):
            api.user_says(text, chat_id=chat_id)
        return web.json_response({"queued": k, "at": queued_at[-1]})

    control = web.Application()
    control.router.add_get("/stats", stats)
    control.router.add_post("/reset", reset)
    control.router.add_post("/updates", updates)
    runner = web.AppRunner(control, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    control_port = runner.addresses[0][1]
    print(json.dumps({"api": server.root, "control": f"http://127.0.0.1:{control_port}"}), flush=True)

    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()
    await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=0, help="register private chats 1..N")
    parser.add_argument("--overall", type=float, default=0.0, help="messages/s overall (0: no limit)")
    parser.add_argument("--per-chat", type=float, default=0.0, help="messages/s per chat (0: no limit)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each sendMessage answer")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
