"""Structured comparison of two versions of an agenda, and its Markdown redline.

`compare_agendas` pairs themes and goals by id (goal renames given explicitly),
aligns results and narrative paragraphs, and compares relations as undirected
pairs. `compare_goal`, `compare_theme` and `compare_paragraphs` work on one
file's two versions.
The result is plain data; `render_markdown` turns it into GitHub Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import jinja2

from koers.model import Agenda, Chapter, Goal, Theme, title_key
from koers.settings import Vocabulary
from koers.textdiff import (
    Segment,
    align_blocks,
    align_items,
    changed,
    comparable,
    diff_words,
    longest_increasing,
    paragraphs,
)

Status = Literal["added", "removed", "changed", "unchanged", "moved"]
_NO_RENAMES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class FieldChange:
    """A changed field: `title`, `opgave`, `direction`, `theme` or `order`.

    An added or removed goal or theme lists its text fields against "".
    """

    name: str
    old: str
    new: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class ResultChange:
    """One result in the aligned lists; `other_goal` is set when it moved goals."""

    kind: Literal["equal", "reworded", "added", "removed", "moved"]
    old_index: int | None
    new_index: int | None
    old: str | None
    new: str | None
    segments: tuple[Segment, ...]
    moved: bool = False
    other_goal: str | None = None


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of a narrative body in the aligned texts."""

    kind: Literal["equal", "reworded", "added", "removed"]
    old_index: int | None
    new_index: int | None
    old: str | None
    new: str | None
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class RelationChange:
    """A relation declared on `goal` towards `other` that appeared, went or changed."""

    kind: Literal["added", "removed", "note-changed"]
    goal: str
    other: str
    note_old: str | None
    note_new: str | None
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class GoalComparison:
    """The two versions of one goal; `id` is the new id, or the old one if removed."""

    id: str
    old_id: str | None
    status: Status
    title_old: str | None
    title_new: str | None
    theme_old: str | None
    theme_new: str | None
    fields: tuple[FieldChange, ...] = ()
    results: tuple[ResultChange, ...] = ()
    paragraphs: tuple[ParagraphChange, ...] = ()
    relations: tuple[RelationChange, ...] = ()
    renamed_from: str | None = None

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        # Goal comparisons key the caches of rendered changes (one lookup per goal per page),
        # and the dataclass hash walks every result and paragraph each time.
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    @property
    def title(self) -> str:
        return self.title_new if self.title_new is not None else self.title_old or self.id

    @property
    def theme(self) -> str:
        return self.theme_new if self.theme_new is not None else self.theme_old or ""

    @property
    def moved_theme(self) -> bool:
        return None not in (self.theme_old, self.theme_new) and self.theme_old != self.theme_new

    @property
    def results_changed(self) -> bool:
        return any(r.kind != "equal" for r in self.results)


@dataclass(frozen=True)
class ThemeComparison:
    """The two versions of one theme."""

    id: str
    status: Status
    title_old: str | None
    title_new: str | None
    fields: tuple[FieldChange, ...] = ()
    paragraphs: tuple[ParagraphChange, ...] = ()

    @property
    def title(self) -> str:
        return self.title_new if self.title_new is not None else self.title_old or self.id


@dataclass(frozen=True)
class Summary:
    """Counts of changes.

    Results of added and removed goals count too. Each result counts once, by
    its kind: a reworded result that also moved is only `results_reworded`. A
    goal that moved and changed counts in `goals_changed` and where it moved.
    """

    goals_added: int = 0
    goals_removed: int = 0
    goals_changed: int = 0
    goals_moved_theme: int = 0
    goals_reordered: int = 0
    goals_renamed: int = 0
    goals_unchanged: int = 0
    results_added: int = 0
    results_removed: int = 0
    results_reworded: int = 0
    results_moved: int = 0
    results_moved_between_goals: int = 0
    relations_added: int = 0
    relations_removed: int = 0
    relations_changed: int = 0
    themes_added: int = 0
    themes_removed: int = 0
    themes_changed: int = 0
    themes_reordered: int = 0
    chapters_added: int = 0
    chapters_removed: int = 0
    chapters_changed: int = 0


