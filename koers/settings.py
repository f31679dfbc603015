"""Per-municipality settings, read from ``extra.koers`` in ``mkdocs.yml``.

Nothing municipality-specific lives in code: the name, the agenda's title and
period, the credit line shown on every page, colours, logo and where the
content lives are all settings, so another municipality reuses Koers as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loading import Layout
from .problems import ContentError, Problem
from .schema import did_you_mean
from .site import NAV_LIMIT, NAV_THEMES

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Term:
    """What something is called: "thema" / "thema's" / "het", or "opgave" / "opgaven" / "de"."""

    singular: str
    plural: str
    article: str

    @property
    def the(self) -> str:
        """With its article: "het thema", "de opgave"."""
        return f"{self.article} {self.singular}"

    @property
    def this(self) -> str:
        """With its demonstrative: "dit thema", "deze opgave"."""
        return f"{'dit' if self.article == 'het' else 'deze'} {self.singular}"

    @property
    def that(self) -> str:
        """"dat thema", "die opgave"."""
        return f"{self.relative} {self.singular}"

    @property
    def relative(self) -> str:
        """The relative pronoun: "een thema dat …", "een opgave die …"."""
        return "dat" if self.article == "het" else "die"

    @property
    def every(self) -> str:
        """"elk thema", "elke opgave"."""
        return f"{'elk' if self.article == 'het' else 'elke'} {self.singular}"

    def adjective(self, bare: str, inflected: str) -> str:
        """The singular after "een" or a number, with the adjective Dutch wants: a het-word takes
        it bare ("een ander thema", "1 ongewijzigd doel"), a de-word inflected ("een andere
        opgave"). In the plural the adjective is always inflected."""
        return f"{bare if self.article == 'het' else inflected} {self.singular}"


@dataclass(frozen=True)
class Vocabulary:
    """The words a municipality uses for the groups (themes) and items (goals) of its agenda."""

    group: Term = Term("thema", "thema's", "het")
    item: Term = Term("doel", "doelen", "het")
    item_slug: str = "doelen"


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
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    relations_note: str = ""
    document: tuple[str, ...] = (NAV_THEMES,)
    licence: str = ""
    licence_url: str | None = None
    layout: Layout = field(default_factory=Layout)
    nav_limit: int = NAV_LIMIT

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
             "accept_partial_history", "vocabulary", "licence", "licence_url", "relations_note", "document",
             "nav_limit"}
    for key in sorted(set(raw) - known, key=str):
        problems.append(Problem(source, None, f"unknown setting 'extra.koers.{key}'; "
                                f"known: {', '.join(sorted(known))}"))
    for key in ("municipality", "title"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(Problem(source, None, f"'extra.koers.{key}' must be a text"))
    colours = raw.get("colours") or {}
    if not isinstance(colours, dict):
        problems.append(Problem(source, None, "'extra.koers.colours' must be a mapping with 'primary' and/or "
                                f"'accent' (got {colours!r})"))
        colours = {}
    for name in ("primary", "accent"):
        value = colours.get(name)
        if value is not None and not (isinstance(value, str) and _COLOUR.match(value)):
            problems.append(Problem(source, None, f"'extra.koers.colours.{name}' must be a colour like "
                                    f"'#1f4e79' (got {value!r})"))
    vocabulary_raw = raw.get("vocabulary") or {}
    if not isinstance(vocabulary_raw, dict):
        problems.append(Problem(source, None, "'extra.koers.vocabulary' must be a mapping with group, item "
                                f"and item_slug (got {vocabulary_raw!r})"))
        vocabulary_raw = {}
    vocabulary = _vocabulary(vocabulary_raw, source, problems)
    document = raw.get("document", [NAV_THEMES])
    if not isinstance(document, list) or not all(isinstance(d, str) for d in document):
        problems.append(Problem(source, None, "'extra.koers.document' must be a list of chapter files and "
                                "'koers:themas', in reading order"))
    nav_limit = raw.get("nav_limit", Settings.nav_limit)
    if isinstance(nav_limit, bool) or not isinstance(nav_limit, int) or nav_limit < 0:
        problems.append(Problem(source, None, "'extra.koers.nav_limit' must be a whole number, 0 or more: "
                                f"the most goals the navigation lists (got {nav_limit!r})"))
    if problems:
        raise ContentError(problems)
    base = repo_url.rstrip("/") if repo_url else None
    edit_base = None
    commit_base = f"{base}/commit" if base else None
    if base and edit_uri:
        # edit_uri points into docs_dir ("edit/main/content/"); Koers edits files anywhere in the
        # repository, so it keeps the part up to the branch: GitHub "edit/main", GitLab
        # "-/edit/main", Bitbucket "src/main".
        parts = edit_uri.strip("/").split("/")
        marker = next((i for i, part in enumerate(parts) if part in ("edit", "blob", "src")), 0)
        edit_base = f"{base}/{'/'.join(parts[:marker + 2])}" if len(parts) >= marker + 2 else None
        if parts[0] == "-":  # GitLab's paths: -/edit/…, -/commit/…
            commit_base = f"{base}/-/commit"
    return Settings(
        municipality=raw["municipality"].strip(),
        title=raw["title"].strip(),
        period=str(raw.get("period") or ""),
        credit=str(raw.get("credit") or ""),
        primary_colour=colours.get("primary", Settings.primary_colour),
        accent_colour=colours.get("accent", Settings.accent_colour),
        logo=raw.get("logo"),
        edit_base=edit_base,
        commit_base=commit_base,
        accept_partial_history=bool(raw.get("accept_partial_history", False)),
        site_url=site_url or None,
        vocabulary=vocabulary,
        relations_note=" ".join(str(raw.get("relations_note") or "").split()),
        document=tuple(document),
        licence=str(raw.get("licence") or ""),
        licence_url=raw.get("licence_url"),
        # "content/themas/" and "content/themas" are the same folder.
        layout=Layout(str(raw.get("themes_dir", "content/themas")).strip("/"),
                      str(raw.get("goals_dir", "goals")).strip("/")),
        nav_limit=nav_limit,
    )


_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _vocabulary(raw: dict[str, Any], source: str, problems: list[Problem]) -> Vocabulary:
    """Read ``extra.koers.vocabulary``: ``group``/``item`` as {singular, plural, article}, plus ``item_slug``."""
    default = Vocabulary()
    terms = {}
    for name in ("group", "item"):
        given = raw.get(name) or {}
        if not isinstance(given, dict):
            problems.append(Problem(source, None, f"'extra.koers.vocabulary.{name}' must be a mapping with "
                                    f"singular, plural and article (got {given!r})"))
            given = {}
        fallback: Term = getattr(default, name)
        values = {key: given.get(key, getattr(fallback, key)) for key in ("singular", "plural", "article")}
        for key, value in values.items():
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(source, None, f"'extra.koers.vocabulary.{name}.{key}' must be a text"))
        if values["article"] not in ("de", "het"):
            problems.append(Problem(source, None, f"'extra.koers.vocabulary.{name}.article' must be one of: de, het "
                                    f"(got {values['article']!r})"))
        terms[name] = Term(**{k: str(v).strip() for k, v in values.items()})
    slug = raw.get("item_slug", default.item_slug)
    if not isinstance(slug, str) or not _SLUG.match(slug):
        problems.append(Problem(source, None, "'extra.koers.vocabulary.item_slug' must be a URL slug like 'doelen' "
                                f"(got {slug!r})"))
    return Vocabulary(terms["group"], terms["item"], str(slug))


def document_problems(document: tuple[str, ...], chapters: list[str], source: str = "mkdocs.yml") -> list[Problem]:
    """A problem for each entry of 'extra.koers.document' that names no chapter of the agenda
    (`chapters`: their files, like "inleiding.md"): the version documents would leave it out."""
    return [Problem(source, None, f"'extra.koers.document' names '{entry}', which is not a chapter"
                                  f"{did_you_mean(entry, chapters)}; name a file in the docs folder, or "
                                  f"'{NAV_THEMES}' for the themes")
            for entry in document if entry != NAV_THEMES and entry not in chapters]


def logo_problems(logo: str | None, folders: list[Path], source: str = "mkdocs.yml") -> list[Problem]:
    """A problem when 'extra.koers.logo' names a file that none of `folders` (the docs folder, the
    theme folder) holds: every page would show a broken image."""
    if not logo or "://" in logo or any((folder / logo).is_file() for folder in folders):
        return []
    names = " or ".join(f"{folder.name}/" for folder in folders)
    return [Problem(source, None, f"'extra.koers.logo' is '{logo}', but {names} holds no such file; "
                                  "add the file or correct the path")]
