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

import cv2
import numpy as np

from domain.plate_candidates import Candidate
from edge.reader.base import Frame
from edge.reader.engines import LineRead
from edge.reader.rowcut import TEXT_HEIGHT, glyphs_at, reshaped

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
#: Least blob height, as a share of the row's character height; most width over height
#: (two glyphs joined into one blob are not judged).
TALL = 0.6
NARROW = 0.75
#: Least hole area (px, at ~60 px characters): specks inside a stroke are no holes.
HOLE_AREA = 6
#: A G's middle (rows 0.4-0.8, columns 0.3-0.7 of its box) is at least this much background.
OPEN = 0.5
#: A 6's hole starts at least this far down its glyph (its lower bowl; 0.42 at least seen).
LOW_HOLE = 0.3
#: A 7's stem leans: its ink's mean x at rows 0.2-0.35 lies right of its foot's (rows
#: 0.85-1) by at least this share of the width (0.21-0.41 on 97 tuning 7s); a T's upright
#: stem by at most ``UPRIGHT`` (-0.02-0.05 on 30 T's).
LEANS = 0.15
UPRIGHT = 0.09
#: A 0 (plain or barred) overlaps its mirror images, left-right and top-bottom, by at least
#: this; a Q's tail leaves its top-bottom overlap at most ``TAILED``.
OVAL = 0.75
TAILED = 0.65
#: A Q's box may be wider than a digit's (its tail).
WIDE_Q = 0.95
#: The glyph's bottom rows whose runs of ink are its legs (A) or its stem (4).
FOOT = 0.12
#: The leftmost ink over rows 0.25-0.7 moves at most this share of the width down a J's stem,
#: at least ``CURVED`` over a 3's arm and bowls.
STRAIGHT = 0.15
CURVED = 0.28
#: Foot (rows 0.85-1) right of the stem (rows 0.3-0.7), share of the height: an L's >= 0.24
#: (40 of 42 tuning L's), a 1's serif <= 0.20 (149 1s); out left (foot or flag): a 1 >= 0.11.
FOOT_RUNS = 0.22
SERIF = 0.2
FLAG = 0.08
BARE = 0.05


