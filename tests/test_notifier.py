"""Who is owed which alert and when its rows fall due (pure), and one bad event among good ones (bot)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import alerts
from bot.bootstrap import boot_of
from bot.clock import ManualClock
from bot.notifier import Failures, FanOut, Renderer, alert_event, owed_deliveries, wanted
from bot.storage import DeliveryState, Subscriber
from bot.wording.language import Language
from bot.wording.notices import alert_html
from tests.conftest import IST, SEED_DAY, Harness, build

ALICE = 401

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


def test_a_broadcast_written_page_by_page_falls_due_as_if_written_at_once() -> None:
    """The fan-out reads subscribers a page at a time, twice (count, then write): same rows, same times."""
    (_day, two_hours) = plan()
    chats = [subscriber(n, zone="Europe/Moscow" if n % 2 else None) for n in range(1, 8)]
    fan_out = FanOut([two_hours], SEED_DAY, timedelta(seconds=1), alert_html)
    pages = [chats[0:3], chats[3:6], chats[6:]]
    for page in pages:
        fan_out.prepare(page)
    paged = [row for page in pages for row in fan_out.rows(page)]
    assert paged == owed_deliveries([two_hours], chats, SEED_DAY, timedelta(seconds=1))
    assert paged[-1].due_at == MOMENT - timedelta(seconds=0.5)


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
    assert sent.text.splitlines()[1] == "<i>(Late: this reminder was due 5 Dec 2025, 9:00\u202fAM IST.)</i>"


def test_each_chat_reads_the_alert_in_its_own_zone() -> None:
    (_day, two_hours) = plan()
    rows = owed_deliveries([two_hours], [subscriber(1), subscriber(2, zone="Europe/Moscow")], MOMENT)
    by_chat = {r.chat_id: r.text for r in rows}
    assert "Friday, 5 December 2025, 11:00\u202fAM IST\n" in by_chat[1]
    assert "Friday, 5 December 2025, 11:00\u202fAM IST (5 Dec 2025, 8:30\u202fAM MSK your time)" in by_chat[2]


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


def test_a_chat_whose_stored_zone_this_machine_does_not_know_reads_the_alert_in_the_events_zone() -> None:
    (_day, two_hours) = plan()
    rows = owed_deliveries([two_hours], [subscriber(1), subscriber(2, zone="Mars/Olympus_Mons")], MOMENT)
    assert len(rows) == 2
    assert "Friday, 5 December 2025, 11:00\u202fAM IST\n" in rows[1].text


def test_alert_keys_are_told_apart_from_note_keys_whatever_the_event_is_called() -> None:
    assert alert_event("summit-2025/lead/7d/20251128T0330Z") == "summit-2025"
    assert alert_event("change/lead/7d/20251128T0330Z") == "change"  # an event called "change"
    assert alert_event("change/summit-2025/3") is None
    assert alert_event("change/summit-2025/9f2c4e1a77b3d0c5") is None


def test_a_failure_is_logged_with_its_traceback_once_then_as_a_line_every_ten_minutes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.notifier")
    clock = ManualClock(SEED_DAY)
    failures = Failures(clock)
    for _ in range(20):  # a tick every 30 seconds for ten minutes
        failures.failed("the alerts of talks", ValueError("cannot word it"))
        clock.advance(timedelta(seconds=30))
    failures.failed("the alerts of talks", ValueError("cannot word it"))
    failures.failed("the alerts of talks", KeyError("something else"))  # a new failure: in full again
    failures.succeeded("the alerts of talks")
    lines = [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records]
    assert lines == [
        ("ERROR", "the alerts of talks failed and is skipped; everything else goes on", True),
        ("ERROR", "the alerts of talks still fails (ValueError: cannot word it) and is skipped", False),
        ("ERROR", "the alerts of talks failed and is skipped; everything else goes on", True),
        ("INFO", "the alerts of talks works again", False),
    ]


# ---------------------------------------------------------------- through the running bot

BROKEN_AND_FINE = """\
timezone: UTC
sources:
  desk: {title: Test desk, by: The operator, date: 2025-09-01}
events:
  - id: broken
    title: The broken one
    when: {at: "2025-10-05T12:00Z"}
    status: {source: desk}
    source: desk
    reminders: [1h]
  - id: fine
    title: The fine one
    when: {at: "2025-10-05T12:00Z"}
    status: {source: desk}
    source: desk
    reminders: [1h]
"""


async def test_one_event_that_cannot_be_rendered_does_not_stop_the_others_alerts(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    def alert(planned: alerts.PlannedAlert, now: datetime, lang: Language, zone: ZoneInfo | None) -> str:
        if planned.event.id == "broken":
            raise ValueError("cannot word this one")
        return alert_html(planned, now, lang, zone)

    caplog.set_level(logging.INFO, logger="bot.notifier")
    bot.settings.events.write_text(BROKEN_AND_FINE)
    moment = datetime(2025, 10, 5, 11, 0, tzinfo=UTC)
    async with bot.running():
        await bot.ask(ALICE, "/subscribe")
        notifier = boot_of(bot.app).notifier
        assert notifier is not None
        notifier.render = Renderer(alert=alert)
        for minutes in (0, 1, 2, 3, 11):  # every tick tries the broken one again
            await bot.jump(moment + timedelta(minutes=minutes))
        alerted = [t.splitlines()[0] for t in bot.texts(ALICE) if t.startswith("⏰")]
        notifier.render = Renderer()  # fixed: what is still owed goes out
        await bot.jump(moment + timedelta(minutes=12))
    assert alerted == ["⏰ The fine one in 1 hour"]
    assert [t.splitlines()[:2] for t in bot.texts(ALICE) if t.startswith("⏰")][1] == [
        "⏰ The broken one in 48 minutes",
        "(Late: this reminder was due 5 Oct 2025, 11:00\u202fAM UTC.)",
    ]
    about_it = [r for r in caplog.records if "the alerts of broken" in r.getMessage()]
    assert [(r.levelname, r.exc_info is not None) for r in about_it] == [
        ("ERROR", True),  # the traceback, once
        ("ERROR", False),  # a reminder ten minutes later
        ("INFO", False),  # it works again
    ]
