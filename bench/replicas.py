"""Replicas and a Bot API that answers like Telegram over the internet: ``python -m bench.replicas``.

The fake Bot API (``bench/fake_server.py``, its own process) holds every ``sendMessage`` answer for
``DELAY`` = 50 ms, about a round trip from a server in Europe to Telegram's, so that pacing is measured
as it really runs rather than against a server that answers at once. Sections (markdown on stdout):

A. the naive loop, PTB's AIORateLimiter + gather, and summitbot's Sender at 30 and 1,000 msg/s,
   the fake enforcing that limit; rates are relative to the naive loop measured in the same run;
B. one alert broadcast by real ``summitbot run`` processes (1 and 2 replicas) on one PostgreSQL at
   30 msg/s (300 chats) and 1,000 msg/s (3,000 chats): efficiency (ideal N/L over first→last send),
   429s, lost, duplicated, and CPU time (user + system, every replica, from the moment all are up)
   per delivered message;
C. leader takeover: two replicas, the leader killed with SIGKILL, seconds until the other's /healthz
   says ``leader`` (several runs).

``python -m bench.replicas B C`` runs only those sections (about 2 minutes each).
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from telegram import Bot
from telegram.ext import AIORateLimiter, ExtBot

from bench.run import (
    TOKEN,
    FakeServer,
    alert_text,
    bulk_subscribe,
    ceiling_naive,
    databases,
    drain_all,
    fake_server,
    http_request,
    log,
    machine,
    send_plain,
    table,
    write_catalog,
)
from bot.clock import SystemClock
from bot.delivery import Limits, Sender
from bot.storage import NewDelivery, Store
from bot.transport import AiohttpRequest
from tests.conftest import bot_env, spawn_bot
from tests.ports import free_port
from tests.test_replicas import role

DELAY = 0.05
PACING = ((30.0, 300), (1000.0, 3000))
"""(limit L in msg/s, messages N): N/L is 10 s at 30/s and 3 s at 1,000/s."""
NAIVE_N = 300
BROADCASTS = ((30.0, 300), (1000.0, 3000))
TAKEOVER_RUNS = 5
START_SLACK = 12.0
"""Seconds from spawning the replicas to the first message falling due: time to start and elect."""
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- A. pacing against a 50 ms API


async def sender_at(server: FakeServer, n: int, rate: float) -> float:
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(f"sqlite+aiosqlite:///{tmp}/c.db")
        now = clock.now()
        text = alert_text()
        await store.enqueue([NewDelivery("bench/pacing", i, text, now) for i in range(1, n + 1)], now)
        bot = Bot(TOKEN, base_url=server.base_url, request=AiohttpRequest(64))
        async with bot:
            elapsed = await drain_all(Sender(store, bot, clock, Limits(per_second=rate)), store)
        await store.close()
    return elapsed


async def aiorl_at(server: FakeServer, n: int, rate: float) -> float:
    """PTB's AIORateLimiter as its docs suggest using it: the limit, and retries after a 429 (a send
    that still fails is counted lost, not raised)."""
    limiter = AIORateLimiter(overall_max_rate=rate, overall_time_period=1, max_retries=5)
    bot: ExtBot[Any] = ExtBot(
        TOKEN, base_url=server.base_url, request=http_request(64, pool_timeout=120), rate_limiter=limiter
    )
    async with bot:
        started = time.perf_counter()
        text = alert_text()
        sends = (send_plain(bot, chat_id, text) for chat_id in range(1, n + 1))
        await asyncio.gather(*sends, return_exceptions=True)
        return time.perf_counter() - started


async def naive_at(server: FakeServer, n: int, rate: float) -> float:
    return await ceiling_naive(server, n, alert_text())


PACERS: dict[str, Callable[[FakeServer, int, float], Awaitable[float]]] = {
    "naive sequential `await send_message` loop": naive_at,
    "PTB AIORateLimiter(L/s, max_retries=5) + asyncio.gather": aiorl_at,
    "summitbot Sender, Limits(per_second=L), AiohttpRequest": sender_at,
}


async def pacing() -> str:
    rows: list[list[str]] = []
    for rate, n in PACING:
        naive_rate = 0.0
        async with fake_server(chats=n, overall=rate, delay=DELAY) as server:
            for name, variant in PACERS.items():
                size = NAIVE_N if variant is naive_at else n
                await server.reset()
                elapsed = await variant(server, size, rate)
                stats = await server.stats(size)
                achieved = size / elapsed
                naive_rate = naive_rate or achieved
                log(f"pacing {rate:g}/s {name}: {achieved:,.0f} msg/s")
                rows.append(
                    [
                        f"{rate:,.0f}",
                        name,
                        f"{size:,}",
                        f"{achieved:,.1f}",
                        f"{achieved / rate:.2f}",
                        f"{achieved / naive_rate:.2f}×",
                        str(stats["refused_429"]),
                        str(stats["lost"]),
                        str(stats["duplicated"]),
                    ]
                )
    headers = ["L msg/s", "variant", "N", "msg/s", "of L", "vs naive", "429s", "lost", "dup"]
    return table(headers, rows)


# ---------------------------------------------------------------- B and C. real replicas


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc (utime and stime, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Replicas:
    def __init__(self, url: str, api_root: str, events: Path, rate: float, as_of: datetime) -> None:
        self.url, self.api_root, self.events, self.rate, self.as_of = url, api_root, events, rate, as_of
        self.processes: list[asyncio.subprocess.Process] = []
        self.ports: list[int] = []

    async def spawn(self, count: int) -> None:
        for _ in range(count):
            port = free_port()
            env = bot_env(
                self.events.parent,
                self.url,
                TELEGRAM_BOT_TOKEN=TOKEN,
                SUMMITBOT_API_URL=self.api_root,
                SUMMITBOT_EVENTS=str(self.events),
                SUMMITBOT_RATE=str(self.rate),
                SUMMITBOT_HTTP_HOST="127.0.0.1",
                SUMMITBOT_HTTP_PORT=str(port),
            )
            process = await spawn_bot(env, "--as-of", self.as_of.isoformat(), capture=False)
            self.processes.append(process)
            self.ports.append(port)

    async def roles(self, session: aiohttp.ClientSession, patience: float = 60) -> list[str]:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            roles = [await role(session, port) for port in self.ports]
            if "leader" in roles and None not in roles:  # a replica says follower until it is elected
                return [str(r) for r in roles]
            await asyncio.sleep(0.1)
        raise TimeoutError("the replicas did not come up")

    async def stop(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()


async def broadcast(url: str, replicas: int, rate: float, n: int) -> list[str]:
    await bulk_subscribe(url, n, datetime.now(UTC) - timedelta(days=1))
    async with fake_server(chats=n, overall=rate, delay=DELAY) as server:
        with tempfile.TemporaryDirectory() as tmp:
            moment = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
            events = write_catalog(Path(tmp), moment)
            as_of = moment - timedelta(seconds=n / rate + START_SLACK)
            group = Replicas(url, server.api_root, events, rate, as_of)
            await group.spawn(replicas)
            try:
                async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as session:
                    roles = await group.roles(session)
                cpu_before = sum(cpu_seconds(p.pid) for p in group.processes)
                deadline = time.monotonic() + START_SLACK + 3 * n / rate + 30
                while time.monotonic() < deadline:
                    await asyncio.sleep(0.2)
                    if (await server.stats(n))["sent"] >= n:
                        break
                await asyncio.sleep(1.0)
                cpu = sum(cpu_seconds(p.pid) for p in group.processes) - cpu_before
                stats = await server.stats(n)
            finally:
                await group.stop()
    span = (stats["last"] - stats["first"]) if stats["first"] is not None else float("nan")
    ideal = (n - 1) / rate
    sent = int(stats["sent"])
    log(f"broadcast {replicas} replica(s) {rate:g}/s: {sent} sent, roles {roles}")
    return [
        str(replicas),
        f"{rate:,.0f}",
        f"{n:,}",
        f"{ideal:.2f} s",
        f"{span:.2f} s",
        f"{ideal / span:.3f}" if span else "n/a",
        str(stats["refused_429"]),
        str(stats["lost"]),
        str(stats["duplicated"]),
        f"{1000 * cpu / max(sent, 1):.2f} ms",
        ", ".join(sorted(roles)),
    ]


async def takeover(url: str) -> float:
    async with fake_server(chats=1, delay=DELAY) as server:
        with tempfile.TemporaryDirectory() as tmp:
            moment = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
            group = Replicas(url, server.api_root, write_catalog(Path(tmp), moment), 30, moment)
            await group.spawn(2)
            try:
                async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as session:
                    roles = await group.roles(session)
                    leader = roles.index("leader")
                    follower = 1 - leader
                    await asyncio.sleep(2.5)  # the follower has tried the lock and seen a leader
                    group.processes[leader].send_signal(signal.SIGKILL)
                    killed = time.monotonic()
                    while True:
                        await asyncio.sleep(0.05)
                        if await role(session, group.ports[follower]) == "leader":
                            return time.monotonic() - killed
            finally:
                await group.stop()


async def main(chosen: list[str]) -> None:
    print(machine())
    print(f"\nThe fake Bot API holds every sendMessage answer for {DELAY * 1000:.0f} ms.\n")
    if "A" in chosen:
        print("### A. Pacing against a Bot API 50 ms away\n")
        print(await pacing())
    if not {"B", "C"} & set(chosen):
        return
    with databases() as found:
        if "postgresql" not in found.engines:
            log("PostgreSQL not available: sections B and C need it")
            return
        if "B" in chosen:
            rows = []
            for rate, n in BROADCASTS:
                for replicas in (1, 2):
                    async with found.fresh("postgresql") as url:
                        rows.append(await broadcast(url, replicas, rate, n))
            headers = ["replicas", "L msg/s", "N", "ideal (N−1)/L", "first→last send", "efficiency"]
            headers += ["429s", "lost", "dup", "CPU per delivered message", "roles"]
            print("\n### B. One alert broadcast by real processes on PostgreSQL\n")
            print(table(headers, rows))
        if "C" not in chosen:
            return
        times = []
        for run in range(TAKEOVER_RUNS):
            async with found.fresh("postgresql") as url:
                times.append(await takeover(url))
            log(f"takeover run {run + 1}: {times[-1]:.2f} s")
        print("\n### C. Leader takeover after SIGKILL\n")
        print(
            table(
                ["runs", "median", "min", "max", "each", "target"],
                [
                    [
                        str(len(times)),
                        f"{statistics.median(times):.2f} s",
                        f"{min(times):.2f} s",
                        f"{max(times):.2f} s",
                        ", ".join(f"{t:.2f}" for t in times),
                        "MET (≤ 10 s)" if max(times) <= 10 else "NOT MET (≤ 10 s)",
                    ]
                ],
            )
        )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or ["A", "B", "C"]))
