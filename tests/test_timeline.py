"""Where each event stands at a moment, in the words a reader sees: countdowns, status notes, order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import alerts, timeline
from bot.alerts import AlertKind
from bot.events import Catalog, Event, EventsFileError, load_events, parse_lead
from bot.timeline import Phase, countdown
from bot.wording.cards import next_html
from bot.wording.dates import countdown_text, dates_text, short_moment
from bot.wording.language import ENGLISH as EN
from bot.wording.notices import alert_html
from bot.wording.status import status_note
from tests.conftest import BERLIN, IST, LONDON, NEW_YORK, SEED, SEED_DAY, one


def moment(text: str, zone: ZoneInfo = IST) -> datetime:
    """An ISO date-time; without an offset it is read in ``zone``."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def says(event: Event, now: datetime) -> str:
    return countdown_text(countdown(event, now), EN)


@pytest.fixture(scope="module")
def seed() -> Catalog:
    return load_events(SEED)


# ---------------------------------------------------------------- countdown wording


def test_an_exact_time_days_away_is_given_in_its_two_largest_units() -> None:
    event = one({"at": "2025-10-04T13:30"})
    assert says(event, moment("2025-10-01T09:00")) == "in 3 days, 4 hours"


def test_an_exact_time_under_an_hour_away_is_given_in_minutes() -> None:
    event = one({"at": "2025-10-01T09:45"})
    assert says(event, moment("2025-10-01T09:00")) == "in 45 minutes"


def test_an_exact_time_seconds_away_is_less_than_a_minute() -> None:
    event = one({"at": "2025-10-01T09:00"})
    assert says(event, moment("2025-10-01T08:59:30")) == "in less than a minute"


def test_an_exact_time_counts_the_same_whatever_zone_the_reader_gives_now_in() -> None:
    event = one({"at": "2025-10-04T13:30"})
    now = moment("2025-10-01T09:00").astimezone(UTC)
    assert says(event, now) == "in 3 days, 4 hours"


@pytest.mark.parametrize("clock", ["00:01", "09:00", "23:59"])
def test_a_day_event_on_the_next_calendar_day_is_tomorrow_at_any_hour(clock: str) -> None:
    event = one({"date": "2025-10-02"})
    assert says(event, moment(f"2025-10-01T{clock}")) == "tomorrow"


def test_a_day_event_twelve_calendar_days_ahead_is_in_12_days() -> None:
    event = one({"date": "2025-10-13"})
    assert says(event, moment("2025-10-01T09:00")) == "in 12 days"


def test_a_day_event_on_its_own_day_is_today() -> None:
    event = one({"date": "2025-10-13"})
    assert says(event, moment("2025-10-13T15:00")) == "today"


def test_a_two_day_span_on_its_second_day_is_under_way_day_2_of_2() -> None:
    event = one({"from": "2025-12-05", "to": "2025-12-06"})
    assert says(event, moment("2025-12-06T15:00")) == "under way: day 2 of 2"


def test_a_month_event_seen_from_the_month_before_is_counted_in_weeks() -> None:
    event = one({"month": "2025-11"})
    assert says(event, moment("2025-10-01T09:00")) == "in 4 to 8 weeks"


def test_a_month_event_inside_its_month_is_expected_this_month_by_its_last_day() -> None:
    event = one({"month": "2025-11"})
    assert says(event, moment("2025-11-15T12:00")) == "any day this month"


def test_a_month_event_a_few_days_before_its_month_is_never_said_to_be_in_0_weeks() -> None:
    # Six days before 1 November: days // 7 rounds the near end down to nothing.
    event = one({"month": "2025-11"})
    text = says(event, moment("2025-10-26T12:00"))
    assert text.startswith("in ")
    assert "in 0 " not in text, text


def test_a_window_from_tomorrow_to_the_end_of_this_month_is_later_this_month() -> None:
    event = one({"between": "2025-10-02", "and": "2025-10-31"})
    assert says(event, moment("2025-10-01T09:00")) == "later this month"


def test_a_window_already_open_that_runs_into_next_month_is_any_day_now() -> None:
    event = one({"between": "2025-10-25", "and": "2025-11-05"})
    assert says(event, moment("2025-10-28T09:00")) == "any day now"


