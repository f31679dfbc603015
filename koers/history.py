"""The change history of the agenda, read from git in a fixed number of processes.

`read_history` starts the same small number of git processes for every build
(see `GIT_CALLS`), however many pages the site has: one ``rev-parse`` to find
the repository, one ``log`` over every commit reachable from HEAD and one
``status`` for uncommitted work. Everything per page (`History.for_path`,
`History.for_prefix`, `History.last_changed`) is answered in Python from that.
`find_repository` is that ``rev-parse`` alone, for callers that need the
repository before, or without, its history. File contents of old versions come
from `History.read_blobs` (or `read_blobs`), one ``cat-file --batch`` process
per call; `BlobStream` is that process started before the log is read, asked for
each file version as the log names it, so git reads the versions while it still
writes the log.

All paths are relative to the top level of the repository, with ``/`` as
separator, also when `read_history` is given a subdirectory. Outside git (an
agenda downloaded as a zip, or no git installed) the history is simply empty.

Needs git 2.31 or newer (``--diff-merges=first-parent``).
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

__all__ = [
    "GIT_CALLS",
    "BlobStream",
    "Commit",
    "FileChange",
    "GitError",
    "History",
    "Repository",
    "find_repository",
    "head_commit",
    "path_in_repository",
    "read_blobs",
    "read_history",
    "run_git",
]

GIT_CALLS: Counter[str] = Counter()
"""Git processes started by this module, counted per git subcommand.

