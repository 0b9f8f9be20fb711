"""A fake Telegram Bot API over HTTP on 127.0.0.1.

The real python-telegram-bot client talks to it through ``base_url``, so tests cover PTB's own
encoding, HTTP handling and error mapping. All Bot API semantics come from :class:`LocalBotApi`;
this module only adds HTTP plumbing and the faults a test needs to provoke.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import pytest_asyncio
from aiohttp import ClientError, ClientSession, ClientTimeout, web

from bot.localapi import BotApiError, LocalBotApi

TOKEN = "123:TEST"


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP call as the server received it, to assert on what the client really sent."""

    method: str
    params: dict[str, Any]
    at: float
    """``time.monotonic()`` on arrival, for checking pacing between calls."""


@dataclass
class _Fault:
    error: BotApiError
    remaining: int


class _Window:
    """A sliding window of send times; it counts only sends that Telegram accepted."""

    def __init__(self, capacity: int, seconds: float) -> None:
        self.capacity = capacity
        self.seconds = seconds
        self.times: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        if len(self.times) < self.capacity:
            return 0.0
        return self.times[0] + self.seconds - now


def _window_for_rate(per_second: float) -> tuple[int, float]:
    """Whole sends per second where possible, else one send per 1/rate seconds."""
    if per_second >= 1:
        return int(per_second), 1.0
    return 1, 1.0 / per_second


def _is_counted_send(method: str) -> bool:
    name = method.lower()
    return (name.startswith("send") and name != "sendchataction") or name in {"copymessage", "forwardmessage"}


