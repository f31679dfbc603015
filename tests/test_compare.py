"""Tests of koers.compare: golden redlines of small agendas, and unit cases.

Each folder in tests/golden holds `old/` and `new/` (an agenda as files), an
optional `renames.txt` ("old-id new-id" per line) and `expected.md`, the output
of `render_markdown`. Run pytest with `--update-golden` to rewrite the expected
files, then read every changed one before committing it.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

import pytest

from koers.compare import (
    compare_agendas,
    compare_goal,
    compare_paragraphs,
    compare_theme,
    escape_markdown,
    redline,
    render_markdown,
)
from koers.loading import load_directory
from koers.model import Agenda, Goal, Relation, Theme
from koers.textdiff import Segment

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "old").is_dir())


def read_renames(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split() for line in path.read_text(encoding="utf-8").splitlines())
    return {p[0]: p[1] for p in pairs if p and not p[0].startswith("#")}


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, request: pytest.FixtureRequest) -> None:
    folder = GOLDEN / case
    comparison = compare_agendas(
        load_directory(folder / "old"),
        load_directory(folder / "new"),
        renames=read_renames(folder / "renames.txt"),
    )
    actual = render_markdown(comparison, old_label="oud", new_label="nieuw")
    expected_path = folder / "expected.md"
    if request.config.getoption("--update-golden"):
        expected_path.write_text(actual, encoding="utf-8")
        return
    expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else ""
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"{case}/expected.md", tofile="actual",
        ))
        pytest.fail(f"redline of {case} differs (rerun with --update-golden if intended):\n{diff}")


def test_every_case_has_expected_output() -> None:
    assert len(CASES) >= 11
    assert all((GOLDEN / c / "expected.md").exists() for c in CASES)


def test_whitespace_and_quotes_only_is_empty() -> None:
    folder = GOLDEN / "whitespace-quotes"
    comparison = compare_agendas(load_directory(folder / "old"), load_directory(folder / "new"))
    assert comparison.is_empty
    assert "Geen inhoudelijke wijzigingen" in render_markdown(comparison, old_label="a", new_label="b")


def goal(id: str, *results: str, theme: str = "t", order: int = 1, **kw: object) -> Goal:
    return Goal(id=id, title=kw.pop("title", id.title()), theme=theme, direction="meer",
                order=order, results=results, **kw)  # type: ignore[arg-type]


def theme(id: str, order: int = 1, **kw: object) -> Theme:
    return Theme(id=id, title=id.title(), opgave=str(kw.pop("opgave", f"Opgave {id}.")), order=order,
                 **kw)  # type: ignore[arg-type]


def test_compare_goal_added_and_removed_alone() -> None:
    new = goal("a", "Eerste resultaat.", body="Een toelichting.")
    added = compare_goal(None, new)
    assert (added.status, added.id, added.old_id) == ("added", "a", None)
    assert [r.kind for r in added.results] == ["added"]
    assert [p.kind for p in added.paragraphs] == ["added"]
    removed = compare_goal(new, None)
    assert (removed.status, removed.id, removed.old_id) == ("removed", "a", "a")
    with pytest.raises(ValueError):
        compare_goal(None, None)


def test_a_goal_comparison_hashes_by_value_and_a_copy_by_its_own_fields() -> None:
    # The hash is remembered per object (it keys the caches of rendered changes): equal
    # comparisons made apart must still meet, and a changed copy must not keep the old hash.
    one = compare_goal(goal("a", "Eerste.", body="Tekst."), goal("a", "Tweede.", body="Tekst."))
    again = compare_goal(goal("a", "Eerste.", body="Tekst."), goal("a", "Tweede.", body="Tekst."))
    copy = replace(one, results=())
    hash(one), hash(copy)
    assert {one: "x"}[replace(one)] == "x" and hash(again) == hash(one)
    assert hash(copy) == hash(replace(copy)) and copy != one


def test_compare_goal_file_rename_and_order_alone() -> None:
    relations = (Relation("x", "Omdat."),)
    renamed = compare_goal(goal("a", "R.", relations=relations), goal("b", "R.", relations=relations))
    assert (renamed.status, renamed.renamed_from, renamed.relations) == ("changed", "a", ())
    reordered = compare_goal(goal("a", "R.", order=1), goal("a", "R.", order=2))
    assert reordered.status == "moved"
    assert [(f.name, f.old, f.new) for f in reordered.fields] == [("order", "1", "2")]
    assert compare_goal(goal("a", "R."), goal("a", "R.")).status == "unchanged"


def test_compare_goal_relations_follow_renames() -> None:
    old = goal("a", relations=(Relation("x", "Omdat."), Relation("y", "Want.")))
    new = goal("a", relations=(Relation("x2", "Omdat."), Relation("y", "Want zo.")))
    changes = compare_goal(old, new, renames={"x": "x2"}).relations
    assert [(c.kind, c.other, c.note_old, c.note_new) for c in changes] == [
        ("note-changed", "y", "Want.", "Want zo.")
    ]


def test_compare_paragraphs() -> None:
    old = "Eerste alinea blijft.\n\nTweede alinea over sport en\nbewegen in de wijk."
    new = "Eerste   alinea\nblijft.\n\nTweede alinea over sport en spel in de wijk.\n\nNieuw."
    changes = compare_paragraphs(old, new)
    assert [(c.kind, c.old_index, c.new_index) for c in changes] == [
        ("equal", 0, 0), ("reworded", 1, 1), ("added", None, 2)
    ]
    assert [(s.op, s.text) for s in changes[1].segments if s.op != "equal"] == [
        ("delete", "bewegen"), ("insert", "spel")
    ]


def test_compare_theme_fields_and_order() -> None:
    result = compare_theme(theme("t", opgave="Oud."), theme("t", opgave="Nieuw.", order=2), reordered=False)
    assert result.status == "changed"
    assert [f.name for f in result.fields] == ["opgave"]
    assert compare_theme(None, theme("t")).status == "added"


def test_relations_are_undirected_pairs() -> None:
    old = Agenda([theme("t")], [goal("a", relations=(Relation("b", "Samen."),)), goal("b", order=2)])
    new = Agenda([theme("t")], [goal("a"), goal("b", order=2, relations=(Relation("a", "Samen."),))])
    assert compare_agendas(old, new).is_empty


def test_result_moved_between_goals() -> None:
    old = Agenda([theme("t")], [goal("a", "Verhuist.", "Blijft."), goal("b", "Ander.", order=2)])
    new = Agenda([theme("t")], [goal("a", "Blijft."), goal("b", "Ander.", "Verhuist.", order=2)])
    comparison = compare_agendas(old, new)
    summary = comparison.summary
    assert (summary.results_moved_between_goals, summary.results_added, summary.results_removed) == (1, 0, 0)
    a, b = comparison.goals
    assert [(r.kind, r.other_goal) for r in a.results] == [("removed", "b"), ("equal", None)]
    assert [(r.kind, r.other_goal) for r in b.results] == [("equal", None), ("added", "a")]
    text = render_markdown(comparison, old_label="x", new_label="y")
    assert "↕️ verplaatst naar doel *B*: Verhuist." in text


def test_removed_goal_keeps_its_old_place() -> None:
    old = Agenda([theme("t")], [goal("a"), goal("b", order=2), goal("c", order=3)])
    new = Agenda([theme("t")], [goal("c", order=1), goal("a", order=2), goal("d", order=3)])
    comparison = compare_agendas(old, new)
    assert [(g.id, g.status) for g in comparison.goals] == [
        ("c", "moved"), ("a", "unchanged"), ("b", "removed"), ("d", "added")
    ]
    assert comparison.summary.goals_reordered == 1


def test_renumbering_alone_is_no_change() -> None:
    old = Agenda([theme("t")], [goal("a", order=1), goal("b", order=2)])
    new = Agenda([theme("t")], [goal("a", order=10), goal("b", order=20)])
    assert compare_agendas(old, new).is_empty


def test_contributed_html_and_markdown_show_literally() -> None:
    old = Agenda([theme("t")], [goal("a", "Veilig.")])
    new = Agenda([theme("t")], [goal("a", "Veilig <script>alert(1)</script> *vet* [link](x) | a_b.")])
    text = render_markdown(compare_agendas(old, new), old_label="<b>oud</b>", new_label="nieuw")
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert r"\*vet\* \[link\](x) \| a\_b." in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("gewoon", "gewoon"),
        ("a  \n b", "a b"),
        ("<i>&amp;</i>", "&lt;i&gt;&amp;amp;&lt;/i&gt;"),
        ("# kop * _x_ `c` ~d~ $5 \\", r"\# kop \* \_x\_ \`c\` \~d\~ \$5 \\"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_redline_keeps_spaces_and_escapes_inside_tags() -> None:
    segments = [Segment("equal", "Meer "), Segment("delete", "<b>"), Segment("insert", "*x*"),
                Segment("equal", ".")]
    assert redline(segments) == r"Meer <del>&lt;b&gt;</del><ins>\*x\*</ins>."
