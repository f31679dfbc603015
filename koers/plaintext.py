"""Text without Markdown syntax, turned into the HTML Python-Markdown makes of it, without it.

Most of an agenda is plain Dutch prose: a goal's results are sentences in a list, its narrative
is paragraphs. Python-Markdown spends about half a millisecond on each such text, and a large
build converts thousands (every goal page, and every distinct text of every version document).
`plain_html` recognises a text that has no Markdown syntax at all — paragraphs of lines that
start with a letter, tight "- " lists of such items, and comments of words alone in their
block — and writes its HTML directly.

It is deliberately narrow: a character that means something to Markdown or to one of the
extensions in `EXTENSIONS` (``\\ ` * _ { } [ ] < > # | ~ ^ = &``), a line that starts with
anything but a letter or a quote, indentation, a tab, a trailing space or a control
character sends the text to Python-Markdown, as does any extension outside `EXTENSIONS`
(`applies`). tests/test_plaintext.py converts thousands of texts both ways and requires the
same HTML, with every extension of `EXTENSIONS` on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# Extensions that change nothing in a text `plain_html` accepts: each needs a character or a
# line start it refuses. (smarty, magiclink, emoji or snippets would, so they turn it off.)
EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "sane_lists",
    "tables", "toc", "pymdownx.details", "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.superfences",
    "pymdownx.tabbed", "pymdownx.tasklist",
})

# What no plain text holds: Markdown's marks, a tab, a control character or line separator.
# An entity as autoescaping writes one ("zzp&#39;ers") passes through Markdown as written.
_MARKS = re.compile(r"[\\`*_{}\[\]<>|~^=#&\x00-\x09\x0b-\x1f\x7f\u2028\u2029]")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#34|#39);")
# How a line of plain text starts: a letter, perhaps after a quote.
_START = re.compile(r"[\"'‘’“”„]?[^\W\d_]")
# An HTML comment of words alone on its lines, as Koers' templates write them to end a list.
_COMMENT = re.compile(r"<!--[ \w]*-->\Z")
_BLANK_LINES = re.compile(r"\n\n+")


def _plain_lines(lines: list[str], start: int) -> bool:
    """Whether each line, from column `start`, starts as plain text and does not end in a space."""
    return all(_START.match(line, start) and not line.endswith(" ") for line in lines)


def applies(extensions: Iterable[Any], configs: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether `plain_html` may stand in for Python-Markdown with these extensions (names as in
    mkdocs.yml; an extension given as an object is unknown, so it may not) and their settings
    (an abbreviation glossary applies to every text)."""
    names = [name.removeprefix("markdown.extensions.") if isinstance(name, str) else None for name in extensions]
    glossary = any(config.get("glossary") for name, config in configs.items()
                   if name.removeprefix("markdown.extensions.") == "abbr")
    return all(name in EXTENSIONS for name in names) and not glossary


def plain_html(text: str, *, followed: bool = False) -> str | None:
    """The HTML Python-Markdown makes of `text`, when `text` is plain paragraphs and tight "- "
    lists of plain items; None for anything else (convert it with Python-Markdown).

    `followed`: `text` is the start of a longer Markdown text, whose blocks Markdown converts
    (a comment then ends with the line break Markdown writes after a comment that is followed).
    """
    html: list[str] = []
    was_list = False
    for block in _BLANK_LINES.split(text.strip("\n")):
        if _COMMENT.match(block):
            # Markdown passes a comment through as raw HTML, the blank line after it kept.
            html.append(block + "\n")
            was_list = False
            continue
        if _MARKS.search(block) and _MARKS.search(_ENTITY.sub("", block)):
            return None
        lines = block.split("\n")
        if lines[0].startswith("- "):
            # Two lists with a blank line between them are one loose list to Markdown.
            if was_list or not all(line.startswith("- ") for line in lines) or not _plain_lines(lines, 2):
                return None
            html.append("<ul>\n" + "".join(f"<li>{line[2:]}</li>\n" for line in lines) + "</ul>")
            was_list = True
        else:
            if not _plain_lines(lines, 0):
                return None
            html.append(f"<p>{block}</p>")
            was_list = False
    if html and html[-1].endswith("-->\n") and not followed:
        html[-1] = html[-1][:-1]
    return "\n".join(html)