def test_a_window_whose_two_ends_are_the_same_day_is_not_counted_as_a_range() -> None:
    # "between: 2025-12-05, and: 2025-12-05" passes validation (only and < between is refused).
    try:
        event = one({"between": "2025-12-05", "and": "2025-12-05"})
    except EventsFileError:
        return  # refusing it in favour of "date:" is an equally good fix
    text = says(event, moment("2025-12-01T09:00"))
    assert text != "in 4 to 4 days", text


def test_a_day_event_three_days_past_ended_3_days_ago() -> None:
    event = one({"date": "2025-09-28"})
    assert says(event, moment("2025-10-01T09:00")) == "ended 3 days ago"


def test_an_exact_event_from_yesterday_ended_yesterday() -> None:
    event = one({"at": "2025-09-30T18:00"})
    assert says(event, moment("2025-10-01T09:00")) == "ended yesterday"


IMPRECISE = {
    "day": {"date": "2025-10-13"},
    "span": {"from": "2025-10-13", "to": "2025-10-15"},
    "window": {"between": "2025-10-13", "and": "2025-10-31"},
    "month": {"month": "2025-10"},
}
NOWS = [
    "2025-09-01T00:00",
    "2025-09-30T23:30",
    "2025-10-01T09:00",
    "2025-10-12T08:00",
    "2025-10-12T23:59",
    "2025-10-13T00:00",
    "2025-10-13T10:15",
    "2025-10-14T18:45",
    "2025-10-30T23:59",
]


@pytest.mark.parametrize("kind", list(IMPRECISE))
@pytest.mark.parametrize("now", NOWS)
def test_an_event_without_a_time_of_day_is_never_counted_in_hours_or_minutes(kind: str, now: str) -> None:
    text = says(one(IMPRECISE[kind]), moment(now))
    assert "hour" not in text
    assert "minute" not in text


# ---------------------------------------------------------------- status notes


def status(governments: list[str], confirmed_by: list[str], lifecycle: str = "planned") -> str:
    event = one(
        {"date": "2025-12-05"},
        governments=governments,
        status={"lifecycle": lifecycle, "confirmed_by": confirmed_by, "source": "report"},
    )
    return status_note(event, EN)


def test_two_governments_neither_confirming_is_unconfirmed_by_either_government() -> None:
    assert status(["india", "russia"], []) == "Unconfirmed by either government"


def test_one_of_two_governments_confirming_names_who_has_and_who_has_not() -> None:
    assert status(["india", "russia"], ["india"]) == "Confirmed by India; not yet by Russia"


def test_both_governments_confirming_is_confirmed_by_both_governments() -> None:
    assert status(["india", "russia"], ["russia", "india"]) == "Confirmed by both governments"


def test_a_single_government_not_confirming_is_not_yet_confirmed_by_it() -> None:
    assert status(["russia"], []) == "Not yet confirmed by Russia"


def test_a_single_government_confirming_is_confirmed_by_it() -> None:
    assert status(["russia"], ["russia"]) == "Confirmed by Russia"


def test_an_event_naming_no_government_is_not_officially_confirmed() -> None:
    assert status([], []) == "Not officially confirmed"


@pytest.mark.parametrize(
    ("lifecycle", "note"), [("postponed", "Postponed"), ("cancelled", "Cancelled"), ("held", "Held")]
)
def test_a_lifecycle_other_than_planned_is_the_whole_status_note(lifecycle: str, note: str) -> None:
    assert status(["india", "russia"], ["india"], lifecycle) == note


def test_three_governments_with_one_confirmed_lists_the_other_two() -> None:
    assert status(["india", "russia", "china"], ["india"]) == (
        "Confirmed by India; not yet by Russia and China"
    )


def test_three_governments_with_two_confirmed_lists_both_confirmers() -> None:
    assert status(["india", "russia", "china"], ["india", "china"]) == (
        "Confirmed by India and China; not yet by Russia"
    )


def test_three_governments_none_confirming_is_unconfirmed_by_any_government() -> None:
    assert status(["india", "russia", "china"], []) == "Unconfirmed by any government"


