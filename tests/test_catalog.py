"""The live events file as the operator edits it while the bot runs.

An edit is taken only once two reads a moment apart agree, a bad file is logged once (not on every
poll) and never replaces the last good one, and nothing at the events path (a file half written, a
FIFO, a poison value) stops the bot from answering and alerting.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from bot import bootstrap
from bot.bootstrap import boot_of
from bot.catalog import LiveCatalog, Rejected, Reloaded
from bot.events import Localized, parse_events
from tests.conftest import IST, Harness

ALICE = 101
WEEK_BEFORE = datetime(2025, 11, 28, 9, 0, tzinfo=IST)  # the seed summit's 7-day reminder
REJECTED = "events file rejected, keeping the last good one"

# A small file whose last line is a place: cut anywhere in that line, it is still a valid file.
PLACED = """\
timezone: Asia/Kolkata
governments:
  india: {name: India}
  russia: {name: Russia}
sources:
  report: {title: News report, by: Sources, date: 2025-10-01}
events:
  - id: summit
    title: Annual summit
    when: {from: 2025-12-05, to: 2025-12-06}
    governments: [india, russia]
    status: {source: report}
    source: report
    place: New Delhi
"""


def replace(path: Path, text: str) -> None:
    """Write the whole file at once (as editors that save by renaming do), so no read sees half of it."""
    draft = path.with_name(path.name + ".draft")
    draft.write_text(text, encoding="utf-8")
    draft.replace(path)


class Editor:
    """An editor caught mid-write: each time the bot waits between its two reads, one more piece lands."""

    def __init__(self, path: Path, pieces: list[str]) -> None:
        self.path = path
        self.pieces = pieces
        self.pauses = 0

    def __call__(self) -> None:
        self.pauses += 1
        if self.pieces:
            replace(self.path, self.pieces.pop(0))


def rejections(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(REJECTED)]


def no_pause() -> None:
    """The wait between the two reads, when nothing is writing the file."""


@pytest.fixture
def live(tmp_path: Path) -> LiveCatalog:
    path = tmp_path / "events.yaml"
    replace(path, PLACED)
    catalog = LiveCatalog.load(path)
    catalog.pause = no_pause
    return catalog


def place(live: LiveCatalog) -> str | None:
    where = live.current.events[0].place
    return where.en if where is not None else None


# ---------------------------------------------------------------- the live catalog on its own


def test_an_edit_is_taken_when_two_reads_a_moment_apart_agree(live: LiveCatalog) -> None:
    live.pause = LiveCatalog(live.path, live.current, "").pause  # the real wait, as the bot uses it
    replace(live.path, PLACED.replace("New Delhi", "Mumbai"))

    result = live.reload()

    assert isinstance(result, Reloaded)
    assert (result.old.events[0].place, result.new.events[0].place) == (
        Localized.of("New Delhi"),
        Localized.of("Mumbai"),
    )
    assert place(live) == "Mumbai"


def test_a_file_caught_mid_write_is_not_taken_until_it_stops_changing(live: LiveCatalog) -> None:
    half_written = PLACED.replace("New Delhi\n", "New Del")
    assert parse_events(half_written).events[0].place == Localized.of(
        "New Del"
    )  # valid: read once, it would be taken
    live.pause = editor = Editor(live.path, [PLACED.replace("New Delhi", "Mumbai")])
    replace(live.path, half_written)

    assert live.reload() is None
    assert place(live) == "New Delhi"
    assert isinstance(live.reload(), Reloaded)
    assert place(live) == "Mumbai"
    assert editor.pauses == 2


def test_a_rejected_file_is_logged_once_however_often_it_is_polled(
    live: LiveCatalog, caplog: pytest.LogCaptureFixture
) -> None:
    replace(live.path, PLACED.replace("title: Annual summit", 'title: "\\ud800"'))

    results = [live.reload() for _ in range(5)]

    assert isinstance(results[0], Rejected)
    assert results[1:] == [None] * 4
    assert rejections(caplog) == [
        f"{REJECTED}: {live.path}:9: events[0].title: contains U+D800, half of a surrogate pair, "
        "which is not a character (check the \\u escapes)"
    ]
    assert place(live) == "New Delhi"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (Path.unlink, "no such file"),
        (lambda path: (path.unlink(), os.mkfifo(path)), "is a named pipe, not a regular file"),
        (lambda path: (path.unlink(), path.symlink_to("/dev/zero")), "is a device, not a regular file"),
        (lambda path: (path.unlink(), path.mkdir()), "is a directory, not a file"),
    ],
    ids=["missing", "fifo", "dev-zero", "directory"],
)
def test_an_unreadable_events_path_is_logged_once_and_the_last_good_file_stays(
    live: LiveCatalog, caplog: pytest.LogCaptureFixture, make: Callable[[Path], object], reason: str
) -> None:
    make(live.path)

    results = [live.reload() for _ in range(5)]

    assert results == [Rejected(results[0].problems if isinstance(results[0], Rejected) else ()), *[None] * 4]
    assert rejections(caplog) == [f"{REJECTED}: {live.path}: {reason}"]
    assert all(r.exc_info is None for r in caplog.records)
    assert place(live) == "New Delhi"


def test_a_bug_while_reloading_is_logged_once_without_a_traceback(
    live: LiveCatalog, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: bytes, file: str) -> object:
        raise RuntimeError("nobody foresaw this")

    monkeypatch.setattr("bot.catalog.parse_events_file", broken)
    replace(live.path, PLACED.replace("New Delhi", "Mumbai"))

    for _ in range(5):
        live.reload()

    assert rejections(caplog) == [
        f"{REJECTED}: {live.path}: cannot be used (RuntimeError: nobody foresaw this)"
    ]
    assert all(r.exc_info is None for r in caplog.records)
    assert place(live) == "New Delhi"


def test_the_same_bad_edit_made_again_after_a_good_one_is_reported_again(
    live: LiveCatalog, caplog: pytest.LogCaptureFixture
) -> None:
    bad = PLACED.replace("    place: New Delhi", "    plase: New Delhi")
    replace(live.path, bad)
    live.reload()
    replace(live.path, PLACED)
    assert live.reload() is None  # the good file in force: nothing to do
    replace(live.path, bad)
    live.reload()

    assert rejections(caplog) == [f"{REJECTED}: {live.path}:14: events[0].plase: unknown key"] * 2


def test_a_forced_reload_reports_a_bad_file_again(
    live: LiveCatalog, caplog: pytest.LogCaptureFixture
) -> None:
    replace(live.path, "events: [")
    live.reload()
    live.reload()

    assert isinstance(live.reload(force=True), Rejected)
    assert len(rejections(caplog)) == 2


def test_a_poll_while_another_reload_is_reading_does_nothing(live: LiveCatalog) -> None:
    polled: list[object] = []
    live.pause = lambda: polled.append(live.reload())
    replace(live.path, PLACED.replace("New Delhi", "Mumbai"))

    assert isinstance(live.reload(), Reloaded)
    assert polled == [None]


# ---------------------------------------------------------------- the running bot


async def test_a_poison_edit_during_a_run_is_rejected_and_the_bot_keeps_the_last_good_file(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Both values passed the check before and broke every reply and alarm tick from then on."""
    caplog.set_level(logging.INFO, logger="bot.catalog")
    seed = bot.settings.events.read_text(encoding="utf-8")
    poison = seed.replace("{from: 2025-12-05, to: 2025-12-06}", "{from: 2025-12-05, to: 9999-12-31}").replace(
        "      en: Launch of RT's India edition", '      en: "Launch of RT\\ud800"'
    )
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        replace(bot.settings.events, poison)
        await bot.settle(quiet=1.0)
        (reply,) = await bot.ask(ALICE, "/next")
        await bot.jump(WEEK_BEFORE)

    assert "5–6 December 2025" in reply
    assert [line.split(": ", 2)[2] for line in rejections(caplog)] == [
        "events[0].when.to: 9999-12-31 is out of range: dates must lie between 1900-01-01 and 2200-12-31",
        "events[1].title.en: contains U+D800, half of a surrogate pair, which is not a character "
        "(check the \\u escapes)",
    ]
    assert bot.texts(ALICE)[-1].startswith("⏰ 23rd India–Russia annual summit in 7 days")


