"""Characters on a plate end where the plate ends; painted lettering's ground runs on (neg27).

Why: a plate is a bounded rectangle: its characters sit on the plate's own ground, which ends
a short margin past the first and last character at the plate's border line (GA 36 and the
Vietnamese plates alike draw one in the ink's colour) and the vehicle beyond it. A truck's
painted words ("TAI TRONG 15T", "CHUYEN TUYEN", ...) sit on the truck's paint, which runs on
sideways far past the word. Plate-free frames' lettering read as Chinese plates at 0.33-0.67
on blue, green or grey paint (round 26's three left, the paint being a plate colour, and 7 of
1,041 new negatives, round 27); a grille's bars read as a plate's characters too.

The measure: the read quad rectified, its character boxes found again (``segment``), and the
rectified view grown sideways by ``REACH`` character heights; on each side of the widest row,
the share of columns whose row pixels are the ground's colour (the gaps between the
characters). Not a run from the last character: a letter the crop cut in half leaves the
paint round it, while a plate's border line and the vehicle beyond leave little ground. A row
of more characters than any plate row (a grille) is no plate either.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge.reader.base import Frame
from edge.reader.localise import warp
from edge.reader.segment import segment

#: Reads at this confidence or more are not judged (``base.ACT``: the band's glyphs were read
#: surely; the false reads measured were all under it).
BELOW = 0.8
#: How far past the characters (in character heights) the ground is followed.
REACH = 1.5
#: A column is still the ground when this share of its row pixels is the ground's colour.
COLUMN = 0.6
#: The most a pixel may differ from the ground's colour (any channel, 0-255, after a 3x3
#: Gaussian blur against sensor noise) and still be the ground.
TOLERANCE = 30
#: The share of the reach's columns that are ground, on one side, that makes it paint.
PAINTED = 0.8
#: Only a row of this many characters or more is judged by its ground: a 2-row plate's
#: bottom row (five characters) is drawn narrower than its plate, its ground running on
#: 1.8 character heights past it (the regression groups' right 2-row reads: up to 1.0).
FEWEST = 6
#: More character-like blobs in a row than any plate row shows: VN's "12C-345.67" is ten.
MOST = 12
#: Switch (tests hold other premises with it off).
ENABLED = True


@dataclass(frozen=True)
class Ground:
    """What the quad's widest row of characters stands on."""

    left: float  # the share of ground columns in the ``REACH`` past the first character
    right: float  # the same past the last character
    chars: int  # the row's character-like blobs


def measure(frame: Frame, quad: np.ndarray) -> Ground | None:
    """The ground of the quad's widest row of characters; ``None`` when the quad shows no
    row of characters to judge (or the frame no colour)."""
    if frame.ndim != 3:
        return None
    m, width, height = warp(quad)
    crop = cv2.warpPerspective(frame, m, (width, height), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    lines = segment(np.asarray(crop, np.uint8), defer=True)
    if lines is None or not lines.boxes:
        return None
    row = max(lines.boxes, key=lambda r: (len(r), sum(b[2] for b in r)))
    char_h = float(np.median([b[3] for b in row]))
    reach = round(REACH * char_h)
    x0, x1 = int(min(b[0] for b in row)), int(max(b[0] + b[2] for b in row))
    y0 = float(np.median([b[1] for b in row]))
    top, bottom = int(max(y0 + 0.2 * char_h, 0)), int(min(y0 + 0.8 * char_h, height))
    if len(row) < 3 or reach < 4 or bottom - top < 2:
        return None
    shift = np.array([[1, 0, reach], [0, 1, 0], [0, 0, 1]], np.float64)
    size = (width + 2 * reach, height)
    wide = cv2.warpPerspective(frame, shift @ m, size, flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT)
    inside = cv2.warpPerspective(np.full(frame.shape[:2], 255, np.uint8), shift @ m, size,
                                 flags=cv2.INTER_NEAREST)[top:bottom] > 0
    band = cv2.GaussianBlur(np.asarray(wide, np.uint8), (3, 3), 0)[top:bottom].astype(np.int16)
    span = band[:, x0 + reach:x1 + reach]
    grey = cv2.cvtColor(np.ascontiguousarray(span.astype(np.uint8)), cv2.COLOR_BGR2GRAY)
    _, light = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    boxed = np.zeros(span.shape[1], bool)
    for bx, _, bw, _ in row:
        boxed[max(int(bx) - x0, 0):int(bx + bw) - x0 + 1] = True
    if boxed.all():
        return None
    light_ground = (light[:, ~boxed] > 0).mean() >= 0.5  # the gaps are mostly ground
    side = (light > 0) == light_ground
    if not side.any():
        return None
    # The ground's half furthest from the ink: the gaps between small characters are
    # narrow, and blur lightens (or darkens) them towards the ink's colour.
    level = np.median(grey[side])
    pure = side & ((grey <= level) if not light_ground else (grey >= level))
    ground = np.median(span[pure].reshape(-1, 3), axis=0)
    near = (np.abs(band - ground).max(axis=2) <= TOLERANCE) & inside
    share = near.mean(axis=0)

    def ground_share(cols: np.ndarray) -> float:
        # Not a run from the last character: a character the quad cut in half (its box
        # not in the row) still leaves the paint round it, while a plate's border line and
        # the vehicle past it leave no ground at all.
        return float((cols[:reach] >= COLUMN).mean()) if cols.size else 0.0

    return Ground(ground_share(share[:x0 + reach][::-1]), ground_share(share[x1 + reach:]),
                  len(row))


def on_paint(frame: Frame, quad: np.ndarray) -> bool:
    """Whether the quad's characters are no plate's: a row of more characters than any
    plate has (a grille's bars), or a ground that runs the whole ``REACH`` past them on
    either side (painted lettering)."""
    got = measure(frame, quad)
    if got is None:
        return False
    return got.chars > MOST or (got.chars >= FEWEST and max(got.left, got.right) >= PAINTED)
