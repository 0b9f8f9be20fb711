"""summitbot benchmarks: ``python -m bench.run`` from the repository root (about 3-5 minutes).

Prints the machine and one markdown table per section on stdout (progress goes to stderr):

1. broadcast at a limit: one alert to N subscribers through a fake Bot API enforcing L msg/s;
2. ceiling with no limit: the Sender against a naive loop and PTB's AIORateLimiter + gather;
3. memory: peak RSS of a bot process fanning one alert out to 10,000, 100,000 and 1,000,000
   subscribers, on SQLite and on PostgreSQL (a server started for the run, as the tests do);
4. update handling: ``/next`` per second through getUpdates, against a bare PTB echo bot;
5. the 10,000 × 1,000 msg/s broadcast of section 1 on summitbot's transport, several times (not in the
   default run: ``python -m bench.run 5``), because a rare race shows only over repeated runs;
answers. answer latency of the question engine, next to the previous one (``python -m bench.run answers``,
   not in the default run; ``bench/answers.py``).

The fake Bot API (``tests/fakebotapi.py``) runs in its own process (``bench/fake_server.py``), so its
CPU does not count against the bot. Every comparison is measured in the same run, on the same machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import asyncpg
import telegram
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine
from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ApplicationBuilder, CommandHandler, ContextTypes, ExtBot
from telegram.request import HTTPXRequest

from bot import alerts, delivery
from bot.bootstrap import build_application, running
from bot.catalog import LiveCatalog
from bot.clock import ManualClock, SystemClock
from bot.delivery import Limits, Sender
from bot.events import parse_events
from bot.notifier import Notifier
from bot.settings import load_settings
from bot.storage import NewDelivery, Store
from bot.storage.models import ChatRow
from bot.transport import AiohttpRequest
from bot.wording import cards, notices
from bot.wording.language import ENGLISH
from tests import postgres

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123:BENCH"  # must match bench/fake_server.py
LEAD = "30m"
SLACK = 3.0
"""Seconds between setting up a broadcast and the moment its fan-out must begin."""
CEILING_ROUNDS = 2
UPDATE_ROUNDS = 2
"""Alternating rounds for the side-by-side sections; each variant's median is reported."""
BROADCAST_REPEATS = 5
IST = ZoneInfo("Asia/Kolkata")
MARGIN: float = getattr(delivery, "MARGIN", 1.0)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------- the fake Bot API in its own process


@dataclass
class FakeServer:
    api_root: str
    control: str
    process: asyncio.subprocess.Process
    http: aiohttp.ClientSession

    @property
    def base_url(self) -> str:
        return f"{self.api_root}/bot"

    async def stats(self, n: int = 0) -> dict[str, Any]:
        async with self.http.get(f"{self.control}/stats", params={"n": str(n)}) as response:
            body: dict[str, Any] = await response.json()
            return body

    async def reset(self) -> None:
        async with self.http.post(f"{self.control}/reset") as response:
            await response.read()

    async def queue_updates(self, k: int, text: str) -> float:
        async with self.http.post(f"{self.control}/updates", params={"k": str(k), "text": text}) as response:
            body: dict[str, Any] = await response.json()
            return float(body["at"])


@contextlib.asynccontextmanager
async def fake_server(
    chats: int = 0, overall: float = 0.0, per_chat: float = 0.0, delay: float = 0.0
) -> AsyncIterator[FakeServer]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.fake_server",
        f"--chats={chats}",
        f"--overall={overall}",
        f"--per-chat={per_chat}",
        f"--delay={delay}",
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdin is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    if not line:
        raise RuntimeError("the fake Bot API server did not start (see stderr)")
    addresses = json.loads(line)
    try:
        async with aiohttp.ClientSession() as http:
            yield FakeServer(addresses["api"], addresses["control"], process, http)
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


HTTPX = "PTB's HTTPXRequest"
AIOHTTP = "AiohttpRequest (summitbot's, bot/transport.py)"


def http_request(pool: int, pool_timeout: float | None = 1.0) -> HTTPXRequest:
    return HTTPXRequest(connection_pool_size=pool, pool_timeout=pool_timeout)


# ---------------------------------------------------------------- fixtures: catalog and subscribers


