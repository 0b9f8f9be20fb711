"""The text people read: the operator's plan report, event cards, dates and durations, and the CLI."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import cli
from bot.events import Catalog, EventsFileError, load_events
from bot.wording.cards import event_card_html
from bot.wording.dates import dates_text, duration, span
from bot.wording.fit import MESSAGE_LIMIT, fit
from bot.wording.language import ENGLISH as EN
from bot.wording.language import language
from tests.conftest import BERLIN, IST, ROOT, SEED, SEED_DAY, one


@pytest.fixture(scope="module")
def seed() -> Catalog:
    return load_events(SEED)


def block(text: str, header: str) -> list[str]:
    """The lines of the numbered entry starting with ``header``, up to the next blank or numbered line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    out = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("     "):
            break
        out.append(line)
    return out


# ---------------------------------------------------------------- the plan report

NB = "\u202f"  # CLDR puts a narrow no-break space between a time and AM or PM


def test_the_plan_report_opens_with_the_moment_it_describes_in_the_files_zone(seed: Catalog) -> None:
    assert cli.plan_text(seed, SEED_DAY).splitlines()[0] == f"As of Wednesday, 1 October 2025, 9:00{NB}AM IST"


def test_the_plan_report_shows_the_summit_unconfirmed_in_65_days_and_marked_next(seed: Catalog) -> None:
    summit = block(cli.plan_text(seed, SEED_DAY), "  3. ")
    assert summit == [
        "  3. 23rd India–Russia annual summit [summit-2025]  <- next dated event",
        "     when:   5–6 December 2025 (Asia/Kolkata)",
        "     place:  New Delhi",
        "     count:  in 65 days",
        "     status: Unconfirmed by either government",
        "     source: Sources familiar with the planning, as reported: News report from New Delhi on "
        "Putin's expected visit for the 23rd annual summit (1 October 2025)",
    ]


def test_the_plan_report_marks_only_the_summit_as_next(seed: Catalog) -> None:
    text = cli.plan_text(seed, SEED_DAY)
    assert text.count("<- next dated event") == 1


def test_the_plan_report_lists_the_undated_events_with_honest_countdowns(seed: Catalog) -> None:
    text = cli.plan_text(seed, SEED_DAY)
    commission = block(text, "  1. ")
    lavrov = block(text, "  2. ")
    rt = block(text, "  4. ")
    assert commission[0] == (
        "  1. Inter-Governmental Commission on Military Technical Cooperation [military-commission-2025]"
    )
    assert "     when:   expected between 2 and 31 October 2025 (Asia/Kolkata)" in commission
    assert "     place:  not announced" in commission
    assert "     count:  later this month" in commission
    assert "     when:   expected in November 2025 (Asia/Kolkata)" in lavrov
    assert "     count:  in 4 to 8 weeks" in lavrov
    assert rt[0] == "  4. Launch of RT's India edition [rt-india-launch]"
    assert "     place:  New Delhi" in rt  # it happens during the summit, so in the summit's place
    assert "     status: Not yet confirmed by Russia" in rt


def test_the_plan_report_lists_held_events_under_recent_saying_each_thing_once(seed: Catalog) -> None:
    text = cli.plan_text(seed, SEED_DAY)
    assert (
        "Recent:\n"
        "  - Modi and Putin met on the sidelines of the SCO Summit [sco-meeting-2025]: "
        "in September 2025; Held\n"
        "  - Last year's annual summit, in Russia [summit-2024]: in 2024; Held\n"
        "  - Putin's last visit to India [putin-visit-2021]: in 2021; Held\n"
    ) in text


def test_the_plan_report_ends_with_the_alert_schedule(seed: Catalog) -> None:
    text = cli.plan_text(seed, SEED_DAY)
    assert text.endswith(
        "Alert schedule (5 alerts still to come):\n"
        f"  2 Oct 2025, 9:00{NB}AM IST  military-commission-2025  the “expected from today” note\n"
        f"  1 Nov 2025, 9:00{NB}AM IST  lavrov-visit-2025  the “expected this month” note\n"
        f"  28 Nov 2025, 9:00{NB}AM IST  summit-2025  7 days before\n"
        f"  4 Dec 2025, 9:00{NB}AM IST  summit-2025  1 day before\n"
        f"  5 Dec 2025, 8:00{NB}AM IST  summit-2025  the “today” note"
    )


