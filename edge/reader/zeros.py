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


def barred_zero(blob: np.ndarray) -> bool:
    """Whether one glyph's binary blob (1 = ink, its bounding box) is a barred zero."""
    h, w = blob.shape
    if h < TALL * TEXT_HEIGHT or w > NARROW * h:
        return False
    m = np.asarray(cv2.copyMakeBorder(blob, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=0), np.uint8)
    contours, hierarchy = cv2.findContours(m, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return False
    links = hierarchy[0]
    outer = [c for c, link in zip(contours, links, strict=True) if link[3] < 0]
    holes = [c for c, link in zip(contours, links, strict=True)
             if link[3] >= 0 and cv2.contourArea(c) > HOLE_AREA]
    if len(holes) != 2 or not outer:
        return False
    rim = max(outer, key=cv2.contourArea)
    if cv2.contourArea(rim) < SOLID * max(cv2.contourArea(cv2.convexHull(rim)), 1.0):
        return False
    _, y, _, bh = cv2.boundingRect(rim)
    if min(cv2.boundingRect(c)[3] for c in holes) < HOLE_HEIGHT * bh:
        return False  # small holes: an 8 whose blur filled its waist, not a bar's halves
    filled = np.zeros_like(m)
    cv2.drawContours(filled, [rim], -1, 1, -1)
    widths = filled[y:y + bh].sum(axis=1).astype(np.float64)
    middle = widths[int(0.3 * bh):int(0.7 * bh)]
    if middle.size == 0 or middle.min() < NO_WAIST * widths.max():
        return False
    ink = blob.astype(bool)
    for mirrored in (ink[:, ::-1], ink[::-1, :]):
        if (ink & mirrored).sum() < SYMMETRIC * max(int((ink | mirrored).sum()), 1):
            return False
    return True


def reread_zeros(got: LineRead, binary: Frame) -> LineRead:
    """``got`` with each 6, 8 or 9 whose glyph in ``binary`` (the read's line image as the
    segmentation's mask, dark ink on white, the same geometry) is a barred zero read as 0.

    Only a window around each such character is labelled (a glyph is under
    ``NARROW * TEXT_HEIGHT`` wide), not the whole line: most plates hold a 6, 8 or 9.
    """
    return reshaped(got, {i: "0" for i, (ch, _, cx) in enumerate(got.chars)
                          if ch in READ_AS
                          and any(barred_zero(blob) for blob in glyphs_at(binary, cx))})
