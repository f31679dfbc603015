"""Rendered page parts kept between builds, keyed by everything they are made of.

A version document or a comparison of a large agenda is megabytes of HTML that
changes only when its agendas, the version's metadata, the settings or the code
change. `BuildCache` keeps such parts in ``.cache/koers/`` (next to Material's own
``.cache/``) under a key that digests all of those inputs, so a second build (the
next `make serve` rebuild, or CI with the folder kept) reads them instead of
rendering them again.

The key is the content, not a file date: a stale entry cannot be found, because
anything that would change the output changes the key. What a build did not use
is removed at its end, so the folder holds one build's parts. A cache that cannot
be read or written only costs time: the part is rendered as without one.

`BuildCache.prefill` renders missing parts in a second process while the build goes on
(on a cold build: every page history, version document and comparison), so a machine
with two cores spends that time side by side with MkDocs' own work.
"""

from __future__ import annotations

import gc
import hashlib
import mmap
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

CACHE_DIR = ".cache/koers"
_SUFFIX = ".html"
_DATA_SUFFIX = ".pickle"
_CHILD_GC_THRESHOLD = 50_000  # allocations between young collections in the second process (Python: 700)
_CLAIMS = ".claims-"  # claims were files in such a folder before they were kept in memory
# What renders the cached parts besides Koers' own code and templates.
_LIBRARIES = ("jinja2", "markupsafe", "markdown", "pymdown-extensions", "nh3", "babel")


