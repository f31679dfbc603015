"""Loading and validating an agenda from its files.

Works on a mapping of repository paths to bytes, so the same code validates the
working tree, a git commit (for versions and history) or a test's fixture.
Every problem of every file is collected before anything is built.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .frontmatter import Document, parse_document
from .htmlblocks import unclosed
from .model import Agenda, Chapter, Goal, Relation, Theme
from .problems import ContentError, Problem, errors_in
from .schema import did_you_mean, validate

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Layout:
    """Where themes and goals live, relative to the repository root."""

    themes_dir: str = "content/themas"
    goals_dir: str = "goals"
    docs_dir: str = "content"

    def is_theme(self, path: str) -> bool:
        return path.startswith(self.themes_dir + "/") and path.endswith(".md")

    def is_goal(self, path: str) -> bool:
        return path.startswith(self.goals_dir + "/") and path.endswith(".md")

    def is_chapter(self, path: str) -> bool:
        """Any other page in docs_dir: its front matter is checked too."""
        return (path.startswith(self.docs_dir + "/") and path.endswith(".md")
                and not self.is_theme(path) and not self.is_goal(path))

    def wanted(self, path: str) -> bool:
        return self.is_theme(path) or self.is_goal(path) or self.is_chapter(path)

    def misnamed(self, path: str) -> str | None:
        """The kind ("goal", "theme") of a file that is meant as one but not named '….md', or None.

        Everything in the goals folder is a goal; the themes folder may hold images, so there
        only what reads as text ('x', 'x.MD', 'x.markdown', 'x.txt') is a misnamed theme.
        """
        name = path.rsplit("/", 1)[-1]
        if self.wanted(path) or name.startswith("."):
            return None
        if path.startswith(self.goals_dir + "/"):
            return "goal"
        suffix = name.rpartition(".")[2].lower() if "." in name else ""
        return "theme" if path.startswith(self.themes_dir + "/") and suffix in ("", "md", "markdown", "txt") else None


def read_worktree(root: Path, layout: Layout = Layout()) -> dict[str, bytes]:
    """The theme, goal and chapter files of a working tree, as repository path → bytes, and the
    files meant as goals or themes but misnamed (see `Layout.misnamed`), which `load_agenda` reports."""
    files: dict[str, bytes] = {}
    folders = sorted({layout.themes_dir, layout.goals_dir, layout.docs_dir})
    for folder in folders:
        if any(folder.startswith(other + "/") for other in folders):
            continue  # already walked as part of its parent (content/themas in content)
        base = root / folder
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                full = Path(dirpath) / name
                path = full.relative_to(root).as_posix()
                if not name.startswith(".") and layout.wanted(path):
                    files[path] = full.read_bytes()
                elif layout.misnamed(path):
                    files[path] = b""
    return files


def load_directory(root: Path, layout: Layout = Layout()) -> Agenda:
    """Load and validate the agenda in `root`; raise ContentError listing every problem."""
    agenda, problems = load_agenda(read_worktree(root, layout), layout)
    if errors_in(problems):
        raise ContentError(problems)
    return agenda


def slugify(text: str) -> str:
    """A valid id from free text: "Meer Sport é.md" → "meer-sport-e"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def load_agenda(files: Mapping[str, bytes], layout: Layout = Layout()) -> tuple[Agenda, list[Problem]]:
    """Validate all theme and goal files; return what is valid and every problem found."""
    problems: list[Problem] = []
    for path in files:
        if kind := layout.misnamed(path):
            stem = path.rsplit("/", 1)[-1].rpartition(".")[0] or path.rsplit("/", 1)[-1]
            problems.append(Problem(path, None, f"a {kind} file must be named '<id>.md', or it is left out; "
                                    f"rename it to '{slugify(stem) or kind}.md'"))
    theme_docs, theme_errors = _documents(files, layout.is_theme, "theme", problems)
    goal_docs, goal_errors = _documents(files, layout.is_goal, "goal", problems)
    if not any(layout.is_goal(p) for p in files):
        problems.append(Problem(f"{layout.goals_dir}/", None, "there are no goal files yet; "
                                "the site shows the themes without goals", "warning"))

    themes = [_theme(i, d) for i, d in theme_docs.items() if not theme_errors[i]]
    goals = [_goal(i, d) for i, d in goal_docs.items() if not goal_errors[i]]
    problems += [p for found in (*theme_errors.values(), *goal_errors.values()) for p in found]
    theme_ids = sorted(theme_docs)
    goal_ids = sorted(goal_docs)

    # Files that exist but could not be read have their own errors; pointing at them is no
    # second mistake.
    unreadable_themes = {file_id(p) for p in files if layout.is_theme(p)} - theme_docs.keys()
    unreadable_goals = {file_id(p) for p in files if layout.is_goal(p)} - goal_docs.keys()
    for goal in goals:
        doc = goal_docs[goal.id]
        if goal.theme not in theme_docs and goal.theme not in unreadable_themes:
            problems.append(Problem(doc.path, doc.line("theme"), f"'theme' is '{goal.theme}', but there is "
                                    f"no theme with that id{did_you_mean(goal.theme, theme_ids)}; themes: "
                                    f"{', '.join(theme_ids) or 'none yet'}"))
        problems += _check_relations(goal, doc, goal_ids, goal_docs, unreadable_goals)
    problems += _check_relations_unique(goals, goal_docs)
    chapters, found = _chapters(files, layout)
    problems += found
    problems += _check_orders(themes, theme_docs, lambda t: "", "theme")
    problems += _check_orders(goals, goal_docs, lambda g: g.theme, "goal")
    if goal_docs:
        used = {theme for d in goal_docs.values() if isinstance(theme := d.data.get("theme"), str)}
        problems += [Problem(t.source, None, f"theme '{t.id}' has no goals yet", "warning")
                     for t in themes if t.id not in used]
    return Agenda(themes, goals, chapters), problems


