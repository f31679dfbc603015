"""The second real agenda, Vijfheerenlanden: opgaven as groups, no goals yet, its process with real dates."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from sitebuild import REPO, BuildResult

EXAMPLE = REPO / "examples" / "vijfheerenlanden"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    site = tmp_path_factory.mktemp("vijfheerenlanden") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=EXAMPLE, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, site)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_the_four_opgaven_are_the_groups(built: BuildResult) -> None:
    pages = sorted(p.name for p in (built.site / "opgaven").iterdir())
    assert pages == ["evenwichtig-ontwikkelen", "gezond-en-vitaal", "meedoen-naar-vermogen", "voor-zichzelf-zorgen"]
    article = built.article("opgaven/meedoen-naar-vermogen/")
    assert "Voor deze opgave zijn nog geen doelen vastgelegd." in article


def test_without_goals_the_site_says_so_instead_of_failing(built: BuildResult) -> None:
    home = built.article("")
    assert "De opgaven" in home and "Er zijn nog geen doelen vastgelegd." in home
    assert "there are no goal files yet" in built.output
    assert built.json("data/agenda.json")["goals"] == []


def test_the_uitgangspunten_are_a_chapter(built: BuildResult) -> None:
    assert "Uitgangspunten" in built.html("uitgangspunten/")


def test_the_process_has_its_real_dates(built: BuildResult) -> None:
    process = text(built.article("proces/"))
    assert "3 maart – 14 april 2020" in process
    assert "11 juni 2020" in process and "gepland" in process
