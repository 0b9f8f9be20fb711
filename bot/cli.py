"""The ``summitbot`` command: check the events file, show the plan, run the bot.

Every failure the operator can cause (a bad file, a bad ``--as-of``, a bad setting) ends as one line
on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import alerts, ics, timeline, wording
from bot.events import Catalog, EventsFileError, load_events

DEFAULT_EVENTS = Path("config/events.yaml")
EXIT_USAGE = 2


class UsageError(Exception):
    """A mistake in how the command was called or configured: one line, exit 2."""


def parse_as_of(value: str, zone: ZoneInfo) -> datetime:
    """An ISO date or date-time; without an offset it is read in the events file's zone."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--as-of: {value!r} is not a date or date-time like 2025-10-01T09:00+05:30"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _now(as_of: str | None, catalog: Catalog) -> datetime:
    return parse_as_of(as_of, catalog.zone) if as_of else datetime.now(UTC)


def cmd_check(args: argparse.Namespace) -> int:
    catalog = load_events(args.file)
    print(
        wording.check_ok(str(args.file), len(catalog.events), len(catalog.facts), len(alerts.plan(catalog)))
    )
    return 0


def plan_text(catalog: Catalog, now: datetime) -> str:
    """The operator's plan report for ``catalog`` as of ``now``: what ``summitbot plan`` prints."""
    return wording.plan_report(
        upcoming=timeline.upcoming(catalog, now),
        next_up=timeline.next_up(catalog, now),
        recent=timeline.recent(catalog, now),
        alerts=alerts.pending(alerts.plan(catalog), now),
        now=now,
        zone=catalog.zone,
    )


def cmd_plan(args: argparse.Namespace) -> int:
    catalog = load_events(args.events)
    print(plan_text(catalog, _now(args.as_of, catalog)))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.bootstrap import run  # the bot's dependencies load only when it runs

    return run(events=args.events, as_of=args.as_of)


def cmd_ics(args: argparse.Namespace) -> int:
    catalog = load_events(args.events)
    text = ics.calendar(catalog, _now(args.as_of, catalog))
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8", newline="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summitbot", description=__doc__.splitlines()[0] if __doc__ else None
    )
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate an events file")
    check.add_argument("file", nargs="?", type=Path, default=DEFAULT_EVENTS)
    check.set_defaults(handler=cmd_check)

    as_of_help = "pretend it is this moment (ISO date or date-time; no offset means the file's zone)"
    plan = sub.add_parser(
        "plan", help="show upcoming events, countdowns, status notes and the alert schedule"
    )
    plan.add_argument("--events", type=Path, default=DEFAULT_EVENTS)
    plan.add_argument("--as-of", metavar="WHEN", help=as_of_help)
    plan.set_defaults(handler=cmd_plan)

    feed = sub.add_parser("ics", help="write the events as an iCalendar feed (with alarms)")
    feed.add_argument("--events", type=Path, default=DEFAULT_EVENTS)
    feed.add_argument("--out", type=Path, default=None, help="file to write (default: standard output)")
    feed.add_argument("--as-of", metavar="WHEN", help=as_of_help)
    feed.set_defaults(handler=cmd_ics)

    run = sub.add_parser("run", help="run the bot (the terminal chat when no TELEGRAM_BOT_TOKEN is set)")
    run.add_argument("--events", type=Path, default=None, help="events file (default: SUMMITBOT_EVENTS)")
    run.add_argument("--as-of", metavar="WHEN", help=as_of_help + "; the clock runs on from there")
    run.set_defaults(handler=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except EventsFileError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"summitbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return code


def run_main() -> None:
    """Console-script entry point: the exit status is the command's."""
    sys.exit(main())
