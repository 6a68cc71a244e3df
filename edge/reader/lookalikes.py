"""Look-alike letters and digits told by the glyph's own shape where the LSTM hesitated
between them: G/6 and T/7 (round 12), Q/0, A/4, J/3, S/8 and 1/L (round 13), Chinese tails.

Why: a Chinese tail's slot takes a letter or a digit alike, so the grammar cannot choose
between look-alikes; G read as 6 was the commonest such confusion on the tuning seeds
999/777/4242 (桂AV012G and 云Z24G33 read with a 6, G the LSTM's runner-up), and T/7 confusions
are as frequent (贵D3225T's last T read 7). The binary glyph tells them apart: a 6 closes its
lower bowl (one hole, its top at least 0.42 of the glyph's height down on every narrow tuning
6 the true quads held, 89 glyphs), a G is open on the right (no hole, its middle empty:
>= 0.62 of a central box background on 38 G's; a 6 whose blur filled its bowl is ink there);
a 7's stem leans (its upper part right of its foot), a T's stands upright. Round 13's pairs,
on the same tuning true quads (every eng read, grey, binary, adaptive): a 0, plain or barred,
is as symmetric top to bottom as left to right (>= 0.82 on the 8 zeros read Q), a Q's tail is
not (<= 0.58 on 19 Q's); an A stands on two legs (63 of 65 A's judged A), a 4 on one stem
(134 of 143); a J's stem keeps its left edge (it moves <= 0.10 of the width over the middle
rows: 39 of 49 J's), a 3's arm and bowls move it (>= 0.33: 170 of 171 3s); an S has no hole
(31 of 34), an 8 two (176 of 176); an L's foot runs right of its stem, a 1 has a flag or
serif out left of it (149 of 149 1s, 40 of 42 L's: chi_sim's L for a 1 vetoed right passes).
No glyph of one was judged the other (the rest: neither).
So a character whose LSTM runner-up is the other of its pair and whose blob plainly has the
other's shape is read as the other, with no lead over its runner-up (as ``zeros.py``: the
LSTM's own answer was overruled, so such a read is never sure alone, and two agreeing on it
stay under the band). On a 2-row Chinese plate such a read's tail leads a tie with chi_sim's,
and where the two models' tails tie and differ only in look-alikes, the glyphs' shapes
choose (``tail_judge``, ``judged``). S/5 is not here: no shape measured on the generator's
fonts separates them (round 13).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from domain.plate_candidates import Candidate
from edge.reader.base import Frame
from edge.reader.engines import LineRead
from edge.reader.glyphshape import shape_says
from edge.reader.rowcut import glyphs_at, reshaped

#: The look-alike pairs judged by their glyph's shape: G/6 on every read, the others on
#: Chinese tails only (the caller's ``among``).
PAIRS = ("G6", "T7", "Q0", "A4", "J3", "S8", "1L")
#: The characters judged on Chinese tails (round 13: Q/0, A/4, J/3, S/8 added to T/7). 1/L
#: only between two models' plates (``judged``, ``names``): eng's 1 read L by its runner-up
#: made tuning 777's hard 桂L2S833 read 桂L25833 (eng's tail then cost 0 and led chi_sim's S).
CN_TAILS = "T7Q0A4J3S8"
#: Least LSTM confidence of the runner-up (a runner-up at 0.0 is no hesitation: a VN
#: plate's last 6 was read G on its blob, lost by the hole a JPEG's edge filled).
RUNNER_UP = 0.3
#: An LSTM slot whose every choice is under this gave no choice at all: an unknown, not a
#: read (round 15's zero-choice slots; ``latin.RUNNER_UP``).
UNKNOWN = 0.05
#: The pairs judged on such a slot: T/7 and A/4 (round 16; Q/0 and J/3 on unknown slots took
#: a right 0 to Q and a top-row J to 3 on the tuning and check seeds).
UNKNOWN_PAIRS = ("T7", "A4")
#: Pairs no shape judge separates, judged between two models' tails by the Latin classifier
#: alone (``cnlook.py``, round 18b): S/5 (round 13 found no shape), B/8, Z/2, D/0, Q/D.
CLASSIFIED_PAIRS = ("S5", "B8", "Z2", "D0", "QD")


def reread_lookalikes(got: LineRead, binary: Frame, among: str = "G6T7", *,
                      unknown: bool = False) -> LineRead:
    """``got`` with each character of ``among`` whose LSTM runner-up is the other of its
    pair and whose glyph in ``binary`` (the line as the segmentation's mask, dark ink on
    white) has the other's shape read as the other, with no lead over its runner-up.

    Only G/6 are judged on every read; the others on Chinese tails (the caller's
    ``among``): a VN plate's series T leaned like a 7 on its blob (tuning seed 999's easy
    21T-976.55 read 217 on it), and a VN slot's letter or digit is the grammar's to settle.
    """
    changes: dict[int, str] = {}
    for i, (ch, _, cx) in enumerate(got.chars):
        if ch not in among:
            continue
        alts = got.alts[i] if i < len(got.alts) else ()
        runner = next(((t, c) for t, c in alts if t != ch), None)
        if unknown:
            # ``unknown``: only the slots the LSTM gave no choice confidence (all ~0), which
            # name no runner-up either; such a glyph is judged against its pair's other
            # character (round 16: 桂A7CBB9's grey read 'T' with every choice at 0.0,
            # chi_sim's T agreeing, for a plain 7 the binary read named at 0.93; 粤B4CL75's
            # adaptive read 'A' for its 4).
            pair = next((p for p in UNKNOWN_PAIRS if ch in p), None)
            if pair is None or any(c >= UNKNOWN for _, c in alts):
                continue
            runner = (pair.replace(ch, ""), 1.0)
        if runner is None or runner[1] < RUNNER_UP:
            continue
        pair = next((p for p in PAIRS if ch in p and runner[0] in p and ch != runner[0]), None)
        if pair is None:
            continue
        blob = next(glyphs_at(binary, cx), None)
        if blob is not None and shape_says(blob, pair) == runner[0]:
            changes[i] = runner[0]
    return reshaped(got, changes)


def cn_tail(got: LineRead, plain: LineRead, eng: LineRead, binary: Frame, starts: list[float],
            two_rows: bool) -> tuple[LineRead, bool, frozenset[int]]:
    """A Chinese read's Latin line with its look-alikes judged (``CN_TAILS``, runner-ups;
    then T/7 slots with no choice at all, ``unknown``), whether such a slot was judged, and
    on a 2-row plate the bottom places whose character the Latin classifier named
    (``named_places``: eng's ``plain`` read against its classifier-read ``eng``).

    Why the last: where chi_sim's and eng's tails tie, the pool's order is the character
    code's, so chi_sim's 5 beat eng's S that the classifier named (round 16: 贵V66S44).
    """
    tail = reread_lookalikes(got, binary, CN_TAILS)
    guessed = reread_lookalikes(tail, binary, CN_TAILS, unknown=True)
    named = (named_places(plain, eng, starts) if two_rows and eng is not plain
             else frozenset())
    return guessed, guessed is not tail, named


def tail_of(got: LineRead, starts: list[float], two_rows: bool, size: int, trimmed: int
            ) -> LineRead:
    """``got`` cut to the Latin characters a Chinese plate of ``size`` tail characters was
    built from (as ``cntails.tail_stats`` counts them): a 2-row plate's top-row letter and
    its bottom rows' last five; a 1-row plate's tail before its ``trimmed`` end."""
    keep = [i for i, (ch, _, _) in enumerate(got.chars) if ch.isalnum()]
    if two_rows:
        top = [i for i in keep if not starts or got.chars[i][2] < starts[0]][-1:]
        keep = top + [i for i in keep if starts and got.chars[i][2] >= starts[0]][-5:]
    else:
        end = len(keep) - trimmed
        keep = keep[max(0, end - size):end]
    return replace(got, text="".join(got.chars[i][0] for i in keep),
                   chars=tuple(got.chars[i] for i in keep),
                   margins=tuple(got.margins[i] for i in keep if i < len(got.margins)),
                   alts=tuple(got.alts[i] for i in keep if i < len(got.alts)))


def hesitations(got: LineRead) -> LineRead:
    """``got`` with the margin of each slot the LSTM gave no choice at all (every choice
    under ``UNKNOWN``) set to 1: such a slot is an unknown, not a hesitation between two
    characters (``chinese.ROW_DOUBT``'s exception asks for hesitations; round 16)."""
    margins = tuple(1.0 if i < len(got.alts) and all(c < UNKNOWN for _, c in got.alts[i])
                    else m for i, m in enumerate(got.margins))
    return got if margins == got.margins else replace(got, margins=margins)


def named_places(plain: LineRead, final: LineRead, starts: list[float]) -> frozenset[int]:
    """The places (0-4, as ``tail_judge`` counts a 2-row plate's last five bottom
    characters) where ``final`` holds another character than eng's ``plain`` read at the
    same slot (the Latin classifier's, ``vouch.reread``)."""
    xs = [x for ch, _, x in final.chars if starts and x >= starts[0]
          for _ in range(sum(c.isalnum() for c in ch.upper()))][-5:]
    return frozenset(xs.index(x) for (a, _, x), (b, _, _) in zip(plain.chars, final.chars,
                                                                  strict=True)
                     if a != b and x in xs and len(b) == 1)


#: The shape's verdict on the k-th of a 2-row plate's last five bottom characters, judged as
#: one of a pair (``tail_judge``): the character its glyph plainly is, else None.
Judge = Callable[[int, str], "str | None"]


def tail_judge(got: LineRead, binary: Frame, starts: list[float]) -> Judge:
    """A judge of the glyphs of ``got``'s bottom rows (the characters at x >= ``starts[0]``),
    counted as ``cntails.two_row`` counts its Latin tail: the last five letters and digits.

    Why lazily: the glyphs are labelled only where chi_sim's and eng's tails tie and differ
    (``cntails.two_row``), not on every read.
    """
    xs = [x for ch, _, x in got.chars if starts and x >= starts[0]
          for _ in range(sum(c.isalnum() for c in ch.upper()))][-5:]

    def judge(k: int, pair: str) -> str | None:
        if not 0 <= k < len(xs):
            return None
        blob = next(glyphs_at(binary, xs[k]), None)
        return None if blob is None else shape_says(blob, pair)

    return judge


def line_judge(got: LineRead, binary: Frame) -> Judge:
    """A judge of the glyphs of ``got``'s whole line, the k-th letter or digit counted from
    the line's end (-1 the last): a 1-row Chinese tail sits at the end of its Latin read, any
    trimmed characters after it (``cntails.one_row``, round 13)."""
    xs = [x for ch, _, x in got.chars for _ in range(sum(c.isalnum() for c in ch.upper()))]

    def judge(k: int, pair: str) -> str | None:
        if not -len(xs) <= k < 0:
            return None
        blob = next(glyphs_at(binary, xs[k]), None)
        return None if blob is None else shape_says(blob, pair)

    return judge


def pair_of(a: str, b: str) -> str | None:
    """The look-alike pair ``a`` and ``b`` make, if any (a shape's or only the Latin
    classifier's, ``CLASSIFIED_PAIRS``)."""
    return next((p for p in PAIRS + CLASSIFIED_PAIRS if a != b and a in p and b in p), None)


def judged(pool: list[Candidate], best: Candidate, judge: Judge, tail: int = 5) -> Candidate:
    """Of two tails at ``best``'s cost that differ only in look-alikes (``PAIRS``), the one
    whose every differing character its glyph's shape names (round 13, ``cntails.two_row``;
    a 1-row plate's whole tail, ``tail`` its length, ``cntails.one_row``). ``judge`` is asked
    for the k-th of the last ``tail`` characters.

    Why: the tie is sorted by character code, so chi_sim's 3 beat eng's J by the code alone
    (tuning seed 999's easy 桂J9320J, as a JPEG: eng read the J, chi_sim 3); the glyph's
    stem, holes or legs are a third look at the one character the two models dispute.
    """
    for other in pool:
        if (other.cost != best.cost or len(other.plate) != len(best.plate)
                or other.plate[:-tail] != best.plate[:-tail]):
            continue
        if names(judge, other, best, tail):
            return other
    return best


def names(judge: Judge, one: Candidate, other: Candidate, tail: int) -> bool:
    """Whether the glyphs name ``one``'s character at every place of the last ``tail`` where
    it differs from ``other`` (a look-alike pair's shape or the Latin classifier; any other
    pair the classifier's alone, round 22)."""
    diffs = [(k, a, b) for k, (a, b) in enumerate(zip(one.plate[-tail:], other.plate[-tail:],
                                                       strict=True)) if a != b]
    # A pair of no shape judge nor ``CLASSIFIED_PAIRS`` (9/S, 9/Q) is the Latin classifier's
    # alone (``cnlook.judge``; a shape judge names none of it): round 22.
    return bool(diffs) and all(judge(k, pair_of(a, b) or a + b) == a for k, a, b in diffs)
