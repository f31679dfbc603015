"""Per-municipality settings (``extra.koers`` in mkdocs.yml): defaults and every bad value, by message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sitebuild import AgendaSite

from koers.problems import ContentError
from koers.settings import Settings, Term, Vocabulary, read_settings
from koers.site import NAV_LIMIT

BASE: dict[str, Any] = {"municipality": "Teststad", "title": "Sociale Agenda Teststad"}


def test_defaults() -> None:
    settings = read_settings({"koers": BASE})
    assert settings == Settings("Teststad", "Sociale Agenda Teststad")
    assert settings.vocabulary == Vocabulary()
    assert settings.nav_limit == NAV_LIMIT == 100


@pytest.mark.parametrize(("edit_uri", "edit", "commit"), [
    ("edit/main/content/", "edit/main/goals/a.md", "commit/abc"),  # GitHub
    ("-/edit/main/content/", "-/edit/main/goals/a.md", "-/commit/abc"),  # GitLab
    ("src/main/content/", "src/main/goals/a.md", "commit/abc"),  # Bitbucket
    ("edit/main/", "edit/main/goals/a.md", "commit/abc"),  # docs_dir at the top
])
def test_forge_links_come_from_repo_url_and_edit_uri(edit_uri: str, edit: str, commit: str) -> None:
    # edit_uri points into docs_dir; Koers keeps the part up to the branch, for files anywhere.
    settings = read_settings({"koers": BASE}, repo_url="https://example.org/g/agenda/", edit_uri=edit_uri)
    assert settings.edit_url("goals/a.md") == f"https://example.org/g/agenda/{edit}"
    assert settings.commit_url("abc") == f"https://example.org/g/agenda/{commit}"


def test_a_folder_setting_may_end_in_a_slash() -> None:
    settings = read_settings({"koers": {**BASE, "themes_dir": "content/themas/", "goals_dir": "/goals/"}})
    assert (settings.layout.themes_dir, settings.layout.goals_dir) == ("content/themas", "goals")


@pytest.mark.parametrize(("extra", "messages"), [
    ({}, ["mkdocs.yml: missing 'extra: koers:' settings (municipality, title, …)"]),
    ({"koers": "Teststad"}, ["mkdocs.yml: missing 'extra: koers:' settings (municipality, title, …)"]),
    ({"koers": {"title": "X"}}, ["mkdocs.yml: 'extra.koers.municipality' must be a text"]),
    ({"koers": {**BASE, "title": " "}}, ["mkdocs.yml: 'extra.koers.title' must be a text"]),
    ({"koers": {**BASE, "muncipality": "X"}},
     ["mkdocs.yml: unknown setting 'extra.koers.muncipality'; known: accept_partial_history, colours, credit, "
      "document, goals_dir, licence, licence_url, logo, municipality, nav_limit, period, relations_note, "
      "themes_dir, title, vocabulary"]),
    ({"koers": {**BASE, "colours": {"primary": "blue"}}},
     ["mkdocs.yml: 'extra.koers.colours.primary' must be a colour like '#1f4e79' (got 'blue')"]),
    ({"koers": {**BASE, "colours": "#1f4e79"}},
     ["mkdocs.yml: 'extra.koers.colours' must be a mapping with 'primary' and/or 'accent' (got '#1f4e79')"]),
    ({"koers": {**BASE, "vocabulary": {"group": {"article": "een"}}}},
     ["mkdocs.yml: 'extra.koers.vocabulary.group.article' must be one of: de, het (got 'een')"]),
    ({"koers": {**BASE, "vocabulary": {"item": "opgave"}}},
     ["mkdocs.yml: 'extra.koers.vocabulary.item' must be a mapping with singular, plural and article "
      "(got 'opgave')"]),
    ({"koers": {**BASE, "vocabulary": {"item_slug": "Opgaven"}}},
     ["mkdocs.yml: 'extra.koers.vocabulary.item_slug' must be a URL slug like 'doelen' (got 'Opgaven')"]),
    ({"koers": {**BASE, "document": "inleiding.md"}},
     ["mkdocs.yml: 'extra.koers.document' must be a list of chapter files and 'koers:themas', in reading order"]),
    ({"koers": {**BASE, "nav_limit": "veel"}},
     ["mkdocs.yml: 'extra.koers.nav_limit' must be a whole number, 0 or more: the most goals the navigation "
      "lists (got 'veel')"]),
    ({"koers": {**BASE, "nav_limit": -1}},
     ["mkdocs.yml: 'extra.koers.nav_limit' must be a whole number, 0 or more: the most goals the navigation "
      "lists (got -1)"]),
    ({"koers": {**BASE, "nav_limit": True}},
     ["mkdocs.yml: 'extra.koers.nav_limit' must be a whole number, 0 or more: the most goals the navigation "
      "lists (got True)"]),
    ({"koers": {"colours": {"accent": "#12345"}, "nav_limit": 1.5}},
     ["mkdocs.yml: 'extra.koers.colours.accent' must be a colour like '#1f4e79' (got '#12345')",
      "mkdocs.yml: 'extra.koers.municipality' must be a text",
      "mkdocs.yml: 'extra.koers.nav_limit' must be a whole number, 0 or more: the most goals the navigation "
      "lists (got 1.5)",
      "mkdocs.yml: 'extra.koers.title' must be a text"]),
    ({"koers": {**BASE, "vocabulary": ["opgave"]}},
     ["mkdocs.yml: 'extra.koers.vocabulary' must be a mapping with group, item and item_slug (got ['opgave'])"]),
])
def test_bad_settings_are_all_reported(extra: dict[str, Any], messages: list[str]) -> None:
    with pytest.raises(ContentError) as caught:
        read_settings(extra)
    assert [str(p) for p in caught.value.problems] == messages


@pytest.mark.parametrize("term, every, that, other", [
    (Term("thema", "thema's", "het"), "elk thema", "dat thema", "ander thema"),
    (Term("opgave", "opgaven", "de"), "elke opgave", "die opgave", "andere opgave"),
])
def test_a_term_takes_the_words_dutch_gives_its_article(term: Term, every: str, that: str, other: str) -> None:
    assert (term.every, term.that, term.adjective("ander", "andere")) == (every, that, other)


def test_a_logo_that_is_no_file_stops_check_and_build(tmp_path: Path) -> None:
    # Every page would show a broken image.
    site = AgendaSite(tmp_path)
    site.config["extra"]["koers"]["logo"] = "assets/logo.svg"
    site.write_config()
    message = ("mkdocs.yml: 'extra.koers.logo' is 'assets/logo.svg', but content/ or overrides/ holds no such "
               "file; add the file or correct the path")
    site.check_and_build_fail(message)
    site.write("overrides/assets/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    assert 'src="../assets/logo.svg"' in site.build().html("inleiding/")