async def test_an_events_file_caught_mid_write_is_announced_only_once_it_settles(bot: Harness) -> None:
    replace(bot.settings.events, PLACED)
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        editor = Editor(bot.settings.events, [PLACED.replace("New Delhi", "Mumbai")])
        boot_of(bot.app).catalog.pause = editor
        replace(bot.settings.events, PLACED.replace("New Delhi\n", "New Del"))
        await bot.settle(quiet=1.0)

    notes = [t for t in bot.texts(ALICE) if "Place changed" in t]
    assert len(notes) == 1, notes
    assert "Place changed: New Delhi → Mumbai" in notes[0]
    assert editor.pauses >= 2


async def test_a_named_pipe_at_the_events_path_does_not_freeze_the_bot(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot.running():
        bot.settings.events.unlink()
        os.mkfifo(bot.settings.events)
        await bot.settle(quiet=1.0)
        (reply,) = await bot.ask(ALICE, "/next")

    assert "5–6 December 2025" in reply
    assert rejections(caplog) == [f"{REJECTED}: {bot.settings.events}: is a named pipe, not a regular file"]


async def test_sighup_reports_a_rejected_file_again(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    async with bot.running():
        replace(bot.settings.events, "events: [")
        await bot.settle(quiet=1.0)
        assert len(rejections(caplog)) == 1
        assert bot.app is not None
        bootstrap._reload_now(bot.app)  # what the SIGHUP handler calls
        await bot.settle(quiet=1.0)

    assert len(rejections(caplog)) == 2
