"""The frontmatter of a post-mortem: a YAML mapping read with the line of every key.

PyYAML composes nodes (keeping marks); the values are built here, so that duplicate keys,
aliases and YAML 1.1 surprises become findings instead of silent data. The configuration file
is read with the same loader.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import Any

import yaml

from .findings import Finding, input_error

MAX_YAML_NODES = 5_000
MAX_YAML_DEPTH = 32


def path_key(parts: Iterable[str | int]) -> str:
    """The key of a value's line in the `lines` map: ("authors", 1) -> "authors/1"."""
    return "/".join(str(p) for p in parts)


_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML11_BOOLS = {"y", "yes", "n", "no", "on", "off"}
_TAG = "tag:yaml.org,2002:"


class _Places:
    """File line and column of a YAML mark.

    YAML also breaks lines at NEL, U+2028 and U+2029, the file (and GitHub) does not: when
    the frontmatter holds one of these, places are counted from the mark's character index.
    """

    def __init__(self, source: str):
        self.newlines: list[int] | None = None
        if any(c in source for c in "\x85\u2028\u2029"):
            self.newlines = [i for i, c in enumerate(source) if c == "\n"]

    def line(self, mark: yaml.Mark) -> int:
        """0-based line of the mark in the frontmatter source."""
        if self.newlines is None:
            return mark.line
        return bisect.bisect_left(self.newlines, mark.index)

    def column(self, mark: yaml.Mark) -> int:
        """1-based column of the mark."""
        if self.newlines is None:
            return mark.column + 1
        line = self.line(mark)
        return mark.index - (self.newlines[line - 1] + 1 if line else 0) + 1


class _Stop(Exception):
    def __init__(self, finding: Finding):
        self.finding = finding