def events_yaml(event_at: datetime) -> str:
    """One exact-time event whose only lead-time alert (``LEAD`` before it) is the broadcast."""
    return f"""version: 1
timezone: UTC
reminders: [{LEAD}]
sources:
  report: {{title: A report, by: A newspaper, date: 2025-10-01}}
events:
  - id: bench-summit
    title: Benchmark summit
    when: {{at: "{event_at.isoformat()}"}}
    status: {{lifecycle: planned, source: report}}
    source: report
"""


def write_catalog(directory: Path, moment: datetime) -> Path:
    """An events file whose alert falls at ``moment`` (whole seconds)."""
    path = directory / "events.yaml"
    path.write_text(events_yaml(moment + timedelta(minutes=30)), encoding="utf-8")
    return path


async def bulk_subscribe(url: str, n: int, since: datetime) -> None:
    """Setup only: N subscribed private chats 1..N, 10,000 per executemany (subscribe is one at a time)."""
    store = await Store.open(url)  # creates the schema
    await store.close()
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        for start in range(1, n + 1, 10_000):
            rows = [
                {
                    "chat_id": i,
                    "kind": "private",
                    "title": f"Chat {i}",
                    "subscribed": True,
                    "subscribed_at": since,
                }
                for i in range(start, min(start + 10_000, n + 1))
            ]
            await conn.execute(insert(ChatRow), rows)
    await engine.dispose()


# ---------------------------------------------------------------- 1. broadcast at a limit


@dataclass
class Broadcast:
    n: int
    rate: float
    transport: str
    moment: float
    stats: dict[str, Any]
    tick_start: float = 0.0
    fanout_start: float = 0.0
    fanout_end: float = 0.0
    ticks: int = 0
    drain: dict[str, int] = field(default_factory=dict)

    @property
    def ideal(self) -> float:
        return self.n / self.rate

    @property
    def elapsed(self) -> float:
        return float(self.stats["last"] - self.stats["first"])

    @property
    def efficiency(self) -> float:
        return self.ideal / self.elapsed

    @property
    def rejected(self) -> int:
        return int(self.stats["refused_429"])

    @property
    def latest(self) -> float:
        return float(self.stats["last"] - self.moment)

    @property
    def earliness(self) -> float:
        return float(self.moment - self.stats["first"])

    @property
    def met(self) -> bool:
        return (
            self.efficiency >= 0.95
            and self.stats["lost"] == 0
            and self.stats["duplicated"] == 0
            and self.rejected == 0
            and self.latest <= 0
            and self.earliness <= self.ideal + 5
        )


async def broadcast(n: int, rate: float, transport: str = HTTPX) -> Broadcast:
    """One alert to N subscribers, driven like the app: ``tick()`` at every ``next_wake()``.

    ``transport`` is the app's (PTB's default ``HTTPXRequest``, pool 256 as ``ApplicationBuilder``
    makes it) or summitbot's own ``AiohttpRequest``, to show what the transport costs.
    """
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/b.db"
        await bulk_subscribe(url, n, clock.now() - timedelta(days=1))
        async with fake_server(chats=n, overall=rate, per_chat=1) as server:
            moment = (clock.now() + timedelta(seconds=n / rate + SLACK)).replace(microsecond=0)
            moment += timedelta(seconds=1)
            catalog = LiveCatalog.load(write_catalog(Path(tmp), moment))
            store = await Store.open(url)
            result = Broadcast(n, rate, transport, moment.timestamp(), {})
            enqueue = store.enqueue

            async def timed_enqueue(rows: Iterable[NewDelivery], now: datetime) -> int:
                """Instrumentation only: when the fan-out's tick began and its write ended, to explain any
                lateness."""
                written = await enqueue(rows, now)
                if written:
                    result.fanout_start, result.fanout_end = result.tick_start, time.time()
                return written

            store.enqueue = timed_enqueue  # type: ignore[method-assign,assignment]
            request = http_request(256) if transport == HTTPX else AiohttpRequest(256)
            bot = Bot(TOKEN, base_url=server.base_url, request=request)
            async with bot:
                sender = Sender(store, bot, clock, Limits(per_second=rate))
                notifier = Notifier(catalog, store, sender, clock)
                deadline = time.monotonic() + n / rate + SLACK + 60
                ahead = moment.timestamp() - time.time()
                log(f"broadcast N={n} L={rate:g} {transport}: alert at +{ahead:.1f} s")
                while time.monotonic() < deadline:
                    result.tick_start = time.time()
                    report = await notifier.tick()
                    result.ticks += 1
                    for name in ("sent", "failed", "retried", "flood_waits"):
                        result.drain[name] = result.drain.get(name, 0) + getattr(report, name)
                    counts = await store.counts()
                    if counts.get("sent", 0) + counts.get("failed", 0) >= n:
                        break
                    wake = await notifier.next_wake()
                    if wake is None:
                        break
                    await asyncio.sleep(max((wake - clock.now()).total_seconds(), 0.0))
            await store.close()
            result.stats = await server.stats(n)
    return result


