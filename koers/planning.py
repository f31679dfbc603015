"""The process around the agenda: phases from ``content/planning.yml``, merged with the versions.

``content/planning.yml`` lists the phases of the municipality's process, oldest
first. Each phase has one day (``date``) or a period (``start`` and an optional
``end``), a status (done, now, planned) and optionally the moments where
residents and partners can take part. ``precision: month`` or ``year`` records
that a source gives only the month or the year: the date is then written as the
first day of that month or year and shown as "december 2023" or "2022", so no
page claims a day nobody knows. Schema: ``koers/schemas/planning.schema.json``.

`parse_planning` validates the file; `timeline` merges its phases with the
declared agenda versions (`koers.versions.Version`) into one chronological list.

Template contract of ``overrides/koers/proces.md`` (rendered with
`koers.render.make_environment`, autoescape and StrictUndefined on):

``page_url`` (str)
    The page's own site-relative URL, like ``"proces/"``.
``items`` (list[TimelineItem])
    The result of `timeline`: phases and versions, oldest first. May be empty.
``municipality`` (str)
    The municipality's name, like ``"Leiderdorp"``.
``version_url`` (Callable[[str], str])
    A version id → the version page's site-relative URL, like ``"versies/x/"``;
    the template links with ``relative_url(page_url, version_url(id))``.

plus the environment's globals and filters: ``relative_url``, ``datum`` (a
date as "26 juni 2017") and ``oneline`` (collapses a field's whitespace).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .frontmatter import dates_as_text, decode, field_name, line_at, parse_yaml
from .problems import Problem
from .schema import validate
from .versions import WORKING, Version

PLANNING_FILE = "content/planning.yml"
STATUS_LABELS = {"done": "afgerond", "now": "nu", "planned": "gepland"}

_DATE_KEYS = ("date", "start", "end")
# The schema states "exactly one of 'date' and 'start'" and "'end' needs 'start'" with
# oneOf / not / dependentRequired, for editors' tools; jsonschema words those errors for
# programmers ("… is not valid under any of the given schemas"), so `_check_shape` reports
# them in editors' words and these generic messages are dropped.
_COMBINATOR_MESSAGE = re.compile(r"valid under|is a dependency of")


@dataclass(frozen=True)
class When:
    """One day, month or year (`period` False), or a period from `start` to an optional `end`.

    With `precision` "month" or "year", `start` and `end` are the first day of
    that month or year and stand for the whole month or year.
    """

    start: dt.date
    end: dt.date | None = None
    period: bool = False
    precision: str = "day"

    @property
    def open(self) -> bool:
        """A period without an end yet ("vanaf 19 april 2017")."""
        return self.period and self.end is None

    @property
    def latest_start(self) -> dt.date:
        """The last day `start` may stand for: itself, or the end of its month or year."""
        if self.precision == "year":
            return self.start.replace(month=12, day=31)
        if self.precision == "month":
            following = (self.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return following - dt.timedelta(days=1)
        return self.start

    def iso(self, day: dt.date) -> str:
        """The value of a ``<time datetime>``: "2017-04-19", "2017-04" or "2017"."""
        return {"year": day.strftime("%Y"), "month": day.strftime("%Y-%m")}.get(self.precision, day.isoformat())

    @property
    def start_iso(self) -> str:
        return self.iso(self.start)

    @property
    def end_iso(self) -> str | None:
        return self.iso(self.end) if self.end else None


@dataclass(frozen=True)
class Moment:
    """A moment in a phase where residents and partners can take part, and how."""

    title: str
    how: str
    when: When | None = None


@dataclass(frozen=True)
class Phase:
    """One phase of the process, as written in planning.yml (`line`: where it starts)."""

    title: str
    when: When
    status: str
    description: str | None = None
    participation: tuple[Moment, ...] = ()
    line: int | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class TimelineItem:
    """One entry of the process page: a phase (`kind` "phase") or an agenda version ("version").

    `status` is a phase's done/now/planned or a version's status (concept,
    ter-inzage, vastgesteld, ingetrokken); `label` is that status in Dutch words.
    """

    kind: str
    title: str
    when: When
    status: str
    label: str
    description: str | None = None
    participation: tuple[Moment, ...] = ()
    version_id: str | None = None
    decision: str | None = None

    @property
    def current(self) -> bool:
        """The phase under way now (marked ``aria-current="step"``)."""
        return self.kind == "phase" and self.status == "now"


def parse_planning(raw: bytes, path: str = PLANNING_FILE) -> tuple[list[Phase], list[Problem]]:
    """Validate planning.yml: schema, date or start, periods, date order and statuses."""
    text, problems = decode(path, raw)
    if text is None:
        return [], problems
    data, lines, problems = parse_yaml(path, text)
    if problems:
        return [], problems
    if data is None or data == {}:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(path, 1, "the file must be a list of phases, oldest first, each starting with "
                            "'- title: …' (see koers/schemas/planning.schema.json)")]
    line_of = partial(line_at, lines)
    data = dates_as_text(data)
    problems = [p for p in validate(path, data, "planning", line_of) if not _COMBINATOR_MESSAGE.search(p.message)]
    problems += _check_shape(path, data, line_of)
    if problems:
        return [], _in_file_order(problems)
    phases = [_phase(item, line_of(index)) for index, item in enumerate(data)]
    problems += _check_dates(path, data, line_of)
    problems += _check_order(path, data, phases, line_of)
    return phases, _in_file_order(problems)


def check_planning_file(root: Path) -> list[Problem]:
    """The problems of the project's content/planning.yml (none without one)."""
    path = root / PLANNING_FILE
    return parse_planning(path.read_bytes())[1] if path.is_file() else []


