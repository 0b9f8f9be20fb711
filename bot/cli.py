"""The ``summitbot`` command: run the bot, check the events file, show the plan, write the calendar.

Every failure the operator can cause (a bad file, a bad ``--as-of``, a bad setting, a folder that does
not exist) ends as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import alerts, edits, ics, timeline
from bot.events import Catalog, EventsFileError, load_events
from bot.languages import SUPPORTED
from bot.settings import SettingsError, load_file_settings
from bot.wording import operator
from bot.wording.language import ENGLISH, Language, language

EXIT_USAGE = 2

DESCRIPTION = (
    "summitbot: a Telegram bot that counts down to dated diplomatic events, reminds its subscribers "
    "before each one, tells them when a date, place or confirmation changes, and answers questions."
)
EPILOG = (
    "Settings come from environment variables or a .env file: TELEGRAM_BOT_TOKEN (unset: the terminal "
    "chat), SUMMITBOT_EVENTS (the events file, default config/events.yaml), SUMMITBOT_DB, and more in "
    "README.md. Examples: summitbot run --as-of 2025-10-01T09:00+05:30; summitbot check; "
    "summitbot plan --as-of 2025-10-01; summitbot ics --out summits.ics; "
    "summitbot diff config/events.yaml edited.yaml"
)
LANG_HELP = f"the language to speak: {', '.join(SUPPORTED)} (default en)"
AS_OF_HELP = "pretend it is this moment: an ISO date or date-time; without an offset, the events file's zone"
EVENTS_HELP = "the events file (default: SUMMITBOT_EVENTS, else config/events.yaml)"


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


def events_path(given: Path | None) -> Path:
    """The file named on the command line, else the one the settings name (environment or ``.env``)."""
    if given is not None:
        return given
    try:
        return load_file_settings().events
    except SettingsError as exc:
        raise UsageError(str(exc)) from None


def _catalog(args: argparse.Namespace) -> Catalog:
    return load_events(events_path(args.events))


def _now(as_of: str | None, catalog: Catalog) -> datetime:
    return parse_as_of(as_of, catalog.zone) if as_of else datetime.now(UTC)


def cmd_check(args: argparse.Namespace) -> int:
    path = events_path(args.events)
    catalog = load_events(path)
    for warning in catalog.warnings:
        print(warning, file=sys.stderr)
    print(operator.check_ok(str(path), len(catalog.events), len(catalog.facts), len(alerts.plan(catalog))))
    return 0


def plan_text(catalog: Catalog, now: datetime, lang: Language = ENGLISH) -> str:
    """The operator's plan report for ``catalog`` as of ``now``: what ``summitbot plan`` prints."""
    return operator.plan_report(
        upcoming=timeline.upcoming(catalog, now),
        next_up=timeline.next_up(catalog, now),
        recent=timeline.recent(catalog, now),
        alerts=alerts.pending(alerts.plan(catalog), now),
        now=now,
        zone=catalog.zone,
        lang=lang,
    )


def cmd_plan(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    print(plan_text(catalog, _now(args.as_of, catalog), language(args.lang)))
    return 0


def diff_text(old: Catalog, new: Catalog, now: datetime, lang: Language, names: tuple[str, str]) -> str:
    """What ``summitbot diff`` prints: each note exactly as a subscriber reads it (Telegram shows the
    HTML as text), then what the bot does not announce and whether it would hold the edit."""
    from bot.localapi import plain_text  # Telegram's own reading of the HTML, as the fake server does it

    edit = edits.edit_of(old, new, now)
    blocks = [plain_text(edits.note_html(edit, note, lang)) for note in edit.notes]
    blocks += [operator.diff_removed(event_id, lang) for event_id in edit.removed]
    if edit.held:
        blocks.append(operator.diff_held(len(edit.notes), edit.limit, lang))
    return "\n\n".join(blocks) if edit.notes else "\n\n".join([operator.diff_nothing(*names, lang), *blocks])


def cmd_diff(args: argparse.Namespace) -> int:
    old, new = load_events(args.old), load_events(args.new)
    for warning in (*old.warnings, *new.warnings):
        print(warning, file=sys.stderr)
    print(diff_text(old, new, _now(args.as_of, new), language(args.lang), (str(args.old), str(args.new))))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.bootstrap import run  # the bot's dependencies load only when it runs

    return run(events=args.events, as_of=args.as_of, lang=args.lang)


def cmd_ics(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    feed = ics.calendar(catalog, _now(args.as_of, catalog), language(args.lang))
    if args.out is None:
        sys.stdout.buffer.write(feed)
        return 0
    try:
        args.out.write_bytes(feed)
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror}") from None
    print(operator.ics_written(str(args.out), ics.count(catalog)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="summitbot", description=DESCRIPTION, epilog=EPILOG)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, otherwise a chat in this terminal",
        description="Run the bot. With no TELEGRAM_BOT_TOKEN set, the terminal is the chat.",
    )
    run.add_argument("--events", type=Path, default=None, metavar="FILE", help=EVENTS_HELP)
    run.add_argument("--as-of", metavar="WHEN", help=AS_OF_HELP + "; the clock runs on from there")
    run.add_argument(
        "--lang", choices=SUPPORTED, default=None, help="the terminal chat's language (default: English)"
    )
    run.set_defaults(handler=cmd_run)

    check = sub.add_parser(
        "check",
        help="validate an events file",
        description="Validate an events file: OK with counts, or one line per problem and exit status 2.",
    )
    check.add_argument("events", nargs="?", type=Path, default=None, metavar="FILE", help=EVENTS_HELP)
    check.set_defaults(handler=cmd_check)

    plan = sub.add_parser(
        "plan",
        help="show upcoming events, countdowns, status notes and the alert schedule",
        description="Show what the bot would say and send, as of now or of --as-of.",
    )
    plan.add_argument("--events", type=Path, default=None, metavar="FILE", help=EVENTS_HELP)
    plan.add_argument("--as-of", metavar="WHEN", help=AS_OF_HELP)
    plan.add_argument("--lang", choices=SUPPORTED, default="en", help=LANG_HELP)
    plan.set_defaults(handler=cmd_plan)

    feed = sub.add_parser(
        "ics",
        help="write the events as an iCalendar feed (with alarms)",
        description="Write the events as an iCalendar (RFC 5545) feed that calendar apps can subscribe to.",
    )
    feed.add_argument("--events", type=Path, default=None, metavar="FILE", help=EVENTS_HELP)
    feed.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="where to write it (default: print it)"
    )
    feed.add_argument("--as-of", metavar="WHEN", help=AS_OF_HELP)
    feed.add_argument("--lang", choices=SUPPORTED, default="en", help=LANG_HELP)
    feed.set_defaults(handler=cmd_ics)

    diff = sub.add_parser(
        "diff",
        help="show the status notes subscribers would get from an edit of the events file",
        description=(
            "Show the status notes subscribers would get if the events file went from OLD to NEW, worded "
            "exactly as the bot words them. Both files are checked as `check` does."
        ),
    )
    diff.add_argument("old", type=Path, metavar="OLD", help="the events file as it is now")
    diff.add_argument("new", type=Path, metavar="NEW", help="the edited events file")
    diff.add_argument("--as-of", metavar="WHEN", help=AS_OF_HELP)
    diff.add_argument("--lang", choices=SUPPORTED, default="en", help=LANG_HELP)
    diff.set_defaults(handler=cmd_diff)
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
