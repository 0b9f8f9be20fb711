"""The pure rules under quiet hours and snooze buttons: which message waits, which goes silently, and
which "remind me again" options an alert offers."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import quiet, snooze
from bot.quiet import QuietHours, Timing
from bot.snooze import Option
from tests.conftest import BERLIN, IST, NEW_YORK, one

NIGHT = QuietHours(time(22), time(7))


def test_quiet_hours_are_read_from_what_people_write() -> None:
    assert quiet.parse("22:00-07:00") == NIGHT
    assert quiet.parse("22-7") == NIGHT
    assert quiet.parse(" 13:30 – 14:45 ") == QuietHours(time(13, 30), time(14, 45))
    assert [quiet.parse(bad) for bad in ("25:00-07:00", "22:00-22:00", "night", "", None)] == [None] * 5
    assert str(NIGHT) == "22:00-07:00"


def test_a_message_due_late_in_the_evening_waits_until_seven_the_next_morning() -> None:
    due = datetime(2025, 11, 27, 23, 0, tzinfo=IST)
    starts = datetime(2025, 12, 5, tzinfo=IST)
    assert quiet.timing(NIGHT, IST, due, starts, can_wait=True) == Timing(
        datetime(2025, 11, 28, 7, 0, tzinfo=IST), held=True
    )


def test_a_message_due_after_midnight_waits_until_seven_the_same_morning() -> None:
    due = datetime(2025, 11, 28, 3, 0, tzinfo=IST)
    end = quiet.timing(NIGHT, IST, due, None, can_wait=True).due
    assert end == datetime(2025, 11, 28, 7, 0, tzinfo=IST)


def test_outside_quiet_hours_or_without_them_a_message_goes_as_planned() -> None:
    noon = datetime(2025, 11, 28, 12, 0, tzinfo=IST)
    assert quiet.timing(NIGHT, IST, noon, None, can_wait=True) == Timing(noon)
    assert quiet.timing(None, IST, noon, None, can_wait=True) == Timing(noon)
    assert quiet.timing(NIGHT, None, noon, None, can_wait=True) == Timing(noon)


def test_a_message_that_cannot_wait_goes_on_time_without_a_sound() -> None:
    due = datetime(2025, 12, 4, 23, 30, tzinfo=IST)  # a 30-minute reminder of a midnight start
    starts = datetime(2025, 12, 5, 0, 0, tzinfo=IST)
    assert quiet.timing(NIGHT, IST, due, starts, can_wait=False) == Timing(due, silent=True)


def test_a_message_that_could_wait_goes_silently_when_its_event_begins_before_quiet_ends() -> None:
    due = datetime(2025, 12, 4, 23, 0, tzinfo=IST)
    starts = datetime(2025, 12, 5, 6, 0, tzinfo=IST)
    assert quiet.timing(NIGHT, IST, due, starts, can_wait=True) == Timing(due, silent=True)


@pytest.mark.parametrize(
    ("night", "end_utc", "hours"),
    [
        # spring forward: 22:00 CET to 07:00 CEST is eight hours, not nine
        (datetime(2025, 3, 29, 23, 0, tzinfo=BERLIN), datetime(2025, 3, 30, 5, 0, tzinfo=UTC), 8),
        # fall back: 22:00 CEST to 07:00 CET is ten hours
        (datetime(2025, 10, 25, 23, 0, tzinfo=BERLIN), datetime(2025, 10, 26, 6, 0, tzinfo=UTC), 10),
        (datetime(2025, 3, 8, 23, 0, tzinfo=NEW_YORK), datetime(2025, 3, 9, 11, 0, tzinfo=UTC), 8),
        (datetime(2025, 11, 1, 23, 0, tzinfo=NEW_YORK), datetime(2025, 11, 2, 12, 0, tzinfo=UTC), 10),
    ],
)
def test_quiet_hours_end_at_seven_on_the_wall_clock_on_the_nights_the_clocks_change(
    night: datetime, end_utc: datetime, hours: int
) -> None:
    zone = night.tzinfo
    assert isinstance(zone, ZoneInfo)
    timing = quiet.timing(NIGHT, zone, night, None, can_wait=True)
    assert timing.held
    assert timing.due.astimezone(UTC) == end_utc
    assert timing.due.astimezone(zone).time() == time(7)
    start = datetime.combine(night.date(), time(22), tzinfo=zone)
    assert timing.due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)


def test_daytime_quiet_hours_do_not_cross_midnight() -> None:
    lunch = QuietHours(time(13), time(14))
    assert quiet.quiet_end(lunch, BERLIN, datetime(2025, 6, 1, 13, 30, tzinfo=BERLIN)) == datetime(
        2025, 6, 1, 14, 0, tzinfo=BERLIN
    )
    assert quiet.quiet_end(lunch, BERLIN, datetime(2025, 6, 1, 23, 0, tzinfo=BERLIN)) is None


# ---------------------------------------------------------------- snooze options


def offered(event_when: dict[str, str], moment: datetime, now: datetime) -> dict[Option, datetime]:
    event = one(event_when)
    return {s.option: s.at for s in snooze.options(event, moment, now, IST)}


def test_an_exact_event_offers_every_option_still_ahead() -> None:
    week = datetime(2025, 11, 28, 10, 30, tzinfo=IST)
    assert offered({"at": "2025-12-05T10:30"}, week, week) == {
        Option.LATER: datetime(2025, 11, 28, 13, 30, tzinfo=IST),
        Option.TOMORROW: datetime(2025, 11, 29, 9, 0, tzinfo=IST),
        Option.DAY_BEFORE: datetime(2025, 12, 4, 10, 30, tzinfo=IST),
        Option.HOUR_BEFORE: datetime(2025, 12, 5, 9, 30, tzinfo=IST),
    }


def test_an_event_known_to_the_day_has_no_one_hour_before() -> None:
    week = datetime(2025, 11, 28, 9, 0, tzinfo=IST)
    assert offered({"date": "2025-12-05"}, week, week) == {
        Option.LATER: datetime(2025, 11, 28, 12, 0, tzinfo=IST),
        Option.TOMORROW: datetime(2025, 11, 29, 9, 0, tzinfo=IST),
        Option.DAY_BEFORE: datetime(2025, 12, 4, 9, 0, tzinfo=IST),
    }


def test_an_event_known_to_the_month_offers_only_later_and_tomorrow() -> None:
    first = datetime(2025, 11, 1, 9, 0, tzinfo=IST)
    assert set(offered({"month": "2025-11"}, first, first)) == {Option.LATER, Option.TOMORROW}


def test_options_that_would_come_after_the_event_begins_are_not_offered() -> None:
    hour_before = datetime(2025, 12, 5, 9, 30, tzinfo=IST)
    assert offered({"at": "2025-12-05T10:30"}, hour_before, hour_before) == {}
    day_before = datetime(2025, 12, 4, 9, 0, tzinfo=IST)
    assert set(offered({"date": "2025-12-05"}, day_before, day_before)) == {Option.LATER}


def test_a_year_only_event_offers_nothing() -> None:
    now = datetime(2025, 11, 1, 9, 0, tzinfo=IST)
    assert offered({"year": "2026"}, now, now) == {}


def test_a_long_event_id_gets_a_short_handle_that_fits_a_button() -> None:
    long_id = "a-very-long-event-id-" + "x" * 60
    data = snooze.callback(Option.TOMORROW, long_id)
    assert len(data.encode()) <= 64
    assert snooze.resolve(data.split(":", 2)[2], {long_id, "summit-2025"}) == long_id
    assert snooze.callback(Option.LATER, "summit-2025") == "z:3h:summit-2025"
