"""Webhook mode: Telegram posts each update to the public URL, and any replica may take it in.

python-telegram-bot's custom-webhook pattern: our own server (the web side's aiohttp) receives the post,
``Update.de_json`` makes the update and ``Application.update_queue`` hands it to the handlers, exactly
as polling would. What this adds:

- a post without Telegram's ``X-Telegram-Bot-Api-Secret-Token`` (the ``SUMMITBOT_WEBHOOK_SECRET``
  given to ``setWebhook``) is refused with 403 and never handled;
- a body that is not an update is refused with 400 (Telegram does not retry a 4xx); an update this
  python-telegram-bot cannot read is acknowledged and skipped with one logged line (``bot.updates``);
- an update is handled once: the first replica to record its id handles it (``Store.claim_update``),
  and Telegram's retries or a copy that reached another replica are acknowledged and dropped. The
  claim comes before handling, so a replica killed between the two loses that one update (at most
  once rather than twice: a chat may repeat a command, but cannot take back a doubled answer).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.updates import read_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret

Claim = Callable[[int], Awaitable[bool]]
"""True when this update id was not taken in before (by this replica or another)."""


def webhook_route(
    path: str, secret: str, app: Application[Any, Any, Any, Any, Any, Any], claim: Claim
) -> web.RouteDef:
    """The POST route for ``path``, handing checked, first-seen updates to ``app``."""
    expected = secret.encode()

    async def take_in(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
        except ValueError:  # JSONDecodeError and UnicodeDecodeError both are
            return web.Response(status=400, text="the body is not JSON")
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            return web.Response(status=400, text="the body is not a Telegram update")
        update = read_update(data, app.bot)  # one PTB cannot read is taken (200) and skipped, not retried
        try:
            first = await claim(update.update_id)
        except Exception:  # the database did not answer: 503 makes Telegram retry later
            log.exception("could not record update %s; Telegram will retry it", update.update_id)
            return web.Response(status=503, text="try again")
        if first:
            await app.update_queue.put(update)
        return web.Response(text="ok")

    return web.post(path, take_in)
