"""Updates python-telegram-bot cannot read are skipped, one by one, instead of stopping the bot.

PTB parses a whole ``getUpdates`` batch at once, and when one update in it fails (a field the installed
PTB requires and this Telegram does not send, as a poll without ``allows_revoting``), its Updater logs
"Received data was *not* processed", keeps the offset and asks again: the same batch comes back
forever, and the bot answers nobody while it spins. So each update is read alone; one that cannot be
read is logged once and handed on as an empty ``Update`` with its id, which no handler takes, so the
offset moves past it. Webhook posts are read the same way.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.ext import ExtBot
from telegram.request import BaseRequest

log = logging.getLogger(__name__)


def read_update(data: JSONDict, bot: Bot) -> Update:
    """The update, or an empty one with the same id when PTB cannot read it (logged)."""
    return _parsed(data, bot) or Update(update_id=data["update_id"])


def _parsed(data: JSONDict, bot: Bot) -> Update | None:
    try:
        return Update.de_json(copy.deepcopy(data), bot)
    except Exception as exc:  # PTB raises TypeError, KeyError, ValueError…: any of them skips the update
        kinds = ", ".join(str(key) for key in data if key != "update_id")
        log.warning("update %s (%s) could not be read and is skipped: %s", data["update_id"], kinds, exc)
        return None


def _readable(raw: object, bot: Bot) -> object:
    """``raw`` as it came, or only its id when PTB cannot read it."""
    if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
        return raw  # not an update at all: PTB reports it as it always did
    return raw if _parsed(raw, bot) is not None else {"update_id": raw["update_id"]}


class TolerantBot(ExtBot[None]):
    """``ExtBot`` whose ``getUpdates`` answer has its unreadable updates replaced by empty ones."""

    def __init__(
        self, token: str, base_url: str, request: BaseRequest, get_updates_request: BaseRequest
    ) -> None:
        super().__init__(token, base_url=base_url, request=request, get_updates_request=get_updates_request)

    async def _post(
        self,
        endpoint: str,
        data: JSONDict | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> Any:
        result = await super()._post(
            endpoint,
            data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        if endpoint == "getUpdates" and isinstance(result, list):
            return [_readable(raw, self) for raw in result]
        return result
