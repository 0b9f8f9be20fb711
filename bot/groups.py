"""Who may change a group's settings: its administrators, as Telegram says (``getChatMember``).

Asking Telegram on every command would cost a request each time and a group's admins rarely change,
so each answer is remembered for a minute per chat and user: a demoted admin keeps the right for at
most that long. A failed question is not remembered; the caller refuses and the next command asks again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.clock import Clock

ADMIN_STATUSES = frozenset({"creator", "administrator"})
REMEMBER = timedelta(seconds=60)
GROUP_KINDS = frozenset({"group", "supergroup"})


class GroupAdmins:
    """A short memory of ``getChatMember`` answers, on an injected clock."""

    def __init__(self, clock: Clock, remember: timedelta = REMEMBER) -> None:
        self._clock = clock
        self._remember = remember
        self._known: dict[tuple[int, int], tuple[bool, datetime]] = {}

    async def is_admin(self, chat_id: int, user_id: int, status: Callable[[], Awaitable[str]]) -> bool:
        """Whether the user administers the chat; ``status`` asks Telegram, and whatever it raises
        reaches the caller unremembered."""
        now = self._clock.now()
        known = self._known.get((chat_id, user_id))
        if known is not None and now - known[1] < self._remember:
            return known[0]
        admin = await status() in ADMIN_STATUSES
        self._forget_old(now)
        self._known[(chat_id, user_id)] = (admin, now)
        return admin

    def _forget_old(self, now: datetime) -> None:
        """Keep the memory as small as the last minute's askers, however many groups the bot is in."""
        stale = [key for key, (_, at) in self._known.items() if now - at >= self._remember]
        for key in stale:
            del self._known[key]
