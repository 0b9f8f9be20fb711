"""Sending what the outbox holds through Telegram, and acting on Telegram's answers.

Every owed message is a stored row before it is sent (``Store.enqueue``); this module sends due rows
and records each outcome. Telegram's answers decide what happens next:

- 429 ``RetryAfter``: the row waits ``retry_after`` seconds (and everything behind it waits too);
- timeouts, connection errors and 5xx: retried with exponential backoff, up to ``MAX_ATTEMPTS``;
- 403 (blocked, deactivated, kicked) and 400 "chat not found": the chat's subscription ends;
- ``ChatMigrated``: the subscription and owed rows move to the supergroup's id and it is resent there.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock
from bot.store import Delivery, DeliveryState, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF = timedelta(seconds=2)
GONE_CHAT = ("chat not found", "user not found", "peer_id_invalid", "group chat was deactivated")


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    ended_chats: list[int] = field(default_factory=list)
    paused: bool = False


class Sender:
    """Drains due rows of the outbox; one drain at a time, so no row is sent twice by this process."""

    def __init__(self, store: Store, bot: Bot, clock: Clock) -> None:
        self._store = store
        self._bot = bot
        self._clock = clock
        self._lock = asyncio.Lock()

    async def drain(self) -> DrainReport:
        report = DrainReport()
        async with self._lock:
            while not report.paused and (batch := await self._store.pending(self._clock.now())):
                for delivery in batch:
                    await self._deliver(delivery, report)
                    if report.paused:
                        break
        return report

    async def _deliver(self, delivery: Delivery, report: DrainReport) -> None:
        chat_id = delivery.chat_id
        try:
            await self._send(chat_id, delivery.text)
        except ChatMigrated as exc:
            log.info("chat %s became supergroup %s; moving its subscription", chat_id, exc.new_chat_id)
            await self._store.migrate_chat(chat_id, exc.new_chat_id, self._clock.now())
            report.retried += 1
            return
        except RetryAfter as exc:
            wait = (
                exc.retry_after
                if isinstance(exc.retry_after, int | float)
                else exc.retry_after.total_seconds()
            )
            log.warning("Telegram asked to wait %s s (flood control)", wait)
            await self._retry(delivery, report, timedelta(seconds=float(wait)), str(exc), count_attempt=False)
            report.paused = True
            return
        except Forbidden as exc:
            await self._end_chat(delivery, report, str(exc))
            return
        except BadRequest as exc:
            if any(marker in str(exc).lower() for marker in GONE_CHAT):
                await self._end_chat(delivery, report, str(exc))
            else:
                log.error("Telegram refused a message to %s: %s", chat_id, exc)
                await self._store.mark(delivery.id, DeliveryState.FAILED, self._clock.now(), str(exc))
                report.failed += 1
            return
        except (NetworkError, TelegramError) as exc:
            await self._retry(delivery, report, BACKOFF * 2**delivery.attempts, str(exc))
            return
        await self._store.mark(delivery.id, DeliveryState.SENT, self._clock.now())
        report.sent += 1

    async def _send(self, chat_id: int, text: str) -> None:
        await self._bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def _retry(
        self,
        delivery: Delivery,
        report: DrainReport,
        wait: timedelta,
        error: str,
        *,
        count_attempt: bool = True,
    ) -> None:
        now = self._clock.now()
        if count_attempt and delivery.attempts + 1 >= MAX_ATTEMPTS:
            log.error(
                "giving up on a message to %s after %d attempts: %s", delivery.chat_id, MAX_ATTEMPTS, error
            )
            await self._store.mark(delivery.id, DeliveryState.FAILED, now, error)
            report.failed += 1
            return
        await self._store.mark(delivery.id, DeliveryState.PENDING, now, error, retry_at=now + wait)
        report.retried += 1

    async def _end_chat(self, delivery: Delivery, report: DrainReport, error: str) -> None:
        now = self._clock.now()
        log.info("chat %s is gone (%s); ending its subscription", delivery.chat_id, error)
        await self._store.unsubscribe(delivery.chat_id, now, reason=error)
        await self._store.mark(delivery.id, DeliveryState.FAILED, now, error)
        report.failed += 1
        report.ended_chats.append(delivery.chat_id)
