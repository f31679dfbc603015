"""The shape of the published site: URLs, generated pages, navigation and open data.

Everything here is derived from the agenda, so adding a goal file adds its page,
its place in the navigation and its entry in ``data/agenda.json`` with no other edit.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from .model import Agenda

if TYPE_CHECKING:
    from .settings import Vocabulary

NAV_THEMES = "koers:themas"
"""Placeholder in mkdocs.yml's nav, replaced by the themes with their goals."""

NAV_LIMIT = 100
"""Goals are listed in the navigation under their theme while the agenda has at most this many.

Material renders the whole navigation into every page, so listing every goal makes each page
grow with the number of goals and the build with its square (bench/RESULTS.md: at 4000 goals a
plain Material build takes 14 times as long as at 1000). Beyond a hundred links a sidebar no
longer helps a reader find anything either; above the limit the navigation lists the themes,
and each theme's page is the list of its goals. `extra.koers.nav_limit` changes it.
"""


@dataclass(frozen=True)
class GeneratedPage:
    """A page the site generates (not a file in docs_dir)."""

    src_uri: str
    markdown: str
    kind: str
    key: str
    listed: bool = True  # False: reached from another page, on purpose not in the navigation


@dataclass(frozen=True)
class SiteMap:
    """Where themes and goals are published: ``<group_slug>/<id>/`` and ``<item_slug>/<id>/``.

    The group slug is the themes folder inside docs_dir (``content/themas`` → ``themas``);
    the item slug is a setting, since goal pages are generated (``doelen`` by default).
    """

    group_slug: str = "themas"
    item_slug: str = "doelen"

    def goal_url(self, goal_id: str) -> str:
        return f"{self.item_slug}/{goal_id}/"

    def goal_src(self, goal_id: str) -> str:
        return f"{self.item_slug}/{goal_id}.md"

    def theme_url(self, theme_id: str) -> str:
        return f"{self.group_slug}/{theme_id}/"

    def theme_src(self, theme_id: str) -> str:
        return f"{self.group_slug}/{theme_id}.md"


SAMENHANG_SRC = "samenhang.md"
DIAGRAM = "samenhang/relaties.svg"
AGENDA_JSON = "data/agenda.json"
AGENDA_CSV = "data/agenda.csv"
WIJZIGINGEN_SRC = "wijzigingen.md"
OPEN_DATA_SRC = "open-data.md"
PROCES_SRC = "proces.md"
FEED = "wijzigingen/feed.xml"


def goals_in_nav(agenda: Agenda, limit: int = NAV_LIMIT) -> bool:
    """Whether the navigation lists the goals under their themes (see `NAV_LIMIT`)."""
    return len(agenda.goals) <= limit


def generated_pages(agenda: Agenda, urls: SiteMap, *, nav_limit: int = NAV_LIMIT) -> list[GeneratedPage]:
    """One page per goal (its Markdown body as content), plus the relations overview and the change log."""
    listed = goals_in_nav(agenda, nav_limit)
    pages = [GeneratedPage(urls.goal_src(g.id), g.body, "goal", g.id, listed) for g in agenda.goals]
    pages.append(GeneratedPage(SAMENHANG_SRC, "", "samenhang", "samenhang"))
    pages.append(GeneratedPage(WIJZIGINGEN_SRC, "", "wijzigingen", "wijzigingen"))
    pages.append(GeneratedPage(OPEN_DATA_SRC, "", "opendata", "opendata"))
    return pages


def expand_nav(nav: list[Any], agenda: Agenda, urls: SiteMap, *, nav_limit: int = NAV_LIMIT) -> list[Any]:
    """Replace the ``koers:themas`` placeholder with each theme and its goals in order.

    Above `nav_limit` goals the placeholder becomes the themes alone (see `NAV_LIMIT`).
    """
    if not goals_in_nav(agenda, nav_limit):
        themes: list[Any] = [{theme.title: urls.theme_src(theme.id)} for theme in agenda.themes]
    else:
        themes = [
            {theme.title: [urls.theme_src(theme.id), *(urls.goal_src(g.id) for g in agenda.goals_of(theme.id))]}
            for theme in agenda.themes
        ]
    expanded: list[Any] = []
    for item in nav:
        if item == NAV_THEMES:
            expanded.extend(themes)
        elif isinstance(item, dict):
            expanded.append({k: expand_nav(v, agenda, urls, nav_limit=nav_limit) if isinstance(v, list) else v
                             for k, v in item.items()})
        else:
            expanded.append(item)
    return expanded


def agenda_data(agenda: Agenda, urls: SiteMap = SiteMap()) -> dict[str, Any]:
    """The open-data view of the agenda (``data/agenda.json``)."""
    return {
        "themes": [
            {"id": t.id, "title": t.title, "opgave": t.opgave, "url": urls.theme_url(t.id),
             "goals": [g.id for g in agenda.goals_of(t.id)]}
            for t in agenda.themes
        ],
        "goals": [
            {"id": g.id, "title": g.title, "theme": g.theme, "direction": g.direction, "order": g.order,
             "results": list(g.results),
             "relations": [{"goal": r.goal, "note": r.note} for r in g.relations],
             "url": urls.goal_url(g.id), "source": g.source}
            for g in agenda.goals
        ],
    }


def agenda_json(agenda: Agenda, urls: SiteMap) -> str:
    return dump_json(agenda_data(agenda, urls))


def dump_json(data: Any) -> str:
    """Open data as indented JSON, text as written (UTF-8, not \\u escapes), ending in a newline.

    The same text as ``json.dumps(data, ensure_ascii=False, indent=2)``, more than ten times
    faster: with `indent`, the standard library encodes in Python (0.13 s for each version of
    a 4000-goal agenda, and a build writes one file per version).
    """
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def page_url(src_uri: str) -> str:
    """The site-relative URL MkDocs gives a page: "inleiding.md" → "inleiding/", "index.md" → ""."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"


CSV_FIELDS = ("theme", "theme_title", "goal", "goal_title", "direction", "goal_order", "result_number", "result",
              "url")
"""The columns of ``data/agenda.csv``, in order."""


def csv_columns(vocab: Vocabulary) -> dict[str, str]:
    """The columns of ``data/agenda.csv`` with their meaning, in `vocab`'s words (for the Open data page)."""
    group, item = vocab.group, vocab.item
    return dict(zip(CSV_FIELDS, (
        f"id van {group.the}", f"naam van {group.the}", f"id van {item.the}", f"formulering van {item.the}",
        "meer of minder", f"plaats van {item.the} binnen {group.the}",
        f"nummer van het resultaat binnen {item.the}", "het resultaat",
        f"adres van de pagina van {item.the}, ten opzichte van de site",
    ), strict=True))


def agenda_csv(agenda: Agenda, urls: SiteMap) -> str:
    """``data/agenda.csv``: one row per result, with its goal and theme (RFC 4180, UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for goal in agenda.goals:
        theme = agenda.theme(goal.theme)
        for number, result in enumerate(goal.results, start=1):
            writer.writerow([theme.id, theme.title, goal.id, goal.title, goal.direction, goal.order, number,
                             _defuse(result), urls.goal_url(goal.id)])
    return out.getvalue()


def _defuse(text: str) -> str:
    # A cell starting with = + - @ is a formula in spreadsheet programs (CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
