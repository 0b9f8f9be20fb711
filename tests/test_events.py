"""The events file as the operator meets it: every mistake is one located line, the seed file loads.

Each malformed-file case checks what the operator sees from ``summitbot check FILE``: the exit status,
stdout, stderr and no traceback. Running every case as a process took about 20 s, so most run in-process
through ``bot.cli.main`` (an escaped exception fails the test just as a traceback would), and the cases
marked ``process=True`` (syntax error, empty file, missing file, non-UTF-8 file, a bad ``at``, an unknown
YAML tag) run the real command, ``python -m bot check FILE``, in a subprocess.
"""

from __future__ import annotations

import functools
import html
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot import alerts, cli, ics, timeline
from bot.events import (
    Catalog,
    Event,
    EventsFileError,
    Precision,
    fields,
    format_lead,
    load_events,
    loading,
    parse_events,
    parse_lead,
)
from bot.languages import SUPPORTED
from bot.wording.cards import event_card_html, event_detail_html, events_html, next_html, status_html
from bot.wording.dates import dates_text
from bot.wording.fit import MESSAGE_LIMIT
from bot.wording.language import ENGLISH as EN
from bot.wording.language import language
from bot.wording.notices import alert_html
from bot.wording.status import status_note

ROOT = Path(__file__).resolve().parents[1]
REAL_FILE = ROOT / "config" / "events.yaml"

# A minimal valid file; each malformed case below is this file with one line changed or added.
VALID = """\
version: 1
timezone: Asia/Kolkata
governments:
  india: {name: India}
  russia: {name: Russia}
sources:
  report: {title: News report, by: Sources, date: 2025-10-01}
events:
  - id: summit
    title: Annual summit
    when: {from: 2025-12-05, to: 2025-12-06}
    governments: [india, russia]
    status: {source: report}
    source: report
"""

# Appended to VALID: events dated by ``during``, for the cases about it.
DURING = """\
  - id: rt-launch
    title: RT launch
    when: {during: summit}
    status: {source: report}
    source: report
"""

# Marks the line the operator must be sent to; it is a YAML comment, so it changes nothing.
MARK = "# <- here"


