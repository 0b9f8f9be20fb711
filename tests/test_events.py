"""The events file as the operator meets it: every mistake is one located line, the seed file loads.

Each malformed-file case checks what the operator sees from ``summitbot check FILE``: the exit status,
stdout, stderr and no traceback. Running every case as a process took about 20 s, so most run in-process
through ``bot.cli.main`` (an escaped exception fails the test just as a traceback would), and the cases
marked ``process=True`` (syntax error, empty file, missing file, non-UTF-8 file, a bad ``at``, an unknown
YAML tag) run the real command, ``python -m bot check FILE``, in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import alerts, cli, wording
from bot.events import (
    DEFAULT_REMINDERS,
    Catalog,
    Event,
    Precision,
    format_lead,
    load_events,
    parse_events,
    parse_lead,
)

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
        "should be a valid",
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
        VALID.replace("Annual summit", "Sommet annuel à Delhi").encode("latin-1"),
        "",
        "not UTF-8 text",
        process=True,
    ),
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
        "title-is-a-mapping",
        edited("    title: Annual summit", f"    title: {{en: Annual summit}}  {MARK}"),
        "events[0].title",
        "valid string",
    ),
    case(
        "governments-is-a-string",
        edited("    governments: [india, russia]", f"    governments: india  {MARK}"),
        "events[0].governments",
        "should be a valid",
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
    assert summit.place == "New Delhi"
    assert [g.name for g in summit.governments] == ["India", "Russia"]
    assert summit.confirmed_by == ()
    assert wording.when_text(summit) == "5–6 December 2025"
    assert wording.status_note(summit) == "Unconfirmed by either government"


def test_lavrovs_visit_is_known_only_to_the_month_of_november_2025(seed: Catalog) -> None:
    lavrov = event(seed, "lavrov-visit-2025")

    assert lavrov.when.precision is Precision.MONTH
    assert (lavrov.when.first, lavrov.when.last) == (date(2025, 11, 1), date(2025, 11, 30))
    assert wording.when_text(lavrov) == "November 2025 (no day announced)"


def test_the_military_commission_is_a_window_from_2_to_31_october_2025(seed: Catalog) -> None:
    commission = event(seed, "military-commission-2025")

    assert commission.when.precision is Precision.WINDOW
    assert (commission.when.first, commission.when.last) == (date(2025, 10, 2), date(2025, 10, 31))
    assert wording.when_text(commission) == "sometime between 2 and 31 October 2025"


def test_the_rt_launch_is_dated_during_the_summit(seed: Catalog) -> None:
    rt = event(seed, "rt-india-launch")

    assert rt.during == "summit-2025"
    assert rt.when.same_dates(event(seed, "summit-2025").when)
    assert wording.when_text(rt) == "5–6 December 2025"


def test_the_facts_give_the_trade_and_export_figures(seed: Catalog) -> None:
    texts = " ".join(f.text for f in seed.facts)

    assert "$68.7 billion" in texts
    assert "$4.88 billion" in texts


def test_every_event_and_fact_cites_the_report_of_1_october_2025(seed: Catalog) -> None:
    assert seed.events
    assert seed.facts
    for ev in seed:
        cited = [ev.source, ev.status_source, *(h.source for h in ev.history)]
        assert {s.date for s in cited} == {date(2025, 10, 1)}, ev.id
    for fact in seed.facts:
        assert seed.sources[fact.source].date == date(2025, 10, 1), fact.id


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
    assert wording.when_text(ev) == "Friday 5 December 2025, 10:30 IST"


def test_an_exact_time_without_offset_falls_back_to_the_files_zone() -> None:
    ev = one_event("{at: 2025-12-05T10:30}")

    assert ev.when.at is not None
    assert ev.when.at.utcoffset() == timedelta(0)
    assert wording.when_text(ev) == "Friday 5 December 2025, 10:30 UTC"


def test_an_exact_time_with_an_offset_keeps_its_offset() -> None:
    ev = one_event("{at: '2025-12-05T10:30+03:00'}", event_lines="    timezone: Asia/Kolkata\n")

    assert ev.when.at is not None
    assert ev.when.at.utcoffset() == timedelta(hours=3)
    assert wording.when_text(ev) == "Friday 5 December 2025, 13:00 IST"


def test_an_event_without_reminders_gets_the_bots_defaults() -> None:
    ev = one_event("{date: 2025-12-05}")

    assert tuple(format_lead(lead) for lead in ev.reminders) == DEFAULT_REMINDERS


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
