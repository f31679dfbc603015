"""Word-level comparison of prose, and alignment of lists of texts.

Texts are compared as sequences of tokens (words, punctuation, whitespace) and
shown as a redline of `Segment`s. Whitespace, line wrapping, quote style and
Unicode composition don't count as changes: "auto’s" and "auto's" are equal.

We use diff-match-patch rather than `difflib`: its semantic cleanup turns a
rewritten sentence into one deletion plus one insertion instead of confetti of
shared words ("de", "het", spaces), and with `Diff_Timeout = 0` its Myers diff
is exact and deterministic. `difflib` has no cleanup and needs `autojunk=False`
to stay correct on long texts.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from diff_match_patch import diff_match_patch

Op = Literal["equal", "insert", "delete"]
MatchKind = Literal["equal", "reworded", "added", "removed"]

_TOKEN = re.compile(
    r"\s+"
    r"|\d+(?:[.,]\d+)+"  # 1.000,50 and 3,5 stay one number
    r"|\w+(?:[-'’‘‛]\w+)*"  # auto's, Noord-Holland stay one word
    r"|[^\w\s]"
)
_QUOTES = str.maketrans({q: "'" for q in "‘’‚‛“”„‟\"'"})
_INVISIBLE = str.maketrans({c: None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"})
_SPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_OPS: dict[int, Op] = {0: "equal", 1: "insert", -1: "delete"}


@dataclass(frozen=True)
class Segment:
    """A run of text that is equal in both versions, inserted or deleted."""

    op: Op
    text: str


@dataclass(frozen=True)
class Match:
    """How an item of an old list relates to an item of a new list."""

    kind: MatchKind
    old_index: int | None
    new_index: int | None
    moved: bool = False


def tokenize(text: str) -> list[str]:
    """Split text into words, single punctuation marks and whitespace runs.

    `"".join(tokenize(text)) == text` always holds.
    """
    return _TOKEN.findall(text)


@lru_cache(maxsize=1 << 16)
def _clean(text: str) -> str:
    """NFC, invisible characters dropped, whitespace collapsed; quotes kept."""
    if not text.isascii():  # ASCII is in NFC already, and the invisible characters are not ASCII
        text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACE.sub(" ", text).strip()


def normalise(text: str) -> str:
    """The form of a text used for comparing: one space, one quote style, NFC."""
    return _clean(text).translate(_QUOTES)


@lru_cache(maxsize=1 << 16)
def comparable(text: str) -> tuple[str, ...]:
    """The tokens that count when comparing: normalised, whitespace left out.

    Two texts are the same for this module when these are equal, so adding a
    space ("foo,bar" → "foo, bar") is not a change either.
    """
    return tuple(t for t in tokenize(normalise(text)) if not t.isspace())


def changed(old: str, new: str) -> bool:
    """Whether the texts differ beyond whitespace, quote style and NFC."""
    return comparable(old) != comparable(new)


def _engine() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # no deadline: exact and reproducible
    return dmp


class _Encoder:
    """Maps tokens to single characters that keep the token's character class.

    Semantic cleanup looks at whether a character is a space, alphanumeric or
    punctuation to put edits on word boundaries, so words map to CJK ideographs
    (alphanumeric), punctuation to the Private Use Area and all whitespace to a
    plain space.
    """

    def __init__(self) -> None:
        self._codes: dict[str, str] = {" ": " "}
        self._words = _code_points([(0x4E00, 0x9FFF), (0x20000, 0x2A6DF), (0x30000, 0x3134A)])
        self._marks = _code_points([(0xE000, 0xF8FF), (0xF0000, 0xFFFFD)])

    def encode(self, keys: Sequence[str]) -> str:
        chars = []
        for key in keys:
            if key not in self._codes:
                source = self._words if key[0].isalnum() or key[0] == "_" else self._marks
                self._codes[key] = chr(next(source))
            chars.append(self._codes[key])
        return "".join(chars)


def _code_points(ranges: list[tuple[int, int]]) -> Iterator[int]:
    for start, end in ranges:
        yield from range(start, end + 1)


def _key(token: str) -> str:
    return " " if token.isspace() else token.translate(_QUOTES)


def diff_words(old: str, new: str) -> list[Segment]:
    """A word-level redline from `old` to `new`.

    Equal runs show the new text's characters. Whitespace is collapsed, so
    joining the equal and inserted segments gives the new text on one line.
    """
    return list(_diff_words(old, new))


# The same texts are compared again and again (a goal's results in every version pair and
# in every commit's history entry); a comparison never changes, so it is remembered.
@lru_cache(maxsize=1 << 16)
def _diff_words(old: str, new: str) -> tuple[Segment, ...]:
    if old == new:
        text = _clean(new)
        return (Segment("equal", text),) if text else ()
    old_clean, new_clean = _clean(old), _clean(new)
    if not old_clean or not new_clean:  # what the diff below gives, without tokens
        return (Segment("insert", new_clean),) if new_clean else (Segment("delete", old_clean),) if old_clean else ()
    old_tokens, new_tokens = tokenize(old_clean), tokenize(new_clean)
    encoder = _Encoder()
    dmp = _engine()
    diffs = dmp.diff_main(
        encoder.encode([_key(t) for t in old_tokens]),
        encoder.encode([_key(t) for t in new_tokens]),
        False,
    )
    dmp.diff_cleanupSemantic(diffs)
    segments: list[Segment] = []
    o = n = 0
    for code, chars in diffs:
        op, size = _OPS[code], len(chars)
        if op == "delete":
            text, o = "".join(old_tokens[o : o + size]), o + size
        else:
            text, n = "".join(new_tokens[n : n + size]), n + size
            o += size if op == "equal" else 0
        if text.isspace():
            if op == "delete":
                continue
            op = "equal"  # a space added between tokens is no change
        _append(segments, Segment(op, text))
    return tuple(segments)


def _append(segments: list[Segment], segment: Segment) -> None:
    if segments and segments[-1].op == segment.op:
        segments[-1] = Segment(segment.op, segments[-1].text + segment.text)
    else:
        segments.append(segment)


def similarity(old: str, new: str) -> float:
    """Share of the (non-whitespace) tokens the texts have in common, 0 to 1."""
    return _similarity(comparable(old), comparable(new))


def _similarity(old_keys: tuple[str, ...], new_keys: tuple[str, ...]) -> float:
    if not old_keys and not new_keys:
        return 1.0
    encoder = _Encoder()
    diffs = _engine().diff_main(encoder.encode(old_keys), encoder.encode(new_keys), False)
    common = sum(len(chars) for code, chars in diffs if code == 0)
    return 2 * common / (len(old_keys) + len(new_keys))


def _scorer(old: Sequence[str], new: Sequence[str], threshold: float) -> Callable[[int, int], float]:
    """`similarity` of old[o] and new[n], or 0 when it can't reach `threshold`.

    Shared words counted without order bound the similarity from above; that
    check is cheap and skips the diff for most pairs of unrelated paragraphs.
    """
    old_keys, new_keys = [comparable(t) for t in old], [comparable(t) for t in new]
    old_bags, new_bags = [Counter(k) for k in old_keys], [Counter(k) for k in new_keys]

    def score(o: int, n: int) -> float:
        size = len(old_keys[o]) + len(new_keys[n])
        if size and 2 * (old_bags[o] & new_bags[n]).total() < threshold * size:
            return 0.0
        return _similarity(old_keys[o], new_keys[n])

    return score


def paragraphs(markdown: str) -> list[str]:
    """The blank-line separated blocks of a Markdown text, stripped."""
    return [block.strip() for block in _BLANK_LINE.split(markdown) if block.strip()]


def longest_increasing(values: Sequence[int], weights: Sequence[int] | None = None) -> set[int]:
    """Indices into `values` of the heaviest strictly increasing subsequence.

    Items outside it are the ones that moved: the rest kept their relative
    order. Weights (positive) default to 1; on a tie the later item stays, so an
    item that jumps ahead counts as moved. O(n log n): a theme holds hundreds of
    goals at scale, and every pair of versions compares each theme's order.
    """
    weights = weights or [1] * len(values)
    rank = {v: r for r, v in enumerate(sorted(set(values)), start=1)}
    # A Fenwick tree over the ranks of values: the best (weight, index) among the items
    # seen so far with a value of at most that rank; tuples make the later index win ties.
    tree: list[tuple[int, int]] = [(0, -1)] * (len(rank) + 1)
    best: list[int] = []
    previous: list[int | None] = []
    for i, value in enumerate(values):
        top, r = (0, -1), rank[value] - 1  # strictly smaller values only
        while r > 0:
            top, r = max(top, tree[r]), r - (r & -r)
        best.append(weights[i] + top[0])
        previous.append(top[1] if top[1] >= 0 else None)
        r = rank[value]
        while r < len(tree):
            tree[r], r = max(tree[r], (best[i], i)), r + (r & -r)
    keep: set[int] = set()
    cursor = max(reversed(range(len(values))), key=lambda k: best[k], default=None)
    while cursor is not None:
        keep.add(cursor)
        cursor = previous[cursor]
    return keep


def _best_pairs(
    old: Sequence[int],
    new: Sequence[int],
    score: Callable[[int, int], float],
    threshold: float,
    *,
    crossing: bool = True,
) -> list[tuple[int, int]]:
    """Pairs of (old, new) by descending score, each item used at most once.

    With `crossing=False` a pair is skipped when it would cross an earlier one.
    """
    scored = sorted(
        ((score(o, n), o, n) for o in old for n in new),
        key=lambda s: (-s[0], s[2], s[1]),
    )
    pairs: list[tuple[int, int]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for value, o, n in scored:
        if value < threshold:
            break
        if o in used_old or n in used_new:
            continue
        if not crossing and any((o < po) != (n < pn) for po, pn in pairs):
            continue
        used_old.add(o)
        used_new.add(n)
        pairs.append((o, n))
    return pairs


def _trivial(old: Sequence[str], new: Sequence[str]) -> list[Match] | None:
    """What `align_items` and `align_blocks` give for identical lists or an empty side, without
    comparing a word (a goal's first version is all added: every goal of the first commit)."""
    if not old or not new:
        return [Match("added", None, n) for n in range(len(new))] + [Match("removed", o, None) for o in range(len(old))]
    if len(old) == len(new) and all(a == b for a, b in zip(old, new)):
        return [Match("equal", i, i) for i in range(len(new))]
    return None


def align_items(old: Sequence[str], new: Sequence[str], threshold: float = 0.5) -> list[Match]:
    """Align two lists whose order may change, such as the results of a goal.

    Identical items pair first (in order, for duplicates); the rest pair
    greedily by `similarity` ≥ `threshold` as "reworded". Pairs outside the
    longest run that kept its order are `moved`; identical pairs get priority
    to stay. Returned in the new order, removed items after the old item they
    followed.
    """
    if (trivial := _trivial(old, new)) is not None:
        return trivial
    keys = [comparable(t) for t in old]
    waiting: dict[tuple[str, ...], list[int]] = {}
    for o in reversed(range(len(old))):
        waiting.setdefault(keys[o], []).append(o)
    pairs: dict[int, int] = {}  # new index -> old index
    for n, text in enumerate(new):
        stack = waiting.get(comparable(text))
        if stack:
            pairs[n] = stack.pop()
    paired_old = set(pairs.values())
    rest_old = [o for o in range(len(old)) if o not in paired_old]
    rest_new = [n for n in range(len(new)) if n not in pairs]
    score = _scorer(old, new, threshold)
    reworded = {n: o for o, n in _best_pairs(rest_old, rest_new, score, threshold)}
    pairs.update(reworded)
    order = sorted(pairs)
    heavy = len(order) + 1  # identical pairs stay in place before reworded ones do
    weights = [1 if n in reworded else heavy for n in order]
    stay = {order[i] for i in longest_increasing([pairs[n] for n in order], weights)}

    placed: list[tuple[tuple[int, int, int], Match]] = []
    for n in range(len(new)):
        if n not in pairs:
            placed.append(((n, 0, 0), Match("added", None, n)))
        else:
            kind: MatchKind = "reworded" if n in reworded else "equal"
            placed.append(((n, 0, 0), Match(kind, pairs[n], n, moved=n not in stay)))
    new_of = {pairs[n]: n for n in stay}
    for o in set(rest_old) - set(reworded.values()):
        anchor = max((new_of[p] for p in range(o) if p in new_of), default=-1)
        placed.append(((anchor, 1, o), Match("removed", o, None)))
    return [match for _, match in sorted(placed, key=lambda p: p[0])]


def align_blocks(old: Sequence[str], new: Sequence[str], threshold: float = 0.5) -> list[Match]:
    """Align two ordered lists of blocks, such as the paragraphs of a text.

    Uses `difflib.SequenceMatcher` on normalised blocks; inside a replaced
    stretch, the most similar blocks pair first as "reworded" as long as pairs
    don't cross. Removed blocks come before added ones at the same place.
    """
    if (trivial := _trivial(old, new)) is not None:
        return trivial
    old_keys, new_keys = [comparable(t) for t in old], [comparable(t) for t in new]
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    matches: list[Match] = []
    score = _scorer(old, new, threshold)
    for tag, o1, o2, n1, n2 in matcher.get_opcodes():
        if tag == "equal":
            matches.extend(Match("equal", o, n) for o, n in zip(range(o1, o2), range(n1, n2)))
            continue
        pairs = _best_pairs(range(o1, o2), range(n1, n2), score, threshold, crossing=False)
        o, n = o1, n1
        for po, pn in sorted(pairs) + [(o2, n2)]:
            matches.extend(Match("removed", i, None) for i in range(o, po))
            matches.extend(Match("added", None, i) for i in range(n, pn))
            if po < o2:
                matches.append(Match("reworded", po, pn))
            o, n = po + 1, pn + 1
    return matches
