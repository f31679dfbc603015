"""The benchmark's own correctness (never its timings): the generated repository and its builds."""

from __future__ import annotations

import math
import os
import queue
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import GeneratedRepo, generate, git_env
from bench.history_probe import measure
from bench.run import _Serve
from koers.loading import load_directory
from tests.gitrepo import isolate_git_env


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git_env(monkeypatch, tmp_path / "home")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> GeneratedRepo:
    return generate(tmp_path_factory.mktemp("bench") / "repo", themes=2, goals=6, commits=12, versions=2)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=git_env(repo), capture_output=True, text=True,
                          check=True).stdout


def test_generated_repo_validates_at_head(tiny: GeneratedRepo) -> None:
    agenda = load_directory(tiny.path)
    assert sorted(g.id for g in agenda.goals) == sorted(tiny.goals)
    assert len(agenda.themes) == 2
    for goal in agenda.goals:
        assert 3 <= len(goal.results) <= 8
        assert len(goal.relations) <= 3


def test_history_has_every_commit_and_version_tag(tiny: GeneratedRepo) -> None:
    assert tiny.commits == 13
    assert git(tiny.path, "rev-list", "--count", "HEAD").strip() == "13"
    assert git(tiny.path, "tag", "--list").split() == ["v1", "v2"] == tiny.tags
    declared = (tiny.path / "content" / "versions.yml").read_text("utf-8")
    assert "ref: v1" in declared and "ref: v2" in declared
    assert git(tiny.path, "rev-parse", "v2^{commit}") == git(tiny.path, "rev-parse", "HEAD")
    assert git(tiny.path, "status", "--porcelain").strip() == ""


def test_a_goal_file_was_renamed_with_git_rename_detection(tiny: GeneratedRepo) -> None:
    assert tiny.renames
    renamed = git(tiny.path, "log", "-M", "--diff-filter=R", "--name-status", "--format=", "--", "goals")
    old, new = tiny.renames[0]
    assert f"goals/{old}.md\tgoals/{new}.md" in renamed


def test_every_commit_validates(tiny: GeneratedRepo) -> None:
    """Not only HEAD: each intermediate state is a valid agenda too (relations follow renames)."""
    from koers.loading import load_agenda
    from koers.problems import errors_in

    for sha in git(tiny.path, "rev-list", "HEAD").split():
        paths = git(tiny.path, "ls-tree", "-r", "--name-only", sha, "--", "goals", "content/themas").split()
        files = {p: subprocess.run(["git", "show", f"{sha}:{p}"], cwd=tiny.path, env=git_env(tiny.path),
                                   capture_output=True, check=True).stdout for p in paths}
        _, problems = load_agenda(files)
        assert not errors_in(problems), (sha, problems)


def test_plain_tree_has_one_page_per_goal(tiny: GeneratedRepo) -> None:
    pages = sorted(p.stem for p in (tiny.path / "plain" / "doelen").glob("*.md"))
    assert pages == sorted(tiny.goals)
    assert tiny.plain_config.is_file() and tiny.dates_config.is_file()
    assert "git-revision-date-localized" in tiny.dates_config.read_text("utf-8")
    assert "hooks" not in tiny.plain_config.read_text("utf-8")
    for config in (tiny.plain_config, tiny.fullnav_config):  # six goals: under the nav limit, all listed
        assert all(f"doelen/{goal}.md" in config.read_text("utf-8") for goal in tiny.goals)


