"""`make build` with the real Makefile: a failing build never replaces a good site/."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from sitebuild import REPO, AgendaSite, goal_file

# The virtual environment running the tests already has everything `make` would install;
# `-o` tells make to treat its stamps as up to date, so the test never runs pip (nor compiles
# Koers, which the test's project does not hold).
VENV = Path(sys.prefix)


def make(root: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    stamps = [arg for stamp in (".installed", ".compiled") for arg in ("-o", f"{VENV}/{stamp}")]
    return subprocess.run(["make", "--no-print-directory", f"VENV={VENV}", *stamps, *targets],
                          cwd=root, capture_output=True, text=True)


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def project(root: Path) -> AgendaSite:
    site = AgendaSite(root)
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    return site


def test_a_failing_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    site = project(tmp_path)
    first = make(tmp_path, "build")
    assert first.returncode == 0, first.stdout + first.stderr
    before = tree_digest(tmp_path / "site")
    assert "doelen/meer-woningen/index.html" in before

    site.write("goals/meer-woningen.md", goal_file("Meer betaalbare woningen", "wonen", "more", 2, ["x."]))
    second = make(tmp_path, "build")
    assert second.returncode != 0
    assert ("goals/meer-woningen.md, line 4: 'direction' must be one of: meer, minder (got 'more')"
            in second.stdout + second.stderr)
    assert tree_digest(tmp_path / "site") == before


def test_a_good_build_replaces_the_site_completely(tmp_path: Path) -> None:
    site = project(tmp_path)
    assert make(tmp_path, "build").returncode == 0
    site.remove("goals/meer-woningen.md")
    result = make(tmp_path, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "site/doelen/meer-woningen").exists()
    assert (tmp_path / "site/doelen/meer-bewegen/index.html").is_file()
    assert not (tmp_path / ".site-build").exists()
