"""Loading and validation: every bad-input case pinned to its exact message."""

from __future__ import annotations

import time

import pytest
from sitebuild import goal_file, theme_file

from koers.loading import load_agenda
from koers.problems import ContentError

THEME = theme_file("Wonen", "Iedereen woont prettig.", 1)
GOAL_A = goal_file("Meer woningen", "wonen", "meer", 1, ["er woningen bijkomen."])
GOAL_B = goal_file("Minder dakloosheid", "wonen", "minder", 2, ["niemand op straat slaapt."])
BASE = {"content/themas/wonen.md": THEME, "goals/meer-woningen.md": GOAL_A, "goals/minder-dakloosheid.md": GOAL_B}


def problems_for(changes: dict[str, str | bytes | None]) -> list[str]:
    files = {**BASE, **changes}
    raw = {p: (t if isinstance(t, bytes) else t.encode()) for p, t in files.items() if t is not None}
    _, problems = load_agenda(raw)
    return [str(p) for p in problems]


def fm(*lines: str, body: str = "") -> str:
    return "---\n" + "\n".join(lines) + "\n---\n" + body


VALID_LINES = ("title: Meer woningen", "theme: wonen", "direction: meer", "order: 1", "results:",
               "  - er woningen bijkomen.")

CASES = [
    ("yaml-syntax", {"goals/meer-woningen.md": fm("title: Meer: woningen", *VALID_LINES[1:])},
     ["goals/meer-woningen.md, line 2: YAML syntax error, column 12: mapping values are not allowed here "
      "(a text containing ': ' must be put between quotes)"]),
    ("missing-front-matter", {"goals/meer-woningen.md": "# Meer woningen\n"},
     ["goals/meer-woningen.md, line 1: missing front matter: start the file with a line '---', then the fields "
      "('title: …'), then another line '---'"]),
    ("unclosed-front-matter", {"goals/meer-woningen.md": "---\ntitle: x\n"},
     ["goals/meer-woningen.md, line 1: the front matter is not closed: add a line '---' after the last field"]),
    ("missing-field", {"goals/meer-woningen.md": fm(*VALID_LINES[:2], *VALID_LINES[3:])},
     ["goals/meer-woningen.md, line 2: missing required field 'direction'; add a line 'direction: …'"]),
    ("unknown-field", {"goals/meer-woningen.md": fm(*VALID_LINES, "titel: x")},
     ["goals/meer-woningen.md, line 8: unknown field 'titel' (did you mean 'title'?); allowed fields: "
      "direction, order, relations, results, theme, title"]),
    ("string-instead-of-list", {"goals/meer-woningen.md": fm(*VALID_LINES[:4], "results: er woningen bijkomen.")},
     ["goals/meer-woningen.md, line 6: 'results' must be a list (got a text) (write each item on its own line, "
      "starting with '- ')"]),
    ("number-as-title", {"goals/meer-woningen.md": fm("title: 2017", *VALID_LINES[1:])},
     ["goals/meer-woningen.md, line 2: 'title' must be a text (got the number 2017) (put the text between quotes)"]),
    ("empty-title", {"goals/meer-woningen.md": fm("title: '  '", *VALID_LINES[1:])},
     ["goals/meer-woningen.md, line 2: 'title' must not be empty"]),
    ("blank-title", {"goals/meer-woningen.md": fm("title:", *VALID_LINES[1:])},
     ["goals/meer-woningen.md, line 2: 'title' must not be empty"]),
    ("empty-result", {"goals/meer-woningen.md": fm(*VALID_LINES, "  - ''")},
     ["goals/meer-woningen.md, line 8: 'results' item 2 must not be empty"]),
    ("direction", {"goals/meer-woningen.md": fm(*VALID_LINES[:2], "direction: more", *VALID_LINES[3:])},
     ["goals/meer-woningen.md, line 4: 'direction' must be one of: meer, minder (got 'more')"]),
    ("unknown-theme", {"goals/meer-woningen.md": fm("title: x", "theme: wone", *VALID_LINES[2:])},
     ["goals/meer-woningen.md, line 3: 'theme' is 'wone', but there is no theme with that id "
      "(did you mean 'wonen'?); themes: wonen"]),
    ("relation-unknown", {"goals/meer-woningen.md": fm(*VALID_LINES, "relations:",
                                                        "  - goal: minder-daklooshied", "    note: n")},
     ["goals/meer-woningen.md, line 9: 'relations' item 1: there is no goal 'minder-daklooshied' "
      "(did you mean 'minder-dakloosheid'?)"]),
    ("relation-self", {"goals/meer-woningen.md": fm(*VALID_LINES, "relations:",
                                                     "  - goal: meer-woningen", "    note: n")},
     ["goals/meer-woningen.md, line 9: 'relations' item 1 points to the goal itself; remove it"]),
    ("relation-twice", {"goals/meer-woningen.md": fm(*VALID_LINES, "relations:",
                                                      "  - goal: minder-dakloosheid", "    note: n",
                                                      "  - goal: minder-dakloosheid", "    note: m")},
     ["goals/meer-woningen.md, line 11: 'relations' item 2: the relation with 'minder-dakloosheid' is listed "
      "twice; remove one"]),
    ("relation-both-sides", {
        "goals/meer-woningen.md": fm(*VALID_LINES, "relations:", "  - goal: minder-dakloosheid", "    note: n"),
        "goals/minder-dakloosheid.md": goal_file("Minder", "wonen", "minder", 2, ["x."], [("meer-woningen", "m")])},
     ["goals/minder-dakloosheid.md, line 9: 'relations' item 1: the relation with 'meer-woningen' is already "
      "written in goals/meer-woningen.md; a relation shows on both goals, so keep it in one file only"]),
    ("relation-without-note", {"goals/meer-woningen.md": fm(*VALID_LINES, "relations:",
                                                             "  - goal: minder-dakloosheid")},
     ["goals/meer-woningen.md, line 9: missing required field 'note'; add a line 'note: …'"]),
    ("duplicate-order", {"goals/minder-dakloosheid.md": goal_file("Minder", "wonen", "minder", 1, ["x."])},
     ["goals/minder-dakloosheid.md, line 5: 'order' 1 is also used by goals/meer-woningen.md in theme 'wonen'; "
      "give each goal its own number"]),
    ("file-name-spaces", {"goals/Meer Woningen é.md": GOAL_A, "goals/meer-woningen.md": None},
     ["goals/Meer Woningen é.md: the file name 'Meer Woningen é.md' is not a valid goal id: use lowercase "
      "letters, digits and hyphens only, e.g. 'meer-woningen-e.md'"]),
    ("same-id-twice", {"goals/wonen/meer-woningen.md": GOAL_B.replace("order: 2", "order: 3")},
     ["goals/wonen/meer-woningen.md: goal id 'meer-woningen' is used twice: goals/meer-woningen.md and "
      "goals/wonen/meer-woningen.md; rename one of the files"]),
    ("not-utf8", {"goals/meer-woningen.md": GOAL_A.encode("utf-8").replace("woningen".encode(), b"w\xf6ningen", 1)},
     ["goals/meer-woningen.md, line 2: the file is not UTF-8 text (byte 0xf6); save it with the encoding UTF-8"]),
    ("tabs", {"goals/meer-woningen.md": fm(*VALID_LINES[:5], "\t- er woningen bijkomen.")},
     ["goals/meer-woningen.md, line 7: tab character in the indentation; YAML must be indented with spaces"]),
    ("theme-without-goals", {"content/themas/zorg.md": theme_file("Zorg", "Zorg dichtbij.", 2)},
     ["content/themas/zorg.md: theme 'zorg' has no goals yet"]),
    ("theme-missing-opgave", {"content/themas/wonen.md": fm("title: Wonen", "order: 1")},
     ["content/themas/wonen.md, line 2: missing required field 'opgave'; add a line 'opgave: …'"]),
    ("invalid-order", {"goals/meer-woningen.md": fm(*VALID_LINES[:3], "order: 0", *VALID_LINES[4:])},
     ["goals/meer-woningen.md, line 5: 'order' must be 1 or more (got the number 0)"]),
    ("python-tag", {"goals/meer-woningen.md": fm("title: !!python/object/apply:os.system ['echo hallo']",
                                                  *VALID_LINES[1:])},
     ["goals/meer-woningen.md, line 2: YAML tag '!!python/object/apply:os.system' is not allowed, column 8: "
      "fields hold plain text, numbers and lists (a text starting with '!' must be put between quotes)"]),
    ("markup-in-title", {"goals/meer-woningen.md": fm("title: Meer <b>woningen</b>", *VALID_LINES[1:])},
     ["goals/meer-woningen.md, line 2: 'title' must be plain text, without '<' or '>' "
      "(got 'Meer <b>woningen</b>')"]),
    ("chapter-without-title", {"content/inleiding.md": fm("titel: Inleiding")},
     ["content/inleiding.md, line 2: unknown field 'titel' (did you mean 'title'?); allowed fields: title",
      "content/inleiding.md, line 2: missing required field 'title'; add a line 'title: …'"]),
    ("chapter-template", {"content/inleiding.md": fm("title: Inleiding", "template: redirect.html")},
     ["content/inleiding.md, line 3: unknown field 'template'; allowed fields: title"]),
    ("unclosed-html-block", {"goals/meer-woningen.md": fm(*VALID_LINES,
                                                           body="\nTekst.\n\n<div class=\"kader\">\nBlok\n")},
     ["goals/meer-woningen.md, line 12: the HTML block '<div>' that starts here is never closed, so it would "
      "swallow everything the page shows after this text; add '</div>' where the block should end"]),
    ("unclosed-nested-block", {"content/themas/wonen.md": THEME + "<details>\n<summary>Meer</summary>\n\n"
                                                                 "<div>x</div>\n"},
     ["content/themas/wonen.md, line 7: the HTML block '<details>' that starts here is never closed, so it would "
      "swallow everything the page shows after this text; add '</details>' where the block should end"]),
    ("unclosed-script", {"content/inleiding.md": fm("title: Inleiding", body="\n<script>\nalert(1)\n")},
     ["content/inleiding.md, line 5: the HTML block '<script>' that starts here is never closed, so it would "
      "swallow everything the page shows after this text; add '</script>' where the block should end"]),
    # YAML keeps the last of two equal keys: the first block of results would vanish unseen.
    ("field-twice", {"goals/meer-woningen.md": fm(*VALID_LINES, "results:", "  - nog een.")},
     ["goals/meer-woningen.md, line 8: 'results' is written twice (lines 6 and 8); YAML keeps only the last one, "
      "so remove one or put everything under one of them"]),
    ("nested-field-twice", {"goals/meer-woningen.md": fm(*VALID_LINES, "relations:", "  - goal: minder-dakloosheid",
                                                         "    note: a", "    note: b")},
     ["goals/meer-woningen.md, line 11: 'relations' item 1, 'note' is written twice (lines 10 and 11); YAML keeps "
      "only the last one, so remove one or put everything under one of them"]),
    # ' #' starts a YAML comment: the rest of an unquoted text is lost. A warning, since a comment
    # after a number is meant as one.
    ("comment-cuts-a-text", {"goals/meer-woningen.md": fm("title: Meer mensen #kunnen", *VALID_LINES[1:3],
                                                          "order: 1  # na wonen", *VALID_LINES[4:])},
     ["goals/meer-woningen.md, line 2: 'title': the text after '#' is read as a comment and left out (kept: "
      "'Meer mensen'); put the whole text between quotes to keep it"]),
    # PyYAML notices a missing dash on the next line; the line that lacks it is the one to fix.
    ("missing-dash", {"goals/meer-woningen.md": fm(*VALID_LINES[:4], "results:", "  - er woningen bijkomen.",
                                                   '  "huren betaalbaar zijn."', "  - nog een.")},
     ["goals/meer-woningen.md, line 8: YAML syntax error, column 3: could not find expected ':' (check the "
      "indentation, that every field reads 'name: value' and that every item of a list starts with '- ')"]),
    ("non-breaking-space", {"goals/meer-woningen.md": fm(*VALID_LINES[:5], "\u00a0 - er woningen bijkomen.")},
     ["goals/meer-woningen.md, line 7: non-breaking space in the indentation; YAML must be indented with ordinary "
      "spaces (retype them)"]),
    ("control-character", {"goals/meer-woningen.md": fm("title: Meer\x0bwoningen", *VALID_LINES[1:])},
     ["goals/meer-woningen.md, line 2: invisible control character U+000B in the text (often pasted from a word "
      "processor); retype the line without it"]),
    ("theme-as-list", {"goals/meer-woningen.md": fm("title: x", "theme:", "  - wonen", *VALID_LINES[2:])},
     ["goals/meer-woningen.md, line 3: 'theme' must be a text (got a list) (put the text between quotes)"]),
    # A file that cannot be read is one mistake: the goals relating to it, or the goals of an
    # unreadable theme, are not reported as well.
    ("unreadable-goal-is-one-problem", {
        "goals/meer-woningen.md": fm("title: Meer: woningen", *VALID_LINES[1:]),
        "goals/minder-dakloosheid.md": goal_file("Minder", "wonen", "minder", 2, ["x."], [("meer-woningen", "m")])},
     ["goals/meer-woningen.md, line 2: YAML syntax error, column 12: mapping values are not allowed here "
      "(a text containing ': ' must be put between quotes)"]),
    ("unreadable-theme-is-one-problem", {"content/themas/wonen.md": "---\ntitle: Wonen: x\nopgave: y\norder: 1\n---\n"},
     ["content/themas/wonen.md, line 2: YAML syntax error, column 13: mapping values are not allowed here "
      "(a text containing ': ' must be put between quotes)"]),
    ("goal-among-the-chapters", {"content/meer-groen.md": GOAL_A},
     ["content/meer-groen.md: this has the fields of a goal, but goals live in 'goals/'; move the file there "
      "('goals/meer-groen.md')"]),
    ("chapter-without-front-matter", {"content/inleiding.md": "# Inleiding\n"},
     ["content/inleiding.md, line 1: missing front matter: start the file with a line '---', then the fields "
      "('title: …'), then another line '---'"]),
]


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_reported_with_file_line_field_and_fix(changes, expected) -> None:
    problems = problems_for(changes)
    assert problems == expected


