"""Versions of the agenda the council saw (concept, ter inzage, vastgesteld), read from git.

``content/versions.yml`` lists them oldest first, each at a git ref. The agenda
as it stood at a version is read from git with one ``ls-tree`` per version and
one ``cat-file --batch`` for all of them (`VersionReader`, a step at a time); the
current working tree is always available as the *werkversie*.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Generator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import NamedTuple

from .frontmatter import dates_as_text, decode, line_at, parse_yaml
from .history import GitError, read_blobs, run_git
from .loading import Layout, load_agenda, read_files
from .model import Agenda
from .problems import Problem
from .schema import did_you_mean, validate

VERSIONS_FILE = "content/versions.yml"
WORKING = "werkversie"
STATUS_LABELS = {"concept": "concept", "ter-inzage": "ter inzage", "vastgesteld": "vastgesteld",
                 "ingetrokken": "ingetrokken", WORKING: "werkversie, niet vastgesteld"}


@dataclass(frozen=True)
class Version:
    """A declared version, or the werkversie (`sha` None, `working` True)."""

    id: str
    title: str
    date: dt.date | None
    status: str
    ref: str
    decision: str | None = None
    description: str | None = None
    sha: str | None = None

    @property
    def working(self) -> bool:
        return self.id == WORKING

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


class VersionContents(NamedTuple):
    """The agenda of each version (by id), the goal renames between each pair of versions
    (see `renames_between`), and the problems of the declared versions' files."""

    agendas: dict[str, Agenda]
    renames: dict[tuple[str, str], dict[str, str]]
    problems: list[Problem]


@dataclass
class VersionSet:
    """The declared versions plus the werkversie; the agenda of each is made on first use."""

    versions: list[Version] = field(default_factory=list)
    # Version id → a digest of what its agenda is made of, for cache keys: far cheaper than
    # digesting the agendas themselves. A declared version's covers its commit, the layout, the
    # document setting and the chapter titles; the werkversie's its agenda and the renames git
    # finds from the last declared version. `Project.load_versions` sets it.
    sources: dict[str, str] = field(default_factory=dict)
    # Makes the contents: reading the declared versions from git takes a while, and a build
    # with the cache (or a second process) may not need them here at all.
    make: Callable[[], VersionContents] = field(
        default=lambda: VersionContents({}, {}, []), repr=False, compare=False)

    @cached_property
    def contents(self) -> VersionContents:
        return self.make()

    @property
    def agendas(self) -> dict[str, Agenda]:
        return self.contents.agendas

    @property
    def renames(self) -> dict[tuple[str, str], dict[str, str]]:
        return self.contents.renames

    def get(self, version_id: str) -> Version:
        return next(v for v in self.versions if v.id == version_id)

    def pairs(self) -> list[tuple[Version, Version]]:
        """Every older → newer pair; the werkversie is the newest."""
        return [(old, new) for i, old in enumerate(self.versions) for new in self.versions[i + 1:]]

    def between(self, old_id: str, new_id: str) -> list[Version]:
        """The versions from `old_id` to `new_id`, both included: those a comparison follows
        goals through (`renames_between`)."""
        ids = [v.id for v in self.versions]
        return self.versions[ids.index(old_id):ids.index(new_id) + 1]


def working_version(today: dt.date | None = None) -> Version:
    return Version(WORKING, "Werkversie", today, WORKING, "HEAD")


def parse_versions(raw: bytes, path: str = VERSIONS_FILE) -> tuple[list[Version], list[Problem]]:
    """Validate versions.yml (schema, unique ids, date order); refs are checked by `resolve_refs`."""
    text, problems = decode(path, raw)
    if text is None:
        return [], problems
    data, lines, problems = parse_yaml(path, text)
    if problems:
        return [], problems
    if data is None or data == {}:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(path, 1, "the file must be a list of versions, oldest first, each starting with "
                            "'- id: …' (see koers/schemas/versions.schema.json)")]
    line_of = partial(line_at, lines)
    data = dates_as_text(data)
    problems = validate(path, data, "versions", line_of)
    if problems:
        return [], problems
    versions: list[Version] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data):
        if item["id"] == WORKING:
            problems.append(Problem(path, line_of(index, "id"), f"entry {index + 1}: the id '{WORKING}' is reserved "
                                    "for the current text; choose another id"))
        if item["id"] in seen:
            problems.append(Problem(path, line_of(index, "id"), f"entry {index + 1}: the id '{item['id']}' is also "
                                    f"used by entry {seen[item['id']] + 1}; give each version its own id"))
        seen.setdefault(item["id"], index)
        date = dt.date.fromisoformat(item["date"])
        if versions and versions[-1].date and date < versions[-1].date:
            problems.append(Problem(path, line_of(index, "date"), f"entry {index + 1}: the date {item['date']} is "
                                    f"before the date of the entry above it ({versions[-1].date.isoformat()}); "
                                    "list the versions oldest first"))
        versions.append(Version(item["id"], item["title"].strip(), date, item["status"], item["ref"].strip(),
                                item.get("decision"), item.get("description")))
    return versions, problems


