"""A real, throw-away git repository for tests.

`GitRepo` runs the git command line in a directory (usually under pytest's
``tmp_path``) with deterministic authors and dates and without the user's own
git configuration, so tests can build exactly the history they need::

    repo = GitRepo(tmp_path / "agenda")
    repo.write("goals/a.md", "# A\\n")
    first = repo.commit("Add goal A", date="2017-06-26T10:00:00+02:00")

Code under test that runs git itself reads ``os.environ``; call
`isolate_git_env` (e.g. from an autouse fixture) to keep the user's
configuration and any ``GIT_DIR`` set by a hook away from it too.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

DEFAULT_AUTHOR: tuple[str, str] = ("Anne de Vries", "anne@example.org")
DEFAULT_DATE = "2017-06-26T10:00:00+02:00"

# Variables a git hook or the user's shell may set that would point git at
# another repository or index than the one under test.
_REPO_VARIABLES: tuple[str, ...] = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
)


def hermetic_env(home: Path) -> dict[str, str]:
    """Variables that make git ignore the user's and system's configuration.

    Args:
        home: Directory to use as HOME; git only reads from it.
    """
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "LC_ALL": "C",
        "LANGUAGE": "C",
        "GIT_TERMINAL_PROMPT": "0",
    }


def isolate_git_env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Make every git process of the test (also in the code under test) hermetic.

    Args:
        monkeypatch: The test's monkeypatch fixture; undone after the test.
        home: Directory to use as HOME.
    """
    for name in _REPO_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in hermetic_env(home).items():
        monkeypatch.setenv(name, value)


class GitCommandError(subprocess.CalledProcessError):
    """A git command run by `GitRepo` failed; the message includes git's stderr."""

    def __str__(self) -> str:
        return f"{super().__str__()}\n{self.stderr}"


class GitRepo:
    """A git work tree driven through the git command line.

    Git runs with ``init.defaultBranch=main`` and ``commit.gpgsign=false``,
    HOME pointed at the repository and no global or system configuration.

    Attributes:
        path: The top of the work tree.
    """

    def __init__(self, path: Path, *, init: bool = True) -> None:
        """Create (or open) a repository.

        Args:
            path: Directory of the work tree; created if missing.
            init: Run ``git init`` (False to wrap an existing clone).
        """
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._env = {
            k: v for k, v in os.environ.items() if k not in _REPO_VARIABLES
        } | hermetic_env(self.path)
        if init:
            self.git("init", "-q")

    @classmethod
    def clone(cls, source: GitRepo | Path, dest: Path, *, depth: int | None = None) -> GitRepo:
        """Clone `source` into `dest` over ``file://`` (needed for ``--depth``).

        Args:
            source: Repository to clone.
            dest: New directory for the clone.
            depth: Create a shallow clone with this many commits.
        """
        src = source.path if isinstance(source, GitRepo) else Path(source)
        args = ["clone", "-q"]
        if depth is not None:
            args.append(f"--depth={depth}")
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        cls._run(args + [src.resolve().as_uri(), str(dest)], dest.parent, None, None)
        return cls(dest, init=False)

    def git(
        self, *args: str, input: str | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        """Run git in the work tree and return its output.

        Args:
            *args: Arguments after ``git``.
            input: Text for standard input.
            env: Extra environment variables.

        Raises:
            GitCommandError: git failed.
        """
        return self._run(list(args), self.path, input, self._env | dict(env or {}))

    def write(self, relpath: str, content: str | bytes) -> Path:
        """Write a file (creating directories); text is written as UTF-8."""
        target = self.path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target.write_bytes(data)
        return target

    def remove(self, relpath: str) -> None:
        """Delete a file with ``git rm`` (from the index and the work tree)."""
        self.git("rm", "-q", "--", relpath)

    def mv(self, old: str, new: str) -> None:
        """Rename a file with ``git mv``, creating the target directory."""
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", "--", old, new)

    def commit(
        self,
        message: str,
        *,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        date: str = DEFAULT_DATE,
        allow_empty: bool = False,
        committed: str | None = None,
    ) -> str:
        """Stage everything (``git add -A``) and commit it.

        The author is also the committer and both dates are `date` (unless
        `committed` gives the committer date, as after a rebase), so the sha
        is deterministic. The message is kept as given apart from git's
        whitespace cleanup (trailing spaces and blank lines); it may be empty.

        Args:
            message: Commit message, may span lines.
            author: Name and email.
            date: ISO 8601 date with UTC offset.
            allow_empty: Allow a commit that changes nothing.
            committed: The committer date, when it differs from `date`.

        Returns:
            The full sha of the new commit.
        """
        self.git("add", "-A")
        args = ["commit", "-q", "--cleanup=whitespace", "--allow-empty-message", "-F", "-"]
        if allow_empty:
            args.append("--allow-empty")
        env = _identity(author, date) | ({"GIT_COMMITTER_DATE": committed} if committed else {})
        self.git(*args, input=message, env=env)
        return self.head()

    def branch(self, name: str, start: str = "HEAD") -> None:
        """Create branch `name` at `start` without switching to it."""
        self.git("branch", name, start)

    def checkout(self, name: str) -> None:
        """Switch to a branch, tag or commit."""
        self.git("checkout", "-q", name)

    def merge(
        self,
        branch: str,
        message: str,
        *,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        date: str = DEFAULT_DATE,
    ) -> str:
        """Merge `branch` into the current branch, always with a merge commit.

        Returns:
            The full sha of the merge commit.

        Raises:
            GitCommandError: The merge failed (e.g. a conflict).
        """
        self.git(
            "merge", "-q", "--no-ff", "--no-edit", "-m", message, branch,
            env=_identity(author, date),
        )  # fmt: skip
        return self.head()

    def tag(self, name: str, target: str = "HEAD") -> None:
        """Create a lightweight tag."""
        self.git("tag", name, target)

    def head(self) -> str:
        """The full sha of HEAD."""
        return self.git("rev-parse", "HEAD").strip()

    def blob(self, rev: str, relpath: str) -> str:
        """The full sha of the blob at `relpath` in commit `rev`."""
        return self.git("rev-parse", f"{rev}:{relpath}").strip()

    @staticmethod
    def _run(
        args: list[str], cwd: Path, input: str | None, env: Mapping[str, str] | None
    ) -> str:
        env = dict(env) if env is not None else {
            k: v for k, v in os.environ.items() if k not in _REPO_VARIABLES
        } | hermetic_env(cwd)
        config = ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
                  "-c", "tag.gpgsign=false", "-c", "core.quotepath=off"]  # fmt: skip
        result = subprocess.run(
            ["git", *config, *args],
            cwd=cwd,
            input=(input or "").encode("utf-8"),
            capture_output=True,
            env=env,
            check=False,
        )
        if result.returncode != 0:
            raise GitCommandError(
                result.returncode,
                ["git", *args],
                result.stdout.decode("utf-8", "replace"),
                result.stderr.decode("utf-8", "replace"),
            )
        return result.stdout.decode("utf-8", "surrogateescape")


def _identity(author: tuple[str, str], date: str) -> dict[str, str]:
    """Environment that makes `author` the author and committer at `date`."""
    name, email = author
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": date,
    }
