"""Real builds of a small fixture agenda: pages, navigation, relations, open data, settings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sitebuild import AgendaSite, goal_file, theme_file

from koers.site import dump_json


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    site = AgendaSite(tmp_path_factory.mktemp("agenda"))
    return site.build()


def test_goal_page_shows_title_theme_direction_results_and_narrative(built) -> None:
    article = built.article("doelen/minder-dakloosheid/")
    assert "<h1" in article and "Minder inwoners zijn dakloos" in article
    assert '<a href="../../themas/wonen/">Wonen</a>' in article
    assert '<span class="koers-direction koers-direction--minder">minder</span>' in article
    assert re.search(r"<li>er voldoende opvang is;</li>\s*<li>niemand op straat slaapt.</li>", article)
    assert "Een toelichting bij het doel." in article
    assert "Iedereen woont prettig en veilig." in article  # the theme's opgave


def test_relation_written_once_shows_on_both_goal_pages_with_its_note(built) -> None:
    note = "Bewegen helpt wie opnieuw begint (thema Gezondheid)."
    declaring = built.article("doelen/minder-dakloosheid/")
    other = built.article("doelen/meer-bewegen/")
    assert '<a href="../meer-bewegen/">Meer inwoners bewegen voldoende</a>' in declaring
    assert '<a href="../minder-dakloosheid/">Minder inwoners zijn dakloos</a>' in other
    assert note in declaring and note in other
    # grouped under the other goal's theme
    assert re.search(r'id="samenhang-gezondheid".*meer-bewegen', declaring, re.S)
    assert re.search(r'id="samenhang-wonen".*minder-dakloosheid', other, re.S)


def test_goal_without_relations_says_so(built) -> None:
    assert "geen relaties met andere doelen" in built.article("doelen/meer-woningen/")


def test_theme_page_lists_its_goals_in_order(built) -> None:
    article = built.article("themas/wonen/")
    assert article.index("Minder inwoners zijn dakloos") < article.index("Meer betaalbare woningen")
    assert "Meer inwoners bewegen voldoende" not in article
    assert "Iedereen woont prettig en veilig." in article
    assert 'id="betaalbaar-wonen"' in article  # the theme's own subsections


def test_the_goal_lists_of_the_home_and_theme_pages_are_text_and_searchable(tmp_path: Path) -> None:
    # Both lists are HTML parts put in after Markdown; what a reader searches must still find them.
    site = AgendaSite(tmp_path)
    site.write("goals/meer-woningen.md", goal_file("Meer *betaalbare* & 'goede' woningen {#x}", "wonen", "meer", 2,
                                                   ["er jaarlijks 100 woningen bijkomen."]))
    built = site.build()
    title = "Meer *betaalbare* &amp; &#39;goede&#39; woningen {#x}"
    assert f'<li><a href="../../doelen/meer-woningen/">{title}</a> <span class="koers-direction ' in \
        built.article("themas/wonen/")
    assert f'meer</span> <a href="doelen/meer-woningen/">{title}</a></li>' in built.article("")
    index = json.loads((built.site / "search" / "search_index.json").read_text("utf-8"))
    for page in ("", "themas/wonen/"):
        texts = " ".join(d["text"] for d in index["docs"] if d["location"].split("#")[0] == page)
        assert "Meer *betaalbare* &amp; 'goede' woningen {#x}" in texts, page


def test_a_theme_without_goals_says_so_on_the_home_page(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("content/themas/zorg.md", theme_file("Zorg", "Zorg dichtbij.", 3))
    home = site.build().article("")
    assert re.search(r'id="thema-zorg".*?Zorg dichtbij\..*?<p>Voor dit thema zijn nog geen doelen vastgelegd.</p>',
                     home, re.S)


def test_home_page_lists_themes_with_opgave_and_goals_with_direction(built) -> None:
    article = built.article("")
    assert "De agenda van Teststad." in article
    for text in ("Wonen", "Iedereen woont prettig en veilig.", "Gezondheid", "Inwoners leven gezond."):
        assert text in article
    assert re.search(r'koers-direction--minder">minder</span> <a href="doelen/minder-dakloosheid/">', article)


def test_navigation_is_derived_from_the_content(built) -> None:
    html = built.html("inleiding/")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
    positions = [nav.index(t) for t in ("Wonen", "Minder inwoners zijn dakloos", "Meer betaalbare woningen",
                                        "Gezondheid", "Meer inwoners bewegen voldoende")]
    assert positions == sorted(positions)


def test_above_the_nav_limit_the_navigation_lists_themes_and_theme_pages_list_goals(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"]["nav_limit"] = 2  # the fixture has three goals
    site.write_config()
    built = site.build()
    html = built.html("inleiding/")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):html.index('<div class="md-content"')]
    assert "themas/wonen/" in nav and "themas/gezondheid/" in nav
    assert "doelen/" not in nav
    assert "Minder inwoners zijn dakloos" in built.article("doelen/minder-dakloosheid/")  # still published
    assert 'href="../../doelen/minder-dakloosheid/"' in built.article("themas/wonen/")
    # Left out on purpose, so MkDocs does not list them as forgotten.
    assert "not included in the \"nav\"" in built.output  # the fixture's nav leaves out wijzigingen.md …
    assert "- doelen/" not in built.output


def test_adding_a_goal_file_adds_its_page_nav_entry_and_data(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("goals/meer-groen.md", goal_file("Meer groen in de wijk", "wonen", "meer", 3, ["er bomen zijn."]))
    built = site.build()
    assert "Meer groen in de wijk" in built.article("doelen/meer-groen/")
    assert "doelen/meer-groen/" in built.html("")
    assert "meer-groen" in built.json("data/agenda.json")["themes"][0]["goals"]


def test_agenda_json_matches_the_content(built) -> None:
    data = built.json("data/agenda.json")
    assert [t["id"] for t in data["themes"]] == ["wonen", "gezondheid"]
    assert data["themes"][0] == {"id": "wonen", "title": "Wonen", "opgave": "Iedereen woont prettig en veilig.",
                                 "url": "themas/wonen/", "goals": ["minder-dakloosheid", "meer-woningen"]}
    goal = data["goals"][0]
    assert goal == {
        "id": "minder-dakloosheid", "title": "Minder inwoners zijn dakloos", "theme": "wonen",
        "direction": "minder", "order": 1, "results": ["er voldoende opvang is;", "niemand op straat slaapt."],
        "relations": [{"goal": "meer-bewegen", "note": "Bewegen helpt wie opnieuw begint (thema Gezondheid)."}],
        "url": "doelen/minder-dakloosheid/", "source": "goals/minder-dakloosheid.md",
    }
    assert (built.site / goal["url"] / "index.html").is_file()


@pytest.mark.parametrize("value", ["Één doel · “meer”", "regel\u2028scheiding\u2029", "</script><!--",
                                   "tab\tnul\x00\x1f\x7f", "😀 \ud7ff\ue000", "\\ \" /"])
def test_open_data_is_the_json_the_standard_library_writes(value: str) -> None:
    data = {"goals": [{"title": value, "order": 10**15, "results": [], "relations": {}, "source": None}]}
    assert dump_json(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_edit_links_open_the_source_file_of_each_page(built) -> None:
    base = "https://forge.example/teststad/agenda/edit/main/"
    assert f'href="{base}goals/minder-dakloosheid.md"' in built.html("doelen/minder-dakloosheid/")
    assert f'href="{base}content/themas/wonen.md"' in built.html("themas/wonen/")
    assert f'href="{base}content/inleiding.md"' in built.html("inleiding/")
    assert "Wijziging voorstellen" in built.html("inleiding/")


def test_every_page_credits_the_source(built) -> None:
    pages = list(built.site.rglob("index.html"))
    assert len(pages) >= 8
    credit = "Sociale Agenda Teststad 2020–2024, vastgesteld door de gemeenteraad op 1 juli 2020"
    missing = [p for p in pages if credit not in p.read_text("utf-8")]
    assert missing == []


def test_footnotes_render_as_footnotes(built) -> None:
    article = built.article("inleiding/")
    assert 'class="footnote-ref"' in article and "Een voetnoot bij de inleiding." in article


@pytest.mark.parametrize("path, url, after", [
    ("goals/meer-woningen.md", "doelen/meer-woningen/", 'id="samenhang"'),
    ("content/themas/wonen.md", "themas/wonen/", 'id="doelen"'),
    ("content/index.md", "", 'id="themas"'),
    ("content/inleiding.md", "inleiding/", 'id="wijzigingsgeschiedenis"'),
])
def test_footnotes_follow_the_text_they_belong_to(tmp_path: Path, path: str, url: str, after: str) -> None:
    # Not below what the page adds after its own text (related goals, goal lists, the history).
    site = AgendaSite(tmp_path)
    front, _, _ = (tmp_path / path).read_text().rpartition("---\n")
    site.write(path, f"{front}---\n\nDe eigen tekst.[^bron]\n\n[^bron]: De bron.\n")
    built = site.build()
    article = built.article(url)
    assert re.search(r"De eigen tekst\.<sup[^>]*>.*?</sup></p>\s*<div class=\"footnote\">", article, re.S)
    assert article.index("De bron.") < article.index(after)
    # Where the text ends is marked; the mark never shows, with or without footnotes.
    assert not [page for page in built.site.rglob("*.html") if "koers-text-end" in page.read_text()]


@pytest.mark.parametrize("narrative, own_list", [
    ("- een verhaalpunt\n- nog een verhaalpunt\n\nSlot.\n", "ul"),
    ("1. een verhaalpunt\n2. nog een verhaalpunt\n", "ol"),
])
def test_a_narrative_that_starts_with_a_list_is_not_taken_for_results(tmp_path: Path, narrative: str,
                                                                       own_list: str) -> None:
    # Markdown continues a list across a blank line; the results' list must end where they do.
    site = AgendaSite(tmp_path)
    site.write("goals/meer-woningen.md", goal_file("Meer betaalbare woningen", "wonen", "meer", 2,
                                                   ["er jaarlijks 100 woningen bijkomen;", "huren betaalbaar zijn."],
                                                   body=narrative))
    built = site.build()
    results = r"<ul>\s*<li>er jaarlijks 100 woningen bijkomen;</li>\s*<li>huren betaalbaar zijn.</li>\s*</ul>\s*"
    own = rf"<{own_list}>\s*<li>een verhaalpunt</li>\s*<li>nog een verhaalpunt</li>\s*</{own_list}>"
    for page in ("doelen/meer-woningen/", "versies/werkversie/"):
        article = built.article(page)
        assert re.search(results + own, article), page
        assert "end of the results" not in article


@pytest.mark.parametrize("written, shown", [
    ("er <b>vet</b> & <wijk> komt;", "er &lt;b&gt;vet&lt;/b&gt; &amp; &lt;wijk&gt; komt;"),  # HTML is text
    ("**150** woningen;", "<strong>150</strong> woningen;"),  # Markdown is rendered
    ("2030. jaartal;", "2030. jaartal;"),  # not a numbered list
    ("- min;", "- min;"),  # not a nested list
    ("# hekje;", "# hekje;"),  # not a heading
    ("---", "---"),  # not a rule
])
def test_a_result_shows_the_same_on_the_goal_page_and_in_the_version_document(tmp_path: Path, written: str,
                                                                               shown: str) -> None:
    site = AgendaSite(tmp_path)
    site.write("goals/meer-woningen.md", goal_file("Meer woningen", "wonen", "meer", 2, [written, "het laatste."]))
    built = site.build()
    for page in ("doelen/meer-woningen/", "versies/werkversie/"):
        assert re.search(rf"<ul>\s*<li>{re.escape(shown)}</li>\s*<li>het laatste.</li>\s*</ul>",
                         built.article(page)), page


def test_a_goal_without_results_says_so_in_the_version_document_too(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("goals/meer-woningen.md", goal_file("Meer woningen", "wonen", "meer", 2, [], body="Het verhaal.\n"))
    built = site.build()
    none_yet = r"<p>Voor dit doel zijn nog geen resultaten vastgelegd.</p>\s*<p>Het verhaal.</p>"
    assert re.search(none_yet, built.article("doelen/meer-woningen/"))
    assert re.search(r"<p>We willen bereiken dat:</p>\s*" + none_yet, built.article("versies/werkversie/"))

def test_an_unclosed_html_block_fails_the_build_with_its_line(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("content/themas/wonen.md", theme_file("Wonen", "Iedereen woont prettig.", 1,
                                                     "Tekst.\n\n<details>\nMeer\n"))
    site.build_fails("content/themas/wonen.md, line 9: the HTML block '<details>' that starts here is never closed")


def test_a_block_the_sites_markdown_leaves_open_fails_the_build(tmp_path: Path) -> None:
    # An extension's block, unclosed, would take the related goals and the history in.
    site = AgendaSite(tmp_path)
    site.config["markdown_extensions"].append("pymdownx.blocks.admonition")
    site.write_config()
    site.write("goals/meer-woningen.md", goal_file("Meer woningen", "wonen", "meer", 2, ["x."],
                                                   body="/// note | Let op\nOpen blok.\n"))
    site.build_fails("goals/meer-woningen.md: the text does not end where it should: a block in it is never closed")
    site.write("goals/meer-woningen.md", goal_file("Meer woningen", "wonen", "meer", 2, ["x."],
                                                   body="/// note | Let op\nGesloten blok.\n///\n"))
    article = site.build().article("doelen/meer-woningen/")
    assert re.search(r'Gesloten blok.</p>\s*</div>\s*<h2 id="samenhang"', article)


def test_site_speaks_dutch_and_loads_nothing_from_other_hosts(built) -> None:
    html = built.html("doelen/meer-bewegen/")
    assert '<html lang="nl"' in html
    for page in built.site.rglob("*.html"):
        text = page.read_text("utf-8")
        tags = re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", text)
        loading = [t for t in tags if not re.search(r'rel="(?:canonical|alternate)"', t)]
        external = [t for t in loading if re.search(r'(?:src|href)="(?:https?:)?//', t)]
        assert external == [], f"{page}: {external}"
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_samenhang_matrix_is_an_accessible_table_with_text_marks(built) -> None:
    article = built.article("samenhang/")
    assert "gereconstrueerd uit de tekst" in article
    assert "<caption" in article and article.count('scope="col"') == 3 and article.count('scope="row"') == 3
    row = re.search(r'<th scope="row"><a href="../doelen/minder-dakloosheid/">.*?</tr>', article, re.S).group(0)
    assert "1 gerelateerd doel: Meer inwoners bewegen voldoende" in row
    assert "eigen thema" in row


def test_samenhang_lists_every_relation_as_text_and_in_the_search_index(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("goals/meer-bewegen.md", goal_file(
        "Meer inwoners bewegen voldoende", "gezondheid", "meer", 1, ["er meer wordt bewogen."],
        [("meer-woningen", "Sport *helpt* <b>echt</b> [mee](x.md).")]))
    built = site.build()
    article = built.article("samenhang/")
    item = re.search(r'<h2 id="relaties".*?</ul>', article, re.S).group(0)
    assert item.count("<li>") == 2
    assert ('<a href="../doelen/meer-bewegen/">Meer inwoners bewegen voldoende</a> (Gezondheid) '
            '<span aria-hidden="true">↔</span><span class="koers-sr">hangt samen met</span> '
            '<a href="../doelen/meer-woningen/">Meer betaalbare woningen</a> (Wonen)') in item
    # A note is plain text: neither Markdown nor HTML.
    assert '<span class="koers-note">Sport *helpt* &lt;b&gt;echt&lt;/b&gt; [mee](x.md).</span>' in item
    index = json.loads((built.site / "search" / "search_index.json").read_text("utf-8"))
    texts = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("samenhang/"))
    assert "Sport *helpt*" in texts


def test_a_themes_folder_outside_docs_dir_fails_the_build_with_the_fix(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"]["themes_dir"] = "themas"
    site.write_config()
    site.build_fails("mkdocs.yml: 'extra.koers.themes_dir' is 'themas', outside docs_dir 'content': theme pages "
                     "are pages of the site, so the folder must lie in it (like 'content/themas')")


def test_colours_and_logo_are_settings(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"]["colours"] = {"primary": "#123456", "accent": "#654321"}
    site.write_config()
    html = site.build().html("")
    assert "--md-primary-fg-color: #123456" in html and "--md-accent-fg-color: #654321" in html


@pytest.mark.parametrize(("path", "text", "message"), [
    ("goals/meer-woningen.md", goal_file("Meer woningen", "wonn", "meer", 2, ["x."]),
     "goals/meer-woningen.md, line 3: 'theme' is 'wonn', but there is no theme with that id "
     "(did you mean 'wonen'?); themes: gezondheid, wonen"),
    ("goals/meer-woningen.md", goal_file("Meer woningen", "wonen", "meer", 2, ["x."], [("meer-bewegn", "n")]),
     "goals/meer-woningen.md, line 9: 'relations' item 1: there is no goal 'meer-bewegn' "
     "(did you mean 'meer-bewegen'?)"),
    ("goals/meer-woningen.md", goal_file("Meer woningen", "wonen", "meer", 1, ["x."]),
     "goals/minder-dakloosheid.md, line 5: 'order' 1 is also used by goals/meer-woningen.md in theme 'wonen'; "
     "give each goal its own number"),
    ("goals/meer-woningen.md", "---\ntitle: Meer woningen\ntheme: wonen\norder: 2\nresults: []\n---\n",
     "goals/meer-woningen.md, line 2: missing required field 'direction'; add a line 'direction: …'"),
    # Saved without '.md' (GitHub's editor adds none): the goal would be left out without a word.
    ("goals/meer-groen", goal_file("Meer groen", "wonen", "meer", 3, ["x."]),
     "goals/meer-groen: a goal file must be named '<id>.md', or it is left out; rename it to 'meer-groen.md'"),
    ("content/themas/zorg.markdown", "---\ntitle: Zorg\nopgave: Zorg dichtbij.\norder: 3\n---\n",
     "content/themas/zorg.markdown: a theme file must be named '<id>.md', or it is left out; rename it to 'zorg.md'"),
])
def test_bad_content_fails_the_build_naming_file_and_field(tmp_path: Path, path: str, text: str,
                                                           message: str) -> None:
    site = AgendaSite(tmp_path)
    site.write(path, text)
    site.build_fails(message)


def test_agenda_csv_has_one_row_per_result_with_goal_and_theme(built) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO((built.site / "data" / "agenda.csv").read_text("utf-8"), newline="")))
    assert len(rows) == 5
    assert rows[0] == {"theme": "wonen", "theme_title": "Wonen", "goal": "minder-dakloosheid",
                       "goal_title": "Minder inwoners zijn dakloos", "direction": "minder", "goal_order": "1",
                       "result_number": "1", "result": "er voldoende opvang is;", "url": "doelen/minder-dakloosheid/"}


def test_open_data_page_documents_both_formats_and_the_licence(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"] |= {"licence": "CC0 1.0", "licence_url": "https://example.org/cc0"}
    site.config["nav"].append("open-data.md")
    site.write_config()
    article = site.build().article("open-data/")
    assert '<a href="https://example.org/cc0">CC0 1.0</a>' in article
    assert '<a href="../data/agenda.json">data/agenda.json</a>' in article
    assert '<a href="../data/agenda.csv">data/agenda.csv</a>' in article
    assert "<code>result_number</code>" in article and "<code>goals[].relations</code>" in article


def test_the_vocabulary_is_a_setting(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path, default_content=False)
    site.config["extra"]["koers"] |= {
        "themes_dir": "content/opgaven",
        "vocabulary": {"group": {"singular": "opgave", "plural": "opgaven", "article": "de"},
                       "item": {"singular": "focuspunt", "plural": "focuspunten", "article": "het"},
                       "item_slug": "focuspunten"}}
    site.config["nav"] = ["index.md", {"Opgaven": ["koers:themas"]}, "samenhang.md"]
    site.write_config()
    site.write("content/index.md", "---\ntitle: Agenda\n---\n\nWelkom.\n")
    site.write("content/opgaven/jeugd.md", "---\ntitle: Jeugd\nopgave: Kinderen groeien veilig op.\norder: 1\n---\n")
    site.write("content/opgaven/zorg.md", "---\ntitle: Zorg\nopgave: Zorg dichtbij.\norder: 2\n---\n")
    site.write("goals/meer-spelen.md", goal_file("Meer buiten spelen", "jeugd", "meer", 1, ["er pleinen zijn."]))
    built = site.build()
    goal = built.article("focuspunten/meer-spelen/")
    assert 'Focuspunt van de opgave <a href="../../opgaven/jeugd/">Jeugd</a>' in goal
    assert "Samenhang met andere focuspunten" in goal
    assert "Bij dit focuspunt zijn geen relaties met andere focuspunten vastgelegd." in goal
    assert "<h2 id=\"doelen\">Focuspunten" in built.article("opgaven/jeugd/")
    assert "Voor deze opgave zijn nog geen focuspunten vastgelegd." in built.article("opgaven/zorg/")
    assert "De opgaven" in built.article("")
    assert "Samenhang tussen focuspunten en opgaven" in built.article("samenhang/")
    assert built.json("data/agenda.json")["goals"][0]["url"] == "focuspunten/meer-spelen/"


def test_a_vocabulary_of_de_words_reads_as_dutch(tmp_path: Path) -> None:
    # "elke ambitie", "die opgave", "een andere opgave", "1 gerelateerde ambitie": Dutch inflects
    # for de-words what it leaves bare for het-words ("elk doel", "1 gerelateerd doel").
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"]["vocabulary"] = {
        "group": {"singular": "opgave", "plural": "opgaven", "article": "de"},
        "item": {"singular": "ambitie", "plural": "ambities", "article": "de"}, "item_slug": "ambities"}
    site.write_config()
    built = site.build()
    samenhang = built.article("samenhang/")
    assert ("Met welke opgaven elke ambitie samenhangt. ● met een getal: zoveel gerelateerde ambities in die opgave. "
            "○: de eigen opgave van de ambitie.") in samenhang
    assert "1 gerelateerde ambitie: Meer inwoners bewegen voldoende" in samenhang
    assert "een boog verbindt twee ambities" in built.site.joinpath("samenhang/relaties.svg").read_text().lower()
    assert "nummer van het resultaat binnen de ambitie" in built.article("open-data/")


def test_markdown_characters_in_titles_and_notes_are_shown_as_written(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("content/themas/wonen.md", "---\ntitle: Wonen {thuis}\nopgave: Iedereen woont prettig.\norder: 1\n"
               "---\n")
    site.write("goals/minder-dakloosheid.md", goal_file(
        "Minder *dakloze* inwoners in C#", "wonen", "minder", 1, ["er opvang is."],
        [("meer-bewegen", "Bewegen *helpt* [echt] `altijd`.")]))
    built = site.build()
    other = built.article("doelen/meer-bewegen/")
    assert ">Minder *dakloze* inwoners in C#</a>" in other
    # A heading would read the trailing '#' as its closing mark.
    assert re.search(r"<h1[^>]*>Minder \*dakloze\* inwoners in C#<", built.article("doelen/minder-dakloosheid/"))
    assert "Bewegen *helpt* [echt] `altijd`." in other and "<em>" not in other
    assert 'id="samenhang-wonen">Wonen {thuis}' in other


def test_a_chapter_in_the_folders_of_the_version_pages_is_a_chapter(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("content/versies/uitleg.md", "---\ntitle: Over de versies\n---\n\nZo werkt de raad.\n")
    site.write("content/vergelijk/hulp.md", "---\ntitle: Vergelijken\n---\n\nZo vergelijkt u.\n")
    # Named like a comparison the site does not make: the werkversie with itself.
    site.write("content/vergelijk/werkversie/werkversie.md", "---\ntitle: Uitleg\n---\n\nGeen vergelijking.\n")
    built = site.build()
    assert "Geen vergelijking." in built.article("vergelijk/werkversie/werkversie/")
    assert "Zo werkt de raad." in built.article("versies/uitleg/")
    assert "Zo vergelijkt u." in built.article("vergelijk/hulp/")
