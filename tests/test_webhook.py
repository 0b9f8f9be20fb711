"""Webhook mode: updates posted by (fake) Telegram to every replica, checked, and each handled once.

The replicas here run in the test's process (two python-telegram-bot applications, each with its own
web server on a free port and its own seat in the election), which keeps these tests quick; the
processes-and-SIGKILL test is ``tests/test_replicas.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import aiohttp
import pytest

from bot.bootstrap import App, boot_of, build_application, running
from bot.clock import ManualClock
from bot.settings import Settings, load_settings
from tests.conftest import SEED
from tests.fakebotapi import TOKEN, FakeBotApiServer

URL = "https://summits.example.org/telegram"
SECRET = "s3cret_token-for-tests"
ALICE = 4242


def webhook_settings(fake: FakeBotApiServer, db: str) -> Settings:
    return load_settings(
        token=TOKEN,
        api_url=fake.root,
        events=SEED,
        db=db,
        http_port=0,
        webhook_url=URL,
        webhook_secret=SECRET,
    )


class Replicas:
    """Bots started one after the other on one database; ``address(i)`` is replica i's web side."""

    def __init__(self, settings: Settings, clock: ManualClock) -> None:
        self.settings, self.clock = settings, clock
        self.apps: list[App] = []
        self._stack = AsyncExitStack()

    async def start(self) -> App:
        app = build_application(self.settings, self.clock)
        boot_of(app).listen = ("127.0.0.1", 0)
        self.apps.append(await self._stack.enter_async_context(running(app)))
        return app

    def address(self, index: int) -> str:
        web = boot_of(self.apps[index]).web
        assert web is not None
        return f"http://127.0.0.1:{web.port}"

    def roles(self) -> list[str]:
        return [boot_of(app).role() for app in self.apps]

    async def handled(self) -> None:
        """Every replica's handlers are done with what they took in, and a moment passed for a copy."""
        for app in self.apps:
            await app.update_queue.join()
        await asyncio.sleep(0.3)

    async def close(self) -> None:
        await self._stack.aclose()


@pytest.fixture
async def replicas(
    fake_bot_api: FakeBotApiServer, database_url: str, clock: ManualClock
) -> AsyncIterator[Replicas]:
    group = Replicas(webhook_settings(fake_bot_api, database_url), clock)
    try:
        yield group
    finally:
        await group.close()


@pytest.fixture
async def two_replicas(
    fake_bot_api: FakeBotApiServer, postgres_url: str, clock: ManualClock
) -> AsyncIterator[Replicas]:
    group = Replicas(webhook_settings(fake_bot_api, postgres_url), clock)
    try:
        await group.start()
        await group.start()
        yield group
    finally:
        await group.close()


async def test_a_post_without_the_right_secret_is_refused_and_nothing_is_handled(
    replicas: Replicas, fake_bot_api: FakeBotApiServer
) -> None:
    await replicas.start()
    api = fake_bot_api.api
    wrong = api.user_says("/start", chat_id=ALICE)["update_id"]
    refused = await fake_bot_api.post_update(wrong, replicas.address(0), secret="not-it", attempts=2)
    assert refused == [403, 403]
    missing = api.user_says("/start", chat_id=ALICE)["update_id"]
    statuses = await fake_bot_api.post_update(missing, replicas.address(0), secret="", attempts=1)
    assert statuses == [403]
    await replicas.handled()
    assert api.sent_to(ALICE) == []

    right = api.user_says("/start", chat_id=ALICE)["update_id"]
    assert await fake_bot_api.post_update(right, replicas.address(0)) == [200]
    await replicas.handled()
    (reply,) = [m.plain for m in api.sent_to(ALICE)]
    assert reply.startswith("Welcome to summitbot.")


async def test_a_body_that_is_no_update_gets_400_and_the_bot_answers_the_next_one(
    replicas: Replicas, fake_bot_api: FakeBotApiServer
) -> None:
    await replicas.start()
    url = replicas.address(0) + "/telegram"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    bodies = [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"update_id": "seven"}', b'{"message": {}}']
    async with aiohttp.ClientSession() as session:
        for body in bodies:
            async with session.post(url, data=body, headers=headers) as response:
                assert response.status == 400, body
                assert "Traceback" not in await response.text()
    update = fake_bot_api.api.user_says("/start", chat_id=ALICE)["update_id"]
    assert await fake_bot_api.post_update(update, replicas.address(0)) == [200]
    await replicas.handled()
    assert len(fake_bot_api.api.sent_to(ALICE)) == 1


async def test_an_update_telegram_retries_is_answered_once(
    replicas: Replicas, fake_bot_api: FakeBotApiServer
) -> None:
    await replicas.start()
    update = fake_bot_api.api.user_says("/start", chat_id=ALICE)
    first = await fake_bot_api.post_update(update["update_id"], replicas.address(0))
    # Telegram lost our 200 and posts the same update again
    again = await fake_bot_api.post_update(update["update_id"], replicas.address(0))
    assert first == again == [200]
    await replicas.handled()
    assert len(fake_bot_api.api.sent_to(ALICE)) == 1


async def test_the_same_update_posted_to_both_replicas_gets_one_reply(
    two_replicas: Replicas, fake_bot_api: FakeBotApiServer
) -> None:
    update = fake_bot_api.api.user_says("/start", chat_id=ALICE)
    statuses = await asyncio.gather(
        fake_bot_api.post_update(update["update_id"], two_replicas.address(0)),
        fake_bot_api.post_update(update["update_id"], two_replicas.address(1)),
    )
    assert statuses == [[200], [200]]
    await two_replicas.handled()
    assert len(fake_bot_api.api.sent_to(ALICE)) == 1


async def test_the_leader_alone_sets_the_webhook_with_its_secret_and_a_follower_still_answers(
    two_replicas: Replicas, fake_bot_api: FakeBotApiServer
) -> None:
    assert two_replicas.roles() == ["leader", "follower"]
    await asyncio.sleep(2.5)  # a follower's next try at the lock, which must not set anything
    (call,) = fake_bot_api.calls("setWebhook")
    assert call.params["url"] == URL
    assert call.params["secret_token"] == SECRET
    assert "message" in str(call.params["allowed_updates"])
    assert fake_bot_api.calls("getUpdates") == []

    update = fake_bot_api.api.user_says("/start", chat_id=ALICE)["update_id"]
    assert await fake_bot_api.post_update(update, two_replicas.address(1)) == [200]
    await two_replicas.handled()
    assert len(fake_bot_api.api.sent_to(ALICE)) == 1


async def test_a_webhook_address_that_is_not_https_or_a_missing_secret_is_one_line() -> None:
    from bot.settings import SettingsError

    with pytest.raises(SettingsError) as plain:
        load_settings(webhook_url="http://summits.example.org/telegram", webhook_secret=SECRET)
    assert str(plain.value).startswith("SUMMITBOT_WEBHOOK_URL: must be the public https:// address")
    with pytest.raises(SettingsError) as alone:
        load_settings(webhook_url=URL)
    assert str(alone.value).startswith("SUMMITBOT_WEBHOOK_SECRET: required with SUMMITBOT_WEBHOOK_URL")
    with pytest.raises(SettingsError) as bad:
        load_settings(webhook_url=URL, webhook_secret="spaces are not allowed")
    assert "letters A-Z and a-z, digits, _ and -" in str(bad.value)
    assert SECRET not in str(bad.value)
