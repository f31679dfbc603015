"""What changed on each page, commit by commit: the view model of "Wijzigingsgeschiedenis".

`ChangeLog` turns the raw git history (`koers.history`) into per-page entries
with a structured redline of the fields that changed (via `koers.compare`), and
into the site-wide change log. All old file versions any page needs are read in
one `git cat-file --batch` call, and each blob is parsed once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from .compare import GoalComparison, ParagraphChange, ThemeComparison, compare_goal, compare_paragraphs, compare_theme
from .frontmatter import parse_document
from .history import BlobStream, Commit, FileChange, History
from .loading import Layout, file_id
from .model import Goal, Relation, Theme

State = Literal["complete", "unavailable", "partial"]
_PULL_REQUEST = re.compile(r"^Merge pull request #(\d+) from \S+$")


@dataclass(frozen=True)
class Message:
    """A commit message as readers see it; pull-request merges read as "Wijzigingsvoorstel #12: …"."""

    subject: str
    body: str


NO_SUBJECT = "(zonder omschrijving)"


def message_of(commit: Commit) -> Message:
    match = _PULL_REQUEST.match(commit.subject)
    if match and commit.body:
        title, _, rest = commit.body.partition("\n")
        return Message(f"Wijzigingsvoorstel #{match.group(1)}: {title.strip()}", rest.strip())
    if match:
        return Message(f"Wijzigingsvoorstel #{match.group(1)}", "")
    # git allows an empty message (--allow-empty-message); a change still needs a heading.
    return Message(commit.subject.strip() or NO_SUBJECT, commit.body)


@dataclass(frozen=True)
class PageChange:
    """One commit as it affected one page."""

    commit: Commit
    message: Message
    status: Literal["toegevoegd", "gewijzigd", "verwijderd", "hernoemd"]
    renamed_from: str | None
    goal: GoalComparison | None = None
    theme: ThemeComparison | None = None
    paragraphs: tuple[ParagraphChange, ...] = ()
    goals: tuple[GoalComparison, ...] = ()  # the samenhang page: every goal the commit touched
    folded: tuple[tuple[Commit, Message], ...] = ()


@dataclass(frozen=True)
class PageHistory:
    state: State
    entries: tuple[PageChange, ...] = ()
    last_changed: datetime | None = None
    uncommitted: bool = False


@dataclass(frozen=True)
class TouchedPage:
    """A page a commit touched, for the site-wide change log."""

    title: str
    url: str | None  # None when the page no longer exists
    status: str


@dataclass(frozen=True)
class LogEntry:
    commit: Commit
    message: Message
    pages: tuple[TouchedPage, ...]
    folded: tuple[tuple[Commit, Message], ...] = ()


def goal_from_bytes(goal_id: str, raw: bytes | None) -> Goal | None:
    """A goal as stored in an old commit; lenient, since history may hold invalid files."""
    data, body = _read(goal_id, raw)
    if data is None:
        return None
    relations = tuple(Relation(str(r.get("goal", "")), str(r.get("note", "")))
                      for r in _list(data.get("relations")) if isinstance(r, dict))
    return Goal(goal_id, str(data.get("title") or ""), str(data.get("theme") or ""),
                str(data.get("direction") or ""), _int(data.get("order")),
                tuple(str(r) for r in _list(data.get("results"))), relations, body)


def theme_from_bytes(theme_id: str, raw: bytes | None) -> Theme | None:
    data, body = _read(theme_id, raw)
    if data is None:
        return None
    return Theme(theme_id, str(data.get("title") or ""), str(data.get("opgave") or ""),
                 _int(data.get("order")), body)


def body_from_bytes(raw: bytes | None) -> str:
    data, body = _read("", raw, front_matter_required=False)
    return body


def _read(ident: str, raw: bytes | None, *, front_matter_required: bool = True) -> tuple[dict | None, str]:
    if raw is None:
        return None, ""
    doc, _ = parse_document(ident, raw, front_matter_required=front_matter_required)
    return (doc.data, doc.body.strip()) if doc else (None, "")


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _renamed_back(commit: Commit, now: Mapping[str, str | None]) -> dict[str, str | None]:
    """How `commit`'s renames change what older commits' paths are now: an old name becomes
    its new name's page, and a file that lay at a new name before belongs to no page."""
    renames = [(ch.old_path, ch.path) for ch in commit.changes if ch.status == "R" and ch.old_path]
    updates: dict[str, str | None] = dict.fromkeys((new for _, new in renames), None)
    updates.update((old, now.get(new, new)) for old, new in renames)  # after: a swap renames both
    return updates


