"""HTML blocks in a page's text that Markdown would never close.

Markdown passes an HTML block through untouched up to its closing tag. When a
contributed text opens one (``<div>``, ``<details>``, ``<table>``, ``<script>``, …)
and never closes it, the block runs to the end of the page: the results, related
goals and change history that the page template puts after the text would be
taken into it (shown as raw text, or removed with it by the sanitiser). `unclosed`
finds such a block with Python-Markdown's own HTML block reader, so it sees exactly
what the build would, and `koers.loading` reports it with the file and line.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# Markdown only starts an HTML block with a tag at the start of a line.
_BLOCK_START = re.compile(r"^ {0,3}<[A-Za-z]", re.M)
_TAG = re.compile(r"\s*<([A-Za-z][\w-]*)")
_END = "koers-end-of-the-text"


@cache
def _markdown() -> Any:
    import markdown

    return markdown.Markdown()


def unclosed(text: str) -> tuple[int, str] | None:
    """The line (counted from 1 within `text`) and the tag of an HTML block that `text` does not
    close, or None when every block it opens is closed."""
    if not _BLOCK_START.search(text):
        return None
    md = _markdown().reset()
    lines = f"{text}\n\n{_END}\n".split("\n")
    for preprocessor in md.preprocessors:  # the whitespace normaliser and the HTML block reader
        lines = preprocessor.run(lines)
    if any(line.strip() == _END for line in lines):
        return None
    block = next((str(b) for b in md.htmlStash.rawHtmlBlocks if _END in str(b)), "")
    tag = _TAG.match(block)
    first = block.strip().split("\n", 1)[0]
    at = text.find(first) if first else -1
    return (text.count("\n", 0, at) + 1 if at >= 0 else 1), (tag.group(1).lower() if tag else "")
