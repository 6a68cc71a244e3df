"""A barred zero read as 6 or 8, told by its own shape (round 12).

Why: some plate fonts print a zero with a mark inside it (a dot, a slash: DejaVu Sans
Mono's, one of the generator's fonts). Blur spreads the mark into a bar across the oval,
and the LSTM reads that "θ" as 6 or 8 (the tuning, check and fresh seeds' 1280 frames: 8 of
main's 65 wrong reads held a zero read as 6 or 8, the commonest confusion; 12R-0516 was read
12R6516 from every preprocessing since round 6). The glyph's binary shape still tells them
apart: a barred zero is an oval with two holes stacked, as wide at its middle as anywhere
(no waist), and symmetric left to right and top to bottom; an 8 has two holes too but a
waist (its outline's width at the middle at most 0.76 of its widest on the tuning true
quads, the barred zeros' at least 0.88); a 6 or 9 has one hole. So a digit read as 6, 8 or
9 whose blob in the row's binary image is such an oval is read as 0, with no lead over a
runner-up (the LSTM's own answer was overruled): such a read is never sure alone and two of
them agreeing stay under the band (``CONTESTED``), as for any two reads that hesitated.

A glyph read as 6 needs less (round 23): a 6 has one hole, its lower bowl (its top at least
0.42 of the glyph down, ``glyphshape.LOW_HOLE``), and an open upper right. A barred zero the
reader's crops hold is often no longer symmetric (tilt, perspective and motion blur skew the
bar and the oval: 0.66-0.88 on the rendered frames' zeros read 6, where ``SYMMETRIC`` asks
0.8 of both mirrors), yet keeps its two tall holes stacked, the upper one high in the glyph,
in a solid outline with no waist (``stacked_zero``). Of 689 glyphs read 6 in the reader's
crops of 300 rendered VN frames (seeds 20000-20149, 21000-21149) that were 6s, none has that
shape with its upper hole in the glyph's top quarter; of the 31 read 6 that were 0s, 16 have
it (36X-008.06 was read 36X60866 at 0.97, sure alone).
"""

from __future__ import annotations

import cv2
import numpy as np

from edge.reader.base import Frame
from edge.reader.engines import LineRead
from edge.reader.rowcut import TEXT_HEIGHT, glyphs_at, reshaped

#: Characters a barred zero is read as.
READ_AS = frozenset("689")
#: The oval's width at its narrowest middle row, as a share of its widest (an 8's waist:
#: at most 0.76 on the tuning true quads; the barred zeros' at least 0.88).
NO_WAIST = 0.82
#: The outline's area over its convex hull's (an oval's ~0.95-0.99; an 8's at most 0.94).
SOLID = 0.94
#: Overlap of the blob with its mirror image, left-right and top-bottom (a B's flat back and
#: a 6's or 9's one bowl fall under it).
SYMMETRIC = 0.8
#: Least height of each hole, as a share of the glyph's: a barred zero's two holes are the
#: halves of its oval (at least 0.18 on the tuning true quads). A bold 8 that blur filled up
#: has lost its waist but kept only small holes (fresh seed 5150: 0.10 and 0.12, read
#: 14K46720 for 14K46728 without this; the guard was made on seeing it).
HOLE_HEIGHT = 0.15
#: Least blob height, as a share of the row's character height; most width over height.
TALL = 0.6
NARROW = 0.75
#: Least hole area (px, at ~60 px characters): specks inside a stroke are no holes.
HOLE_AREA = 6
#: A 6 read so (``stacked_zero``): the upper hole starts within this share of the glyph's
#: height from its top (a barred zero's: 0.12-0.18; a 6's one hole starts at >= 0.42).
HIGH_HOLE = 0.25


def _oval_halves(blob: np.ndarray) -> tuple[int, list[int]] | None:
    """The glyph's outline's height and its two holes' tops (from the outline's top), when
    it is a tall, narrow, solid oval holding two holes each at least ``HOLE_HEIGHT`` of it
    tall, with no waist; else None."""
    h, w = blob.shape
    if h < TALL * TEXT_HEIGHT or w > NARROW * h:
        return None
    m = np.asarray(cv2.copyMakeBorder(blob, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=0), np.uint8)
    contours, hierarchy = cv2.findContours(m, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return None
    links = hierarchy[0]
    outer = [c for c, link in zip(contours, links, strict=True) if link[3] < 0]
    holes = [c for c, link in zip(contours, links, strict=True)
             if link[3] >= 0 and cv2.contourArea(c) > HOLE_AREA]
    if len(holes) != 2 or not outer:
        return None
    rim = max(outer, key=cv2.contourArea)
    if cv2.contourArea(rim) < SOLID * max(cv2.contourArea(cv2.convexHull(rim)), 1.0):
        return None
    _, y, _, bh = cv2.boundingRect(rim)
    boxes = [cv2.boundingRect(c) for c in holes]
    if min(b[3] for b in boxes) < HOLE_HEIGHT * bh:
        return None  # small holes: an 8 whose blur filled its waist, not a bar's halves
    filled = np.zeros_like(m)
    cv2.drawContours(filled, [rim], -1, 1, -1)
    widths = filled[y:y + bh].sum(axis=1).astype(np.float64)
    middle = widths[int(0.3 * bh):int(0.7 * bh)]
    if middle.size == 0 or middle.min() < NO_WAIST * widths.max():
        return None
    return bh, [b[1] - y for b in boxes]


def barred_zero(blob: np.ndarray) -> bool:
    """Whether one glyph's binary blob (1 = ink, its bounding box) is a barred zero."""
    if _oval_halves(blob) is None:
        return False
    ink = blob.astype(bool)
    for mirrored in (ink[:, ::-1], ink[::-1, :]):
        if (ink & mirrored).sum() < SYMMETRIC * max(int((ink | mirrored).sum()), 1):
            return False
    return True


def stacked_zero(blob: np.ndarray) -> bool:
    """Whether a glyph read as 6 is a barred zero skewed out of symmetry: the oval halves of
    ``barred_zero`` with the upper hole high in the glyph (``HIGH_HOLE``), where a 6 has
    one hole, low (see the module's docstring, round 23)."""
    got = _oval_halves(blob)
    if got is None:
        return False
    height, tops = got
    return min(tops) <= HIGH_HOLE * height


def reread_zeros(got: LineRead, binary: Frame) -> LineRead:
    """``got`` with each 6, 8 or 9 whose glyph in ``binary`` (the read's line image as the
    segmentation's mask, dark ink on white, the same geometry) is a barred zero read as 0.

    Only a window around each such character is labelled (a glyph is under
    ``NARROW * TEXT_HEIGHT`` wide), not the whole line: most plates hold a 6, 8 or 9.
    """
    return reshaped(got, {i: "0" for i, (ch, _, cx) in enumerate(got.chars)
                          if ch in READ_AS
                          and any(barred_zero(blob) or (ch == "6" and stacked_zero(blob))
                                  for blob in glyphs_at(binary, cx))})