def resolve_refs(toplevel: Path, versions: list[Version], raw: bytes,
                 path: str = VERSIONS_FILE) -> tuple[list[Version], list[Problem]]:
    """Turn every ref into a commit sha with one ``git cat-file --batch-check``."""
    if not versions:
        return [], []
    request = "".join(f"{v.ref}^{{commit}}\n" for v in versions).encode()
    out = run_git(["cat-file", "--batch-check"], toplevel, stdin=request).decode().splitlines()
    _, lines, _ = parse_yaml(path, raw.decode("utf-8", "replace").removeprefix("\ufeff"))
    resolved, problems = [], []
    for index, (version, answer) in enumerate(zip(versions, out)):
        sha, _, kind = answer.partition(" ")
        if kind.startswith("commit"):
            resolved.append(Version(**{**version.__dict__, "sha": sha}))
        else:
            problems.append(Problem(path, line_at(lines, index, "ref"), f"entry {index + 1}: 'ref' is "
                                    f"'{version.ref}', but git knows no tag or commit by that name; use a tag "
                                    "(git tag) or the full SHA of the commit, and fetch the full history "
                                    "('git fetch --tags --unshallow')"))
    return resolved, problems


def read_declared(root: Path, toplevel: Path | None) -> tuple[list[Version], list[Problem]]:
    """The versions the project's content/versions.yml declares (none without one), with their
    commits when there is a repository (`toplevel`), and the file's problems."""
    path = root / VERSIONS_FILE
    if not path.is_file():
        return [], []
    raw = path.read_bytes()
    declared, problems = parse_versions(raw)
    if not problems and toplevel is not None:
        declared, problems = resolve_refs(toplevel, declared, raw)
    return declared, problems


def read_agendas(toplevel: Path, versions: list[Version], layout: Layout) -> tuple[dict[str, Agenda], list[Problem]]:
    """The agenda at each version's commit: one ls-tree per version, one cat-file for all."""
    files = version_files(toplevel, versions, layout)
    agendas, problems = {}, []
    for version in versions:
        agendas[version.id], found = agenda_at(version, files[version.id], layout)
        problems += found
    return agendas, problems


def version_files(toplevel: Path, versions: Sequence[Version], layout: Layout) -> dict[str, dict[str, bytes]]:
    """The content files at each version's commit (version id → path → bytes)."""
    trees: dict[str, dict[str, str]] = {}
    for version in versions:
        out = run_git(["ls-tree", "-r", "-z", "--full-tree", str(version.sha), "--",
                       layout.docs_dir, layout.themes_dir, layout.goals_dir], toplevel)
        entries = {}
        for record in out.split(b"\0"):
            if record:
                meta, _, name = record.partition(b"\t")
                entries[name.decode("utf-8", "surrogateescape")] = meta.split()[2].decode()
        trees[version.id] = entries
    blobs = read_blobs(toplevel, sorted({sha for tree in trees.values() for sha in tree.values()}))
    return {version_id: {p: blobs[sha] for p, sha in tree.items() if sha in blobs and layout.wanted(p)}
            for version_id, tree in trees.items()}


def agenda_at(version: Version, files: Mapping[str, bytes], layout: Layout) -> tuple[Agenda, list[Problem]]:
    """The agenda in a version's `files`, and its files' errors as warnings about the version:
    an old version is published as it was, without what could not be read."""
    agenda, found = load_agenda(files, layout)
    return agenda, [Problem(VERSIONS_FILE, None, f"version '{version.id}' ({version.ref}): {p}", "warning")
                    for p in found if p.severity == "error"]


class DeclaredVersions(NamedTuple):
    """What the declared versions hold, as read from git (the build cache keeps it by commit):
    the agenda of each (by id), their files' problems, and the goal renames git finds between
    each version and the next."""

    agendas: dict[str, Agenda]
    problems: list[Problem]
    steps: list[dict[str, str]]


_FILES_PER_STEP = 250