def load_frontmatter(
    source: str, shown: str, first_line: int = 1
) -> tuple[dict[str, Any], dict[str, int], list[Finding]]:
    """Safe-load a YAML mapping, with the line of every key; problems as findings."""
    problems: list[Finding] = []
    lines: dict[str, int] = {}
    places = _Places(source)
    try:
        node = yaml.compose(source, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (places.line(mark) if mark else 0)
        column = places.column(mark) if mark else 1
        what = error.problem or "invalid YAML"
        hint = "Check indentation, and quote values containing `: ` or `#`."
        source_lines = source.split("\n")
        number = places.line(mark) if mark else len(source_lines)
        text_line = source_lines[number] if number < len(source_lines) else ""
        at = text_line[column - 1 : column] if mark else ""
        if at in ("@", "`"):
            # `authors: [@alice]`: YAML reserves these characters at the start of a value.
            what = f"a value cannot start with `{at}` unless it is quoted"
            hint = (
                f'Quote it: "{at}..." (for example `authors: ["@alice", "@bob"]`); '
                "`postmortem validate --fix` quotes them for you."
            )
        elif "mapping values are not allowed" in what:
            hint = (
                'Quote the value that contains `: ` (for example `title: "Outage: API down"`); '
                "`postmortem validate --fix` quotes it for you."
            )
        return (
            {},
            lines,
            [
                input_error(
                    shown,
                    line,
                    "IN012",
                    f"invalid YAML in frontmatter: {what}",
                    hint,
                    column=column,
                )
            ],
        )
    except yaml.reader.ReaderError as error:  # a character YAML refuses: a control character
        # The C reader counts the position in UTF-8 bytes, the Python one in characters.
        before = (
            source[: error.position]
            if _Loader is yaml.SafeLoader
            else source.encode("utf-8", "surrogatepass")[: error.position].decode("utf-8", "ignore")
        )
        code = error.character if isinstance(error.character, int) else ord(error.character[0])
        return (
            {},
            lines,
            [
                input_error(
                    shown,
                    first_line + before.count("\n"),
                    "IN012",
                    f"invalid YAML in frontmatter: character U+{code:04X} is not allowed",
                    "Remove the control character (often pasted with text from a terminal).",
                    column=len(before) - before.rfind("\n"),
                )
            ],
        )
    except yaml.YAMLError as error:
        return (
            {},
            lines,
            [input_error(shown, first_line, "IN012", f"invalid YAML in frontmatter: {error}")],
        )
    except RecursionError:
        return (
            {},
            lines,
            [input_error(shown, first_line, "IN017", "frontmatter is nested too deeply")],
        )
    if node is None:
        return {}, lines, [input_error(shown, first_line, "IN013", "frontmatter is empty")]
    if not isinstance(node, yaml.MappingNode):
        return (
            {},
            lines,
            [
                input_error(
                    shown,
                    first_line + places.line(node.start_mark),
                    "IN013",
                    "frontmatter must be a mapping of `key: value` lines, not a "
                    f"{'list' if isinstance(node, yaml.SequenceNode) else 'single value'}",
                )
            ],
        )
    builder = _Builder(shown, first_line, lines, problems, places)
    try:
        value = builder.build(node, [], 0)
    except _Stop as stop:
        problems.append(stop.finding)
        return {}, lines, problems
    return value, lines, problems


class _Builder:
    def __init__(
        self,
        shown: str,
        first_line: int,
        lines: dict[str, int],
        problems: list[Finding],
        places: _Places,
    ):
        self.shown = shown
        self.places = places
        self.first_line = first_line
        self.lines = lines
        self.problems = problems
        self.seen: set[int] = set()
        self.count = 0

    def line(self, node: yaml.Node) -> int:
        return self.first_line + self.places.line(node.start_mark)

    def build(self, node: yaml.Node, path: list[str | int], depth: int, at: int = 0) -> Any:
        # The composer returns the same node object for every alias of an anchor: seeing a
        # node twice means an alias, which a post-mortem never needs and a YAML bomb relies on.
        # `at` is the line of the enclosing key or list, where the alias was written.
        if id(node) in self.seen:
            raise _Stop(
                input_error(
                    self.shown,
                    at or self.line(node),
                    "IN015",
                    "YAML anchors and aliases (`&name`, `*name`) are not allowed in frontmatter",
                    "Write the value out in full.",
                )
            )
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_YAML_NODES or depth > MAX_YAML_DEPTH:
            raise _Stop(
                input_error(
                    self.shown,
                    self.line(node),
                    "IN017",
                    "frontmatter is too large or too deeply nested",
                )
            )
        if path:
            self.lines.setdefault(path_key(path), self.line(node))
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Stop(
                        input_error(
                            self.shown,
                            self.line(key_node),
                            "IN013",
                            "frontmatter keys must be plain words",
                        )
                    )
                key = str(key_node.value)
                if key == "<<":
                    raise _Stop(
                        input_error(
                            self.shown,
                            self.line(key_node),
                            "IN015",
                            "YAML merge keys (`<<`) are not allowed in frontmatter",
                        )
                    )
                if key in result:
                    first = self.lines.get(path_key([*path, key]), self.line(key_node))
                    self.problems.append(
                        input_error(
                            self.shown,
                            self.line(key_node),
                            "IN014",
                            f"duplicate key `{key}` (first defined on line {first}); "
                            "YAML would silently keep only the last one",
                            "Remove one of the two.",
                            column=self.places.column(key_node.start_mark),
                        )
                    )
                    continue
                self.lines[path_key([*path, key])] = self.line(key_node)
                result[key] = self.build(value_node, [*path, key], depth + 1, self.line(key_node))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, [*path, i], depth + 1, self.line(node))
                for i, item in enumerate(node.value)
            ]
        return self.scalar(node, path)

    def scalar(self, node: yaml.ScalarNode, path: list[str | int]) -> Any:
        tag = node.tag.removeprefix(_TAG)
        raw = node.value
        plain = not node.style  # None (pure-Python parser) or "" (libyaml)
        where = ".".join(str(p) for p in path) or "value"
        if tag == "bool":
            if plain and raw.lower() in _YAML11_BOOLS:
                self.problems.append(
                    input_error(
                        self.shown,
                        self.line(node),
                        "IN016",
                        f"`{where}: {raw}` is ambiguous: YAML 1.1 reads it as the boolean "
                        f"{str(raw.lower() in ('y', 'yes', 'on')).lower()}, YAML 1.2 as the word",
                        "Write true or false for a yes/no field, or quote it "
                        f'("{raw}") for the word; `postmortem validate --fix` does it.',
                        column=self.places.column(node.start_mark),
                    )
                )
                return raw
            return raw.lower() == "true"
        if tag == "int":
            text = raw.replace("_", "")
            if plain and (
                re.fullmatch(r"[-+]?0[0-7]+", text)
                or ":" in text
                or text.startswith(("0o", "0x", "0b"))
            ):
                self.problems.append(
                    input_error(
                        self.shown,
                        self.line(node),
                        "IN016",
                        f"`{where}: {raw}` would be read by YAML 1.1 as a number in another base",
                        f'Quote it: "{raw}".',
                        column=self.places.column(node.start_mark),
                    )
                )
                return raw
            try:
                return int(text)
            except ValueError:
                return raw
        if tag == "float":
            try:
                return float(raw.replace("_", ""))
            except ValueError:
                return raw
        if tag == "null":
            return None
        # Timestamps, binary and everything else stay text: the schema checks their form.
        return raw
