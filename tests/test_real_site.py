"""The real Leiderdorp agenda: loaded, validated and built from this repository's content."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml
from sitebuild import REPO, AgendaSite

from koers.loading import load_directory


@pytest.fixture(scope="module")
def agenda():
    return load_directory(REPO)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("leiderdorp")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    site = AgendaSite(root, config=config, default_content=False)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "goals", root / "goals")
    return site.build()


def test_the_agenda_has_four_themes_fifteen_goals_and_sixty_results(agenda) -> None:
    assert [t.title for t in agenda.themes] == [
        "Zelfstandig leven", "Opgroeien en ontwikkelen", "Een gezond dorp", "Samen leven in buurt en wijken"]
    assert len(agenda.goals) == 15
    assert sum(len(g.results) for g in agenda.goals) == 60
    assert all(g.direction == g.title.split()[0].lower() for g in agenda.goals)


def test_every_relation_has_a_note_and_links_existing_goals(agenda) -> None:
    relations = agenda.relations()
    assert len(relations) >= 10
    assert all(note.strip() for _, _, note in relations)


def test_all_goals_and_results_are_in_the_built_html(agenda, built) -> None:
    for goal in agenda.goals:
        article = html.unescape(built.article(f"doelen/{goal.id}/"))
        assert goal.title in article
        for result in goal.results:
            text = re.sub(r"\[\^\d+\]", "", result)  # a footnote reference renders as a link
            assert text.split("[^")[0] in re.sub(r"<sup.*?</sup>", "", article), (goal.id, result)


def test_relations_are_symmetric_in_the_html(agenda, built) -> None:
    for source, target, note in agenda.relations():
        for here, there in ((source, target), (target, source)):
            article = html.unescape(built.article(f"doelen/{here.id}/"))
            assert f'href="../{there.id}/"' in article, (here.id, there.id)
            assert note in article


def test_agenda_json_matches_the_content(agenda, built) -> None:
    data = built.json("data/agenda.json")
    assert [g["id"] for g in data["goals"]] == [g.id for g in agenda.goals]
    assert sum(len(g["results"]) for g in data["goals"]) == 60
    for entry, goal in zip(data["goals"], agenda.goals):
        assert entry["results"] == list(goal.results)
        assert entry["source"] == f"goals/{goal.id}.md"
        assert (REPO / entry["source"]).is_file()


def test_footnote_in_a_result_links_to_its_text(built) -> None:
    article = built.article("doelen/meer-zelfredzaamheid-en-inclusie/")
    assert 'href="#fn:7"' in article and "Bemoeizorg: een vorm van" in article


def test_the_site_speaks_dutch_where_mkdocs_and_material_would_not(built) -> None:
    # The home page is headed by the agenda's title, not the nav's label; the 404 page and the
    # footnotes' back links are in Dutch.
    assert re.search(r"<h1[^>]*>Sociale Agenda Leiderdorp 2017–2021<", built.article(""))
    not_found = built.html("404.html")
    assert "Pagina niet gevonden" in not_found and "Not found" not in not_found
    pages = [path.read_text("utf-8") for path in built.site.rglob("*.html")]
    assert any('title="Terug naar voetnoot 1 in de tekst"' in page for page in pages)
    assert not any("Jump back to footnote" in page for page in pages)


def test_every_chapter_of_the_document_is_published(built) -> None:
    for path, heading in [("inleiding/", "Terugblik"), ("besturingsfilosofie/", "Right to challenge"),
                          ("visie-en-uitgangspunten/", "Het sociaal domein als piramide"),
                          ("tot-slot/", "Monitoring en verantwoording"), ("sociale-agenda/", "Zelfstandig leven"),
                          ("themas/zelfstandig-leven/", "Laaggeletterdheid")]:
        assert heading in built.article(path), path


def test_no_conversion_artefacts_remain() -> None:
    for path in [*Path(REPO / "content").rglob("*.md"), *Path(REPO / "goals").glob("*.md")]:
        text = path.read_text("utf-8")
        assert "[bookmark" not in text and "footnoteRef" not in text, path


def test_the_comparison_with_the_adopted_version_shows_exactly_the_typo_corrections() -> None:
    import subprocess
    import sys

    git = ["git", "-C", str(REPO)]
    if subprocess.run([*git, "rev-parse", "--is-shallow-repository"], capture_output=True, text=True,
                      check=True).stdout.strip() == "true":
        pytest.skip("needs the full history of this repository (git fetch --unshallow)")
    fixes = subprocess.run([*git, "log", "--format=%H", "--grep", "Correct obvious typos", "-1"],
                           capture_output=True, text=True, check=True).stdout.strip()
    out = subprocess.run([sys.executable, "-m", "koers.cli", "diff", "vastgesteld-2017", fixes], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    pairs = [p for p in re.findall(r"(?:<del>(.*?)</del>)?(?:<ins>(.*?)</ins>)?", out) if any(p)]
    # 21 corrections; the mismatched closing quote is not a change once quote styles are normalised.
    assert pairs == [
        ("gemeentelijk", "gemeentelijke"), ("zelfstandige", "zelfstandig"), ("zoen", "zien"),
        ("doorontwikkelingen", "doorontwikkeling"), ("deskundigen", "deskundige"), ("deskundige", "deskundigen"),
        (".", ""), ("off", "of"), ("-", ""), ("inrichtingen", "inrichten"), ("sportverening", "sportvereniging"),
        ("hupverlening", "hulpverlening"), ("sluit", "sluiten"), (",", ""), (",", ""), ("opzichten", "opzichte"),
        ("benadert", "benaderd"), ("een aan", "aan een"), ("en toe", "ertoe"), ("kan ", ""),
    ]
    assert "| Doelen gewijzigd | 3 |" in out and "| Hoofdstukken gewijzigd | 4 |" in out