Never reset by the module; read the difference around a call, e.g.
``before = GIT_CALLS.total(); read_history(root); GIT_CALLS.total() - before``.
"""
_COUNTING = threading.Lock()  # version comparisons run git from several threads

# Overrides for user or repository configuration that would change the output
# we parse; the command-line flags in `_LOG_ARGS` cover the rest.
_CONFIG: tuple[str, ...] = (
    "-c", "core.quotepath=off",
    "-c", "log.showSignature=false",
    "-c", "log.follow=false",
    "-c", "log.showRoot=true",
    "-c", "i18n.logOutputEncoding=UTF-8",
    "-c", "color.ui=false",
)  # fmt: skip

# NUL cannot occur in any of these fields, so it is the only safe separator.
# The number of fields is fixed; `_parse_log` relies on that.
# The committer date, not the author date: a commit rebased onto main (GitHub's "Rebase and
# merge") keeps its author date, older than the commits it now follows, while the site shows
# when a change was made part of the agenda, newest first.
_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%cI%x00%ct%x00%s%x00%b"
_FORMAT_FIELDS = 8

_LOG_ARGS: tuple[str, ...] = (
    "log",
    "-z",
    "--raw",
    "-M",
    # Every rename, however many files a commit changes: the output must follow from the
    # commits alone (not from diff.renameLimit in someone's configuration), since the build
    # cache keeps it by HEAD's sha.
    "-l0",
    "--no-abbrev",
    "--diff-merges=first-parent",
    "--root",
    # Without these two, a pathspec makes git simplify history: it drops
    # commits and whole stretches of the first-parent line at merges. We need
    # the complete graph to compute the first-parent line and the folding;
    # the pathspec then only limits which changes are listed.
    "--full-history",
    "--sparse",
    "--date-order",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--encoding=UTF-8",
    f"--format={_FORMAT}",
    # An unborn HEAD (no commits yet) then gives empty output, not an error.
    "--ignore-missing",
    "HEAD",
)

_SHA_RE = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_NULL_SHA_RE = re.compile(r"0+")


class GitError(RuntimeError):
    """A git command failed inside a repository.

    Attributes:
        command: The git arguments (without the ``-c`` overrides).
        returncode: Exit status of git.
        stderr: What git wrote to standard error.
    """

    def __init__(self, command: Sequence[str], returncode: int, stderr: str) -> None:
        self.command = tuple(command)
        self.returncode = returncode
        self.stderr = stderr
        shown = " ".join(a for a in command if not a.startswith("--format="))
        super().__init__(
            f"git {shown} failed with exit status {returncode}: {stderr.strip()}"
        )


@dataclass(frozen=True)
class FileChange:
    """One file changed by a commit, as in ``git log --raw -M``.

    Attributes:
        status: "A" added, "M" modified (also a type change, e.g. file to
            symlink), "D" deleted, "R" renamed (possibly also modified).
        path: Path after the commit; for "D" the deleted path.
        old_path: Path before the commit: the old name for "R", the same as
            `path` for "M" and "D", None for "A".
        old_blob: Full blob sha before the commit, None for "A".
        new_blob: Full blob sha after the commit, None for "D".
    """

    status: str
    path: str
    old_path: str | None
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class Commit:
    """A commit with the files it changed.

    Attributes:
        sha: Full commit sha.
        short: Abbreviated sha, at least 7 digits and unique among the
            commits read.
        author_name: Author name as git stored it (git itself drops ``<``,
            ``>`` and newlines from names when committing).
        author_email: Author email as git stored it.
        date: Committer date (when the commit became part of this history), timezone-aware
            with the commit's own UTC offset.
        subject: First paragraph of the message, lines joined with a space.
        body: Rest of the message, stripped; "" when there is none.
        parents: Full shas of the parents, first parent first.
        changes: Files changed; for a merge, its diff against the first parent.
        folded: For a merge on the first-parent line: the commits it brought
            in (reachable from parent 2..n, not from parent 1), newest first.
            Empty for every other commit.
    """

    sha: str
    short: str
    author_name: str
    author_email: str
    date: datetime
    subject: str
    body: str
    parents: tuple[str, ...]
    changes: tuple[FileChange, ...]
    folded: tuple[Commit, ...] = ()

    @property
    def is_merge(self) -> bool:
        """Whether the commit has more than one parent."""
        return len(self.parents) > 1


@dataclass
class History:
    """The change history of a repository, as read by `read_history`.

    Treat the lists and sets as read-only: `for_path` keeps an index of
    `commits` that is built on first use.

    Attributes:
        available: False outside git; everything else is then empty.
        shallow: Whether the repository is a shallow clone, so older history
            is missing.
        commits: The first-parent line of HEAD, newest first. Merges carry
            the commits they brought in as `Commit.folded`. When
            `read_history` was given paths, only commits that changed a file
            under them are listed (also in `folded`).
        uncommitted: Paths with staged, unstaged or untracked changes.
        toplevel: Top-level directory of the work tree, None outside git.
    """

    available: bool = False
    shallow: bool = False
    commits: list[Commit] = field(default_factory=list)
    uncommitted: set[str] = field(default_factory=set)
    toplevel: Path | None = None
    _blobs: dict[str, bytes] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _index: dict[str, tuple[list[int], list[FileChange]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def for_path(self, path: str) -> list[tuple[Commit, FileChange]]:
        """Commits that touched the file now at `path`, newest first.

        Follows renames backwards (after ``a.md`` was renamed to ``b.md``,
        ``b.md`` also gets the commits of ``a.md`` before the rename) and lists
        every life of a path that was deleted and added again. It stops at a
        rename away from `path`: what lay there before lives on under the new
        name, whose history it is (a new ``a.md`` is another file).

        Args:
            path: Path relative to the repository top level.

        Returns:
            Pairs of a commit on the first-parent line and its change to the
            file; for a merge, the change it brought in.
        """
        index = self._path_index()
        found: list[tuple[Commit, FileChange]] = []
        current = path
        last = -1
        while touched := index.get(current):
            positions, changes = touched
            k = bisect.bisect_right(positions, last)
            if k == len(positions):
                break
            last = positions[k]
            commit, change = self.commits[last], changes[k]
            if change.status == "R" and change.path != current:  # renamed away: not this file's past
                break
            found.append((commit, change))
            if change.status == "R" and change.path == current:
                assert change.old_path is not None
                current = change.old_path
        return found

    def for_prefix(self, prefix: str) -> list[tuple[Commit, list[FileChange]]]:
        """Commits that touched any file under `prefix`, newest first.

        Args:
            prefix: A directory relative to the top level, such as "goals/"
                or "goals" (the same: "goals" does not match "goals-old/x.md").
                A file path matches just that file; "" matches everything.

        Returns:
            Pairs of a commit on the first-parent line and its changes under
            `prefix` (a rename counts when either of its paths is under it).
        """
        found: list[tuple[Commit, list[FileChange]]] = []
        for commit in self.commits:
            changes = [
                c
                for c in commit.changes
                if _under(c.path, prefix)
                or (c.old_path is not None and _under(c.old_path, prefix))
            ]
            if changes:
                found.append((commit, changes))
        return found

    def last_changed(self, path: str) -> datetime | None:
        """Committer date of the newest commit that touched `path`, or None."""
        found = self.for_path(path)
        return found[0][0].date if found else None

    def read_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """Contents of blobs, by sha, with at most one git process per call.

        Results are cached on this object, so asking again costs nothing.
        Objects git does not have (e.g. from before a shallow clone's
        boundary) are left out of the result; outside git the result is empty.

        Args:
            shas: Full blob shas, e.g. `FileChange.new_blob`.

        Returns:
            A dict from each found sha to its exact bytes.

        Raises:
            ValueError: A value is not a full hexadecimal sha.
            GitError: git failed.
        """
        wanted = list(dict.fromkeys(shas))
        for sha in wanted:
            if not isinstance(sha, str) or not _SHA_RE.fullmatch(sha):
                raise ValueError(f"not a full lowercase object sha: {sha!r}")
        missing = [sha for sha in wanted if sha not in self._blobs]
        if missing and self.available and self.toplevel is not None:
            self._blobs.update(read_blobs(self.toplevel, missing))
        return {sha: self._blobs[sha] for sha in wanted if sha in self._blobs}

    def _path_index(self) -> dict[str, tuple[list[int], list[FileChange]]]:
        """Map every path (new and old names) to the indexes of its commits and each one's
        change to it: the change that ends at the path, else the one that leaves it.

        Looked up here once, not in each commit's changes for each page: the first commit of
        a large agenda adds every goal, and every goal's history ends with it.
        """
        if self._index is None:
            index: dict[str, tuple[list[int], list[FileChange]]] = {}
            for i, commit in enumerate(self.commits):
                touched: dict[str, FileChange] = {}
                for change in commit.changes:
                    touched.setdefault(change.path, change)
                for change in commit.changes:
                    if change.old_path:
                        touched.setdefault(change.old_path, change)
                for path, change in touched.items():
                    positions, changes = index.setdefault(path, ([], []))
                    positions.append(i)
                    changes.append(change)
            self._index = index
        return self._index


@dataclass(frozen=True)
class Repository:
    """Where a git work tree lies, and whether its history is complete.

    Attributes:
        toplevel: Top-level directory of the work tree.
        shallow: Whether the repository is a shallow clone.
    """

    toplevel: Path
    shallow: bool


def find_repository(root: Path | str) -> Repository | None:
    """The git work tree containing `root` (one ``rev-parse``); None outside git or without git.

    Raises:
        FileNotFoundError: `root` is not an existing directory.
        GitError: git failed inside a repository.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"not a directory: {root}")
    try:
        out = run_git(["rev-parse", "--show-toplevel", "--is-shallow-repository"], root)
    except FileNotFoundError:
        return None  # git is not installed
    except GitError as error:
        if "not a git repository" in error.stderr:
            return None
        raise
    # rsplit: a newline in the directory name must not shift the fields.
    toplevel_line, shallow_line = _decode_path(out).rstrip("\n").rsplit("\n", 1)
    return Repository(Path(toplevel_line), shallow_line == "true")


