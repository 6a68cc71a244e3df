"""A slanted one-line plate whose row broke in two is one row again; a plate's two stacked
rows stay two."""

from __future__ import annotations

from edge.reader.segment import _rows

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
