"""A bot process killed in the middle of a broadcast and restarted: no message lost, duplicates bounded.

The bound (README, "How alerts work"): a message can reach a chat twice only if it was sent in the last
moments before the crash, after the request left but before its outcome was written (outcomes are
written every ``FLUSH_EVERY`` seconds).
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.delivery import FLUSH_EVERY
from bot.storage import Store
from tests.conftest import bot_env, spawn_bot
from tests.fakebotapi import TOKEN, FakeBotApiServer

SUBSCRIBERS = 200
RATE = 50
EVENTS = """\
timezone: UTC
sources:
  desk: {title: Test desk, by: The operator, date: 2029-12-01}
events:
  - id: launch
    title: The launch
    when: {at: "2030-01-01T12:00Z"}
    status: {source: desk}
    source: desk
    reminders: [1h]
"""
MOMENT = datetime.fromisoformat("2030-01-01T11:00:00+00:00")


async def start_bot(
    tmp_path: Path,
    db: str,
    fake: FakeBotApiServer,
    *,
    subscribers: int = SUBSCRIBERS,
    rate: int = RATE,
    lead: float = 2,
    port: int | None = None,
) -> asyncio.subprocess.Process:
    """A real ``summitbot run`` whose clock starts ``lead`` seconds before the broadcast of the alert at
    MOMENT begins (its rows fall due ``subscribers / rate`` seconds before it); ``port``: its web side."""
    as_of = datetime.fromtimestamp(MOMENT.timestamp() - subscribers / rate - lead, MOMENT.tzinfo)
    web = {"SUMMITBOT_HTTP_HOST": "127.0.0.1", "SUMMITBOT_HTTP_PORT": str(port)} if port else {}
    env = bot_env(
        tmp_path,
        db,
        TELEGRAM_BOT_TOKEN=TOKEN,
        SUMMITBOT_API_URL=fake.root,
        SUMMITBOT_EVENTS=str(tmp_path / "events.yaml"),
        SUMMITBOT_RATE=str(rate),
        **web,
    )
    return await spawn_bot(env, "--as-of", as_of.isoformat(), capture=False)


async def wait_for(condition: Callable[[], bool], timeout: float) -> None:  # noqa: ASYNC109 - its own deadline
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def alerts_sent(fake_bot_api: FakeBotApiServer) -> list[tuple[int, float]]:
    """Each alert the fake Telegram accepted: to which chat, and when."""
    return [
        (int(r.params["chat_id"]), r.at)
        for r in fake_bot_api.calls("sendMessage")
        if str(r.params.get("text", "")).startswith("⏰")
    ]


async def subscribe_all(database_url: str, fake_bot_api: FakeBotApiServer, chats: list[int]) -> None:
    """Private chats that Telegram knows and that subscribed before any alert of the test."""
    store = await Store.open(database_url)
    for chat in chats:
        fake_bot_api.api.add_chat(chat)
        await store.subscribe(chat, "private", None, datetime.fromisoformat("2029-12-01T00:00:00+00:00"))
    await store.close()


async def test_a_broadcast_killed_midway_resumes_on_restart_losing_nothing(
    tmp_path: Path, database_url: str, fake_bot_api: FakeBotApiServer
) -> None:
    (tmp_path / "events.yaml").write_text(EVENTS)
    chats = list(range(10_000, 10_000 + SUBSCRIBERS))
    await subscribe_all(database_url, fake_bot_api, chats)

    first = await start_bot(tmp_path, database_url, fake_bot_api)
    await wait_for(lambda: len(alerts_sent(fake_bot_api)) >= SUBSCRIBERS // 3, timeout=60)
    first.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    await first.wait()
    sent_before_kill = len(alerts_sent(fake_bot_api))
    assert sent_before_kill < SUBSCRIBERS

    second = await start_bot(tmp_path, database_url, fake_bot_api)
    try:
        await wait_for(lambda: set(chats) <= {chat for chat, _ in alerts_sent(fake_bot_api)}, timeout=60)
        await asyncio.sleep(1.0)  # room for any second copy to show up
    finally:
        second.send_signal(signal.SIGINT)
        await second.wait()

    copies = Counter(chat for chat, _ in alerts_sent(fake_bot_api))
    assert set(copies) == set(chats)  # nobody lost
    doubled = {chat for chat, n in copies.items() if n > 1}
    assert all(n <= 2 for n in copies.values())
    first_copy = {chat: min(at for c, at in alerts_sent(fake_bot_api) if c == chat) for chat in doubled}
    window = FLUSH_EVERY + 0.5  # the unrecorded outcomes plus requests still in flight at the kill
    assert all(killed_at - at <= window for at in first_copy.values()), (len(doubled), sent_before_kill)
