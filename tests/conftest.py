"""Shared fixtures: a manual clock, a copy of the seed events file, and the bot against the fake Bot API.

Every test that touches the database runs twice, on SQLite and on PostgreSQL (``database_url``, and the
``settings`` built on it): PostgreSQL is a real server the session starts itself (``tests/postgres.py``),
with a fresh database per test. Also the helpers the model tests share: zones, and catalogs built from
a few event dicts.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
import yaml
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.bootstrap import App, boot_of, build_application, running
from bot.clock import ManualClock
from bot.events import Catalog, Event, parse_events
from bot.settings import Settings, load_settings
from bot.storage import Store
from tests import postgres
from tests.fakebotapi import TOKEN, FakeBotApiServer, fake_bot_api

__all__ = ["fake_bot_api"]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "config" / "events.yaml"
IST = ZoneInfo("Asia/Kolkata")
SEED_DAY = datetime(2025, 10, 1, 9, 0, tzinfo=IST)


# ---------------------------------------------------------------- events files built in tests

BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")

GOVERNMENTS = {"india": {"name": "India"}, "russia": {"name": "Russia"}, "china": {"name": "China"}}
SOURCES = {"report": {"title": "A report", "by": "A newspaper", "date": "2025-10-01"}}


def build(*events: dict[str, Any], timezone: str = "Asia/Kolkata", **top: Any) -> Catalog:
    """A catalog from a few event dicts, through the same YAML parser the operator's file goes through.

    The file is in ``timezone`` and defines GOVERNMENTS and SOURCES (``top`` adds or replaces top-level
    keys). Each event gets the title "Event <id>", a status and a source unless it gives its own.
    """
    data: dict[str, Any] = {
        "timezone": timezone,
        "governments": GOVERNMENTS,
        "sources": SOURCES,
        **top,
        "events": [
            {"title": f"Event {e['id']}", "status": {"source": "report"}, "source": "report", **e}
            for e in events
        ],
    }
    return parse_events(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "test.yaml")


def one(when: dict[str, Any], *, file_timezone: str = "Asia/Kolkata", **fields: Any) -> Event:
    """The single event "e" with the given ``when`` and other fields, in a file in ``file_timezone``.

    ``timezone=`` among the fields is the event's own zone.
    """
    return build({"id": "e", "when": when, **fields}, timezone=file_timezone).events[0]


def bot_env(tmp_path: Path, db: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a ``summitbot`` process under test: this machine's, minus any real settings.

    ``db``: the database URL (``database_url``); a SQLite file in ``tmp_path`` when not given.
    """
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SUMMITBOT_"))},
        "SUMMITBOT_EVENTS": str(SEED),
        "SUMMITBOT_DB": db or f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "SUMMITBOT_HTTP_PORT": "0",  # a test that wants the web side names a free port
        **extra,
    }


async def spawn_bot(env: dict[str, str], *args: str, capture: bool = True) -> asyncio.subprocess.Process:
    """``python -m bot run ARGS`` as a real process; its output is captured unless nobody will read it."""
    output = asyncio.subprocess.PIPE if capture else asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *args, env=env, stdout=output, stderr=output
    )


class Harness:
    """One bot deployment under test: the fake Telegram, the clock, the events file and the database.

    ``running()`` may be entered several times in a row: each is a fresh process of the bot over the
    same database and file, which is how restarts are tested. Its web side listens on a free port of
    127.0.0.1 (``web_url``).
    """

    def __init__(self, fake: FakeBotApiServer, clock: ManualClock, settings: Settings) -> None:
        self.fake = fake
        self.api = fake.api
        self.clock = clock
        self.settings = settings
        self.app: App | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[App]:
        app = build_application(self.settings, self.clock)
        boot_of(app).listen = ("127.0.0.1", 0)
        async with running(app) as started:
            self.app = started
            try:
                await self.settle()
                yield started
            finally:
                self.app = None

    @property
    def web_url(self) -> str:
        """The running bot's web side: ``http://127.0.0.1:<the port it was given>``."""
        web = boot_of(self.app).web if self.app is not None else None
        if web is None:
            raise RuntimeError("the bot is not running")
        return f"http://127.0.0.1:{web.port}"

    def say(self, chat_id: int, text: str, **kwargs: Any) -> None:
        self.api.user_says(text, chat_id=chat_id, **kwargs)

    async def ask(self, chat_id: int, text: str, **kwargs: Any) -> list[str]:
        """Send a message and return what the bot answered in that chat."""
        before = len(self.api.sent_to(chat_id))
        self.say(chat_id, text, **kwargs)
        await self.settle()
        return [m.plain for m in self.api.sent_to(chat_id)[before:]]

    async def jump(self, moment: datetime) -> None:
        """Move the clock (the alarm re-arms itself) and wait until the bot is quiet again."""
        self.clock.set(moment)
        await self.settle()

    def texts(self, chat_id: int) -> list[str]:
        return [m.plain for m in self.api.sent_to(chat_id)]

    async def settle(self, quiet: float = 0.2) -> None:
        """Wait until every queued update is handled and nothing was sent for ``quiet`` seconds.

        "Exactly once" needs a moment in which a second copy could have arrived and did not.
        """
        count = -1
        while True:
            await self.api.wait_until_fetched()
            if self.app is not None:
                await self.app.update_queue.join()
            await asyncio.sleep(quiet)
            if len(self.api.sent) == count and not self.api.pending_updates and not await self.owed_now():
                return
            count = len(self.api.sent)

    @property
    def store(self) -> Store:
        summit = boot_of(self.app).summit if self.app is not None else None
        if summit is None:
            raise RuntimeError("the bot is not running")
        return summit.store

    async def owed_now(self) -> bool:
        """Whether the outbox still holds messages due by now (paced, or sent but not yet recorded)."""
        summit = boot_of(self.app).summit if self.app is not None else None
        return summit is not None and bool(await summit.store.pending(self.clock.now()))


