"""The content model of an agenda: themes, goals, results and relations.

Plain dataclasses with no knowledge of files, git or MkDocs. A theme carries a
*maatschappelijke opgave*; a goal belongs to one theme, is phrased as *meer* or
*minder* and lists the results under "We willen bereiken dat". Relations are
written on one goal but hold in both directions (see `Agenda.related`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

DIRECTIONS: tuple[str, ...] = ("meer", "minder")


def title_key(title: str) -> str:
    """What two titles must share to name the same theme or chapter: the words, in any case."""
    return " ".join(title.split()).casefold()


@dataclass(frozen=True)
class Relation:
    """A link from one goal to another, with the reason it exists."""

    goal: str
    note: str


@dataclass(frozen=True)
class Theme:
    """A theme (thema) with its societal task (opgave) and narrative."""

    id: str
    title: str
    opgave: str
    order: int
    body: str = ""
    source: str = ""


@dataclass(frozen=True)
class Goal:
    """A goal (doel) of a theme, with its results and relations."""

    id: str
    title: str
    theme: str
    direction: str
    order: int
    results: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    body: str = ""
    source: str = ""


@dataclass(frozen=True)
class Chapter:
    """Any other page of the agenda's text (Inleiding, …); `id` is its path inside docs_dir."""

    id: str
    title: str
    body: str = ""
    source: str = ""


@dataclass(frozen=True)
class RelatedGoal:
    """One side of a relation as seen from a goal: the other goal and the note."""

    goal: Goal
    note: str
    declared_here: bool


@dataclass
class Agenda:
    """A validated agenda: themes and goals in reading order."""

    themes: list[Theme] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    # Lookups built once: pages ask for every goal's relations, which must not cost O(goals²).
    _related: dict[str, list[RelatedGoal]] | None = field(default=None, init=False, repr=False, compare=False)
    _by_id: dict[str, Goal] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.themes.sort(key=lambda t: (t.order, t.id))
        position = {t.id: i for i, t in enumerate(self.themes)}
        self.goals.sort(key=lambda g: (position.get(g.theme, len(self.themes)), g.order, g.id))

    def in_document(self, document: tuple[str, ...], titles: Mapping[str, str] | None = None) -> Agenda:
        """The same agenda with only the chapters `document` names, in its order.

        `titles` (chapter id → title, of the current agenda) finds a chapter of an older
        version that has been renamed since: a chapter the document does not name, under the
        same title (the only one), is taken under the name the document now gives it.
        """
        by_id = {c.id: c for c in self.chapters}
        unnamed: dict[str, list[Chapter]] = {}
        for chapter in self.chapters:
            if chapter.id not in document:
                unnamed.setdefault(title_key(chapter.title), []).append(chapter)
        chapters = []
        for entry in document:
            if entry in by_id:
                chapters.append(by_id[entry])
            elif titles and entry in titles and len(same := unnamed.get(title_key(titles[entry]), [])) == 1:
                chapters.append(replace(same[0], id=entry))
        return Agenda(list(self.themes), list(self.goals), chapters)

    def theme_titles(self) -> dict[str, str]:
        """Theme id → title."""
        return {t.id: t.title for t in self.themes}

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def goal(self, goal_id: str) -> Goal:
        return self.goals_by_id()[goal_id]

    def goals_by_id(self) -> dict[str, Goal]:
        if self._by_id is None:
            self._by_id = {g.id: g for g in self.goals}
        return self._by_id

    def goals_of(self, theme_id: str) -> list[Goal]:
        """The goals of a theme, in their declared order."""
        return [g for g in self.goals if g.theme == theme_id]

    def relations(self) -> list[tuple[Goal, Goal, str]]:
        """Every declared relation once, as (declaring goal, other goal, note)."""
        by_id = self.goals_by_id()
        return [
            (goal, by_id[rel.goal], rel.note)
            for goal in self.goals
            for rel in goal.relations
            if rel.goal in by_id
        ]

    def related(self, goal_id: str) -> list[RelatedGoal]:
        """Goals related to `goal_id` in either direction, in reading order.

        A relation written on goal A towards B shows on both A and B. When both
        files declare the relation, the note of `goal_id`'s own file wins.
        """
        if self._related is None:
            found: dict[str, dict[str, RelatedGoal]] = {}
            relations = self.relations()
            for source, target, note in relations:
                found.setdefault(source.id, {})[target.id] = RelatedGoal(target, note, declared_here=True)
            for source, target, note in relations:
                found.setdefault(target.id, {}).setdefault(source.id, RelatedGoal(source, note, declared_here=False))
            order = {g.id: i for i, g in enumerate(self.goals)}
            self._related = {g: sorted(r.values(), key=lambda r: order[r.goal.id]) for g, r in found.items()}
        return list(self._related.get(goal_id, []))

    def related_by_theme(self, goal_id: str) -> list[tuple[Theme, list[RelatedGoal]]]:
        """`related` grouped by the theme of the other goal, themes in order."""
        related = self.related(goal_id)
        return [
            (theme, [r for r in related if r.goal.theme == theme.id])
            for theme in self.themes
            if any(r.goal.theme == theme.id for r in related)
        ]
