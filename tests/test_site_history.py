"""Change history on every page, the site-wide change log and the Atom feed, from real git repositories."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sitebuild import AgendaSite, goal_file

from tests.gitrepo import GitRepo, isolate_git_env

ATOM = "{http://www.w3.org/2005/Atom}"
ANNE = ("Anne de Vries", "anne@example.org")
ZOE = ("Zoë Ørsted-Łukasz", "zoe@example.org")
TRICKY = ('Jan **vet** & "Co" [link](javascript:alert(1))', "jan@example.org")


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git_env(monkeypatch, tmp_path / "home")


def dakloosheid(results: list[str], relations=()) -> str:
    return goal_file("Minder inwoners zijn dakloos", "wonen", "minder", 1, results, list(relations))


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory):
    """A small agenda with a history: adoption, edits, a rename, a pull request, deletions."""
    root = tmp_path_factory.mktemp("history")
    site = AgendaSite(root)
    site.write("goals/minder-eenzaamheid.md", goal_file("Minder inwoners zijn eenzaam", "gezondheid", "minder", 2,
                                                        ["buren elkaar kennen."]))
    repo = GitRepo(root)
    repo.commit("Vaststelling door de gemeenteraad", author=ANNE, date="2017-06-26T20:30:00+02:00")
    site.write("goals/minder-dakloosheid.md", dakloosheid(
        ["er ruim voldoende opvang is;", "niemand op straat slaapt;", "er nazorg is."],
        [("meer-bewegen", "Bewegen helpt wie opnieuw begint (thema Gezondheid)."),
         ("meer-woningen", "Zonder woning geen uitweg.")]))
    repo.commit("Herformuleer resultaat <script>alert(1)</script>\n\nZie *raadsbesluit* en "
                "[klik](javascript:alert(1)).\n\n<img src=x onerror=alert(1)>",
                author=TRICKY, date="2017-09-01T10:00:00+02:00")
    repo.mv("goals/meer-woningen.md", "goals/meer-betaalbare-woningen.md")
    site.write("goals/minder-dakloosheid.md", dakloosheid(
        ["er ruim voldoende opvang is;", "niemand op straat slaapt;", "er nazorg is."],
        [("meer-bewegen", "Bewegen helpt wie opnieuw begint (thema Gezondheid)."),
         ("meer-betaalbare-woningen", "Zonder woning geen uitweg.")]))
    repo.commit("Hernoem het doel over woningen", author=ZOE, date="2018-01-05T23:30:00-05:00")
    repo.write("README.md", "Over deze repository.\n")
    repo.commit("Leg uit wat deze repository is", author=ANNE, date="2018-02-01T09:00:00+01:00")
    repo.branch("voorstel")
    repo.checkout("voorstel")
    site.write("content/themas/wonen.md", "---\ntitle: Wonen\nopgave: Iedereen woont prettig, veilig en groen.\n"
               "order: 1\n---\n\n## Betaalbaar wonen\n\nHuren stijgen.\n")
    repo.commit("Voeg groen toe aan de opgave", author=ZOE, date="2018-03-01T10:00:00+01:00")
    site.write("goals/minder-dakloosheid.md", dakloosheid(
        ["er ruim voldoende opvang is;", "er nazorg is;", "niemand op straat slaapt."],
        [("meer-bewegen", "Bewegen helpt wie opnieuw begint (thema Gezondheid)."),
         ("meer-betaalbare-woningen", "Zonder woning geen uitweg.")]))
    repo.commit("Zet nazorg eerder", author=ZOE, date="2018-03-02T10:00:00+01:00")
    repo.checkout("main")
    repo.merge("voorstel", "Merge pull request #12 from zoe/voorstel\n\nMeer groen in de wijk",
               author=ANNE, date="2018-03-05T12:00:00+01:00")
    repo.remove("goals/minder-eenzaamheid.md")
    repo.remove("goals/meer-bewegen.md")
    site.write("goals/minder-dakloosheid.md", dakloosheid(
        ["er ruim voldoende opvang is;", "er nazorg is;", "niemand op straat slaapt."],
        [("meer-betaalbare-woningen", "Zonder woning geen uitweg.")]))
    repo.commit("Schrap twee doelen", author=ANNE, date="2019-05-10T10:00:00+02:00")
    site.write("goals/meer-bewegen.md", goal_file("Meer inwoners bewegen voldoende", "gezondheid", "meer", 1,
                                                  ["ouderen wandelen."]))
    repo.commit("Zet het doel over bewegen terug", author=ANNE, date="2019-06-01T10:00:00+02:00")
    return site, site.build()


def history_section(article: str) -> str:
    return article[article.index('id="wijzigingsgeschiedenis"'):]


def entry_subjects(article: str) -> list[str]:
    return [html.unescape(s) for s in re.findall(r'<p class="koers-change-head"><strong>(.*?)</strong>',
                                                 history_section(article))]


def test_goal_page_lists_every_commit_newest_first_with_dutch_dates(story) -> None:
    _, built = story
    article = built.article("doelen/minder-dakloosheid/")
    assert entry_subjects(article) == [
        "Schrap twee doelen", "Wijzigingsvoorstel #12: Meer groen in de wijk", "Hernoem het doel over woningen",
        "Herformuleer resultaat <script>alert(1)</script>", "Vaststelling door de gemeenteraad"]
    assert "26 juni 2017" in article and "1 september 2017" in article
    assert "Laatst gewijzigd op <time" in article and "10 mei 2019" in article


def test_dates_are_shown_in_amsterdam_time(story) -> None:
    _, built = story
    article = built.article("doelen/meer-betaalbare-woningen/")
    # 5 January 2018 23:30 in New York is 6 January 05:30 in Amsterdam.
    assert "6 januari 2018" in article and "5 januari 2018" not in article
    assert "Zoë Ørsted-Łukasz" in article


def test_the_creating_commit_reads_as_toegevoegd(story) -> None:
    _, built = story
    section = history_section(built.article("doelen/minder-dakloosheid/"))
    last = section[section.rindex('<li class="koers-change"'):]
    assert '<span class="koers-tag">toegevoegd</span>' in last


def test_each_entry_shows_what_changed_as_a_readable_redline(story) -> None:
    _, built = story
    section = history_section(built.article("doelen/minder-dakloosheid/"))
    reworded = section[section.index("Herformuleer resultaat"):section.index("Vaststelling door")]
    assert "<del><span class=\"koers-sr\">verwijderd: </span>" in reworded
    assert "<ins><span class=\"koers-sr\">toegevoegd: </span>ruim </ins>" in reworded
    assert "herschreven" in reworded
    assert "er nazorg is." in reworded and "toegevoegd</span> <ins>" in reworded
    # the relation was added towards the goal's old id; it reads as that id since the goal was renamed
    assert "relatie toegevoegd" in reworded and "dakloos ↔ meer-woningen: Zonder woning geen uitweg." in reworded
    pull = section[section.index("Wijzigingsvoorstel #12"):section.index("Hernoem het doel")]
    assert "verplaatst" in pull
    deleted = section[section.index("Schrap twee doelen"):section.index("Wijzigingsvoorstel #12")]
    assert "relatie verwijderd" in deleted and "Meer inwoners bewegen voldoende" in deleted


def test_commit_links_point_at_the_forge(story) -> None:
    _, built = story
    article = built.article("doelen/minder-dakloosheid/")
    assert re.search(r'<a href="https://forge.example/teststad/agenda/commit/[0-9a-f]{40}"[^>]*><code>[0-9a-f]{7}',
                     article)


def test_author_names_and_messages_are_text_never_markup(story) -> None:
    _, built = story
    for page in built.site.rglob("*.html"):
        text = page.read_text("utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text
        assert 'href="javascript:' not in text
    article = built.article("doelen/minder-dakloosheid/")
    assert "Herformuleer resultaat &lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert "Zie *raadsbesluit* en [klik](javascript:alert(1))." in article
    assert "Jan **vet** &amp; &#34;Co&#34; [link](javascript:alert(1))" in article
    assert "<p>&lt;img src=x onerror=alert(1)&gt;</p>" in article


def test_a_change_is_announced_once_to_screen_readers(story) -> None:
    # A visible tag ("toegevoegd", "relatie verwijderd") already says it; a hidden prefix too
    # would be read twice. Words changed inside a sentence have no tag, so they keep the prefix.
    _, built = story
    pages = "".join(path.read_text("utf-8") for path in built.site.rglob("*.html"))
    assert re.search(r'<span class="koers-tag">(relatie )?toegevoegd</span> <ins>[^<]', pages)
    assert not re.search(r'koers-tag">[^<]*</span> <(ins|del)><span class="koers-sr">', pages)
    assert '<ins><span class="koers-sr">toegevoegd: </span>' in pages


def test_history_follows_renames(story) -> None:
    _, built = story
    article = built.article("doelen/meer-betaalbare-woningen/")
    assert entry_subjects(article) == ["Hernoem het doel over woningen", "Vaststelling door de gemeenteraad"]
    assert "hernoemd" in article and "(was goals/meer-woningen.md)" in article


def test_a_pull_request_is_one_change_with_its_commits_folded_under_it(story) -> None:
    _, built = story
    article = built.article("themas/wonen/")
    assert entry_subjects(article) == ["Wijzigingsvoorstel #12: Meer groen in de wijk",
                                       "Vaststelling door de gemeenteraad"]
    folded = article[article.index('<details class="koers-folded">'):article.index("</details>")]
    assert "1 wijziging in dit voorstel" in folded and "Voeg groen toe aan de opgave" in folded
    assert ('<dd>Iedereen woont prettig<ins><span class="koers-sr">toegevoegd: </span>, veilig</ins> en '
            '<del><span class="koers-sr">verwijderd: </span>veilig</del><ins><span class="koers-sr">toegevoegd: '
            '</span>groen</ins>.</dd>') in article
    goal = built.article("doelen/minder-dakloosheid/")
    assert "Zet nazorg eerder" in goal and "Voeg groen toe aan de opgave" not in goal


def test_a_goal_deleted_and_re_added_keeps_both_lives(story) -> None:
    _, built = story
    section = history_section(built.article("doelen/meer-bewegen/"))
    assert entry_subjects(section) == ["Zet het doel over bewegen terug", "Schrap twee doelen",
                                       "Vaststelling door de gemeenteraad"]
    assert [t for t in re.findall(r'<span class="koers-tag">(toegevoegd|verwijderd|gewijzigd)</span>', section)
            ][:3] == ["toegevoegd", "verwijderd", "toegevoegd"]


def test_site_wide_change_log_groups_content_commits_by_month(story) -> None:
    _, built = story
    article = built.article("wijzigingen/")
    months = re.findall(r"<h2[^>]*>(.*?)<a class=\"headerlink\"", article)
    assert months == ["Juni 2019", "Mei 2019", "Maart 2018", "Januari 2018", "September 2017", "Juni 2017"]
    # Anchors by date, so a link to a month keeps pointing at it when newer months come.
    assert re.findall(r'<h2 id="maand-([^"]+)"', article) == [
        "2019-06", "2019-05", "2018-03", "2018-01", "2017-09", "2017-06"]
    assert "Leg uit wat deze repository is" not in article  # touches no content
    removed = article[article.index("Schrap twee doelen"):article.index("Wijzigingsvoorstel #12")]
    assert "Minder inwoners zijn eenzaam <span class=\"koers-tag\">verwijderd</span>" in removed
    assert '<a href="../doelen/meer-bewegen/">Meer inwoners bewegen voldoende</a>' in removed


def test_the_change_log_says_what_each_commit_did_and_links_the_page_it_is_now(story) -> None:
    # The first commit added meer-woningen.md, renamed later: that entry links the goal at its
    # new address. It also added minder-eenzaamheid.md, deleted later: added, not deleted, and
    # with no link. As on the goal pages, whose histories follow renames back.
    _, built = story
    article = built.article("wijzigingen/")
    first = article[article.index("Vaststelling door de gemeenteraad"):]
    touched = dict(re.findall(r'<li>(.*?) <span class="koers-tag">(\w+)</span></li>', first))
    assert touched['<a href="../doelen/meer-betaalbare-woningen/">Meer betaalbare woningen</a>'] == "toegevoegd"
    assert touched["Minder inwoners zijn eenzaam"] == "toegevoegd"
    assert set(touched.values()) == {"toegevoegd"}
    renamed = article[article.index("Hernoem het doel over woningen"):article.index("Herformuleer resultaat")]
    assert '<a href="../doelen/meer-betaalbare-woningen/">Meer betaalbare woningen</a> <span class="koers-tag">' \
           'hernoemd</span>' in renamed


def test_the_change_log_follows_a_goal_through_two_renames_and_a_new_file_at_its_old_name(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    repo = GitRepo(site.root)
    repo.commit("Eerste versie", date="2017-06-26T10:00:00+02:00")
    site.write("content/themas/cultuur.md", "---\ntitle: Cultuur\nopgave: Iedereen doet mee.\norder: 3\n---\n")
    repo.commit("Thema cultuur", date="2017-07-01T10:00:00+02:00")
    repo.mv("goals/meer-woningen.md", "goals/woningen.md")
    repo.commit("Korter", date="2017-08-01T10:00:00+02:00")
    repo.mv("goals/woningen.md", "goals/meer-betaalbare-woningen.md")
    site.write("goals/meer-woningen.md", goal_file("Meer woningen voor starters", "wonen", "meer", 3, ["x."]))
    repo.commit("Duidelijker, en een doel voor starters", date="2017-09-01T10:00:00+02:00")
    repo.remove("content/themas/cultuur.md")
    repo.commit("Geen thema cultuur", date="2017-10-01T10:00:00+02:00")
    built = site.build()
    # The new goal at the old name has a history of its own; the old one's goes with its file.
    assert entry_subjects(built.article("doelen/meer-woningen/")) == ["Duidelijker, en een doel voor starters"]
    assert entry_subjects(built.article("doelen/meer-betaalbare-woningen/")) == [
        "Duidelijker, en een doel voor starters", "Korter", "Eerste versie"]
    article = built.article("wijzigingen/")
    entries = re.findall(r'<p class="koers-change-head"><strong>(.*?)</strong>.*?<ul class="koers-touched">(.*?)</ul>',
                         article, re.S)
    touched = {subject: re.findall(r'<li>(.*?) <span class="koers-tag">(\w+)</span></li>', pages)
               for subject, pages in entries}
    betaalbaar = '<a href="../doelen/meer-betaalbare-woningen/">Meer betaalbare woningen</a>'
    assert (betaalbaar, "toegevoegd") in touched["Eerste versie"]
    assert not any("doelen/meer-woningen/" in page for page, _ in touched["Eerste versie"])
    assert touched["Thema cultuur"] == [("Cultuur", "toegevoegd")]
    assert article.count('<p class="koers-redline-label">Pagina:</p>') == 3  # one page each: "Pagina:"
    assert article.count('<p class="koers-redline-label">Pagina&#39;s:</p>') == 2
    assert touched["Korter"] == [(betaalbaar, "hernoemd")]
    assert sorted(touched["Duidelijker, en een doel voor starters"]) == [
        (betaalbaar, "hernoemd"), ('<a href="../doelen/meer-woningen/">Meer woningen voor starters</a>', "toegevoegd")]
    assert touched["Geen thema cultuur"] == [("Cultuur", "verwijderd")]


def test_a_rebased_commit_is_dated_when_it_landed_not_when_it_was_written(tmp_path: Path) -> None:
    # GitHub's "Rebase and merge" keeps the author date, older than the commits before it.
    site = AgendaSite(tmp_path)
    repo = GitRepo(site.root)
    repo.commit("Vaststelling", date="2019-01-10T10:00:00+01:00")
    site.write("content/inleiding.md", "---\ntitle: Inleiding\n---\n\nEen buurtgerichte aanpak.\n")
    repo.commit("Buren", date="2019-04-10T10:00:00+02:00")
    site.write("content/inleiding.md", "---\ntitle: Inleiding\n---\n\nEen wijkgerichte aanpak.\n")
    repo.commit("Voorstel", date="2019-03-05T10:00:00+01:00", committed="2019-05-20T10:00:00+02:00")
    built = site.build()
    article = built.article("inleiding/")
    assert re.search(r"Laatst gewijzigd op <time[^>]*>20 mei 2019</time>", article)
    assert entry_subjects(article) == ["Voorstel", "Buren", "Vaststelling"]
    months = re.findall(r'<h2 id="[^"]*">(\w+ \d{4})', built.article("wijzigingen/"))
    assert months == ["Mei 2019", "April 2019", "Januari 2019"]
    updated = ET.parse(built.site / "wijzigingen" / "feed.xml").getroot().find(f"{ATOM}updated")
    assert updated is not None and updated.text == "2019-05-20T10:00:00+02:00"


def test_a_commit_without_a_message_still_has_a_heading(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    repo = GitRepo(site.root)
    repo.commit("Vaststelling", date="2019-01-10T10:00:00+01:00")
    site.write("content/inleiding.md", "---\ntitle: Inleiding\n---\n\nNieuw.\n")
    repo.commit("", date="2019-02-10T10:00:00+01:00")
    built = site.build()
    assert entry_subjects(built.article("inleiding/"))[0] == "(zonder omschrijving)"
    assert "<strong>(zonder omschrijving)</strong>" in built.article("wijzigingen/")
    assert "<title>(zonder omschrijving)</title>" in (built.site / "wijzigingen" / "feed.xml").read_text()


def test_atom_feed_is_valid_with_absolute_links(story) -> None:
    _, built = story
    feed = ET.parse(built.site / "wijzigingen" / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries][:2] == ["Zet het doel over bewegen terug",
                                                                 "Schrap twee doelen"]
    # six content commits; the README commit is left out and the pull request's commits are folded
    assert len(entries) == 6 and len({e.findtext(f"{ATOM}id") for e in entries}) == 6
    for element in (feed, *entries):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", element.findtext(f"{ATOM}updated"))
        assert element.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("https://agenda.teststad.example/")
    assert "Herformuleer resultaat <script>alert(1)</script>" in [e.findtext(f"{ATOM}title") for e in entries]


def test_sitemap_lastmod_comes_from_git(story) -> None:
    _, built = story
    sitemap = (built.site / "sitemap.xml").read_text("utf-8")
    assert re.search(r"doelen/meer-betaalbare-woningen/</loc>\s*<lastmod>2018-01-06</lastmod>", sitemap)


def test_outside_git_the_site_builds_and_says_history_is_unavailable(tmp_path: Path) -> None:
    built = AgendaSite(tmp_path).build()
    assert "De wijzigingsgeschiedenis is niet beschikbaar" in built.article("doelen/meer-bewegen/")
    assert built.output.count("the change history is not available") == 1


def test_a_shallow_clone_fails_with_the_fix(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path / "origin")
    repo = GitRepo(site.root)
    repo.commit("Eerste versie", date="2017-06-26T10:00:00+02:00")
    site.write("goals/meer-bewegen.md", goal_file("Meer bewegen", "gezondheid", "meer", 1, ["x."]))
    repo.commit("Tweede versie", date="2017-07-26T10:00:00+02:00")
    clone = GitRepo.clone(repo, tmp_path / "ci", depth=1)
    shallow = AgendaSite(clone.path, default_content=False)
    result = shallow.build(check=False)
    assert result.returncode != 0
    assert "git fetch --unshallow" in result.output and "fetch-depth: 0" in result.output

    shallow.config["extra"]["koers"]["accept_partial_history"] = True
    shallow.write_config()
    article = shallow.build().article("doelen/meer-bewegen/")
    assert "Deze geschiedenis is onvolledig" in article


def test_a_shallow_clone_is_reported_after_the_content_and_before_the_versions(tmp_path: Path) -> None:
    # The history is read beside the content and the versions; the errors keep their order:
    # a content error first, then the shallow clone, never the tag a shallow clone lacks.
    site = AgendaSite(tmp_path / "origin")
    repo = GitRepo(site.root)
    repo.commit("Eerste versie", date="2017-06-26T10:00:00+02:00")
    repo.tag("v-concept")
    site.write("content/versions.yml", "- id: concept\n  title: Concept\n  date: 2017-06-26\n"
                                       "  status: concept\n  ref: v-concept\n")
    repo.commit("Tweede versie", date="2017-07-26T10:00:00+02:00")
    clone = GitRepo.clone(repo, tmp_path / "ci", depth=1)
    shallow = AgendaSite(clone.path, default_content=False)
    result = shallow.build(check=False)
    assert result.returncode != 0 and "git fetch --unshallow" in result.output
    assert "v-concept" not in result.output

    shallow.write("goals/meer-bewegen.md", goal_file("Meer bewegen", "gezondhied", "meer", 1, ["x."]))
    result = shallow.build(check=False)
    assert result.returncode != 0 and "'theme' is 'gezondhied'" in result.output
    assert "git fetch --unshallow" not in result.output


def test_uncommitted_edits_are_flagged_and_committed_history_still_shown(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    repo = GitRepo(site.root)
    repo.commit("Eerste versie", date="2017-06-26T10:00:00+02:00")
    site.write("goals/meer-bewegen.md", goal_file("Meer bewegen, ook in de winter", "gezondheid", "meer", 1, ["x."]))
    built = site.build()
    article = built.article("doelen/meer-bewegen/")
    assert "nog niet zijn vastgelegd" in article
    assert entry_subjects(article) == ["Eerste versie"]
    assert "nog niet zijn vastgelegd" not in built.article("doelen/meer-woningen/")


def test_an_agenda_in_a_subfolder_built_with_a_relative_config_path(tmp_path: Path) -> None:
    """`mkdocs build -f gemeente/mkdocs.yml` from the top of a larger repository: only the
    agenda's own folders make its history, and the relative config path is no problem."""
    repo = GitRepo(tmp_path)
    site = AgendaSite(tmp_path / "gemeente")
    repo.write("README.md", "Een grotere repository.\n")
    repo.commit("Eerste versie", date="2017-06-26T10:00:00+02:00")
    site.write("goals/meer-bewegen.md", goal_file("Meer bewegen, ook in de winter", "gezondheid", "meer", 1,
                                                  ["x."]))
    repo.commit("Bewegen ook in de winter", date="2017-07-26T10:00:00+02:00")
    repo.write("README.md", "Een grotere repository, nu met uitleg.\n")
    repo.commit("Uitleg buiten de agenda", date="2017-08-26T10:00:00+02:00")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "gemeente/mkdocs.yml"],
                          cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (tmp_path / "gemeente" / "site" / "doelen" / "meer-bewegen" / "index.html").read_text("utf-8")
    section = history_section(page)
    assert "Bewegen ook in de winter" in section and "Eerste versie" in section
    assert "Uitleg buiten de agenda" not in (tmp_path / "gemeente" / "site" / "wijzigingen" / "index.html"
                                             ).read_text("utf-8")


