"""Agenda versions: the timeline, point-in-time pages, comparisons, JSON and `koers diff`, from real git."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sitebuild import AgendaSite, goal_file, theme_file

from koers import loading, versions
from koers.buildcache import CACHE_DIR
from koers.loading import Layout
from koers.model import Agenda, Goal
from koers.versionpages import VersionPages
from koers.versions import (
    Version,
    VersionReader,
    VersionSet,
    goal_renames,
    parse_versions,
    read_agendas,
    renames_between,
    resolve_refs,
)
from tests.gitrepo import GitRepo, isolate_git_env

VERSIONS = """\
- id: concept
  title: Concept voor inspraak
  date: 2020-04-19
  status: ter-inzage
  ref: v-concept
- id: vastgesteld
  title: Vastgesteld door de gemeenteraad
  date: 2020-07-01
  status: vastgesteld
  ref: v-vastgesteld
  decision: Raadsbesluit 2020-07
"""
# One version, at the tag v1: the tests below make that commit themselves.
FIRST_VERSION = "- id: eerste\n  title: Eerste versie\n  date: 2020-01-10\n  status: concept\n  ref: v1\n"


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git_env(monkeypatch, tmp_path / "home")


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("versions")
    site = AgendaSite(root)
    site.config["nav"].append("versies.md")
    site.config["extra"]["koers"]["document"] = ["inleiding.md", "koers:themas"]
    site.write_config()
    repo = GitRepo(root)
    repo.commit("Concept", date="2020-04-15T10:00:00+02:00")
    repo.tag("v-concept")
    site.write("goals/minder-dakloosheid.md", goal_file(
        "Minder inwoners zijn dakloos", "wonen", "minder", 1,
        ["er ruim voldoende opvang is;", "niemand op straat slaapt."],
        [("meer-betaalbare-woningen", "Zonder betaalbare woning geen uitweg uit de opvang.")]))
    repo.mv("goals/meer-woningen.md", "goals/meer-betaalbare-woningen.md")
    site.write("content/inleiding.md", "---\ntitle: Inleiding\n---\n\nHet sociaal domein gaat over alle mensen. "
               "Zie [Wonen](themas/wonen.md).\n")
    repo.commit("Verwerk de inspraak", date="2020-06-20T10:00:00+02:00")
    repo.tag("v-vastgesteld")
    site.write("content/versions.yml", VERSIONS)
    site.write("goals/meer-bewegen.md", goal_file(
        "Meer inwoners bewegen voldoende", "wonen", "meer", 3, ["ouderen wandelen;", "sporten toegankelijk is."]))
    repo.commit("Verplaats bewegen naar wonen", date="2021-01-10T10:00:00+01:00")
    return site, site.build()


def test_timeline_lists_versions_oldest_first_with_the_werkversie_last(versioned) -> None:
    _, built = versioned
    article = built.article("versies/")
    titles = re.findall(r'<p class="koers-timeline-head"><a href="[^"]+"><strong>(.*?)</strong>', article)
    assert titles == ["Concept voor inspraak", "Vastgesteld door de gemeenteraad", "Werkversie"]
    assert "ter inzage" in article and "19 april 2020" in article and "1 juli 2020" in article
    assert 'href="../vergelijk/concept/vastgesteld/"' in article
    assert 'href="../vergelijk/vastgesteld/werkversie/"' in article


def test_point_in_time_page_shows_the_text_as_it_stood(versioned) -> None:
    _, built = versioned
    article = built.article("versies/concept/")
    assert "<li>er voldoende opvang is;</li>" in article and "ruim" not in article
    assert 'id="doel-meer-woningen"' in article and 'id="doel-meer-betaalbare-woningen"' not in article
    assert "ter inzage gelegd op 19 april 2020" in article and "bekijk de huidige versie" in article
    # The werkversie changes: it says how far its text goes.
    assert "dit is de huidige tekst van de agenda, met de laatste wijziging van 10 januari 2021" in built.article(
        "versies/werkversie/")
    # From a version to its comparisons with the one before it and the werkversie, and back.
    assert 'Vergelijk <a href="../../vergelijk/concept/werkversie/">met Werkversie</a>.' in article
    later = built.article("versies/vastgesteld/")
    assert ('Vergelijk <a href="../../vergelijk/concept/vastgesteld/">met Concept voor inspraak</a> of '
            '<a href="../../vergelijk/vastgesteld/werkversie/">met Werkversie</a>.') in later
    assert 'id="inhoud"' in article and 'href="#doel-minder-dakloosheid"' in article
    assert 'id="hoofdstuk-inleiding"' in article and article.index("hoofdstuk-inleiding") < article.index("thema-wonen")
    later = built.article("versies/vastgesteld/")
    assert 'Zie <a href="#thema-wonen">Wonen</a>' in later  # a link to another page stays inside the document
    assert "Wijziging voorstellen" not in built.html("versies/concept/")
    current = built.article("versies/vastgesteld/")
    assert "<li>er ruim voldoende opvang is;</li>" in current
    assert "Zonder betaalbare woning geen uitweg uit de opvang." in current
    assert "Bewegen helpt wie opnieuw begint" in article


@pytest.mark.parametrize("path, body, expected", [
    # From a theme: another theme, a chapter, a goal, each inside the document.
    ("content/themas/wonen.md", "[a](gezondheid.md) [b](../inleiding.md) [c](../doelen/meer-bewegen.md#resultaten)",
     ['<a href="#thema-gezondheid">a</a>', '<a href="#hoofdstuk-inleiding">b</a>',
      '<a href="#doel-meer-bewegen">c</a>']),
    # From a goal: a theme and another goal, relative to the goal's own page.
    ("goals/meer-woningen.md", "[a](../themas/gezondheid.md) [b](meer-bewegen.md)",
     ['<a href="#thema-gezondheid">a</a>', '<a href="#doel-meer-bewegen">b</a>']),
    # From a chapter: a goal; a page outside the document goes to the site, its anchor kept.
    ("content/inleiding.md", "[a](doelen/meer-bewegen.md) [b](samenhang.md#matrix) [c](index.md)",
     ['<a href="#doel-meer-bewegen">a</a>', '<a href="../../samenhang/#matrix">b</a>', '<a href="../../">c</a>']),
    # A reference definition is a link too.
    ("content/themas/wonen.md", "Zie [gezondheid][g].\n\n[g]: gezondheid.md",
     ['<a href="#thema-gezondheid">gezondheid</a>']),
])
def test_links_between_pages_stay_inside_the_version_document(tmp_path: Path, path: str, body: str,
                                                               expected: list[str]) -> None:
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"]["document"] = ["inleiding.md", "koers:themas"]
    site.write_config()
    front, _, _ = (tmp_path / path).read_text().rpartition("---\n")
    site.write(path, f"{front}---\n\n{body}\n")
    article = site.build().article("versies/werkversie/")
    for link in expected:
        assert link in article


def test_a_goal_that_reads_the_same_in_two_versions_links_within_each_document(tmp_path: Path) -> None:
    """The goal's section is made once for both documents; its link is not: the theme it links
    to is in the werkversie's document, not yet in the first version's."""
    site = AgendaSite(tmp_path)
    site.remove("content/themas/gezondheid.md")
    site.write("goals/meer-bewegen.md", goal_file(
        "Meer inwoners bewegen voldoende", "wonen", "meer", 3, ["ouderen wandelen."],
        body="Zie [gezondheid](../themas/gezondheid.md)."))
    repo = GitRepo(tmp_path)
    repo.commit("Begin", date="2020-01-10T10:00:00+01:00")
    repo.tag("v1")
    site.write("content/versions.yml", FIRST_VERSION)
    site.write("content/themas/gezondheid.md", theme_file("Gezondheid", "Inwoners leven gezond.", 2))
    repo.commit("Thema gezondheid", date="2020-02-10T10:00:00+01:00")
    built = site.build()
    assert '<a href="../../themas/gezondheid/">gezondheid</a>' in built.article("versies/eerste/")
    assert '<a href="#thema-gezondheid">gezondheid</a>' in built.article("versies/werkversie/")


def test_a_goal_that_reads_the_same_in_two_versions_shows_each_versions_related_goals(tmp_path: Path) -> None:
    """Another goal declared a relation to it since the first version: only the werkversie lists it."""
    site = AgendaSite(tmp_path)
    repo = GitRepo(tmp_path)
    repo.commit("Begin", date="2020-01-10T10:00:00+01:00")
    repo.tag("v1")
    site.write("content/versions.yml", FIRST_VERSION)
    site.write("goals/meer-bewegen.md", goal_file(
        "Meer inwoners bewegen voldoende", "gezondheid", "meer", 1, ["sporten toegankelijk is voor kinderen;",
                                                                      "ouderen wandelen."],
        [("meer-woningen", "Wie goed woont, beweegt meer.")]))
    repo.commit("Relatie met wonen", date="2020-02-10T10:00:00+01:00")
    built = site.build()

    def section(page: str) -> str:
        article = built.article(page)
        return article[article.index('id="doel-meer-woningen"'):article.index('id="thema-gezondheid"')]

    assert "Wie goed woont, beweegt meer." not in section("versies/eerste/")
    assert "Wie goed woont, beweegt meer." in section("versies/werkversie/")


def test_a_link_to_a_chapter_outside_the_version_document_goes_to_the_chapter_on_the_site(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)  # the document is the themes alone
    site.write("content/themas/wonen.md", theme_file("Wonen", "Iedereen woont prettig.", 1, "[a](../inleiding.md)"))
    assert '<a href="../../inleiding/">a</a>' in site.build().article("versies/werkversie/")


def test_every_kind_of_heading_moves_below_the_version_documents_own(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("goals/meer-woningen.md", goal_file("Meer woningen", "wonen", "meer", 2, ["x."], body=(
        "Kop een\n=======\n\nKop twee\n--------\n\n## Kop drie\n\n<h2>Kop vier</h2>\n")))
    article = site.build().article("versies/werkversie/")
    # The goal is an h3 of the document: its own headings start at h4.
    for level, title in ((4, "Kop een"), (5, "Kop twee"), (5, "Kop drie"), (5, "Kop vier")):
        assert re.search(rf"<h{level}[^>]*>{title}", article), title


def test_a_narrative_whose_sections_are_h2_skips_no_level_in_the_version_document(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("goals/meer-woningen.md", goal_file("Meer woningen", "wonen", "meer", 2, ["x."], body=(
        "## Aanpak\n\nTekst.\n\n### Eerste stap\n\nMeer.\n")))
    site.write("content/themas/wonen.md", theme_file("Wonen", "Iedereen woont prettig.", 1, "## Betaalbaar\n\nX.\n"))
    article = site.build().article("versies/werkversie/")
    assert re.search(r'<h3 id="doel-meer-woningen">.*?<h4[^>]*>Aanpak.*?<h5[^>]*>Eerste stap', article, re.S)
    assert re.search(r'<h2 id="thema-wonen"[^>]*>.*?<h3[^>]*>Betaalbaar', article, re.S)


def test_comparison_summarises_and_redlines_each_change(versioned) -> None:
    _, built = versioned
    article = built.article("vergelijk/concept/vastgesteld/")
    assert ('<a href="../../../versies/concept/"><strong>Concept voor inspraak</strong></a> (ter inzage, 19 april 2020)'
            in article)
    assert "Legenda:" in article and "(onderstreept)" in article and "(doorgestreept)" in article
    assert "Resultaten toegevoegd: 0, verwijderd: 0, herschreven: 1" in article
    assert "Relaties toegevoegd: 1, verwijderd: 1" in article
    assert '<ins><span class="koers-sr">toegevoegd: </span>ruim </ins>' in article
    # a renamed goal file is the same goal, not one removed and one added; the council reads
    # that its address changed, not about files
    assert "Doelen toegevoegd: 0" in article and "Doelen verwijderd: 0" in article
    assert "nieuw adres op de site (was: meer-woningen)" in article and "bestand" not in article
    assert 'class="koers-side"' in article and "Naast elkaar" in article
    assert "Hoofdstukken gewijzigd: 1" in article
    assert ('Het sociaal domein gaat over <del><span class="koers-sr">verwijderd: </span>mensen.[^1]</del>'
            '<ins><span class="koers-sr">toegevoegd: </span>alle mensen.') in article


def test_comparison_with_the_werkversie_shows_a_goal_moved_to_another_theme(versioned) -> None:
    _, built = versioned
    article = built.article("vergelijk/vastgesteld/werkversie/")
    assert "Doelen naar een ander thema: 1" in article
    assert "Thema: Wonen (was: Gezondheid)" in article
    assert "Ongewijzigd: 2 doelen" in article


def test_version_json_has_the_shape_of_agenda_json(versioned) -> None:
    _, built = versioned
    current = built.json("data/agenda.json")
    concept = built.json("data/versies/concept.json")
    assert set(concept) == set(current) | {"version"}
    assert set(concept["goals"][0]) == set(current["goals"][0])
    assert concept["version"]["status"] == "ter-inzage" and len(concept["version"]["commit"]) == 40
    dakloos = next(g for g in concept["goals"] if g["id"] == "minder-dakloosheid")
    assert dakloos["results"] == ["er voldoende opvang is;", "niemand op straat slaapt."]
    assert not (built.site / "versions.yml").exists()


def _declared_with_a_typo(tmp_path: Path, theme: str, direction: str) -> AgendaSite:
    """A project whose first commit (tag v1, declared as version 'eerste') has goals/meer-woningen.md
    with `theme` and `direction`, and whose next commit corrects them."""
    site = AgendaSite(tmp_path)
    site.write("goals/meer-woningen.md", goal_file("Meer betaalbare woningen", theme, direction, 2, ["x."]))
    repo = GitRepo(tmp_path)
    repo.commit("Begin, met een tikfout", date="2020-01-10T10:00:00+01:00")
    repo.tag("v1")
    site.write("goals/meer-woningen.md", goal_file("Meer betaalbare woningen", "wonen", "meer", 2, ["x."]))
    site.write("content/versions.yml", FIRST_VERSION)
    repo.commit("Tikfout hersteld", date="2020-02-10T10:00:00+01:00")
    return site


def test_a_version_document_keeps_a_goal_whose_theme_did_not_exist_then(tmp_path: Path) -> None:
    site = _declared_with_a_typo(tmp_path, "wonenn", "meer")
    article = site.build().article("versies/eerste/")
    assert '<li><a href="#zonder-thema">Doelen zonder thema</a></li>' in article
    assert re.search(r'id="zonder-thema".*<h3 id="doel-meer-woningen">Meer betaalbare woningen</h3>', article, re.S)
    assert "verwees 1 doel naar een thema dat niet bestond" in article
    assert "zonder-thema" not in site.build().article("versies/werkversie/")


def test_a_file_an_old_version_could_not_read_is_left_out_with_a_warning(tmp_path: Path) -> None:
    # The version is published as it was, without the file; the build says so, and passes
    # `--strict` (the version cannot be fixed any more: it is a commit).
    built = _declared_with_a_typo(tmp_path, "wonen", "more").build()
    assert ("Let op: content/versions.yml: version 'eerste' (v1): goals/meer-woningen.md, line 4: 'direction' "
            "must be one of: meer, minder (got 'more')") in built.output
    assert 'id="doel-meer-woningen"' not in built.article("versies/eerste/")
    assert "meer-woningen" not in {g["id"] for g in built.json("data/versies/eerste.json")["goals"]}
    assert 'id="doel-meer-woningen"' in built.article("versies/werkversie/")


def test_a_chapter_renamed_since_a_version_is_still_in_its_document(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"]["document"] = ["inleiding.md", "koers:themas"]
    site.write_config()
    repo = GitRepo(tmp_path)
    repo.commit("Begin", date="2020-01-10T10:00:00+01:00")
    repo.tag("v1")
    repo.mv("content/inleiding.md", "content/introductie.md")
    site.config["extra"]["koers"]["document"] = ["introductie.md", "koers:themas"]
    site.config["nav"] = ["index.md", "introductie.md", *site.config["nav"][2:]]
    site.write_config()
    site.write("content/versions.yml", FIRST_VERSION)
    repo.commit("Inleiding heet nu introductie", date="2020-02-10T10:00:00+01:00")
    built = site.build()
    assert re.search(r'id="hoofdstuk-introductie"[^>]*>Inleiding<.*Het sociaal domein gaat over mensen',
                     built.article("versies/eerste/"), re.S)
    assert "Hoofdstuk" not in built.article("vergelijk/eerste/werkversie/")
    # Retitled, the chapter is no longer the one the version had: the next build, with the build
    # cache of this one, leaves it out of the version's document.
    path = site.root / "content/introductie.md"
    path.write_text(path.read_text("utf-8").replace("title: Inleiding", "title: Over deze agenda"), "utf-8")
    assert "hoofdstuk-introductie" not in site.build().article("versies/eerste/")


def test_the_summary_counts_what_only_changed_place(tmp_path: Path) -> None:
    # Shown below as "verplaatst", so counted above: no "gewijzigd: 0" with a link after it.
    site = AgendaSite(tmp_path)
    repo = GitRepo(tmp_path)
    repo.commit("Begin", date="2020-01-10T10:00:00+01:00")
    repo.tag("v1")
    note = "Bewegen helpt wie opnieuw begint (thema Gezondheid)."
    site.write("goals/minder-dakloosheid.md", goal_file("Minder inwoners zijn dakloos", "wonen", "minder", 3,
                                                        ["er voldoende opvang is;", "niemand op straat slaapt."],
                                                        [("meer-bewegen", note)], "Een toelichting bij het doel.\n"))
    site.write("content/versions.yml", "- id: eerste\n  title: Eerste\n  date: 2020-01-10\n  status: concept\n"
               "  ref: v1\n")
    repo.commit("Dakloosheid later", date="2020-02-10T10:00:00+01:00")
    article = site.build().article("vergelijk/eerste/werkversie/")
    assert ('Alleen op een andere plek in de volgorde: 1: <a href="#doel-meer-woningen">Meer betaalbare woningen</a>'
            '</li>') in article
    assert "Thema&#39;s gewijzigd: 0</li>" in article


def test_a_goal_change_in_several_comparisons_shows_each_comparisons_own_titles(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.config["nav"].append("versies.md")
    site.write_config()
    repo = GitRepo(tmp_path)
    repo.commit("Begin", date="2020-01-10T10:00:00+01:00")
    repo.tag("v1")
    site.write("goals/minder-dakloosheid.md", goal_file(
        "Minder inwoners zijn dakloos", "wonen", "minder", 1,
        ["er ruim voldoende opvang is;", "niemand op straat slaapt."],
        [("meer-bewegen", "Bewegen helpt wie opnieuw begint (thema Gezondheid)."),
         ("meer-woningen", "Na de opvang een woning.")], "Een toelichting bij het doel.\n"))
    repo.commit("Ruim voldoende opvang", date="2020-02-10T10:00:00+01:00")
    repo.tag("v2")
    site.write("content/versions.yml", textwrap.dedent("""\
        - id: eerste
          title: Eerste versie
          date: 2020-01-10
          status: concept
          ref: v1
        - id: tweede
          title: Tweede versie
          date: 2020-02-10
          status: vastgesteld
          ref: v2
        """))
    # After v2 the theme and the related goal get new titles; the changed goal stays as it is, so
    # its change is the same in both comparisons below, and each must still name its own titles.
    site.write("content/themas/wonen.md", theme_file(
        "Wonen en zorg", "Iedereen woont prettig en veilig.", 1, "## Betaalbaar wonen\n\nHuren stijgen.\n"))
    site.write("goals/meer-woningen.md", goal_file(
        "Meer woningen voor iedereen", "wonen", "meer", 2, ["er jaarlijks 100 woningen bijkomen."]))
    repo.commit("Nieuwe titels", date="2020-03-10T10:00:00+01:00")
    (tmp_path / CACHE_DIR).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / CACHE_DIR).write_text("not a folder", "utf-8")  # one process renders both comparisons
    built = site.build()

    def section(url: str) -> str:
        article = built.article(url)
        start = article.index('<h3 id="doel-minder-dakloosheid"')
        return article[start:article.index("</details>", start)]

    for url, theme, related, heads in [
        ("vergelijk/eerste/tweede/", "Wonen", "Meer betaalbare woningen", ["Eerste versie", "Tweede versie"]),
        ("vergelijk/eerste/werkversie/", "Wonen en zorg", "Meer woningen voor iedereen",
         ["Eerste versie", "Werkversie"]),
    ]:
        html = section(url)
        assert f"Thema: {theme}</p>" in html
        assert f"Minder inwoners zijn dakloos ↔ {related}: Na de opvang een woning." in html
        assert re.findall(r'<p class="koers-column-head">(.*?)</p>', html) == heads
        assert "toegevoegd: </span>ruim </ins>" in html


def test_koers_diff_prints_the_comparison_as_markdown(versioned) -> None:
    site, _ = versioned
    out = subprocess.run([sys.executable, "-m", "koers.cli", "diff", "concept", "vastgesteld"], cwd=site.root,
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("## Vergelijking: Concept voor inspraak (concept) → Vastgesteld door de gemeenteraad")
    assert "<del>" not in out.split("ruim")[0][-40:] and "<ins>ruim </ins>" in out
    working = subprocess.run([sys.executable, "-m", "koers.cli", "diff", "v-vastgesteld"], cwd=site.root,
                             capture_output=True, text=True, check=True).stdout
    assert "→ de werkversie" in working and "Gezondheid" in working
    named = subprocess.run([sys.executable, "-m", "koers.cli", "diff", "vastgesteld", "werkversie"], cwd=site.root,
                           capture_output=True, text=True, check=True).stdout
    assert named.startswith("## Vergelijking: Vastgesteld door de gemeenteraad (vastgesteld) → de werkversie")


def test_koers_diff_refuses_a_werkversie_with_errors(tmp_path: Path) -> None:
    # Half a werkversie would read as goals and results removed.
    site = AgendaSite(tmp_path)
    GitRepo(tmp_path).commit("Begin", date="2020-01-10T10:00:00+01:00")
    site.write("goals/meer-woningen.md", "---\ntitle: Meer: woningen\n---\n")
    run = subprocess.run([sys.executable, "-m", "koers.cli", "diff", "HEAD"], cwd=tmp_path, capture_output=True,
                         text=True)
    assert run.returncode == 1 and run.stdout == ""
    assert "fout: goals/meer-woningen.md, line 2: YAML syntax error" in run.stderr
    assert "koers diff: the werkversie has errors; fix them first ('make check')" in run.stderr


def raw(text: str) -> bytes:
    return text.encode()


VERSION_CASES = [
    ("duplicate-id", VERSIONS.replace("id: vastgesteld", "id: concept"),
     ["content/versions.yml, line 6: entry 2: the id 'concept' is also used by entry 1; "
      "give each version its own id"]),
    ("not-a-date", VERSIONS.replace("2020-07-01", "1 juli 2020"),
     ["content/versions.yml, line 8: entry 2, 'date' must be a date written as YYYY-MM-DD, like 2017-06-26 "
      "(got '1 juli 2020')"]),
    ("out-of-order", VERSIONS.replace("2020-07-01", "2020-01-01"),
     ["content/versions.yml, line 8: entry 2: the date 2020-01-01 is before the date of the entry above it "
      "(2020-04-19); list the versions oldest first"]),
    ("unknown-status", VERSIONS.replace("status: vastgesteld", "status: aangenomen"),
     ["content/versions.yml, line 9: entry 2, 'status' must be one of: concept, ter-inzage, vastgesteld, "
      "ingetrokken (got 'aangenomen')"]),
    ("missing-ref", VERSIONS.replace("  ref: v-concept\n", ""),
     ["content/versions.yml, line 1: missing required field 'ref'; add a line 'ref: …'"]),
    ("one-version-without-a-dash", "id: concept\ntitle: Concept\n",
     ["content/versions.yml, line 1: the file must be a list of versions, oldest first, each starting with "
      "'- id: …' (see koers/schemas/versions.schema.json)"]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in VERSION_CASES], ids=[c[0] for c in VERSION_CASES])
def test_bad_versions_file_is_reported_with_line_and_fix(text: str, expected: list[str]) -> None:
    _, problems = parse_versions(raw(text))
    assert [str(p) for p in problems] == expected


def test_koers_check_and_the_build_report_the_agenda_versions_and_planning_at_once(tmp_path: Path) -> None:
    # A green `koers check` (the first step of every pull request) must mean a green build.
    site = AgendaSite(tmp_path)
    site.write("goals/meer-woningen.md", goal_file("Meer woningen", "wonen", "more", 2, ["x."]))
    site.write("content/versions.yml", "- id: eerste\n  title: Eerste\n  date: 2017-6-26\n  status: concept\n"
               "  ref: v1\n")
    site.write("content/planning.yml", "- title: Start\n  date: 2017-01-01\n  status: klaar\n")
    GitRepo(tmp_path).commit("Begin", date="2020-01-10T10:00:00+01:00")
    expected = ["goals/meer-woningen.md, line 4: 'direction' must be one of",
                "content/versions.yml, line 3: entry 1, 'date' must be a date", "content/planning.yml, line 3: "
                "entry 1, 'status' must be one of"]
    check = site.check()
    assert check.returncode == 1
    assert all(message in check.stderr for message in expected), check.stderr
    built = site.build_fails(expected[0])
    assert all(message in built.output for message in expected), built.output


def test_a_versions_file_that_is_not_utf8_is_reported() -> None:
    _, problems = parse_versions(VERSIONS.replace("Concept", "Café").encode("latin-1"))
    assert [str(p) for p in problems] == ["content/versions.yml, line 2: the file is not UTF-8 text (byte 0xe9); "
                                          "save it with the encoding UTF-8"]


def test_an_unknown_ref_fails_the_build(versioned, tmp_path: Path) -> None:
    site, _ = versioned
    versions, problems = parse_versions(raw(VERSIONS.replace("v-vastgesteld", "v-bestaat-niet")))
    assert problems == []
    _, problems = resolve_refs(site.root, versions, raw(VERSIONS))
    assert [str(p) for p in problems] == [
        "content/versions.yml, line 10: entry 2: 'ref' is 'v-bestaat-niet', but git knows no tag or commit by "
        "that name; use a tag (git tag) or the full SHA of the commit, and fetch the full history "
        "('git fetch --tags --unshallow')"]
    clone = GitRepo.clone(GitRepo(site.root, init=False), tmp_path / "clone")
    broken = AgendaSite(clone.path, config=site.config, default_content=False)
    broken.write("content/versions.yml", VERSIONS.replace("v-vastgesteld", "v-bestaat-niet"))
    result = broken.build(check=False)
    assert result.returncode != 0 and "'ref' is 'v-bestaat-niet'" in result.output


def _version(repo: GitRepo, name: str) -> Version:
    return Version(name, name, None, "concept", name, sha=repo.head())


def _agenda(*ids: str) -> Agenda:
    return Agenda(goals=[Goal(i, i, "wonen", "meer", n) for n, i in enumerate(ids, start=1)])


def _prose(seed: int) -> str:
    words = ["opvang", "wonen", "zorg", "werk", "school", "buurt", "sport", "taal", "geld", "hulp"]
    return " ".join(words[(seed * 7 + k * 3) % len(words)] + str(seed * 100 + k) for k in range(40)) + "\n"


def test_renames_follow_a_goal_through_the_versions_in_between(tmp_path: Path) -> None:
    # b.md is a.md renamed (v2), then rewritten entirely (v3): between v1 and v3 git alone sees a
    # file removed and another added; following the goal through v2 keeps it one goal.
    # gone.md is deleted in v2 and a new gone.md is written in v3: not the same goal.
    repo = GitRepo(tmp_path)
    repo.write("goals/a.md", _prose(1))
    repo.write("goals/gone.md", _prose(2))
    repo.write("goals/stays.md", _prose(3))
    repo.commit("v1")
    v1 = _version(repo, "v1")
    repo.mv("goals/a.md", "goals/b.md")
    repo.remove("goals/gone.md")
    repo.commit("v2")
    v2 = _version(repo, "v2")
    repo.write("goals/b.md", _prose(4))
    repo.write("goals/gone.md", _prose(5))
    repo.mv("goals/stays.md", "goals/stays-too.md")
    repo.commit("v3")
    v3 = _version(repo, "v3")
    agendas = {"v1": _agenda("a", "gone", "stays"), "v2": _agenda("b", "stays"),
               "v3": _agenda("b", "gone", "stays-too")}
    assert goal_renames(tmp_path, v1, v3, Layout()) == {"stays": "stays-too"}  # git alone
    assert renames_between(tmp_path, [v1, v2, v3], agendas, Layout()) == {
        ("v1", "v2"): {"a": "b"}, ("v1", "v3"): {"a": "b", "stays": "stays-too"},
        ("v2", "v3"): {"stays": "stays-too"}}


def test_a_comparisons_cache_key_names_what_the_versions_in_between_are_made_of() -> None:
    # Its renames follow goals through those versions (see above), so they are part of what
    # the comparison is made of; the key is made without reading any agenda.
    versions = [Version(i, i, None, "concept", i, sha=i * 40) for i in ("v1", "v2", "v3")]

    def identity(kind: str, key: str, v2: str) -> tuple[str, ...]:
        def unread() -> Any:
            raise AssertionError("the agendas were read")
        return VersionPages(VersionSet(versions, {"v1": "a", "v2": v2, "v3": "c"}, unread)).identity(kind, key)

    assert identity("compare", "v1/v3", "b") != identity("compare", "v1/v3", "b changed")
    assert identity("compare", "v1/v2", "b") != identity("compare", "v1/v2", "b changed")
    assert identity("compare", "v2/v3", "b") != identity("compare", "v2/v3", "b changed")
    assert identity("version", "v1", "b") == identity("version", "v1", "b changed")
    assert identity("compare", "v1/v3", "b") != identity("compare", "v1/v2", "b")


def test_the_versions_are_read_a_step_at_a_time(tmp_path: Path) -> None:
    # A build reads them while it waits for git's log, and leaves the rest for later.
    repo = GitRepo(tmp_path)
    repo.write("goals/a.md", _prose(1))
    repo.commit("v1")
    v1 = _version(repo, "v1")
    repo.mv("goals/a.md", "goals/b.md")
    repo.commit("v2")
    v2 = _version(repo, "v2")
    reader = VersionReader(tmp_path, [v1, v2], Layout())
    assert [reader.step() for _ in range(5)] == [True, True, True, False, False]  # files, v1, v2, renames: done
    assert reader.done
    agendas, problems = read_agendas(tmp_path, [v1, v2], Layout())
    assert reader.read() == (agendas, problems, [{"a": "b"}])
    half = VersionReader(tmp_path, [v1, v2], Layout())
    half.step()
    assert not half.done and half.read() == reader.read()


def test_a_large_version_is_read_a_few_hundred_files_a_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A step is what the build may wait for once git has written the log: a large agenda's
    # version is not one step.
    monkeypatch.setattr(versions, "_FILES_PER_STEP", 2)
    repo = GitRepo(tmp_path)
    for name in "abcde":
        repo.write(f"goals/{name}.md", _prose(ord(name)))
    repo.commit("v1")
    v1 = _version(repo, "v1")
    reader = VersionReader(tmp_path, [v1], Layout())
    loading._read.cache_clear()
    steps = [(reader.step(), loading._read.cache_info().currsize) for _ in range(6)]
    # The files of every version | goals a, b | c, d | e and the agenda | the renames: done.
    assert steps == [(True, 0), (True, 2), (True, 4), (True, 5), (False, 5), (False, 5)]
    assert reader.read() == (*read_agendas(tmp_path, [v1], Layout()), [])


def test_renames_are_found_beyond_gits_default_limit_of_1000_files(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)
    for i in range(1001):
        repo.write(f"goals/doel-{i}.md", f"doel {i}\n" + _prose(i))
    repo.commit("v1")
    v1 = _version(repo, "v1")
    for i in range(1001):
        repo.mv(f"goals/doel-{i}.md", f"goals/nieuw-{i}.md")
        repo.write(f"goals/nieuw-{i}.md", f"nieuw doel {i}\n" + _prose(i))  # renamed and edited
    repo.commit("v2")
    found = goal_renames(tmp_path, v1, _version(repo, "v2"), Layout())
    assert len(found) == 1001 and found["doel-7"] == "nieuw-7"


@pytest.mark.parametrize(("old", "new", "path"), [
    ("a", "c", ["a", "b", "c"]),
    ("a", "b", ["a", "b"]),
    ("b", "werkversie", ["b", "c", "werkversie"]),
    ("c", "a", ["c", "a"]),  # backwards: just the two
    ("main", "c", ["main", "c"]),  # a git ref that is not a declared version
])
def test_a_comparison_follows_goals_through_the_declared_versions_between(old: str, new: str, path: list[str]) -> None:
    from koers.versions import path_between, working_version

    declared = [Version(i, i, None, "concept", i, sha=i * 40) for i in ("a", "b", "c")]
    by_id = {v.id: v for v in declared} | {"werkversie": working_version(), "main": Version("main", "main", None,
                                                                                             "commit", "main")}
    assert [v.id for v in path_between(declared, by_id[old], by_id[new])] == path


@pytest.mark.parametrize("results, body, expected", [
    # A result's footnote, defined in the narrative.
    (["er 100 woningen bijkomen[^1]."], "Een toelichting.\n\n[^1]: Volgens de woonvisie.",
     [r'<li>er 100 woningen bijkomen<sup id="d-meer-woningen-fnref:d-meer-woningen-1"><a class="footnote-ref" '
      r'href="#d-meer-woningen-fn:d-meer-woningen-1">1</a></sup>\.</li>',
      r'<li id="d-meer-woningen-fn:d-meer-woningen-1">']),
    # A reference link, defined in the narrative.
    (["er [betaalbare][woonvisie] woningen bijkomen."], "[woonvisie]: https://teststad.example/woonvisie",
     [r'<a href="https://teststad.example/woonvisie">betaalbare</a>']),
    # An abbreviation, defined in the narrative, in a result.
    (["de GGD meekijkt."], "*[GGD]: Gemeentelijke Gezondheidsdienst", [r'<abbr title="Gemeentelijke']),
    # A link in the narrative to an anchor in the results.
    (["ouderen wandelen;", "*sporten kan*{ #sport }"], "Zie [het resultaat over sport](#sport).\n\n## Sport\n",
     [r'<em id="d-meer-woningen-sport">', r'<a href="#d-meer-woningen-sport">',
      r'<h\d id="d-meer-woningen-sport_1">']),
    # Results and narrative of their own: both there, in order.
    (["er woningen bijkomen."], "Een toelichting.",
     [r"<li>er woningen bijkomen.</li>\n</ul>\s*<p>Een toelichting.</p>"]),
])
def test_a_goals_results_and_narrative_read_as_on_its_page_in_the_version_document(
        tmp_path: Path, results: list[str], body: str, expected: list[str]) -> None:
    # The version documents convert results and narrative apart when they can (most goals
    # keep one of them across versions); never where the results use what the narrative defines.
    site = AgendaSite(tmp_path)
    site.config["markdown_extensions"].append("abbr")
    site.write_config()
    site.write("goals/meer-woningen.md", goal_file("Meer betaalbare woningen", "wonen", "meer", 2, results, body=body))
    built = site.build()
    article = built.article("versies/werkversie/")
    for pattern in expected:
        assert re.search(pattern, article), pattern


def test_a_document_entry_that_names_no_chapter_stops_check_and_build(tmp_path: Path) -> None:
    # It was left out of the version documents without a word.
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"]["document"] = ["inleidng.md", "koers:themas"]
    site.write_config()
    message = ("mkdocs.yml: 'extra.koers.document' names 'inleidng.md', which is not a chapter (did you mean "
               "'inleiding.md'?); name a file in the docs folder, or 'koers:themas' for the themes")
    site.check_and_build_fail(message)