def read_files(files: Mapping[str, bytes], layout: Layout = Layout()) -> None:
    """Parse and check `files` now, as `load_agenda` does, so that its reading of them later is a
    lookup: for reading a large agenda a part at a time (`koers.versions.VersionReader`)."""
    for path, raw in files.items():
        kind = "theme" if layout.is_theme(path) else "goal" if layout.is_goal(path) else (
            "chapter" if layout.is_chapter(path) else None)
        if kind:
            _read(path, raw, kind)


def file_id(path: str) -> str:
    """The id a content file's name gives it: "goals/meer-woningen.md" → "meer-woningen"."""
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def _documents(files: Mapping[str, bytes], wanted, kind: str,
               problems: list[Problem]) -> tuple[dict[str, Document], dict[str, tuple[Problem, ...]]]:
    """The parsed files of one kind by id, and the schema problems of each."""
    docs: dict[str, Document] = {}
    errors: dict[str, tuple[Problem, ...]] = {}
    seen: dict[str, str] = {}
    for path in sorted(files):
        if not wanted(path):
            continue
        stem = file_id(path)
        if not ID_PATTERN.match(stem):
            problems.append(Problem(path, None, f"the file name '{stem}.md' is not a valid {kind} id: use "
                                    f"lowercase letters, digits and hyphens only, e.g. '{slugify(stem) or kind}.md'"))
            continue
        if stem in seen:
            problems.append(Problem(path, None, f"{kind} id '{stem}' is used twice: {seen[stem]} and {path}; "
                                    "rename one of the files"))
            continue
        seen[stem] = path
        doc, found, invalid = _read(path, files[path], kind)
        problems += found
        if doc is not None:
            docs[stem], errors[stem] = doc, invalid
    return docs, errors


# Versions read the same file contents again and again (most goals do not change between
# versions); parsing and validating a given text gives the same answer every time.
@lru_cache(maxsize=1 << 15)
def _read(path: str, raw: bytes, kind: str) -> tuple[Document | None, tuple[Problem, ...], tuple[Problem, ...]]:
    """Parse one file and check it against schema `kind` (the Document is shared: do not mutate)."""
    doc, found = parse_document(path, raw)
    invalid = tuple(validate(path, doc.data, kind, doc.line)) if doc is not None else ()
    if doc is not None and (block := unclosed(doc.body)):
        line, tag = block
        found.append(Problem(path, doc.body_line + line - 1, f"the HTML block '<{tag}>' that starts here is never "
                             "closed, so it would swallow everything the page shows after this text; add "
                             f"'</{tag}>' where the block should end"))
    return doc, tuple(found), invalid