def broadcast_table(results: list[Broadcast]) -> str:
    headers = [
        "N",
        "L msg/s",
        "PTB transport",
        "ideal N/L",
        "first→last send",
        "efficiency",
        "429s",
        "lost",
        "dup",
        "requests (retried)",
        "latest vs M",
        "first send before M",
        "rows written (fan-out tick)",
        "ticks",
        "target",
    ]
    rows = [
        [
            f"{r.n:,}",
            f"{r.rate:,g}",
            r.transport,
            f"{r.ideal:.2f} s",
            f"{r.elapsed:.2f} s",
            f"{r.efficiency:.3f}",
            str(r.rejected),
            str(r.stats["lost"]),
            str(r.stats["duplicated"]),
            f"{r.stats['requests']:,} ({r.drain.get('retried', 0)})",
            f"{r.latest:+.3f} s",
            f"{r.earliness:.2f} s (≤ {r.ideal + 5:.0f})",
            f"M−{r.moment - r.fanout_end:.2f} s (took {r.fanout_end - r.fanout_start:.2f} s)",
            str(r.ticks),
            verdict(r.met),
        ]
        for r in results
    ]
    return table(headers, rows)


# ---------------------------------------------------------------- 2. ceiling, no limit

CEILING_N = 3_000
CEILING_POOL = 64


def alert_text() -> str:
    """The real alert's HTML, so every variant sends the same bytes the bot would."""
    now = SystemClock().now()
    catalog = parse_events(events_yaml((now + timedelta(hours=1)).replace(microsecond=0)))
    return notices.alert_html(alerts.plan(catalog)[0], now, ENGLISH, None)


async def send_plain(bot: Bot, chat_id: int, text: str) -> None:
    await bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )


async def ceiling_sender(server: FakeServer, n: int, text: str, aiohttp_transport: bool = False) -> float:
    """The outbox Sender at its ceiling: N rows due now, drained with Limits(1000/s, 64 in flight)."""
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(f"sqlite+aiosqlite:///{tmp}/c.db")
        now = clock.now()
        await store.enqueue([NewDelivery("bench/ceiling", i, text, now) for i in range(1, n + 1)], now)
        request = AiohttpRequest(CEILING_POOL) if aiohttp_transport else http_request(CEILING_POOL)
        bot = Bot(TOKEN, base_url=server.base_url, request=request)
        async with bot:
            elapsed = await drain_all(
                Sender(store, bot, clock, Limits(per_second=1000, in_flight=CEILING_POOL)), store
            )
        await store.close()
    return elapsed


async def drain_all(sender: Sender, store: Store) -> float:
    """Seconds the sender takes to send everything pending (a drain stops early for a 429's pause)."""
    started = time.perf_counter()
    while (await store.counts()).get("pending", 0):
        await sender.drain()
    return time.perf_counter() - started


async def ceiling_naive(server: FakeServer, n: int, text: str) -> float:
    bot = Bot(TOKEN, base_url=server.base_url, request=http_request(CEILING_POOL))
    async with bot:
        started = time.perf_counter()
        for chat_id in range(1, n + 1):
            await send_plain(bot, chat_id, text)
        return time.perf_counter() - started