def in_samenhang(change: GoalComparison) -> bool:
    """Whether a goal's change shows on samenhang/: a relation, or the goal's row of the matrix
    (added, removed, renamed, retitled, or moved to another theme)."""
    return (bool(change.relations) or change.status in ("added", "removed") or change.renamed_from is not None
            or change.moved_theme or any(f.name == "title" for f in change.fields))


@dataclass
class ChangeLog:
    """Per-page histories and the site-wide log, computed once per build."""

    history: History
    goals_dir: str
    themes_dir: str
    accept_partial: bool = False
    _blobs: dict[str, bytes] = field(default_factory=dict)
    # A blob never changes, so each is parsed once and each pair of blobs compared once:
    # a goal's change shows on its own page and again on samenhang/.
    _goals: dict[tuple[str, str], Goal | None] = field(default_factory=dict)
    _goal_changes: dict[tuple[str, str, str | None, str | None], GoalComparison | None] = field(
        default_factory=dict)
    _layout: Layout = field(init=False, repr=False)
    _theme_titles: dict[str, str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._layout = Layout(themes_dir=self.themes_dir, goals_dir=self.goals_dir)

    def theme_titles(self) -> dict[str, str]:
        """Every theme id the history knows → its title in the newest version of its file.

        A goal's history names the themes it moved between; one renamed or deleted since is
        named by the title it last had, not by its id.
        """
        if self._theme_titles is None:
            titles: dict[str, str] = {}
            for commit in self.history.commits:  # newest first: the first version seen is the last one
                for change in commit.changes:
                    for path, blob in ((change.path, change.new_blob), (change.old_path, change.old_blob)):
                        if path and blob and self._layout.is_theme(path) and file_id(path) not in titles:
                            theme = theme_from_bytes(file_id(path), self._blob(blob))
                            if theme is not None and theme.title:
                                titles[file_id(path)] = theme.title
            self._theme_titles = titles
        return self._theme_titles

    @property
    def state(self) -> State:
        if not self.history.available:
            return "unavailable"
        return "partial" if self.history.shallow else "complete"

    def preload(self, known: Mapping[str, bytes] | None = None, stream: BlobStream | None = None
                ) -> dict[str, bytes]:
        """Read every file version the history shows, in one git process, and return them.

        Reading all of them at once is simpler than asking per page and costs one
        process; blobs are cached by id, since a blob never changes (`known`: what an
        earlier build of the same history read, and then no process; `stream`: the process
        that read them while git wrote the log). They are parsed when a page first needs
        them: with the build cache, most pages never do.
        """
        if known is not None:
            self._blobs.update(known)
            return self._blobs
        shas = {s for c in self.history.commits for ch in c.changes for s in (ch.old_blob, ch.new_blob) if s}
        if stream is not None:
            streamed = stream.read()
            self._blobs.update((sha, streamed[sha]) for sha in shas if sha in streamed)
            shas.difference_update(stream.asked)
        if shas:
            self._blobs.update(self.history.read_blobs(shas))
        return self._blobs

    def parse_goal_versions(self) -> None:
        """Parse every goal version now instead of when first needed (for `bench.history_probe`,
        whose "reading" is getting the history out of git and into data)."""
        for commit in self.history.commits:
            for change in commit.changes:
                if self._layout.is_goal(change.path):
                    self._goal_versions(change)

    def _folded_changes(self, commit: Commit, paths: set[str]) -> list[tuple[Commit, FileChange]]:
        return [(sub, ch) for sub in commit.folded for ch in sub.changes if ch.path in paths or ch.old_path in paths]

    def _blob(self, sha: str | None) -> bytes | None:
        return self._blobs.get(sha) if sha else None

    def for_page(self, source: str, kind: str) -> PageHistory:
        """The history of the page whose source is `source` (a path, or a folder ending in "/").

        The folder of goals is the source of samenhang/, whose history lists only the goal
        changes that page shows (`in_samenhang`): a narrative edit is no news there.
        """
        if self.state == "unavailable":
            return PageHistory("unavailable")
        entries = []
        if source.endswith("/"):
            for commit, changes, goals in self._folder_commits(source, kind):
                paths = {p for ch in changes for p in (ch.path, ch.old_path) if p}
                entries.append(PageChange(commit, message_of(commit), "gewijzigd", None, goals=goals,
                                          folded=self._folded(commit, paths)))
        else:
            for commit, change in self.history.for_path(source):
                entries.append(self._entry(commit, change, kind))
        last = entries[0].commit.date if entries else None
        return PageHistory(self.state, tuple(entries), last, self._uncommitted(source))

    def _folder_commits(self, source: str, kind: str) -> Iterator[tuple[Commit, list[FileChange],
                                                                        tuple[GoalComparison, ...]]]:
        """The commits a folder's page lists, newest first, with the goal changes it shows."""
        for commit, changes in self.history.for_prefix(source):
            found = (self._goal_change(ch) for ch in changes if ch.path.endswith(".md"))
            goals = tuple(g for g in found if g is not None and (kind != "samenhang" or in_samenhang(g)))
            if goals or kind != "samenhang":
                yield commit, changes, goals

    def summary(self, source: str, kind: str) -> PageHistory:
        """The history of `source` (as in `for_page`) without its entries: its state, last
        change and uncommitted work, for what a page shows before its history is needed.

        For a folder only the commits up to the newest one its page lists are compared.
        """
        if self.state == "unavailable":
            return PageHistory("unavailable")
        if source.endswith("/"):
            newest = next(self._folder_commits(source, kind), None)
            last = newest[0].date if newest else None
        else:
            found = self.history.for_path(source)
            last = found[0][0].date if found else None
        return PageHistory(self.state, (), last, self._uncommitted(source))

    def identity(self, source: str) -> tuple[str, ...]:
        """What the history of `source` (as in `for_page`) is made of, as text for
        `koers.buildcache`: the state and every commit's sha, short sha and changes.

        A commit sha fixes its message, author, date, parents and blobs; the short sha can
        grow when later commits share its prefix, and the changes depend on git's rename
        detection, so both are part of it too.
        """
        if self.state == "unavailable":
            return ("unavailable",)
        if source.endswith("/"):
            touched = [(commit, tuple(changes)) for commit, changes in self.history.for_prefix(source)]
        else:
            touched = [(commit, (change,)) for commit, change in self.history.for_path(source)]
        return (self.state, str(self._uncommitted(source)), *(
            f"{c.sha} {c.short} {changes!r} {[(sub.sha, sub.short, sub.changes) for sub in c.folded]!r}"
            for c, changes in touched))

    def _uncommitted(self, source: str) -> bool:
        return any(p == source or (source.endswith("/") and p.startswith(source)) for p in self.history.uncommitted)

    def _entry(self, commit: Commit, change: FileChange, kind: str) -> PageChange:
        status = {"A": "toegevoegd", "D": "verwijderd", "R": "hernoemd"}.get(change.status, "gewijzigd")
        renamed_from = change.old_path if change.status == "R" else None
        entry = PageChange(commit, message_of(commit), status, renamed_from,
                           folded=self._folded(commit, {change.path, change.old_path or ""}))
        if status in ("toegevoegd", "verwijderd"):
            return entry
        old, new = self._blob(change.old_blob), self._blob(change.new_blob)
        if kind == "goal":
            return replace(entry, goal=self._goal_change(change))  # None: neither version readable
        if kind == "theme":
            return replace(entry, theme=compare_theme(theme_from_bytes(file_id(change.old_path or change.path), old),
                                                       theme_from_bytes(file_id(change.path), new)))
        return replace(entry, paragraphs=compare_paragraphs(body_from_bytes(old), body_from_bytes(new)))

    def _goal_change(self, change: FileChange) -> GoalComparison | None:
        key = (change.old_path or change.path, change.path, change.old_blob, change.new_blob)
        if key not in self._goal_changes:
            old, new = self._goal_versions(change)
            self._goal_changes[key] = compare_goal(old, new) if old or new else None
        return self._goal_changes[key]

    def _goal_versions(self, change: FileChange) -> tuple[Goal | None, Goal | None]:
        """The goal before and after `change`, each file version parsed once."""
        return (self._goal(file_id(change.old_path or change.path), change.old_blob),
                self._goal(file_id(change.path), change.new_blob))

    def _goal(self, goal_id: str, sha: str | None) -> Goal | None:
        if sha is None:
            return None
        if (goal_id, sha) not in self._goals:
            self._goals[(goal_id, sha)] = goal_from_bytes(goal_id, self._blob(sha))
        return self._goals[(goal_id, sha)]

    def _folded(self, commit: Commit, paths: set[str]) -> tuple[tuple[Commit, Message], ...]:
        seen: list[Commit] = []
        for sub, _ in self._folded_changes(commit, paths):
            if sub not in seen:
                seen.append(sub)
        return tuple((sub, message_of(sub)) for sub in seen)

    def site_log(self, page_of: Callable[[str], tuple[str, str | None] | None]) -> list[LogEntry]:
        """Every commit that changed content, newest first, with the pages it touched.

        `page_of(path)` gives (title, url) of the page a current path publishes, or None
        for files that are not pages. A change names the page its path leads to now (through
        later renames); a goal or theme that no longer exists is named by its title then.
        """
        if self.state == "unavailable":
            return []
        entries = []
        # The path each path (as a commit left it) has now, or None when no page's history
        # reaches back to it: walking back from the newest commit, a rename hands its new
        # name's page to the old name, as a page's own history follows it (`History.for_path`).
        now: dict[str, str | None] = {}
        for commit in self.history.commits:
            # Unique in order through a dict: a first commit touches every page, and looking
            # each one up in a list made that commit cost G².
            touched = (self._touched(change, now.get(change.path, change.path), page_of)
                       for change in commit.changes)
            pages = tuple(dict.fromkeys(t for t in touched if t))
            if pages:
                entries.append(LogEntry(commit, message_of(commit), pages, self._folded(
                    commit, {p for ch in commit.changes for p in (ch.path, ch.old_path) if p})))
            now.update(_renamed_back(commit, now))
        return entries

    def _touched(self, change: FileChange, path_now: str | None,
                 page_of: Callable[[str], tuple[str, str | None] | None]) -> TouchedPage | None:
        """The page a change touched, under the title and address it has now; a page that no
        longer exists is named by its title in the change, without a link."""
        status = {"A": "toegevoegd", "D": "verwijderd", "R": "hernoemd"}.get(change.status, "gewijzigd")
        found = page_of(path_now) if path_now else None
        if found:
            return TouchedPage(found[0], found[1], status)
        stem, blob = file_id(change.path), change.new_blob or change.old_blob
        if self._layout.is_goal(change.path):
            goal = self._goal(stem, blob)
            return TouchedPage(goal.title if goal and goal.title else stem, None, status)
        if self._layout.is_theme(change.path):
            theme = theme_from_bytes(stem, self._blob(blob))
            return TouchedPage(theme.title if theme and theme.title else stem, None, status)
        return None