def _chapters(files: Mapping[str, bytes], layout: Layout) -> tuple[list[Chapter], list[Problem]]:
    """The chapters, checked too: their front matter reaches the theme's templates unescaped."""
    problems: list[Problem] = []
    chapters = []
    for path in sorted(p for p in files if layout.is_chapter(p)):
        doc, found, invalid = _read(path, files[path], "chapter")
        misplaced = _misplaced(path, doc, layout) if invalid else None
        problems += [*found, misplaced] if misplaced else [*found, *invalid]
        if doc is not None and not invalid:
            chapter_id = path.removeprefix(layout.docs_dir + "/")
            chapters.append(Chapter(chapter_id, doc.data["title"].strip(), doc.body.strip(), path))
    return chapters, problems


def _misplaced(path: str, doc: Document | None, layout: Layout) -> Problem | None:
    """One clear problem for a goal or theme saved among the chapters, instead of a list of
    fields a chapter may not have."""
    fields = set(doc.data) if doc is not None else set()
    name = path.rsplit("/", 1)[-1]
    if fields & {"direction", "results"}:
        return Problem(path, None, f"this has the fields of a goal, but goals live in '{layout.goals_dir}/'; "
                       f"move the file there ('{layout.goals_dir}/{name}')")
    if "opgave" in fields:
        return Problem(path, None, f"this has the fields of a theme, but themes live in '{layout.themes_dir}/'; "
                       f"move the file there ('{layout.themes_dir}/{name}')")
    return None


def _theme(theme_id: str, doc: Document) -> Theme:
    d = doc.data
    return Theme(theme_id, d["title"].strip(), d["opgave"].strip(), d["order"], doc.body.strip(), doc.path)


def _goal(goal_id: str, doc: Document) -> Goal:
    d = doc.data
    relations = tuple(Relation(r["goal"], r["note"].strip()) for r in d.get("relations") or [])
    results = tuple(r.strip() for r in d["results"])
    return Goal(goal_id, d["title"].strip(), d["theme"], d["direction"], d["order"], results,
                relations, doc.body.strip(), doc.path)


def _check_relations(goal: Goal, doc: Document, goal_ids: list[str], docs: dict[str, Document],
                     unreadable: set[str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for index, relation in enumerate(goal.relations):
        line = doc.line("relations", index, "goal")
        if relation.goal == goal.id:
            problems.append(Problem(doc.path, line, f"'relations' item {index + 1} points to the goal itself; "
                                    "remove it"))
        elif relation.goal in seen:
            problems.append(Problem(doc.path, line, f"'relations' item {index + 1}: the relation with "
                                    f"'{relation.goal}' is listed twice; remove one"))
        elif relation.goal not in docs and relation.goal not in unreadable:
            problems.append(Problem(doc.path, line, f"'relations' item {index + 1}: there is no goal "
                                    f"'{relation.goal}'{did_you_mean(relation.goal, goal_ids)}"))
        seen.add(relation.goal)
    return problems


def _check_relations_unique(goals: list[Goal], docs: dict[str, Document]) -> list[Problem]:
    """A relation is written once: declaring it on both goals invites conflicting notes."""
    problems = []
    declared = {(g.id, r.goal) for g in goals for r in g.relations}
    for goal in goals:
        for index, relation in enumerate(goal.relations):
            if (relation.goal, goal.id) in declared and goal.id > relation.goal:
                other = docs[relation.goal]
                problems.append(Problem(docs[goal.id].path, docs[goal.id].line("relations", index, "goal"),
                                        f"'relations' item {index + 1}: the relation with '{relation.goal}' is "
                                        f"already written in {other.path}; a relation shows on both goals, "
                                        "so keep it in one file only"))
    return problems


def _check_orders(items, docs: dict[str, Document], group, kind: str) -> list[Problem]:
    problems = []
    taken: dict[tuple[str, int], str] = {}
    for item in sorted(items, key=lambda i: docs[i.id].path):
        key = (group(item), item.order)
        doc = docs[item.id]
        if key in taken:
            other = docs[taken[key]]
            scope = f" in theme '{key[0]}'" if key[0] else ""
            problems.append(Problem(doc.path, doc.line("order"), f"'order' {item.order} is also used by "
                                    f"{other.path}{scope}; give each {kind} its own number"))
        else:
            taken[key] = item.id
    return problems


def raise_for_errors(problems: list[Problem]) -> None:
    """Raise ContentError when any problem is an error."""
    if errors_in(problems):
        raise ContentError(problems)