@pytest.mark.parametrize("body", [
    "<div>\nBlok\n</div>\n\nMeer.", "Tekst met <span>inline HTML, open\n", "<hr>\n\nMeer.", "<!-- open commentaar\n",
    "<details><summary>x</summary>\n\ny\n\n</details>\n",
])
def test_closed_and_inline_html_is_fine(body: str) -> None:
    assert problems_for({"goals/meer-woningen.md": fm(*VALID_LINES, body=body)}) == []


def test_all_problems_are_reported_at_once() -> None:
    problems = problems_for({
        "goals/meer-woningen.md": fm(*VALID_LINES[:2], "direction: more", *VALID_LINES[3:]),
        "goals/minder-dakloosheid.md": fm("title: x", "theme: nope", "direction: minder", "order: 2", "results: []"),
    })
    assert problems == [
        "goals/meer-woningen.md, line 4: 'direction' must be one of: meer, minder (got 'more')",
        "goals/minder-dakloosheid.md, line 3: 'theme' is 'nope', but there is no theme with that id; themes: wonen",
    ]


def test_content_error_lists_every_error_but_not_the_warnings() -> None:
    agenda, problems = load_agenda({"content/themas/wonen.md": THEME.encode(),
                                    "goals/a.md": fm("title: x").encode(), "goals/B.md": b"x"})
    error = ContentError(problems)
    assert str(error).splitlines() == [
        "5 problems in the agenda content:",
        "  goals/B.md: the file name 'B.md' is not a valid goal id: use lowercase letters, digits and hyphens "
        "only, e.g. 'b.md'",
        "  goals/a.md, line 2: missing required field 'direction'; add a line 'direction: …'",
        "  goals/a.md, line 2: missing required field 'order'; add a line 'order: …'",
        "  goals/a.md, line 2: missing required field 'results'; add a line 'results: …'",
        "  goals/a.md, line 2: missing required field 'theme'; add a line 'theme: …'",
    ]
    assert [p.severity for p in problems].count("warning") == 1


