"""The relations diagram: a standalone, escaped, deterministic SVG of themes, goals and relations."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from koers.diagram import MUTED, PALETTE, PAPER, TEXT, WIDTH, Diagram, _levels, draw_relations
from koers.loading import load_directory
from koers.model import Agenda, Goal, Relation, Theme
from koers.render import make_environment

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'Meer <b>"samen"</b> & zo'


@pytest.fixture(scope="module")
def env():
    return make_environment(ROOT / "overrides")


def theme(theme_id: str, order: int, title: str | None = None) -> Theme:
    return Theme(theme_id, title or theme_id.capitalize(), "Een opgave.", order)


def goal(goal_id: str, theme_id: str, order: int, title: str | None = None, *related: str) -> Goal:
    return Goal(goal_id, title or f"Meer {goal_id}", theme_id, "meer", order, ("iets.",),
                tuple(Relation(other, "omdat") for other in related))


def small_agenda() -> Agenda:
    return Agenda(
        themes=[theme("wonen", 1), theme("zorg", 2, "Zorg & welzijn")],
        goals=[
            goal("a", "wonen", 1, "Meer betaalbare woningen voor starters en ouderen in het dorp", "c"),
            goal("b", "wonen", 2, "Minder dakloosheid", "a"),
            goal("c", "zorg", 1, "Meer mantelzorgers krijgen steun"),
        ],
    )


def parse(diagram: Diagram) -> ET.Element:
    return ET.fromstring(diagram.svg.encode("utf-8"))


def classed(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if name in (e.get("class") or "").split()]


def joined(text: ET.Element) -> str:
    return " ".join("".join(span.itertext()) for span in text.iter(SVG + "tspan"))


def box_titles(root: ET.Element) -> list[str]:
    return [joined(classed(box, "text", "titel")[0]) for box in classed(root, "g", "doel")]


def test_standalone_svg_with_title_desc_and_size(env):
    diagram = draw_relations(small_agenda(), env)
    root = parse(diagram)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {diagram.width} {diagram.height}"
    assert (root.get("width"), root.get("height")) == (str(diagram.width), str(diagram.height))
    assert 360 <= diagram.width <= 420
    assert root.find(SVG + "title").text == "Samenhang tussen doelen en thema's"
    assert root.find(SVG + "desc").text == diagram.description
    assert root.get("font-family") == "system-ui, sans-serif"
    labelled = root.get("aria-labelledby").split()
    assert [root.find(f".//*[@id='{i}']").tag for i in labelled] == [SVG + "title", SVG + "desc"]


def test_one_box_per_goal_with_full_title_and_number(env):
    agenda = small_agenda()
    root = parse(draw_relations(agenda, env))
    assert box_titles(root) == [g.title for g in agenda.goals]
    numbers = ["".join(classed(box, "text", "nummer")[0].itertext()) for box in classed(root, "g", "doel")]
    assert numbers == ["1.1", "1.2", "2.1"]
    themes = [joined(classed(band, "text", "titel")[0]) for band in classed(root, "g", "thema")]
    assert themes == ["Wonen", "Zorg & welzijn"]


def test_long_titles_wrap_at_spaces_and_keep_every_word(env):
    title = ("Meer inwoners functioneren zo zelfstandig mogelijk en krijgen op tijd voldoende hulp en "
             "ondersteuning bij hun arbeidsongeschiktheidsverzekeringsaanvraag")
    agenda = Agenda(themes=[theme("t", 1, "Een " + "heel " * 12 + "lange themanaam")],
                    goals=[goal("a", "t", 1, title)])
    root = parse(draw_relations(agenda, env))
    spans = ["".join(s.itertext()) for s in classed(root, "g", "doel")[0].iter(SVG + "tspan")]
    assert len(spans) >= 4
    assert all(len(line) <= 34 or " " not in line for line in spans)
    assert " ".join(spans) == title
    assert "arbeidsongeschiktheidsverzekeringsaanvraag" in spans
    squeezed = [s for s in classed(root, "g", "doel")[0].iter(SVG + "tspan") if s.get("textLength")]
    assert ["".join(s.itertext()) for s in squeezed] == ["arbeidsongeschiktheidsverzekeringsaanvraag"]
    header = classed(classed(root, "g", "thema")[0], "text", "titel")[0]
    assert len(list(header.iter(SVG + "tspan"))) >= 2
    assert joined(header) == agenda.themes[0].title


def test_one_arc_per_relation_attached_to_the_boxes(env):
    agenda = small_agenda()
    diagram = draw_relations(agenda, env)
    arcs = classed(parse(diagram), "path", "relatie")
    assert len(arcs) == len(agenda.relations()) == 2
    for arc in arcs:
        d = arc.get("d")
        assert re.fullmatch(r"M[\d. ]+C[\d. ]+V[\d.]+C[\d. ]+", d)
        move, out, down, back = ([float(n) for n in part.split()] for part in re.split(r"[MCV]", d)[1:])
        points = [move, out[0:2], out[2:4], out[4:6], back[0:2], back[2:4], back[4:6]]
        (x1, y1), (x2, y2) = move, back[4:6]
        assert x1 == x2 < max(x for x, _ in points) <= diagram.width  # out into the gutter, not past the edge
        assert 0 < y1 < out[5] <= down[0] < y2 < diagram.height


def test_relation_declared_on_both_goals_self_and_unknown_are_drawn_once(env):
    agenda = Agenda(themes=[theme("t", 1)],
                    goals=[goal("a", "t", 1, None, "b", "a", "nergens"), goal("b", "t", 2, None, "a")])
    diagram = draw_relations(agenda, env)
    assert len(classed(parse(diagram), "path", "relatie")) == 1
    assert "1 relatie tussen doelen" in diagram.description


def test_titles_are_escaped(env):
    agenda = Agenda(themes=[theme("t", 1, NASTY)], goals=[goal("a", "t", 1, NASTY), goal("b", "t", 2, None, "a")])
    diagram = draw_relations(agenda, env, title=NASTY)
    root = parse(diagram)
    assert "<b>" not in diagram.svg
    assert root.find(SVG + "title").text == NASTY
    assert box_titles(root)[0] == NASTY
    assert joined(classed(root, "text", "titel")[0]) == NASTY
    assert NASTY in root.find(SVG + "desc").text


def test_no_script_handlers_or_outside_references(env):
    agenda = Agenda(themes=[theme("t", 1, "<script>alert(1)</script>")],
                    goals=[goal("a", "t", 1, 'x" onload="alert(1)'), goal("b", "t", 2, "javascript:alert(1)", "a")])
    root = parse(draw_relations(agenda, env))
    elements = list(root.iter())
    assert not [e for e in elements if e.tag.endswith("script") or e.tag.endswith("foreignObject")]
    attributes = [(name, value) for e in elements for name, value in e.attrib.items()]
    assert not [name for name, _ in attributes if name.lower().startswith("on")]
    assert not [name for name, _ in attributes if name.endswith("href")]
    assert not [value for _, value in attributes if re.search(r"https?:|@import", value)]
    assert not [e for e in elements if e.tag.endswith("style")]


def test_same_agenda_gives_same_bytes(env):
    assert draw_relations(small_agenda(), env).svg == draw_relations(small_agenda(), env).svg


def test_description_counts_and_names_the_most_connected_goals(env):
    diagram = draw_relations(small_agenda(), env)
    assert diagram.description.startswith("Diagram van 2 thema's met 3 doelen en 2 relaties tussen doelen.")
    assert ("Het meest verbonden zijn 1.1 “Meer betaalbare woningen voor starters en ouderen in het dorp” "
            "(2 relaties), 1.2 “Minder dakloosheid” (1 relatie) en 2.1") in diagram.description
    assert "\n" not in diagram.description


def test_themes_without_goals_say_so(env):
    agenda = Agenda(themes=[theme("wonen", 1), theme("zorg", 2)], goals=[])
    diagram = draw_relations(agenda, env)
    root = parse(diagram)
    assert [t.text for t in root.iter(SVG + "text") if t.text == "nog geen doelen"] == ["nog geen doelen"] * 2
    assert not classed(root, "g", "doel") and not classed(root, "path", "relatie")
    assert diagram.description == "Diagram van 2 thema's met 0 doelen en 0 relaties tussen doelen."


def test_no_themes_at_all(env):
    diagram = draw_relations(Agenda(), env)
    assert parse(diagram).get("role") == "img"
    assert diagram.height > 0


def test_one_theme_without_relations(env):
    agenda = Agenda(themes=[theme("t", 1)], goals=[goal("a", "t", 1), goal("b", "t", 2)])
    diagram = draw_relations(agenda, env)
    root = parse(diagram)
    assert len(classed(root, "g", "doel")) == 2
    assert not classed(root, "path", "relatie") and root.find(SVG + "defs") is None
    assert diagram.description == ("Diagram van 1 thema met 2 doelen en 0 relaties tussen doelen. Per thema "
                                   "staan de doelen als genummerde vakken onder elkaar.")


def test_more_themes_than_colours_cycle(env):
    count = len(PALETTE) + 2
    agenda = Agenda(themes=[theme(f"t{i}", i) for i in range(count)],
                    goals=[goal(f"g{i}", f"t{i}", 1) for i in range(count)])
    root = parse(draw_relations(agenda, env))
    fills = [band[1].get("fill") for band in classed(root, "g", "thema")]
    assert fills == [PALETTE[i % len(PALETTE)].fill for i in range(count)]


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("swatch", PALETTE, ids=[s.fill for s in PALETTE])
def test_text_contrast_is_at_least_4_5(swatch):
    assert contrast(swatch.on_fill, swatch.fill) >= 4.5  # theme header and goal number
    assert contrast(swatch.ink, PAPER) >= 4.5  # arcs and box outlines on white
    assert contrast(MUTED, swatch.tint) >= 4.5  # "nog geen doelen" on the band
    assert contrast(TEXT, PAPER) >= 4.5 and contrast(MUTED, PAPER) >= 4.5


def test_levels_nest_by_span():
    # A chain of neighbours stays on the inner level, an arc around them goes outside,
    # one around that further out, and of two crossing arcs the later one goes outside.
    spans = [(0, 3), (0, 1), (2, 3), (1, 2), (0, 4), (5, 7), (6, 8)]
    assert _levels(spans, 9) == [2, 1, 1, 1, 3, 1, 2]


def test_levels_match_comparing_every_pair():
    def slow(spans: list[tuple[int, int]], size: int) -> list[int]:
        slots, levels = [0] * (2 * size), [0] * len(spans)
        for i in sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i][0], i)):
            lo, hi = 2 * spans[i][0] + 1, 2 * spans[i][1] - 1
            levels[i] = max(slots[lo:hi + 1]) + 1
            slots[lo:hi + 1] = [levels[i]] * (hi - lo + 1)
        return levels

    generator = random.Random(5)
    for _ in range(300):
        size = generator.randint(2, 30)
        spans = [tuple(sorted(generator.sample(range(size), 2))) for _ in range(generator.randint(0, 25))]
        assert _levels(spans, size) == slow(spans, size)


def test_a_thousand_goals(env):
    themes = [theme(f"t{i}", i) for i in range(10)]
    goals = [goal(f"g{n}", f"t{n % 10}", n, f"Meer doel nummer {n} met een wat langere titel erbij",
                  f"g{(n * 7 + 3) % 1000}", f"g{(n + 1) % 1000}") for n in range(1000)]
    diagram = draw_relations(Agenda(themes=themes, goals=goals), env)
    root = parse(diagram)
    assert len(classed(root, "g", "doel")) == 1000
    assert len(classed(root, "path", "relatie")) == len({frozenset((g.id, r.goal)) for g in goals
                                                          for r in g.relations if r.goal != g.id})
    assert diagram.width == WIDTH


def test_the_real_agenda(env):
    agenda = load_directory(ROOT)
    diagram = draw_relations(agenda, env)
    root = parse(diagram)
    assert box_titles(root) == [" ".join(g.title.split()) for g in agenda.goals]
    assert len(classed(root, "path", "relatie")) == len(agenda.relations())
    assert diagram.description.startswith(
        f"Diagram van {len(agenda.themes)} thema's met {len(agenda.goals)} doelen en "
        f"{len(agenda.relations())} relaties tussen doelen.")
    Path("/tmp/relaties.svg").write_text(diagram.svg, encoding="utf-8")  # to look at by hand
