"""Reading YAML safely: PyYAML's safe loader within budgets, keeping keys and numbers as written.

The operator's file may be hostile or half-written; PyYAML left alone expands aliases without limit
and recurses without bound. The YAML nodes are also kept, because they carry the line numbers that
every problem report names.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import yaml

from bot.events.fields import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_NODES,
    WrittenFloat,
    WrittenInt,
    printable,
    readable,
)
from bot.events.problems import Problem


class NodeError(Exception):
    """Valid YAML that summitbot will not read (too deep, too many values or aliases, a key it cannot
    print): one located line."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.line: int | None = mark.line + 1 if mark is not None else None
        self.message = message


class Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps (every date is parsed, and reported, by us), within budgets.

    PyYAML composes recursively and expands aliases without limit: a few lines of nested aliases
    ("billion laughs") or a few hundred levels of nesting would take minutes or a traceback. Here
    nesting stops at ``MAX_DEPTH``, reading at ``MAX_NODES`` values, and an alias may not point into
    the node that contains it.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._open: list[str | None] = []  # anchors of the nodes being composed, outermost first

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise NodeError(event.start_mark, f"the alias *{event.anchor} is inside its own anchor")
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise NodeError(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            message = f"holds more than {MAX_NODES} YAML values, the most summitbot reads"
            raise NodeError(event.start_mark, message)
        self._depth += 1
        self._open.append(getattr(event, "anchor", None))
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.pop()


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _written_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> WrittenInt:
    number = WrittenInt(loader.construct_yaml_int(node))
    number.written = node.value
    return number


def _written_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> WrittenFloat:
    number = WrittenFloat(loader.construct_yaml_float(node))
    number.written = node.value
    return number


Loader.add_constructor("tag:yaml.org,2002:int", _written_int)
Loader.add_constructor("tag:yaml.org,2002:float", _written_float)

_STR = "tag:yaml.org,2002:str"
# What a plain key may resolve to; a key is kept as the text it is written as (``01`` and ``1`` are
# two keys, not both the number 1; ``no`` is Norway, not false).
_IMPLICIT_KEYS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float"))


def inspect(root: yaml.Node) -> None:
    """Keep keys as written, and refuse aliases that would repeat more than ``MAX_ALIAS_NODES`` values.

    Sizes are memoised per node, so the walk is linear in the file however the aliases nest (an
    anchor always comes before its aliases); the problem is reported at the anchor's line.
    """
    sizes: dict[int, int] = {}
    repeated = 0

    def size(node: yaml.Node) -> int:
        nonlocal repeated
        known = sizes.get(id(node))
        if known is not None:  # an alias: its values are repeated
            repeated += known
            if repeated > MAX_ALIAS_NODES:
                raise NodeError(
                    node.start_mark,
                    f"YAML aliases (*name) would repeat more than {MAX_ALIAS_NODES} values here; "
                    "write the values out instead",
                )
            return known
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.tag in _IMPLICIT_KEYS:
                        key.tag = _STR
                    try:
                        readable(key.value)
                    except ValueError as exc:
                        raise NodeError(key.start_mark, f"the key '{printable(key.value)}' {exc}") from None
                total += size(key) + size(value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        sizes[id(node)] = total
        return total

    size(root)


def field_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{printable(part)}" if out else printable(part))
    return out


def node_at(root: yaml.Node, loc: Sequence[str | int]) -> tuple[yaml.Node, bool]:
    """The deepest YAML node along ``loc``, and whether the whole path was found."""
    node = root
    for depth, part in enumerate(loc, start=1):
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == part), None)
            if match is None:
                return node, False
            node = match[1] if depth < len(loc) else match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node, False
    return node, True


def duplicate_keys(node: yaml.Node, path: tuple[str | int, ...] = ()) -> Iterator[tuple[yaml.Node, str]]:
    """PyYAML keeps the last of two equal keys silently; an operator's copy-paste slip must not vanish."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue  # refused (with its line) when the document is constructed
            if key.value in seen:
                yield key, field_path((*path, key.value))
            seen.add(key.value)
            yield from duplicate_keys(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from duplicate_keys(item, (*path, i))


def yaml_problem(file: str, text: str, exc: Exception) -> Problem:
    """One line for any YAML failure, with the line number when PyYAML knows it."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        return Problem(file, line, "", f"not valid YAML: {exc.problem or exc.context}")
    if isinstance(exc, yaml.reader.ReaderError):
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        line = text.count("\n", 0, exc.position) + 1
        return Problem(file, line, "", f"not valid YAML: unacceptable character #x{char:04x}")
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Problem(file, None, "", f"not valid YAML: {first}")
