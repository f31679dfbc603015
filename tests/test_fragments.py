"""What the build renders once for many pages: Material's navigation and interface texts
(`koers.fragments`), and the generated rest of a page (`Project` converts each block of it
once; MkDocs converts only the page's own text)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from types import SimpleNamespace

import material
import pytest
from sitebuild import REPO, AgendaSite, BuildResult, goal_file

from koers.fragments import Fragments
from tests.gitrepo import GitRepo, isolate_git_env

MATERIAL_PARTIALS = Path(material.__file__).parent / "templates" / "partials"


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git_env(monkeypatch, tmp_path / "home")


@pytest.mark.parametrize("name", ["nav.html", "language.html"])
def test_the_copied_material_partials_are_the_installed_ones(name: str) -> None:
    # The overrides wrap a copy of Material's partial; after an upgrade of Material the copy
    # must be taken again, or the site would keep the old partial.
    ours = (REPO / "overrides" / "partials" / name).read_text("utf-8")
    begin, end = f"{{#- material partials/{name}: begin -#}}\n", f"{{#- material partials/{name}: end -#}}"
    copy = ours[ours.index(begin) + len(begin):ours.index(end)]
    installed = (MATERIAL_PARTIALS / name).read_text("utf-8")
    assert copy == installed.split("-#}\n", 1)[1]


def _page(url: str) -> SimpleNamespace:
    return SimpleNamespace(url=url)


def _rendering(fragments: Fragments, page: SimpleNamespace, nav: SimpleNamespace,
               features: tuple[str, ...] = ()) -> tuple[str, bool]:
    rendered = []

    def render() -> str:
        rendered.append(page.url)
        return f"nav for {page.url}"

    return fragments.nav(page, nav, features, render), bool(rendered)


def test_pages_that_see_the_same_navigation_share_one_rendering() -> None:
    listed = [_page(""), _page("inleiding/"), _page("themas/wonen/")]
    nav = SimpleNamespace(pages=listed, items=[*listed[:2], SimpleNamespace(children=listed[2:])])
    fragments = Fragments()
    assert _rendering(fragments, _page("doelen/a/"), nav) == ("nav for doelen/a/", True)
    # Every link from doelen/b/ reads as from doelen/a/: the same HTML, not rendered again.
    assert _rendering(fragments, _page("doelen/b/"), nav) == ("nav for doelen/a/", False)
    # Other links: its own.
    assert _rendering(fragments, _page("versies/versie-1/extra/"), nav) == ("nav for versies/versie-1/extra/", True)
    assert _rendering(fragments, _page("doelen.html"), nav) == ("nav for doelen.html", True)


def test_a_link_in_the_navigation_counts_as_what_the_navigation_depends_on() -> None:
    # A link to a file that is not a page ("doelen/besluit.pdf") is made relative to the page
    # like the pages are: from doelen/a/ it reads "../besluit.pdf", from versies/x/ not.
    listed = [_page("")]
    nav = SimpleNamespace(pages=listed, items=[*listed, SimpleNamespace(url="doelen/besluit.pdf", children=None)])
    fragments = Fragments()
    assert _rendering(fragments, _page("doelen/a/"), nav)[1]
    assert _rendering(fragments, _page("versies/x/"), nav) == ("nav for versies/x/", True)


@pytest.mark.parametrize("page_url, features", [
    ("themas/wonen/", ()),  # a page the navigation lists is marked in it
    ("doelen/a/", ("toc.integrate",)),  # the navigation holds the page's own contents
])
def test_a_page_whose_navigation_is_its_own_is_always_rendered(page_url: str, features: tuple[str, ...]) -> None:
    listed = [_page(""), _page("themas/wonen/")]
    nav = SimpleNamespace(pages=listed, items=listed)
    page = next((p for p in listed if p.url == page_url), None) or _page(page_url)
    fragments = Fragments()
    assert _rendering(fragments, page, nav, features)[1]
    twin = next((p for p in listed if p.url == page_url), None) or _page(page_url)
    assert _rendering(fragments, twin, nav, features)[1]


def test_interface_texts_are_looked_up_once_in_the_language_then_english_then_as_the_key() -> None:
    asked: list[tuple[str, str]] = []

    def lookup(language: str, table: dict[str, str]):
        def find(key: str) -> str:
            asked.append((language, key))
            return table.get(key, "")
        return find

    fragments = Fragments()
    nl, en = lookup("nl", {"search": "Zoeken"}), lookup("en", {"search": "Search", "top": "Back to top"})
    texts = [fragments.text(key, nl, en) for key in ("search", "top", "unknown", "search", "top")]
    assert texts == ["Zoeken", "Back to top", "unknown", "Zoeken", "Back to top"]
    assert asked == [("nl", "search"), ("nl", "top"), ("en", "top"), ("nl", "unknown"), ("en", "unknown")]


def _primary_nav(html: str) -> str:
    return html[html.index('<nav class="md-nav md-nav--primary"'):html.index('<div class="md-content"')]


def _targets(built: BuildResult, url: str) -> list[str]:
    """Where the primary navigation's links on page `url` lead, as site paths."""
    hrefs = re.findall(r'<a href="([^"#]*)" class="md-nav__link', _primary_nav(built.html(url)))
    return [posixpath.normpath(posixpath.join(url, href)) for href in hrefs]


