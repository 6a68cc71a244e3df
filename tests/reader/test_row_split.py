"""A slanted one-line plate whose row broke in two is one row again; so is a 1-line Chinese
plate whose province glyph broke into stacked parts; a plate's two stacked rows stay two."""

from __future__ import annotations

from edge.reader.rowgroup import banded as _banded
from edge.reader.rowgroup import grouped as _rows

# Boxes (x, y, w, h) measured on a hard frame: 12M-109.91 tilted, broken after 109 into a
# left row and a right row lower down (read as a 2-line plate, then as nothing).
LEFT = [(153, 9, 25, 64), (193, 11, 31, 62), (236, 13, 43, 58), (321, 16, 11, 28)]
RIGHT = [(411, 27, 7, 28), (451, 20, 25, 54), (490, 20, 21, 57)]


def test_halves_of_one_slanted_row_are_one_row() -> None:
    rows = _rows(LEFT + RIGHT)
    assert len(rows) == 1
    assert [b[0] for b in rows[0]] == sorted(b[0] for b in LEFT + RIGHT)


def test_stacked_rows_stay_two() -> None:
    top = [(150, 10, 30, 60), (190, 10, 30, 60), (230, 10, 30, 60)]  # 12C, centred
    bottom = [(60 + 45 * i, 90, 30, 60) for i in range(5)]  # 12345, the plate's width
    rows = _rows(top + bottom)
    assert [len(r) for r in rows] == [3, 5]


# Boxes (x, y, w, h) measured on the generator's own quad of a hard frame (seed 777's
# 桂J3G7T1, 1-line): 桂 broke into its tall left part, its lower right part and its upper
# right part; the first two formed one "row", the upper part and J3G7T1 another, so the
# plate was cut as two rows of 2 and 7 and read as nothing.
GUI_LEFT, GUI_LOW, GUI_HIGH = (31, 37, 20, 52), (48, 63, 38, 25), (51, 38, 34, 23)
TAIL = [(90, 37, 21, 50), (137, 37, 37, 50), (183, 37, 41, 49), (234, 37, 32, 49),
        (273, 37, 38, 49), (320, 37, 29, 49)]


def test_a_province_glyph_in_stacked_parts_leaves_one_row() -> None:
    boxes = [GUI_LEFT, GUI_LOW, GUI_HIGH, *TAIL]
    rows, rejoined = _banded(_rows(boxes))
    assert rejoined and [len(r) for r in rows] == [9]
    assert [b[0] for b in rows[0]] == sorted(b[0] for b in boxes)


def test_a_two_row_chinese_plate_with_a_split_glyph_stays_two() -> None:
    # 桂A over 12345: the glyph's parts lie in the top row's band, not the bottom row's.
    top = [(150, 10, 14, 60), (166, 40, 20, 30), (168, 10, 18, 28), (200, 10, 30, 60)]
    bottom = [(60 + 45 * i, 90, 30, 60) for i in range(5)]
    rows, rejoined = _banded(_rows(top + bottom))
    assert not rejoined
    assert len(rows) == 2 and [b[0] for b in rows[1]] == [b[0] for b in bottom]
    assert max(b[1] + b[3] for b in rows[0]) <= 90
