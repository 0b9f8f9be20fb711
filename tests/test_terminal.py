"""The terminal chat: ``summitbot run`` without a token, driven through stdin like a person at a keyboard."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import bot_env


def run_terminal(
    tmp_path: Path, typed: str, *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = bot_env(tmp_path)
    return subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "bot", "run", *args],
        input=typed,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=tmp_path,
        check=False,
    )


def test_next_in_the_terminal_answers_with_the_summit_date_and_status(tmp_path: Path) -> None:
    done = run_terminal(tmp_path, "/next\n", "--as-of", "2025-10-01")
    assert done.returncode == 0, done.stderr
    assert "bot> Next: 23rd India–Russia annual summit" in done.stdout
    assert "5–6 December 2025" in done.stdout
    assert "Unconfirmed by either government" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_typed_number_presses_the_button_under_the_last_message(tmp_path: Path) -> None:
    done = run_terminal(tmp_path, "/start\n1\n/quit\n/next\n", "--as-of", "2025-10-01")
    assert "[1] 🔔 Subscribe" in done.stdout
    assert "bot> Subscribed." in done.stdout
    assert "[1] 🔕 Unsubscribe" in done.stdout
    assert "bot> Next:" not in done.stdout  # /quit ended the chat before /next


def test_the_subscription_survives_a_restart_of_the_terminal_chat(tmp_path: Path) -> None:
    run_terminal(tmp_path, "/subscribe\n", "--as-of", "2025-10-01")
    again = run_terminal(tmp_path, "/subscribe\n", "--as-of", "2025-10-01")
    assert "bot> You are already subscribed." in again.stdout


def test_an_alert_due_at_start_reaches_the_terminal_marked_late(tmp_path: Path) -> None:
    run_terminal(tmp_path, "/subscribe\n", "--as-of", "2025-11-27T09:00+05:30")
    done = run_terminal(tmp_path, "", "--as-of", "2025-11-28T10:00+05:30")
    assert "bot> ⏰ 23rd India–Russia annual summit in 7 days" in done.stdout
    assert "(Late: this reminder was due 28 Nov 2025, 9:00\u202fAM IST.)" in done.stdout


def test_a_broken_events_file_stops_the_terminal_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("events:\n  - id: Not An Id\n")
    done = run_terminal(tmp_path, "/next\n", "--events", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[0].startswith(f"{bad}:2: events[0].id:")
    assert "Traceback" not in done.stderr


def test_a_number_typed_after_the_bot_said_something_else_is_not_an_old_button(tmp_path: Path) -> None:
    done = run_terminal(tmp_path, "/start\n/next\n1\n/quit\n", "--as-of", "2025-10-01")
    assert "[1] 🔔 Subscribe" in done.stdout
    assert "bot> Subscribed." not in done.stdout


def test_the_demo_keeps_its_own_database_unless_one_is_named(tmp_path: Path) -> None:
    env = bot_env(tmp_path)
    del env["SUMMITBOT_DB"]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--as-of", "2025-10-01"],
        input="/subscribe\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert "bot> Subscribed." in done.stdout
    assert not (tmp_path / "data").exists()
    again = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--as-of", "2025-10-01"],
        input="/subscribe\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert "bot> Subscribed." in again.stdout  # a fresh demo, not "already subscribed"


async def test_ctrl_c_leaves_the_terminal_chat_at_once_with_a_goodbye_and_no_traceback(
    tmp_path: Path,
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--as-of",
        "2025-10-01",
        env=bot_env(tmp_path),
        cwd=tmp_path,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(b"/next\n")
    await process.stdin.drain()
    while b"bot> Next:" not in await asyncio.wait_for(process.stdout.readline(), 60):
        pass
    process.send_signal(signal.SIGINT)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)  # stdin stays open: no Enter
    assert process.returncode == 0
    assert stdout.decode().endswith("\nBye.\n")
    assert "Traceback" not in stderr.decode()
    assert "KeyboardInterrupt" not in stderr.decode()


def test_a_question_in_the_terminal_gets_its_answer_and_no_library_chatter(tmp_path: Path) -> None:
    done = run_terminal(tmp_path, "when is putin coming?\n/quit\n", "--as-of", "2025-10-01T09:00+05:30")
    assert "bot> 23rd India–Russia annual summit — 5–6 December 2025" in done.stdout
    assert "DEBUG" not in done.stdout + done.stderr  # bm25s logs at DEBUG when it builds an index
