"""The relations diagram of the samenhang page: a static SVG drawn at build time.

Themes are stacked bands, each a coloured header with the theme's title above
its goals as numbered boxes ("1.2"), one under the other, so the picture stays
legible when a phone scales it to its width. Every relation is an arc in the
gutter to the right of the boxes (an arc diagram), nested so that an arc around
others runs further out. All geometry is computed here; the markup lives in the
Jinja template ``relaties.svg`` (autoescape on). The work grows linearly with
the agenda (bar sorting the arcs), and the same agenda always gives the same bytes.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from .model import Agenda, Goal, Theme
from .settings import Vocabulary

TEMPLATE = "relaties.svg"
FONT = "system-ui, sans-serif"

WIDTH = 400
MARGIN = 6
BAND_WIDTH = 292  # the rest of WIDTH is the gutter for the arcs
BAND_PAD = 8
BAND_GAP = 14
RADIUS = 8
HEADER_SIZE = 16
HEADER_LINE = 20
HEADER_PAD = 9
BOX_RADIUS = 6
BOX_GAP = 8
BOX_PAD = 9
BADGE = 38
TITLE_SIZE = 14
TITLE_LINE = 18
LEGEND_SIZE = 13
ARC_MIN = 14
LEVEL_STEP = 12
CORNER = 40
PORT_GAP = 6

TEXT = "#1A1A1A"
MUTED = "#3D3D3D"
PAPER = "#FFFFFF"


@dataclass(frozen=True)
class Swatch:
    """One theme colour: `fill` with `on_fill` text for headers and badges, `ink` for arcs, `tint` for the band."""

    fill: str
    on_fill: str
    ink: str
    tint: str


# The Okabe–Ito palette (distinguishable with the common colour-vision deficiencies),
# with a darker ink of each hue that keeps 4.5:1 on white and a light tint for the band.
PALETTE: tuple[Swatch, ...] = (
    Swatch("#0072B2", "#FFFFFF", "#0072B2", "#DBEBF4"),
    Swatch("#E69F00", "#000000", "#936600", "#FCF2DB"),
    Swatch("#009E73", "#000000", "#007E5C", "#DBF1EB"),
    Swatch("#CC79A7", "#000000", "#995B7D", "#F8ECF3"),
    Swatch("#56B4E9", "#000000", "#387597", "#E7F4FC"),
    Swatch("#D55E00", "#000000", "#B75100", "#F9E8DB"),
    Swatch("#F0E442", "#000000", "#767020", "#FDFBE5"),
)


@dataclass(frozen=True)
class Diagram:
    """A rendered diagram: standalone SVG, its size in user units and a text alternative."""

    svg: str
    width: int
    height: int
    description: str


@dataclass(frozen=True)
class Line:
    """One line of text at a baseline (coordinates already formatted)."""

    x: str
    y: str
    text: str
    squeeze: str = ""  # a textLength for a word too long for its line, so it is narrowed, not cut off

    @classmethod
    def at(cls, x: float, y: float, text: str, size: float = 0, budget: float = 0, bold: bool = False) -> Line:
        too_long = bool(budget) and _text_width(text, size, bold) > budget
        return cls(_n(x), _n(y), text, _n(budget) if too_long else "")


@dataclass(frozen=True)
class Box:
    """A goal's box: outline, number badge and wrapped title."""

    outline: str
    badge: str
    number_at: Line
    lines: tuple[Line, ...]
    swatch: Swatch


@dataclass(frozen=True)
class Band:
    """A theme's band: background, header with its title, and its goal boxes."""

    number_at: Line
    background: str
    header: str
    lines: tuple[Line, ...]
    boxes: tuple[Box, ...]
    empty: Line | None
    swatch: Swatch


@dataclass(frozen=True)
class Arc:
    """A relation: a rounded bracket between two ends on the boxes' right edges."""

    path: str
    stroke: str
    label: str


@dataclass(frozen=True)
class Gradient:
    """A vertical gradient from the upper goal's theme ink to the lower one's."""

    id: str
    top: str
    bottom: str


@dataclass(frozen=True)
class Dot:
    """The end of an arc on a box."""

    x: str
    y: str
    fill: str


@dataclass(frozen=True)
class Wiring:
    """All arcs, the gradients they use and their ends, with line width and dot size."""

    arcs: list[Arc]
    gradients: list[Gradient]
    dots: list[Dot]
    stroke_width: str
    dot_radius: str