def test_the_plan_report_after_everything_says_none_for_upcoming_and_alerts(seed: Catalog) -> None:
    text = cli.plan_text(seed, datetime(2026, 1, 1, 9, 0, tzinfo=IST))
    assert "Upcoming events:\n  none\n" in text
    assert text.endswith("Alert schedule (0 alerts still to come):\n  none")
    assert "<- next dated event" not in text


def test_the_plan_report_in_russian_speaks_russian_with_the_files_translations(seed: Catalog) -> None:
    text = cli.plan_text(seed, SEED_DAY, language("ru"))
    assert "23-й ежегодный индийско-российский саммит [summit-2025]" in text
    assert "5—6 декабря 2025\u202fг." in text
    assert "через 65 дней" in text
    assert "ожидается в ноябре 2025 года" in text
    assert "Не подтверждено ни одним из правительств" in text


# ---------------------------------------------------------------- event cards


def test_an_event_card_escapes_a_script_tag_in_its_note() -> None:
    event = one({"date": "2025-12-05"}, note="<script>alert('x')</script> & more")
    card = event_card_html(event, SEED_DAY, EN)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in card
    assert "<script>" not in card


def test_the_summit_card_on_the_report_day_reads_top_to_bottom(seed: Catalog) -> None:
    summit = seed.get("summit-2025")
    assert summit is not None
    lines = event_card_html(summit, SEED_DAY, EN).splitlines()
    assert lines[:5] == [
        "<b>23rd India–Russia annual summit</b>",
        "🗓 5–6 December 2025",
        "📍 New Delhi",
        "⏳ in 65 days",
        "ℹ️ Unconfirmed by either government",
    ]
    assert lines[5].startswith("Russian President Vladimir Putin is expected to visit India")
    assert lines[-1] == (
        "<i>Source: Sources familiar with the planning, as reported: News report from New Delhi on "
        "Putin&#x27;s expected visit for the 23rd annual summit (1 October 2025)</i>"
    )


def test_an_event_card_without_a_place_says_place_not_announced() -> None:
    card = event_card_html(one({"month": "2025-11"}), SEED_DAY, EN)
    assert "📍 Place not announced" in card
    assert "🗓 expected in November 2025" in card


# ---------------------------------------------------------------- dates and durations


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        (date(2025, 12, 5), date(2025, 12, 5), "5 December 2025"),
        (date(2025, 12, 5), date(2025, 12, 6), "5–6 December 2025"),
        (
            date(2025, 11, 30),
            date(2025, 12, 2),
            "30 Nov\u2009–\u20092 Dec 2025".replace("Nov", "November").replace("Dec", "December"),
        ),
        (date(2025, 12, 30), date(2026, 1, 2), "30 December 2025\u2009–\u20092 January 2026"),
    ],
)
def test_a_range_of_days_is_written_the_way_cldr_writes_it(first: date, last: date, text: str) -> None:
    assert span(first, last, EN) == text


@pytest.mark.parametrize(
    ("between", "and_", "text"),
    [
        ("2025-10-02", "2025-10-31", "expected between 2 and 31 October 2025"),
        ("2025-11-30", "2025-12-02", "expected between 30 November and 2 December 2025"),
        ("2025-12-30", "2026-01-02", "expected between 30 December 2025 and 2 January 2026"),
    ],
)
def test_a_windows_two_ends_read_as_between_this_and_that(between: str, and_: str, text: str) -> None:
    assert dates_text(one({"between": between, "and": and_}).when, EN) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(days=3, hours=4, minutes=30), "3 days, 4 hours"),
        (timedelta(days=1, minutes=5), "1 day, 5 minutes"),
        (timedelta(days=2), "2 days"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=23, minutes=59, seconds=59), "23 hours, 59 minutes"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=59), "less than a minute"),
        (timedelta(0), "less than a minute"),
    ],
)
def test_a_duration_is_its_two_largest_units(delta: timedelta, text: str) -> None:
    assert duration(delta, EN) == text


@pytest.mark.parametrize(
    ("when", "text"),
    [
        ({"at": "2025-12-05T10:30"}, "Friday, 5 December 2025, 10:30\u202fAM IST"),
        ({"date": "2025-12-05"}, "5 December 2025"),
        ({"from": "2025-12-05", "to": "2025-12-06"}, "5–6 December 2025"),
        ({"between": "2025-10-02", "and": "2025-10-31"}, "expected between 2 and 31 October 2025"),
        ({"month": "2025-11"}, "expected in November 2025"),
        ({"year": 2026}, "expected in 2026"),
    ],
)
def test_a_date_is_shown_at_exactly_the_precision_the_file_gives(when: dict[str, Any], text: str) -> None:
    assert dates_text(one(when).when, EN) == text