async def ceiling_aiorl(server: FakeServer, n: int, text: str) -> float:
    """PTB's own answer: AIORateLimiter at the same 1,000/s, and gather over every send."""
    limiter = AIORateLimiter(overall_max_rate=1000, overall_time_period=1)
    bot: ExtBot[Any] = ExtBot(
        TOKEN,
        base_url=server.base_url,
        request=http_request(CEILING_POOL, pool_timeout=120),
        rate_limiter=limiter,
    )
    async with bot:
        started = time.perf_counter()
        await asyncio.gather(*(send_plain(bot, chat_id, text) for chat_id in range(1, n + 1)))
        return time.perf_counter() - started


async def ceiling_sender_aiohttp(server: FakeServer, n: int, text: str) -> float:
    return await ceiling_sender(server, n, text, aiohttp_transport=True)


CEILING_VARIANTS: dict[str, Callable[[FakeServer, int, str], Awaitable[float]]] = {
    "naive sequential `await send_message` loop": ceiling_naive,
    "PTB AIORateLimiter(1000/s) + asyncio.gather": ceiling_aiorl,
    "summitbot Sender on PTB's HTTPXRequest, Limits(per_second=1000, in_flight=64)": ceiling_sender,
    "same Sender on summitbot's AiohttpRequest (as the bot runs)": ceiling_sender_aiohttp,
}


@dataclass
class Ceiling:
    times: dict[str, list[float]] = field(default_factory=dict)
    duplicated: dict[str, int] = field(default_factory=dict)
    lost: dict[str, int] = field(default_factory=dict)


async def ceiling() -> Ceiling:
    text = alert_text()
    result = Ceiling()
    async with fake_server(chats=CEILING_N) as server:
        for round_ in range(CEILING_ROUNDS):
            for name, variant in CEILING_VARIANTS.items():
                await server.reset()
                elapsed = await variant(server, CEILING_N, text)
                stats = await server.stats(CEILING_N)
                result.times.setdefault(name, []).append(elapsed)
                result.duplicated[name] = result.duplicated.get(name, 0) + int(stats["duplicated"])
                result.lost[name] = result.lost.get(name, 0) + int(stats["lost"])
                log(f"ceiling round {round_ + 1} {name}: {CEILING_N / elapsed:,.0f} msg/s")
    return result


def ceiling_table(result: Ceiling) -> str:
    times = result.times
    naive = statistics.median(CEILING_N / t for t in next(iter(times.values())))
    rows = []
    for name, elapsed in times.items():
        rates = [CEILING_N / t for t in elapsed]
        rate = statistics.median(rates)
        rows.append(
            [
                name,
                f"{rate:,.0f}",
                f"{min(rates):,.0f}–{max(rates):,.0f}",
                f"{statistics.median(elapsed):.2f} s",
                f"{rate / naive:.2f}×",
                f"{result.lost[name]} / {result.duplicated[name]}",
            ]
        )
    headers = ["variant (N=3,000, no server limit)", "msgs/s (median)", "range", "time", "vs naive"]
    return table([*headers, "lost / dup (all rounds)"], rows)


# ---------------------------------------------------------------- 3. memory

MEMORY_SIZES = (10_000, 100_000, 1_000_000)
MEMORY_FLAT = 1.2
"""Target: the peak with the most subscribers is at most this many times the peak with the fewest."""


@dataclass
class Databases:
    """Fresh empty databases on demand: a SQLite file, or one on a PostgreSQL server started for this
    run the way the tests start theirs (``tests/postgres.py``), where PostgreSQL is installed."""

    server: postgres.PostgresServer | None

    @property
    def engines(self) -> list[str]:
        return ["sqlite", "postgresql"] if self.server is not None else ["sqlite"]

    @contextlib.asynccontextmanager
    async def fresh(self, engine: str) -> AsyncIterator[str]:
        if engine == "sqlite" or self.server is None:
            with tempfile.TemporaryDirectory() as tmp:
                yield f"sqlite+aiosqlite:///{tmp}/m.db"
            return
        name = postgres.database_name()
        admin = await asyncpg.connect(self.server.url("postgres", driver=""))
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
            yield self.server.url(name)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


