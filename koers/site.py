"""The shape of the published site: URLs, generated pages, navigation and open data.

Everything here is derived from the agenda, so adding a goal file adds its page,
its place in the navigation and its entry in ``data/agenda.json`` with no other edit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .model import Agenda

NAV_THEMES = "koers:themas"
"""Placeholder in mkdocs.yml's nav, replaced by the themes with their goals."""


@dataclass(frozen=True)
class GeneratedPage:
    """A page the site generates (not a file in docs_dir)."""

    src_uri: str
    markdown: str
    kind: str
    key: str


def goal_url(goal_id: str) -> str:
    return f"doelen/{goal_id}/"


def goal_src(goal_id: str) -> str:
    return f"doelen/{goal_id}.md"


def theme_src(theme_id: str) -> str:
    return f"themas/{theme_id}.md"


def theme_url(theme_id: str) -> str:
    return f"themas/{theme_id}/"


SAMENHANG_SRC = "samenhang.md"
SAMENHANG_URL = "samenhang/"
AGENDA_JSON = "data/agenda.json"
WIJZIGINGEN_SRC = "wijzigingen.md"
FEED = "wijzigingen/feed.xml"


def generated_pages(agenda: Agenda) -> list[GeneratedPage]:
    """One page per goal (its Markdown body as content), plus the relations overview."""
    pages = [GeneratedPage(goal_src(g.id), g.body, "goal", g.id) for g in agenda.goals]
    pages.append(GeneratedPage(SAMENHANG_SRC, "", "samenhang", "samenhang"))
    pages.append(GeneratedPage(WIJZIGINGEN_SRC, "", "wijzigingen", "wijzigingen"))
    return pages


def expand_nav(nav: list[Any], agenda: Agenda) -> list[Any]:
    """Replace the ``koers:themas`` placeholder with each theme and its goals in order."""
    themes = [
        {theme.title: [theme_src(theme.id), *(goal_src(g.id) for g in agenda.goals_of(theme.id))]}
        for theme in agenda.themes
    ]
    expanded: list[Any] = []
    for item in nav:
        if item == NAV_THEMES:
            expanded.extend(themes)
        elif isinstance(item, dict):
            expanded.append({k: expand_nav(v, agenda) if isinstance(v, list) else v for k, v in item.items()})
        else:
            expanded.append(item)
    return expanded


def agenda_data(agenda: Agenda) -> dict[str, Any]:
    """The open-data view of the agenda (``data/agenda.json``)."""
    return {
        "themes": [
            {"id": t.id, "title": t.title, "opgave": t.opgave, "url": theme_url(t.id),
             "goals": [g.id for g in agenda.goals_of(t.id)]}
            for t in agenda.themes
        ],
        "goals": [
            {"id": g.id, "title": g.title, "theme": g.theme, "direction": g.direction, "order": g.order,
             "results": list(g.results),
             "relations": [{"goal": r.goal, "note": r.note} for r in g.relations],
             "url": goal_url(g.id), "source": g.source}
            for g in agenda.goals
        ],
    }


def agenda_json(agenda: Agenda) -> str:
    return json.dumps(agenda_data(agenda), ensure_ascii=False, indent=2) + "\n"
