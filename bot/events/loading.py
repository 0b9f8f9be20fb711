"""Loading the operator's events file: bounded, total, and every problem one located line.

Whatever the file holds (a typo, a billion-laughs bomb, a FIFO, half a file caught mid-write), the
outcome is a ``Catalog`` or ``EventsFileError`` listing ``FILE:LINE: FIELD: message`` lines, never a
traceback and never a long wait. A catalog also carries warnings: texts given in English only.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Callable, Mapping, Sequence, Sized
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.events.fields import MAX_FILE_BYTES, MAX_PROBLEMS
from bot.events.model import Catalog, Names
from bot.events.problems import CrossRefError, EventsFileError, Problem
from bot.events.schema import EventsFileSpec, build_catalog, untranslated
from bot.events.yamlfile import (
    Loader,
    NodeError,
    duplicate_keys,
    field_path,
    inspect,
    node_at,
    yaml_problem,
)
from bot.languages import SUPPORTED

_SHAPES = {
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "string_type": "text",
}
"""Pydantic's wrong-shape errors, said in YAML's words (its own say "a valid tuple")."""


def _shape_of(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sized):
        return "a list"
    return "a value of another kind"


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "literal_error" and error["loc"] and error["loc"][-1] == "[key]":
        return f"unknown language (give {', '.join(SUPPORTED)})"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in _SHAPES:
        return f"should be {_SHAPES[kind]} (found {_shape_of(error.get('input'))})"
    value, limit = error.get("input"), error.get("ctx", {}).get("max_length")
    if kind in ("string_too_long", "too_long") and isinstance(value, Sized):
        if isinstance(value, str):
            return f"has {len(value)} characters; at most {limit} characters are allowed"
        if isinstance(value, Mapping):
            return f"has {len(value)} entries; at most {limit} entries are allowed"
        return f"has {len(value)} items; at most {limit} items are allowed"
    if kind in ("string_too_short", "too_short") and isinstance(value, str):
        return "is blank"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _loc_for_yaml(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """Pydantic's location, spelt the way the YAML spells it (``from_`` → ``from``)."""
    return tuple(p.rstrip("_") if isinstance(p, str) else p for p in loc)


def parse_events(text: str, file: str = "<events>") -> Catalog:
    """Parse YAML text into a ``Catalog`` or raise ``EventsFileError`` with located problems.

    Total: whatever the text, the outcome is a catalog or ``EventsFileError``, never another exception.
    """
    try:
        return _parse(text, file)
    except EventsFileError:
        raise
    except RecursionError:
        problem = Problem(file, None, "", "nested too deeply to read")
    except MemoryError:
        problem = Problem(file, None, "", "too large to read in memory")
    except Exception as exc:  # a bug of ours; the operator still gets one line, and the bot goes on
        detail = str(exc).splitlines()[0] if str(exc) else ""
        problem = Problem(
            file, None, "", f"cannot be checked ({type(exc).__name__}: {detail}); please report this"
        )
    raise EventsFileError([problem]) from None


