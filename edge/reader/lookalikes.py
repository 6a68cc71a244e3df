"""G against 6 and T against 7, told by the glyph's own shape where the LSTM hesitated
between them (round 12, Chinese tails).

Why: a Chinese tail's slot takes a letter or a digit alike, so the grammar cannot choose
between look-alikes; G read as 6 was the commonest such confusion on the tuning seeds
999/777/4242 (桂AV012G and 云Z24G33 read with a 6, G the LSTM's runner-up), and T/7 confusions
are as frequent (贵D3225T's last T read 7). The binary glyph tells them apart: a 6 closes its
lower bowl (one hole, its top at least 0.42 of the glyph's height down on every narrow tuning
6 the true quads held, 89 glyphs), a G is open on the right (no hole, its middle empty:
>= 0.62 of a central box background on 38 G's; a 6 whose blur filled its bowl is ink there);
a 7's stem leans (its upper part right of its foot), a T's stands upright. So a character whose
LSTM runner-up is the other of its pair and whose blob plainly has the other's shape is read
as the other, with no lead over its runner-up (as ``zeros.py``: the LSTM's own answer was
overruled, so such a read is never sure alone, and two agreeing on it stay under the band).
On a 2-row Chinese plate such a read's tail leads a tie with chi_sim's (``chinese._two_row``).
"""

from __future__ import annotations

import cv2
import numpy as np

from edge.reader.base import Frame
from edge.reader.engines import LineRead
from edge.reader.rowcut import TEXT_HEIGHT, glyphs_at, reshaped

#: Each look-alike and the character it may be read as (only when that is the runner-up).
PAIRS = {"6": "G", "G": "6", "7": "T", "T": "7"}
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


def shape_says(blob: np.ndarray, pair: str = "G6") -> str | None:
    """Which of ``pair`` ("G6" or "T7") one glyph's binary blob (1 = ink, its bounding box)
    plainly is, else None (too small, too wide, or neither shape)."""
    h, w = blob.shape
    if h < TALL * TEXT_HEIGHT or w > NARROW * h:
        return None
    if pair == "T7":
        lean = _lean(blob)
        if lean is None:
            return None
        return "7" if lean >= LEANS else "T" if lean <= UPRIGHT else None
    holes = _holes(blob)
    if not holes:
        middle = blob[int(0.4 * h):int(0.8 * h), int(0.3 * w):int(0.7 * w)]
        return "G" if middle.size and 1.0 - float(middle.mean()) >= OPEN else None
    if len(holes) == 1 and holes[0][1] >= LOW_HOLE * h:
        return "6"
    return None


def reread_lookalikes(got: LineRead, binary: Frame, among: str = "G6T7") -> LineRead:
    """``got`` with each character of ``among`` whose LSTM runner-up is the other of its
    pair and whose glyph in ``binary`` (the line as the segmentation's mask, dark ink on
    white) has the other's shape read as the other, with no lead over its runner-up.

    T and 7 are judged on Chinese tails only (the caller's ``among``): a VN plate's series
    T leaned like a 7 on its blob (tuning seed 999's easy 21T-976.55 read 217 on it).
    """
    changes: dict[int, str] = {}
    for i, (ch, _, cx) in enumerate(got.chars):
        other = PAIRS.get(ch) if ch in among else None
        alts = got.alts[i] if i < len(got.alts) else ()
        runner = next(((t, c) for t, c in alts if t != ch), None)
        if other is None or runner is None or runner[0] != other or runner[1] < RUNNER_UP:
            continue
        blob = next(glyphs_at(binary, cx), None)
        if blob is not None and shape_says(blob, "T7" if ch in "T7" else "G6") == other:
            changes[i] = other
    return reshaped(got, changes)