def head_commit(toplevel: Path) -> str | None:
    """The sha of the commit HEAD points at (one ``rev-parse``); None before the first commit."""
    try:
        return run_git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], toplevel).decode().strip() or None
    except GitError:
        return None


def read_history(root: Path | str, *, paths: Sequence[str] = (), local_paths: Sequence[str] = (),
                 repository: Repository | None = None, commits: list[Commit] | None = None,
                 on_log: Callable[[bytes], None] | None = None) -> History:
    """Read the change history of the git repository containing `root`.

    Starts three git processes (``rev-parse``, ``log``, ``status``) however
    large the repository is; one outside git; two when `repository` (what
    `find_repository` found for `root`) is given.

    Args:
        root: A directory inside (or the top of) a git work tree. Returned
            paths are relative to the top level of the work tree, not to
            `root`.
        paths: Optional git pathspecs, relative to the top level, that limit
            which changes and commits are listed, e.g. ``["content", "goals"]``.
            A file renamed into them from outside shows as added.
        local_paths: Like `paths`, but relative to `root`; a project inside a
            larger repository (``examples/x``) names its own folders this way
            without a separate call to learn where it lies.
        commits: The commits an earlier call returned for the same HEAD and
            paths (a commit never changes): then no ``log`` is run.
        on_log: Given each part of the ``log`` output as git writes it (see
            `BlobStream.feed`), while this call waits for the rest.

    Returns:
        The history; with ``available=False`` when `root` is not in a git work
        tree or git is not installed.

    Raises:
        FileNotFoundError: `root` is not an existing directory.
        TypeError: `paths` is a single string instead of a sequence.
        GitError: git failed inside a repository.
    """
    if isinstance(paths, str) or isinstance(local_paths, str):
        raise TypeError("paths must be a sequence of pathspecs, not a string")
    root = Path(root)
    repository = repository or find_repository(root)
    if repository is None:
        return History()
    toplevel = repository.toplevel

    if local_paths:
        prefix = path_in_repository(root, toplevel)
        paths = sorted({*paths, *(prefix + p if p != "." else prefix.rstrip("/") or "." for p in local_paths)})
    spec = ["--", *paths]
    if commits is None:
        log = run_git([*_LOG_ARGS, *spec], toplevel, on_output=on_log)
        commits = _first_parent_line(_parse_log(log), listed_only=bool(paths))
    status = run_git(
        ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", *spec],
        toplevel,
    )
    return History(
        available=True,
        shallow=repository.shallow,
        commits=commits,
        uncommitted=_parse_status(status),
        toplevel=toplevel,
    )


