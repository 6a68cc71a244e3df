"""A found quad refined by the plate's own outline: its four border lines in the crop.

Why: the localiser's quad is often a rotated rectangle (``cv2.minAreaRect``) around a plate
seen obliquely, whose outline is a trapezoid or a parallelogram; rectified, such a crop shows
the plate turned and its characters leaning, one end cut off, and Tesseract misreads them
(round 11, the "fragile" class: quads at IoU 0.86-0.97 with the true one, corners 5-19 px
off, reading wrong or nothing where the true quad reads right). The plate's border (its
edge against the car, or its printed ring) is a straight line the whole plate long: the
outermost strong Hough line near each of the crop's four sides, intersected, gives the
plate's corners; a quad whose top or bottom line turns is read refitted to them.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from edge.reader.base import Frame
from edge.reader.localise import rectify, warp

#: Line angles searched, in degrees from the crop's axes (a quad 5-19 px off on a 50-80 px
#: plate turns its border by up to ~10 degrees in the crop).
MAX_TURN = 14
#: Share of the crop's side a border line must cover (Canny pixels on it): a text row's top
#: or a character's stroke covers less.
MIN_COVER = 0.5
#: Band of the crop, from each side, in which that side's border line is looked for.
BAND = 0.35
#: Lines with at least this share of the best line's votes count as the side's border.
STRONG = 0.75


def _lines(edges: np.ndarray, horizontal: bool) -> list[tuple[float, float, int]]:
    """Hough lines near the crop's horizontal (or vertical) axis: (rho, theta, votes)."""
    h, w = edges.shape
    span = w if horizontal else h
    lo = np.deg2rad(90 - MAX_TURN if horizontal else 0)
    hi = np.deg2rad(90 + MAX_TURN if horizontal else MAX_TURN)
    found = []
    for a, b in ((lo, hi),) if horizontal else ((0.0, hi), (np.pi - hi, np.pi)):
        got = cv2.HoughLinesWithAccumulator(edges, 1, np.pi / 180, int(MIN_COVER * span),
                                            min_theta=a, max_theta=b)
        if got is not None:
            found += [(float(r), float(t), int(v)) for r, t, v in got.reshape(-1, 3)]
    return found


def _at(rho: float, theta: float, horizontal: bool, along: float) -> float:
    """The line's y at x = ``along`` (horizontal) or its x at y = ``along``."""
    c, s = np.cos(theta), np.sin(theta)
    return (rho - along * c) / s if horizontal else (rho - along * s) / c


def _side(lines: list[tuple[float, float, int]], horizontal: bool, first: bool,
          size: float, mid: float) -> tuple[float, float] | None:
    """The outermost strong line whose middle lies in the band of one side of the crop.

    Why the outermost: a plate's edge and its printed ring are both full-length lines; the
    edge is the plate's outline (the generator's quad, and the localiser's outline masks).
    """
    near = [(_at(r, t, horizontal, mid), r, t, v) for r, t, v in lines]
    near = [n for n in near if (n[0] < BAND * size if first else n[0] > (1 - BAND) * size)]
    if not near:
        return None
    top = max(n[3] for n in near)
    strong = [n for n in near if n[3] >= STRONG * top]
    _, rho, theta, _ = min(strong) if first else max(strong)
    return rho, theta


def _meet(a: tuple[float, float], b: tuple[float, float]) -> np.ndarray | None:
    m = np.array([[np.cos(a[1]), np.sin(a[1])], [np.cos(b[1]), np.sin(b[1])]])
    if abs(np.linalg.det(m)) < 1e-6:
        return None
    return np.linalg.solve(m, np.array([a[0], b[0]]))