# ---------------------------------------------------------------- databases

NO_POSTGRES = "PostgreSQL not available, its half of the tests skipped"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer]:
    """One PostgreSQL server for the whole session, started by the first test that needs it.

    Where none can be started the PostgreSQL tests are skipped with the reason, or fail when
    SUMMITBOT_REQUIRE_POSTGRES=1 (CI): a skipped half of the suite must not pass for a green run there.
    """
    try:
        server = postgres.PostgresServer.start()
    except postgres.UnavailableError as exc:
        if postgres.required():
            pytest.fail(f"{postgres.REQUIRE}=1 but PostgreSQL cannot be started: {exc}", pytrace=False)
        pytest.skip(f"{NO_POSTGRES} ({postgres.REQUIRE}=1 makes this an error): {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def postgres_url(postgres_server: postgres.PostgresServer) -> AsyncIterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    name = postgres.database_name()
    admin = await asyncpg.connect(postgres_server.url("postgres", driver=""))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield postgres_server.url(name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each engine in turn, as an async SQLAlchemy URL."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'summitbot.db'}"


async def execute(url: str, *statements: str | tuple[str, list[dict[str, Any]]]) -> None:
    """Run SQL on a database behind the bot's back (what an older version or a failing disk did);
    a statement may come with rows of parameters (``:name`` in the SQL)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                sql, rows = (statement, None) if isinstance(statement, str) else statement
                await conn.execute(text(sql), rows)
    finally:
        await engine.dispose()


async def revision_of(url: str) -> str | None:
    """The schema revision the database is stamped with (None: none yet)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
    finally:
        await engine.dispose()


def engine_of(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


# ---------------------------------------------------------------- the bot


@pytest.fixture
def clock() -> ManualClock:
    """The morning the seed report was published, standing still until a test moves it."""
    return ManualClock(SEED_DAY)


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    """A private copy of the seed events file that a test may edit, as the operator would."""
    path = tmp_path / "events.yaml"
    shutil.copy(SEED, path)
    return path


@pytest.fixture
def settings(fake_bot_api: FakeBotApiServer, events_file: Path, database_url: str) -> Settings:
    return load_settings(
        token=TOKEN,
        api_url=fake_bot_api.root,
        events=events_file,
        db=database_url,
        reload_seconds=0.1,
        http_port=0,  # the Harness gives its bot a free port; nothing else opens one
    )


@pytest.fixture
def bot(fake_bot_api: FakeBotApiServer, clock: ManualClock, settings: Settings) -> Harness:
    return Harness(fake_bot_api, clock, settings)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The free-text question sets' accuracy whenever they ran: the English set's line, then the
    multilingual set and its hold-out per language and per kind; and one line saying how many tests were
    skipped for want of PostgreSQL, and why.

    Read from the reports pytest already holds, so the test modules are not imported a second time.
    """
    reasons = [
        str(report.longrepr[2]).removeprefix("Skipped: ")
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple)
    ]
    skipped = [reason for reason in reasons if reason.startswith(NO_POSTGRES)]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} tests skipped: {skipped[0]}")
    table = "test_answers.py::test_the_question_set["
    passed = sum(
        1
        for report in terminalreporter.stats.get("passed", [])
        if table in getattr(report, "nodeid", "") and getattr(report, "when", "") == "call"
    )
    failed = len(
        {
            report.nodeid
            for outcome in ("failed", "error")
            for report in terminalreporter.stats.get(outcome, [])
            if table in getattr(report, "nodeid", "")
        }
    )
    total = passed + failed
    if total:
        terminalreporter.write_line(
            f"question set: {passed}/{total} answered correctly ({100 * passed / total:.0f}%)"
        )
    _multilingual_summary(terminalreporter)


def _multilingual_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per set, language and kind: "hold-out ru: 21/23 (91%)"."""
    outcomes: dict[str, list[tuple[str, str, bool]]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", "") != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == "answers":
                    which, code, kind, correct = value
                    outcomes.setdefault(which, []).append((code, kind, correct))
    for which, rows in sorted(outcomes.items(), key=lambda item: item[0] != "set"):
        right = sum(ok for _, _, ok in rows)
        terminalreporter.write_line(
            f"{which}: {right}/{len(rows)} answered correctly ({100 * right / len(rows):.0f}%)"
        )
        for label, index in (("language", 0), ("kind", 1)):
            groups: dict[str, list[bool]] = {}
            for row in rows:
                groups.setdefault(row[index], []).append(row[2])
            parts = [
                f"{key} {sum(oks)}/{len(oks)} ({100 * sum(oks) / len(oks):.0f}%)"
                for key, oks in sorted(groups.items())
            ]
            terminalreporter.write_line(f"  by {label}: " + ", ".join(parts))