def test_three_governments_all_confirming_is_confirmed_by_all_governments() -> None:
    assert status(["india", "russia", "china"], ["china", "india", "russia"]) == (
        "Confirmed by all governments"
    )


# ---------------------------------------------------------------- the seed file, day by day


def test_on_the_report_day_the_upcoming_events_are_commission_lavrov_summit_then_rt_launch(
    seed: Catalog,
) -> None:
    assert [e.id for e in timeline.upcoming(seed, SEED_DAY)] == [
        "military-commission-2025",
        "lavrov-visit-2025",
        "summit-2025",
        "rt-india-launch",
    ]


def test_on_the_report_day_the_summit_is_next_with_the_undated_commission_and_lavrov_maybe_before(
    seed: Catalog,
) -> None:
    up = timeline.next_up(seed, SEED_DAY)
    assert up is not None
    assert up.event.id == "summit-2025"
    assert [e.id for e in up.maybe_before] == ["military-commission-2025", "lavrov-visit-2025"]


def test_on_the_report_day_the_next_message_shows_the_summit_and_what_may_come_first(seed: Catalog) -> None:
    text = next_html(timeline.next_up(seed, SEED_DAY), SEED_DAY, EN)
    assert text.startswith("<b>Next:</b> <b>23rd India–Russia annual summit</b>\n🗓 5–6 December 2025\n")
    assert "⏳ in 65 days" in text
    assert "ℹ️ Unconfirmed by either government" in text
    assert "Possibly before that (date not fixed yet):" in text
    assert (
        "• <b>Inter-Governmental Commission on Military Technical Cooperation</b>: "
        "expected between 2 and 31 October 2025 (later this month)"
    ) in text
    assert (
        "• <b>Foreign Minister Sergey Lavrov&#x27;s visit to India</b>: expected in November 2025 "
        "(in 4 to 8 weeks)"
    ) in text


def test_on_the_report_day_recent_lists_the_held_meetings_latest_first(seed: Catalog) -> None:
    assert [e.id for e in timeline.recent(seed, SEED_DAY)] == [
        "sco-meeting-2025",
        "summit-2024",
        "putin-visit-2021",
    ]


def test_on_the_summits_first_morning_it_is_under_way_and_still_next(seed: Catalog) -> None:
    now = datetime(2025, 12, 5, 10, 0, tzinfo=IST)
    summit = seed.get("summit-2025")
    assert summit is not None
    assert countdown(summit, now).phase is Phase.UNDER_WAY
    assert says(summit, now) == "under way: day 1 of 2"
    up = timeline.next_up(seed, now)
    assert up is not None
    assert up.event.id == "summit-2025"
    assert up.maybe_before == ()
    assert [e.id for e in timeline.upcoming(seed, now)] == ["summit-2025", "rt-india-launch"]


def test_on_new_years_day_2026_nothing_is_upcoming_and_next_says_so(seed: Catalog) -> None:
    now = datetime(2026, 1, 1, 9, 0, tzinfo=IST)
    assert timeline.upcoming(seed, now) == []
    assert timeline.next_up(seed, now) is None
    assert next_html(None, now, EN) == (
        "No upcoming events in the calendar right now. I will tell subscribers when one is added."
    )
    summit = seed.get("summit-2025")
    assert summit is not None
    assert says(summit, now) == "ended 26 days ago"
    assert [e.id for e in timeline.recent(seed, now)][:3] == [
        "summit-2025",
        "rt-india-launch",
        "lavrov-visit-2025",
    ]


# ---------------------------------------------------------------- daylight-saving switches

# Clocks in the UK go forward on 29 March 2026 at 01:00 UTC (01:00 GMT → 02:00 BST).
LONDON_EVENT = {"at": "2026-03-29T10:00"}


def london_event() -> Event:
    return one(LONDON_EVENT, timezone="Europe/London")


def test_a_london_time_after_the_spring_switch_is_read_as_bst() -> None:
    event = london_event()
    assert event.when.at is not None
    assert event.when.at.astimezone(UTC) == datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    assert event.when.at.tzname() == "BST"