def timeline(phases: list[Phase], versions: list[Version]) -> list[TimelineItem]:
    """Phases and declared versions in one list, oldest first (the werkversie is left out).

    Items are ordered by their (first) day; on the same day a phase comes before
    a version, and otherwise the order of the files is kept.
    """
    items = [TimelineItem("phase", p.title, p.when, p.status, p.label, p.description, p.participation)
             for p in phases]
    items += [TimelineItem("version", v.title, When(v.date), v.status, v.status_label, version_id=v.id,
                           decision=v.decision)
              for v in versions if v.id != WORKING and v.date is not None]
    return sorted(items, key=lambda item: (item.when.start, item.kind != "phase"))


def _phase(item: dict[str, Any], line: int) -> Phase:
    moments = tuple(Moment(m["title"].strip(), m["how"].strip(), _when(m)) for m in item.get("participation") or [])
    when = _when(item)
    assert when is not None  # the schema requires 'date' or 'start'
    description = item.get("description")
    return Phase(item["title"].strip(), when, item["status"], description.strip() if description else None,
                 moments, line)


def _when(item: dict[str, Any]) -> When | None:
    precision = item.get("precision", "day")
    if "date" in item:
        return When(dt.date.fromisoformat(item["date"]), precision=precision)
    if "start" in item:
        end = dt.date.fromisoformat(item["end"]) if "end" in item else None
        return When(dt.date.fromisoformat(item["start"]), end, period=True, precision=precision)
    return None


def _check_shape(path: str, data: list[Any], line_of: Any) -> list[Problem]:
    """Each phase has exactly one of 'date' and 'start'; a moment at most one; 'end' needs 'start'."""
    problems = []
    for index, phase in enumerate(data):
        if not isinstance(phase, dict):
            continue
        if "date" not in phase and "start" not in phase:
            problems.append(Problem(path, line_of(index), f"entry {index + 1}: missing 'date' or 'start'; add a line "
                                    "'date: YYYY-MM-DD' for a single day, or 'start: YYYY-MM-DD' for a period"))
        else:
            problems += _check_one_of(path, (index,), phase, line_of)
        moments = phase.get("participation")
        for number, moment in enumerate(moments if isinstance(moments, list) else []):
            if isinstance(moment, dict):
                problems += _check_one_of(path, (index, "participation", number), moment, line_of)
    return problems


def _check_one_of(path: str, where: tuple, item: dict[str, Any], line_of: Any) -> list[Problem]:
    name = field_name(where)
    if "date" in item and "start" in item:
        return [Problem(path, line_of(*where, "start"), f"{name}: write either 'date' (a single day) or 'start' "
                        "(a period), not both")]
    if "end" in item and "start" not in item:
        return [Problem(path, line_of(*where, "end"), f"{name}: 'end' closes a period, so it needs a 'start'; "
                        "write 'start' instead of 'date', or remove 'end'")]
    return []


def _check_dates(path: str, data: list[dict[str, Any]], line_of: Any) -> list[Problem]:
    """A period ends on or after its start; an approximate date is the first day of its month or year."""
    problems = []
    items = [((index,), phase) for index, phase in enumerate(data)]
    items += [((index, "participation", number), moment) for index, phase in enumerate(data)
              for number, moment in enumerate(phase.get("participation") or [])]
    for where, item in items:
        precision = item.get("precision", "day")
        for key in _DATE_KEYS:
            if key not in item or precision == "day":
                continue
            day = dt.date.fromisoformat(item[key])
            first = day.replace(day=1) if precision == "month" else day.replace(month=1, day=1)
            if day != first:
                unit = "month" if precision == "month" else "year"
                problems.append(Problem(path, line_of(*where, key), f"{field_name((*where, key))}: 'precision' is "
                                        f"'{precision}', so write the first day of the {unit}: {first.isoformat()} "
                                        f"(got {item[key]})"))
        start, end = (dt.date.fromisoformat(item[k]) if k in item else None for k in ("start", "end"))
        if start and end and end < start:
            problems.append(Problem(path, line_of(*where, "end"), f"{field_name((*where, 'end'))}: the period ends on "
                                    f"{item['end']}, before it starts ({item['start']}); check both dates"))
    return problems


def _check_order(path: str, data: list[dict[str, Any]], phases: list[Phase], line_of: Any) -> list[Problem]:
    """Phases oldest first, at most one under way, nothing planned before something done.

    An approximate date counts as any day of its month or year, so "april 2017"
    may stand before or after 18 April 2017.
    """
    problems = []
    key = lambda index: "date" if "date" in data[index] else "start"  # noqa: E731
    for index in range(1, len(phases)):
        before, phase = phases[index - 1], phases[index]
        if phase.when.latest_start < before.when.start:
            problems.append(Problem(path, line_of(index, key(index)), f"entry {index + 1}: the phase starts on "
                                    f"{data[index][key(index)]}, before the phase above it "
                                    f"({data[index - 1][key(index - 1)]}); list the phases oldest first"))
    under_way = [index for index, phase in enumerate(phases) if phase.status == "now"]
    for index in under_way[1:]:
        problems.append(Problem(path, line_of(index, "status"), f"entry {index + 1}: 'status' is 'now', but entry "
                                f"{under_way[0] + 1} is 'now' too; only one phase can be under way: set the "
                                "finished one to 'done'"))
    for index, phase in enumerate(phases):
        if phase.status != "planned":
            continue
        done = next((other for other, p in enumerate(phases)
                     if p.status == "done" and phase.when.latest_start < p.when.start), None)
        if done is not None:
            problems.append(Problem(path, line_of(index, "status"), f"entry {index + 1}: the phase is 'planned', but "
                                    f"it starts before entry {done + 1}, which is 'done'; set it to 'done' (or "
                                    "'now' if it is still under way), or correct the dates"))
    return problems


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.line or 0)


