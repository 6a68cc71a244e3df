"""What one glyph's binary blob plainly is, of a look-alike pair: its holes, legs, lean,
symmetry, foot and flag measured on the blob itself.

Why apart from :mod:`edge.reader.lookalikes` (when a read's character is judged, and what
the judgement changes): the shape features and their thresholds, each measured on the
generator's true crops of the tuning seeds (the figures are in ``lookalikes``' docstring and
docs/reader-journal.md, rounds 12 and 13), are geometry of one glyph and are tested alone.
"""

from __future__ import annotations

import cv2
import numpy as np

from edge.reader.rowcut import TEXT_HEIGHT

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
    if pair not in SHAPES:  # a pair only the Latin classifier judges (``cnlook.py``)
        return None
    if h < TALL * TEXT_HEIGHT or w > (WIDE_Q if pair == "Q0" else NARROW) * h:
        return None
    return SHAPES[pair](blob)