def read_blobs(toplevel: Path, shas: Sequence[str]) -> dict[str, bytes]:
    """Contents of the blobs `shas` (full, distinct shas) in one ``cat-file --batch``; objects git
    does not have are left out. `History.read_blobs` checks the shas and keeps what it read."""
    if not shas:
        return {}
    request = "".join(f"{sha}\n" for sha in shas).encode("ascii")
    return _parse_batch(run_git(["cat-file", "--batch"], cwd=toplevel, stdin=request), shas)


def path_in_repository(root: Path, toplevel: Path) -> str:
    """Where `root` lies inside the work tree at `toplevel`: "" at the top, else e.g. "examples/x/"."""
    inside = root.resolve().relative_to(toplevel.resolve()).as_posix()
    return "" if inside == "." else inside + "/"


class BlobStream:
    """One ``git cat-file --batch`` that reads the file versions a ``git log --raw`` names while
    that log is still being written (`read_history`'s `on_log`): at scale git writes the log for
    seconds, and reading the versions after it would add a second or so.

    `feed` asks for the blobs of each raw entry as its output arrives; `read` returns them all.
    A sha that a commit message merely contains is read too, and left unused. Use it as a
    context manager: leaving it ends the process, read or not.
    """

    # A --raw entry: ":<old mode> <new mode> <old blob> <new blob> <status>", as a NUL-ended token.
    _RAW = re.compile(rb"(?:^|\0)\n?:[0-7]{6} [0-7]{6} ([0-9a-f]{40}(?:[0-9a-f]{24})?) "
                      rb"([0-9a-f]{40}(?:[0-9a-f]{24})?) [A-Z][0-9]*\0")

    def __init__(self, toplevel: Path) -> None:
        self._out = tempfile.TemporaryFile()
        self._git = _start_git(["cat-file", "--batch"], toplevel, stdin=subprocess.PIPE, stdout=self._out)
        self._ended = False
        self.asked: dict[str, None] = {}  # in the order asked, which is the order of the answers
        self._rest = b""

    def __enter__(self) -> BlobStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def feed(self, output: bytes) -> None:
        """Ask for the blobs of the raw entries in the next part of ``log --raw -z`` output."""
        data = self._rest + output
        end = data.rfind(b"\0") + 1  # what follows the last NUL may be an entry cut in two
        self._rest = data[end:]
        found = (sha.decode("ascii") for match in self._RAW.finditer(data, 0, end) for sha in match.groups())
        new = list(dict.fromkeys(sha for sha in found if sha not in self.asked and not _NULL_SHA_RE.fullmatch(sha)))
        if new and not self._ended:
            self.asked.update(dict.fromkeys(new))
            try:
                self._stdin.write("".join(f"{sha}\n" for sha in new).encode("ascii"))
                self._stdin.flush()  # git answers what it has been given, not what waits in a buffer here
            except OSError:  # git ended early: `read` reports its error
                pass

    def read(self) -> dict[str, bytes]:
        """The contents of the blobs asked for, by sha; objects git does not have are left out.

        Raises:
            GitError: git failed.
        """
        self._finish()
        self._out.seek(0)
        return _parse_batch(self._out.read(), list(self.asked))

    def close(self) -> None:
        if not self._ended:
            self._git.process.kill()
            with contextlib.suppress(GitError):  # killed: nothing was read
                self._finish()
        self._out.close()

    @property
    def _stdin(self) -> IO[bytes]:
        assert self._git.process.stdin is not None
        return self._git.process.stdin

    def _finish(self) -> None:
        if self._ended:
            return
        self._ended = True
        try:
            self._stdin.close()
        except OSError:  # git ended early; its error follows
            pass
        _wait_git(self._git)