def edited(old: str, new: str, text: str = VALID) -> str:
    """``text`` with the one line ``old`` replaced by ``new`` (which carries MARK)."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def added(lines: str, text: str = VALID) -> str:
    return text + lines


@dataclass(frozen=True)
class Bad:
    """A file with one mistake, and what the printed line must say about it."""

    content: str | bytes | None  # None: the file does not exist
    field: str  # the field path after the location; "" when the fault is in the file as a whole
    fragment: str  # a telling part of the message
    process: bool  # run as a subprocess rather than through bot.cli.main

    @property
    def line(self) -> int | None:
        """The 1-based number of the line carrying MARK, or None when no line can be named."""
        if self.content is None:
            return None
        text = self.content if isinstance(self.content, str) else self.content.decode("latin-1")
        marked = [n for n, line in enumerate(text.split("\n"), start=1) if MARK in line]
        assert len(marked) <= 1
        return marked[0] if marked else None


def case(
    case_id: str, content: str | bytes | None, field: str, fragment: str, *, process: bool = False
) -> object:
    return pytest.param(Bad(content, field, fragment, process), id=case_id)


BAD_FILES = [
    # --- the file as a whole
    case("not-yaml", f"version: 1\nevents: [\n  - id: summit  {MARK}\n", "", "not valid YAML", process=True),
    case("tab-indentation", f"events:\n\t- id: summit  {MARK}\n", "", "not valid YAML"),
    case("empty-file", "", "", "the file is empty", process=True),
    case("only-a-comment", "# events to come\n", "", "the file is empty"),
    case("top-level-list", f"- id: summit  {MARK}\n- id: visit\n", "", "top level must be a mapping"),
    case("missing-events-key", f"version: 1  {MARK}\ntimezone: UTC\n", "events", "required key is missing"),
    case(
        "events-not-a-list",
        f"version: 1\nevents: summit  {MARK}\n",
        "events",
        "should be a list (found text)",
    ),
    case(
        "events-with-nothing-under-it",
        f"version: 1\nevents:  {MARK}\n",
        "events",
        "should be a list (found nothing)",
    ),
    case("unknown-top-level-key", added(f"remiders: [1d]  {MARK}\n"), "remiders", "unknown key"),
    case("bad-version", edited("version: 1", f"version: 2  {MARK}"), "version", "less than or equal to 1"),
    case(
        "unknown-file-time-zone",
        edited("timezone: Asia/Kolkata", f"timezone: Asia/Delhi  {MARK}"),
        "timezone",
        "unknown time zone 'Asia/Delhi'",
    ),
    case(
        "duplicate-yaml-key",
        edited("    title: Annual summit\n", f"    title: Annual summit\n    title: Summit  {MARK}\n"),
        "events[0].title",
        "duplicate key",
    ),
    case(
        "duplicate-government-key",
        edited("  russia: {name: Russia}", f"  india: {{name: Russia}}  {MARK}"),
        "governments.india",
        "duplicate key",
    ),
    case(
        "non-utf8-file",
        VALID.replace("Annual summit", f"Sommet annuel à Delhi  {MARK}").encode("latin-1"),
        "",
        "not UTF-8 text (invalid continuation byte); save it as UTF-8",
        process=True,
    ),
    case("utf16-file", VALID.encode("utf-16"), "", "not UTF-8 text: saved as UTF-16; save it as UTF-8"),
    case("missing-file", None, "", "no such file", process=True),
    # --- an event's keys and their types
    case(
        "unknown-event-key",
        edited("    source: report\n", f"    source: report\n    plase: New Delhi  {MARK}\n"),
        "events[0].plase",
        "unknown key",
    ),
    case(
        "missing-title",
        edited("  - id: summit\n    title: Annual summit\n", f"  - id: summit  {MARK}\n"),
        "events[0].title",
        "required key is missing",
    ),
    case(
        "title-without-english",
        edited("    title: Annual summit", f"    title: {{ru: Ежегодный саммит}}  {MARK}"),
        "events[0].title",
        "needs the English text under en:",
    ),
    case(
        "title-in-a-language-the-bot-does-not-speak",
        edited("    title: Annual summit", f"    title: {{en: Annual summit, de: Jahresgipfel}}  {MARK}"),
        "events[0].title.de",
        "unknown language (give en, ru, hi)",
    ),
    case(
        "title-is-a-list",
        edited("    title: Annual summit", f"    title: [Annual summit]  {MARK}"),
        "events[0].title",
        "should be a mapping (found a list)",
    ),
    case(
        "governments-is-a-string",
        edited("    governments: [india, russia]", f"    governments: india  {MARK}"),
        "events[0].governments",
        "should be a list (found text)",
    ),
    case("bad-event-id", edited("  - id: summit", f"  - id: Summit 2025  {MARK}"), "events[0].id", "pattern"),
    case(
        "duplicate-event-id",
        added(f"  - id: summit  {MARK}\n    title: Again\n    when: {{year: 2026}}\n")
        + "    status: {source: report}\n    source: report\n",
        "events[1].id",
        "duplicate event id 'summit'",
    ),
    case(
        "unknown-event-time-zone",
        edited(
            "    title: Annual summit\n", f"    title: Annual summit\n    timezone: Mars/Olympus  {MARK}\n"
        ),
        "events[0].timezone",
        "unknown time zone 'Mars/Olympus'",
    ),
    # --- when
    case(
        "bad-date",
        edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {{date: 2025-13-01}}  {MARK}"),
        "events[0].when.date",
        "'2025-13-01' is not a date",
    ),
    case(
        "bad-month",
        edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {{month: 2025-13}}  {MARK}"),
        "events[0].when.month",
        "'2025-13' is not a month",
    ),
    case(
        "bad-datetime-in-at",
        edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {{at: 2025-12-05T25:00}}  {MARK}"),
        "events[0].when.at",
        "'2025-12-05T25:00' is not a date-time",
        process=True,
    ),
    case(
        "two-date-forms",
        edited(
            "    when: {from: 2025-12-05, to: 2025-12-06}",
            f"    when: {{date: 2025-12-05, month: 2025-12}}  {MARK}",
        ),
        "events[0].when",
        "give exactly one of at, date, from/to, between/and, month, year or during (got date, month)",
    ),
    case(
        "no-date-form",
        edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {{}}  {MARK}"),
        "events[0].when",
        "give exactly one of",
    ),
    case(
        "from-without-to",
        edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {{from: 2025-12-05}}  {MARK}"),
        "events[0].when",
        "from/to needs both dates",
    ),
    case(
        "to-before-from",
        edited(
            "    when: {from: 2025-12-05, to: 2025-12-06}",
            f"    when: {{from: 2025-12-06, to: 2025-12-05}}  {MARK}",
        ),
        "events[0].when",
        "the end 2025-12-05 is before the start 2025-12-06",
    ),
    case(
        "and-before-between",
        edited(
            "    when: {from: 2025-12-05, to: 2025-12-06}",
            f"    when: {{between: 2025-10-31, and: 2025-10-02}}  {MARK}",
        ),
        "events[0].when",
        "between/and: the end 2025-10-02 is before the start 2025-10-31",
    ),
    case(
        "year-out-of-range",
        edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {{year: 25}}  {MARK}"),
        "events[0].when.year",
        "greater than or equal to 1900",
    ),
    case(
        "during-unknown-event",
        added(edited("    when: {during: summit}", f"    when: {{during: sumit}}  {MARK}", DURING)),
        "events[1].when.during",
        "unknown event 'sumit'",
    ),
    case(
        "during-chain",
        added(
            DURING
            + edited(
                "  - id: rt-launch\n    title: RT launch\n    when: {during: summit}\n",
                f"  - id: rt-studio\n    title: RT studio opening\n    when: {{during: rt-launch}}  {MARK}\n",
                DURING,
            )
        ),
        "events[2].when.during",
        "'rt-launch' is itself dated by 'during'",
    ),
    case(
        "during-chain-listed-first",
        added(
            edited(
                "  - id: rt-launch\n    title: RT launch\n    when: {during: summit}\n",
                f"  - id: rt-studio\n    title: RT studio opening\n    when: {{during: rt-launch}}  {MARK}\n",
                DURING,
            )
            + DURING
        ),
        "events[1].when.during",
        "'rt-launch' is itself dated by 'during'",
    ),
    # --- status, governments and sources
    case(
        "confirmed-by-uninvolved-government",
        edited(
            "    status: {source: report}", f"    status: {{source: report, confirmed_by: [china]}}  {MARK}"
        ),
        "events[0].status.confirmed_by",
        "china, which is not in this event's governments",
    ),
    case(
        "confirmed-by-twice",
        edited(
            "    status: {source: report}",
            f"    status: {{source: report, confirmed_by: [india, india]}}  {MARK}",
        ),
        "events[0].status.confirmed_by",
        "names a government twice",
    ),
    case(
        "unknown-lifecycle",
        edited(
            "    status: {source: report}", f"    status: {{source: report, lifecycle: rumoured}}  {MARK}"
        ),
        "events[0].status.lifecycle",
        "'planned', 'postponed', 'cancelled' or 'held'",
    ),
    case(
        "unknown-government",
        edited("    governments: [india, russia]", f"    governments: [india, rusia]  {MARK}"),
        "events[0].governments",
        "unknown government 'rusia'",
    ),
    case(
        "unknown-event-source",
        edited("    source: report\n", f"    source: reprot  {MARK}\n"),
        "events[0].source",
        "unknown source 'reprot'",
    ),
    case(
        "unknown-status-source",
        edited("    status: {source: report}", f"    status: {{source: reprot}}  {MARK}"),
        "events[0].status.source",
        "unknown source 'reprot'",
    ),
    case(
        "unknown-history-government",
        added(
            "    history:\n"
            f"      - {{date: 2025-10-01, change: reported, government: rusia, source: report}}  {MARK}\n"
        ),
        "events[0].history[0].government",
        "unknown government 'rusia'",
    ),
    case(
        "unknown-history-change",
        added(f"    history:\n      - {{date: 2025-10-01, change: rumoured, source: report}}  {MARK}\n"),
        "events[0].history[0].change",
        "'reported', 'announced'",
    ),
    case(
        "source-url-not-http",
        edited(
            "  report: {title: News report, by: Sources, date: 2025-10-01}",
            f"  report: {{title: News report, by: Sources, date: 2025-10-01, url: www.example.com}}  {MARK}",
        ),
        "sources.report.url",
        "pattern",
    ),
    case(
        "unknown-fact-source",
        added(f"facts:\n  - {{id: trade, title: Trade, text: Record trade., source: reprot}}  {MARK}\n"),
        "facts[0].source",
        "unknown source 'reprot'",
    ),
    # --- reminders
    case(
        "lead-time-7x",
        added(f"    reminders: [7d, 7x]  {MARK}\n"),
        "events[0].reminders",
        "lead time '7x' is not a number followed by w, d, h or m",
    ),
    case(
        "negative-lead-time",
        added(f"    reminders: [-1d]  {MARK}\n"),
        "events[0].reminders",
        "lead time '-1d' is not a number followed by w, d, h or m",
    ),
    case(
        "lead-time-over-4-weeks",
        added(f"    reminders: [29d]  {MARK}\n"),
        "events[0].reminders",
        "lead time '29d' is more than 4 weeks",
    ),
    case(
        "absurd-lead-time",
        added(f"    reminders: [99999999999999999999d]  {MARK}\n"),
        "events[0].reminders",
        "is more than 4 weeks",
    ),
    case(
        "duplicate-lead-time",
        added(f"    reminders: [1d, 24h]  {MARK}\n"),
        "events[0].reminders",
        "the same lead time is given twice",
    ),
    case(
        "bad-file-level-lead-time",
        edited("timezone: Asia/Kolkata\n", f"timezone: Asia/Kolkata\nreminders: [1 day]  {MARK}\n"),
        "reminders",
        "lead time '1 day' is not a number",
    ),
    # --- YAML the loader must refuse without a traceback
    case(
        "unknown-yaml-tag",
        edited("    title: Annual summit", f"    title: !en Annual summit  {MARK}"),
        "",
        "not valid YAML",
        process=True,
    ),
    case(
        "non-scalar-yaml-key",
        added(f"  - {{[id]: summit}}  {MARK}\n"),
        "",
        "not valid YAML",
    ),
    case(
        "control-character",
        edited("    title: Annual summit", f"    title: Annual\x1b summit  {MARK}"),
        "",
        "not valid YAML",
    ),
    # --- YAML that would take minutes or a traceback to read: refused by budget
    case(
        "nested-500-levels-deep",
        added(f"x: {'[' * 500}{']' * 500}  {MARK}\n"),
        "",
        f"nested more than {fields.MAX_DEPTH} levels deep",
        process=True,
    ),
    case(
        "alias-inside-its-own-anchor",
        added(f"x: &m {{a: *m}}  {MARK}\n"),
        "",
        "the alias *m is inside its own anchor",
    ),
    # --- dates the bot could not count to or print (the day after 9999-12-31 does not exist)
    case(
        "date-in-year-1",
        edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {{date: 0001-01-01}}  {MARK}"),
        "events[0].when.date",
        "0001-01-01 is out of range: dates must lie between 1900-01-01 and 2200-12-31",
    ),
    case(
        "last-day-of-9999",
        edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {{date: 9999-12-31}}  {MARK}"),
        "events[0].when.date",
        "9999-12-31 is out of range",
        process=True,
    ),
    case(
        "month-9999-12",
        edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {{month: 9999-12}}  {MARK}"),
        "events[0].when.month",
        "9999-12 is out of range",
    ),
    case(
        "exact-time-at-the-end-of-9999",
        edited(
            "    when: {from: 2025-12-05, to: 2025-12-06}",
            f"    when: {{at: 9999-12-31T23:30-05:00}}  {MARK}",
        ),
        "events[0].when.at",
        "9999-12-31T23:30-05:00 is out of range",
    ),
    case(
        "exact-time-that-is-2201-in-the-events-zone",
        edited(
            "    when: {from: 2025-12-05, to: 2025-12-06}",
            f"    when: {{at: 2200-12-31T23:30-05:00}}  {MARK}",
        ),
        "events[0].when.at",
        "2200-12-31T23:30-05:00 (Asia/Kolkata) is out of range",
    ),
    case(
        "source-dated-9999",
        edited(
            "  report: {title: News report, by: Sources, date: 2025-10-01}",
            f"  report: {{title: News report, by: Sources, date: 9999-12-31}}  {MARK}",
        ),
        "sources.report.date",
        "out of range",
    ),
    case(
        "status-since-year-1",
        edited("    status: {source: report}", f"    status: {{source: report, since: 0001-01-01}}  {MARK}"),
        "events[0].status.since",
        "out of range",
    ),
    # --- time zones
    case(
        "time-zone-that-is-a-directory-of-zones",
        edited("timezone: Asia/Kolkata", f"timezone: Europe  {MARK}"),
        "timezone",
        "unknown time zone 'Europe'",
        process=True,
    ),
    case(
        "wall-time-skipped-when-clocks-go-forward",
        edited(
            "    when: {from: 2025-12-05, to: 2025-12-06}",
            f"    when: {{at: 2025-03-30T02:30}}  {MARK}\n    timezone: Europe/Berlin",
        ),
        "events[0].when.at",
        "2025-03-30T02:30 does not exist in Europe/Berlin (clocks go forward): did you mean "
        "2025-03-30T01:30+01:00 (CET) or 2025-03-30T03:30+02:00 (CEST)?",
    ),
    case(
        "wall-time-repeated-when-clocks-go-back",
        edited(
            "    when: {from: 2025-12-05, to: 2025-12-06}",
            f"    when: {{at: 2025-10-26T02:30}}  {MARK}\n    timezone: Europe/Berlin",
        ),
        "events[0].when.at",
        "2025-10-26T02:30 happens twice in Europe/Berlin (clocks go back): give the offset, "
        "2025-10-26T02:30+02:00 (CEST) or 2025-10-26T02:30+01:00 (CET)",
    ),
    # --- text the bot could not send, or that would show as nothing
    case(
        "lone-surrogate-in-a-title",
        edited("    title: Annual summit", f'    title: "Annual \\ud800 summit"  {MARK}'),
        "events[0].title",
        "contains U+D800, half of a surrogate pair",
    ),
    case(
        "escaped-control-character-in-a-note",
        added(f'    note: "Bell \\x07 here"  {MARK}\n'),
        "events[0].note",
        "contains the control character U+0007",
    ),
    case(
        "key-that-would-colour-the-terminal",
        added(f'    "plase\\x1b[31m": New Delhi  {MARK}\n'),
        "",
        "the key 'plase\\u001b[31m' contains the control character U+001B",
    ),
    case(
        "exact-time-with-a-control-character-between-date-and-time",
        edited(
            "    when: {from: 2025-12-05, to: 2025-12-06}",
            f'    when: {{at: "2025-12-05\\x1b10:30"}}  {MARK}',
        ),
        "events[0].when.at",
        "is not a date-time like 2025-12-05T10:30",
    ),
    case(
        "title-of-spaces",
        edited("    title: Annual summit", f"    title: '   '  {MARK}"),
        "events[0].title",
        "is blank",
    ),
    case(
        "title-of-zero-width-characters",
        edited("    title: Annual summit", f'    title: "\\u200b\\u200d\\ufeff"  {MARK}'),
        "events[0].title",
        "is blank",
    ),
    case(
        "empty-title",
        edited("    title: Annual summit", f"    title: ''  {MARK}"),
        "events[0].title",
        "is blank",
    ),
    case(
        "full-width-digit-in-a-lead-time",
        added(f"    reminders: [７d]  {MARK}\n"),
        "events[0].reminders",
        "lead time '７d' is not a number followed by w, d, h or m",
    ),
    case(
        "lead-time-of-thousands-of-digits",
        added(f"    reminders: [{'9' * 5000}d]  {MARK}\n"),
        "events[0].reminders",
        "is more than 4 weeks",
    ),
    # --- lengths: every message about an event must fit in one Telegram message
    case(
        "title-over-200-characters",
        edited("    title: Annual summit", f"    title: {'x' * 201}  {MARK}"),
        "events[0].title",
        "has 201 characters; at most 200 characters are allowed",
    ),
    case(
        "note-over-1000-characters",
        added(f"    note: {'n' * 1001}  {MARK}\n"),
        "events[0].note",
        "has 1001 characters; at most 1000 characters are allowed",
    ),
    case(
        "government-name-over-80-characters",
        edited("  india: {name: India}", f"  india: {{name: {'I' * 81}}}  {MARK}"),
        "governments.india.name",
        "at most 80 characters",
    ),
    case(
        "51-aliases",
        added(f"    aliases: [{', '.join(f'a{i}' for i in range(51))}]  {MARK}\n"),
        "events[0].aliases",
        "has 51 items; at most 50 items are allowed",
    ),
    case(
        "13-governments-for-one-event",
        edited("    governments: [india, russia]", f"    governments: [{', '.join(['india'] * 13)}]  {MARK}"),
        "events[0].governments",
        "has 13 items; at most 12 items are allowed",
    ),
    case(
        "government-named-twice-for-one-event",
        edited("    governments: [india, russia]", f"    governments: [india, india]  {MARK}"),
        "events[0].governments",
        "names a government twice",
    ),
]


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str


def run_check(path: Path) -> Outcome:
    """``summitbot check PATH`` as a separate process, exactly as the operator runs it."""
    done = subprocess.run(  # noqa: S603 - our own interpreter running our own module
        [sys.executable, "-m", "bot", "check", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def check_in_process(path: Path, capsys: pytest.CaptureFixture[str]) -> Outcome:
    """The same command through ``bot.cli.main``; an exception escaping it fails the test."""
    status = cli.main(["check", str(path)])
    out, err = capsys.readouterr()
    return Outcome(status, out, err)


def write(tmp_path: Path, content: str | bytes | None) -> Path:
    path = tmp_path / "events.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    return path


def test_the_template_the_bad_files_start_from_is_valid(tmp_path: Path) -> None:
    result = run_check(write(tmp_path, VALID + DURING))

    assert result.status == 0, result.stderr
    assert result.stdout.startswith(f"{tmp_path / 'events.yaml'}: OK (2 events, 0 facts, ")
    assert result.stderr == ""


@pytest.mark.parametrize("bad", BAD_FILES)
def test_a_malformed_file_is_one_line_naming_the_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: Bad
) -> None:
    path = write(tmp_path, bad.content)

    result = run_check(path) if bad.process else check_in_process(path, capsys)

    assert "Traceback" not in result.stderr + result.stdout
    assert result.status == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    [line] = lines
    where = f"{path}:{bad.line}" if bad.line is not None else str(path)
    prefix = f"{where}: {bad.field}: " if bad.field else f"{where}: "
    assert line.startswith(prefix), line
    assert bad.fragment in line.removeprefix(prefix), line


def test_a_misspelt_key_names_both_the_typo_and_the_missing_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, edited("    title: Annual summit", "    titel: Annual summit"))

    result = check_in_process(path, capsys)

    assert result.status == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{path}:9: events[0].title: required key is missing",
        f"{path}:10: events[0].titel: unknown key",
    ]


# ---------------------------------------------------------------- the real file


@pytest.fixture(scope="module")
def seed() -> Catalog:
    return load_events(REAL_FILE)


def event(catalog: Catalog, event_id: str) -> Event:
    found = catalog.get(event_id)
    assert found is not None, f"{event_id} is missing from {REAL_FILE}"
    return found


def test_the_real_events_file_passes_the_check_command() -> None:
    result = run_check(REAL_FILE)

    assert result.status == 0, result.stderr
    assert result.stdout.startswith(f"{REAL_FILE}: OK (")
    assert result.stderr == ""


def test_the_summit_is_5_and_6_december_2025_in_new_delhi_unconfirmed_by_both(seed: Catalog) -> None:
    summit = event(seed, "summit-2025")

    assert summit.when.precision is Precision.SPAN
    assert (summit.when.first, summit.when.last) == (date(2025, 12, 5), date(2025, 12, 6))
    assert summit.zone.key == "Asia/Kolkata"
    assert summit.place is not None
    assert summit.place.en == "New Delhi"
    assert summit.host is not None
    assert summit.host.id == "india"
    assert [g.name.en for g in summit.governments] == ["India", "Russia"]
    assert summit.confirmed_by == ()
    assert dates_text(summit.when, EN) == "5–6 December 2025"
    assert status_note(summit, EN) == "Unconfirmed by either government"


def test_lavrovs_visit_is_known_only_to_the_month_of_november_2025(seed: Catalog) -> None:
    lavrov = event(seed, "lavrov-visit-2025")

    assert lavrov.when.precision is Precision.MONTH
    assert (lavrov.when.first, lavrov.when.last) == (date(2025, 11, 1), date(2025, 11, 30))
    assert dates_text(lavrov.when, EN) == "expected in November 2025"
    assert dates_text(lavrov.when, EN, past=True) == "in November 2025"


def test_the_military_commission_is_a_window_from_2_to_31_october_2025(seed: Catalog) -> None:
    commission = event(seed, "military-commission-2025")

    assert commission.when.precision is Precision.WINDOW
    assert (commission.when.first, commission.when.last) == (date(2025, 10, 2), date(2025, 10, 31))
    assert dates_text(commission.when, EN) == "expected between 2 and 31 October 2025"


def test_the_rt_launch_is_dated_during_the_summit(seed: Catalog) -> None:
    rt = event(seed, "rt-india-launch")

    assert rt.during == "summit-2025"
    assert rt.when.same_dates(event(seed, "summit-2025").when)
    assert dates_text(rt.when, EN) == "5–6 December 2025"
    assert rt.place is not None
    assert rt.place.en == "New Delhi"  # the summit's place: it happens during the summit


def test_the_facts_give_the_trade_and_export_figures(seed: Catalog) -> None:
    texts = " ".join(f.text.en for f in seed.facts)

    assert "$68.7 billion" in texts
    assert "$4.88 billion" in texts


def test_every_event_and_fact_cites_the_report_of_1_october_2025(seed: Catalog) -> None:
    assert seed.events
    assert seed.facts
    for ev in seed:
        cited = [ev.source, ev.status_source, *(h.source for h in ev.history)]
        assert {s.date for s in cited} == {date(2025, 10, 1)}, ev.id
    for fact in seed.facts:
        assert fact.source.date == date(2025, 10, 1), fact.id


# ---------------------------------------------------------------- the model


def one_event(when: str, *, event_lines: str = "", file_lines: str = "") -> Event:
    text = edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {when}")
    text = edited("timezone: Asia/Kolkata\n", f"timezone: UTC\n{file_lines}", text) + event_lines
    return parse_events(text, "events.yaml").events[0]


def test_an_exact_time_without_offset_is_read_in_the_events_own_zone() -> None:
    ev = one_event("{at: 2025-12-05T10:30}", event_lines="    timezone: Asia/Kolkata\n")

    assert ev.when.precision is Precision.EXACT
    assert ev.when.at is not None
    assert ev.when.at.utcoffset() == timedelta(hours=5, minutes=30)
    assert dates_text(ev.when, EN) == "Friday, 5 December 2025, 10:30\u202fAM IST"


def test_an_exact_time_without_offset_falls_back_to_the_files_zone() -> None:
    ev = one_event("{at: 2025-12-05T10:30}")

    assert ev.when.at is not None
    assert ev.when.at.utcoffset() == timedelta(0)
    assert dates_text(ev.when, EN) == "Friday, 5 December 2025, 10:30\u202fAM UTC"


def test_a_zone_written_in_another_case_is_read_as_its_iana_name_on_every_system() -> None:
    ev = one_event("{at: 2025-12-05T10:30}", event_lines="    timezone: asia/kolkata\n")

    assert ev.zone.key == "Asia/Kolkata"
    assert dates_text(ev.when, EN) == "Friday, 5 December 2025, 10:30\u202fAM IST"


def test_an_exact_time_with_an_offset_keeps_its_offset() -> None:
    ev = one_event("{at: '2025-12-05T10:30+03:00'}", event_lines="    timezone: Asia/Kolkata\n")

    assert ev.when.at is not None
    assert ev.when.at.utcoffset() == timedelta(hours=3)
    assert dates_text(ev.when, EN) == "Friday, 5 December 2025, 1:00\u202fPM IST"


def test_an_event_without_reminders_gets_the_bots_defaults() -> None:
    ev = one_event("{date: 2025-12-05}")

    assert tuple(format_lead(lead) for lead in ev.reminders) == fields.DEFAULT_REMINDERS


def test_an_event_without_reminders_gets_the_files_reminders() -> None:
    ev = one_event("{date: 2025-12-05}", file_lines="reminders: [3d, 1h]\n")

    assert ev.reminders == (timedelta(days=3), timedelta(hours=1))


def test_an_events_own_reminders_override_the_files() -> None:
    ev = one_event(
        "{date: 2025-12-05}", event_lines="    reminders: [2d]\n", file_lines="reminders: [3d, 1h]\n"
    )

    assert ev.reminders == (timedelta(days=2),)


def test_empty_reminders_mean_no_alerts_at_all() -> None:
    ev = one_event("{date: 2025-12-05}", event_lines="    reminders: []\n")

    assert ev.reminders == ()
    assert alerts.plan([ev]) == []


@pytest.mark.parametrize("lead", ["7d", "1d", "2h", "30m"])
def test_a_lead_time_reads_back_as_written(lead: str) -> None:
    assert format_lead(parse_lead(lead)) == lead


# ---------------------------------------------------------------- files that cannot stop or flood the loader

# Ten lines of nested aliases that PyYAML alone would expand into 9^9 (387 million) strings.
BILLION_LAUGHS = (
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "events: []\n"
)


def test_a_billion_laughs_file_is_refused_in_one_line_by_the_alias_budget(tmp_path: Path) -> None:
    path = write(tmp_path, BILLION_LAUGHS)

    result = run_check(path)

    assert (result.status, result.stdout) == (2, "")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{path}:")
    assert f"YAML aliases (*name) would repeat more than {fields.MAX_ALIAS_NODES} values here" in line


def test_an_alias_that_repeats_a_few_values_is_still_fine() -> None:
    text = edited("    status: {source: report}", "    status: &usual {source: report}")
    text += "  - id: visit\n    title: Visit\n    when: {month: 2025-11}\n"
    text += "    status: *usual\n    source: report\n"

    catalog = parse_events(text, "events.yaml")

    assert [e.status_source.title.en for e in catalog] == ["News report", "News report"]


def test_a_named_pipe_at_the_events_path_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until someone writes; ``check`` must not hang on it."""
    path = tmp_path / "events.yaml"
    os.mkfifo(path)

    result = run_check(path)

    assert (result.status, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"{path}: is a named pipe, not a regular file"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_is_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], device: str
) -> None:
    link = tmp_path / "events.yaml"
    link.symlink_to(device)

    for path in (Path(device), link):
        result = check_in_process(path, capsys)
        assert (result.status, result.stdout) == (2, "")
        assert result.stderr.splitlines() == [f"{path}: is a device, not a regular file"]


