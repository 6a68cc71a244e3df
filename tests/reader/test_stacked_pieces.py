"""A glyph the local-contrast look broke into stacked pieces is counted whole (round 16)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hardscene import hard_vn_scene

from edge.reader import rowcut
from edge.reader import segment as seg
from edge.reader.fragments import counted, stacked
from edge.reader.localise import rectify


def _mask() -> np.ndarray:
    """A 120 x 400 mask: a whole 1, an 0 as three pieces one over the other (its top arc, a
    stroke of its middle, its bottom arc; each under a fifth of the height, 7 px apart), a
    dash and a dot side by side."""
    m = np.zeros((120, 400), np.uint8)
    cv2.rectangle(m, (40, 25), (52, 95), 255, -1)  # the whole 1
    cv2.ellipse(m, (120, 40), (20, 16), 0, 180, 360, 255, 4)  # the 0's top arc, y 24-42
    cv2.rectangle(m, (98, 50), (104, 68), 255, -1)  # its left stroke's middle
    cv2.ellipse(m, (120, 76), (20, 16), 0, 0, 180, 255, 4)  # its bottom arc, y 74-94
    cv2.rectangle(m, (200, 56), (225, 63), 255, -1)  # a dash
    cv2.rectangle(m, (240, 86), (247, 93), 255, -1)  # a dot
    return m


def test_the_arcs_of_one_glyph_are_one_character() -> None:
    m = _mask()
    taken = [(40, 25, 13, 71)]
    got = stacked(rowcut.stats(m), m.shape[:2], 0.18, taken)
    assert len(got) == 1
    x, _, w, h = got[0]
    assert 96 <= x <= 100 and 140 <= x + w <= 144 and 65 <= h <= 75


def test_pieces_side_by_side_and_pieces_of_a_found_glyph_are_not_joined() -> None:
    m = _mask()
    m[:, 90:150] = 0  # the 0 gone: only the dash and the dot are pieces, side by side
    assert stacked(rowcut.stats(m), m.shape[:2], 0.18, [(40, 25, 13, 71)]) == []
    whole = _mask()
    assert stacked(rowcut.stats(whole), whole.shape[:2], 0.18, [(95, 20, 50, 80)]) == []


def test_pieces_never_push_the_count_past_a_plates() -> None:
    # The hard JPEG of 11U-430.67 (regression set): 8 characters by the local look, 9 with a
    # thin remnant at the crop's end; the look not taken, its plain rows read 沪U43067.
    m = _mask()
    taken = [(40, 25, 13, 71)]
    assert len(counted(rowcut.stats(m), m.shape[:2], 0.18, taken, 8)) == 1
    assert counted(rowcut.stats(m), m.shape[:2], 0.18, taken * 8, 8) == []


def test_a_glyph_of_stacked_pieces_starting_its_row_is_not_counted() -> None:
    # Where a province glyph of two stacked parts stands (贵, 粤): the count is the tail's.
    m = _mask()
    m[:, 30:60] = 0  # the 1 gone: the 0's pieces start the row of the glyphs right of it
    right = [(300, 25, 13, 71), (330, 25, 13, 71)]
    assert len(stacked(rowcut.stats(m), m.shape[:2], 0.18, right)) == 1
    assert counted(rowcut.stats(m), m.shape[:2], 0.18, right, 8) == []


def _glared_crop() -> np.ndarray:
    """Fresh seed 5150's hard frame 12R-454.06 (the 06 washed out by glare), its true quad."""
    image, quad, plate = hard_vn_scene(515115455, "1-line")
    assert plate == "12R45406"
    return rectify(image, quad, pad=0.04)


def test_the_glared_end_is_counted_by_its_pieces() -> None:
    lines = seg.segment(_glared_crop())
    assert lines is not None and lines.row_chars == (7,) and lines.local


def test_without_the_pieces_the_glared_end_stays_short(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setattr(seg, "PIECES", False)
    lines = seg.segment(_glared_crop())
    assert lines is not None and lines.row_chars == (6,) and not lines.local
