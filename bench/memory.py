"""One bot process holding many subscribers: its peak RSS, run in a fresh interpreter by ``bench.run``.

``python -m bench.memory <db url> <events file>`` prints one JSON line. The database already holds the
subscribers (bulk-inserted by the parent); what is measured here is what the bot itself does with them:
``store.subscribers()`` and one fan-out of one alert to all of them (``owed_deliveries`` +
``store.enqueue``), as ``Notifier.tick`` does it.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path


def maxrss_mb() -> float:
    """Peak resident set size of this process so far: VmHWM, the high-water mark of this image.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` would be the usual call, but Linux carries the parent's RSS
    at fork into it (the old image's high-water mark is kept at ``exec``), so a child started by a
    100 MB benchmark runner starts at 100 MB; ``VmHWM`` belongs to this image alone. Both are reported.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return getrusage_mb()


def getrusage_mb() -> float:
    """``ru_maxrss`` (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


async def measure(url: str, events: Path) -> dict[str, float]:
    started_mb = maxrss_mb()
    import bot.bootstrap  # noqa: F401  # everything a running bot process imports
    from bot import alerts
    from bot.catalog import LiveCatalog
    from bot.clock import SystemClock
    from bot.notifier import owed_deliveries
    from bot.store import Store

    imported = maxrss_mb()
    catalog = LiveCatalog.load(events)
    store = await Store.open(url)
    baseline = maxrss_mb()
    clock = SystemClock()
    started = time.perf_counter()
    subscribers = await store.subscribers()
    after_subscribers = maxrss_mb()
    now = clock.now()
    spacing = timedelta(seconds=1 / 30)
    due = [a for a in alerts.plan(catalog.current) if now < a.expires]
    rows = owed_deliveries(due, subscribers, now, spacing)
    after_rows = maxrss_mb()
    written = await store.enqueue(rows, now)
    elapsed = time.perf_counter() - started
    peak = maxrss_mb()
    await store.close()
    return {
        "subscribers": len(subscribers),
        "written": written,
        "interpreter_mb": started_mb,
        "imports_mb": imported,
        "baseline_mb": baseline,
        "after_subscribers_mb": after_subscribers,
        "after_rows_mb": after_rows,
        "peak_mb": peak,
        "ru_maxrss_mb": getrusage_mb(),
        "rss_end_mb": rss_mb(),
        "seconds": elapsed,
    }


def main() -> None:
    url, events = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(asyncio.run(measure(url, events))), flush=True)


if __name__ == "__main__":
    main()
