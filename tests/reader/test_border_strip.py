"""The upright sides of a plate's border ring, broken off its top and bottom bars, are not
characters (docs/reader-journal.md, round 14): counted, they joined a row's end and
wrecked a 2-row plate's rows (hard tuning frames: 12A-9868 as 4 + 5, 21C-103.37 as 3 + 7)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge.reader import rowcut
from edge.reader.rowcut import border_strip
from edge.reader.segment import segment


def _two_row_plate(*, sides: bool) -> np.ndarray:
    """12A / 9868 dark on a light plate; the ring's bars and (``sides``) its upright sides
    drawn apart, as blur and glare leave a hard frame's ring."""
    h, w = 130, 250
    img = np.full((h, w), 215, np.uint8)
    cv2.rectangle(img, (18, 5), (w - 19, 8), 30, -1)
    cv2.rectangle(img, (18, h - 9), (w - 19, h - 6), 30, -1)
    if sides:
        cv2.rectangle(img, (6, 16), (9, h - 17), 30, -1)
        cv2.rectangle(img, (w - 10, 16), (w - 7, h - 17), 30, -1)
    for i, ch in enumerate("12A"):
        cv2.putText(img, ch, (70 + 38 * i, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 35, 5,
                    cv2.LINE_AA)
    for i, ch in enumerate("9868"):
        cv2.putText(img, ch, (50 + 38 * i, 112), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 35, 5,
                    cv2.LINE_AA)
    return np.asarray(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), np.uint8)


def test_the_rings_broken_sides_are_no_characters() -> None:
    plain = segment(_two_row_plate(sides=False))
    assert plain is not None and plain.row_chars == (3, 4)
    lines = segment(_two_row_plate(sides=True))
    assert lines is not None and lines.layout == "2-line" and lines.row_chars == (3, 4)


def test_without_the_rule_the_sides_join_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rowcut, "STRIP_ASPECT", 0.0)
    lines = segment(_two_row_plate(sides=True))
    assert lines is not None and lines.row_chars != (3, 4) and lines.chars == 9


@pytest.mark.parametrize(("x", "bw", "bh", "strip"), [
    (6, 4, 98, True),     # the ring's left side, 2 % in, w/h 0.04 (12A-9868's)
    (238, 4, 98, True),   # its right side
    (5, 9, 50, True),     # a shorter, wider piece (w/h 0.18) still in the outer 5 %
    (6, 10, 30, False),   # a plate's 1 (w/h >= 0.22) cut close to the side: a character
    (25, 5, 40, False),   # a stroke of 川 (w/h 0.12) 10 % in: the province glyph's
    (120, 3, 40, False),  # a thin stroke mid-plate
])
def test_a_strip_is_thin_and_at_the_crops_side(x: int, bw: int, bh: int, strip: bool) -> None:
    assert border_strip(x, bw, bh, 250) is strip
