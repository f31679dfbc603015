"""Rendering helpers: the Jinja environment, the HTML sanitiser and URL arithmetic.

All markup lives in Jinja templates (``overrides/koers/``), rendered with
autoescape on and StrictUndefined. HTML that comes from contributed Markdown is
passed through an allow-list sanitiser (nh3, the Rust ammonia library) before
it is marked safe, so raw HTML, event handlers and ``javascript:``/``data:``
URLs in content never reach a reader.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import nh3
from babel.dates import format_date, format_datetime
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape
from markdown.extensions.toc import nest_toc_tokens
from markupsafe import Markup

from . import plaintext

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
_ATTRIBUTES = {
    # data-search-exclude keeps a block out of Material's search index (and is then removed).
    "*": {"class", "id", "title", "lang", "role", "tabindex", "data-search-exclude"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "ol": {"start"},
    "time": {"datetime"},
    "details": {"open"},
}


# Built once: nh3.clean would convert these settings for every call, three times the cost of
# cleaning a goal's text (a build cleans every page and every text of every version).
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
    generic_attribute_prefixes={"aria-"},
    strip_comments=True,
)


def sanitize(html: str) -> Markup:
    """Allow-list clean contributed HTML: structure and links stay, scripts and handlers go."""
    return Markup(_CLEANER.clean(html))


def relative_url(from_url: str, to_url: str) -> str:
    """Link from page `from_url` to `to_url` (both site-relative, like "doelen/x/")."""
    target, _, anchor = to_url.partition("#")
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    rel = _relpath(target, base)
    if target.endswith("/") or not target:
        rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{anchor}" if anchor else "")


def _relpath(target: str, base: str) -> str:
    """`posixpath.relpath("/" + target, "/" + base)`, without its calls to the file system
    (`abspath`), for the thousands of links a build makes."""
    if "." in target or "." in base:  # a file name, or a "." or ".." segment
        return posixpath.relpath("/" + target, "/" + base)
    start, path = [part for part in base.split("/") if part], [part for part in target.split("/") if part]
    common = 0
    for own, other in zip(start, path):
        if own != other:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + path[common:]) or "."


def dutch_date(moment: datetime | date) -> str:
    """"26 juni 2017"; a moment is shown in Europe/Amsterdam time."""
    return _dutch_day(moment.astimezone(AMSTERDAM).date() if isinstance(moment, datetime) else moment)


# A commit's date shows on every page it touched and in the site log; Babel is slow enough
# (about 50 µs a date) to make that a noticeable part of a large build.
@lru_cache(maxsize=1 << 12)
def _dutch_day(day: date) -> str:
    return format_date(day, "d MMMM y", locale="nl")


def month_label(moment: datetime) -> str:
    """"juni 2017", in Europe/Amsterdam time."""
    return format_date(moment.astimezone(AMSTERDAM), "MMMM y", locale="nl")


def dutch_datetime(moment: datetime) -> str:
    """"26 juni 2017 om 14:05", in Europe/Amsterdam time."""
    return format_datetime(moment.astimezone(AMSTERDAM), "d MMMM y 'om' HH:mm", locale="nl")


def oneline(text: str) -> str:
    """Collapse a field's whitespace so a newline in YAML cannot change the Markdown structure."""
    return " ".join(str(text).split())


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]#])")