def test_same_seed_gives_the_same_repository(tiny: GeneratedRepo, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", themes=2, goals=6, commits=12, versions=2)
    assert git(again.path, "rev-parse", "HEAD") == git(tiny.path, "rev-parse", "HEAD")


def test_history_probe_sees_every_page(tiny: GeneratedRepo) -> None:
    found = measure(tiny.path)
    # goals + themes + index, inleiding + samenhang
    assert found["pages"] == 6 + 2 + 2 + 1
    assert found["commits"] == 13
    assert found["entries"] >= 12


def test_koers_build_has_a_page_for_every_goal(tiny: GeneratedRepo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=tiny.path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for goal in tiny.goals:
        assert (site / "doelen" / goal / "index.html").is_file(), goal
    old, new = tiny.renames[0]
    assert f"(was goals/{old}.md)" in (site / "doelen" / new / "index.html").read_text("utf-8")


def test_event_timings_cover_every_page_of_a_build(tiny: GeneratedRepo) -> None:
    proc = subprocess.run([sys.executable, "-m", "bench.events", str(tiny.path)], cwd=Path(__file__).parent.parent,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    calls = dict(re.findall(r"^  (.+?) +[\d.]+ s  \((\d+) calls\)$", proc.stdout, re.M))
    # Every page passes through the hook and through Markdown once; the goals are pages.
    assert calls["on_page_markdown (hooks/agenda.py)"] == calls["Markdown (Page.render)"]
    assert int(calls["Markdown (Page.render)"]) > len(tiny.goals)
    assert "the rest (page templates, nav, theme files)" in proc.stdout


def test_plain_nav_follows_koers_nav_limit_and_full_nav_lists_every_goal() -> None:
    from bench.generate import GoalState, ThemeState, plain_config
    from koers.site import NAV_LIMIT

    themes = [ThemeState("wonen", "Wonen", "Opgave.", 1, "")]
    goals = {f"doel-{i}": GoalState(f"doel-{i}", f"Doel {i}", "wonen", "meer", i, ["x"], [], [])
             for i in range(NAV_LIMIT + 1)}
    plain = plain_config(themes, goals, dates=False)
    assert plain["nav"][2] == {"Sociale Agenda": [{"Wonen": "themas/wonen.md"}]}
    assert plain["not_in_nav"] == "/doelen/"
    full = plain_config(themes, goals, dates=False, full_nav=True)
    assert len(full["nav"][2]["Sociale Agenda"][0]["Wonen"]) == NAV_LIMIT + 2


def test_report_judges_each_target_from_the_medians() -> None:
    from bench.run import Sample, SizeResult, report

    def size(goals: int, a: float, b: float, c: float | None, d: float, read: float, pages: float) -> SizeResult:
        inner = {"history_s": read + pages, "read_s": read, "pages_s": pages, "site_log_s": 0.1, "git_calls": 4}
        seconds = {"A": a, "W": a / 2, "B": b, "C": c, "D": d, "K": 1.0, "H": read + pages}
        samples = {step: [Sample(s * f, 1024 * 100, s, inner if step == "H" else None) for f in (0.9, 1.0, 1.3)]
                   for step, s in seconds.items() if s is not None}
        return SizeResult(goals, 2 * goals + 1, 8, 5, 1.0, 1, 1, samples, "today", "abc1234", 1.0)

    info = {"nproc": "2", "platform": "Linux", "python": "3.11", "git": "2.39", "mkdocs": "1.6.1",
            "mkdocs-material": "9.8.1", "mkdocs-git-revision-date-localized-plugin": "1.6.3"}
    text = report([size(1000, 20.0, 5.0, 50.0, 0.5, 1.2, 2.0), size(4000, 84.0, 18.0, None, 5.0, 6.0, 9.0)],
                  None, info)
    assert "- A/B = 4.00 (target ≤ 1.25): **MISSED**" in text
    assert "- A/C = 0.40 (target ≤ 0.5): pass" in text
    assert "- reading/D = 2.40 (target ≤ 3): pass" in text
    assert "| H/D (the history with every page's redlines) | 6.40 | 3.00 | (for information) |" in text
    assert "- A(4000)/A(1000) = 4.20 (target ≤ 4.4): pass" in text
    later = size(4000, 84.0, 18.0, None, 5.0, 6.0, 9.0)
    later.measured = "tomorrow"
    assert ("- A(4000)/A(1000) = 4.20 (target ≤ 4.4): not judged: G=1000 was measured today and G=4000 "
            "tomorrow; measure both in one run") in report([size(1000, 20.0, 5.0, 50.0, 0.5, 1.2, 2.0), later],
                                                           None, info)
    assert "| W/B (W: A again, with the build cache) | 2.00 | 2.33 | (for information) |" in text


def test_report_judges_growth_from_the_rounds_run_back_to_back() -> None:
    from bench.run import GrowthResult, Sample, SizeResult, report

    def size(goals: int, a: float) -> SizeResult:
        inner = {"history_s": 1.0, "read_s": 0.5, "pages_s": 0.5, "site_log_s": 0.1, "git_calls": 4}
        samples = {step: [Sample(a, 1024, a, inner if step == "H" else None)] for step in ("A", "B", "D", "K", "H")}
        return SizeResult(goals, 2 * goals + 1, 8, 5, 1.0, 1, 1, samples, "today", "abc1234", 1.0)

    # The machine slowed down between the two sizes (apart: 25 / 5 = 5.0), and again within
    # the rounds; each round compares two builds of the same moment.
    seconds = {"A@1000": (5.0, 6.0, 5.5), "A@4000": (21.0, 27.0, 22.0),
               "B@1000": (4.0, 4.0, 4.0), "B@4000": (14.0, 15.0, 16.0)}
    growth = GrowthResult({run: [Sample(s, None) for s in found] for run, found in seconds.items()}, "today", "abc")
    info = {"nproc": "2", "platform": "Linux", "python": "3.11", "git": "2.39", "mkdocs": "1.6.1",
            "mkdocs-material": "9.8.1", "mkdocs-git-revision-date-localized-plugin": "1.6.3"}
    text = report([size(1000, 5.0), size(4000, 25.0)], None, info, growth)
    # Rounds: 21/5 = 4.20, 27/6 = 4.50, 22/5.5 = 4.00; B: 3.50, 3.75, 4.00.
    assert ("- A(4000)/A(1000) = 4.20 (target ≤ 4.4): pass (median of 3 rounds of A at both sizes back to back, "
            "measured today; B(4000)/B(1000) in the same rounds = 3.75; from the medians of the two sizes above, "
            "measured apart: 5.00)") in text
    assert "| 2 | 6.00 s | 27.00 s | 4.50 | 4.00 s | 15.00 s | 3.75 |" in text
    assert "| median | | | **4.20** | | | 3.75 |" in text
    slower = GrowthResult({**growth.samples, "A@4000": [Sample(s, None) for s in (23.0, 27.0, 24.0)]}, "today")
    assert "- A(4000)/A(1000) = 4.50 (target ≤ 4.4): **MISSED**" in report([size(1000, 5.0)], None, info, slower)
    assert GrowthResult.from_json(growth.to_json()) == growth


@pytest.mark.parametrize(("lines", "expected"), [
    (["INFO    -  Building documentation...", "INFO    -  Documentation built in 0.70 seconds"], 0.7),
    # MkDocs logs each message once per process: a rebuild exactly as long as an earlier one
    # prints no "Documentation built" line, and must not count as a missed rebuild.
    (["INFO    -  [12:00:01] Detected file changes", "INFO    -  Building documentation...",
      "INFO    -  [12:00:02] Reloading browsers"], "nan"),
    (["INFO    -  [12:00:01] Detected file changes", "INFO    -  Building documentation..."], None),
])
def test_serve_timing_sees_every_rebuild(lines: list[str], expected: float | str | None) -> None:
    serve = _Serve.__new__(_Serve)  # its log lines, without a server
    serve.lines = queue.Queue()
    for line in lines:
        serve.lines.put(line + "\n")
    reported = serve.wait_built(0.05)
    assert (math.isnan(reported) if expected == "nan" else reported == expected)