def test_a_utf8_bom_is_accepted() -> None:
    assert problems_for({"goals/meer-woningen.md": b"\xef\xbb\xbf" + GOAL_A.encode()}) == []


def test_an_empty_goals_folder_is_a_warning_not_an_error() -> None:
    agenda, problems = load_agenda({"content/themas/wonen.md": THEME.encode()})
    assert [(str(p), p.severity) for p in problems] == [
        ("goals/: there are no goal files yet; the site shows the themes without goals", "warning")]
    assert [t.id for t in agenda.themes] == ["wonen"]


def test_a_yaml_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        prev = chr(ord("a") + level - 1)
        cur = chr(ord("a") + level)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]")
    started = time.process_time()
    problems = problems_for({"goals/meer-woningen.md": fm(*lines)})
    assert time.process_time() - started < 5  # a generous bound: expanding would take minutes
    assert problems == ["goals/meer-woningen.md, line 2: the YAML expands to more than 20000 values (aliases '*' "
                        "repeating anchors '&'); write the values out instead of using aliases"]


def test_a_multi_megabyte_file_is_refused_without_parsing() -> None:
    huge = fm(*VALID_LINES, body="tekst " * 1_000_000)
    assert problems_for({"goals/meer-woningen.md": huge}) == [
        "goals/meer-woningen.md: file is 5.7 MB; a content file may be at most 512 KB "
        "(split the text over several files)"]