@dataclass(frozen=True)
class AgendaComparison:
    """Themes and goals in the new reading order, removed ones at their old place."""

    themes: tuple[ThemeComparison, ...]
    goals: tuple[GoalComparison, ...]
    summary: Summary
    goal_titles: Mapping[str, str] = field(default_factory=dict)  # old and new ids
    theme_titles: Mapping[str, str] = field(default_factory=dict)
    chapters: tuple[ThemeComparison, ...] = ()  # the other text pages, compared like a theme's narrative

    @property
    def is_empty(self) -> bool:
        return all(c.status == "unchanged" for c in (*self.themes, *self.goals, *self.chapters))


def _segments(old: str | None, new: str | None) -> tuple[Segment, ...]:
    return tuple(diff_words(old or "", new or ""))


def _fields(old: object, new: object, names: Sequence[str]) -> tuple[FieldChange, ...]:
    """Text fields that changed; a missing version counts as empty text."""
    pairs = ((name, getattr(old, name, ""), getattr(new, name, "")) for name in names)
    return tuple(FieldChange(n, o, v, _segments(o, v)) for n, o, v in pairs if changed(o, v))


def _order(
    old: Goal | Theme | None, new: Goal | Theme | None, reordered: bool | None
) -> tuple[FieldChange, ...]:
    """Alone (`reordered` None) any renumbering counts; in an agenda only a real move."""
    if old is None or new is None or reordered is False or (reordered is None and old.order == new.order):
        return ()
    return (FieldChange("order", str(old.order), str(new.order), ()),)


# A body is compared in every version pair and in each commit that touched its file, mostly
# unchanged or changed the same way; the answer for two texts never changes.
@lru_cache(maxsize=1 << 14)
def compare_paragraphs(old: str, new: str) -> tuple[ParagraphChange, ...]:
    """Align two Markdown texts by paragraph and word-diff the reworded ones."""
    olds, news = paragraphs(old), paragraphs(new)
    out = []
    for m in align_blocks(olds, news):
        o = olds[m.old_index] if m.old_index is not None else None
        n = news[m.new_index] if m.new_index is not None else None
        out.append(ParagraphChange(m.kind, m.old_index, m.new_index, o, n, _segments(o, n)))
    return tuple(out)


