"""Settings: one clear line for a bad one, and the token kept out of every message and log line."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from bot.storage.schema import head
from tests.conftest import bot_env, revision_of, spawn_bot
from tests.fakebotapi import TOKEN, FakeBotApiServer

SECRET = "123456:SECRET-token_value"


def test_a_malformed_token_is_named_but_never_echoed() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(token="not a token SECRET-token_value")
    assert str(caught.value).startswith("TELEGRAM_BOT_TOKEN: does not look like a bot token")
    assert "SECRET" not in str(caught.value)


def test_admins_are_read_from_a_comma_separated_list() -> None:
    assert load_settings(admins="12345, 67890").admins == frozenset({12345, 67890})
    with pytest.raises(SettingsError, match=r"^SUMMITBOT_ADMINS: must be Telegram user ids"):
        load_settings(admins="alice")


def test_the_api_url_must_be_http() -> None:
    assert load_settings(api_url="http://127.0.0.1:8081/").base_url == "http://127.0.0.1:8081/bot"
    with pytest.raises(SettingsError, match=r"^SUMMITBOT_API_URL: must be an http"):
        load_settings(api_url="ftp://example")


@pytest.mark.parametrize(
    ("written", "used"),
    [
        ("sqlite:///bot.db", "sqlite+aiosqlite:///bot.db"),
        ("sqlite:////var/lib/summitbot/bot.db", "sqlite+aiosqlite:////var/lib/summitbot/bot.db"),
        ("postgresql://bot:pw@db.internal/summitbot", "postgresql+asyncpg://bot:pw@db.internal/summitbot"),
        (
            "postgres://bot:pw@db.internal:5433/summitbot",
            "postgresql+asyncpg://bot:pw@db.internal:5433/summitbot",
        ),
        ("postgresql+asyncpg://bot@db/summitbot", "postgresql+asyncpg://bot@db/summitbot"),
    ],
)
def test_the_database_url_people_write_is_given_the_async_driver(written: str, used: str) -> None:
    assert load_settings(db=written).db == used


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("nonsense", "is not a database URL"),
        ("mysql://bot:pw@db/summitbot", "only SQLite and PostgreSQL are supported"),
        ("postgresql+psycopg2://bot:pw@db/summitbot", "the psycopg2 driver is not supported here"),
        ("sqlite://", "an in-memory database forgets every subscriber at restart"),
    ],
)
def test_a_database_url_that_cannot_work_is_one_line_without_its_password(written: str, said: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(db=written)
    assert str(caught.value).startswith(f"SUMMITBOT_DB: {said}")
    assert "pw" not in str(caught.value)


def test_a_token_pasted_into_the_api_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(api_url="https://api.telegram.org/bot123456:SECRET-token_value/")
    assert str(caught.value).startswith("SUMMITBOT_API_URL: holds what looks like a bot token")
    assert "SECRET" not in str(caught.value)


async def test_a_plain_database_url_starts_the_bot(
    tmp_path: Path, fake_bot_api: FakeBotApiServer, database_url: str
) -> None:
    """``sqlite:///…`` and ``postgresql://user@host/db`` as operators write them, without a driver."""
    written = database_url.replace("+aiosqlite", "").replace("+asyncpg", "")
    env = bot_env(
        tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, SUMMITBOT_API_URL=fake_bot_api.root, SUMMITBOT_DB=written
    )
    process = await spawn_bot(env)
    fake_bot_api.api.user_says("/next", chat_id=7)
    await fake_bot_api.api.wait_for_messages(7, 1, timeout=30)
    process.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert "Traceback" not in stderr.decode()
    assert await revision_of(database_url) == head()  # the bot made its tables in the database named


async def test_a_database_out_of_reach_stops_the_bot_in_one_line_without_its_password(
    tmp_path: Path, fake_bot_api: FakeBotApiServer
) -> None:
    env = bot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        SUMMITBOT_API_URL=fake_bot_api.root,
        SUMMITBOT_DB="postgresql://bot:pw@127.0.0.1:9/summitbot",
    )
    process = await spawn_bot(env)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    (line,) = stderr.decode().strip().splitlines()
    assert line.startswith("summitbot: SUMMITBOT_DB: cannot open the database (")
    assert "pw" not in line


def test_telegram_out_of_reach_is_one_line_naming_the_setting_that_changes_the_address(
    tmp_path: Path,
) -> None:
    env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=SECRET)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    if "rejected it" not in line:  # a machine with a network reaches Telegram, which refuses this token
        assert line.startswith("summitbot: cannot reach Telegram at https://api.telegram.org (")
        assert line.endswith("; check the network, or set SUMMITBOT_API_URL to use another Bot API server")
    assert "SECRET" not in done.stderr


def test_a_bad_setting_stops_the_bot_with_one_line_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=bot_env(tmp_path, TELEGRAM_BOT_TOKEN="oops " + SECRET),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "summitbot: TELEGRAM_BOT_TOKEN: does not look like a bot token "
        "(digits, a colon, then letters, digits, _ or -)"
    ]


async def test_the_running_bot_never_logs_its_token(
    tmp_path: Path, fake_bot_api: FakeBotApiServer, database_url: str
) -> None:
    """A real process with a real token talks to the fake server; its whole log must not contain the token."""
    process = await spawn_bot(
        bot_env(tmp_path, database_url, TELEGRAM_BOT_TOKEN=TOKEN, SUMMITBOT_API_URL=fake_bot_api.root)
    )
    fake_bot_api.api.user_says("/next", chat_id=7)
    await fake_bot_api.api.wait_for_messages(7, 1, timeout=30)
    fake_bot_api.fail_next("sendMessage", 500, "Internal Server Error")
    fake_bot_api.api.user_says("/next", chat_id=7)
    await asyncio.sleep(1.0)
    process.send_signal(signal.SIGINT)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    log = stdout.decode() + stderr.decode()
    assert {r.method for r in fake_bot_api.requests} >= {
        "getMe",
        "setMyCommands",
        "getUpdates",
        "sendMessage",
    }
    assert "Application started" in log
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log


async def test_a_token_the_server_rejects_stops_the_bot_with_one_line(
    tmp_path: Path, fake_bot_api: FakeBotApiServer
) -> None:
    process = await spawn_bot(
        bot_env(tmp_path, TELEGRAM_BOT_TOKEN=SECRET, SUMMITBOT_API_URL=fake_bot_api.root)
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines() == [
        f"summitbot: TELEGRAM_BOT_TOKEN: the Bot API server at {fake_bot_api.root} rejected it"
    ]
    assert SECRET not in stdout.decode() + stderr.decode()
