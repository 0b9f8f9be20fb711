"""What is wrong with an events file, said so the operator can jump to it: ``FILE:LINE: FIELD: message``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with (or, as a warning, missing from) the file, located by line and field."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class EventsFileError(Exception):
    """The file cannot be used; ``problems`` says where and why, one line each."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


class CrossRefError(ValueError):
    """A check that needs the whole file (an unknown id, a duplicate) failed at ``loc``."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message
