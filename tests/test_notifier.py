"""The rule for who is owed which alert, and when its rows fall due: pure, so tested without a bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import alerts
from bot.notifier import owed_deliveries, wanted
from bot.store import DeliveryState, Subscriber
from tests.conftest import IST, SEED_DAY, build

MOMENT = datetime(2025, 12, 5, 9, 0, tzinfo=IST)  # the 2h alert of an exact 11:00 event
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def plan() -> list[alerts.PlannedAlert]:
    catalog = build({"id": "talks", "when": {"at": "2025-12-05T11:00"}, "reminders": ["1d", "2h"]})
    return alerts.plan(catalog)


def subscriber(chat_id: int, since: datetime = LONG_AGO, zone: str | None = None) -> Subscriber:
    return Subscriber(chat_id, "private", since, zone)


def test_a_broadcasts_rows_fall_due_one_interval_apart_with_the_last_just_before_the_moment() -> None:
    (_day, two_hours) = plan()
    rows = owed_deliveries(
        [two_hours], [subscriber(1), subscriber(2), subscriber(3)], SEED_DAY, timedelta(seconds=1)
    )
    assert [(r.chat_id, r.due_at) for r in rows] == [
        (1, MOMENT - timedelta(seconds=2.5)),
        (2, MOMENT - timedelta(seconds=1.5)),
        (3, MOMENT - timedelta(seconds=0.5)),  # half a second for the request itself
    ]
    assert {r.key for r in rows} == {two_hours.key}


def test_a_chat_that_subscribed_after_the_moment_is_not_owed_that_alert() -> None:
    (_day, two_hours) = plan()
    late = subscriber(2, since=MOMENT + timedelta(minutes=1))
    rows = owed_deliveries([two_hours], [subscriber(1), late], MOMENT + timedelta(minutes=5))
    assert [r.chat_id for r in rows] == [1]


def test_of_several_missed_alerts_of_one_event_only_the_latest_is_sent_the_rest_skipped() -> None:
    day, two_hours = plan()
    rows = owed_deliveries([day, two_hours], [subscriber(1)], MOMENT + timedelta(minutes=30))
    assert [(r.key, r.state) for r in rows] == [
        (day.key, DeliveryState.SKIPPED),
        (two_hours.key, DeliveryState.PENDING),
    ]
    (sent,) = [r for r in rows if r.state is DeliveryState.PENDING]
    assert sent.text.splitlines()[0] == "⏰ <b>Event talks</b> in 1 hour, 30 minutes"  # worded as of now
    assert sent.text.splitlines()[1] == "<i>(Late: this reminder was due 2025-12-05 09:00 IST.)</i>"


def test_each_chat_reads_the_alert_in_its_own_zone() -> None:
    (_day, two_hours) = plan()
    rows = owed_deliveries([two_hours], [subscriber(1), subscriber(2, zone="Europe/Moscow")], MOMENT)
    by_chat = {r.chat_id: r.text for r in rows}
    assert "Friday 5 December 2025, 11:00 IST\n" in by_chat[1]
    assert "Friday 5 December 2025, 11:00 IST (2025-12-05 08:30 MSK your time)" in by_chat[2]


def test_a_chat_that_chose_lead_times_gets_those_and_the_notes_that_are_not_lead_times() -> None:
    catalog = build(
        {"id": "day", "when": {"date": "2025-12-05"}, "reminders": ["7d", "1d", "2h"]},
        {"id": "month", "when": {"month": "2025-11"}},
    )
    planned = alerts.plan(catalog)
    kinds = {(a.event.id, a.kind, a.lead) for a in planned if wanted(a, ("1d",))}
    assert kinds == {
        ("day", alerts.AlertKind.LEAD, timedelta(days=1)),
        ("month", alerts.AlertKind.MONTH, None),
    }
    assert {a.kind for a in planned if a.event.id == "day" and wanted(a, ("30m",))} == {
        alerts.AlertKind.TODAY
    }
    assert all(wanted(a, None) for a in planned)