def run_git(args: Sequence[str], cwd: Path, stdin: bytes | None = None, *,
            on_output: Callable[[bytes], None] | None = None) -> bytes:
    """Run one git command and return its standard output; given, `on_output` is also given the
    output piece by piece while git writes it.

    Raises:
        FileNotFoundError: git is not installed.
        GitError: git exited with a non-zero status.
    """
    # The output goes to a file, not a pipe: git never waits for this process to empty a pipe,
    # which takes the interpreter lock another thread may hold (the history is read in a
    # thread while the build goes on).
    with tempfile.TemporaryFile() as out:
        git = _start_git(args, cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL, stdout=out)
        try:
            if stdin is not None:
                git.process.communicate(stdin)
            elif on_output is not None and hasattr(os, "pread"):  # not on Windows: there the output comes at once
                _follow(git.process, out.fileno(), on_output)
        except BaseException:
            git.process.kill()
            with contextlib.suppress(GitError):  # killed: the error that stopped it is the one to see
                _wait_git(git)
            raise
        _wait_git(git)
        out.seek(0)
        return out.read()


def _follow(process: subprocess.Popen[bytes], fd: int, on_output: Callable[[bytes], None]) -> None:
    """Give `on_output` what `process` writes to the file `fd`, as it writes it, until it ends.

    Read with `os.pread`, which leaves the file's position alone: git writes at that position.
    """
    seen = 0
    while True:
        ended = process.poll() is not None  # asked before reading: nothing written after is missed
        while part := os.pread(fd, 1 << 20, seen):
            seen += len(part)
            on_output(part)
        if ended:
            return
        time.sleep(0.01)


