"""`koers new goal`: the new file's id, direction and order, the refusals, and a real run of the command."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sitebuild import AgendaSite, goal_file

from koers.loading import Layout, load_agenda, read_worktree
from koers.problems import errors_in
from koers.scaffold import ScaffoldError, new_goal

KOERS = Path(sys.prefix) / "bin" / "koers"

# The fixture agenda: theme 'wonen' holds goals at order 1 and 2, 'gezondheid' one at order 1.
CASES = [
    ("meer", "wonen", "Meer groen in de wijk", "goals/meer-groen-in-de-wijk.md", "meer", 3),
    ("minder", "gezondheid", "Minder  inwoners roken", "goals/minder-inwoners-roken.md", "minder", 2),
    ("lowercase-and-accents", "wonen", "minder eenzaamheid bij ouderen én jongeren",
     "goals/minder-eenzaamheid-bij-ouderen-en-jongeren.md", "minder", 3),
    ("id-taken", "wonen", "Meer woningen!", "goals/meer-woningen-2.md", "meer", 3),
    ("colon-in-title", "gezondheid", "Meer sport: elke week", "goals/meer-sport-elke-week.md", "meer", 2),
]


@pytest.mark.parametrize(("theme", "title", "path", "direction", "order"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_a_new_goal_gets_its_id_direction_and_next_order(tmp_path: Path, theme: str, title: str, path: str,
                                                        direction: str, order: int) -> None:
    AgendaSite(tmp_path)
    written = new_goal(tmp_path, Layout(), theme, title)
    assert written == tmp_path / path
    agenda, problems = load_agenda(read_worktree(tmp_path))
    assert errors_in(problems) == []
    goal = agenda.goal(written.stem)
    assert (goal.title, goal.theme, goal.direction, goal.order, goal.results) == (
        " ".join(title.split()), theme, direction, order, ())


def test_the_new_file_reads_like_the_others(tmp_path: Path) -> None:
    AgendaSite(tmp_path)
    written = new_goal(tmp_path, Layout(), "wonen", "Meer groen in de wijk")
    assert written.read_text("utf-8") == textwrap.dedent("""\
        ---
        title: Meer groen in de wijk
        theme: wonen
        direction: meer
        order: 3
        # Vervang [] door de resultaten onder 'We willen bereiken dat', elk op een eigen regel:
        #   - "eerste resultaat;"
        #   - "tweede resultaat."
        results: []
        ---
        """)


def test_the_next_id_after_a_numbered_one_is_taken(tmp_path: Path) -> None:
    site = AgendaSite(tmp_path)
    site.write("goals/meer-bewegen-2.md", goal_file("Meer bewegen", "gezondheid", "meer", 2, ["x."]))
    assert new_goal(tmp_path, Layout(), "gezondheid", "Meer bewegen").name == "meer-bewegen-3.md"


REFUSALS = [
    ("no-direction", "wonen", "Betere woningen", "the title must start with 'Meer' or 'Minder' (got 'Betere')"),
    ("empty-title", "wonen", "  ", "the title must not be empty"),
    ("unknown-theme", "wone", "Meer woningen", "there is no theme 'wone' (did you mean 'wonen'?); "
                                               "themes: gezondheid, wonen"),
    ("markup-in-title", "wonen", "Meer <b>groen</b>",
     "goals/meer-b-groen-b.md, line 2: 'title' must be plain text, without '<' or '>' (got 'Meer <b>groen</b>')"),
]


@pytest.mark.parametrize(("theme", "title", "message"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_a_goal_that_would_not_pass_the_check_is_refused(tmp_path: Path, theme: str, title: str,
                                                        message: str) -> None:
    AgendaSite(tmp_path)
    before = sorted(p.name for p in (tmp_path / "goals").iterdir())
    with pytest.raises(ScaffoldError) as caught:
        new_goal(tmp_path, Layout(), theme, title)
    assert str(caught.value) == message
    assert sorted(p.name for p in (tmp_path / "goals").iterdir()) == before


def test_koers_new_goal_on_the_command_line(tmp_path: Path) -> None:
    AgendaSite(tmp_path)
    run = subprocess.run([str(KOERS), "new", "goal", "--theme", "gezondheid", "Minder inwoners roken"],
                         cwd=tmp_path / "goals", capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "Nieuw doel: goals/minder-inwoners-roken.md"
    assert "Controleer alles met 'make check'." in run.stdout
    agenda, problems = load_agenda(read_worktree(tmp_path))
    assert errors_in(problems) == []
    assert [g.id for g in agenda.goals_of("gezondheid")] == ["meer-bewegen", "minder-inwoners-roken"]
    check = subprocess.run([str(KOERS), "check"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_koers_new_goal_reports_a_refusal_and_writes_nothing(tmp_path: Path) -> None:
    AgendaSite(tmp_path)
    run = subprocess.run([str(KOERS), "new", "goal", "--theme", "zorg", "Meer", "zorg"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr == "koers new goal: there is no theme 'zorg'; themes: gezondheid, wonen\n"
    assert not (tmp_path / "goals/meer-zorg.md").exists()


def test_a_long_title_gives_an_id_of_at_most_80_characters_cut_at_a_word(tmp_path: Path) -> None:
    AgendaSite(tmp_path)
    title = "Meer " + " ".join(["inwoners die elkaar helpen in de buurt"] * 15)
    path = new_goal(tmp_path, Layout(), "gezondheid", title)
    assert len(path.stem) <= 80 and path.stem.startswith("meer-inwoners-die-elkaar") and not path.stem.endswith("-")
    assert path.stem.split("-")[-1] in title.lower().split()
