"""Answer latency: the bm25s engine (``bot/answers/``) next to the keyword-table engine it replaced.

``python -m bench.run answers``. Every question of the three question sets (the English set of
``tests/test_answers.py``, the multilingual set and its hold-out) is answered ``REPEATS`` times by
each engine against the same seed catalog, after one warm-up answer; a question's time is the median
of its repeats. The table gives, over all questions, the median and the worst of those per-question
times, and the first answer on a fresh catalog object (the new engine builds its passage index then;
a reloaded events file is a fresh catalog). The previous engine is kept in ``bench/legacy/`` only for
this comparison: it answers Russian and Hindi with a one-line "English only" reply.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bench.legacy import answers as legacy
from bot import answers
from bot.events import Catalog, load_events
from bot.wording.language import Language, language

ROOT = Path(__file__).resolve().parent.parent
IST = ZoneInfo("Asia/Kolkata")
REPEATS = 15
Engine = Callable[[Catalog, datetime, str, Language, ZoneInfo | None], str]
ENGINES: dict[str, Engine] = {
    "bm25s engine (bot/answers/)": answers.answer,
    "keyword tables (previous, bench/legacy/)": legacy.answer,
}


def questions() -> list[tuple[str, str, str, str]]:
    """(question language, question, moment, chat language) for every question of the three sets."""
    from tests.test_answers import QUESTIONS  # the tests package is only importable from the repository root

    rows = [("en", row.question, row.as_of, "en") for row in QUESTIONS]
    for name in ("questions.yaml", "holdout.yaml"):
        data: dict[str, list[dict[str, Any]]] = yaml.safe_load(
            (ROOT / "tests" / "data" / "answers" / name).read_text(encoding="utf-8")
        )
        rows += [
            (code, row["q"], row.get("at", "2025-10-01T09:00+05:30"), row.get("chat", code))
            for code, items in data.items()
            for row in items
        ]
    return rows


def _time(engine: Engine, catalog: Catalog, now: datetime, question: str, lang: Language) -> float:
    started = time.perf_counter_ns()
    engine(catalog, now, question, lang, IST)
    return (time.perf_counter_ns() - started) / 1e6


def measure() -> dict[str, dict[str, Any]]:
    rows = questions()
    seed = ROOT / "config" / "events.yaml"
    results: dict[str, dict[str, Any]] = {}
    for name, engine in ENGINES.items():
        cold = [
            _time(engine, load_events(seed), datetime.fromisoformat(at), q, language(chat))
            for _, q, at, chat in rows[:: max(1, len(rows) // 10)]
        ]
        catalog = load_events(seed)
        per_question: list[tuple[str, float]] = []
        for code, question, at, chat in rows:
            now, lang = datetime.fromisoformat(at), language(chat)
            engine(catalog, now, question, lang, IST)
            times = [_time(engine, catalog, now, question, lang) for _ in range(REPEATS)]
            per_question.append((code, statistics.median(times)))
        results[name] = {"cold": statistics.median(cold), "times": per_question}
    return results


def _row(label: str, times: list[float], cold: str) -> list[str]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return [
        label,
        str(len(times)),
        f"{statistics.median(times):.2f}",
        f"{p95:.2f}",
        f"{max(times):.2f}",
        cold,
    ]


def latency_table(results: dict[str, dict[str, Any]]) -> list[list[str]]:
    rows: list[list[str]] = []
    for name, result in results.items():
        times = [t for _, t in result["times"]]
        rows.append(_row(f"{name}, all", times, f"{result['cold']:.1f}"))
        for code in ("en", "ru", "hi"):
            rows.append(_row(f"… {code}", [t for c, t in result["times"] if c == code], ""))
    return rows
