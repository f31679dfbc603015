"""The build cache (`koers.buildcache`): a second build reads the cached parts and publishes the
same site, and every kind of change reaches the pages it should, from real git repositories."""

from __future__ import annotations

import gc
import os
import pickle
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sitebuild import REPO, AgendaSite, BuildResult, goal_file

from koers.buildcache import _CHILD_GC_THRESHOLD, CACHE_DIR, BuildCache, digest, stable_repr
from tests.gitrepo import GitRepo, isolate_git_env

VERSIONS = """\
- id: concept
  title: Concept voor inspraak
  date: 2020-04-19
  status: ter-inzage
  ref: v-concept
"""
_SLOT = re.compile(r"koers-(history|content)-[0-9a-f]{16}")


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git_env(monkeypatch, tmp_path / "home")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a declared version and a history, built once (so its cache is filled)."""
    root = tmp_path_factory.mktemp("cached")
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_git_env(monkeypatch, home)
        site = AgendaSite(root)
        site.config["nav"].append("versies.md")
        site.write_config()
        repo = GitRepo(root)
        repo.commit("Concept", date="2020-04-15T10:00:00+02:00")
        repo.tag("v-concept")
        site.write("content/versions.yml", VERSIONS)
        site.write("goals/meer-bewegen.md", goal_file(
            "Meer inwoners bewegen voldoende", "gezondheid", "meer", 1, ["ouderen wandelen;", "sporten kan."]))
        # Its history names the related goal by its current title.
        site.write("goals/minder-dakloosheid.md", goal_file(
            "Minder inwoners zijn dakloos", "wonen", "minder", 1,
            ["er voldoende opvang is;", "niemand op straat slaapt."],
            [("meer-bewegen", "Bewegen helpt wie opnieuw begint.")], "Een toelichting bij het doel.\n"))
        repo.commit("Werk het doel bewegen bij", date="2021-01-10T10:00:00+01:00")
        site.build()
    return root


def _copy(built: Path, tmp_path: Path) -> tuple[AgendaSite, GitRepo]:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    return AgendaSite.existing(root), GitRepo(root, init=False)


def _pages(result: BuildResult) -> dict[str, str]:
    """Every HTML page of a build, with the per-build slot names made equal."""
    return {p.relative_to(result.site).as_posix(): _SLOT.sub("SLOT", p.read_text("utf-8"))
            for p in sorted(result.site.rglob("*.html"))}


def _entries(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / CACHE_DIR).glob("*.html")}


def test_a_second_build_reads_the_cache_and_publishes_the_same_site(built: Path, tmp_path: Path) -> None:
    site, _ = _copy(built, tmp_path)
    shutil.rmtree(site.root / CACHE_DIR)
    cold = site.build()
    cold_pages = _pages(cold)
    entries = _entries(site.root)
    # A version document, a comparison, and the history of each page that has one.
    assert len(entries) >= 3 + 2 + 3
    shutil.move(cold.site, tmp_path / "cold-site")

    warm = site.build()
    assert _pages(warm) == cold_pages
    assert _entries(site.root) == entries  # every part was read, none written again


def test_the_build_shows_what_is_cached(built: Path, tmp_path: Path) -> None:
    """Proof that the keys match across processes: a planted entry is what the page shows."""
    site, _ = _copy(built, tmp_path)
    for name in _entries(site.root):
        (site.root / CACHE_DIR / name).write_text("<p>UIT DE CACHE</p>", "utf-8")
    result = site.build()
    for page in ("versies/concept/", "vergelijk/concept/werkversie/", "doelen/meer-bewegen/", "wijzigingen/"):
        assert "UIT DE CACHE" in result.html(page)


def _retitle(site: AgendaSite, repo: GitRepo) -> None:
    site.write("goals/meer-bewegen.md", goal_file(
        "Meer inwoners sporten en bewegen", "gezondheid", "meer", 1, ["ouderen wandelen;", "sporten kan."]))


def _commit(site: AgendaSite, repo: GitRepo) -> None:
    site.write("goals/meer-woningen.md", goal_file(
        "Meer betaalbare woningen", "wonen", "meer", 2, ["er jaarlijks 150 woningen bijkomen."]))
    repo.commit("Verhoog het aantal woningen", date="2021-03-01T10:00:00+01:00")


def _version_title(site: AgendaSite, repo: GitRepo) -> None:
    site.write("content/versions.yml", VERSIONS.replace("Concept voor inspraak", "Ontwerp voor inspraak"))


def _template(site: AgendaSite, repo: GitRepo) -> None:
    for name in ("history.html", "compare.html", "wijzigingen.html"):
        path = site.root / "overrides/koers" / name
        path.write_text(path.read_text("utf-8") + "<p>NIEUW SJABLOON</p>\n", "utf-8")


def _own_diagram_template(site: AgendaSite, repo: GitRepo) -> None:
    # A template of the package (koers/templates/) replaced by a file of the same name in the theme folder.
    template = (REPO / "koers" / "templates" / "relaties.svg").read_text("utf-8")
    (site.root / "overrides" / "relaties.svg").write_text(template + "<!-- EIGEN DIAGRAM -->\n", "utf-8")


def _settings(site: AgendaSite, repo: GitRepo) -> None:
    path = site.root / "mkdocs.yml"
    path.write_text(path.read_text("utf-8").replace("forge.example/teststad", "forge.example/andere-stad"), "utf-8")


# After the first build, change one thing; build again; the change shows where it should.
CHANGES: list[tuple[str, Callable[[AgendaSite, GitRepo], None], str, str]] = [
    # An uncommitted edit: the werkversie and its comparison show it, and so does the history of
    # every page that names the goal (minder-dakloosheid relates to it).
    ("worktree edit", _retitle, "versies/werkversie/", "Meer inwoners sporten en bewegen"),
    ("worktree edit", _retitle, "vergelijk/concept/werkversie/", "Meer inwoners sporten en bewegen"),
    ("worktree edit", _retitle, "doelen/minder-dakloosheid/", "Meer inwoners sporten en bewegen"),
    ("worktree edit", _retitle, "samenhang/relaties.svg", "Meer inwoners sporten en bewegen"),
    ("worktree edit", _retitle, "samenhang/", "Meer inwoners sporten en bewegen"),
    # The site-wide log names each page a commit touched by its title now.
    ("worktree edit", _retitle, "wijzigingen/", "Meer inwoners sporten en bewegen"),
    ("new commit", _commit, "doelen/meer-woningen/", "Verhoog het aantal woningen"),
    ("new commit", _commit, "wijzigingen/", "Verhoog het aantal woningen"),
    ("new commit", _commit, "vergelijk/concept/werkversie/", "150"),
    ("version metadata", _version_title, "vergelijk/concept/werkversie/", "Ontwerp voor inspraak"),
    ("template", _template, "doelen/meer-bewegen/", "NIEUW SJABLOON"),
    ("template", _template, "vergelijk/concept/werkversie/", "NIEUW SJABLOON"),
    ("template", _template, "wijzigingen/", "NIEUW SJABLOON"),
    ("template", _own_diagram_template, "samenhang/relaties.svg", "EIGEN DIAGRAM"),
    ("settings", _settings, "doelen/meer-bewegen/", "forge.example/andere-stad/agenda/commit/"),
    ("settings", _settings, "wijzigingen/", "forge.example/andere-stad/agenda/commit/"),
]


@pytest.mark.parametrize(("change", "edit", "page", "expected"), CHANGES,
                         ids=[f"{c[0]}-{c[2]}" for c in CHANGES])
def test_a_change_is_never_hidden_by_the_cache(built: Path, tmp_path: Path, change: str,
                                                edit: Callable[[AgendaSite, GitRepo], None], page: str,
                                                expected: str) -> None:
    site, repo = _copy(built, tmp_path)
    assert expected not in BuildResult(0, "", built / "site").html(page)
    edit(site, repo)
    warm = site.build()
    shutil.rmtree(site.root / CACHE_DIR)
    cold = site.build("--site-dir", str(tmp_path / "cold"))
    assert expected in warm.html(page)
    assert _pages(warm) == _pages(BuildResult(0, "", tmp_path / "cold"))
    assert cold.returncode == 0


def test_the_cache_keeps_one_build_and_stays_out_of_git(built: Path, tmp_path: Path) -> None:
    site, repo = _copy(built, tmp_path)
    stale = site.root / CACHE_DIR / ("0" * 64 + ".html")
    stale.write_text("<p>oud</p>", "utf-8")
    _retitle(site, repo)
    before = set(_entries(site.root))
    site.build()
    after = set(_entries(site.root))
    assert not stale.exists()
    assert before - after and after - before  # the werkversie's parts were replaced, not added to
    repo.commit("Hernoem het doel", date="2021-02-01T10:00:00+01:00")
    assert repo.git("status", "--porcelain", "--ignored=no").strip() == ""
    assert not any(CACHE_DIR in line for line in repo.git("ls-files").splitlines())


def test_a_cache_that_cannot_be_written_only_costs_time(built: Path, tmp_path: Path) -> None:
    site, _ = _copy(built, tmp_path)
    shutil.rmtree(site.root / CACHE_DIR)
    (site.root / CACHE_DIR).write_text("not a folder", "utf-8")  # mkdir and writing both fail
    result = site.build()
    assert "Concept voor inspraak" in result.html("vergelijk/concept/werkversie/")
    assert _pages(result) == _pages(BuildResult(0, "", built / "site"))


def test_keys_hold_only_what_is_the_same_in_every_process() -> None:
    assert stable_repr({"toc": {"permalink": True, "slugify": stable_repr}}) == (
        "{'toc': {'permalink': True, 'slugify': koers.buildcache.stable_repr}}")
    assert stable_repr(["attr_list", object()]) is None


def test_without_a_folder_nothing_is_kept(tmp_path: Path) -> None:
    cache = BuildCache(None, "")
    calls: list[int] = []
    for _ in range(2):
        assert cache.text(("a",), lambda: str(calls.append(1) or "x")) == "x"
    assert len(calls) == 2
    kept = BuildCache(tmp_path / "c", "f")
    assert [kept.text(("a",), lambda: str(calls.append(1) or "y")) for _ in range(2)] == ["y", "y"]
    assert len(calls) == 3 and (kept.hits, kept.misses) == (1, 1)


def _pid() -> str:
    return str(os.getpid())


def _fail() -> str:
    raise RuntimeError("rendering failed")


def test_prefill_renders_the_missing_entries_in_a_second_process(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "c", "f")
    assert cache.text(("kept",), lambda: "from an earlier build") == "from an earlier build"
    cache.prefill([(("a",), _pid), (("b",), _fail), (("kept",), _fail)])
    cache.wait()  # else this process may claim "a" first and render it itself
    # Rendered by another process; what it could not render, this one renders (and an error
    # would show here); an entry already there is not rendered again.
    assert cache.text(("a",), _fail) not in ("", _pid())
    assert cache.text(("b",), _pid) == _pid()
    assert cache.text(("kept",), _fail) == "from an earlier build"


def test_prefill_makes_the_missing_values_in_a_second_process_before_the_texts(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([(("a",), lambda: str(cache.value(("data",), _fail)["pid"]))],
                  values=[(("data",), lambda: {"pid": os.getpid()})])
    cache.wait()
    assert cache.has(("data",)) and not cache.has(("other",))
    made = cache.value(("data",), _fail)  # stored by the second process, read here
    assert made["pid"] != os.getpid()
    assert cache.text(("a",), _fail) == str(made["pid"])  # the text found the value made
    assert cache.value(("other",), lambda: [1, 2]) == [1, 2] == cache.load(("other",))


def test_a_value_saved_later_is_stored_by_the_second_process_or_at_the_end(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "c", "f")
    cache.save_later(("history",), {"commits": [1, 2]})
    assert cache.load(("history",)) is None  # pickling it here would delay what comes next
    assert cache.value(("history",), _fail) == {"commits": [1, 2]}  # known in this process
    cache.prefill([(("a",), _pid)])
    cache.wait()
    assert cache.load(("history",)) == {"commits": [1, 2]}
    assert cache.prune() == 1  # "a", which the build did not ask for; the value is kept
    alone = BuildCache(tmp_path / "d", "f")
    alone.save_later(("history",), [3])
    alone.prune()  # no second process: stored at the end of the build
    assert BuildCache(tmp_path / "d", "f").load(("history",)) == [3]


def test_a_value_the_second_process_did_not_make_is_made_here(tmp_path: Path) -> None:
    def fail() -> Any:
        raise RuntimeError("making failed")

    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([], values=[(("data",), fail)])
    assert cache.value(("data",), lambda: "made here") == "made here"
    cache.wait()


def test_prefill_stays_in_this_process_when_it_cannot_fork_safely(tmp_path: Path) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        cache = BuildCache(tmp_path / "c", "f")
        cache.prefill([(("a",), _fail)])
        assert not (tmp_path / "c").exists()
        assert cache.text(("a",), _pid) == _pid()
    finally:
        stop.set()
        other.join()
    BuildCache(None, "").prefill([(("a",), _fail)])  # no folder: nothing to fill


def test_both_processes_skip_the_builds_objects_in_their_garbage_collections(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([(("frozen",), lambda: str(gc.get_freeze_count()))])
    assert gc.get_freeze_count() > 0  # until the end of the build (`prune` waits)
    cache.wait()
    assert gc.get_freeze_count() == 0  # then this process collects them as before
    assert int(cache.text(("frozen",), _fail)) > 0


def test_the_second_process_collects_its_garbage_less_often(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([(("threshold",), lambda: str(gc.get_threshold()[0]))])
    cache.wait()
    assert int(cache.text(("threshold",), _fail)) == _CHILD_GC_THRESHOLD
    assert gc.get_threshold()[0] < _CHILD_GC_THRESHOLD  # this process keeps MkDocs' settings


def test_prefill_renders_here_when_no_process_can_be_started(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([(("a",), _fail)])
    assert gc.get_freeze_count() == 0
    assert cache.text(("a",), _pid) == _pid()


def test_the_end_of_a_build_waits_for_the_second_process(tmp_path: Path) -> None:
    def slow() -> str:
        time.sleep(0.2)
        return "late"

    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([(("unused",), slow)])
    assert cache.prune() == 1  # the entry the build did not ask for, once it was written
    assert [p.name for p in (tmp_path / "c").iterdir()] == [".gitignore"]


def _wait_for(marker: Path) -> None:
    for _ in range(1000):  # at most 10 s: a test that would hang fails instead
        if marker.exists():
            return
        time.sleep(0.01)


def _after(go: Path, started: Path | None = None, text: str = "after go") -> Callable[[], str]:
    """A render that marks that it started, then waits for `go` (for at most 10 s)."""
    def render() -> str:
        if started is not None:
            started.touch()
        _wait_for(go)
        return text if go.exists() else "timed out"
    return render


def test_each_entry_is_read_as_soon_as_the_second_process_stored_it(tmp_path: Path) -> None:
    go, started = tmp_path / "go", tmp_path / "started"
    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([(("first",), lambda: "first"), (("second",), _after(go, started))])
    _wait_for(started)  # the second process has stored "first" and claimed "second"
    assert cache.text(("first",), _fail) == "first"  # while the second process still works
    go.touch()
    assert cache.text(("second",), _fail) == "after go"


def test_the_build_renders_what_the_second_process_has_not_started(tmp_path: Path) -> None:
    go, started = tmp_path / "go", tmp_path / "started"
    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([(("busy",), _after(go, started, "busy")), (("spare",), _pid)])
    _wait_for(started)
    # Instead of waiting for the second process, this one renders what it has not begun...
    assert cache.text(("spare",), _pid) == _pid()
    go.touch()
    # ...and waits only for what it is rendering; neither renders an entry the other took.
    assert cache.text(("busy",), _fail) == "busy"
    cache.wait()
    assert BuildCache(tmp_path / "c", "f").text(("spare",), _fail) == _pid()
    assert [p.name for p in (tmp_path / "c").iterdir() if p.is_dir()] == []  # the claims are gone


def test_while_it_waits_the_build_renders_what_the_second_process_would_reach_last(tmp_path: Path) -> None:
    go, started, log = tmp_path / "go", tmp_path / "started", tmp_path / "log"

    def logged(name: str, then: Callable[[], None] = lambda: None) -> Callable[[], str]:
        def render() -> str:
            with log.open("a") as file:
                file.write(f"{name} {os.getpid()}\n")
            then()
            return _pid()
        return render

    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([(("busy",), _after(go, started, "busy")), (("first",), logged("first", go.touch)),
                   (("broken",), _fail), (("last",), logged("last"))])
    _wait_for(started)
    # Waiting for "busy", this process takes the others from the end; the one it is last to
    # take lets the second process finish. A render that fails is not stored...
    assert cache.text(("busy",), _fail) == "busy"
    assert log.read_text().split("\n")[:2] == [f"last {os.getpid()}", f"first {os.getpid()}"]
    assert cache.text(("last",), _fail) == cache.text(("first",), _fail) == _pid()
    # ...but rendered again where it is needed, so its error shows there.
    with pytest.raises(RuntimeError, match="rendering failed"):
        cache.text(("broken",), _fail)
    cache.wait()


def test_the_claims_of_a_build_that_failed_are_removed_by_the_next(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "c", "f")
    cache.prefill([(("a",), _pid)])
    (tmp_path / "c" / ".claims-left-behind").mkdir()
    (tmp_path / "c" / ".claims-left-behind" / "x").touch()
    assert cache.text(("a",), _pid) != ""
    cache.prune()
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [".gitignore", digest("f", "a") + ".html"]


PLANTED = '<script>alert("uit de cache")</script>'


def _plant(site: AgendaSite) -> None:
    for name in _entries(site.root):
        (site.root / CACHE_DIR / name).write_text(PLANTED, "utf-8")


def test_entries_committed_to_git_are_never_used(built: Path, tmp_path: Path) -> None:
    # A pull request could commit entries under the keys a build will ask for (they follow from
    # the code and the content, both public): its preview would put their HTML into the pages
    # unchecked. A fresh clone holds only what git holds, so a committed entry is never trusted.
    site, repo = _copy(built, tmp_path)
    _plant(site)
    repo.git("add", "--force", CACHE_DIR)
    repo.commit("Voeg een cache toe", date="2021-02-01T10:00:00+01:00")
    clone = GitRepo.clone(repo, tmp_path / "clone")
    result = AgendaSite.existing(clone.path).build()
    pages = _pages(result)
    assert not [page for page, html in pages.items() if "uit de cache" in html]
    assert "Minder inwoners zijn dakloos" in result.html("versies/concept/")
    assert "git rm -r --cached .cache" in result.output


def test_a_cache_folder_that_links_elsewhere_is_not_used(built: Path, tmp_path: Path) -> None:
    site, repo = _copy(built, tmp_path)
    _plant(site)
    # A link in the repository (".cache" -> a folder it holds) needs no committed entry under .cache/.
    shutil.move(site.root / CACHE_DIR, site.root / "elders")
    (site.root / CACHE_DIR).symlink_to(site.root / "elders", target_is_directory=True)
    result = site.build()
    assert not [page for page, html in _pages(result).items() if "uit de cache" in html]


def _git_logged(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Put a `git` in front of the real one that logs each command it is asked to run."""
    shims, log = tmp_path / "shims", tmp_path / "git.log"
    shims.mkdir()
    real = shutil.which("git")
    (shims / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n', "utf-8")
    (shims / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    return log


def _subcommands(log: Path) -> list[str]:
    # "-c x=y … log -z …" → "log"; "cat-file --batch" (file contents) apart from "--batch-check" (refs)
    commands = []
    for line in log.read_text("utf-8").splitlines():
        words = line.split()
        at = next(i for i, w in enumerate(words) if not w.startswith("-") and words[i - 1] != "-c")
        commands.append(" ".join(words[at:at + 2]) if words[at] == "cat-file" else words[at])
    return commands


def test_the_next_build_reads_history_and_versions_from_the_cache_not_from_git(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A commit never changes: what a build read from git for one HEAD and one set of version
    # commits, the next reads from the cache. The werkversie's changes are read anew.
    site, repo = _copy(built, tmp_path)
    cold = site.build()
    log = _git_logged(monkeypatch, tmp_path)
    site.write("goals/meer-woningen.md", goal_file(
        "Meer betaalbare woningen", "wonen", "meer", 2, ["er jaarlijks 150 woningen bijkomen."]))
    warm = site.build()
    commands = _subcommands(log)
    assert "log" not in commands and "cat-file --batch" not in commands and "ls-tree" not in commands
    assert "status" in commands and "diff" in commands  # the uncommitted edit, the werkversie's renames
    assert "150 woningen" in warm.html("doelen/meer-woningen/")
    assert "150 woningen" in warm.html("vergelijk/concept/werkversie/")
    assert _pages(warm).keys() == _pages(cold).keys()
    # A new commit is a new HEAD: its history is read from git again, and shows.
    repo.commit("Verhoog het aantal woningen", date="2021-03-01T10:00:00+01:00")
    log.unlink()
    after = site.build()
    assert "log" in _subcommands(log)
    assert "Verhoog het aantal woningen" in after.html("doelen/meer-woningen/")


def test_unreadable_cached_data_is_made_again(built: Path, tmp_path: Path) -> None:
    site, _ = _copy(built, tmp_path)
    cold = site.build()
    data = list((site.root / CACHE_DIR).glob("*.pickle"))
    assert len(data) == 3  # the history, the versions, the diagram
    for path in data:
        path.write_bytes(b"not a pickle")
    warm = site.build()
    assert _pages(warm) == _pages(cold)
    assert warm.html("samenhang/relaties.svg") == cold.html("samenhang/relaties.svg")


def test_a_cache_folder_that_is_a_submodule_is_not_used(built: Path, tmp_path: Path) -> None:
    # A submodule at .cache: git holds no file under .cache/koers, yet a checkout with its
    # submodules fills it with whatever the pull request's other repository holds.
    site, repo = _copy(built, tmp_path)
    _plant(site)
    planted = GitRepo(tmp_path / "planted")
    shutil.copytree(site.root / ".cache", planted.path, dirs_exist_ok=True)
    (planted.path / "koers" / ".gitignore").unlink()
    planted.commit("Cache", date="2021-02-01T10:00:00+01:00")
    shutil.rmtree(site.root / ".cache")
    repo.git("-c", "protocol.file.allow=always", "submodule", "-q", "add", planted.path.resolve().as_uri(), ".cache")
    repo.commit("Voeg een cache toe", date="2021-02-01T10:00:00+01:00")
    assert list((site.root / CACHE_DIR).glob("*.html"))
    result = site.build()
    assert not [page for page, html in _pages(result).items() if "uit de cache" in html]


def test_cached_data_that_names_anything_but_koers_data_is_not_loaded(built: Path, tmp_path: Path) -> None:
    # Defence in depth behind the checks above: unpickling calls what the data names.
    site, _ = _copy(built, tmp_path)
    cold = site.build()
    marker = tmp_path / "ran"
    for path in (site.root / CACHE_DIR).glob("*.pickle"):
        path.write_bytes(pickle.dumps(_Runs(str(marker))))
    assert _pages(site.build()) == _pages(cold)
    assert not marker.exists()


class _Runs:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return os.system, (f"touch {self.path}",)


def _replace_head(site: AgendaSite, repo: GitRepo) -> None:
    tree = repo.git("rev-parse", "HEAD^{tree}").strip()
    parent = repo.git("rev-parse", "HEAD^").strip()
    other = repo.git("-c", "user.name=X", "-c", "user.email=x@example.com", "commit-tree", tree, "-p", parent,
                     "-m", "Vervangen bericht").strip()
    repo.git("replace", "HEAD", other)


def _rename_limit(site: AgendaSite, repo: GitRepo) -> None:
    repo.git("config", "diff.renameLimit", "1")


@pytest.mark.parametrize("tweak", [_replace_head, _rename_limit], ids=["git replace", "diff.renameLimit"])
def test_what_git_reads_follows_from_the_commits_alone(built: Path, tmp_path: Path,
                                                       tweak: Callable[[AgendaSite, GitRepo], None]) -> None:
    # The history is kept by HEAD's sha: nothing else may change what git answers for it.
    site, repo = _copy(built, tmp_path)
    for old, new in (("meer-bewegen", "meer-sport"), ("meer-woningen", "meer-huizen")):
        repo.mv(f"goals/{old}.md", f"goals/{new}.md")
        path = site.root / "goals" / f"{new}.md"
        path.write_text(path.read_text("utf-8").replace("\n\n", "\n\nEen nieuwe alinea.\n\n", 1), "utf-8")
    site.write("goals/minder-dakloosheid.md", goal_file(
        "Minder inwoners zijn dakloos", "wonen", "minder", 1, ["er voldoende opvang is."],
        [("meer-sport", "Bewegen helpt.")]))
    repo.commit("Hernoem twee doelen", date="2021-02-01T10:00:00+01:00")
    site.build()
    tweak(site, repo)
    warm = site.build()
    shutil.rmtree(site.root / CACHE_DIR)
    site.build("--site-dir", str(tmp_path / "cold"))
    assert _pages(warm) == _pages(BuildResult(0, "", tmp_path / "cold"))
    assert "Vervangen bericht" not in warm.html("doelen/meer-sport/")