def _parse(text: str, file: str) -> Catalog:
    if len(text) > MAX_FILE_BYTES:  # characters, not bytes: a cheap early bound for callers with text
        raise EventsFileError([_too_large(file)])
    try:
        loader = Loader(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters at once
        raise EventsFileError([yaml_problem(file, text, exc)]) from None
    try:
        try:
            root = loader.get_single_node()
            if root is not None:
                inspect(root)
        except NodeError as exc:
            raise EventsFileError([Problem(file, exc.line, "", exc.message)]) from None
        except yaml.YAMLError as exc:
            raise EventsFileError([yaml_problem(file, text, exc)]) from None
        if root is None:
            raise EventsFileError(
                [Problem(file, None, "", "the file is empty (it needs at least an events: list)")]
            )
        if not isinstance(root, yaml.MappingNode):
            raise EventsFileError(
                [
                    Problem(
                        file,
                        root.start_mark.line + 1,
                        "",
                        "the top level must be a mapping with an events: list",
                    )
                ]
            )
        duplicates = [
            Problem(file, n.start_mark.line + 1, path, "duplicate key") for n, path in duplicate_keys(root)
        ]
        if duplicates:
            raise EventsFileError(_at_most(duplicates, file))
        try:
            data = loader.construct_document(root)
        except (yaml.YAMLError, ValueError) as exc:  # an unknown !tag, an unhashable key, !!int abc
            raise EventsFileError([yaml_problem(file, text, exc)]) from None
    finally:
        loader.dispose()

    def located(loc: Sequence[str | int], message: str) -> Problem:
        yaml_loc = _loc_for_yaml(loc)
        node, found = node_at(root, yaml_loc)
        if not found and yaml_loc and yaml_loc[-1] in (*SUPPORTED, Names.ANY):
            # a text or list written plainly was read as English (or any language): name it as written
            yaml_loc = yaml_loc[:-1]
        return Problem(file, node.start_mark.line + 1, field_path(yaml_loc), message)

    try:
        spec = EventsFileSpec.model_validate(data)
        catalog = build_catalog(spec)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [located(_error_loc(e), _pydantic_message(e)) for e in errors[:MAX_PROBLEMS]]
        raise EventsFileError(_at_most(problems, file, len(errors))) from None
    except CrossRefError as exc:
        raise EventsFileError([located(exc.loc, exc.message)]) from None
    return replace(catalog, warnings=tuple(_at_most(_warnings(spec, located), file)))


def _warnings(spec: EventsFileSpec, located: Callable[[Sequence[str | int], str], Problem]) -> list[Problem]:
    """Texts lacking a language the file uses elsewhere: an English-only file is not nagged about
    Russian, but a file that translates its titles should translate them all."""
    gaps = list(untranslated(spec))
    used = {lang for event in spec.events for lang in event.title} | {
        lang for _, missing in gaps for lang in SUPPORTED if lang not in missing
    }
    return [
        located(loc, _untranslated(wanted))
        for loc, missing in gaps
        if (wanted := [lang for lang in missing if lang in used])
    ]


def _untranslated(missing: Sequence[str]) -> str:
    return f"warning: no {' or '.join(missing)} translation; English is shown instead"


def _error_loc(error: Mapping[str, Any]) -> list[str | int]:
    """Pydantic's location without its own markers (validator names, ``[key]`` of a mapping's key)."""
    return [p for p in error["loc"] if not str(p).startswith("function-") and p != "[key]"]


def _at_most(problems: Sequence[Problem], file: str, total: int | None = None) -> list[Problem]:
    """The first ``MAX_PROBLEMS`` problems, and how many more there are: a bad file must not flood."""
    total = len(problems) if total is None else total
    if total <= MAX_PROBLEMS:
        return list(problems)
    more = Problem(file, None, "", f"… and {total - MAX_PROBLEMS} more problems; fix these and check again")
    return [*problems[:MAX_PROBLEMS], more]


def _too_large(file: str) -> Problem:
    return Problem(
        file, None, "", f"is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB, the most summitbot reads"
    )


_FILE_KINDS = (
    (stat.S_ISDIR, "is a directory, not a file"),
    (stat.S_ISFIFO, "is a named pipe, not a regular file"),
    (stat.S_ISCHR, "is a device, not a regular file"),
    (stat.S_ISBLK, "is a device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)
# O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (there is none on Windows)
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
)


def read_events_file(path: Path) -> bytes:
    """The file's bytes, read safely: only a regular file, and at most ``MAX_FILE_BYTES`` of it.

    A FIFO would block ``open`` until someone writes to it and ``/dev/zero`` never ends, so the kind
    of file is checked before and after opening (non-blocking), and reading stops past the limit.
    """
    file = str(path)

    def refused(message: str) -> EventsFileError:
        return EventsFileError([Problem(file, None, "", message)])

    def kind_problem(mode: int) -> str | None:
        if stat.S_ISREG(mode):
            return None
        return next((message for test, message in _FILE_KINDS if test(mode)), "is not a regular file")

    try:
        problem = kind_problem(path.stat().st_mode)
        if problem is not None:
            raise refused(problem)
        fd = os.open(path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as handle:  # closes fd, also when fstat or read fails
            info = os.fstat(handle.fileno())
            problem = kind_problem(info.st_mode)
            if problem is not None:
                raise refused(problem)
            if info.st_size > MAX_FILE_BYTES:
                raise EventsFileError([_too_large(file)])
            data = handle.read(MAX_FILE_BYTES + 1)
    except EventsFileError:
        raise
    except FileNotFoundError:
        raise refused("no such file") from None
    except OSError as exc:
        raise refused(f"cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # e.g. ValueError for a NUL byte in the path: still one line
        raise refused(f"cannot be read ({type(exc).__name__}: {exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise EventsFileError([_too_large(file)])
    return data


def parse_events_file(data: bytes, file: str) -> Catalog:
    """The bytes of an events file (as ``read_events_file`` returns them) → a ``Catalog``; total."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            message = "saved as UTF-16; save it as UTF-8"
            raise EventsFileError([Problem(file, None, "", f"not UTF-8 text: {message}")]) from None
        line = data.count(b"\n", 0, exc.start) + 1
        problem = f"not UTF-8 text ({exc.reason}); save it as UTF-8"
        raise EventsFileError([Problem(file, line, "", problem)]) from None
    return parse_events(text, file)


def load_events(path: Path) -> Catalog:
    """Read and parse the operator's file; unreadable files are reported like malformed ones.

    Total and bounded: any failure is ``EventsFileError``, and no file makes it read or work for long.
    """
    return parse_events_file(read_events_file(path), str(path))