def _start_git(args: Sequence[str], cwd: Path, *, stdin: int, stdout: IO[bytes]) -> _Running:
    """Start one git command; `_wait_git` waits for it and reports its failure."""
    env = dict(os.environ)
    # English messages, so that "not a git repository" can be recognised.
    env["LC_ALL"] = "C"
    env["LANGUAGE"] = "C"
    # A build must not take the index lock a user's editor or git may need.
    env["GIT_OPTIONAL_LOCKS"] = "0"
    # The history as committed, not as a local `git replace` shows it: what git answers must
    # follow from the commit shas, which the build cache keys it by.
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    with _COUNTING:
        GIT_CALLS[args[0]] += 1
    # Errors to a file as well: a pipe nobody reads while git runs could fill up and stop git.
    errors = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(["git", *_CONFIG, *args], cwd=cwd, stdin=stdin, stdout=stdout, stderr=errors,
                                   env=env)
    except BaseException:
        errors.close()
        raise
    return _Running(process, errors, tuple(args))


@dataclass(frozen=True)
class _Running:
    """A git command `_start_git` started, and the file its errors go to."""

    process: subprocess.Popen[bytes]
    errors: IO[bytes]
    args: tuple[str, ...]


def _wait_git(running: _Running) -> None:
    """Wait for `running` to end; raise GitError if it failed."""
    with running.errors:
        returncode = running.process.wait()
        if returncode != 0:
            running.errors.seek(0)
            raise GitError(running.args, returncode, running.errors.read().decode("utf-8", "replace"))


def _decode_text(raw: bytes) -> str:
    """Decode a message or name; git emits UTF-8 (we pass ``--encoding``)."""
    return raw.decode("utf-8", "replace")


def _decode_path(raw: bytes) -> str:
    """Decode a path the way Python decodes file names on POSIX systems."""
    return raw.decode("utf-8", "surrogateescape")


def _blob(raw: str) -> str | None:
    """A blob sha from ``--raw`` output, None for git's all-zero sha."""
    return None if _NULL_SHA_RE.fullmatch(raw) else raw


def _parse_log(out: bytes) -> list[Commit]:
    """Parse the output of `_LOG_ARGS` into commits (without `folded`).

    With ``-z`` every header field and every ``--raw`` field ends in NUL. The
    header has `_FORMAT_FIELDS` fields; raw entries follow, each a metadata
    token starting with ":" and one path (two for renames and copies).
    """
    tokens = out.split(b"\0")
    commits: list[Commit] = []
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        if token in (b"", b"\n"):
            i += 1
            continue
        if i + _FORMAT_FIELDS > n:
            raise GitError(_LOG_ARGS, 0, "unexpected end of git log output")
        sha, parents, name, email, date, timestamp, subject, body = (
            _decode_text(t) for t in tokens[i : i + _FORMAT_FIELDS]
        )
        if not _SHA_RE.fullmatch(sha):
            raise GitError(_LOG_ARGS, 0, f"unexpected git log output: {sha[:80]!r}")
        i += _FORMAT_FIELDS
        changes: list[FileChange] = []
        while i < n and tokens[i].lstrip(b"\n").startswith(b":"):
            meta = tokens[i].lstrip(b"\n")[1:].decode("ascii").split(" ")
            old_blob, new_blob, status = meta[2], meta[3], meta[4][:1]
            if status in ("R", "C"):
                old_path, path = _decode_path(tokens[i + 1]), _decode_path(tokens[i + 2])
                i += 3
            else:
                path = _decode_path(tokens[i + 1])
                old_path = None if status == "A" else path
                i += 2
            changes.append(
                FileChange(
                    status="M" if status == "T" else status,
                    path=path,
                    old_path=old_path,
                    old_blob=_blob(old_blob),
                    new_blob=_blob(new_blob),
                )
            )
        commits.append(
            Commit(
                sha=sha,
                short=sha[:7],
                author_name=name,
                author_email=email,
                date=_parse_date(date, timestamp),
                subject=subject,
                body=body.strip(),
                parents=tuple(parents.split()),
                changes=tuple(changes),
            )
        )
    return _with_unique_short(commits)


