"""Reading one content file: bytes → front matter (with line numbers) and Markdown body.

Contributed files are untrusted, so reading is defensive: a size cap before
decoding, UTF-8 only (a BOM is accepted), YAML loaded with the safe loader and
refused when aliases would expand into a huge document (a "YAML bomb").
Problems are returned, never raised, so a caller can report every file at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from .problems import Problem

MAX_FILE_BYTES = 512 * 1024
MAX_YAML_NODES = 20_000

Path_ = tuple[str | int, ...]
_FENCE = re.compile(r"^---[ \t]*$")
# What YAML refuses to read (it allows tab, newline and the printable characters).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


@dataclass
class Document:
    """A parsed content file: its fields, where each field stands, and its body."""

    path: str
    data: dict[str, Any]
    lines: dict[Path_, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line(self, *where: str | int) -> int:
        """The line of a field or list item, falling back to its nearest parent."""
        return line_at(self.lines, *where)


def line_at(lines: dict[Path_, int], *where: str | int) -> int:
    """The line of a field or list item in `lines`, falling back to its nearest parent."""
    key: Path_ = tuple(where)
    while key and key not in lines:
        key = key[:-1]
    return lines.get(key, 1)


def field_name(where: Path_) -> str:
    """("relations", 0, "goal") → "'relations' item 1, 'goal'"."""
    parts: list[str] = []
    for step in where:
        if isinstance(step, int) and not parts:
            parts.append(f"entry {step + 1}")
        elif isinstance(step, int):
            parts[-1] += f" item {step + 1}"
        else:
            parts.append(f"'{step}'")
    return ", ".join(parts) if parts else "the front matter"


def dates_as_text(data: Any) -> Any:
    """YAML reads 2017-06-26 as a date; the schemas check dates as text, as JSON has them."""
    if isinstance(data, list):
        return [dates_as_text(item) for item in data]
    if isinstance(data, dict):
        return {key: dates_as_text(value) for key, value in data.items()}
    return data.isoformat() if isinstance(data, dt.date) else data


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes → text, enforcing the size cap and UTF-8 (BOM accepted)."""
    if len(raw) > MAX_FILE_BYTES:
        size = f"{len(raw) / 1024 / 1024:.1f} MB" if len(raw) >= 1024 * 1024 else f"{len(raw) // 1024} KB"
        return None, [Problem(path, None, f"file is {size}; a content file may be at most "
                              f"{MAX_FILE_BYTES // 1024} KB (split the text over several files)")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                              "save it with the encoding UTF-8")]
    return text.removeprefix("\ufeff").replace("\r\n", "\n"), []


def parse_document(path: str, raw: bytes, *,
                   front_matter_required: bool = True) -> tuple[Document | None, list[Problem]]:
    """Split a Markdown file into front matter and body and parse the front matter."""
    text, problems = decode(path, raw)
    if text is None:
        return None, problems
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        if not front_matter_required:
            return Document(path, {}, {}, text, 1), []
        return None, [Problem(path, 1, "missing front matter: start the file with a line '---', "
                              "then the fields ('title: …'), then another line '---'")]
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        return None, [Problem(path, 1, "the front matter is not closed: add a line '---' after the last field")]
    data, where, problems = parse_yaml(path, "\n".join(lines[1:end]), first_line=2)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(path, 2, "the front matter must be a list of 'field: value' lines")]
    body = "\n".join(lines[end + 1:])
    front = "\n".join(lines[1:end])
    return Document(path, data, where, body, end + 2), _cut_by_comment(path, front, 2) if " #" in front else []


