"""One bot process writing one alert and one status note for many subscribers: its peak RSS, run in a
fresh interpreter by ``bench.run``.

``python -m bench.memory <db url> <events file> <edited events file>`` prints one JSON line. The
database already holds the subscribers (bulk-inserted by the parent); what is measured is what the bot
itself does with them, as ``Notifier.tick`` does it, with a sender that is never drained:

1. the fan-out of the file's one alert (``Notifier._fan_out``: the subscribers read a page at a time,
   twice, and the outbox rows written page by page);
2. the status note the edited file calls for (``Notifier._announce_changes``: the subscribers and their
   earlier notes read a page at a time inside one transaction, and the waiting alert reworded).
"""

from __future__ import annotations

import asyncio
import json
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any, cast


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


async def measure(url: str, events: Path, edited: Path) -> dict[str, float]:
    started_mb = maxrss_mb()
    import bot.bootstrap  # noqa: F401  # everything a running bot process imports
    from bot.catalog import LiveCatalog
    from bot.clock import SystemClock
    from bot.delivery import Limits, Sender
    from bot.notifier import Notifier
    from bot.storage import Store

    imported = maxrss_mb()
    catalog = LiveCatalog.load(events)
    store = await Store.open(url)
    clock = SystemClock()
    sender = Sender(store, cast(Any, None), clock, Limits(per_second=30))  # never drained: no Bot needed
    notifier = Notifier(catalog, store, sender, clock)
    await notifier._announce_changes(catalog.current, clock.now())  # the first run: the file as told
    baseline = maxrss_mb()
    started = time.perf_counter()
    await notifier._fan_out(clock.now())  # what tick() does before it drains
    fanned_out = time.perf_counter()
    after_fan_out = maxrss_mb()
    await asyncio.to_thread(shutil.copyfile, edited, events)
    await asyncio.to_thread(catalog.reload, force=True)
    await notifier._announce_changes(catalog.current, clock.now())
    elapsed = time.perf_counter() - fanned_out
    peak = maxrss_mb()
    written = sum((await store.counts()).values())
    subscribers = await store.count_subscribers()
    await store.close()
    return {
        "subscribers": subscribers,
        "written": written,
        "interpreter_mb": started_mb,
        "imports_mb": imported,
        "baseline_mb": baseline,
        "after_fan_out_mb": after_fan_out,
        "peak_mb": peak,
        "ru_maxrss_mb": getrusage_mb(),
        "rss_end_mb": rss_mb(),
        "fan_out_seconds": fanned_out - started,
        "note_seconds": elapsed,
    }


def main() -> None:
    url, events, edited = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    print(json.dumps(asyncio.run(measure(url, events, edited))), flush=True)


if __name__ == "__main__":
    main()
