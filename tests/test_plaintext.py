"""Plain text written as HTML without Python-Markdown (koers.plaintext), and the same as Python-Markdown's."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import markdown
import pytest
from sitebuild import AgendaSite, goal_file

from koers.buildcache import CACHE_DIR
from koers.plaintext import EXTENSIONS, applies, plain_html
from tests.gitrepo import GitRepo, isolate_git_env

# Pieces of text that the rule must tell apart: words, punctuation it allows, every mark it
# refuses, entities as autoescaping writes them and others, comments, and line starts.
_PIECES = (
    "wijk", "Inwoners", "één", "ß", "Ω", " ", " ", "  ", ".", ",", ";", ":", "!", "?", "(", ")", "'", '"', "‘",
    "’", "“", "-", "--", "+", "%", "$", "@", "/", "1", "2030.", "a.", "https://x.nl/a?b=c",
    "*", "_", "`", "\\", "[", "]", "<", ">", "#", "|", "~", "^", "=", "{", "}", "&", "\t", "\r", "\u00a0",
    "\u2028", "\x02", "&amp;", "&#39;", "&#34;", "&quot;", "&lt;b&gt;", "&copy;", "&#x27;", "&amp",
    "!!!", "???", ": ", "*[", "[^1]", "---", "===", "<!-- x -->", "<!--", "-->",
    "\n", "\n", "\n\n", "\n\n\n", "\n- ", "\n \n", "\n    ", "\n\n<!-- einde van de lijst -->\n\n",
)
_WEIGHTS = tuple(12 if piece.isalpha() else 6 if piece in (" ", "\n", "\n\n", "\n- ") else 1 for piece in _PIECES)


def _markdown() -> markdown.Markdown:
    # Every extension the shortcut claims to agree with, at once.
    return markdown.Markdown(extensions=sorted(EXTENSIONS), extension_configs={"toc": {"permalink": True}})


def _texts(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        text = "".join(rng.choices(_PIECES, _WEIGHTS, k=rng.randint(1, 40)))
        yield f"- {text}" if rng.random() < 0.3 else text


def test_generated_texts_it_accepts_are_what_python_markdown_makes_of_them() -> None:
    md = _markdown()
    accepted = 0
    for text in _texts(seed=2026, count=12000):
        html = plain_html(text)
        if html is not None:
            accepted += 1
            assert html == md.reset().convert(text), repr(text)
            # The same text at the start of a longer one, as on a goal page.
            followed = plain_html(text, followed=True)
            assert f"{followed}\n<p>Einde.</p>" == md.reset().convert(f"{text}\n\nEinde."), repr(text)
    # Both sides of the rule are reached, so the comparison above is not empty.
    assert 400 < accepted < 11000


CASES = [
    # (text, plain): plain texts are also compared with Python-Markdown.
    ("Inwoners doen mee.", True),
    ("Een alinea\nover twee regels.\n\nEn een tweede.", True),
    ("We willen bereiken dat:\n\n- er opvang is;\n- niemand buiten slaapt.\n\n<!-- end of the results -->\n", True),
    ("- zzp&#39;ers werk vinden;\n- ouders &amp; kinderen sporten.", True),
    ("“Samen” doen we meer (zie ook: wonen).", True),
    ("Eerst dit.\n\n\n\nDan dat.", True),
    ("Inwoners & ondernemers.", False),  # a bare & may start an entity
    ("De 18 jongeren.", True),
    ("18 jongeren doen mee.", False),  # a line starts with a digit ("2030. x" is a list)
    ("- een;\n\n- twee.", False),  # one loose list to Markdown
    ("Tekst\n- geen lijst", False),  # a list line inside a paragraph
    ("- een\nvervolg", False),  # a lazy continuation of the item
    ("## Kopje\n\nTekst.", False),
    ("Tekst met *nadruk*.", False),
    ("Tekst met [een link](a.md).", False),
    ("Regel met een harde  \nafbreking.", False),
    ("    Ingesprongen code.", False),
    ("Tekst\n===", False),
    ("Tekst {: .klasse }", False),
    ("a | b", False),
    ("Tekst met <b>HTML</b>.", False),
    ("!!! note", False),
    ("", False),
]


@pytest.mark.parametrize(("text", "plain"), CASES)
def test_what_counts_as_plain_text(text: str, plain: bool) -> None:
    html = plain_html(text)
    assert (html is not None) == plain
    if html is not None:
        assert html == _markdown().convert(text)


class _Extension(markdown.Extension):
    pass


@pytest.mark.parametrize(("extensions", "configs", "expected"), [
    (["attr_list", "footnotes", "md_in_html", "tables", "toc"], {"toc": {"permalink": True}}, True),
    (["abbr", "admonition", "pymdownx.details", "markdown.extensions.def_list"], {}, True),
    (["abbr"], {"abbr": {"glossary": {"GGD": "Gemeentelijke Gezondheidsdienst"}}}, False),
    (["toc", "smarty"], {}, False),  # turns quotes and dashes into other characters
    (["pymdownx.magiclink"], {}, False),  # turns addresses into links
    ([_Extension()], {}, False),  # an extension object: unknown
])
def test_the_shortcut_applies_only_with_extensions_it_agrees_with(extensions: list[object],
                                                                  configs: dict[str, dict[str, object]],
                                                                  expected: bool) -> None:
    assert applies(extensions, configs) is expected


def test_a_site_is_the_same_with_and_without_the_shortcut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Goal pages, version documents and the search index, built with the shortcut and again,
    from scratch, with an extension that turns it off (legacy_attrs changes nothing here)."""
    isolate_git_env(monkeypatch, tmp_path / "home")
    site = AgendaSite(tmp_path / "agenda")
    site.config["nav"].append("versies.md")
    site.write_config()
    site.write("goals/meer-werk.md", goal_file(
        "Meer inwoners hebben werk", "wonen", "meer", 3,
        ["zzp'ers & starters werk vinden;", "werkgevers <mensen> aannemen."],
        body="Werk geeft houvast.\nOok voor ‘nieuwkomers’.\n\nDaarom investeren we.\n"))
    site.write("goals/meer-sport.md", goal_file(
        "Meer inwoners sporten", "gezondheid", "meer", 2, ["sport *toegankelijk* is."],
        body="## Wat we doen\n\nWe openen de velden.\n"))
    repo = GitRepo(site.root)
    repo.commit("Begin", date="2020-01-10T10:00:00+01:00")
    repo.tag("v1")
    site.write("content/versions.yml", "- id: eerste\n  title: Eerste versie\n  date: 2020-01-10\n"
               "  status: vastgesteld\n  ref: v1\n")
    site.write("goals/meer-werk.md", goal_file(
        "Meer inwoners hebben werk", "wonen", "meer", 3, ["starters werk vinden."], body="Werk geeft houvast.\n"))
    repo.commit("Werk bijgewerkt", date="2020-02-10T10:00:00+01:00")
    with_shortcut = site.build().site.rename(tmp_path / "with")
    shutil.rmtree(site.root / CACHE_DIR)
    site.config["markdown_extensions"].append("legacy_attrs")
    site.write_config()  # not committed: the history stays the same
    without = site.build().site
    for page in ["doelen/meer-werk/", "doelen/meer-sport/", "doelen/minder-dakloosheid/", "doelen/meer-woningen/",
                 "versies/eerste/",
                 "versies/werkversie/", "vergelijk/eerste/werkversie/"]:
        assert (with_shortcut / page / "index.html").read_text("utf-8") == \
            (without / page / "index.html").read_text("utf-8"), page
    assert "koers-part-" not in (with_shortcut / "doelen/meer-werk/index.html").read_text("utf-8")
    index = "search/search_index.json"
    assert (with_shortcut / index).read_bytes() == (without / index).read_bytes()