def draw_relations(agenda: Agenda, env: jinja2.Environment, *, title: str = "Samenhang tussen doelen en thema's",
                   vocab: Vocabulary = Vocabulary()) -> Diagram:
    """Draw the themes, their goals and the relations between goals as one SVG, in `vocab`'s words."""
    by_theme: dict[str, list[Goal]] = {theme.id: [] for theme in agenda.themes}
    for goal in agenda.goals:
        if goal.theme in by_theme:  # a goal of an unknown theme has no band to sit in
            by_theme[goal.theme].append(goal)

    legend_lines = _wrap(f"Een boog verbindt twee {vocab.item.plural} die met elkaar samenhangen.",
                         LEGEND_SIZE, WIDTH - 2 * MARGIN - 30)
    y = MARGIN + 2
    legend_h = len(legend_lines) * (LEGEND_SIZE + 4)
    legend = tuple(Line.at(MARGIN + 30, y + LEGEND_SIZE + i * (LEGEND_SIZE + 4), text)
                   for i, text in enumerate(legend_lines))
    legend_ends = (Dot(_n(MARGIN + 6), _n(y + 4), MUTED), Dot(_n(MARGIN + 6), _n(y + legend_h - 1), MUTED))
    legend_icon = _legend_icon(MARGIN + 6, y + 4, legend_h - 5)
    y += legend_h + 10

    bands: list[Band] = []
    place: dict[str, tuple[float, float, int]] = {}  # goal id → (top, bottom, position in reading order)
    labels: dict[str, str] = {}
    swatch_of: dict[str, Swatch] = {}
    for t, theme in enumerate(agenda.themes, start=1):
        band, y = _band(theme, t, by_theme[theme.id], y, place, labels, swatch_of, vocab.item.plural)
        bands.append(band)
        y += BAND_GAP
    height = math.ceil(y - BAND_GAP + MARGIN) if bands else math.ceil(y + MARGIN)

    pairs = _pairs(agenda, place)
    wiring = _wire(pairs, place, labels, swatch_of)
    description = _describe(agenda, by_theme, pairs, labels, vocab)
    svg = env.get_template(TEMPLATE).render(
        width=WIDTH, height=height, title=title, description=description, font=FONT,
        paper=PAPER, text=TEXT, muted=MUTED, legend=legend, legend_icon=legend_icon, legend_ends=legend_ends,
        bands=bands, wiring=wiring,
        title_size=TITLE_SIZE, header_size=HEADER_SIZE, legend_size=LEGEND_SIZE,
    )
    return Diagram(svg=svg, width=WIDTH, height=height, description=description)


def _band(theme: Theme, number: int, goals: Sequence[Goal], top: float,
          place: dict[str, tuple[float, float, int]], labels: dict[str, str],
          swatch_of: dict[str, Swatch], items: str = "doelen") -> tuple[Band, float]:
    """Lay out one theme band from `top`; returns it and its bottom (`items`: what goals are called)."""
    swatch = PALETTE[(number - 1) % len(PALETTE)]
    x = MARGIN
    text_x = x + 12
    indent = _text_width(str(number), HEADER_SIZE, bold=True) + 10  # the title hangs beside its number
    budget = BAND_WIDTH - 24 - indent
    title_lines = _wrap(_oneline(theme.title), HEADER_SIZE, budget, bold=True)
    header_h = len(title_lines) * HEADER_LINE + 2 * HEADER_PAD - 4
    baseline = top + HEADER_PAD + HEADER_SIZE - 1
    number_at = Line.at(text_x, baseline, str(number))
    lines = tuple(Line.at(text_x + indent, baseline + i * HEADER_LINE, text, HEADER_SIZE, budget, bold=True)
                  for i, text in enumerate(title_lines))
    y = top + header_h + BAND_PAD
    box_x = x + BAND_PAD
    box_w = BAND_WIDTH - 2 * BAND_PAD
    boxes: list[Box] = []
    for g, goal in enumerate(goals, start=1):
        label = f"{number}.{g}"
        goal_title = _oneline(goal.title)
        budget = box_w - BADGE - 18
        wrapped = _wrap(goal_title, TITLE_SIZE, budget)
        h = len(wrapped) * TITLE_LINE + 2 * BOX_PAD
        first = y + BOX_PAD + TITLE_SIZE - 1
        boxes.append(Box(
            outline=_rounded(box_x, y, box_w, h, BOX_RADIUS, BOX_RADIUS),
            badge=_rounded(box_x, y, BADGE, h, BOX_RADIUS, 0),
            number_at=Line.at(box_x + BADGE / 2, first, label),
            lines=tuple(Line.at(box_x + BADGE + 10, first + i * TITLE_LINE, text, TITLE_SIZE, budget)
                        for i, text in enumerate(wrapped)),
            swatch=swatch,
        ))
        place[goal.id] = (y, y + h, len(place))
        labels[goal.id] = label
        swatch_of[goal.id] = swatch
        y += h + BOX_GAP
    empty = None
    if not goals:
        empty = Line.at(box_x + 4, y + TITLE_SIZE, f"nog geen {items}")
        y += TITLE_LINE + BOX_GAP
    bottom = y - BOX_GAP + BAND_PAD
    band = Band(
        number_at=number_at,
        background=_rounded(x, top, BAND_WIDTH, bottom - top, RADIUS, RADIUS),
        header=_rounded(x, top, BAND_WIDTH, header_h, RADIUS, RADIUS, square_bottom=True),
        lines=lines,
        boxes=tuple(boxes),
        empty=empty,
        swatch=swatch,
    )
    return band, bottom


