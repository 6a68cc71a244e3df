"""A Chinese read under the band must sit on a Chinese plate's colour (round 26, neg26).

Why: a Chinese plate is a blue, yellow or green plate (GA 36: blue for small vehicles,
yellow for large ones, green for new-energy ones); a truck's painted lettering is on the
truck's own paint. Plate-free frames' lettering ("LOGISTICS", "TAI TRONG 15T", "CONTAINER",
a grille's bars) was read as Chinese plates by the stages that believe a read at ``LONE``
(deblur, the crops' votes, the last looks): Latin text makes a Chinese tail, and a junk glyph
or a weak classifier guess its province. Those reads had no plate colour under them (seeds
7001-7005: 6 of 8 false reads at most 2.5 % of their box's pixels blue, yellow or green;
the 39 right Chinese reads under 0.5 of every regression group at 8.9 % or more, tilted,
night and new-energy plates included). A read in the band is left alone: its own glyphs
were read surely, and the test was measured only under 0.5.
"""

from __future__ import annotations

import cv2
import numpy as np

from edge.reader.base import Frame

#: Reads at this confidence or more are not tested (measured only under it).
BELOW = 0.5
#: The least share of the read's box in one plate colour.
SHARE = 0.05
#: A plate colour's least saturation and value (OpenCV's 0-255 scales): grey paint, black
#: rubber and the night's unlit road are neither.
SATURATION = 60
VALUE = 40
#: OpenCV hue ranges (0-180) of the three plate colours: yellow, green, blue.
HUES = ((12, 35), (35, 90), (95, 130))


def plate_coloured(frame: Frame, box: tuple[int, int, int, int]) -> bool:
    """Whether ``SHARE`` of ``box`` (x, y, w, h, the read's quad's bounding box) or more is
    one plate colour; a grey frame (no colour to judge) always is."""
    if frame.ndim != 3:
        return True
    x, y, w, h = box
    region = frame[y:y + h, x:x + w]
    if region.size == 0:
        return True
    hsv = cv2.cvtColor(np.ascontiguousarray(region), cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    vivid = (sat >= SATURATION) & (val >= VALUE)
    return any(float((vivid & (hue >= lo) & (hue < hi)).mean()) >= SHARE for lo, hi in HUES)
