"""`koers new goal`: a new goal file that passes `koers check` from the start.

The file is checked together with the rest of the agenda before it is written,
so a mistake (an unknown theme, a title without 'Meer' or 'Minder') is reported
instead of leaving a broken file behind.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .frontmatter import parse_document
from .loading import Layout, file_id, load_agenda, read_worktree, slugify
from .schema import did_you_mean

RESULTS_HINT = """\
# Vervang [] door de resultaten onder 'We willen bereiken dat', elk op een eigen regel:
#   - "eerste resultaat;"
#   - "tweede resultaat."
results: []
"""


MAX_ID = 80  # characters of a new goal's id, cut at a word


class ScaffoldError(Exception):
    """A new file cannot be made as asked; the message says why."""


def new_goal(root: Path, layout: Layout, theme: str, title: str) -> Path:
    """Write `goals/<slug of title>.md` in `theme` at its next free order; return its path."""
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError("the title must not be empty")
    first = title.split()[0]
    direction = first.lower()
    if direction not in ("meer", "minder"):
        raise ScaffoldError(f"the title must start with 'Meer' or 'Minder' (got '{first}')")
    files = read_worktree(root, layout)
    themes = sorted(file_id(p) for p in files if layout.is_theme(p))
    if theme not in themes:
        raise ScaffoldError(f"there is no theme '{theme}'{did_you_mean(theme, themes)}; "
                            f"themes: {', '.join(themes) or 'none yet'}")
    slug = slugify(title)
    if len(slug) > MAX_ID:  # a file name has a limit; the id need only tell the goal apart
        slug = slug[:MAX_ID + 1].rsplit("-", 1)[0]
    goal_id = _free_id(slug, {file_id(p) for p in files if layout.is_goal(p)})
    path = f"{layout.goals_dir}/{goal_id}.md"
    fields = {"title": title, "theme": theme, "direction": direction, "order": _next_order(files, layout, theme)}
    text = "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000) + RESULTS_HINT + "---\n"
    _, problems = load_agenda({**files, path: text.encode("utf-8")}, layout)
    mine = [str(p) for p in problems if p.path == path and p.severity == "error"]
    if mine:
        raise ScaffoldError("; ".join(mine))
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")
    return target


def _free_id(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _next_order(files: dict[str, bytes], layout: Layout, theme: str) -> int:
    """One more than the highest order in the theme, reading every goal file (valid or not)."""
    orders = [0]
    for path in files:
        if layout.is_goal(path):
            doc, _ = parse_document(path, files[path])
            if doc and doc.data.get("theme") == theme and isinstance(doc.data.get("order"), int):
                orders.append(doc.data["order"])
    return max(orders) + 1