def test_a_directory_at_the_events_path_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = check_in_process(tmp_path, capsys)

    assert (result.status, result.stderr) == (2, f"{tmp_path}: is a directory, not a file\n")


def test_a_file_over_1_mib_is_refused_and_one_of_exactly_1_mib_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    padding = "# padding\n"
    text = VALID + padding * ((fields.MAX_FILE_BYTES - len(VALID)) // len(padding))
    text += "#" * (fields.MAX_FILE_BYTES - len(text) - 1) + "\n"
    path = write(tmp_path, text)
    assert path.stat().st_size == fields.MAX_FILE_BYTES

    assert check_in_process(path, capsys).status == 0

    path.write_text(text + "\n", encoding="utf-8")
    result = check_in_process(path, capsys)
    assert (result.status, result.stderr) == (2, f"{path}: is larger than 1 MiB, the most summitbot reads\n")


def test_a_bug_in_the_checks_is_still_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(spec: object) -> Catalog:
        raise RuntimeError("something nobody foresaw\nsecond line")

    monkeypatch.setattr(loading, "build_catalog", broken)
    path = write(tmp_path, VALID)

    result = check_in_process(path, capsys)

    assert (result.status, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"{path}: cannot be checked (RuntimeError: something nobody foresaw); please report this"
    ]


# ---------------------------------------------------------------- what the loader now reads differently


def test_keys_are_text_as_written_so_01_and_1_are_two_governments_and_no_is_norway() -> None:
    text = edited(
        "  russia: {name: Russia}\n", "  01: {name: Alpha}\n  1: {name: Beta}\n  no: {name: Norway}\n"
    ).replace("governments: [india, russia]", "governments: [01, 1, 'no']")

    catalog = parse_events(text, "events.yaml")

    assert sorted(catalog.governments) == ["01", "1", "india", "no"]
    assert [g.name.en for g in catalog.events[0].governments] == ["Alpha", "Beta", "Norway"]


def test_a_bare_number_as_a_title_is_shown_as_written() -> None:
    title = parse_events(edited("    title: Annual summit", "    title: 1e3"), "events.yaml").events[0].title

    assert title.en == "1e3"


def test_a_repeated_wall_time_with_its_offset_is_the_moment_the_offset_names() -> None:
    ev = one_event("{at: '2025-10-26T02:30+01:00'}", event_lines="    timezone: Europe/Berlin\n")

    assert dates_text(ev.when, EN) == "Sunday, 26 October 2025, 2:30\u202fAM CET"


def test_a_wall_time_next_to_a_dst_switch_is_fine() -> None:
    before = one_event("{at: 2025-03-30T01:59}", event_lines="    timezone: Europe/Berlin\n")
    after = one_event("{at: 2025-10-26T03:00}", event_lines="    timezone: Europe/Berlin\n")

    assert dates_text(before.when, EN) == "Sunday, 30 March 2025, 1:59\u202fAM CET"
    assert dates_text(after.when, EN) == "Sunday, 26 October 2025, 3:00\u202fAM CET"


@pytest.mark.parametrize(
    "when",
    [
        "{at: 1900-01-01T00:00}",
        "{date: 1900-01-01}",
        "{year: 1900}",
        "{month: 2200-12}",
        "{date: 2200-12-31}",
        "{between: 2200-12-01, and: 2200-12-31}",
        "{from: 1900-01-01, to: 2200-12-31}",
        "{at: 2200-12-31T23:59}",
    ],
)
def test_the_first_and_last_days_the_bot_can_count_to_are_accepted_and_served(when: str) -> None:
    text = edited("    when: {from: 2025-12-05, to: 2025-12-06}", f"    when: {when}")
    catalog = parse_events(text, "events.yaml")
    [ev] = catalog.events

    for now in (
        datetime(1899, 11, 1, tzinfo=UTC),
        ev.when.earliest,
        ev.when.end,
        datetime(2201, 2, 1, tzinfo=UTC),
    ):
        assert cli.plan_text(catalog, now)
        assert ics.calendar(catalog, now)
        for alert in alerts.plan(catalog):
            assert fits(alert_html(alert, now, EN))
        assert fits(event_detail_html(ev, now, EN, ZoneInfo("Pacific/Kiritimati")))


# ---------------------------------------------------------------- the longest event still fits in one message


def plain(text: str) -> str:
    """A message as the reader sees it: Telegram HTML without its tags, entities unescaped."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def fits(text: str) -> bool:
    return len(plain(text)) <= MESSAGE_LIMIT


def at_limit(limit: int, pattern: str = "&<Жक🙂") -> str:
    """A text of exactly ``limit`` characters, with characters that escaping lengthens and non-Latin ones."""
    return (pattern * limit)[:limit]


def longest_file(when: dict[str, str], zone: str = "Asia/Kathmandu") -> str:
    """An events file whose one event has every field at its limit (and half its governments confirmed)."""
    governments = {
        f"g{i}": {"name": f"{i:02d}{at_limit(fields.MAX_GOVERNMENT_NAME - 2)}"}
        for i in range(fields.MAX_EVENT_GOVERNMENTS)
    }
    ids = list(governments)
    history = {
        "date": "2025-10-01",
        "change": "confirmed",
        "note": at_limit(fields.MAX_HISTORY_NOTE),
        "source": "s",
    }
    data = {
        "timezone": zone,
        "governments": governments,
        "sources": {
            "s": {
                "title": at_limit(fields.MAX_SOURCE_TITLE),
                "by": at_limit(fields.MAX_SOURCE_BY),
                "date": "2025-09-30",
            }
        },
        "events": [
            {
                "id": "e",
                "title": at_limit(fields.MAX_TITLE),
                "when": when,
                "place": at_limit(fields.MAX_PLACE),
                "governments": ids,
                "status": {"source": "s", "confirmed_by": ids[: len(ids) // 2]},
                "note": at_limit(fields.MAX_NOTE),
                "source": "s",
                "aliases": [at_limit(fields.MAX_ALIAS)] * fields.MAX_ALIASES,
                "history": [{**history, "government": g} for g in ids] * (fields.MAX_HISTORY // len(ids)),
            }
        ],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


LONGEST_WHENS = [
    {"at": "2027-09-29T10:30"},
    {"from": "2027-09-29", "to": "2027-12-31"},
    {"between": "2027-09-29", "and": "2028-09-30"},
    {"month": "2027-09"},
    {"year": "2027"},
]


@pytest.mark.parametrize("when", LONGEST_WHENS, ids=lambda w: "/".join(w))
def test_the_longest_event_card_and_alerts_fit_in_one_message_with_room_to_spare(
    when: dict[str, str],
) -> None:
    catalog = parse_events(longest_file(when), "longest.yaml")
    [ev] = catalog.events
    reader = ZoneInfo("Pacific/Chatham")
    nows = [
        ev.when.earliest - timedelta(days=400),
        ev.when.earliest - timedelta(minutes=90),
        ev.when.earliest,
    ]

    longest = 0
    for now in nows:
        texts = [event_card_html(ev, now, EN, reader), event_detail_html(ev, now, EN, reader)]
        texts += [alert_html(a, a.moment + timedelta(hours=5), EN, reader) for a in alerts.plan(catalog)]
        longest = max(longest, *(len(plain(t)) for t in texts))

    assert longest <= MESSAGE_LIMIT - 500, longest


def test_next_fits_in_one_message_however_many_vaguer_events_may_come_first() -> None:
    vague = [
        {
            "id": f"m{i}",
            "title": at_limit(fields.MAX_TITLE),
            "when": {"month": "2027-09"},
            "status": {"source": "s"},
        }
        for i in range(5)
    ]
    data = yaml.safe_load(longest_file({"at": "2027-09-29T10:30"}))
    data["events"] += [{**v, "source": "s"} for v in vague]
    catalog = parse_events(yaml.safe_dump(data, allow_unicode=True), "longest.yaml")
    now = datetime(2027, 8, 1, tzinfo=UTC)

    next_up = timeline.next_up(catalog, now)

    assert next_up is not None
    assert len(next_up.maybe_before) == 5
    assert fits(next_html(next_up, now, EN))


# ---------------------------------------------------------------- whatever passes the check can be served

# "ci" (the default) is derandomized so every run tests the same files; HYPOTHESIS_PROFILE=explore
# looks further, with fresh random files each run.
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True, database=None)
settings.register_profile("explore", max_examples=2000, deadline=None)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ZONES = [
    "UTC",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/St_Johns",
    "Australia/Lord_Howe",  # a DST shift of half an hour
    "Pacific/Chatham",
    "Pacific/Kiritimati",  # UTC+14
    "Pacific/Pago_Pago",  # UTC-11
]
# Latin, Cyrillic, Devanagari (with a combining sign), emoji (outside the BMP, and a skin-tone
# modifier), what HTML escaping lengthens, YAML's special characters, whitespace, a zero-width space.
ALPHABET = "aZ7 -–:#'\"&<>\n\tЖдкक्षि🙂👍🏽\u200b"
LEADS = ["4w", "2w", "7d", "3d", "1d", "36h", "12h", "2h", "90m", "30m", "5m", "0m"]
INTERESTING_DAYS = [
    fields.FIRST_DAY,
    fields.LAST_DAY,
    date(2025, 3, 30),
    date(2025, 10, 26),
    date(2024, 2, 29),
]


SEEDS = st.tuples(
    st.sampled_from([c for c in ALPHABET if c.isprintable() and not c.isspace()]), st.text(ALPHABET)
).map("".join)


@functools.cache
def texts(limit: int) -> st.SearchStrategy[str]:
    """Short texts, or texts of exactly ``limit`` characters; they start visibly, so few are blank."""
    return st.one_of(SEEDS.map(lambda seed: seed[:limit]), SEEDS.map(lambda seed: (seed * limit)[:limit]))


days = st.one_of(
    st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    st.dates(fields.FIRST_DAY, fields.LAST_DAY),
    st.sampled_from(INTERESTING_DAYS),
)
ordered_days = st.tuples(days, days).map(sorted)


@st.composite
def whens(draw: st.DrawFn, earlier: list[str]) -> dict[str, Any]:
    form = draw(
        st.sampled_from(["at", "date", "from", "between", "month", "year"] + (["during"] if earlier else []))
    )
    if form == "at":
        day, hour, minute = draw(days), draw(st.integers(0, 23)), draw(st.sampled_from([0, 1, 30, 59]))
        offset = draw(st.sampled_from(["", "", "", "Z", "+05:30", "-11:00", "+14:00"]))
        return {"at": f"{day}T{hour:02d}:{minute:02d}{offset}"}
    if form == "date":
        return {"date": str(draw(days))}
    if form in ("from", "between"):
        first, last = draw(ordered_days)
        return {form: str(first), "to" if form == "from" else "and": str(last)}
    if form == "month":
        return {"month": f"{draw(days):%Y-%m}"}
    if form == "year":
        return {"year": draw(days).year}
    return {"during": draw(st.sampled_from(earlier))}


@st.composite
def events_files(draw: st.DrawFn) -> str:
    """An events file in YAML, mostly valid: varied dates and zones, texts up to their limits."""
    government_ids = [f"g{i}" for i in range(draw(st.integers(0, fields.MAX_EVENT_GOVERNMENTS)))]
    governments = {
        g: {
            "name": draw(texts(fields.MAX_GOVERNMENT_NAME)),
            "aliases": draw(st.lists(texts(fields.MAX_ALIAS), max_size=1)),
        }
        for g in government_ids
    }
    sources = {
        s: {
            "title": draw(texts(fields.MAX_SOURCE_TITLE)),
            "by": draw(texts(fields.MAX_SOURCE_BY)),
            "date": str(draw(days)),
        }
        for s in ("s1", "s2")
    }
    source_ids = st.sampled_from(list(sources))
    listed: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 6))):
        involved = draw(st.lists(st.sampled_from(government_ids), unique=True)) if government_ids else []
        event: dict[str, Any] = {
            "id": f"e{i}",
            "title": draw(texts(fields.MAX_TITLE)),
            "when": draw(whens([e["id"] for e in listed if "during" not in e["when"]])),
            "governments": involved,
            "status": {
                "lifecycle": draw(st.sampled_from(["planned", "planned", "postponed", "cancelled", "held"])),
                "confirmed_by": involved[: draw(st.integers(0, len(involved)))],
                "source": draw(source_ids),
            },
            "source": draw(source_ids),
        }
        if draw(st.booleans()):
            event["timezone"] = draw(st.sampled_from(ZONES))
        if draw(st.booleans()):
            event["place"] = draw(texts(fields.MAX_PLACE))
        if draw(st.booleans()):
            event["note"] = draw(texts(fields.MAX_NOTE))
        if draw(st.booleans()):
            event["reminders"] = draw(
                st.lists(st.sampled_from(LEADS), unique=True, max_size=fields.MAX_REMINDERS)
            )
        event["history"] = [
            {
                "date": str(draw(days)),
                "change": draw(st.sampled_from(["reported", "confirmed", "moved", "place_changed"])),
                "note": draw(texts(fields.MAX_HISTORY_NOTE)),
                "source": draw(source_ids),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
        listed.append(event)
    facts = [
        {
            "id": f"f{i}",
            "title": draw(texts(fields.MAX_TITLE)),
            "text": draw(texts(fields.MAX_FACT_TEXT)),
            "source": "s1",
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    data = {
        "timezone": draw(st.sampled_from(ZONES)),
        "governments": governments,
        "sources": sources,
        "events": listed,
        "facts": facts,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def moments(catalog: Catalog) -> list[datetime]:
    """Moments to serve the catalog at: around each event's start and end, and far before and after."""
    nows = [
        datetime(1899, 12, 1, tzinfo=UTC),
        datetime(2025, 10, 1, 3, 30, tzinfo=UTC),
        datetime(2201, 1, 2, tzinfo=UTC),
    ]
    for ev in catalog:
        nows += [
            ev.when.earliest - timedelta(days=1),
            ev.when.latest_start + timedelta(minutes=1),
            ev.when.end,
        ]
    return nows


@PROFILE
@given(
    text=events_files(),
    reader=st.sampled_from([None, "Pacific/Kiritimati", "America/St_Johns"]),
    code=st.sampled_from(SUPPORTED),
)
def test_whatever_the_check_accepts_can_be_served_in_messages_that_fit(
    text: str, reader: str | None, code: str
) -> None:
    try:
        catalog = parse_events(text, "generated.yaml")
    except EventsFileError:
        assume(False)
        return
    zone, lang = ZoneInfo(reader) if reader else None, language(code)
    messages: list[str] = []
    nows = moments(catalog)
    assert ics.calendar(catalog, nows[0], lang)  # ``now`` is only its DTSTAMP
    for now in nows:
        assert cli.plan_text(catalog, now, lang)
        upcoming = timeline.upcoming(catalog, now)
        next_up = timeline.next_up(catalog, now)
        messages.append(next_html(next_up, now, lang, zone))
        messages.append(events_html(upcoming, timeline.recent(catalog, now), now, lang, zone))
        messages.append(status_html(upcoming, lang))
        for ev in catalog:
            messages += [event_card_html(ev, now, lang, zone), event_detail_html(ev, now, lang, zone)]
    for alert in alerts.plan(catalog):
        messages += [
            alert_html(alert, alert.moment, lang, zone),
            alert_html(alert, alert.expires, lang, zone),
        ]

    too_long = [m for m in messages if not fits(m)]
    assert not too_long, plain(too_long[0])


def test_a_file_of_a_hundred_thousand_tiny_values_is_refused_before_it_is_all_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Well under 1 MiB, yet pure-Python YAML would take many seconds over it."""
    path = write(tmp_path, "events: []\nx: [" + ",".join(["1"] * (fields.MAX_NODES + 1)) + "]\n")

    result = check_in_process(path, capsys)

    assert (result.status, result.stderr) == (
        2,
        f"{path}:2: holds more than {fields.MAX_NODES} YAML values, the most summitbot reads\n",
    )


def test_a_file_with_thousands_of_mistakes_lists_twenty_and_counts_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "events:\n" + "  - 1\n" * 5000)

    result = check_in_process(path, capsys)

    lines = result.stderr.splitlines()
    assert result.status == 2
    assert len(lines) == fields.MAX_PROBLEMS + 1
    assert lines[0] == f"{path}:2: events[0]: should be a mapping (found a number)"
    assert lines[-1] == f"{path}: … and 4980 more problems; fix these and check again"


@pytest.mark.parametrize(
    "zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/St_Johns"]
)
def test_a_wall_time_around_any_switch_of_the_clocks_is_one_moment_or_refused_naming_two(zone: str) -> None:
    """Lord Howe moves its clocks by half an hour; St John's switches at 02:00 local, not 01:00 UTC."""
    tz = ZoneInfo(zone)
    switch_days = [
        day
        for day in (date(2025, 1, 1) + timedelta(days=n) for n in range(365))
        if datetime.combine(day, datetime.min.time(), tz).utcoffset()
        != datetime.combine(day + timedelta(days=1), datetime.min.time(), tz).utcoffset()
    ]
    assert len(switch_days) == 2
    refused = []
    for day in switch_days:
        for minutes in range(0, 24 * 60, 15):
            wall = f"{day}T{minutes // 60:02d}:{minutes % 60:02d}"
            try:
                ev = one_event(f"{{at: {wall}}}", event_lines=f"    timezone: {zone}\n")
            except EventsFileError as exc:
                [problem] = exc.problems
                candidates = re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d", problem.message)
                moments = {
                    one_event(f"{{at: '{c}'}}", event_lines=f"    timezone: {zone}\n").when.at
                    for c in candidates
                }
                assert len(candidates) == len(moments) == 2, problem.message
                refused.append(wall)
            else:
                assert ev.when.at is not None
                assert ev.when.at.astimezone(tz).replace(tzinfo=None).isoformat(timespec="minutes") == wall
    shift = 30 if zone == "Australia/Lord_Howe" else 60
    assert len(refused) == 2 * shift // 15  # every quarter hour skipped, and every one repeated
