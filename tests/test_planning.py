"""The process page: planning.yml validation, the timeline with versions, the template and the real content."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown
import pytest

from koers.loading import Layout, load_agenda
from koers.planning import TimelineItem, parse_planning, timeline
from koers.render import make_environment, sanitize
from koers.versions import Version, parse_versions, working_version

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "vijfheerenlanden"

PLANNING = """\
- title: Het college stelt het concept vast
  date: 2017-04-18
  status: done
- title: Het concept ligt ter inspraak
  start: 2017-04-19
  end: 2017-05-15
  status: done
  participation:
    - title: Inspraak
      start: 2017-04-19
      end: 2017-05-15
      how: Stuur uw reactie naar de gemeente.
- title: De gemeenteraad besluit
  date: 2017-06-26
  status: planned
"""


def _without(text: str, line: str) -> str:
    assert line in text
    return text.replace(line, "", 1)


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


BAD_CASES = [
    ("unknown-status", _with(PLANNING, "status: planned", "status: klaar"),
     ["content/planning.yml, line 15: entry 3, 'status' must be one of: done, now, planned (got 'klaar')"]),
    ("not-a-date", _with(PLANNING, "date: 2017-06-26", "date: 26 juni 2017"),
     ["content/planning.yml, line 14: entry 3, 'date' must be a date written as YYYY-MM-DD, like 2017-06-26 "
      "(got '26 juni 2017')"]),
    ("day-not-in-calendar", _with(PLANNING, "2017-06-26", "2017-02-30"),
     ["content/planning.yml, line 14: '2017-02-30' is not a day in the calendar; write an existing date as "
      "YYYY-MM-DD, like 2017-06-26"]),
    ("date-and-start", _with(PLANNING, "  date: 2017-04-18\n", "  date: 2017-04-18\n  start: 2017-04-18\n"),
     ["content/planning.yml, line 3: entry 1: write either 'date' (a single day) or 'start' (a period), not both"]),
    ("no-date-or-start", _without(PLANNING, "  date: 2017-04-18\n"),
     ["content/planning.yml, line 1: entry 1: missing 'date' or 'start'; add a line 'date: YYYY-MM-DD' for a "
      "single day, or 'start: YYYY-MM-DD' for a period"]),
    ("end-without-start", _with(PLANNING, "  date: 2017-06-26\n", "  date: 2017-06-26\n  end: 2017-06-30\n"),
     ["content/planning.yml, line 15: entry 3: 'end' closes a period, so it needs a 'start'; write 'start' "
      "instead of 'date', or remove 'end'"]),
    ("end-before-start", _with(PLANNING, "  end: 2017-05-15\n  status", "  end: 2017-04-01\n  status"),
     ["content/planning.yml, line 6: entry 2, 'end': the period ends on 2017-04-01, before it starts "
      "(2017-04-19); check both dates"]),
    ("moment-end-before-start", _with(PLANNING, "      end: 2017-05-15", "      end: 2017-03-01"),
     ["content/planning.yml, line 11: entry 2, 'participation' item 1, 'end': the period ends on 2017-03-01, "
      "before it starts (2017-04-19); check both dates"]),
    ("out-of-order", _with(PLANNING, "date: 2017-06-26\n  status: planned", "date: 2017-01-10\n  status: done"),
     ["content/planning.yml, line 14: entry 3: the phase starts on 2017-01-10, before the phase above it "
      "(2017-04-19); list the phases oldest first"]),
    ("two-phases-now", PLANNING.replace("status: done", "status: now"),
     ["content/planning.yml, line 7: entry 2: 'status' is 'now', but entry 1 is 'now' too; only one phase can "
      "be under way: set the finished one to 'done'"]),
    ("planned-before-done", _with(PLANNING, "2017-04-18\n  status: done", "2017-04-18\n  status: planned"),
     ["content/planning.yml, line 3: entry 1: the phase is 'planned', but it starts before entry 2, which is "
      "'done'; set it to 'done' (or 'now' if it is still under way), or correct the dates"]),
    ("approximate-date-not-first-day", _with(PLANNING, "2017-04-18\n", "2017-04-18\n  precision: month\n"),
     ["content/planning.yml, line 2: entry 1, 'date': 'precision' is 'month', so write the first day of the "
      "month: 2017-04-01 (got 2017-04-18)"]),
    ("approximate-year-not-first-day", _with(PLANNING, "2017-04-18\n", "2017-04-01\n  precision: year\n"),
     ["content/planning.yml, line 2: entry 1, 'date': 'precision' is 'year', so write the first day of the "
      "year: 2017-01-01 (got 2017-04-01)"]),
    ("unknown-precision", _with(PLANNING, "  date: 2017-04-18\n", "  date: 2017-04-01\n  precision: maand\n"),
     ["content/planning.yml, line 3: entry 1, 'precision' must be one of: day, month, year (got 'maand')"]),
    ("unknown-field", _with(PLANNING, "  status: planned", "  status: planned\n  descripton: tekst"),
     ["content/planning.yml, line 16: unknown field 'descripton' (did you mean 'description'?); allowed fields: "
      "date, description, end, participation, precision, start, status, title"]),
    ("moment-date-and-start", _with(PLANNING, "      start: 2017-04-19\n",
                                    "      date: 2017-04-19\n      start: 2017-04-19\n"),
     ["content/planning.yml, line 11: entry 2, 'participation' item 1: write either 'date' (a single day) or "
      "'start' (a period), not both"]),
    ("moment-without-how", _without(PLANNING, "      how: Stuur uw reactie naar de gemeente.\n"),
     ["content/planning.yml, line 9: missing required field 'how'; add a line 'how: …'"]),
    ("empty-title", _with(PLANNING, "title: De gemeenteraad besluit", "title: ''"),
     ["content/planning.yml, line 13: entry 3, 'title' must not be empty"]),
    ("participation-not-a-list", _with(PLANNING, PLANNING[PLANNING.index("  partic"):PLANNING.index("- title: De")],
                                       "  participation: Inspraak\n"),
     ["content/planning.yml, line 8: entry 2, 'participation' must be a list (got a text) (write each item on its "
      "own line, starting with '- ')"]),
    ("phase-not-fields", PLANNING + "- Nog een fase\n",
     ["content/planning.yml, line 16: entry 4 must be a list of 'field: value' lines (got a text)"]),
    ("not-a-list", "title: Planning\n",
     ["content/planning.yml, line 1: the file must be a list of phases, oldest first, each starting with "
      "'- title: …' (see koers/schemas/planning.schema.json)"]),
    ("yaml-syntax", PLANNING.replace("how: Stuur uw reactie naar de gemeente.", "how: Let op: stuur uw reactie"),
     ["content/planning.yml, line 12: YAML syntax error, column 18: mapping values are not allowed here "
      "(a text containing ': ' must be put between quotes)"]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_planning_is_reported_with_line_and_fix(text: str, expected: list[str]) -> None:
    phases, problems = parse_planning(text.encode())
    assert [str(p) for p in problems] == expected
    assert all(p.severity == "error" for p in problems)


GOOD_CASES = [
    ("as-written", PLANNING),
    ("empty-file", ""),
    ("approximate-month-overlaps-the-day-before",
     PLANNING.replace("  date: 2017-04-18\n", "  date: 2017-04-01\n  precision: month\n", 1)
     .replace("- title: Het concept", "- title: Een dag eerder\n  date: 2017-04-10\n  status: done\n"
                                      "- title: Het concept")),
    ("open-period-now", PLANNING.replace("date: 2017-06-26\n  status: planned", "start: 2017-06-26\n  status: now")),
    ("moment-without-date", PLANNING.replace("      start: 2017-04-19\n      end: 2017-05-15\n", "")),
    ("byte-order-mark-and-crlf", "\ufeff" + PLANNING.replace("\n", "\r\n")),
]


@pytest.mark.parametrize("text", [c[1] for c in GOOD_CASES], ids=[c[0] for c in GOOD_CASES])
def test_valid_planning_has_no_problems(text: str) -> None:
    assert parse_planning(text.encode("utf-8"))[1] == []


def test_oversized_file_is_refused_before_parsing() -> None:
    phases, problems = parse_planning(b"#" * (600 * 1024))
    assert phases == [] and [str(p) for p in problems] == [
        "content/planning.yml: file is 600 KB; a content file may be at most 512 KB "
        "(split the text over several files)"]


def test_phases_carry_their_dates_status_and_participation() -> None:
    phases, _ = parse_planning(PLANNING.encode())
    inspraak = phases[1]
    assert (inspraak.when.start, inspraak.when.end, inspraak.when.period) == (dt.date(2017, 4, 19),
                                                                              dt.date(2017, 5, 15), True)
    assert inspraak.label == "afgerond" and phases[2].label == "gepland"
    assert inspraak.participation[0].how == "Stuur uw reactie naar de gemeente."
    assert inspraak.line == 4 and phases[0].when.period is False


def _version(version_id: str, date: dt.date, status: str = "vastgesteld") -> Version:
    return Version(version_id, version_id.capitalize(), date, status, version_id)


def test_timeline_interleaves_versions_by_date_without_the_werkversie() -> None:
    phases, _ = parse_planning(PLANNING.encode())
    versions = [_version("concept", dt.date(2017, 4, 18), "concept"),
                _version("inspraak", dt.date(2017, 5, 1), "ter-inzage"),
                _version("vastgesteld", dt.date(2017, 6, 26)), working_version(dt.date(2026, 11, 23))]
    items = timeline(phases, versions)
    assert [(i.kind, i.title) for i in items] == [
        ("phase", "Het college stelt het concept vast"),
        ("version", "Concept"),  # the same day: the phase first, then the version it produced
        ("phase", "Het concept ligt ter inspraak"),
        ("version", "Inspraak"),  # within the inspraak period, which started earlier
        ("phase", "De gemeenteraad besluit"),
        ("version", "Vastgesteld"),
    ]
    assert [(i.status, i.label) for i in items[:2]] == [("done", "afgerond"), ("concept", "concept")]
    assert items[3].label == "ter inzage" and items[3].version_id == "inspraak"


def test_timeline_orders_approximate_dates_by_their_first_day() -> None:
    phases, _ = parse_planning(b"- title: Vastgesteld\n  date: 2023-12-01\n  precision: month\n  status: done\n")
    items = timeline(phases, [_version("nieuw", dt.date(2023, 12, 12)), _version("oud", dt.date(2023, 11, 30))])
    assert [i.title for i in items] == ["Oud", "Vastgesteld", "Nieuw"]


RENDER_PLANNING = """\
- title: Het concept ligt ter inspraak
  start: 2019-12-15
  end: 2020-01-10
  status: done
  participation:
    - title: Inspraak
      start: 2019-12-15
      end: 2020-01-10
      how: Stuur uw reactie naar de gemeente.