def _parse_date(iso: str, timestamp: str) -> datetime:
    """The committer date with its own offset; in UTC if the offset is impossible.

    Old imported commits can carry offsets such as +9900, which git prints
    but `datetime` cannot represent.
    """
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return datetime.fromtimestamp(int(timestamp), timezone.utc)


def _with_unique_short(commits: list[Commit]) -> list[Commit]:
    """Lengthen `Commit.short` where 7 digits are ambiguous among `commits`."""
    ordered = sorted(c.sha for c in commits)
    length: dict[str, int] = {}
    for a, b in zip(ordered, ordered[1:]):
        common = len(os.path.commonprefix([a, b]))
        if common >= 7:
            length[a] = max(length.get(a, 7), common + 1)
            length[b] = max(length.get(b, 7), common + 1)
    if not length:
        return commits
    return [
        replace(c, short=c.sha[: length[c.sha]]) if c.sha in length else c
        for c in commits
    ]


def _first_parent_line(commits: list[Commit], *, listed_only: bool) -> list[Commit]:
    """The first-parent line of HEAD, newest first, with merges folded.

    Args:
        commits: All commits reachable from HEAD, HEAD first, children before
            parents (``--date-order``).
        listed_only: Keep only commits that have changes (paths were given).
    """
    if not commits:
        return []
    by_sha = {c.sha: c for c in commits}
    order = {c.sha: i for i, c in enumerate(commits)}
    line: list[Commit] = []
    sha: str | None = commits[0].sha
    while sha is not None and sha in by_sha:
        commit = by_sha[sha]
        line.append(commit)
        sha = commit.parents[0] if commit.parents else None

    # Walking the line oldest first, `reachable` holds everything reachable
    # from the previous commit on it, i.e. from the first parent of the
    # current one; a merge folds what its other parents add to that.
    reachable: set[str] = set()
    result: list[Commit] = []
    for commit in reversed(line):
        reachable.add(commit.sha)
        folded: list[Commit] = []
        stack = [p for p in commit.parents[1:] if p in by_sha]
        while stack:
            sha = stack.pop()
            if sha in reachable:
                continue
            reachable.add(sha)
            side = by_sha[sha]
            folded.append(side)
            stack.extend(p for p in side.parents if p in by_sha and p not in reachable)
        if listed_only:
            folded = [c for c in folded if c.changes]
            if not commit.changes:
                continue
        folded.sort(key=lambda c: order[c.sha])
        result.append(replace(commit, folded=tuple(folded)) if folded else commit)
    result.reverse()
    return result


def _parse_status(out: bytes) -> set[str]:
    """Paths from ``git status --porcelain=v1 -z --no-renames`` output."""
    return {_decode_path(entry[3:]) for entry in out.split(b"\0") if entry}


def _parse_batch(out: bytes, shas: Sequence[str]) -> dict[str, bytes]:
    """Parse ``git cat-file --batch`` output for the requested `shas`.

    Each answer is ``<sha> <type> <size>\\n<content>\\n``, or ``<sha>
    missing\\n`` for an object git does not have.
    """
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("ascii", "replace").split(" ")
        pos = end + 1
        if len(header) != 3:
            continue  # "<sha> missing" (or "ambiguous", impossible for full shas)
        size = int(header[2])
        blobs[sha] = out[pos : pos + size]
        pos += size + 1
    return blobs


def _under(path: str, prefix: str) -> bool:
    """Whether `path` is `prefix` itself or lies in the directory `prefix`."""
    if not prefix:
        return True
    directory = prefix.rstrip("/")
    return path == directory or path.startswith(directory + "/")
