"""Tests of koers.textdiff: tokens, normalisation, word redlines and alignment."""

from __future__ import annotations

import random

import pytest

from koers.textdiff import (
    Match,
    Segment,
    align_blocks,
    align_items,
    changed,
    diff_words,
    longest_increasing,
    normalise,
    paragraphs,
    similarity,
    tokenize,
)

E, INS, D = "equal", "insert", "delete"
LONG = (
    "In onze gemeente leven inwoners met een laag inkomen gemiddeld zeven jaar korter dan "
    "inwoners met een hoog inkomen. Dat verschil willen we kleiner maken. Sport en bewegen "
    "zijn daarbij belangrijk, maar ook een gezonde omgeving: schone lucht, groen in de wijk "
    "en veilige routes naar school. We werken samen met huisartsen, scholen en de GGD. "
) * 5


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("", []),
        ("woord", ["woord"]),
        ("Twee woorden.", ["Twee", " ", "woorden", "."]),
        ("a,b", ["a", ",", "b"]),
        ("  voor\n\tna ", ["  ", "voor", "\n\t", "na", " "]),
        ("auto’s en auto's", ["auto’s", " ", "en", " ", "auto's"]),
        ("Noord-Holland", ["Noord-Holland"]),
        ("€ 1.000,50 of 3,5%", ["€", " ", "1.000,50", " ", "of", " ", "3,5", "%"]),
        ("in 2030.Dan", ["in", " ", "2030", ".", "Dan"]),
        ("“citaat”", ["“", "citaat", "”"]),
        ("één café", ["één", " ", "café"]),
        ("(zie: 'x')", ["(", "zie", ":", " ", "'", "x", "'", ")"]),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens
    assert "".join(tokenize(text)) == text


def test_tokenize_rejoins_long_text_exactly() -> None:
    assert "".join(tokenize(LONG)) == LONG


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("   ", ""),
        ("a  b\n c\t", "a b c"),
        ("“dubbel” ‘enkel’ „laag‟ ‚x‛ \"recht\"", "'dubbel' 'enkel' 'laag' 'x' 'recht'"),
        ("auto’s", "auto's"),
        ("cafe\u0301", "café"),  # NFD to NFC
        ("zacht\u00adafbreek\u200bteken", "zachtafbreekteken"),
        ("a\u00a0b", "a b"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("old", "new", "segments"),
    [
        ("", "", []),
        ("Gelijk.", "Gelijk.", [(E, "Gelijk.")]),
        ("", "Nieuw.", [(INS, "Nieuw.")]),
        ("Oud.", "", [(D, "Oud.")]),
        # against nothing (a first or last version): cleaned like every other text
        ("", "  Een \u200b tekst ,\n zo ", [(INS, "Een tekst , zo")]),
        ("Oud \n\n tekst", " \u200b", [(D, "Oud tekst")]),
        (" \u200b", "\n", []),
        ("naar 60 procent", "naar 65 procent", [(E, "naar "), (D, "60"), (INS, "65"), (E, " procent")]),
        ("Klaar.", "Klaar!", [(E, "Klaar"), (D, "."), (INS, "!")]),
        ("a, b", "a; b", [(E, "a"), (D, ","), (INS, ";"), (E, " b")]),
        ("lange\nregel  tekst", "lange regel\ntekst", [(E, "lange regel tekst")]),
        ("foo,bar", "foo, bar", [(E, "foo, bar")]),
        ("‘auto’s’", "'auto's'", [(E, "'auto's'")]),
        ("cafe\u0301 open", "café dicht", [(E, "café "), (D, "open"), (INS, "dicht")]),
        ("Eén doel.", "Eén doel. Twee doelen.", [(E, "Eén doel."), (INS, " Twee doelen.")]),
        (
            "Inwoners voelen zich veilig op straat en in hun eigen huis.",
            "Het aantal woninginbraken daalt elk jaar met tien procent.",
            [
                (D, "Inwoners voelen zich veilig op straat en in hun eigen huis"),
                (INS, "Het aantal woninginbraken daalt elk jaar met tien procent"),
                (E, "."),
            ],
        ),
    ],
)
def test_diff_words(old: str, new: str, segments: list[tuple[str, str]]) -> None:
    assert [(s.op, s.text) for s in diff_words(old, new)] == segments


def test_diff_words_of_long_paragraph_keeps_changes_local() -> None:
    new = LONG.replace("zeven jaar", "zes jaar", 1).replace("de GGD", "het wijkteam", 2)
    segments = diff_words(LONG, new)
    changes = [(s.op, s.text) for s in segments if s.op != "equal"]
    assert changes == [(D, "zeven"), (INS, "zes"), (D, "de GGD"), (INS, "het wijkteam"),
                       (D, "de GGD"), (INS, "het wijkteam")]
    assert "".join(s.text for s in segments if s.op != "delete") == new.strip()
    assert diff_words(LONG, new) == segments  # deterministic


@pytest.mark.parametrize(
    ("old", "new", "is_changed", "low", "high"),
    [
        ("", "", False, 1.0, 1.0),
        ("a b c d", "a b c d", False, 1.0, 1.0),
        ("a b c d", "a  b\nc d", False, 1.0, 1.0),
        ("a b c d", "a b c e", True, 0.75, 0.75),
        ("a b", "c d", True, 0.0, 0.0),
        ("", "iets", True, 0.0, 0.0),
        ("Klaar.", "Klaar!", True, 0.5, 0.5),
        ("“x”", '"x"', False, 1.0, 1.0),
    ],
)
def test_similarity_and_changed(old: str, new: str, is_changed: bool, low: float, high: float) -> None:
    assert changed(old, new) is is_changed
    assert low <= similarity(old, new) <= high