@pytest.mark.parametrize(
    ("when", "text"),
    [
        ({"between": "2025-09-02", "and": "2025-09-30"}, "between 2 and 30 September 2025"),
        ({"month": "2025-09"}, "in September 2025"),
        ({"year": 2021}, "in 2021"),
    ],
)
def test_a_vague_date_in_the_past_is_when_it_was_not_expected(when: dict[str, Any], text: str) -> None:
    assert dates_text(one(when).when, EN, past=True) == text


@pytest.mark.parametrize(
    ("code", "month", "window", "year"),
    [
        (
            "ru",
            "ожидается в ноябре 2025 года",
            "ожидается между 2 и 31 октября 2025\u202fг.",
            "ожидается в 2026 году",
        ),
        ("hi", "नवंबर 2025 में अपेक्षित", "2 और 31 अक्टूबर 2025 के बीच अपेक्षित", "2026 में अपेक्षित"),
    ],
)
def test_vague_dates_are_honest_in_every_language(code: str, month: str, window: str, year: str) -> None:
    lang = language(code)
    assert dates_text(one({"month": "2025-11"}).when, lang) == month
    assert dates_text(one({"between": "2025-10-02", "and": "2025-10-31"}).when, lang) == window
    assert dates_text(one({"year": 2026}).when, lang) == year


def test_a_window_whose_two_ends_are_the_same_day_is_refused_in_favour_of_date() -> None:
    with pytest.raises(EventsFileError, match="use date: 2025-12-05 for a single day"):
        one({"between": "2025-12-05", "and": "2025-12-05"})


def test_only_an_exact_time_is_repeated_in_the_readers_zone() -> None:
    assert dates_text(one({"date": "2025-12-05"}).when, EN, BERLIN) == "5 December 2025"
    assert dates_text(one({"at": "2025-12-05T10:30"}).when, EN, BERLIN) == (
        "Friday, 5 December 2025, 10:30\u202fAM IST (5 Dec 2025, 6:00\u202fAM CET your time)"
    )


# ---------------------------------------------------------------- the summitbot command


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's default events file is config/events.yaml, relative to where it runs."""
    monkeypatch.chdir(ROOT)


@pytest.mark.usefixtures("in_repo")
def test_summitbot_plan_as_of_the_report_day_prints_the_report_and_exits_0(
    capsys: pytest.CaptureFixture[str], seed: Catalog
) -> None:
    assert cli.main(["plan", "--as-of", "2025-10-01T09:00+05:30"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(f"As of Wednesday, 1 October 2025, 9:00{NB}AM IST\n")
    assert "  3. 23rd India–Russia annual summit [summit-2025]  <- next dated event\n" in out
    assert "     count:  in 65 days\n" in out
    assert "     status: Unconfirmed by either government\n" in out
    assert out == cli.plan_text(seed, SEED_DAY) + "\n"


@pytest.mark.usefixtures("in_repo")
def test_summitbot_plan_with_a_garbage_as_of_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["plan", "--as-of", "next tuesday"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "summitbot: --as-of: 'next tuesday' is not a date or date-time like 2025-10-01T09:00+05:30\n"
    )


@pytest.mark.usefixtures("in_repo")
def test_summitbot_plan_as_of_a_bare_date_reads_it_in_the_files_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["plan", "--as-of", "2025-10-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"As of Wednesday, 1 October 2025, 12:00{NB}AM IST\n")
    assert "     count:  in 65 days\n" in out


@pytest.mark.usefixtures("in_repo")
def test_summitbot_plan_as_of_a_time_without_offset_reads_it_in_the_files_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["plan", "--as-of", "2025-12-05T10:00"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"As of Friday, 5 December 2025, 10:00{NB}AM IST\n")
    assert "     count:  under way: day 1 of 2\n" in out


def test_summitbot_plan_with_a_missing_events_file_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    assert cli.main(["plan", "--events", str(missing), "--as-of", "2025-10-01"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{missing}: no such file\n"


def test_a_message_over_telegrams_limit_is_cut_between_lines_and_says_so() -> None:
    lines = [f"<b>line {i}</b> " + "x" * 100 for i in range(60)]
    cut = fit("\n".join(lines))
    assert len(cut) <= MESSAGE_LIMIT
    assert cut.endswith("\n…")
    assert all(line.endswith("x") for line in cut.splitlines()[:-1])  # whole lines, tags closed
    assert fit("short") == "short"