def _pairs(agenda: Agenda, place: dict[str, tuple[float, float, int]]) -> list[tuple[Goal, Goal]]:
    """The relations to draw, upper goal first; a pair declared on both goals is drawn once."""
    seen: set[tuple[str, str]] = set()
    pairs = []
    for source, target, _ in agenda.relations():
        if source.id == target.id or source.id not in place or target.id not in place:
            continue
        upper, lower = (source, target) if place[source.id][2] < place[target.id][2] else (target, source)
        if (upper.id, lower.id) not in seen:
            seen.add((upper.id, lower.id))
            pairs.append((upper, lower))
    return pairs


def _wire(pairs: list[tuple[Goal, Goal]], place: dict[str, tuple[float, float, int]], labels: dict[str, str],
          swatch_of: dict[str, Swatch]) -> Wiring:
    """Place each relation's two ends on the boxes and draw it as an arc in the gutter."""
    levels = _levels([(place[upper.id][2], place[lower.id][2]) for upper, lower in pairs], len(place))
    # Ends on a box, top to bottom: arcs going up from inner to outer, then arcs going
    # down from outer to inner, so nested arcs leave the box nested instead of crossing.
    ends: dict[str, list[tuple[int, int, int]]] = {}
    for i, (upper, lower) in enumerate(pairs):
        ends.setdefault(upper.id, []).append((1, -levels[i], i))
        ends.setdefault(lower.id, []).append((0, levels[i], i))
    port: dict[tuple[int, str], float] = {}
    for goal_id, items in ends.items():
        items.sort()
        top, bottom, _ = place[goal_id]
        gap = min(PORT_GAP, (bottom - top - 2 * BOX_RADIUS) / max(len(items) - 1, 1))
        first = (top + bottom) / 2 - gap * (len(items) - 1) / 2
        for k, (_, _, i) in enumerate(items):
            port[(i, goal_id)] = first + k * gap

    right = MARGIN + BAND_WIDTH - BAND_PAD
    reach = WIDTH - MARGIN - right - 4
    deepest = max(levels, default=1)
    step = min(LEVEL_STEP, (reach - ARC_MIN) / max(deepest - 1, 1))
    stroke_width = max(0.8, min(2.2, step / 2))  # thinner lines when many levels share the gutter
    order = sorted(range(len(pairs)), key=lambda i: (-levels[i], i))  # outer arcs underneath
    arcs: list[Arc] = []
    used: dict[tuple[str, str], Gradient] = {}
    for i in order:
        upper, lower = pairs[i]
        y1, y2 = port[(i, upper.id)], port[(i, lower.id)]
        depth = ARC_MIN + (levels[i] - 1) * step
        path = _bracket(right, y1, y2, depth, CORNER)
        top_ink, bottom_ink = swatch_of[upper.id].ink, swatch_of[lower.id].ink
        if top_ink == bottom_ink:
            stroke = top_ink
        else:
            key = (top_ink, bottom_ink)
            if key not in used:
                used[key] = Gradient(f"verloop-{len(used) + 1}", top_ink, bottom_ink)
            stroke = f"url(#{used[key].id})"
        arcs.append(Arc(path, stroke, f"{labels[upper.id]} – {labels[lower.id]}"))
    dots = [Dot(_n(right), _n(port[(i, goal_id)]), swatch_of[goal_id].ink)
            for i, (upper, lower) in enumerate(pairs) for goal_id in (upper.id, lower.id)]
    return Wiring(arcs, list(used.values()), dots, _n(stroke_width), _n(stroke_width * 1.4))