def plain(text: str) -> str:
    """A plain-text field (a title, a note) for a Markdown template: one line, no Markdown syntax.

    Without it, a '*' in a goal title and another in its note would pair up into emphasis
    across the link, a '{' in a theme title would break the heading's anchor, and a heading
    would lose the '#' of "C#" (Markdown reads trailing '#'s as the heading's closing marks).
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", oneline(text))


# What would make a list item's text a block of its own: a heading, a nested list ("- x",
# "2030. x") or a rule ("---"). A quote cannot: autoescaping writes '>' as '&gt;'.
_BLOCK_START = re.compile(r"^(?:#|[-+*](?=\s)|\d+(?=\.\s)|(?=([-*_])(?: *\1){2,} *$))")


def result(text: str) -> str:
    """A result as the text of a Markdown list item: one line, its inline Markdown kept, and a
    leading mark that would start another block escaped ("2030. jaartal" stays a year)."""
    line = oneline(text)
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    end = match.end()
    # Escape the mark itself: the digits of "2030." stay, the dot is escaped.
    at = end if line[end:end + 1] == "." else 0
    return f"{line[:at]}\\{line[at:]}"


def make_environment(templates_dir: Path) -> Environment:
    """The Jinja environment for Koers' page templates: autoescape on, undefined is an error.

    The page templates produce Markdown. Autoescaping still applies: a field holding
    ``<script>`` becomes ``&lt;script&gt;`` in the Markdown and shows as text.
    """
    env = Environment(
        # Page templates live in the theme's overrides/; non-HTML outputs (the Atom feed)
        # ship with the package, since MkDocs would copy them from overrides/ as static files.
        loader=ChoiceLoader([FileSystemLoader(str(templates_dir)), PackageLoader("koers", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # One environment serves one build (`mkdocs serve` makes a new one for each): checking
        # every template file's date on each use would only cost a system call per page.
        auto_reload=False,
    )
    env.filters["oneline"] = oneline
    env.filters["plain"] = plain
    env.filters["result"] = result
    env.filters["datum"] = dutch_date
    env.filters["datumtijd"] = dutch_datetime
    env.filters["rfc3339"] = lambda moment: moment.isoformat(timespec="seconds")
    # What a redline shows of aligned items; `rejectattr` does the same at ten times the cost.
    env.filters["unequal"] = lambda items: [item for item in items if item.kind != "equal"]
    env.globals["relative_url"] = relative_url
    return env


def _token_ids(tokens: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    for token in tokens:
        yield token["id"]
        yield from _token_ids(token["children"])


def extend_toc(items: Iterable[Any], tokens: Iterable[Mapping[str, Any]],
               renames: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """A page's table of contents followed by more headings, nested as Python-Markdown nests them.

    `items` are MkDocs' entries (title, id, level, children), `tokens` Python-Markdown's toc
    tokens (name, id, level, children) of HTML placed after the page's own; the result is
    tokens for both. `renames` (id → id) applies to `items`.
    """
    renames = renames or {}
    flat: list[dict[str, Any]] = []

    def walk(entries: Iterable[Any], fields: Callable[[Any], tuple[int, str, str, Iterable[Any]]]) -> None:
        for entry in entries:
            level, anchor, name, children = fields(entry)
            flat.append({"level": level, "id": anchor, "name": name})
            walk(children, fields)

    walk(items, lambda item: (item.level, renames.get(item.id, item.id), item.title, item.children))
    walk(tokens, lambda token: (token["level"], token["id"], token["name"], token["children"]))
    return nest_toc_tokens(flat)


ID_ATTRIBUTE = re.compile(r'\bid="([^"]+)"')
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")
_HEADING_LEVEL = re.compile(r"<h([1-6])(?=[\s>])")
_LOCAL_HREF = re.compile(r'\bhref="#([^"]+)"')


class MarkdownRenderer:
    """Markdown → sanitised HTML with the site's own extensions, for bodies placed in larger pages.

    `render(text, prefix)` prefixes every id the body defines (headings, footnotes) and the
    links to them, so several bodies can share one page without colliding.
    """

    def __init__(self, extensions: list[Any], configs: dict[str, Any]) -> None:
        import markdown

        self._md = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self._plain = plaintext.applies(extensions, configs)
        # Per distinct text: its sanitised HTML, every id in it, its toc tokens and their ids.
        self._converted: dict[str, tuple[str, frozenset[str], list[dict[str, Any]], frozenset[str]]] = {}

    def _convert(self, text: str) -> tuple[str, frozenset[str], list[dict[str, Any]], frozenset[str]]:
        if text not in self._converted:
            html = self.plain_html(text)
            if html is None:
                html = str(sanitize(self._md.reset().convert(text)))
                tokens = getattr(self._md, "toc_tokens", [])
            else:
                tokens = []
            self._converted[text] = html, frozenset(ID_ATTRIBUTE.findall(html)), tokens, frozenset(_token_ids(tokens))
        return self._converted[text]

    def plain_html(self, text: str, *, followed: bool = False) -> str | None:
        """`text` as sanitised HTML when it has no Markdown syntax (`koers.plaintext`) and the
        site's extensions allow that shortcut; None otherwise."""
        html = plaintext.plain_html(text, followed=followed) if self._plain else None
        return None if html is None else str(sanitize(html))

    def render_with_toc(self, text: str) -> tuple[Markup, list[dict[str, Any]], frozenset[str]]:
        """`text` as HTML with its ids as written, its headings as Python-Markdown's toc tokens
        (level, id, name, children), and their ids; for a generated part of a page, converted
        once per distinct text."""
        html, _, tokens, headings = self._convert(text)
        return Markup(html), tokens, headings

    def render(self, text: str, prefix: str, top: int = 0) -> Markup:
        """`text` as HTML, its ids prefixed with `prefix` and, with `top`, its headings moved so
        the highest is an h`top` (the rest keep their distance to it, down to h6)."""
        # Most bodies are the same in every version of the agenda, and one body shows under
        # several prefixes (a goal in each version document): each text is converted once.
        html, own, _, _ = self._convert(text)
        if top and (levels := [int(level) for level in _HEADING_LEVEL.findall(html)]):
            # After Markdown, so every kind of heading moves: "#", a line of "=" or "-" under the
            # text, and HTML (the sanitiser has left only real tags). From the highest the text
            # has, so a narrative whose sections are "##" does not skip a level.
            shift = top - min(levels)
            html = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{max(1, min(6, int(m.group(2)) + shift))}", html)
        if not own:
            return Markup(html)
        # `prefix` is a slug chosen by Koers (never contributed text), so the sanitised HTML stays safe.
        html = ID_ATTRIBUTE.sub(lambda m: f'id="{prefix}-{m.group(1)}"', html)
        html = _LOCAL_HREF.sub(lambda m: f'href="#{prefix}-{m.group(1)}"' if m.group(1) in own else m.group(0), html)
        return Markup(html)