class FakeBotApiServer:
    """An aiohttp server that speaks the Bot API from a :class:`LocalBotApi` it wraps."""

    def __init__(self, token: str = TOKEN, api: LocalBotApi | None = None) -> None:
        self.token = token
        self.api = api if api is not None else LocalBotApi()
        self.requests: list[RecordedRequest] = []
        self.refusals = 0
        """429s answered because a send broke an enforced limit (injected faults not counted)."""
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._overall: _Window | None = None
        self._per_chat: tuple[int, float] | None = None
        self._per_group: tuple[int, float] | None = None
        self._chat_windows: dict[object, _Window] = {}
        self._group_windows: dict[object, _Window] = {}
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._posted: dict[int, dict[str, Any]] = {}

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Release long polls first, or shutdown would wait for their timeouts."""
        self.api.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApiServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def root(self) -> str:
        if self._port is None:
            raise RuntimeError("the fake Bot API server is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """What ``ApplicationBuilder().base_url`` needs; PTB appends the token."""
        return f"{self.root}/bot"

    def calls(self, method: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method.lower() == method.lower()]

    # -- webhooks -----------------------------------------------------------------------------

    async def post_update(
        self,
        update_id: int,
        replica: str,
        *,
        secret: str | None = None,
        attempts: int = 5,
        retry_after: float = 0.1,
    ) -> list[int]:
        """Post an update to the webhook the bot set, as Telegram does, and return each answer's status.

        The registered URL is a public https name; ``replica`` (``http://127.0.0.1:<port>``) is where the
        proxy in front of it would send this post, the path being the registered URL's. The secret is
        the one ``setWebhook`` gave unless another is named. Like Telegram, a post answered with
        anything but 2xx (or not answered) is tried again, up to ``attempts`` times; posting the same
        update again is Telegram retrying one whose answer it never got.
        """
        if not self.api.webhook_url:
            raise RuntimeError("no webhook is set: the bot must call setWebhook first")
        if update_id not in self._posted:
            self._posted[update_id] = self.api.take_update(update_id)
        update = self._posted[update_id]
        url = replica.rstrip("/") + (urlsplit(self.api.webhook_url).path or "/")
        token = self.api.webhook_secret if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        statuses: list[int] = []
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            for _ in range(attempts):
                try:
                    async with session.post(url, json=update, headers=headers) as response:
                        statuses.append(response.status)
                        if 200 <= response.status < 300:
                            break
                except ClientError:
                    statuses.append(0)
                await asyncio.sleep(retry_after)
        return statuses

    # -- fault injection ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        times: int = 1,
    ) -> None:
        """Refuse the next ``times`` calls of ``method``, to test handling of any Telegram error."""
        fault = _Fault(BotApiError(code, description, parameters), times)
        self._faults.setdefault(method.lower(), deque()).append(fault)

    def block_chat(self, chat_id: int) -> None:
        """Answer sends to the chat with 403, to test that blocked subscribers are dropped."""
        self.api.block_chat(chat_id)

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Answer sends to ``old_id`` with migrate_to_chat_id, to test following a supergroup upgrade."""
        self.api.migrate_chat(old_id, new_id)

    def delay(self, method: str, seconds: float) -> None:
        """Hold every answer to ``method`` for ``seconds`` (0 turns it off), to test timeouts and overlap."""
        self._delays[method.lower()] = seconds

    def limit(
        self,
        per_second_overall: float | None = None,
        per_chat_per_second: float | None = None,
        per_group_per_minute: int | None = None,
    ) -> None:
        """Enforce Telegram's flood limits (about 30/s overall, 1/s per chat, 20/min per group).

        Sends beyond a limit get 429 with ``retry_after``, so tests prove the bot paces broadcasts
        instead of relying on Telegram's leniency. ``None`` lifts that limit.
        """
        self._overall = _Window(*_window_for_rate(per_second_overall)) if per_second_overall else None
        self._per_chat = _window_for_rate(per_chat_per_second) if per_chat_per_second else None
        self._per_group = (per_group_per_minute, 60.0) if per_group_per_minute else None
        self._chat_windows.clear()
        self._group_windows.clear()

    # -- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _read_params(request)
        self.requests.append(RecordedRequest(method, params, time.monotonic()))
        try:
            if request.match_info["token"] != self.token:
                raise BotApiError(401, "Unauthorized")
            pause = self._delays.get(method.lower())
            if pause:
                await asyncio.sleep(pause)
            self._raise_injected_fault(method)
            result = await self._call_within_limits(method, params)
        except BotApiError as exc:
            return web.json_response(exc.envelope(), status=exc.code)
        return web.json_response({"ok": True, "result": result})

    def _raise_injected_fault(self, method: str) -> None:
        queue = self._faults.get(method.lower())
        if not queue:
            return
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        raise fault.error

    async def _call_within_limits(self, method: str, params: dict[str, Any]) -> Any:
        """Reserve a slot in every applicable window before the call and give it back on failure."""
        if not _is_counted_send(method):
            return await self.api.call(method, params)
        windows = self._windows_for(params.get("chat_id"))
        now = time.monotonic()
        wait = max((w.wait_needed(now) for w in windows), default=0.0)
        if wait > 0:
            self.refusals += 1
            retry_after = max(1, math.ceil(wait))
            raise BotApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        for window in windows:
            window.times.append(now)
        try:
            return await self.api.call(method, params)
        except BotApiError:
            for window in windows:
                window.times.remove(now)
            raise

    def _windows_for(self, raw_chat_id: object) -> list[_Window]:
        key = raw_chat_id
        if isinstance(raw_chat_id, str) and raw_chat_id.lstrip("-").isdigit():
            key = int(raw_chat_id)
        windows = [self._overall] if self._overall else []
        if self._per_chat:
            windows.append(self._chat_windows.setdefault(key, _Window(*self._per_chat)))
        if self._per_group and isinstance(key, int) and key < 0:
            windows.append(self._group_windows.setdefault(key, _Window(*self._per_group)))
        return windows


async def _read_params(request: web.Request) -> dict[str, Any]:
    """PTB posts form-encoded (multipart when uploading); other clients may post JSON."""
    params: dict[str, Any] = dict(request.query)
    if not request.can_read_body:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params[name] = f"<file {value.filename}>"
        elif isinstance(value, bytes | bytearray):
            params[name] = value.decode(errors="replace")
        else:
            params[name] = value
    return params


@pytest_asyncio.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApiServer]:
    """A started fake Bot API with token ``123:TEST``, stopped after the test."""
    server = FakeBotApiServer(token=TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