- title: Gesprekken met partners
  start: 2020-03-03
  end: 2020-03-14
  status: done
- title: De klantreis <script>alert(1)</script>
  start: 2020-04-19
  end: 2020-05-15
  status: now
  description: >-
    Interviews met inwoners
    over hun ervaring.
  participation:
    - title: Klantreisinterview
      date: 2020-05-01
      how: Mail naar de gemeente.
- title: Evaluatie
  start: 2020-09-01
  status: planned
- title: De nieuwe agenda wordt vastgesteld
  date: 2020-12-01
  precision: month
  status: planned
- title: Uitvoering
  start: 2021-01-01
  end: 2022-01-01
  precision: year
  status: planned
"""


def _render(items: list[TimelineItem], page_url: str = "proces/") -> str:
    env = make_environment(ROOT / "overrides")
    return env.get_template("koers/proces.md").render(
        page_url=page_url, items=items, municipality="Leiderdorp", version_url=lambda v: f"versies/{v}/")


@pytest.fixture(scope="module")
def rendered() -> str:
    phases, problems = parse_planning(RENDER_PLANNING.encode())
    assert problems == []
    return _render(timeline(phases, [_version("vastgesteld", dt.date(2020, 12, 15))]))


def _item(output: str, title: str) -> str:
    return next(li for li in output.split("<li class=")[1:] if title in li)


def test_template_shows_status_as_text(rendered: str) -> None:
    heads = re.findall(r'<p class="koers-timeline-head">(.*?)</p>', rendered)
    assert len(heads) == 7
    assert '<span class="koers-tag"><span class="koers-sr">status: </span>afgerond</span>' in heads[0]
    assert '<span class="koers-tag"><span class="koers-sr">status: </span>nu</span>' in heads[2]
    assert '<span class="koers-tag"><span class="koers-sr">status: </span>gepland</span>' in heads[3]
    assert 'aria-current="step"' in _item(rendered, "De klantreis") and rendered.count("aria-current") == 1
    assert rendered.startswith("# Het proces\n\nZo komt de agenda van de gemeente Leiderdorp tot stand")


@pytest.mark.parametrize(("title", "dates"), [
    ("Het concept ligt ter inspraak", '<time datetime="2019-12-15">15 december 2019</time> – '
                                      '<time datetime="2020-01-10">10 januari 2020</time>'),
    ("Gesprekken met partners", '<time datetime="2020-03-03">3</time> – '
                                '<time datetime="2020-03-14">14 maart 2020</time>'),
    ("De klantreis", '<time datetime="2020-04-19">19 april</time> – <time datetime="2020-05-15">15 mei 2020</time>'),
    ("Evaluatie", 'vanaf <time datetime="2020-09-01">1 september 2020</time>'),
    ("De nieuwe agenda", '<time datetime="2020-12">december 2020</time>'),
    ("Uitvoering", '<time datetime="2021">2021</time> – <time datetime="2022">2022</time>'),
    ("Vastgesteld", '<time datetime="2020-12-15">15 december 2020</time>'),
])
def test_template_writes_dates_and_periods_in_dutch(rendered: str, title: str, dates: str) -> None:
    head = re.search(r'<p class="koers-timeline-head">(.*?)</p>', _item(rendered, title)).group(1)
    assert head.endswith(" · " + dates)


def test_template_says_how_to_take_part(rendered: str) -> None:
    assert ('<li><p><strong>Klantreisinterview</strong> · <time datetime="2020-05-01">1 mei 2020</time></p>\n'
            "<p>Zo doet u mee: Mail naar de gemeente.</p></li>") in rendered
    # a finished phase's moment is history, not an invitation
    assert "<p>Zo kon u meedoen: Stuur uw reactie naar de gemeente.</p>" in _item(rendered, "Het concept ligt")
    assert "Staat bij een stap alleen een maand of een jaar, dan is de precieze datum niet bekend." in rendered


def test_template_links_versions_relative_to_the_page_and_escapes_fields(rendered: str) -> None:
    version = _item(rendered, "Vastgesteld")
    assert version.startswith('"koers-timeline-item koers-timeline-item--version koers-status--vastgesteld">')
    assert ('<a href="../versies/vastgesteld/"><strong>Vastgesteld</strong></a> '
            '<span class="koers-tag">versie: vastgesteld</span>') in version
    assert "De klantreis &lt;script&gt;alert(1)&lt;/script&gt;" in rendered and "<script>" not in rendered
    assert "<p>Interviews met inwoners over hun ervaring.</p>" in rendered


def test_rendered_markdown_is_an_ordered_list_that_survives_the_sanitiser(rendered: str) -> None:
    html = str(sanitize(markdown.markdown(rendered)))
    assert html.startswith("<h1>Het proces</h1>")
    assert '<ol class="koers-timeline koers-process" role="list">' in html and html.count("<li class=") == 7
    assert 'aria-current="step"' in html and '<time datetime="2020-12">december 2020</time>' in html


def test_template_without_phases_says_so() -> None:
    output = _render([])
    assert "Er is nog geen planning van het proces beschreven." in output and "<ol" not in output
    assert "precieze datum" not in output


def test_leiderdorp_planning_is_valid_and_renders_with_its_versions() -> None:
    phases, problems = parse_planning((ROOT / "content" / "planning.yml").read_bytes())
    assert problems == []
    assert [p.status for p in phases] == ["done"] * len(phases)
    versions, problems = parse_versions((ROOT / "content" / "versions.yml").read_bytes())
    assert problems == []
    items = timeline(phases, [*versions, working_version(dt.date(2026, 11, 23))])
    assert [i.kind for i in items].count("version") == len(versions)
    output = _render(items)
    assert '<time datetime="2017-04">april 2017</time>' in output
    assert '<time datetime="2017-04-19">19 april</time> – <time datetime="2017-05-15">15 mei 2017</time>' in output
    assert '<time datetime="2017-06-20">20 juni 2017</time>' in output
    assert '<time datetime="2023-12">december 2023</time>' in output
    assert 'href="../versies/vastgesteld-2017/"' in output and "werkversie" not in output.lower()
    assert "Zo doet u mee" not in output and "Zo kon u meedoen:" in output


def test_vijfheerenlanden_example_is_valid_without_goals() -> None:
    phases, problems = parse_planning((EXAMPLE / "content" / "planning.yml").read_bytes())
    assert problems == [] and [(p.when.start, p.when.end, p.status) for p in phases] == [
        (dt.date(2020, 3, 3), dt.date(2020, 3, 3) + dt.timedelta(weeks=6), "planned"),
        (dt.date(2020, 6, 11), None, "planned")]
    prefix = "examples/vijfheerenlanden"
    layout = Layout(themes_dir=f"{prefix}/content/opgaven", goals_dir=f"{prefix}/goals", docs_dir=f"{prefix}/content")
    files = {f"{prefix}/{p.relative_to(EXAMPLE).as_posix()}": p.read_bytes() for p in EXAMPLE.rglob("*.md")}
    agenda, problems = load_agenda(files, layout)
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "there are no goal files yet; the site shows the themes without goals")]
    assert [t.opgave for t in agenda.themes] == [
        "Inwoners doen mee naar vermogen", "Inwoners zijn gezond en vitaal", "Inwoners kunnen voor zichzelf zorgen",
        "Inwoners ontwikkelen zich evenwichtig van -0 tot +100 jaar"]
    assert (EXAMPLE / "goals" / ".gitkeep").read_bytes() == b""