def test_the_change_log_and_matrix_are_on_their_pages_but_not_in_the_search_index(story) -> None:
    _, built = story
    index = json.dumps(built.json("search/search_index.json"), ensure_ascii=False)
    assert "Zet nazorg eerder" in built.article("wijzigingen/")
    assert "Zet nazorg eerder" not in index
    assert "Hernoem het doel over woningen" not in index
    assert "koers-matrix" in built.article("samenhang/")
    assert "Minder inwoners zijn dakloos" in index  # the goals themselves are found


def test_samenhang_lists_the_changes_it_shows_and_not_every_goal_edit(story) -> None:
    # Relations and the rows of the matrix (goals added, removed, renamed); reordering the
    # results of a goal ("Zet nazorg eerder", merged as #12) changes nothing on samenhang/.
    _, built = story
    assert entry_subjects(built.article("samenhang/")) == [
        "Zet het doel over bewegen terug", "Schrap twee doelen", "Hernoem het doel over woningen",
        "Herformuleer resultaat <script>alert(1)</script>", "Vaststelling door de gemeenteraad"]
    assert "Wijzigingsvoorstel #12" in " ".join(entry_subjects(built.article("doelen/minder-dakloosheid/")))


def test_search_leaves_out_what_goal_pages_repeat(story) -> None:
    # "Laatst gewijzigd …", the theme line and the theme's opgave would match every goal of a
    # theme and open every result's snippet; they stay on the page, not in the index.
    _, built = story
    entries = {e["location"]: e for e in built.json("search/search_index.json")["docs"]}
    goal = json.dumps([e for loc, e in entries.items() if loc.startswith("doelen/minder-dakloosheid/")],
                      ensure_ascii=False)
    assert "Laatst gewijzigd" not in goal and "Maatschappelijke opgave" not in goal and "Doel van" not in goal
    assert "er ruim voldoende opvang is" in goal
    assert "Maatschappelijke opgave" in entries["themas/wonen/"]["text"]  # on its own page it is found
    # Nor do its related goals: a search for one goal would list every goal related to it. Each
    # relation is found once, on samenhang/.
    assert "Zonder woning geen uitweg" not in goal and "Meer betaalbare woningen" not in goal
    assert "Zonder woning geen uitweg" in json.dumps(
        [e for loc, e in entries.items() if loc.startswith("samenhang/")], ensure_ascii=False)
    # Nor do the headings that only frame what is left out: "Wijzigingsgeschiedenis" on every
    # page, and a goal's related goals under their themes' titles.
    assert not [loc for loc in entries if loc.endswith("#wijzigingsgeschiedenis") or "#samenhang" in loc]
    assert "Wonen" in entries["themas/wonen/"]["title"]
    page = built.html("doelen/minder-dakloosheid/")
    assert "Laatst gewijzigd op" in page and "Maatschappelijke opgave:" in page and "data-search" not in page
    toc = page[page.index('class="md-nav md-nav--secondary"'):]
    for anchor in ("#samenhang", "#samenhang-wonen", "#wijzigingsgeschiedenis"):
        assert f'href="{anchor}"' in toc and f'id="{anchor[1:]}"' in page
    assert 'href="../meer-betaalbare-woningen/">Meer betaalbare woningen</a>' in page
    assert "Zonder woning geen uitweg." in page


