"""The ``summitbot`` command as a newcomer and an operator meet it: help, settings, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED, bot_env


def summitbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The command as a separate process, run from ``tmp_path`` (where a ``.env`` may lie)."""
    environment = bot_env(tmp_path, **env)
    environment.pop("SUMMITBOT_EVENTS")
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=tmp_path,
        check=False,
    )


def test_help_describes_the_bot_and_every_command_in_plain_words(tmp_path: Path) -> None:
    done = summitbot(tmp_path, "--help")
    assert done.returncode == 0
    assert "a Telegram bot that counts down to dated diplomatic events" in done.stdout
    assert "``" not in done.stdout
    for line in ("run ", "check ", "plan ", "ics "):
        assert f"    {line}" in done.stdout
    plan = summitbot(tmp_path, "plan", "--help").stdout
    assert "--as-of WHEN" in plan
    assert "pretend it is this moment" in plan
    assert "the events file (default: SUMMITBOT_EVENTS" in plan


def test_check_uses_the_file_named_by_summitbot_events(tmp_path: Path) -> None:
    done = summitbot(tmp_path, "check", SUMMITBOT_EVENTS=str(tmp_path / "nope.yaml"))
    assert done.returncode == 2
    assert done.stderr == f"{tmp_path / 'nope.yaml'}: no such file\n"


def test_check_plan_and_ics_use_the_file_named_in_dot_env(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".env").write_text(f"SUMMITBOT_EVENTS={mine}\n", encoding="utf-8")
    check = summitbot(tmp_path, "check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"{mine}: OK (7 events")
    plan = summitbot(tmp_path, "plan", "--as-of", "2025-10-01")
    assert "23rd India–Russia annual summit [summit-2025]" in plan.stdout
    feed = summitbot(tmp_path, "ics")
    assert feed.stdout.startswith("BEGIN:VCALENDAR")


def test_a_bad_token_does_not_stop_the_offline_check(tmp_path: Path) -> None:
    done = summitbot(tmp_path, "check", str(SEED), TELEGRAM_BOT_TOKEN="not a token")
    assert done.returncode == 0
    assert "OK" in done.stdout