def _cut_by_comment(path: str, text: str, first_line: int) -> list[Problem]:
    """Warnings for a plain text followed by ' #' on its line: YAML reads the rest as a comment, so
    "title: Meer mensen #kunnen" is the title "Meer mensen". Advisory: "order: 3  # na wonen"
    is a comment on purpose, and only texts are checked."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    lines = text.split("\n")
    found = []
    stack: list[tuple[yaml.Node, Path_]] = [(root, ())] if root is not None else []
    while stack:
        node, where = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack += [(value, (*where, key.value)) for key, value in node.value if isinstance(key, yaml.ScalarNode)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, (*where, index)) for index, item in enumerate(node.value)]
        elif not node.style and node.tag == "tag:yaml.org,2002:str" and node.end_mark.line < len(lines):  # plain
            rest = lines[node.end_mark.line][node.end_mark.column:]
            if rest.lstrip().startswith("#"):
                found.append(Problem(path, first_line + node.end_mark.line, f"{field_name(where)}: the text after "
                                     f"'#' is read as a comment and left out (kept: '{node.value}'); put the whole "
                                     "text between quotes to keep it", "warning"))
    return sorted(found)


def parse_yaml(path: str, text: str, *, first_line: int = 1) -> tuple[Any, dict[Path_, int], list[Problem]]:
    """Safely parse YAML, returning the data and the line of every key and item."""
    if control := _CONTROL.search(text):
        line = first_line + text.count("\n", 0, control.start())
        return None, {}, [Problem(path, line, f"invisible control character U+{ord(control.group()):04X} in the "
                                  "text (often pasted from a word processor); retype the line without it")]
    for number, line in enumerate(text.split("\n"), start=first_line):
        indent = line[: len(line) - len(line.lstrip(" \t\u00a0"))]
        if "\t" in indent:
            return None, {}, [Problem(path, number, "tab character in the indentation; "
                                      "YAML must be indented with spaces")]
        if "\u00a0" in indent:  # a word processor's or web page's space, pasted
            return None, {}, [Problem(path, number, "non-breaking space in the indentation; "
                                      "YAML must be indented with ordinary spaces (retype them)")]
    known = _parse_well_formed(text, first_line)
    if known is not None:
        data, where, twice = known
        return (None, {}, _written_twice(path, twice)) if twice else (data, where, [])
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        size = _expanded_size(node, {}, set())
        if size > MAX_YAML_NODES:
            return None, {}, [Problem(path, first_line, f"the YAML expands to more than {MAX_YAML_NODES} "
                                      "values (aliases '*' repeating anchors '&'); write the values out "
                                      "instead of using aliases")]
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        # The safe loader refuses tags like '!!python/object/apply:…' instead of running them.
        mark = exc.problem_mark
        found = re.search(r"tag '([^']*)'", exc.problem or "")
        tag = found.group(1).replace("tag:yaml.org,2002:", "!!") if found else "?"
        column = f", column {mark.column + 1}" if mark else ""
        return None, {}, [Problem(path, first_line + (mark.line if mark else 0),
                                  f"YAML tag '{tag}' is not allowed{column}: fields hold plain text, numbers "
                                  "and lists (a text starting with '!' must be put between quotes)")]
    except yaml.MarkedYAMLError as exc:
        # "could not find expected ':'" is noticed on the line after the one that lacks it.
        missing_colon = "could not find expected ':'" in (exc.problem or "") and exc.context_mark is not None
        mark = exc.context_mark if missing_colon else exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        column = f", column {mark.column + 1}" if mark else ""
        reason = (exc.problem or exc.context or "invalid YAML").strip()
        return None, {}, [Problem(path, line, f"YAML syntax error{column}: {reason}{_hint(reason)}")]
    except ValueError:
        # PyYAML raises it for a well-formed date that does not exist, such as 2017-02-30.
        return None, {}, [_impossible_date(path, text, first_line)]
    except (yaml.YAMLError, RecursionError) as exc:
        return None, {}, [Problem(path, first_line, f"YAML error: {exc}")]
    finally:
        loader.dispose()
    where = {(): first_line}
    twice: list[tuple[Path_, int, int]] = []
    _record_lines(node, (), where, first_line, twice)
    return (None, {}, _written_twice(path, twice)) if twice else (data, where, [])


def _written_twice(path: str, twice: Sequence[tuple[Path_, int, int]]) -> list[Problem]:
    """YAML keeps only the last of two equal keys, so the first value (six results) would be lost."""
    return [Problem(path, second, f"{field_name(where)} is written twice (lines {first} and {second}); YAML "
                    "keeps only the last one, so remove one or put everything under one of them")
            for where, first, second in twice]


# The history and every version of the agenda read mostly the same file texts again; the
# answer for a text never changes. Callers share it, so they must not change it either.
@lru_cache(maxsize=1 << 14)
def _parse_well_formed(text: str, first_line: int
                       ) -> tuple[Any, dict[Path_, int], tuple[tuple[Path_, int, int], ...]] | None:
    """The data, the lines and the keys written twice of well-formed YAML (the fast path), or
    None for the careful one."""
    fast = _parse_fast(text)
    if fast is None:
        return None
    node, data = fast
    if node is None:
        return {}, {}, ()
    where: dict[Path_, int] = {(): first_line}
    twice: list[tuple[Path_, int, int]] = []
    _record_lines(node, (), where, first_line, twice)
    return data, where, tuple(twice)


def _parse_fast(text: str) -> tuple[yaml.Node | None, Any] | None:
    """Parse well-formed YAML with libyaml (about ten times faster), or None to take the slow path.

    Anything unusual (an error, a huge alias expansion) goes the pure-Python way, whose
    messages the error table pins and editors read.
    """
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None:
        return None
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if _may_be_huge(text) and _expanded_size(node, {}, set()) > MAX_YAML_NODES:
            return None
        return node, loader.construct_document(node)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    finally:
        loader.dispose()


def _may_be_huge(text: str) -> bool:
    """Whether `text` could expand to more than MAX_YAML_NODES values.

    Only an alias (`*name`) repeats values; without one every value takes at least one
    character of its own, or shares it with at most three others (a block mapping starts
    with its first key; an empty value sits on its ':'). Front matter is far below that.
    """
    return "*" in text or 4 * len(text) >= MAX_YAML_NODES


_DATE_LIKE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _impossible_date(path: str, text: str, first_line: int) -> Problem:
    """The line of the first date PyYAML could not build."""
    for number, line in enumerate(text.split("\n"), start=first_line):
        for match in _DATE_LIKE.finditer(line.split("#", 1)[0]):
            try:
                dt.date(*map(int, match.groups()))
            except ValueError:
                return Problem(path, number, f"'{match.group(0)}' is not a day in the calendar; write an existing "
                               "date as YYYY-MM-DD, like 2017-06-26")
    return Problem(path, first_line, "a date does not exist in the calendar; write dates as YYYY-MM-DD, "
                   "like 2017-06-26")


def _hint(reason: str) -> str:
    if "mapping values are not allowed" in reason:
        return " (a text containing ': ' must be put between quotes)"
    if "could not find expected ':'" in reason or "expected <block end>" in reason:
        return (" (check the indentation, that every field reads 'name: value' and that every item of a list "
                "starts with '- ')")
    if "found character" in reason and "cannot start any token" in reason:
        return " (put the text between quotes)"
    return ""


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int]) -> int:
    """Number of values after alias expansion, computed without expanding."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:  # a recursive alias expands forever
        return MAX_YAML_NODES + 1
    active.add(key)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, active)
            if size > MAX_YAML_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, active) + _expanded_size(v, memo, active)
            if size > MAX_YAML_NODES:
                break
    active.discard(key)
    memo[key] = size
    return size


def _record_lines(node: yaml.Node, at: Path_, where: dict[Path_, int], first_line: int,
                  twice: list[tuple[Path_, int, int]]) -> None:
    """Record the line of every key and item in `where`, and each key a mapping has twice in `twice`."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                path = (*at, key_node.value)
                line = first_line + key_node.start_mark.line
                if path in where:
                    twice.append((path, where[path], line))
                where.setdefault(path, line)
                _record_lines(value_node, path, where, first_line, twice)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            path = (*at, index)
            where.setdefault(path, first_line + child.start_mark.line)
            _record_lines(child, path, where, first_line, twice)