@contextlib.contextmanager
def databases() -> Iterator[Databases]:
    server: postgres.PostgresServer | None = None
    try:
        server = postgres.PostgresServer.start()
    except postgres.UnavailableError as exc:
        log(f"PostgreSQL not measured: {exc}")
    try:
        yield Databases(server)
    finally:
        if server is not None:
            server.stop()


async def memory(url: str, n: int) -> dict[str, float]:
    now = SystemClock().now()
    await bulk_subscribe(url, n, now - timedelta(days=1))
    with tempfile.TemporaryDirectory() as tmp:
        events = write_catalog(Path(tmp), (now + timedelta(minutes=5)).replace(microsecond=0))
        edited = Path(tmp) / "edited.yaml"  # the same event, now with a place: one note to everyone
        place = "    source: report\n    place: Mumbai\n"
        edited.write_text(events.read_text().replace("    source: report\n", place))
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.memory",
            url,
            str(events),
            str(edited),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(child.communicate(), 1800)
    if child.returncode:
        raise RuntimeError(f"bench.memory exited with {child.returncode}")
    result: dict[str, float] = json.loads(out)
    assert result["written"] == 2 * n, result  # an alert and a note each: nothing lost to save memory
    return result


async def memory_runs() -> dict[str, dict[int, dict[str, float]]]:
    runs: dict[str, dict[int, dict[str, float]]] = {}
    with databases() as found:
        for engine in found.engines:
            for n in MEMORY_SIZES:
                log(f"memory: {engine}, {n:,} subscribers")
                async with found.fresh(engine) as url:
                    runs.setdefault(engine, {})[n] = await memory(url, n)
    return runs


def memory_table(runs: dict[str, dict[int, dict[str, float]]]) -> str:
    rows = []
    for engine, by_size in runs.items():
        fewest = by_size[min(by_size)]["peak_mb"]
        for n, m in by_size.items():
            ratio = m["peak_mb"] / fewest
            target = f"{verdict(ratio <= MEMORY_FLAT)} (≤ {MEMORY_FLAT:g}×)" if n == max(by_size) else ""
            rows.append(
                [
                    engine,
                    f"{n:,}",
                    f"{m['imports_mb']:.0f} MB",
                    f"{m['baseline_mb']:.0f} MB",
                    f"{m['after_fan_out_mb']:.0f} MB",
                    f"**{m['peak_mb']:.0f} MB** (+{m['peak_mb'] - m['baseline_mb']:.0f})",
                    f"{ratio:.2f}×",
                    f"{int(m['written']):,}",
                    f"{m['fan_out_seconds']:.1f} s / {m['note_seconds']:.1f} s",
                    target,
                ]
            )
    headers = [
        "engine",
        "subscribers",
        "after imports",
        "baseline (+ `Store.open`, events file)",
        "after the alert's fan-out",
        "peak, after the note too (over baseline)",
        f"peak vs {min(MEMORY_SIZES):,}",
        "rows written",
        "time: alert / note",
        "target",
    ]
    return table(headers, rows)


# ---------------------------------------------------------------- 4. update handling

UPDATES_K = 2_000


async def wait_for_replies(server: FakeServer, k: int, patience: float) -> float:
    """Seconds from queueing K updates to the K-th reply, as the fake server saw them."""
    await server.reset()
    queued = await server.queue_updates(k, "/next")
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        stats = await server.stats(0)
        if stats["sent"] >= k:
            return float(stats["last"]) - queued
    raise TimeoutError(f"{k} replies not seen within {patience} s")


async def updates_summitbot(server: FakeServer, k: int, db: str | None = None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            token=TOKEN,
            api_url=server.api_root,
            events=ROOT / "config" / "events.yaml",
            db=db or f"sqlite+aiosqlite:///{tmp}/b.db",
            http_port=0,  # no page: a benchmark opens no port
        )
        clock = ManualClock(datetime(2025, 10, 1, 9, tzinfo=IST))
        app = build_application(settings, clock)
        async with running(app):
            return await wait_for_replies(server, k, 120)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text("ok")


def next_reply_html() -> str:
    """What summitbot answers to ``/next`` on the benchmark's morning (same file, same clock)."""
    from bot import timeline
    from bot.events import load_events

    now = datetime(2025, 10, 1, 9, tzinfo=IST)
    return cards.next_html(timeline.next_up(load_events(ROOT / "config" / "events.yaml"), now), now, ENGLISH)


