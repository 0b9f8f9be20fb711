"""The iCalendar feed: what a calendar app reads back, shows and when it rings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest

from bot import ics
from bot.cli import main
from bot.events import load_events
from tests.conftest import SEED, SEED_DAY, build


def read_back(feed: bytes) -> dict[str, icalendar.Event]:
    """The feed as a calendar app parses it: its events by UID."""
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")}


def alarms(entry: icalendar.Event) -> list[datetime]:
    return [alarm.decoded("TRIGGER") for alarm in entry.walk("VALARM")]


def test_a_calendar_parser_reads_back_every_dated_event_of_the_seed() -> None:
    events = read_back(ics.calendar(load_events(SEED), SEED_DAY))
    assert set(events) == {
        "summit-2025@summitbot",
        "rt-india-launch@summitbot",
        "lavrov-visit-2025@summitbot",
        "military-commission-2025@summitbot",
        "sco-meeting-2025@summitbot",
    }  # the 2021 and 2024 visits are known only to the year, which no calendar can show as a day


def test_the_seed_summit_is_a_tentative_all_day_span_with_the_bots_alarms() -> None:
    summit = read_back(ics.calendar(load_events(SEED), SEED_DAY))["summit-2025@summitbot"]
    assert summit.decoded("DTSTART") == date(2025, 12, 5)
    assert summit.decoded("DTEND") == date(2025, 12, 7)
    assert str(summit["STATUS"]) == "TENTATIVE"
    assert str(summit["LOCATION"]) == "New Delhi"
    assert str(summit["SUMMARY"]) == "23rd India–Russia annual summit"
    assert alarms(summit) == [
        datetime(2025, 11, 28, 3, 30, tzinfo=UTC),  # 7 days before, 09:00 IST
        datetime(2025, 12, 4, 3, 30, tzinfo=UTC),  # 1 day before
        datetime(2025, 12, 5, 2, 30, tzinfo=UTC),  # the "today" note, 08:00 IST
    ]
    description = str(summit["DESCRIPTION"])
    assert "\nUnconfirmed by either government\n" in description
    assert "(1 October 2025)" in description


def test_a_month_only_event_still_to_come_says_it_is_expected_and_carries_no_alarm() -> None:
    lavrov = read_back(ics.calendar(load_events(SEED), SEED_DAY))["lavrov-visit-2025@summitbot"]
    assert str(lavrov["SUMMARY"]) == "Expected: Foreign Minister Sergey Lavrov's visit to India"
    assert lavrov.decoded("DTSTART") == date(2025, 11, 1)
    assert lavrov.decoded("DTEND") == date(2025, 12, 1)
    assert alarms(lavrov) == []


def test_a_meeting_already_held_is_titled_as_what_happened_not_as_expected() -> None:
    sco = read_back(ics.calendar(load_events(SEED), SEED_DAY))["sco-meeting-2025@summitbot"]
    assert str(sco["SUMMARY"]) == "Modi and Putin met on the sidelines of the SCO Summit"
    assert str(sco["STATUS"]) == "CONFIRMED"


def test_an_exact_confirmed_event_is_in_utc_and_a_cancelled_one_is_marked_so() -> None:
    catalog = build(
        {
            "id": "talks",
            "when": {"at": "2025-12-05T11:00"},
            "governments": ["india", "russia"],
            "status": {"source": "report", "confirmed_by": ["india", "russia"]},
            "place": "Hyderabad House, New Delhi; Room 1",
            "reminders": ["2h"],
        },
        {
            "id": "gala",
            "when": {"date": "2025-12-06"},
            "status": {"source": "report", "lifecycle": "cancelled"},
        },
    )
    events = read_back(ics.calendar(catalog, SEED_DAY))
    talks, gala = events["talks@summitbot"], events["gala@summitbot"]
    assert talks.decoded("DTSTART") == datetime(2025, 12, 5, 5, 30, tzinfo=UTC)
    assert str(talks["STATUS"]) == "CONFIRMED"
    assert str(talks["LOCATION"]) == "Hyderabad House, New Delhi; Room 1"
    assert alarms(talks) == [datetime(2025, 12, 5, 3, 30, tzinfo=UTC)]
    assert str(gala["STATUS"]) == "CANCELLED"


def test_a_recorded_move_raises_the_sequence_and_the_last_modified_date() -> None:
    history = [
        {"date": "2025-10-01", "change": "reported", "source": "report"},
        {"date": "2025-10-20", "change": "moved", "source": "report"},
    ]
    moved = build({"id": "talks", "when": {"date": "2025-12-05"}, "history": history})
    entry = read_back(ics.calendar(moved, SEED_DAY))["talks@summitbot"]
    assert entry.decoded("SEQUENCE") == 1
    assert entry.decoded("LAST-MODIFIED") == datetime(2025, 10, 20, tzinfo=UTC)


def test_every_line_is_crlf_terminated_and_at_most_75_octets() -> None:
    text = ics.calendar(load_events(SEED), SEED_DAY).decode()
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\n" not in text.replace("\r\n", "")


def test_the_ics_command_writes_the_feed_to_a_file_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "summits.ics"
    assert main(["ics", "--as-of", "2025-10-01", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert capsys.readouterr().out == f"{out}: wrote 5 events\n"


def test_the_ics_command_into_a_missing_folder_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "summits.ics"
    assert main(["ics", "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"summitbot: cannot write {out}: No such file or directory\n"