def test_a_valid_agenda_loads_in_reading_order() -> None:
    agenda, problems = load_agenda({p: t.encode() for p, t in BASE.items()})
    assert problems == []
    assert [g.id for g in agenda.goals] == ["meer-woningen", "minder-dakloosheid"]
    assert agenda.goals[0].source == "goals/meer-woningen.md"


def test_the_same_text_in_two_files_is_read_for_each_file() -> None:
    # Parsed texts are remembered (history and versions read the same texts); a document and
    # its problems still belong to the file they were read from.
    from koers.frontmatter import parse_document

    raw = goal_file("Meer werk", "werk", "meer", 1, ["iedereen werkt;"]).encode()
    first, _ = parse_document("goals/a.md", raw)
    second, _ = parse_document("goals/b.md", raw)
    assert first is not None and second is not None
    assert (first.path, second.path) == ("goals/a.md", "goals/b.md")
    assert first.data == second.data and first.line("results", 0) == second.line("results", 0) == 7
    bad = b"---\ntitle: [open\n---\n"
    assert [str(p) for p in parse_document("goals/c.md", bad)[1]][0].startswith("goals/c.md, line ")
    assert [str(p) for p in parse_document("goals/d.md", bad)[1]][0].startswith("goals/d.md, line ")


@pytest.mark.parametrize("item", ["x", "", "[]"])
def test_front_matter_of_more_values_than_allowed_is_refused_without_aliases_too(item: str) -> None:
    # The alias walk is skipped for short texts without '*'; a long one is still counted.
    lines = ["results:", *[f"- {item}"] * 20_001]
    problems = problems_for({"goals/meer-woningen.md": fm(*lines)})
    assert problems[0].startswith("goals/meer-woningen.md, line 2: the YAML expands to more than 20000 values")