def _levels(spans: list[tuple[int, int]], size: int) -> list[int]:
    """Nesting level of each arc (from 1): one more than any shorter arc it overlaps.

    Arcs are taken from short to long and a segment tree keeps the highest level placed
    so far, so this takes O(k log n) rather than comparing all pairs. An arc between goal
    positions a < b covers the slots 2a+1 … 2b-1: arcs that merely meet at a goal, one
    arriving and one leaving, do not overlap (their ends sit apart on the box).
    """
    tree = _Skyline(max(2 * size, 1))
    levels = [0] * len(spans)
    for i in sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i][0], i)):
        lo, hi = 2 * spans[i][0] + 1, 2 * spans[i][1] - 1
        levels[i] = tree.highest(lo, hi) + 1
        tree.raise_to(lo, hi, levels[i])
    return levels


class _Skyline:
    """Range "raise to at least v" and range maximum over positions 0..size-1 (bottom-up segment tree)."""

    def __init__(self, size: int) -> None:
        self.leaves = 1 << max(size - 1, 0).bit_length()  # a power of two: every node is one contiguous range
        self.high = [0] * (2 * self.leaves)  # the highest value anywhere in a node's range
        self.floor = [0] * (2 * self.leaves)  # a value raised over a node's whole range

    def raise_to(self, lo: int, hi: int, value: int) -> None:
        high, floor = self.high, self.floor
        left, right = lo + self.leaves, hi + self.leaves + 1
        edges = (left >> 1, (right - 1) >> 1)
        while left < right:
            if left & 1:
                high[left] = max(high[left], value)
                floor[left] = max(floor[left], value)
                left += 1
            if right & 1:
                right -= 1
                high[right] = max(high[right], value)
                floor[right] = max(floor[right], value)
            left >>= 1
            right >>= 1
        for node in edges:
            while node:
                high[node] = max(high[node], value)
                node >>= 1

    def highest(self, lo: int, hi: int) -> int:
        high, floor = self.high, self.floor
        left, right = lo + self.leaves, hi + self.leaves + 1
        edges = (left >> 1, (right - 1) >> 1)
        best = 0
        while left < right:
            if left & 1:
                best = max(best, high[left])
                left += 1
            if right & 1:
                right -= 1
                best = max(best, high[right])
            left >>= 1
            right >>= 1
        # A value raised over a node that sticks out of [lo, hi] still covers its part inside.
        for node in edges:
            while node:
                best = max(best, floor[node])
                node >>= 1
        return best


def _describe(agenda: Agenda, by_theme: dict[str, list[Goal]], pairs: list[tuple[Goal, Goal]],
              labels: dict[str, str], vocab: Vocabulary) -> str:
    """A one-paragraph text alternative: the counts and the most connected goals."""
    themes = len(agenda.themes)
    goals = sum(len(goals) for goals in by_theme.values())
    group, item = vocab.group, vocab.item
    text = (f"Diagram van {_count(themes, group.singular, group.plural)} met "
            f"{_count(goals, item.singular, item.plural)} en {_count(len(pairs), 'relatie', 'relaties')} tussen "
            f"{item.plural}.")
    if goals:
        text += (f" Per {group.singular} staan de {item.plural} als genummerde vakken onder elkaar"
                 + (f"; een boog rechts verbindt twee {item.plural} die samenhangen." if pairs else "."))
    degree: dict[str, int] = {}
    for upper, lower in pairs:
        degree[upper.id] = degree.get(upper.id, 0) + 1
        degree[lower.id] = degree.get(lower.id, 0) + 1
    goal_of = {goal.id: goal for goals in by_theme.values() for goal in goals}
    position = {goal_id: i for i, goal_id in enumerate(goal_of)}
    top = heapq.nsmallest(3, degree, key=lambda goal_id: (-degree[goal_id], position[goal_id]))
    if top:
        named = [f"{labels[g]} “{_oneline(goal_of[g].title)}” ({_count(degree[g], 'relatie', 'relaties')})"
                 for g in top]
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " en " + named[-1]
        text += (" Het meest verbonden " + ("is " if len(named) == 1 else "zijn ") + listed + ".")
    return text


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _oneline(text: str) -> str:
    return " ".join(str(text).split())