@lru_cache(maxsize=1 << 14)
def _result_changes(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[ResultChange, ...]:
    out = []
    for m in align_items(old, new):
        o = old[m.old_index] if m.old_index is not None else None
        n = new[m.new_index] if m.new_index is not None else None
        kind = "moved" if m.kind == "equal" and m.moved else m.kind
        out.append(ResultChange(kind, m.old_index, m.new_index, o, n, _segments(o, n), m.moved))
    return tuple(out)


Declared = tuple[str, str, str]  # (declaring goal, other goal, note)


def _declared(goal: Goal | None, renames: Mapping[str, str] = _NO_RENAMES) -> list[Declared]:
    ids = lambda i: renames.get(i, i)  # noqa: E731
    return [(ids(goal.id), ids(r.goal), r.note) for r in goal.relations] if goal else []


def _relation_changes(before: Sequence[Declared], after: Sequence[Declared]) -> tuple[RelationChange, ...]:
    """Compare relations as undirected pairs; the first declaration of a pair counts."""
    old_pairs: dict[frozenset[str], Declared] = {}
    new_pairs: dict[frozenset[str], Declared] = {}
    for pairs, declared in ((old_pairs, before), (new_pairs, after)):
        for goal, other, note in declared:
            pairs.setdefault(frozenset((goal, other)), (goal, other, note))
    out = []
    for key, (goal, other, note) in new_pairs.items():
        if key not in old_pairs:
            out.append(RelationChange("added", goal, other, None, note, _segments(None, note)))
        elif changed(was := old_pairs[key][2], note):
            out.append(RelationChange("note-changed", goal, other, was, note, _segments(was, note)))
    for key, (goal, other, note) in old_pairs.items():
        if key not in new_pairs:
            out.append(RelationChange("removed", goal, other, note, None, _segments(note, None)))
    return tuple(out)


def _status(old: object, new: object, content: bool, moved: bool) -> Status:
    if old is None or new is None:
        return "added" if old is None else "removed"
    return "changed" if content else "moved" if moved else "unchanged"


# Comparing every pair of versions compares the same goal versions again and again; a
# comparison of two frozen values never changes, so it is remembered.
@lru_cache(maxsize=1 << 15)
def _goal(
    old: Goal | None, new: Goal | None, relations: tuple[RelationChange, ...], reordered: bool | None = None
) -> GoalComparison:
    if old is None and new is None:
        raise ValueError("compare_goal needs at least one version")
    fields = _fields(old, new, ("title", "direction"))
    if old is not None and new is not None and old.theme != new.theme:
        fields += (FieldChange("theme", old.theme, new.theme, ()),)
    else:
        fields += _order(old, new, reordered)
    results = _result_changes(old.results if old else (), new.results if new else ())
    paras = compare_paragraphs(old.body if old else "", new.body if new else "")
    renamed_from = old.id if old and new and old.id != new.id else None
    content = (
        any(f.name not in ("theme", "order") for f in fields)
        or any(r.kind != "equal" for r in (*results, *paras))
        or bool(relations)
        or renamed_from is not None
    )
    return GoalComparison(
        id=(new or old).id,  # type: ignore[union-attr]
        old_id=old.id if old else None,
        status=_status(old, new, content, bool(fields)),
        title_old=old.title if old else None,
        title_new=new.title if new else None,
        theme_old=old.theme if old else None,
        theme_new=new.theme if new else None,
        fields=fields,
        results=results,
        paragraphs=paras,
        relations=relations,
        renamed_from=renamed_from,
    )


def compare_goal(
    old: Goal | None, new: Goal | None, *, renames: Mapping[str, str] = _NO_RENAMES
) -> GoalComparison:
    """Compare two versions of one goal file (either may be None).

    Relations are those written in this file, compared by the other goal;
    `renames` (old id → new id) applies to those other goals.
    """
    own = {old.id: new.id} if old and new else {}
    relations = _relation_changes(_declared(old, {**renames, **own}), _declared(new))
    return _goal(old, new, relations)


def compare_theme(old: Theme | None, new: Theme | None, *, reordered: bool | None = None) -> ThemeComparison:
    """Compare two versions of one theme file (either may be None).

    `reordered` says whether the theme moved among the others; when None, any
    change of its order number is reported.
    """
    if old is None and new is None:
        raise ValueError("compare_theme needs at least one version")
    fields = _fields(old, new, ("title", "opgave")) + _order(old, new, reordered)
    paras = compare_paragraphs(old.body if old else "", new.body if new else "")
    content = any(f.name != "order" for f in fields) or any(p.kind != "equal" for p in paras)
    return ThemeComparison(
        id=(new or old).id,  # type: ignore[union-attr]
        status=_status(old, new, content, bool(fields)),
        title_old=old.title if old else None,
        title_new=new.title if new else None,
        fields=fields,
        paragraphs=paras,
    )


def compare_chapter(old: Chapter | None, new: Chapter | None) -> ThemeComparison:
    """Compare two versions of a chapter (its title and text), in the shape of a theme comparison."""
    if old is None and new is None:
        raise ValueError("compare_chapter needs at least one version")
    fields = _fields(old, new, ("title",))
    paras = compare_paragraphs(old.body if old else "", new.body if new else "")
    content = bool(fields) or any(p.kind != "equal" for p in paras)
    return ThemeComparison(id=(new or old).id, status=_status(old, new, content, False),  # type: ignore[union-attr]
                           title_old=old.title if old else None, title_new=new.title if new else None,
                           fields=fields, paragraphs=paras)


def _reading_order(
    old_ids: Sequence[str], new_ids: Sequence[str], old_of: Mapping[str, str]
) -> list[tuple[str | None, str | None]]:
    """(old id, new id) pairs in the new order; removed ids after the one they followed."""
    new_of = {o: n for n, o in old_of.items()}
    position = {n: i for i, n in enumerate(new_ids)}
    placed = [((i, 0, 0), (old_of.get(n), n)) for i, n in enumerate(new_ids)]
    anchor = -1
    for j, o in enumerate(old_ids):
        if o in new_of:
            anchor = position[new_of[o]]
        else:
            placed.append(((anchor, 1, j), (o, None)))
    return [pair for _, pair in sorted(placed, key=lambda p: p[0])]


def _moved(old_ids: Sequence[str], ids_in_new_order: Sequence[str]) -> set[str]:
    """Ids whose relative order changed: outside the longest run kept in order."""
    position = {o: i for i, o in enumerate(old_ids)}
    common = [i for i in ids_in_new_order if i in position]
    keep = longest_increasing([position[i] for i in common])
    return {i for k, i in enumerate(common) if k not in keep}


def compare_agendas(
    old: Agenda, new: Agenda, *, renames: Mapping[str, str] = _NO_RENAMES
) -> AgendaComparison:
    """Compare two agendas; `renames` maps old goal ids to new ones (a renamed file).

    A theme whose file was renamed (one theme gone, one new, with the same title) is compared
    as one theme, so its goals have not moved.
    """
    old = _with_renamed_themes(old, new)
    old_goals, new_goals = {g.id: g for g in old.goals}, {g.id: g for g in new.goals}
    renames = {o: n for o, n in renames.items() if o in old_goals and n in new_goals}
    old_of = {n: o for o, n in renames.items()}  # new id -> old id of the same goal
    old_of |= {i: i for i in new_goals if i in old_goals and i not in renames and i not in old_of}
    new_id = {o: n for n, o in old_of.items()}

    relations: dict[str, list[RelationChange]] = {}
    before = [(new_id.get(g.id, g.id), new_id.get(o.id, o.id), note) for g, o, note in old.relations()]
    after = [(g.id, o.id, note) for g, o, note in new.relations()]
    for change in _relation_changes(before, after):
        relations.setdefault(change.goal, []).append(change)

    def kept_theme(new_goal: Goal) -> bool:
        return new_goal.id in old_of and old_goals[old_of[new_goal.id]].theme == new_goal.theme

    moved: set[str] = set()  # new ids of goals that changed place within their theme
    for theme in new.themes:
        stayed = [g.id for g in new.goals_of(theme.id) if kept_theme(g)]
        kept = set(stayed)
        before_ids = [new_id[g.id] for g in old.goals_of(theme.id) if new_id.get(g.id) in kept]
        moved |= _moved(before_ids, stayed)
    goals = []
    for o, n in _reading_order([g.id for g in old.goals], [g.id for g in new.goals], old_of):
        og, ng = old_goals.get(o or ""), new_goals.get(n or "")
        gid = n or o or ""
        goals.append(_goal(og, ng, tuple(relations.get(gid, ())), reordered=gid in moved))
    goals = _link_moved_results(goals)

    old_themes, new_themes = {t.id: t for t in old.themes}, {t.id: t for t in new.themes}
    moved = _moved(list(old_themes), list(new_themes))
    same = {t: t for t in new_themes if t in old_themes}
    themes = tuple(
        compare_theme(old_themes.get(o or ""), new_themes.get(n or ""), reordered=(n or o) in moved)
        for o, n in _reading_order(list(old_themes), list(new_themes), same)
    )
    old_chapters, new_chapters = {c.id: c for c in old.chapters}, {c.id: c for c in new.chapters}
    chapters = tuple(
        compare_chapter(old_chapters.get(o or ""), new_chapters.get(n or ""))
        for o, n in _reading_order(list(old_chapters), list(new_chapters), {c: c for c in new_chapters
                                                                             if c in old_chapters})
    )
    summary = replace(_summarise(themes, goals), **{f"chapters_{status}": sum(c.status == status for c in chapters)
                                                    for status in ("added", "removed", "changed")})
    return AgendaComparison(
        themes,
        tuple(goals),
        summary,
        goal_titles={g.id: g.title for g in (*old.goals, *new.goals)},
        theme_titles={**old.theme_titles(), **new.theme_titles()},
        chapters=chapters,
    )


def _with_renamed_themes(old: Agenda, new: Agenda) -> Agenda:
    """`old` with the id of each theme that is gone replaced by that of the new theme with the same
    title (when exactly one old and one new theme have it), in its goals too."""
    old_ids, new_ids = {t.id for t in old.themes}, {t.id for t in new.themes}
    gone: dict[str, list[str]] = {}
    for theme in old.themes:
        if theme.id not in new_ids:
            gone.setdefault(title_key(theme.title), []).append(theme.id)
    arrived: dict[str, list[str]] = {}
    for theme in new.themes:
        if theme.id not in old_ids:
            arrived.setdefault(title_key(theme.title), []).append(theme.id)
    renamed = {ids[0]: arrived[key][0] for key, ids in gone.items() if len(ids) == 1 and len(arrived.get(key, ())) == 1}
    if not renamed:
        return old
    return Agenda([replace(t, id=renamed.get(t.id, t.id)) for t in old.themes],
                  [replace(g, theme=renamed.get(g.theme, g.theme)) for g in old.goals], list(old.chapters))


def _link_moved_results(goals: list[GoalComparison]) -> list[GoalComparison]:
    """Mark a result removed from one goal and added unchanged to another as moved."""
    removed: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for g, goal in enumerate(goals):
        for r, result in enumerate(goal.results):
            if result.kind == "removed":
                removed.setdefault(comparable(result.old or ""), []).append((g, r))
    if not removed:
        return goals
    linked: dict[int, list[ResultChange]] = {}  # only the goals whose results change here
    for g, goal in enumerate(goals):
        for r, result in enumerate(goal.results):
            if result.kind == "added" and (sources := removed.get(comparable(result.new or ""))):
                sg, sr = sources.pop(0)
                mine, theirs = linked.setdefault(g, list(goal.results)), linked.setdefault(sg, list(goals[sg].results))
                mine[r] = replace(result, other_goal=goals[sg].id)
                theirs[sr] = replace(theirs[sr], other_goal=goal.id)
    return [replace(goal, results=tuple(linked[g])) if g in linked else goal for g, goal in enumerate(goals)]


def _summarise(themes: Sequence[ThemeComparison], goals: Sequence[GoalComparison]) -> Summary:
    results = [r for g in goals for r in g.results]
    relations = [r.kind for g in goals for r in g.relations]
    goal_status, theme_status = [g.status for g in goals], [t.status for t in themes]
    kinds = [(r.kind, r.other_goal is not None) for r in results]
    return Summary(
        goals_added=goal_status.count("added"),
        goals_removed=goal_status.count("removed"),
        goals_changed=goal_status.count("changed"),
        goals_moved_theme=sum(g.moved_theme for g in goals),
        goals_reordered=sum(f.name == "order" for g in goals for f in g.fields),
        goals_renamed=sum(g.renamed_from is not None for g in goals),
        goals_unchanged=goal_status.count("unchanged"),
        results_added=kinds.count(("added", False)),
        results_removed=kinds.count(("removed", False)),
        results_reworded=kinds.count(("reworded", False)),
        results_moved=kinds.count(("moved", False)),
        results_moved_between_goals=kinds.count(("added", True)),
        relations_added=relations.count("added"),
        relations_removed=relations.count("removed"),
        relations_changed=relations.count("note-changed"),
        themes_added=theme_status.count("added"),
        themes_removed=theme_status.count("removed"),
        themes_changed=theme_status.count("changed"),
        themes_reordered=sum(f.name == "order" for t in themes for f in t.fields),
    )


_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]|~#$]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_TAGS = {"insert": "ins", "delete": "del"}


