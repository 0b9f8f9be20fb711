"""The alert plan: which reminders each event gets, when, for how long, and how each one reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import alerts
from bot.alerts import AlertKind, PlannedAlert
from bot.events import Catalog, format_lead, load_events, parse_events
from bot.wording.language import ENGLISH as EN
from bot.wording.notices import alert_html
from tests.conftest import BERLIN, IST, SEED, SEED_DAY, one


def rows(planned: list[PlannedAlert]) -> list[tuple[str, str, str | None, str]]:
    """Each alert as the operator reads it: event id, kind, lead, local moment."""
    return [
        (
            a.event.id,
            str(a.kind),
            format_lead(a.lead) if a.lead is not None else None,
            a.moment.astimezone(a.event.zone).strftime("%Y-%m-%d %H:%M %Z"),
        )
        for a in planned
    ]


@pytest.fixture(scope="module")
def seed() -> Catalog:
    return load_events(SEED)


@pytest.fixture(scope="module")
def seed_plan(seed: Catalog) -> list[PlannedAlert]:
    return alerts.plan(seed)


def the(planned: list[PlannedAlert], event_id: str, kind: AlertKind, lead: str | None = None) -> PlannedAlert:
    (alert,) = [
        a
        for a in planned
        if a.event.id == event_id
        and a.kind is kind
        and (format_lead(a.lead) if a.lead is not None else None) == lead
    ]
    return alert


# ---------------------------------------------------------------- the plan for the seed file


def test_the_seed_plan_is_the_commission_window_lavrovs_month_and_the_summits_three_notes(
    seed_plan: list[PlannedAlert],
) -> None:
    assert rows(seed_plan) == [
        ("military-commission-2025", "window", None, "2025-10-02 09:00 IST"),
        ("lavrov-visit-2025", "month", None, "2025-11-01 09:00 IST"),
        ("summit-2025", "lead", "7d", "2025-11-28 09:00 IST"),
        ("summit-2025", "lead", "1d", "2025-12-04 09:00 IST"),
        ("summit-2025", "today", None, "2025-12-05 08:00 IST"),
    ]


def test_the_rt_launch_gets_no_alert_because_its_reminders_are_empty(
    seed: Catalog, seed_plan: list[PlannedAlert]
) -> None:
    rt = seed.get("rt-india-launch")
    assert rt is not None
    assert rt.reminders == ()
    assert [a for a in seed_plan if a.event.id == "rt-india-launch"] == []


def test_held_events_in_the_seed_get_no_alert(seed_plan: list[PlannedAlert]) -> None:
    planned_ids = {a.event.id for a in seed_plan}
    assert planned_ids.isdisjoint({"sco-meeting-2025", "summit-2024", "putin-visit-2021"})


def test_each_seed_alert_expires_when_it_stops_being_useful(seed_plan: list[PlannedAlert]) -> None:
    expiry = {(a.event.id, str(a.kind), a.lead): a.expires for a in seed_plan}
    assert expiry == {
        ("military-commission-2025", "window", None): datetime(2025, 11, 1, tzinfo=IST),
        ("lavrov-visit-2025", "month", None): datetime(2025, 12, 1, tzinfo=IST),
        ("summit-2025", "lead", timedelta(days=7)): datetime(2025, 12, 5, tzinfo=IST),
        ("summit-2025", "lead", timedelta(days=1)): datetime(2025, 12, 5, tzinfo=IST),
        ("summit-2025", "today", None): datetime(2025, 12, 6, tzinfo=IST),
    }


def test_the_seed_keys_name_the_event_kind_lead_and_utc_moment(seed_plan: list[PlannedAlert]) -> None:
    assert [a.key for a in seed_plan] == [
        "military-commission-2025/window/-/20251002T0330Z",
        "lavrov-visit-2025/month/-/20251101T0330Z",
        "summit-2025/lead/7d/20251128T0330Z",
        "summit-2025/lead/1d/20251204T0330Z",
        "summit-2025/today/-/20251205T0230Z",
    ]


# ---------------------------------------------------------------- the rule for each precision


def test_an_exact_event_gets_every_lead_at_its_absolute_offset_until_the_event_begins() -> None:
    event = one({"at": "2025-12-05T10:30"})
    assert event.when.at is not None
    planned = alerts.plan([event])
    assert [(a.kind, a.lead) for a in planned] == [
        (AlertKind.LEAD, timedelta(days=7)),
        (AlertKind.LEAD, timedelta(days=1)),
        (AlertKind.LEAD, timedelta(hours=2)),
        (AlertKind.LEAD, timedelta(minutes=30)),
    ]
    for alert in planned:
        assert alert.lead is not None
        assert event.when.at.astimezone(UTC) - alert.moment.astimezone(UTC) == alert.lead
        assert alert.expires == event.when.at
    assert rows(planned)[-1] == ("e", "lead", "30m", "2025-12-05 10:00 IST")


def test_an_exact_event_uses_its_own_reminders_when_it_gives_them() -> None:
    planned = alerts.plan([one({"at": "2025-12-05T10:30"}, reminders=["3d", "90m"])])
    assert rows(planned) == [
        ("e", "lead", "3d", "2025-12-02 10:30 IST"),
        ("e", "lead", "90m", "2025-12-05 09:00 IST"),
    ]


def test_a_day_event_turns_its_sub_day_leads_into_one_today_note_at_8() -> None:
    planned = alerts.plan([one({"date": "2025-12-05"})])
    assert rows(planned) == [
        ("e", "lead", "7d", "2025-11-28 09:00 IST"),
        ("e", "lead", "1d", "2025-12-04 09:00 IST"),
        ("e", "today", None, "2025-12-05 08:00 IST"),
    ]


def test_a_day_event_with_only_hour_leads_gets_just_the_today_note() -> None:
    planned = alerts.plan([one({"date": "2025-12-05"}, reminders=["6h", "2h", "30m"])])
    assert rows(planned) == [("e", "today", None, "2025-12-05 08:00 IST")]


def test_a_day_event_with_only_day_leads_gets_no_today_note() -> None:
    planned = alerts.plan([one({"date": "2025-12-05"}, reminders=["2w", "3d"])])
    assert rows(planned) == [
        ("e", "lead", "14d", "2025-11-21 09:00 IST"),
        ("e", "lead", "3d", "2025-12-02 09:00 IST"),
    ]


def test_a_span_counts_its_leads_back_from_its_first_day() -> None:
    planned = alerts.plan([one({"from": "2025-12-05", "to": "2025-12-07"}, reminders=["1d", "1h"])])
    assert rows(planned) == [
        ("e", "lead", "1d", "2025-12-04 09:00 IST"),
        ("e", "today", None, "2025-12-05 08:00 IST"),
    ]


def test_a_month_event_gets_one_note_on_the_first_of_the_month_at_9() -> None:
    assert rows(alerts.plan([one({"month": "2026-02"})])) == [("e", "month", None, "2026-02-01 09:00 IST")]


def test_a_window_event_gets_one_note_on_its_first_day_at_9() -> None:
    planned = alerts.plan([one({"between": "2026-02-10", "and": "2026-02-20"})])
    assert rows(planned) == [("e", "window", None, "2026-02-10 09:00 IST")]


@pytest.mark.parametrize("lifecycle", ["postponed", "cancelled", "held"])
def test_an_event_that_is_not_planned_gets_no_alert(lifecycle: str) -> None:
    event = one({"at": "2025-12-05T10:30"}, status={"lifecycle": lifecycle, "source": "report"})
    assert alerts.plan([event]) == []


def test_a_year_only_event_gets_no_alert() -> None:
    assert alerts.plan([one({"year": 2026})]) == []


# ---------------------------------------------------------------- due, pending, next


def test_an_alert_is_due_from_its_moment_until_just_before_it_expires(seed_plan: list[PlannedAlert]) -> None:
    week = the(seed_plan, "summit-2025", AlertKind.LEAD, "7d")
    assert week not in alerts.due(seed_plan, week.moment - timedelta(seconds=1))
    assert week in alerts.due(seed_plan, week.moment)
    assert week in alerts.due(seed_plan, week.moment + timedelta(days=3))
    assert week in alerts.due(seed_plan, week.expires - timedelta(seconds=1))
    assert week not in alerts.due(seed_plan, week.expires)
    assert week not in alerts.due(seed_plan, week.expires + timedelta(days=1))


def test_on_the_summits_first_morning_only_the_today_note_is_due(seed_plan: list[PlannedAlert]) -> None:
    now = datetime(2025, 12, 5, 8, 30, tzinfo=IST)
    assert rows(alerts.due(seed_plan, now)) == [("summit-2025", "today", None, "2025-12-05 08:00 IST")]


def test_pending_alerts_are_those_still_ahead(seed_plan: list[PlannedAlert]) -> None:
    now = datetime(2025, 11, 28, 9, 0, tzinfo=IST)
    assert [a.key for a in alerts.pending(seed_plan, now)] == [
        "summit-2025/lead/1d/20251204T0330Z",
        "summit-2025/today/-/20251205T0230Z",
    ]


def test_next_moment_is_the_first_alert_strictly_after_now(seed_plan: list[PlannedAlert]) -> None:
    assert alerts.next_moment(seed_plan, SEED_DAY) == datetime(2025, 10, 2, 9, 0, tzinfo=IST)
    at_window_note = datetime(2025, 10, 2, 9, 0, tzinfo=IST)
    assert alerts.next_moment(seed_plan, at_window_note) == datetime(2025, 11, 1, 9, 0, tzinfo=IST)
    assert alerts.next_moment(seed_plan, datetime(2025, 12, 5, 8, 0, tzinfo=IST)) is None


# ---------------------------------------------------------------- keys


def test_keys_are_the_same_when_the_same_file_is_parsed_again() -> None:
    text = SEED.read_text(encoding="utf-8")
    first = [a.key for a in alerts.plan(parse_events(text))]
    again = [a.key for a in alerts.plan(parse_events(text))]
    assert first == again
    assert len(set(first)) == len(first)


def test_moving_the_summit_changes_its_keys_and_no_one_elses() -> None:
    text = SEED.read_text(encoding="utf-8")
    moved_text = text.replace("{from: 2025-12-05, to: 2025-12-06}", "{from: 2025-12-08, to: 2025-12-09}")
    assert moved_text != text
    before = {a.key for a in alerts.plan(parse_events(text))}
    after = {a.key for a in alerts.plan(parse_events(moved_text))}
    assert sorted(before - after) == [
        "summit-2025/lead/1d/20251204T0330Z",
        "summit-2025/lead/7d/20251128T0330Z",
        "summit-2025/today/-/20251205T0230Z",
    ]
    assert sorted(after - before) == [
        "summit-2025/lead/1d/20251207T0330Z",
        "summit-2025/lead/7d/20251201T0330Z",
        "summit-2025/today/-/20251208T0230Z",
    ]


def test_editing_an_events_note_keeps_its_keys() -> None:
    text = SEED.read_text(encoding="utf-8")
    edited = text.replace("is expected in India in November", "is still expected in India in November")
    assert edited != text
    assert [a.key for a in alerts.plan(parse_events(text))] == [
        a.key for a in alerts.plan(parse_events(edited))
    ]


# ---------------------------------------------------------------- how an alert reads


def test_the_summits_7d_alert_at_its_own_moment_says_in_7_days(seed_plan: list[PlannedAlert]) -> None:
    week = the(seed_plan, "summit-2025", AlertKind.LEAD, "7d")
    text = alert_html(week, week.moment, EN)
    assert text.splitlines()[0] == "⏰ <b>23rd India–Russia annual summit</b> in 7 days"
    assert "🗓 5–6 December 2025" in text
    assert "📍 New Delhi" in text
    assert "ℹ️ Unconfirmed by either government" in text
    assert "Late" not in text


def test_an_alert_sent_a_minute_after_its_moment_is_not_called_late(seed_plan: list[PlannedAlert]) -> None:
    week = the(seed_plan, "summit-2025", AlertKind.LEAD, "7d")
    assert "Late" not in alert_html(week, week.moment + timedelta(minutes=1), EN)


def test_an_alert_sent_3_hours_late_still_counts_from_its_moment_and_says_when_it_was_due(
    seed_plan: list[PlannedAlert],
) -> None:
    week = the(seed_plan, "summit-2025", AlertKind.LEAD, "7d")
    text = alert_html(week, week.moment + timedelta(hours=3), EN)
    assert text.splitlines()[0] == "⏰ <b>23rd India–Russia annual summit</b> in 7 days"
    assert text.splitlines()[1] == "<i>(Late: this reminder was due 28 Nov 2025, 9:00\u202fAM IST.)</i>"


def test_a_late_alert_gives_its_due_time_in_the_readers_zone(seed_plan: list[PlannedAlert]) -> None:
    week = the(seed_plan, "summit-2025", AlertKind.LEAD, "7d")
    text = alert_html(week, week.moment + timedelta(hours=3), EN, BERLIN)
    assert "<i>(Late: this reminder was due 28 Nov 2025, 4:30\u202fAM CET.)</i>" in text


def test_the_summits_1d_alert_says_tomorrow(seed_plan: list[PlannedAlert]) -> None:
    day = the(seed_plan, "summit-2025", AlertKind.LEAD, "1d")
    assert alert_html(day, day.moment, EN).startswith("⏰ <b>23rd India–Russia annual summit</b> tomorrow\n")


def test_the_today_month_and_window_notes_say_what_they_are(seed_plan: list[PlannedAlert]) -> None:
    today = the(seed_plan, "summit-2025", AlertKind.TODAY)
    month = the(seed_plan, "lavrov-visit-2025", AlertKind.MONTH)
    window = the(seed_plan, "military-commission-2025", AlertKind.WINDOW)
    assert alert_html(today, today.moment, EN).startswith(
        "📅 Today: <b>23rd India–Russia annual summit</b>\n"
    )
    assert alert_html(month, month.moment, EN).startswith(
        "📅 Expected this month: <b>Foreign Minister Sergey Lavrov&#x27;s visit to India</b>. "
        "No day has been announced yet.\n"
    )
    assert alert_html(window, window.moment, EN).startswith(
        "📅 Expected from today: <b>Inter-Governmental Commission on Military Technical Cooperation</b>. "
        "No day has been announced yet.\n🗓 expected between 2 and 31 October 2025\n"
    )


def test_an_exact_alert_shows_the_time_in_the_readers_zone_too() -> None:
    event = one({"at": "2025-12-05T10:30"}, reminders=["2h"])
    (alert,) = alerts.plan([event])
    text = alert_html(alert, alert.moment, EN, BERLIN)
    assert text.splitlines()[0] == "⏰ <b>Event e</b> in 2 hours"
    assert "🗓 Friday, 5 December 2025, 10:30\u202fAM IST (5 Dec 2025, 6:00\u202fAM CET your time)" in text


def test_html_special_characters_in_a_title_are_escaped_in_an_alert() -> None:
    event = one({"date": "2025-12-05"}, title="Trade & tariffs <round 2>", place="Hall <A>")
    (alert,) = [a for a in alerts.plan([event]) if a.kind is AlertKind.TODAY]
    text = alert_html(alert, alert.moment, EN)
    assert text.splitlines()[0] == "📅 Today: <b>Trade &amp; tariffs &lt;round 2&gt;</b>"
    assert "📍 Hall &lt;A&gt;" in text
    assert "<round 2>" not in text
    assert "<A>" not in text