class VersionReader:
    """Reads `DeclaredVersions` from git a step at a time: the files of every version, then
    each version's agenda (`_FILES_PER_STEP` files a step), then the renames between them.

    A build takes steps (`step`) while it waits for git to write the log, and leaves the
    rest to whatever first needs the result (`read`): at scale, a second process.
    """

    def __init__(self, toplevel: Path, declared: Sequence[Version], layout: Layout) -> None:
        self._steps = self._read(toplevel, list(declared), layout)
        self._result: DeclaredVersions | None = None

    @property
    def done(self) -> bool:
        return self._result is not None

    def step(self) -> bool:
        """Take the next step; False when it was the last (or none was left)."""
        if self._result is None:
            try:
                next(self._steps)
                return True
            except StopIteration as end:
                self._result = end.value
        return False

    def read(self) -> DeclaredVersions:
        """Everything: the steps left are taken now."""
        while self.step():
            pass
        assert self._result is not None
        return self._result

    @staticmethod
    def _read(toplevel: Path, declared: list[Version], layout: Layout) -> Generator[None, None, DeclaredVersions]:
        files = version_files(toplevel, declared, layout)
        agendas, problems = {}, []
        for version in declared:
            mine = files.pop(version.id)
            paths = list(mine)
            # A few hundred files a step: the build stops taking steps when git has written the log,
            # and it waits for the step it is in.
            for start in range(0, max(1, len(paths)), _FILES_PER_STEP):
                yield
                read_files({p: mine[p] for p in paths[start:start + _FILES_PER_STEP]}, layout)
            agendas[version.id], found = agenda_at(version, mine, layout)
            problems += found
        yield
        return DeclaredVersions(agendas, problems, step_renames(toplevel, declared, layout))


def step_renames(toplevel: Path, versions: Sequence[Version], layout: Layout) -> list[dict[str, str]]:
    """The goal renames git detects between each of `versions` and the next (side by side)."""
    steps = list(zip(versions, versions[1:]))
    with ThreadPoolExecutor(max_workers=max(1, min(len(steps), os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda step: goal_renames(toplevel, step[0], step[1], layout), steps))


def renames_between(toplevel: Path, versions: Sequence[Version], agendas: Mapping[str, Agenda],
                    layout: Layout, steps: Sequence[dict[str, str]] | None = None
                    ) -> dict[tuple[str, str], dict[str, str]]:
    """Goal renames (old id → new id) between every pair of `versions`, oldest first.

    Git detects the renames between each version and the next (`step_renames`, unless given
    as `steps`); a pair further apart follows each goal through the versions in between, so
    a goal renamed twice, or renamed and then rewritten beyond git's similarity threshold, is
    still the same goal. A goal missing from a version in between (deleted, later re-added)
    is not.
    """
    found = step_renames(toplevel, versions, layout) if steps is None else steps
    renames: dict[tuple[str, str], dict[str, str]] = {}
    for i, old in enumerate(versions):
        names = {goal.id: goal.id for goal in agendas[old.id].goals}  # old id -> id in the later version
        for j in range(i + 1, len(versions)):
            present = agendas[versions[j].id].goals_by_id()
            step = found[j - 1]
            names = {o: step.get(n, n) for o, n in names.items() if step.get(n, n) in present}
            renames[(old.id, versions[j].id)] = {o: n for o, n in names.items() if o != n}
    return renames


def goal_renames(toplevel: Path, old: Version, new: Version, layout: Layout) -> dict[str, str]:
    """Goal files renamed between two versions (old id → new id), as git detects them."""
    # -l0: git skips rename detection above diff.renameLimit (1000) files by default, and a
    # large agenda renames more goals than that between two versions.
    args = ["diff", "-M", "-l0", "--name-status", "-z", "--no-ext-diff", str(old.sha)]
    if not new.working:
        args.append(str(new.sha))
    try:
        out = run_git([*args, "--", layout.goals_dir], toplevel).split(b"\0")
    except GitError:
        return {}
    renames: dict[str, str] = {}
    index = 0
    while index < len(out) - 1:
        status = out[index].decode()
        if status.startswith("R"):
            before, after = (out[index + 1].decode(), out[index + 2].decode())
            renames[Path(before).stem] = Path(after).stem
            index += 3
        else:
            index += 2
    return renames


def suggest(version_id: str, versions: list[Version]) -> str:
    return did_you_mean(version_id, [v.id for v in versions])


def path_between(declared: Sequence[Version], old: Version, new: Version) -> list[Version]:
    """The versions a comparison of `old` with `new` follows goals through (see `renames_between`).

    The declared versions between them when both are declared in that order (the werkversie
    comes after all of them), otherwise just the two: what the site's comparison does.
    """
    ids = [v.id for v in declared]
    if old.id not in ids or not (new.working or new.id in ids):
        return [old, new]
    start, end = ids.index(old.id), len(ids) if new.working else ids.index(new.id)
    return [old, *declared[start + 1:end], new] if start < end else [old, new]


def version_for(spec: str, declared: list[Version], toplevel: Path) -> Version:
    """A version id from versions.yml, "werkversie", or any git tag, branch or commit, as a Version."""
    if spec == WORKING:
        return working_version()
    for version in declared:
        if version.id == spec:
            return version
    resolved, problems = resolve_refs(toplevel, [Version(spec, spec, None, "commit", spec)], b"[]")
    if problems:
        hint = suggest(spec, declared)
        raise ValueError(f"'{spec}' is neither a version in {VERSIONS_FILE}{hint} nor a git tag, branch or commit")
    return resolved[0]