async def updates_echo(server: FakeServer, k: int, html: str | None = None) -> float:
    """A bare PTB bot: one CommandHandler replying "ok", or ``html`` (summitbot's answer, fixed)."""

    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None and html is not None:
            await update.effective_message.reply_html(html)

    app = ApplicationBuilder().token(TOKEN).base_url(server.base_url).build()
    app.add_handler(CommandHandler("next", _echo if html is None else reply))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, allowed_updates=Update.ALL_TYPES)
        await app.start()
        try:
            return await wait_for_replies(server, k, 120)
        finally:
            await app.updater.stop()
            await app.stop()


async def updates_echo_same_bytes(server: FakeServer, k: int) -> float:
    return await updates_echo(server, k, next_reply_html())


UPDATE_VARIANTS: dict[str, Callable[[FakeServer, int], Awaitable[float]]] = {
    "bare PTB echo bot (CommandHandler → reply_text('ok'))": updates_echo,
    "summitbot (`build_application` + `running`, real `/next`)": updates_summitbot,
    "bare PTB bot replying summitbot's `/next` HTML, precomputed (diagnostic)": updates_echo_same_bytes,
}


ON_POSTGRESQL = "summitbot on PostgreSQL (the chat's zone and language read per update)"


async def updates() -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in UPDATE_VARIANTS}
    with databases() as found:
        variants = dict(UPDATE_VARIANTS)
        if "postgresql" in found.engines:
            times[ON_POSTGRESQL] = []

            async def on_postgresql(server: FakeServer, k: int) -> float:
                async with found.fresh("postgresql") as url:
                    return await updates_summitbot(server, k, url)

            variants[ON_POSTGRESQL] = on_postgresql
        async with fake_server() as server:
            for round_ in range(UPDATE_ROUNDS):
                for name, variant in variants.items():
                    elapsed = await variant(server, UPDATES_K)
                    times[name].append(elapsed)
                    log(f"updates round {round_ + 1} {name}: {UPDATES_K / elapsed:,.0f} updates/s")
    return times


def updates_table(times: dict[str, list[float]]) -> str:
    names = list(times)
    echo = statistics.median(UPDATES_K / t for t in times[names[0]])
    rows = []
    for name in names:
        rates = [UPDATES_K / t for t in times[name]]
        rate = statistics.median(rates)
        target = f"{verdict(rate / echo >= 0.8)} (≥ 0.8)" if name == names[1] else ""

        rows.append(
            [name, f"{rate:,.0f}", f"{min(rates):,.0f}–{max(rates):,.0f}", f"{rate / echo:.2f}", target]
        )
    return table(
        ["bot (K=2,000 `/next` via getUpdates)", "updates/s (median)", "range", "vs echo", "target"], rows
    )


# ---------------------------------------------------------------- the machine


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> str:
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = [
        ["CPU", cpu_model()],
        ["cores", str(os.cpu_count())],
        ["OS", platform.platform()],
        ["Python", platform.python_version()],
        ["python-telegram-bot", telegram.__version__],
        ["load average at start (1/5/15 min)", load],
        ["date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")],
    ]
    return table(["machine", ""], rows)


@contextlib.contextmanager
def section(title: str) -> Iterator[None]:
    log(f"{title} …")
    started = time.perf_counter()
    yield
    log(f"{title} done in {time.perf_counter() - started:.0f} s")


async def section_broadcast() -> list[str]:
    results = [
        await broadcast(600, 30),
        await broadcast(10_000, 1000),
        await broadcast(10_000, 1000, AIOHTTP),
    ]
    return [
        "## 1. Broadcast at a limit",
        "",
        "One alert to N subscribers; the fake Bot API enforces L msg/s overall and 1/s per chat"
        " (429 beyond). Times are the fake server's, M is the alert's moment.",
        "Targets: efficiency = ideal/elapsed ≥ 0.95, 0 lost, 0 dup, no 429s, latest ≤ M, first ≤ N/L + 5 s"
        " before M.",
        "",
        broadcast_table(results),
        "",
        f"The Sender paces at {MARGIN:g} L (`bot.delivery.MARGIN`), so efficiency tops out near {MARGIN:g}."
        ' "Rows written" is when the fan-out tick finished writing the outbox rows, and how long that tick'
        " took; its first send cannot go before (the notifier starts it N/(MARGIN·L) + 1 s before M).",
    ]