@pytest.mark.parametrize(
    ("lead", "utc"),
    [
        ("7d", datetime(2026, 3, 22, 9, 0, tzinfo=UTC)),
        ("1d", datetime(2026, 3, 28, 9, 0, tzinfo=UTC)),
        ("2h", datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        ("30m", datetime(2026, 3, 29, 8, 30, tzinfo=UTC)),
    ],
)
def test_an_exact_events_reminders_are_absolute_time_before_it_across_the_spring_switch(
    lead: str, utc: datetime
) -> None:
    # alerts.py: "an exact time gets every lead time, measured in absolute time before it".
    # The event is 09:00 UTC, so "1d" is 09:00 UTC (09:00 GMT) on 28 March, not 10:00 GMT, which is
    # only 23 hours before.
    event = london_event()
    assert event.when.at is not None
    (alert,) = [a for a in alerts.alerts_for(event) if a.lead == parse_lead(lead)]
    assert alert.moment.astimezone(UTC) == utc
    assert event.when.at.astimezone(UTC) - alert.moment.astimezone(UTC) == parse_lead(lead)


def test_an_exact_events_1d_reminder_across_the_spring_switch_says_in_1_day() -> None:
    event = london_event()
    (alert,) = [a for a in alerts.alerts_for(event) if a.lead == timedelta(days=1)]
    assert alert_html(alert, alert.moment, EN).splitlines()[0] == "⏰ <b>Event e</b> in 1 day"


def test_the_countdown_across_the_spring_switch_is_right_when_now_is_given_in_utc() -> None:
    event = london_event()
    # 10:00 GMT on 28 March is 23 hours of real time before 10:00 BST on 29 March.
    assert says(event, datetime(2026, 3, 28, 10, 0, tzinfo=UTC)) == "in 23 hours"
    assert says(event, datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) == "in 8 hours, 30 minutes"


def test_the_countdown_across_the_spring_switch_is_right_when_now_is_given_in_the_events_own_zone() -> None:
    # The bot's clock is datetime.now(catalog.zone); with the file in Europe/London that is this zone.
    event = london_event()
    assert says(event, datetime(2026, 3, 28, 10, 0, tzinfo=LONDON)) == "in 23 hours"
    assert says(event, datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)) == "in 8 hours, 30 minutes"


def test_the_london_event_shows_bst_and_a_new_york_reader_also_sees_it_in_their_own_time() -> None:
    event = london_event()
    assert dates_text(event.when, EN) == "Sunday, 29 March 2026, 10:00\u202fAM BST"
    assert dates_text(event.when, EN, NEW_YORK) == (
        "Sunday, 29 March 2026, 10:00\u202fAM BST (29 Mar 2026, 5:00\u202fAM EDT your time)"
    )


def test_a_reader_in_the_events_own_zone_is_not_shown_the_time_twice() -> None:
    assert dates_text(london_event().when, EN, LONDON) == "Sunday, 29 March 2026, 10:00\u202fAM BST"


# Clocks in Germany go back on 25 October 2026 at 01:00 UTC (03:00 CEST → 02:00 CET).


def berlin_alerts() -> dict[tuple[AlertKind, timedelta | None], alerts.PlannedAlert]:
    event = one({"date": "2026-10-25"}, timezone="Europe/Berlin")
    return {(a.kind, a.lead): a for a in alerts.alerts_for(event)}


def test_a_berlin_day_event_on_the_autumn_switch_gets_its_today_note_at_8_cet() -> None:
    today = berlin_alerts()[(AlertKind.TODAY, None)]
    assert today.moment.astimezone(UTC) == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    assert short_moment(today.moment, BERLIN, EN) == "25 Oct 2026, 8:00\u202fAM CET"


def test_a_berlin_day_event_on_the_autumn_switch_gets_its_7d_note_at_9_cest_a_week_before() -> None:
    week = berlin_alerts()[(AlertKind.LEAD, timedelta(days=7))]
    assert week.moment.astimezone(UTC) == datetime(2026, 10, 18, 7, 0, tzinfo=UTC)
    assert short_moment(week.moment, BERLIN, EN) == "18 Oct 2026, 9:00\u202fAM CEST"
