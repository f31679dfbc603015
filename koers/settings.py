"""Per-municipality settings, read from ``extra.koers`` in ``mkdocs.yml``.

Nothing municipality-specific lives in code: the name, the agenda's title and
period, the credit line shown on every page, colours, logo and where the
content lives are all settings, so another municipality reuses Koers as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .loading import Layout
from .problems import ContentError, Problem

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Settings:
    """Everything that differs between municipalities."""

    municipality: str
    title: str
    period: str = ""
    credit: str = ""
    primary_colour: str = "#1f4e79"
    accent_colour: str = "#b35900"
    logo: str | None = None
    edit_base: str | None = None
    commit_base: str | None = None
    accept_partial_history: bool = False
    site_url: str | None = None
    layout: Layout = field(default_factory=Layout)

    def edit_url(self, source: str) -> str | None:
        """The forge URL that opens `source` (a repository path) in the web editor."""
        return f"{self.edit_base.rstrip('/')}/{source}" if self.edit_base else None

    def commit_url(self, sha: str) -> str | None:
        """The forge URL of a commit, or None when no forge is configured."""
        return f"{self.commit_base.rstrip('/')}/{sha}" if self.commit_base else None


def read_settings(extra: dict[str, Any], *, repo_url: str | None = None, edit_uri: str | None = None,
                  site_url: str | None = None, source: str = "mkdocs.yml") -> Settings:
    """Build Settings from the ``extra.koers`` mapping, reporting every problem at once."""
    raw = extra.get("koers")
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise ContentError([Problem(source, None, "missing 'extra: koers:' settings (municipality, title, …)")])
    known = {"municipality", "title", "period", "credit", "colours", "logo", "themes_dir", "goals_dir",
             "accept_partial_history"}
    for key in sorted(set(raw) - known, key=str):
        problems.append(Problem(source, None, f"unknown setting 'extra.koers.{key}'; known: {', '.join(sorted(known))}"))
    for key in ("municipality", "title"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(Problem(source, None, f"'extra.koers.{key}' must be a text"))
    colours = raw.get("colours") or {}
    for name in ("primary", "accent"):
        value = colours.get(name)
        if value is not None and not (isinstance(value, str) and _COLOUR.match(value)):
            problems.append(Problem(source, None, f"'extra.koers.colours.{name}' must be a colour like "
                                    f"'#1f4e79' (got {value!r})"))
    if problems:
        raise ContentError(problems)
    base = repo_url.rstrip("/") if repo_url else None
    edit_base = None
    if base and edit_uri:
        # edit_uri points into docs_dir ("edit/main/content/"); Koers edits files anywhere in the repo.
        parts = edit_uri.strip("/").split("/")
        edit_base = f"{base}/{'/'.join(parts[:2])}" if len(parts) >= 2 else None
    return Settings(
        municipality=raw["municipality"].strip(),
        title=raw["title"].strip(),
        period=str(raw.get("period") or ""),
        credit=str(raw.get("credit") or ""),
        primary_colour=colours.get("primary", Settings.primary_colour),
        accent_colour=colours.get("accent", Settings.accent_colour),
        logo=raw.get("logo"),
        edit_base=edit_base,
        commit_base=f"{base}/commit" if base else None,
        accept_partial_history=bool(raw.get("accept_partial_history", False)),
        site_url=site_url or None,
        layout=Layout(raw.get("themes_dir", "content/themas"), raw.get("goals_dir", "goals")),
    )
