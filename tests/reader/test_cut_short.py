"""A crop that cut a character at a row's end (docs/reader-journal.md, round 12).

Why: the segmentation drops blobs touching the crop's edge, so a quad a little narrower
than the plate loses the character it cuts through, and the row reads as a shorter plate
that still fits the grammar (11B-731.40 read 11B7314 at 0.75 in two preprocessings).
"""

from __future__ import annotations

import numpy as np
from scriptedreader import FRAME, ScriptedReader, scripted_read

from edge.reader.claims import CUT, LONE
from edge.reader.rowcut import cut_short, stats
from edge.reader.segment import Lines

Box = tuple[int, int, int, int]


def _mask(extra: list[Box]) -> tuple[np.ndarray, list[list[Box]]]:
    """A 120 x 300 mask with a row of six 20 x 50 characters from x = 30, and ``extra``."""
    mask = np.zeros((120, 300), np.uint8)
    row = [(30 + 35 * i, 35, 20, 50) for i in range(6)]
    for x, y, w, h in row + extra:
        mask[y: y + h, x: x + w] = 255
    return mask, [row]


def test_a_character_cut_by_the_right_edge() -> None:
    mask, rows = _mask([(240, 35, 60, 50)])
    # The row ends at x = 225; its 7th character, from 240, is cut at 252.
    mask = np.ascontiguousarray(mask[:, :252])
    assert cut_short(stats(mask), rows, mask.shape)


def test_a_character_cut_by_the_left_edge() -> None:
    mask, rows = _mask([(0, 36, 12, 48)])
    assert cut_short(stats(mask), rows, mask.shape)


def test_what_is_no_cut_character() -> None:
    for extra in ([],
                  [(290, 0, 10, 120)],   # the border's bar, top to bottom
                  [(292, 90, 8, 20)],    # a screw under the row
                  [(285, 10, 15, 90)],   # taller than a character: the bumper, a panel
                  ):
        mask, rows = _mask(extra)
        assert not cut_short(stats(mask), rows, mask.shape), extra
    mask = np.zeros((120, 400), np.uint8)  # a blob at the edge far from the row's end
    row = [(30 + 35 * i, 35, 20, 50) for i in range(6)]
    for x, y, w, h in [*row, (385, 35, 15, 50)]:
        mask[y: y + h, x: x + w] = 255
    assert not cut_short(stats(mask), [row], mask.shape)


def _cut_first(i: int) -> Lines:
    return Lines("1-line", [], [], 7, cut=i == 0)


def test_a_cut_crops_read_stays_under_a_whole_plates_lone_read() -> None:
    reader = ScriptedReader([scripted_read("11B7314", 0.99, agreed=True),
                             scripted_read("11B73140", LONE)], _cut_first)
    got = reader.read(FRAME)
    assert reader.read_count == 2
    assert got.plate == "11B73140" and got.confidence == LONE > CUT


def test_a_cut_crops_read_alone_is_kept_under_the_cap() -> None:
    got = ScriptedReader([scripted_read("11B7314", 0.99, agreed=True)], _cut_first).read(FRAME)
    assert got.plate == "11B7314" and got.confidence == CUT
