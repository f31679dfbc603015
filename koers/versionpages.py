"""The council's pages: the version timeline, point-in-time agendas and comparisons.

`VersionPages` knows which pages and data files the versions produce and what
each page's template needs; `koers.project.Project` hands it the events.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .compare import AgendaComparison, GoalComparison, compare_agendas
from .loading import file_id
from .model import Agenda, Goal
from .render import relative_url
from .site import NAV_THEMES, GeneratedPage, SiteMap, agenda_data, dump_json, page_url
from .versions import Version, VersionSet

VERSIES_SRC = "versies.md"
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
# An inline link or a reference definition to another page of the site: "](x.md#a)", "[r]: x.md".
_PAGE_LINK = re.compile(r"(\]\(|^ {0,3}\[[^\]]+\]:[ \t]*)(?!https?:|mailto:|#)([^)\s#]+\.md)(#[^)\s]*)?", re.M)


def version_url(version_id: str) -> str:
    return f"versies/{version_id}/"


def compare_url(old_id: str, new_id: str) -> str:
    return f"vergelijk/{old_id}/{new_id}/"


def chapter_anchor(chapter_id: str) -> str:
    """The anchor of a chapter in a version document: "inleiding.md" → "hoofdstuk-inleiding"."""
    return "hoofdstuk-" + chapter_id.removesuffix(".md").replace("/", "-")


def embed_markdown(markdown: str, prefix: str, source: str, link: Callable[[str, str], str]) -> str:
    """Prepare a body for inclusion in a larger document.

    Footnote labels get `prefix`, so footnotes of different bodies cannot collide, and each
    link to another page of the site (`source` is the body's own page, which relative links
    start from) becomes `link(page, anchor)`: an anchor within the document, or the page.
    """
    if "[" not in markdown:  # no footnote, no link: most texts
        return markdown
    labelled = _FOOTNOTE.sub(lambda m: f"[^{prefix}-{m.group(1)}]", markdown)
    folder = posixpath.dirname(source)

    def resolve(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(folder, match.group(2)))
        if target.startswith("../"):  # outside the site: left as written
            return match.group(0)
        return match.group(1) + link(target, (match.group(3) or "").removeprefix("#"))

    return _PAGE_LINK.sub(resolve, labelled)


@dataclass
class VersionPages:
    """Pages and data for a set of versions (the werkversie last)."""

    versions: VersionSet
    urls: SiteMap = field(default_factory=SiteMap)
    document: tuple[str, ...] = (NAV_THEMES,)
    _sections: dict[tuple[Any, ...], Any] = field(default_factory=dict, init=False, repr=False)
    _keys: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False)

    def generated_pages(self) -> list[GeneratedPage]:
        pages = [GeneratedPage(VERSIES_SRC, "", "versies", "versies")]
        pages += [GeneratedPage(f"versies/{v.id}.md", "", "version", v.id, listed=False)
                  for v in self.versions.versions]
        pages += [GeneratedPage(f"vergelijk/{old.id}/{new.id}.md", "", "compare", f"{old.id}/{new.id}", listed=False)
                  for old, new in self.versions.pairs()]
        return pages

    def page_keys(self, kind: str) -> frozenset[str]:
        """The keys of the pages of `kind` these versions make: "concept" for versies/concept.md,
        "concept/werkversie" for vergelijk/concept/werkversie.md."""
        if kind not in self._keys:
            self._keys[kind] = frozenset(page.key for page in self.generated_pages() if page.kind == kind)
        return self._keys[kind]

    def data_paths(self) -> list[str]:
        """The site paths of `data_files`, known before the agendas are read."""
        return [_data_path(v) for v in self.versions.versions if not v.working]

    def data_files(self) -> dict[str, str]:
        """``data/versies/<id>.json`` per declared version, shaped like ``data/agenda.json``."""
        files = {}
        for version in self.versions.versions:
            if version.working:
                continue
            data = agenda_data(self.versions.agendas[version.id], self.urls)
            for theme in data["themes"]:
                theme["url"] = f"{version_url(version.id)}#thema-{theme['id']}"
            for goal in data["goals"]:
                goal["url"] = f"{version_url(version.id)}#doel-{goal['id']}"
            files[_data_path(version)] = dump_json({"version": _version_data(version), **data})
        return files

    def identity(self, kind: str, key: str) -> tuple[str, ...]:
        """Everything the body of version or comparison page `key` is made of, as text (for
        `koers.buildcache`), without reading an agenda: each version's metadata and what its
        agenda is made of (`VersionSet.sources`); for a comparison also what the agendas in
        between are made of, since its renames follow goals through them."""
        ids = [key] if kind == "version" else key.split("/")
        parts = [kind, key]
        for version_id in ids:
            parts += [repr(self.versions.get(version_id)), self.versions.sources[version_id]]
        if kind == "compare":
            parts += [self.versions.sources[v.id] for v in self.versions.between(*ids)[1:-1]]
        return tuple(parts)

    def comparison(self, old_id: str, new_id: str) -> AgendaComparison:
        renames = self.versions.renames.get((old_id, new_id), {})
        return compare_agendas(self.versions.agendas[old_id], self.versions.agendas[new_id], renames=renames)

    def head(self, kind: str, key: str) -> dict[str, Any]:
        """What the Markdown head of a version or comparison page needs (title, banner, and the
        links between a version and its comparisons with the version before it and the werkversie)."""
        if kind == "version":
            versions = self.versions.versions
            at = [v.id for v in versions].index(key)
            compare = [(versions[at - 1], versions[at])] if at > 0 else []
            compare += [(versions[at], versions[-1])] if at < len(versions) - 1 else []
            return {"version": versions[at], "compare": compare, "compare_url": compare_url,
                    "version_url": version_url}
        old_id, new_id = key.split("/")
        return {"old": self.versions.get(old_id), "new": self.versions.get(new_id), "version_url": version_url}

    def context(self, kind: str, key: str) -> dict[str, Any]:
        """What the template of a versions page needs."""
        versions = self.versions.versions
        if kind == "versies":
            return {"versions": versions, "version_url": version_url, "compare_url": compare_url,
                    "pairs": self.versions.pairs()}
        if kind == "version":
            version = self.versions.get(key)
            agenda = self.versions.agendas[key]
            document = _document(agenda, self.document)
            link = partial(self._link, version_url(key), agenda, {c.id for c in document if c != NAV_THEMES})
            themes = {t.id for t in agenda.themes}
            embed = partial(embed_markdown, link=link)
            return {"version": version, "vagenda": agenda, "embed": embed,
                    "goal_section": partial(self._goal_section, agenda, embed),
                    "orphans": [g for g in agenda.goals if g.theme not in themes],
                    "version_url": version_url, "document": document, "themes_entry": NAV_THEMES,
                    "chapter_anchor": chapter_anchor, "theme_src": self.urls.theme_src, "goal_src": self.urls.goal_src}
        old_id, new_id = key.split("/")
        comparison = self.comparison(old_id, new_id)
        old, new = self.versions.get(old_id), self.versions.get(new_id)
        old_goals, new_goals = self.versions.agendas[old_id].goals_by_id(), self.versions.agendas[new_id].goals_by_id()
        theme_titles, title_of = comparison.theme_titles, partial(_title_of, comparison.goal_titles)

        def goal_section(change: GoalComparison, render: Callable[[GoalComparison], Any]) -> Any:
            named = {r.goal for r in change.relations} | {r.other for r in change.relations} | {
                r.other_goal for r in change.results if r.other_goal}
            return self._once(change, render, theme_titles.get(change.theme_old or ""),
                              theme_titles.get(change.theme_new or ""), *sorted((i, title_of(i)) for i in named))

        return {"old": old, "new": new, "comparison": comparison, "old_goals": old_goals, "new_goals": new_goals,
                "version_url": version_url, "theme_title": theme_titles, "title_of": title_of,
                "goal_section": goal_section, "goal_column": self._once}

    def _link(self, from_url: str, agenda: Agenda, chapters: set[str], target: str, anchor: str) -> str:
        """Where a link in a version document to page `target` (a src_uri) goes: to the theme, goal or
        chapter in the document when it holds it, else to the page on the site (`anchor` kept)."""
        folder, stem = target.rpartition("/")[0], file_id(target)
        if folder == self.urls.group_slug and any(t.id == stem for t in agenda.themes):
            return f"#thema-{stem}"
        if folder == self.urls.item_slug and stem in agenda.goals_by_id():
            return f"#doel-{stem}"
        if target in chapters:
            return f"#{chapter_anchor(target)}"
        return relative_url(from_url, page_url(target)) + (f"#{anchor}" if anchor else "")

    def _goal_section(self, agenda: Agenda, embed: Callable[..., str], goal: Goal,
                      render: Callable[[Goal], Any]) -> Any:
        """A goal's section of a version document (`render`, a macro of version.html), once for
        every document in which it reads the same: the same goal, related goals, and links."""
        source = self.urls.goal_src(goal.id)
        related = tuple((r.goal.id, r.goal.title, r.note) for r in agenda.related(goal.id))
        # Where the goal's links lead depends on what else the version holds; embedding the
        # texts (with any prefix: it is the same for every version) says that in full.
        links = tuple(embed(text, "", source) for text in (goal.body, "\n".join(goal.results)))
        return self._once(goal, render, related, links)

    def _once(self, value: Any, render: Callable[[Any], Any], *reads: Any) -> Any:
        """`render(value)` once per build for each `value` and `reads` (what else it reads).

        `render` is a macro of compare.html: the page's own render makes new macro objects,
        so they are told apart by name.
        """
        key = (render.name, value, *reads)
        if key not in self._sections:
            self._sections[key] = render(value)
        return self._sections[key]


def _title_of(titles: Mapping[str, str], goal_id: str) -> str:
    return titles.get(goal_id, goal_id)


def _document(agenda: Agenda, document: tuple[str, ...]) -> list[Any]:
    """The version document's parts in order: chapters, and NAV_THEMES where the themes go."""
    chapters = {c.id: c for c in agenda.chapters}
    return [entry if entry == NAV_THEMES else chapters[entry] for entry in document
            if entry == NAV_THEMES or entry in chapters]


def _data_path(version: Version) -> str:
    return f"data/versies/{version.id}.json"


def _version_data(version: Version) -> dict[str, Any]:
    return {"id": version.id, "title": version.title, "date": version.date.isoformat() if version.date else None,
            "status": version.status, "ref": version.ref, "commit": version.sha, "decision": version.decision,
            "description": version.description}
