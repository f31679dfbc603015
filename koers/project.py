"""A Koers project: one agenda repository, loaded once per build.

This is the facade the MkDocs hook talks to. Each method answers one build
event's question (which pages exist, what a page's content is, where its edit
link points) so that the hook itself holds no logic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from .loading import load_agenda, raise_for_errors, read_worktree
from .model import Agenda
from .problems import Problem
from .render import make_environment, sanitize
from .settings import Settings
from .site import (AGENDA_JSON, SAMENHANG_SRC, GeneratedPage, agenda_json, expand_nav, generated_pages,
                   goal_url, theme_url)


class Project:
    """An agenda repository rooted at `root`, published from `docs_dir`."""

    def __init__(self, root: Path, docs_dir: Path, settings: Settings, templates_dir: Path) -> None:
        self.root = root
        self.docs_dir = docs_dir
        self.settings = settings
        self.env = make_environment(templates_dir)
        self.agenda = Agenda()
        self.warnings: list[Problem] = []

    def load(self) -> Agenda:
        """Load and validate the content; raise ContentError with every problem found."""
        agenda, problems = load_agenda(read_worktree(self.root, self.settings.layout), self.settings.layout)
        raise_for_errors(problems)
        self.agenda = agenda
        self.warnings = [p for p in problems if p.severity == "warning"]
        return agenda

    # -- structure ---------------------------------------------------------------------------
    def generated_pages(self) -> list[GeneratedPage]:
        return generated_pages(self.agenda)

    def generated_files(self) -> dict[str, str]:
        """Non-page files to publish, as site path → text."""
        return {AGENDA_JSON: agenda_json(self.agenda)}

    def nav(self, nav: list[Any] | None) -> list[Any] | None:
        return expand_nav(nav, self.agenda) if nav else nav

    def source_of(self, src_uri: str) -> str:
        """The repository path an editor changes to change page `src_uri`."""
        kind, key = self.page_kind(src_uri)
        if kind == "goal":
            return self.agenda.goal(key).source
        if kind == "samenhang":
            return self.settings.layout.goals_dir + "/"
        docs = self.docs_dir.relative_to(self.root).as_posix()
        return f"{docs}/{src_uri}" if docs != "." else src_uri

    def edit_url(self, src_uri: str) -> str | None:
        kind, _ = self.page_kind(src_uri)
        return None if kind == "samenhang" else self.settings.edit_url(self.source_of(src_uri))

    def page_kind(self, src_uri: str) -> tuple[str, str]:
        """("goal", id), ("theme", id), ("home", ""), ("samenhang", "") or ("chapter", src_uri)."""
        stem = src_uri.removesuffix(".md")
        if src_uri == "index.md":
            return "home", ""
        if src_uri == SAMENHANG_SRC:
            return "samenhang", ""
        if stem.startswith("doelen/") and any(g.id == stem[7:] for g in self.agenda.goals):
            return "goal", stem[7:]
        if stem.startswith("themas/") and any(t.id == stem[7:] for t in self.agenda.themes):
            return "theme", stem[7:]
        return "chapter", src_uri

    # -- content -----------------------------------------------------------------------------
    def page_markdown(self, src_uri: str, page_url: str, markdown: str) -> str:
        """The Markdown of a page: its own text placed in its Koers template."""
        kind, key = self.page_kind(src_uri)
        # The page's own Markdown is inserted unescaped; it is sanitised after rendering.
        context: dict[str, Any] = {"page_url": page_url, "agenda": self.agenda, "body": Markup(markdown),
                                   "goal_url": goal_url, "theme_url": theme_url}
        if kind == "goal":
            goal = self.agenda.goal(key)
            context |= {"goal": goal, "theme": self.agenda.theme(goal.theme),
                        "related": self.agenda.related_by_theme(goal.id)}
        elif kind == "theme":
            context |= {"theme": self.agenda.theme(key), "goals": self.agenda.goals_of(key)}
        elif kind == "samenhang":
            context |= {"matrix": self.matrix()}
        return self.env.get_template(f"koers/{kind}.md").render(context)

    def page_html(self, html: str) -> str:
        """Sanitise a page's rendered HTML (contributed Markdown is untrusted)."""
        return str(sanitize(html))

    def matrix(self) -> list[dict[str, Any]]:
        """Rows of the goals × themes matrix: per goal, per theme, the related goals."""
        rows = []
        for goal in self.agenda.goals:
            related = self.agenda.related(goal.id)
            rows.append({"goal": goal, "cells": [
                [r for r in related if r.goal.theme == theme.id] for theme in self.agenda.themes]})
        return rows