@pytest.mark.parametrize(
    ("values", "weights", "kept"),
    [
        ([], None, set()),
        ([0, 1, 2], None, {0, 1, 2}),
        ([2, 0, 1], None, {1, 2}),
        ([1, 0], None, {1}),
        ([1, 0, 2], None, {1, 2}),
        ([3, 1, 2, 0], None, {1, 2}),
        ([1, 0], [5, 1], {0}),
        ([2, 0, 1], [5, 1, 1], {0}),
    ],
)
def test_longest_increasing(values: list[int], weights: list[int] | None, kept: set[int]) -> None:
    assert longest_increasing(values, weights) == kept


def _longest_increasing_by_hand(values: list[int], weights: list[int]) -> set[int]:
    """The quadratic definition: each item extends the heaviest, then latest, smaller one before it."""
    best: list[int] = []
    previous: list[int | None] = []
    for i, value in enumerate(values):
        before = [j for j in range(i) if values[j] < value]
        j = max(reversed(before), key=lambda k: best[k], default=None)
        best.append(weights[i] + (best[j] if j is not None else 0))
        previous.append(j)
    keep, cursor = set(), max(reversed(range(len(values))), key=lambda k: best[k], default=None)
    while cursor is not None:
        keep.add(cursor)
        cursor = previous[cursor]
    return keep


def test_longest_increasing_agrees_with_its_quadratic_definition() -> None:
    rnd = random.Random(2017)
    for trial in range(3000):
        n = rnd.randint(0, 14)
        values = rnd.sample(range(40), n) if trial % 2 else [rnd.randint(0, 6) for _ in range(n)]
        weights = [rnd.choice([1, 1, 2, n + 1]) for _ in range(n)]
        assert longest_increasing(values, weights) == _longest_increasing_by_hand(values, weights), (values, weights)


def m(kind: str, old: int | None, new: int | None, moved: bool = False) -> Match:
    return Match(kind, old, new, moved)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new", "matches"),
    [
        ([], [], []),
        (["A."], ["A."], [m("equal", 0, 0)]),
        ([], ["A."], [m("added", None, 0)]),
        (["A."], [], [m("removed", 0, None)]),
        (["A.", "B.", "C."], ["C.", "A.", "B."],
         [m("equal", 2, 0, moved=True), m("equal", 0, 1), m("equal", 1, 2)]),
        (["A.", "B.", "C."], ["A.", "C."], [m("equal", 0, 0), m("removed", 1, None), m("equal", 2, 1)]),
        # identical items keep their place before reworded ones do
        (["x y z.", "B."], ["B.", "x y q."], [m("equal", 1, 0), m("reworded", 0, 1, moved=True)]),
        (["een twee drie"], ["vier vijf zes"], [m("removed", 0, None), m("added", None, 0)]),
        (["’t Is zo."], ["'t  Is\nzo."], [m("equal", 0, 0)]),
        (["Zelfde.", "Zelfde."], ["Zelfde.", "Nieuw.", "Zelfde."],
         [m("equal", 0, 0), m("added", None, 1), m("equal", 1, 2)]),
    ],
)
def test_align_items(old: list[str], new: list[str], matches: list[Match]) -> None:
    assert align_items(old, new) == matches


@pytest.mark.parametrize(
    ("old", "new", "matches"),
    [
        ([], [], []),
        (["a b"], ["a  b"], [m("equal", 0, 0)]),
        ([], ["a", "b"], [m("added", None, 0), m("added", None, 1)]),
        (["a", "b"], [], [m("removed", 0, None), m("removed", 1, None)]),
        (["a b c d"], ["a b c e", "nieuw"], [m("reworded", 0, 0), m("added", None, 1)]),
        (["weg hier", "a b c d"], ["a b c e"], [m("removed", 0, None), m("reworded", 1, 0)]),
        # order is kept: a block that moved and changed shows as added and removed
        (["p", "q r s t"], ["q r s u", "p"], [m("added", None, 0), m("equal", 0, 1), m("removed", 1, None)]),
    ],
)
def test_align_blocks(old: list[str], new: list[str], matches: list[Match]) -> None:
    assert align_blocks(old, new) == matches


@pytest.mark.parametrize("items", [[], ["A."], ["Zelfde.", "B.", "Zelfde."], ["a b", "c", "a b", "d e f"]])
@pytest.mark.parametrize("align", [align_items, align_blocks])
def test_identical_lists_take_the_shortcut_to_the_same_answer(align, items: list[str]) -> None:
    # Identical lists skip the pairing; a trailing space makes the lists differ as text but
    # not for comparing, so the full pairing runs and must give exactly the same matches.
    assert align(items, list(items)) == align(items, [f"{t} " for t in items]) == [
        m("equal", i, i) for i in range(len(items))]


@pytest.mark.parametrize(
    ("markdown", "blocks"),
    [
        ("", []),
        ("een\ntwee", ["een\ntwee"]),
        ("een\n\ntwee\n \n\ndrie\n", ["een", "twee", "drie"]),
        ("\n\n- lijst\n- punt\n\n", ["- lijst\n- punt"]),
    ],
)
def test_paragraphs(markdown: str, blocks: list[str]) -> None:
    assert paragraphs(markdown) == blocks


def test_segment_is_plain_data() -> None:
    assert Segment("insert", "x") == Segment("insert", "x")