def digest(*parts: str) -> str:
    """A hex sha256 of `parts`, each length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


def stable_repr(value: Any) -> str | None:
    """A repr that is the same in every process, or None when `value` holds an object that has none.

    Markdown settings may hold functions (a slugify) and extension objects, whose
    default repr is a memory address: a key built from that would never match again.
    """
    if isinstance(value, dict):
        items = [(stable_repr(k), stable_repr(v)) for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))]
        return None if any(k is None or v is None for k, v in items) else "{" + ", ".join(
            f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        items = [stable_repr(v) for v in value]
        return None if None in items else "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{value.__module__}.{value.__qualname__}"
    text = repr(value)
    return None if " at 0x" in text else text


def code_fingerprint(folders: Iterable[Path], extra: Iterable[str] = ()) -> str:
    """A digest of every file in `folders` (the code and templates that render cached parts),
    the versions of Python and the rendering libraries, and `extra` (settings)."""
    files = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            files.update(path.relative_to(folder).as_posix().encode() + b"\0")
            files.update(hashlib.sha256(path.read_bytes()).digest())
    libraries = []
    for name in _LIBRARIES:
        try:
            libraries.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            libraries.append(f"{name} missing")
    return digest(sys.version, *libraries, files.hexdigest(), *extra)


# What the pickled data may be made of: classes only. Unpickling calls what the data names; a
# cache only this machine's builds wrote names none but these, so anything else came from elsewhere.
_PICKLED_MODULES = frozenset({"builtins", "datetime", "pathlib", "collections"})


def _pickled(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class _KoersUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = super().find_class(module, name) if (
            module in _PICKLED_MODULES or module.startswith("koers.")) else None
        if isinstance(found, type) and not issubclass(found, BaseException):
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of Koers' cached data")


class BuildCache:
    """Texts stored by key in `directory`; `BuildCache(None, "")` keeps nothing."""

    def __init__(self, directory: Path | None, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self._child: int | None = None
        self._frozen = False  # whether `prefill` froze the objects alive when it started the child
        # What the second process was given and may not have started, in the order given:
        # key → (the entry's file, what makes its content).
        self._pending: dict[str, tuple[Path, Callable[[], str | bytes]]] = {}
        self._claims: _Claims | None = None
        self._values: dict[str, Any] = {}  # what `value` gave in this process, by key
        self._later: list[tuple[str, Any]] = []  # what `save_later` was given and has not stored, by key

    def text(self, parts: Iterable[str], render: Callable[[], str]) -> str:
        """The stored text for `parts`; on a miss, `render()` and store it."""
        if self.directory is None:
            return render()
        key = digest(self.fingerprint, *parts)
        self.used.add(key)
        path = self.directory / (key + _SUFFIX)
        if self._pending.pop(key, None) is not None:
            if not self._claim(key):  # the second process has it: wait for it, else render it here
                self._await(path)
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            pass
        else:
            self.hits += 1
            return text
        self.misses += 1
        text = render()
        self._store(path, text)
        return text

    def load(self, parts: Iterable[str]) -> Any:
        """The value stored for `parts` (`save_later`, `value`: the history, the versions' agendas,
        data a build reads rather than renders), or None.

        Pickled: safe because a build reads this folder only when this machine's builds alone
        can have written it (`koers.project.Project` checks that git holds nothing in it).
        """
        if self.directory is None:
            return None
        return self._load(digest(self.fingerprint, *parts))

    def _load(self, key: str) -> Any:
        assert self.directory is not None
        self.used.add(key)
        try:
            with (self.directory / (key + _DATA_SUFFIX)).open("rb") as file:
                return _KoersUnpickler(file).load()
        except Exception:  # noqa: BLE001 - missing, unreadable, refused, or from an interrupted write: read again
            return None

    def has(self, parts: Iterable[str]) -> bool:
        """Whether a value is stored for `parts` (without reading it)."""
        return self.directory is not None and (
            self.directory / (digest(self.fingerprint, *parts) + _DATA_SUFFIX)).is_file()

    def save_later(self, parts: Iterable[str], value: Any) -> None:
        """Store `value` for `parts`, for `load`, in the second process (`prefill`): pickling a large
        value (the history) takes time the build's own process needs before that one starts.
        Without a second process `prune` stores it. From now on `value` gives it in this process."""
        if self.directory is not None:
            key = digest(self.fingerprint, *parts)
            self._later.append((key, value))
            self._values[key] = value
            self.used.add(key)

    def _save_now(self) -> None:
        """Store what `save_later` was given and is not stored yet, here."""
        later, self._later = self._later, []
        if self.directory is None:  # nothing was kept
            return
        for key, value in later:
            if not (self.directory / (key + _DATA_SUFFIX)).exists():
                self._save(key, value)

    def _save(self, key: str, value: Any) -> None:
        assert self.directory is not None
        try:
            data = _pickled(value)
        except Exception:  # noqa: BLE001 - the cache only saves time: keep nothing
            return
        self.used.add(key)
        self._store(self.directory / (key + _DATA_SUFFIX), data)

    def value(self, parts: Iterable[str], make: Callable[[], Any]) -> Any:
        """The value stored for `parts`; else `make()`, stored. What `text` is for rendered
        parts, for data the second process may be making (`prefill`'s `values`)."""
        if self.directory is None:
            return make()
        key = digest(self.fingerprint, *parts)
        if key not in self._values:
            if self._pending.pop(key, None) is not None and not self._claim(key):
                self._await(self.directory / (key + _DATA_SUFFIX))
            if (found := self._load(key)) is None:
                found = make()
                self._save(key, found)
            self._values[key] = found
        self.used.add(key)
        return self._values[key]

    def prefill(self, jobs: Iterable[tuple[Iterable[str], Callable[[], str]]],
                values: Iterable[tuple[Iterable[str], Callable[[], Any]]] = ()) -> None:
        """Render the entries of `jobs` (parts, render) that are missing in a second process,
        after making the missing `values` (parts, make: data for `value`).

        The second process renders them in the order given, so give them in the order the
        build needs them. This process goes on at once. A later `text()` for one of these
        entries renders it here if the second process has not started on it yet: each
        process claims an entry before rendering it, so neither waits while work is left,
        and none is rendered twice. Else it waits until the second process has stored the
        entry, and renders it itself if that process ended without it (it failed, or the
        folder cannot be written), so an error shows where it would without this. While it
        waits, it renders the entries the second process would reach last and has not
        started, so the two processes meet in the middle instead of one waiting for the
        other at the end.

        Nothing happens without a folder, without `os.fork` (Windows), or when other threads
        run (`mkdocs serve`): a forked child gets only the forking thread, and a lock another
        thread held at that moment would stay locked in it. Nor when the system has no
        process to spare: then this process renders everything, as without a fork.
        """
        if self.directory is None or not hasattr(os, "fork") or threading.active_count() > 1:
            return
        self.wait()
        # What `save_later` was given goes last: no page waits for it, so whichever process has
        # time left at the end stores it (this one takes the last entries while it waits).
        entries = [*((key := digest(self.fingerprint, *parts), _DATA_SUFFIX, partial(self._make_pickled, key, make))
                     for parts, make in values),
                   *((digest(self.fingerprint, *parts), _SUFFIX, render) for parts, render in jobs),
                   *((key, _DATA_SUFFIX, partial(_pickled, value)) for key, value in self._later)]
        missing = {key: (path, produce) for key, suffix, produce in entries
                   if not (path := self.directory / (key + suffix)).exists()}
        if not missing or not self._make_directory():
            return
        try:
            self._claims = _Claims(missing)
        except OSError:  # no shared memory or semaphore (a container without /dev/shm)
            return
        # What lives now is the build's long-lived data. Frozen, it is skipped by both processes'
        # garbage collections, which would otherwise scan all of it again and again (and in the
        # child touch, so copy, every page of it). This process unfreezes it in `wait`, at the
        # end of the build, so the objects that die with the build are collected as before.
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: this process renders everything itself
            pid = -1
        if pid < 0:
            gc.unfreeze()
            self._forget_child()
            return
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            # The second process only renders: what it makes is either short-lived (template
            # contexts) or kept to the end (parts it reuses). Collecting young objects seventy
            # times less often, and the old ones about never, saves it a tenth of its time at
            # scale; the few cycles among the young are still collected.
            gc.set_threshold(_CHILD_GC_THRESHOLD, 20, 100)
            status = 1
            try:
                for key, (path, produce) in missing.items():
                    if self._claim(key):
                        self._store(path, produce())
                status = 0
            finally:
                # No exit handlers, no flushing of buffers inherited from the parent: only the
                # parent reports, and it renders what the child did not store.
                os._exit(status)
        self._child = pid
        self._frozen = True
        self._pending = missing
        self._later = []  # the second process stores them

    def _make_pickled(self, key: str, make: Callable[[], Any]) -> bytes:
        """`make()` for `prefill`, pickled to be stored; `value` then finds it in this process too."""
        value = make()
        self._values[key] = value
        return _pickled(value)

    def _claim(self, key: str) -> bool:
        """Take entry `key` for this process; False when the other process took it first."""
        return self._claims is None or self._claims.take(key)

    def _await(self, path: Path) -> None:
        while not path.exists():
            if self._child is None or os.waitpid(self._child, os.WNOHANG)[0]:
                self._forget_child()
                return
            if not self._take_last():
                time.sleep(0.002)

    def _take_last(self) -> bool:
        """Render the last pending entry here if the second process has not started it.

        False when nothing is left to take. A render that fails is not stored: the entry is
        rendered again where the build needs it, so its error shows there.
        """
        while self._pending:
            key = next(reversed(self._pending))
            path, produce = self._pending.pop(key)
            if self._claim(key):
                try:
                    content = produce()
                except Exception:  # noqa: BLE001 - raised again where the entry is needed
                    return True
                self._store(path, content)
                return True
        return False

    def wait(self) -> None:
        """Wait until the process started by `prefill` (if any) has ended, and let this process's
        garbage collector scan the objects `prefill` froze again."""
        if self._child is not None:
            os.waitpid(self._child, 0)
            self._forget_child()
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def _forget_child(self) -> None:
        """The second process has ended (or never started): nothing is pending, nothing claimed."""
        self._child = None
        self._pending = {}
        self._claims = None

    def _make_directory(self) -> bool:
        assert self.directory is not None
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                # As pytest and ruff do for their caches: git ignores the folder even in a
                # repository whose .gitignore does not name it.
                (self.directory / ".gitignore").write_text("# Koers' build cache, made by every build.\n*\n")
        except OSError:
            return False
        return True

    def _store(self, path: Path, content: str | bytes) -> None:
        # Written aside and renamed into place: a build that stops halfway, or a second build
        # at the same time, never leaves a partial entry under a valid key.
        if not self._make_directory():
            return
        try:
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=_SUFFIX)
            with os.fdopen(fd, "wb") as file:
                file.write(content.encode("utf-8") if isinstance(content, str) else content)
            os.replace(temporary, path)
        except OSError:
            pass

    def prune(self) -> int:
        """Remove the entries this build did not use (and leftovers of interrupted builds)."""
        self.wait()
        self._save_now()
        if self.directory is None or not self.directory.is_dir():
            return 0
        removed = 0
        for path in self.directory.iterdir():
            if path.name.startswith(_CLAIMS):  # left by a build of an earlier Koers that failed
                shutil.rmtree(path, ignore_errors=True)
            elif path.suffix in (_SUFFIX, _DATA_SUFFIX) and path.stem not in self.used:
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed


class _Claims:
    """Which of the second process's entries either process took: a byte per entry in memory
    the two share (mapped before the fork), tested and set under a lock they share.

    Files would do (one created per entry, exclusively), but creating a file costs a hundred
    times more, in the second process's critical path, on a disk that deleted many lately.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self._index = {key: i for i, key in enumerate(keys)}
        self._taken = mmap.mmap(-1, max(1, len(self._index)))  # anonymous, so shared with the child
        self._lock = multiprocessing.get_context("fork").Lock()

    def take(self, key: str) -> bool:
        """Whether this process is the first to ask for `key`."""
        index = self._index[key]
        # The lock is held for a moment only; should the other process die holding it, this one
        # goes on as without claims (at worst both render the entry).
        locked = self._lock.acquire(timeout=1)
        try:
            if self._taken[index]:
                return False
            self._taken[index] = 1
            return True
        finally:
            if locked:
                self._lock.release()