async def section_ceiling() -> list[str]:
    result = await ceiling()
    return [
        "## 2. Ceiling, no limit",
        "",
        f"N={CEILING_N:,} to distinct chats, fake Bot API unlimited, {CEILING_POOL}-connection pools;"
        f" {CEILING_ROUNDS} alternating rounds. The Sender's time includes its outbox reads and writes"
        " (SQLite).",
        "",
        ceiling_table(result),
    ]


async def section_memory() -> list[str]:
    return [
        "## 3. Memory: one alert to 10,000, 100,000 and 1,000,000 subscribers",
        "",
        "Peak RSS (VmHWM) of a fresh bot process that writes one alert to every subscriber"
        " (`Notifier._fan_out`: the subscribers read a page at a time, counted, then read again and written"
        " page by page), then the status note an edit of the file calls for (`Notifier._announce_changes`:"
        " pages of subscribers and their earlier notes in one transaction, the waiting alert reworded),"
        " on each engine. The subscribers were bulk-inserted beforehand by the runner.",
        "",
        memory_table(await memory_runs()),
    ]


async def section_updates() -> list[str]:
    upd = await updates()
    return [
        "## 4. Update handling",
        "",
        f"K={UPDATES_K:,} `/next` commands queued at once, from distinct private chats; timed from queueing"
        f" to the K-th reply as the fake server saw it; {UPDATE_ROUNDS} alternating rounds.",
        "",
        updates_table(upd),
        "",
        "The target applies to the default, SQLite, which one process writes: the bot keeps every chat's"
        " zone and language in memory. On PostgreSQL, which replicas may share, it reads them for every"
        " update (one indexed query), since another process may have just changed them.",
    ]


async def section_repeated() -> list[str]:
    results = []
    for round_ in range(BROADCAST_REPEATS):
        results.append(await broadcast(10_000, 1000, AIOHTTP))
        r = results[-1]
        log(f"repeat {round_ + 1}: efficiency {r.efficiency:.3f}, dup {r.stats['duplicated']}")
    return [
        "## 5. The 10,000 × 1,000 msg/s broadcast, repeated",
        "",
        f"Section 1's third row, run {BROADCAST_REPEATS} times in a row (fresh database and fake server each"
        " time). Nothing is injected: every request is answered, none times out.",
        "",
        broadcast_table(results),
    ]


async def section_answers() -> list[str]:
    from bench import answers  # imports the previous engine and the question sets only when asked

    results = answers.measure()
    return [
        "## Answers: latency per question",
        "",
        f"Every question of the three sets, each answered {answers.REPEATS} times by each engine after a"
        " warm-up (same catalog, this process); a question's time is the median of its repeats. Times in ms.",
        "",
        table(
            ["engine, questions", "n", "median", "p95", "worst", "first answer, fresh catalog"],
            answers.latency_table(results),
        ),
    ]


SECTIONS: dict[str, tuple[str, Callable[[], Awaitable[list[str]]]]] = {
    "1": ("broadcast at a limit", section_broadcast),
    "2": ("ceiling, no limit", section_ceiling),
    "3": ("memory", section_memory),
    "4": ("update handling", section_updates),
    "5": ("the 10,000 × 1,000 msg/s broadcast, repeated", section_repeated),
    "answers": ("answer latency", section_answers),
}
DEFAULT_SECTIONS = ["1", "2", "3", "4"]


async def main(chosen: list[str]) -> None:
    """Run the chosen sections (1 to 4 by default: ``python -m bench.run [1 2 3 4 5]``)."""
    started = time.perf_counter()
    out: list[str] = ["## Machine", "", machine()]
    for key in chosen or DEFAULT_SECTIONS:
        title, run = SECTIONS[key]
        with section(f"{key}. {title}"):
            out += ["", *await run()]
    out += ["", f"Whole benchmark: {time.perf_counter() - started:.0f} s."]
    print("\n".join(out), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
