"""`koers init`: a fresh agenda repository that builds and passes its own checks straight away."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from koers.loading import load_directory
from koers.newagenda import InitError, init_agenda
from tests.gitrepo import isolate_git_env


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git_env(monkeypatch, tmp_path / "home")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_init_writes_a_complete_repository_that_builds_and_passes_its_checks(tmp_path: Path) -> None:
    created = run("-m", "koers.cli", "init", "nieuw", "--gemeente", "Voorbeeldstad", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    root = tmp_path / "nieuw"
    for name in ("mkdocs.yml", "Makefile", ".ci/run", ".github/workflows/pr.yml", ".github/workflows/publish.yml",
                 "content/versions.yml", "content/themas/meedoen.md", "goals/meer-inwoners-doen-mee-in-hun-buurt.md",
                 "hooks/agenda.py", "koers/project.py", "overrides/koers/goal.md", "tests/test_agenda.py"):
        assert (root / name).is_file(), name
    agenda = load_directory(root)
    assert [t.id for t in agenda.themes] == ["meedoen"] and len(agenda.goals) == 1
    assert "municipality: \"Voorbeeldstad\"" in (root / "mkdocs.yml").read_text("utf-8")
    log = subprocess.run(["git", "log", "--format=%s"], cwd=root, capture_output=True, text=True, check=True)
    assert log.stdout == "Start the Sociale Agenda Voorbeeldstad\n"

    check = run("-m", "koers.cli", "check", cwd=root)
    assert check.returncode == 0 and "In orde: 1 thema, 1 doel, 2 resultaten, 0 relaties." in check.stdout
    build = run("-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site"), cwd=root)
    assert build.returncode == 0, build.stderr
    assert "proces.md" not in build.stderr  # in the nav, not an unreachable page
    page = (tmp_path / "site" / "doelen" / "meer-inwoners-doen-mee-in-hun-buurt" / "index.html").read_text("utf-8")
    assert "Meer inwoners doen mee in hun buurt" in page and "Sociale Agenda Voorbeeldstad" in page
    own_tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=root)
    assert own_tests.returncode == 0, own_tests.stdout + own_tests.stderr
    # The agenda's own tests hold for its own goals once the example goal is gone, and its
    # audit names no page of another agenda.
    (root / "goals/meer-inwoners-doen-mee-in-hun-buurt.md").rename(root / "goals/minder-armoede.md")
    own_tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=root)
    assert own_tests.returncode == 0, own_tests.stdout + own_tests.stderr
    pages = (root / "audit/pages.mjs").read_text("utf-8")
    assert not re.search(r"'(themas|doelen)/[a-z]", pages) and "inleiding" not in pages


def test_init_fills_a_clone_of_an_empty_repository(tmp_path: Path) -> None:
    target = tmp_path / "leeg"
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    created = run("-m", "koers.cli", "init", str(target), "--gemeente", "Voorbeeldstad", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    log = subprocess.run(["git", "log", "--format=%s"], cwd=target, capture_output=True, text=True, check=True)
    assert log.stdout == "Start the Sociale Agenda Voorbeeldstad\n"


@pytest.mark.parametrize(("name", "prepare", "message"), [
    ("Voorbeeldstad", lambda d: (d.mkdir(), (d / "x.txt").write_text("x")), "is not empty; choose a new folder"),
    ("   ", lambda d: None, "--gemeente must name the municipality"),
])
def test_init_refuses_what_it_cannot_do(tmp_path: Path, name: str, prepare, message: str) -> None:
    target = tmp_path / "nieuw"
    prepare(target)
    with pytest.raises(InitError, match=message):
        init_agenda(target, name, git=False)