def _holes(blob: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The bounding boxes (in ``blob``'s coordinates) of the blob's holes."""
    m = np.asarray(cv2.copyMakeBorder(blob, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=0), np.uint8)
    contours, hierarchy = cv2.findContours(m, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return []
    out = []
    for c, link in zip(contours, hierarchy[0], strict=True):
        if link[3] >= 0 and cv2.contourArea(c) > HOLE_AREA:
            x, y, w, h = cv2.boundingRect(c)
            out.append((x - 2, y - 2, w, h))
    return out


def _lean(blob: np.ndarray) -> float | None:
    """How far right of its foot the stem's upper part lies, as a share of the width."""
    h, w = blob.shape
    upper = np.nonzero(blob[int(0.2 * h):int(0.35 * h)])[1]
    foot = np.nonzero(blob[int(0.85 * h):])[1]
    if not upper.size or not foot.size:
        return None
    return float(upper.mean() - foot.mean()) / w


def _edge(blob: np.ndarray, y0: float, y1: float) -> np.ndarray:
    """The leftmost ink's x in each row from ``y0`` to ``y1`` (shares of the glyph's height),
    as a share of its width; rows without ink left out."""
    h, w = blob.shape
    rows = blob[int(y0 * h):max(int(y1 * h), int(y0 * h) + 1)]
    has = rows.any(axis=1)
    return np.asarray(rows[has].argmax(axis=1), np.float64) / w


def _mirrors(blob: np.ndarray) -> tuple[float, float]:
    """Overlap of the ink with its mirror image, left-right and top-bottom (0..1)."""
    ink = blob.astype(bool)
    return tuple(float((ink & m).sum()) / max(int((ink | m).sum()), 1)  # type: ignore[return-value]
                 for m in (ink[:, ::-1], ink[::-1, :]))


def _legs(blob: np.ndarray) -> list[int]:
    """How many runs of ink each of the glyph's bottom rows (its last ``FOOT``) holds."""
    h = blob.shape[0]
    rows = np.pad(blob[int((1 - FOOT) * h):].astype(np.int8), ((0, 0), (1, 1)))
    return [int(n) for n in (np.diff(rows, axis=1) == 1).sum(axis=1)]


def _g6(blob: np.ndarray) -> str | None:
    h, w = blob.shape
    holes = _holes(blob)
    if not holes:
        middle = blob[int(0.4 * h):int(0.8 * h), int(0.3 * w):int(0.7 * w)]
        return "G" if middle.size and 1.0 - float(middle.mean()) >= OPEN else None
    if len(holes) == 1 and holes[0][1] >= LOW_HOLE * h:
        return "6"
    return None


def _t7(blob: np.ndarray) -> str | None:
    lean = _lean(blob)
    if lean is None:
        return None
    return "7" if lean >= LEANS else "T" if lean <= UPRIGHT else None


def _q0(blob: np.ndarray) -> str | None:
    """A 0, plain or barred, is an oval as symmetric top to bottom as left to right; a Q's
    tail breaks the top-bottom symmetry."""
    if not _holes(blob):
        return None
    across, down = _mirrors(blob)
    if across >= OVAL and down >= OVAL:
        return "0"
    return "Q" if down <= TAILED else None


def _a4(blob: np.ndarray) -> str | None:
    """An A stands on two legs, a 4 on one stem (its bottom rows' runs of ink)."""
    legs = _legs(blob)
    if not legs:
        return None
    if max(legs) == 1:
        return "4"
    return "A" if sorted(legs)[len(legs) // 2] == 2 else None


def _j3(blob: np.ndarray) -> str | None:
    """A J's stem keeps one left edge down its middle rows; a 3's middle arm and two bowls
    move it."""
    edge = _edge(blob, 0.25, 0.7)
    if not edge.size:
        return None
    moves = float(edge.max() - edge.min())
    return "J" if moves <= STRAIGHT else "3" if moves >= CURVED else None


def _s8(blob: np.ndarray) -> str | None:
    """An S has no hole, an 8 two."""
    holes = len(_holes(blob))
    return "S" if holes == 0 else "8" if holes == 2 else None


def _1l(blob: np.ndarray) -> str | None:
    """An L's foot runs right of its stem and nothing sticks out left of it; a 1 is one
    stroke, its flag (top) or base serif out left of its stem, no foot past a serif."""
    h = blob.shape[0]
    stem = np.nonzero(blob[int(0.3 * h):int(0.7 * h)])[1]
    foot = np.nonzero(blob[int(0.85 * h):])[1]
    top = np.nonzero(blob[:int(0.15 * h)])[1]
    if not stem.size or not foot.size or not top.size:
        return None
    right = float(foot.max() - stem.max()) / h
    left = float(stem.min() - min(foot.min(), top.min())) / h
    if right >= FOOT_RUNS and left <= BARE:
        return "L"
    return "1" if right <= SERIF and left >= FLAG else None


SHAPES = {"G6": _g6, "T7": _t7, "Q0": _q0, "A4": _a4, "J3": _j3, "S8": _s8, "1L": _1l}


def shape_says(blob: np.ndarray, pair: str = "G6") -> str | None:
    """Which of ``pair`` (one of ``PAIRS``) one glyph's binary blob (1 = ink, its bounding
    box) plainly is, else None (too small, too wide, or neither shape)."""
    h, w = blob.shape
    if h < TALL * TEXT_HEIGHT or w > (WIDE_Q if pair == "Q0" else NARROW) * h:
        return None
    return SHAPES[pair](blob)


def reread_lookalikes(got: LineRead, binary: Frame, among: str = "G6T7") -> LineRead:
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
        if runner is None or runner[1] < RUNNER_UP:
            continue
        pair = next((p for p in PAIRS if ch in p and runner[0] in p and ch != runner[0]), None)
        if pair is None:
            continue
        blob = next(glyphs_at(binary, cx), None)
        if blob is not None and shape_says(blob, pair) == runner[0]:
            changes[i] = runner[0]
    return reshaped(got, changes)


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
    """The look-alike pair ``a`` and ``b`` make, if any."""
    return next((p for p in PAIRS if a != b and a in p and b in p), None)


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
    it differs from ``other`` (each such place a look-alike pair)."""
    diffs = [(k, a, b) for k, (a, b) in enumerate(zip(one.plate[-tail:], other.plate[-tail:],
                                                       strict=True)) if a != b]
    return bool(diffs) and all((p := pair_of(a, b)) is not None and judge(k, p) == a
                               for k, a, b in diffs)
