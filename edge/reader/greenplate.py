"""A green plate is a Chinese new-energy plate: its read is never a VN plate (round 27).

Why: a new-energy plate's one row, ``贵Z·F15674``, is a VN plate's shape to eng, which reads
the province glyph and the letter as two digits and the dot as VN's dash (``27-F15674``), a
repair-free VN plate that ends the crop's reading before chi_sim is asked
(``CropReader._read_lines``). Round 26's scan read 贵ZF15674 so at 0.91, agreed by two
preprocessings, where another crop read it right (the classifier naming 贵 at margin 1.0),
and 桂QF78786 as 40F78786 at 0.70. The plate's colour tells them apart: GA 36 gives new-energy
plates a green ground (a green-to-white gradient), and no VN plate is green (white, yellow,
blue and red grounds). On the plates' own regions of 1,240 rendered frames of four seeds (easy
and hard, night included) the green share was 0.27-0.89 for every new-energy plate and at most
0.11 for every VN plate (0.03 for other Chinese plates): ``SHARE`` sits between, nearer the VN
side's double than the new-energy side's least.
"""

from __future__ import annotations

import cv2
import numpy as np

from domain.plates import try_parse_plate
from edge.reader.base import Frame
from edge.reader.platecolour import HUES, SATURATION, VALUE

#: The least share of a crop in plate green for its plate to be a new-energy one.
SHARE = 0.2
#: Its place in ``platecolour.HUES`` (yellow, green, blue).
GREEN = 1


def green(crop: Frame) -> bool:
    """Whether ``SHARE`` of ``crop`` (a rectified candidate, BGR) or more is plate green, more
    of it than yellow or blue; a grey crop never is (no colour to judge).

    Why the others: a loose crop round a yellow or blue plate on a green truck is a fifth
    green and more (v1 took two such 2-row plates' loose crops for green: 云TSKTL3 0.94 -> 0.79
    on the scan, 桂XT4GK1 0.75 -> 0.69 on the pool); there the plate's own colour is more."""
    if crop.ndim != 3 or crop.size == 0:
        return False
    hsv = cv2.cvtColor(np.ascontiguousarray(crop[..., :3]), cv2.COLOR_BGR2HSV)
    # Each colour's pixels counted by OpenCV (round 28, speed: the same counts as numpy's
    # boolean masks, ``lo <= hue < hi`` with the least saturation and value, a fifth the CPU).
    size = hsv.shape[0] * hsv.shape[1]
    shares = [cv2.countNonZero(cv2.inRange(hsv, (lo, SATURATION, VALUE), (hi - 1, 255, 255)))
              / size for lo, hi in HUES]
    return shares[GREEN] >= SHARE and shares[GREEN] == max(shares)


def new_energy(plate: str) -> bool:
    """Whether ``plate`` is a new-energy plate, the only plate a green crop may read as
    (eight characters, GA 36: a Chinese ordinary plate's seven from eng's ``40-F78786``, its
    letter lost as junk with the province's, is no read of a green plate either)."""
    parsed = try_parse_plate(plate)
    return parsed is not None and parsed.kind == "new_energy"
