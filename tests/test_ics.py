"""The iCalendar feed: what a calendar app shows and when it rings."""

from __future__ import annotations

from pathlib import Path

from bot import ics
from bot.cli import main
from bot.events import load_events
from tests.conftest import SEED, SEED_DAY, build


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def vevent(text: str, uid: str) -> list[str]:
    lines = unfolded(text)
    start = lines.index(f"UID:{uid}@summitbot") - 1
    return lines[start : lines.index("END:VEVENT", start) + 1]


def test_the_seed_summit_is_a_tentative_all_day_span_with_the_bots_alarms() -> None:
    summit = vevent(ics.calendar(load_events(SEED), SEED_DAY), "summit-2025")
    assert "DTSTART;VALUE=DATE:20251205" in summit
    assert "DTEND;VALUE=DATE:20251207" in summit
    assert "STATUS:TENTATIVE" in summit
    assert "LOCATION:New Delhi" in summit
    assert [line for line in summit if line.startswith("TRIGGER")] == [
        "TRIGGER;VALUE=DATE-TIME:20251128T033000Z",  # 7 days before, 09:00 IST
        "TRIGGER;VALUE=DATE-TIME:20251204T033000Z",  # 1 day before
        "TRIGGER;VALUE=DATE-TIME:20251205T023000Z",  # the "today" note, 08:00 IST
    ]
    (description,) = [line for line in summit if line.startswith("DESCRIPTION:Date")]
    assert "\\nUnconfirmed by either government\\n" in description
    assert "(1 October 2025)" in description


def test_a_month_only_event_says_it_is_expected_and_carries_no_alarm() -> None:
    lavrov = vevent(ics.calendar(load_events(SEED), SEED_DAY), "lavrov-visit-2025")
    assert "SUMMARY:Expected: Foreign Minister Sergey Lavrov's visit to India" in lavrov
    assert "DTSTART;VALUE=DATE:20251101" in lavrov
    assert "DTEND;VALUE=DATE:20251201" in lavrov
    assert not any(line.startswith("BEGIN:VALARM") for line in lavrov)


def test_an_exact_confirmed_event_is_in_utc_and_a_cancelled_one_is_marked_so() -> None:
    catalog = build(
        {
            "id": "talks",
            "when": {"at": "2025-12-05T11:00"},
            "governments": ["india", "russia"],
            "status": {"source": "report", "confirmed_by": ["india", "russia"]},
            "place": "Hyderabad House, New Delhi",
            "reminders": ["2h"],
        },
        {
            "id": "gala",
            "when": {"date": "2025-12-06"},
            "status": {"source": "report", "lifecycle": "cancelled"},
        },
    )
    text = ics.calendar(catalog, SEED_DAY)
    talks, gala = vevent(text, "talks"), vevent(text, "gala")
    assert "DTSTART:20251205T053000Z" in talks
    assert "STATUS:CONFIRMED" in talks
    assert "LOCATION:Hyderabad House\\, New Delhi" in talks
    assert "TRIGGER;VALUE=DATE-TIME:20251205T033000Z" in talks
    assert "STATUS:CANCELLED" in gala


def test_every_line_is_crlf_terminated_and_at_most_75_octets() -> None:
    text = ics.calendar(load_events(SEED), SEED_DAY)
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\n" not in text.replace("\r\n", "")


def test_the_ics_command_writes_the_feed_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "summits.ics"
    assert main(["ics", "--as-of", "2025-10-01", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