def test_a_move_to_another_theme_and_a_new_place_say_from_where_to_where(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    repo = GitRepo(site.root)
    repo.commit("Eerste versie", date="2017-06-26T10:00:00+02:00")
    site.write("goals/meer-woningen.md", goal_file(
        "Meer betaalbare woningen", "gezondheid", "meer", 2, ["er jaarlijks 100 woningen bijkomen."]))
    repo.commit("Woningen horen bij gezondheid", date="2018-01-01T10:00:00+01:00")
    site.write("goals/minder-dakloosheid.md", goal_file(
        "Minder inwoners zijn dakloos", "wonen", "minder", 3,
        ["er voldoende opvang is;", "niemand op straat slaapt."],
        [("meer-bewegen", "Bewegen helpt wie opnieuw begint (thema Gezondheid).")], "Een toelichting bij het doel.\n"))
    repo.commit("Dakloosheid later in de lijst", date="2018-02-01T10:00:00+01:00")
    built = site.build()
    moved = history_section(built.article("doelen/meer-woningen/"))
    assert "<dt>Thema</dt>\n<dd>van Wonen naar Gezondheid</dd>" in moved
    placed = history_section(built.article("doelen/minder-dakloosheid/"))
    assert "<dt>Volgorde</dt>\n<dd>andere plek binnen het thema</dd>" in placed
    samenhang = built.article("samenhang/")  # a row of the matrix moved; the order is no news there
    assert entry_subjects(samenhang) == ["Woningen horen bij gezondheid", "Eerste versie"]
    assert "<dt>Thema</dt>\n<dd>van Wonen naar Gezondheid</dd>" in history_section(samenhang)


def test_samenhang_was_last_changed_by_the_newest_change_it_shows(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    repo = GitRepo(site.root)
    repo.commit("Eerste versie", date="2017-06-26T10:00:00+02:00")
    relation = [("meer-bewegen", "Bewegen helpt wie opnieuw begint.")]
    site.write("goals/minder-dakloosheid.md", goal_file(
        "Minder inwoners zijn dakloos", "wonen", "minder", 1, ["er voldoende opvang is."], relation))
    repo.commit("Dakloosheid hangt samen met bewegen", date="2018-01-01T10:00:00+01:00")
    site.write("goals/minder-dakloosheid.md", goal_file(
        "Minder inwoners zijn dakloos", "wonen", "minder", 1, ["er voldoende opvang is."], relation,
        "Een toelichting, later geschreven.\n"))
    repo.commit("Licht dakloosheid toe", date="2018-02-01T10:00:00+01:00")
    built = site.build()
    # The newest goal commit only wrote a narrative: no news on samenhang/, so not its date.
    assert "Laatst gewijzigd op <time datetime=\"2018-01-01" in built.article("samenhang/")
    assert "Laatst gewijzigd op <time datetime=\"2018-02-01" in built.article("doelen/minder-dakloosheid/")
    sitemap = (built.site / "sitemap.xml").read_text("utf-8")
    assert re.search(r"samenhang/</loc>\s*<lastmod>2018-01-01</lastmod>", sitemap)


def test_a_theme_that_is_gone_is_named_by_its_last_title_in_histories(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    repo = GitRepo(site.root)
    repo.commit("Eerste versie", date="2017-06-26T10:00:00+02:00")
    site.write("goals/meer-bewegen.md", goal_file("Meer inwoners bewegen voldoende", "wonen", "meer", 3,
                                                  ["sporten toegankelijk is voor kinderen;", "ouderen wandelen."]))
    repo.remove("content/themas/gezondheid.md")
    repo.commit("Gezondheid valt onder wonen", date="2018-01-01T10:00:00+01:00")
    moved = history_section(site.build().article("doelen/meer-bewegen/"))
    assert "<dt>Thema</dt>\n<dd>van Gezondheid naar Wonen</dd>" in moved
