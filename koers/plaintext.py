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

# One line of plain text: starts with a letter or a quote and has none of Markdown's marks,
# no tab, control character or line separator, and no space at either end.
_LINE = r"[\"'‘’“”„]?[^\W\d_]"
# An entity as autoescaping writes one ("zzp&#39;ers") passes through Markdown as written.
_ENTITY = r"&(?:amp|lt|gt|quot|#34|#39);"
_TEXT = (rf"(?:[^\\`*_{{}}\[\]<>#|~^=&\x00-\x1f\x7f\u2028\u2029]|{_ENTITY})*"
         rf"(?:[^\\`*_{{}}\[\]<>#|~^=&\x00-\x20\x7f\u2028\u2029]|{_ENTITY})")
_PLAIN_LINE = re.compile(rf"(?:{_LINE}(?:{_TEXT})?)\Z")
# An HTML comment of words alone on its lines, as Koers' templates write them to end a list.
_COMMENT = re.compile(r"<!--[ \w]*-->\Z")
_BLANK_LINES = re.compile(r"\n\n+")
_ITEM = re.compile(rf"- ({_LINE}(?:{_TEXT})?)\Z")


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
        lines = block.split("\n")
        if _COMMENT.match(block):
            # Markdown passes a comment through as raw HTML, the blank line after it kept.
            html.append(block + "\n")
            was_list = False
        elif lines[0].startswith("- "):
            # Two lists with a blank line between them are one loose list to Markdown.
            if was_list:
                return None
            items = [_ITEM.match(line) for line in lines]
            if not all(items):
                return None
            html.append("<ul>\n" + "".join(f"<li>{item[1]}</li>\n" for item in items if item) + "</ul>")
            was_list = True
        else:
            if not all(_PLAIN_LINE.match(line) for line in lines):
                return None
            html.append(f"<p>{block}</p>")
            was_list = False
    if html and html[-1].endswith("-->\n") and not followed:
        html[-1] = html[-1][:-1]
    return "\n".join(html)