def escape_markdown(text: str) -> str:
    """Text shown literally by GitHub: no Markdown, no HTML, on one line."""
    text = re.sub(r"[&<>]", lambda m: _ENTITIES[m.group()], re.sub(r"\s+", " ", text))
    return _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), text)


def redline(segments: Sequence[Segment]) -> str:
    """Segments as escaped Markdown with `<ins>` and `<del>` around the changes."""
    parts = []
    for segment in segments:
        text, tag = escape_markdown(segment.text), _TAGS.get(segment.op)
        parts.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return "".join(parts)


def _sections(comparison: AgendaComparison) -> list[tuple[ThemeComparison | None, list[GoalComparison]]]:
    """Themes with their changed goals, leaving out what didn't change at all."""
    goals = [g for g in comparison.goals if g.status != "unchanged"]
    known = {t.id for t in comparison.themes}
    sections = [(t, [g for g in goals if g.theme == t.id]) for t in comparison.themes]
    sections.append((None, [g for g in goals if g.theme not in known]))  # type: ignore[arg-type]
    return [(t, gs) for t, gs in sections if gs or (t is not None and t.status != "unchanged")]


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML: the `md` and `redline` filters escape content
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(md=escape_markdown, redline=redline)
    return environment


def render_markdown(comparison: AgendaComparison, *, old_label: str, new_label: str,
                    vocab: Vocabulary | None = None) -> str:
    """The comparison as GitHub-flavoured Markdown, for a pull request or CI summary.

    `vocab` names the groups and items (thema/doel by default, see `koers.settings.Vocabulary`).
    """
    text = _environment().get_template("compare.md.j2").render(
        vocab=vocab or Vocabulary(),
        comparison=comparison,
        summary=comparison.summary,
        sections=_sections(comparison),
        old_label=old_label,
        new_label=new_label,
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