def test_every_page_gets_navigation_links_that_lead_where_the_navigation_says(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"]["nav_limit"] = 2  # the goals are not listed: their navigation is shared
    site.write("goals/meer-groen.md", goal_file("Meer groen", "wonen", "meer", 3, ["er bomen zijn."]))
    site.write_config()
    built = site.build()
    expected = _targets(built, "")
    assert "themas/wonen" in expected and "inleiding" in expected
    pages = [str(p.parent.relative_to(built.site)) + "/" for p in built.site.rglob("index.html")
             if "search" not in p.parts]
    assert {"doelen/meer-groen/", "doelen/meer-woningen/", "themas/wonen/"} <= set(pages)
    for url in pages:
        url = "" if url == "./" else url
        assert _targets(built, url) == expected, url
        nav = _primary_nav(built.html(url))
        listed = url in {"", "inleiding/", "themas/wonen/", "themas/gezondheid/", "samenhang/"}
        assert ("md-nav__link--active" in nav) == listed, url


def test_a_goal_listed_in_the_navigation_is_marked_there_on_its_own_page(tmp_path: Path) -> None:
    built = AgendaSite(tmp_path).build()
    for goal in ("minder-dakloosheid", "meer-woningen", "meer-bewegen"):
        nav = _primary_nav(built.html(f"doelen/{goal}/"))
        active = re.findall(r'<a href="([^"]*)" class="md-nav__link md-nav__link--active', nav)
        assert active == ["./"], goal


def test_headings_of_the_goal_text_named_like_generated_ones_are_numbered_as_in_one_text(tmp_path: Path) -> None:
    # The rest's "samenhang" and "wijzigingsgeschiedenis" keep their ids; the text's own
    # headings of those names are numbered after them, in order, as Markdown numbers headings
    # within one text, and a link in the text to "#samenhang" still goes to the rest's.
    site = AgendaSite(tmp_path)
    site.config["validation"] = {"anchors": "warn"}  # with --strict: a missing anchor fails the build
    site.write_config()
    site.write("goals/meer-woningen.md", goal_file(
        "Meer betaalbare woningen", "wonen", "meer", 2, ["er woningen bijkomen."],
        [("meer-bewegen", "Wie goed woont, beweegt meer.")],
        "## Samenhang\n\nMet de corporaties.\n\n## Samenhang\n\nMet de zorg.\n\n"
        "## Wijzigingsgeschiedenis\n\nZie [samenhang](#samenhang) en [de zorg](#samenhang_2).\n"))
    site.write("content/inleiding.md", "---\ntitle: Inleiding\n---\n\nZie [de corporaties]"
               "(doelen/meer-woningen.md#samenhang_1).\n")
    built = site.build()
    page = built.html("doelen/meer-woningen/")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert sorted(set(ids)) == sorted(ids)  # no id twice
    article = built.article("doelen/meer-woningen/")
    own = ["samenhang_1", "samenhang_2", "wijzigingsgeschiedenis_1"]
    order = [article.index(f'id="{anchor}"') for anchor in
             (*own, "samenhang", "samenhang-gezondheid", "wijzigingsgeschiedenis")]
    assert order == sorted(order)
    assert re.search(r'id="samenhang_1">Samenhang<a class="headerlink" href="#samenhang_1"', article)
    assert 'Met de corporaties' in article[order[0]:order[1]] and 'Met de zorg' in article[order[1]:order[2]]
    assert '<a href="#samenhang">samenhang</a> en <a href="#samenhang_2">de zorg</a>' in article
    toc = page[page.index('data-md-type="toc"'):page.index('<div class="md-content"')]
    hrefs = re.findall(r'href="(#[^"]+)"', toc)
    assert hrefs == ["#resultaten", *(f"#{anchor}" for anchor in own), "#samenhang", "#samenhang-gezondheid",
                     "#wijzigingsgeschiedenis"]


def test_a_chapter_heading_named_like_the_history_leaves_the_history_link_alone(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("content/inleiding.md", "---\ntitle: Inleiding\n---\n\nTekst.\n\n## Wijzigingsgeschiedenis\n\n"
               "Deze agenda is in 2019 herzien.\n")
    GitRepo(site.root).commit("Begin", date="2021-01-10T10:00:00+01:00")
    article = site.build().article("inleiding/")
    assert '<a href="#wijzigingsgeschiedenis">wijzigingsgeschiedenis</a>' in article  # "Laatst gewijzigd …"
    assert article.index('id="wijzigingsgeschiedenis_1"') < article.index('id="wijzigingsgeschiedenis"')


def test_a_table_of_contents_in_the_text_lists_the_generated_headings_too(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("content/inleiding.md", "---\ntitle: Inleiding\n---\n\n[TOC]\n\n## Eerste\n\nTekst.\n")
    built = site.build()
    article = built.article("inleiding/")
    start = article.index('<div class="toc">')
    toc = article[start:article.index("</div>", start)]
    assert 'href="#eerste"' in toc and 'href="#wijzigingsgeschiedenis"' in toc
    entries = {e["location"]: e for e in built.json("search/search_index.json")["docs"]}
    assert "inleiding/#wijzigingsgeschiedenis" not in entries  # the history's heading stays out of the index


def test_links_to_the_generated_headings_of_a_page_are_valid_anchors(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.config["validation"] = {"anchors": "warn"}  # with --strict: a missing anchor fails the build
    site.write_config()
    site.write("content/inleiding.md", "---\ntitle: Inleiding\n---\n\nZie [wonen](doelen/minder-dakloosheid.md"
               "#samenhang-gezondheid) en [de geschiedenis](themas/wonen.md#wijzigingsgeschiedenis).\n")
    built = site.build()
    assert 'href="../doelen/minder-dakloosheid/#samenhang-gezondheid"' in built.article("inleiding/")