def corners(crop: Frame, *, min_turn: float = 0.0) -> np.ndarray | None:
    """The plate's corners in the crop (TL, TR, BR, BL) from its four border lines, or None.

    ``min_turn``: None, without looking for the sides, when neither the top nor the bottom
    line can turn this many pixels between the corners (the corners lie within a quarter of
    the crop's height, ``tan(MAX_TURN)``, of its sides): most crops are not turned, and the
    sides' two Hough calls were most of the cost.
    """
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    edges = cv2.Canny(cv2.GaussianBlur(gray, (3, 3), 0), 40, 120)
    horiz = _lines(edges, True)
    top = _side(horiz, True, True, h, w / 2)
    bottom = _side(horiz, True, False, h, w / 2)
    if top is None or bottom is None:
        return None
    slope = max(abs(1 / np.tan(top[1])), abs(1 / np.tan(bottom[1])))
    if slope * (w + 0.25 * h) < min_turn:
        return None
    vert = _lines(edges, False)
    left = _side(vert, False, True, w, h / 2)
    right = _side(vert, False, False, w, h / 2)
    # A side's border is short (the plate's height) and often lost in blur or glare: the
    # crop's own side stands for it then (the top and bottom lines set the plate's turn).
    left = left or (0.0, 0.0)
    right = right or (float(w - 1), 0.0)
    pts = [_meet(top, left), _meet(top, right), _meet(bottom, right), _meet(bottom, left)]
    if any(p is None for p in pts):
        return None
    return np.array(pts, np.float32)


#: The margin ``rectify`` grows a candidate's quad by (the reader's, for every candidate).
PAD = 0.04
#: Corners moved less than this (crop pixels) leave the quad as it is: the same crop.
MIN_MOVE = 2.0
#: ... and so are corners whose lines turn less than this share of the crop's height.
MIN_TURN = 0.06
#: A refined plate keeps at least this share of the crop's height and width (else the lines
#: found are a text row's, not the plate's border).
MIN_KEEP = 0.6


def refined(quad: np.ndarray, crop: Frame, pad: float) -> np.ndarray | None:
    """The quad moved onto the plate's border lines, in frame coordinates; None to keep it.

    ``crop`` is ``rectify(frame, quad, pad=pad)``.
    """
    h, w = crop.shape[:2]
    got = corners(crop, min_turn=max(MIN_MOVE, MIN_TURN * h))
    if got is None:
        return None
    # Only a turned or skewed outline is refitted: a quad merely shifted or scaled by a few
    # pixels reads as well as it is (moving it only changes which misreading Tesseract
    # makes: 20R7652 read 20R1652 at 0.99 from its printed ring's crop).
    # The turn is the top and bottom lines' only: they run the plate's length, while a side's
    # line is as short as the plate is tall and a few pixels of blur slant it (51G39853, a
    # straight crop, read 91G39853 once "unslanted" by its left side).
    turn = max(abs(got[1, 1] - got[0, 1]), abs(got[2, 1] - got[3, 1]))
    if turn < max(MIN_MOVE, MIN_TURN * h):
        return None
    tall = min(got[3, 1] - got[0, 1], got[2, 1] - got[1, 1])
    wide = min(got[1, 0] - got[0, 0], got[2, 0] - got[3, 0])
    if tall < MIN_KEEP * h or wide < MIN_KEEP * w:
        return None
    m, _, _ = warp(quad, pad=pad)
    return np.asarray(cv2.perspectiveTransform(got.reshape(-1, 1, 2), np.linalg.inv(m)),
                      np.float32).reshape(4, 2)


def crops(frame: Frame, quads: list[np.ndarray], *, tight: bool,
          sources: dict[int, tuple[np.ndarray, Frame, Frame]]
          ) -> Iterator[tuple[int, np.ndarray, Frame]]:
    """Each quad's crop (with the quad's rank), a turned quad's refit just before it.

    Why both, the refit first: a turned quad's crop shows the plate turned and its characters
    leaning, and its refit reads right where it misreads, even "sure" (24Y2191 read 24Y2181 at
    0.96); but the refit only adds a candidate, so a plate the refit misses is still read from
    its quad. ``sources`` records, by the refit crop's ``id``, the quad and crop it came from
    and the refit crop itself (kept alive, so its ``id`` is no other crop's);
    ``TesseractPlateReader`` reads the source too when the refit's read is under the band.
    ``tight``: the first quad is the whole image, cropped as it is (pad 0) and never refitted.
    """
    for i, quad in enumerate(quads):
        whole = tight and i == 0
        crop = rectify(frame, quad, pad=0.0 if whole else PAD)
        better = None if whole else refined(quad, crop, PAD)
        if better is not None:
            refit = rectify(frame, better, pad=PAD)
            sources[id(refit)] = (quad, crop, refit)
            yield i, better, refit
        yield i, quad, crop