def _n(value: float) -> str:
    """A coordinate with at most one decimal, so the output is short and stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _rounded(x: float, y: float, w: float, h: float, left: float, right: float, *,
             square_bottom: bool = False) -> str:
    """A rectangle path with corner radius `left` on the left and `right` on the right."""
    bl = 0 if square_bottom else left
    br = 0 if square_bottom else right
    parts = [f"M{_n(x + left)} {_n(y)}H{_n(x + w - right)}"]
    if right:
        parts.append(f"a{_n(right)} {_n(right)} 0 0 1 {_n(right)} {_n(right)}")
    parts.append(f"V{_n(y + h - br)}")
    if br:
        parts.append(f"a{_n(br)} {_n(br)} 0 0 1 {_n(-br)} {_n(br)}")
    parts.append(f"H{_n(x + bl)}")
    if bl:
        parts.append(f"a{_n(bl)} {_n(bl)} 0 0 1 {_n(-bl)} {_n(-bl)}")
    parts.append(f"V{_n(y + left)}")
    if left:
        parts.append(f"a{_n(left)} {_n(left)} 0 0 1 {_n(left)} {_n(-left)}")
    return "".join(parts) + "Z"


def _bracket(x: float, y1: float, y2: float, depth: float, corner: float) -> str:
    """An arc from (x, y1) out to x + depth, down and back to (x, y2), with rounded corners.

    A straight run at its own depth keeps each arc apart from its neighbours all the
    way to its ends, where a single curve would hug the boxes' edge.
    """
    r = min(depth, corner, (y2 - y1) / 2)
    k = 0.5523  # cubic approximation of a quarter ellipse
    far = x + depth
    return (f"M{_n(x)} {_n(y1)}C{_n(x + k * depth)} {_n(y1)} {_n(far)} {_n(y1 + r - k * r)} {_n(far)} {_n(y1 + r)}"
            f"V{_n(y2 - r)}C{_n(far)} {_n(y2 - r + k * r)} {_n(x + k * depth)} {_n(y2)} {_n(x)} {_n(y2)}")


def _legend_icon(x: float, y: float, h: float) -> str:
    """A small arc like the ones in the gutter, for the legend."""
    return f"M{_n(x)} {_n(y)}C{_n(x + 18)} {_n(y)} {_n(x + 18)} {_n(y + h)} {_n(x)} {_n(y + h)}"


# Approximate advance widths in em, on the wide side (DejaVu Sans, the usual Linux
# fallback), so a wrapped line also fits in narrower phone fonts.
_WIDTHS: dict[str, float] = {
    **dict.fromkeys("ijl'|!.,:;", 0.29),
    **dict.fromkeys("ft", 0.38),
    **dict.fromkeys("r()[]-", 0.41),
    **dict.fromkeys("sczIJ", 0.53),
    **dict.fromkeys("kvxy", 0.6),
    "m": 0.98, "w": 0.82, "M": 0.87, "W": 1.0, "&": 0.78, "<": 0.84, ">": 0.84, '"': 0.46, " ": 0.32,
    **dict.fromkeys("ABCDEFGHKLNOPQRSTUVXYZ", 0.74),
}
_DEFAULT_WIDTH = 0.62


def _text_width(text: str, size: float, bold: bool = False) -> float:
    em = sum(_WIDTHS.get(char, _DEFAULT_WIDTH) for char in text)
    return em * size * (1.1 if bold else 1.0)


def _wrap(text: str, size: float, budget: float, *, bold: bool = False) -> list[str]:
    """Greedy wrap at spaces to `budget` user units; a word longer than a line keeps its own line."""
    lines: list[str] = []
    line: list[str] = []
    width = 0.0
    space = _text_width(" ", size, bold)
    for word in text.split():
        w = _text_width(word, size, bold)
        if line and width + space + w > budget:
            lines.append(" ".join(line))
            line, width = [word], w
        else:
            width = w if not line else width + space + w
            line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines or [""]
