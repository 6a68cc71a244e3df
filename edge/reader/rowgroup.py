"""Character boxes grouped into a plate's one or two rows (``grouped``), and two "rows" of one
band joined (``banded``).

Why a module of its own: ``segment`` decides which blobs are characters (binarisations,
filters, the looks it asks for); this decides how they form rows, the part rounds 9-10 had
to correct (a slanted row broken in two, a province glyph's stacked parts taken for a row).
Pure functions of the boxes (x, y, w, h), no images.
"""

from __future__ import annotations

from edge.reader.rowcut import median


def grouped(boxes: list[tuple[int, int, int, int]]) -> list[list[tuple[int, int, int, int]]]:
    """Group boxes into rows, tallest consistent rows only, top row first.

    A box joins the row whose last box (its left neighbour) it overlaps vertically by half a
    character, so a row still slanted after rectification (tilt plus perspective) stays one
    row instead of breaking where its drift passes the first characters' height.
    """
    rows: list[list[tuple[int, int, int, int]]] = []
    for b in sorted(boxes, key=lambda b: b[0]):
        best: tuple[float, list[tuple[int, int, int, int]]] | None = None
        for row in rows:
            last = row[-1]
            overlap = min(b[1] + b[3], last[1] + last[3]) - max(b[1], last[1])
            gap = b[0] - (last[0] + last[2])
            if overlap < 0.5 * min(b[3], last[3]) or gap > 2.5 * max(b[3], last[3]):
                continue
            drift = abs((b[1] + b[3] / 2) - (last[1] + last[3] / 2))
            if best is None or drift < best[0]:
                best = (drift, row)
        if best is None:
            rows.append([b])
        else:
            best[1].append(b)
    singles = [r[0] for r in rows if len(r) == 1]
    rows = [r for r in rows if len(r) >= 2]
    if not rows:
        return []
    if len(rows) == 1 and len(rows[0]) == 5:
        rows = _with_top_letter(rows[0], singles)
    # A row must hold characters of similar height to the tallest row's.
    best_h = max(median([b[3] for b in r]) for r in rows if len(r) >= 2)
    rows = [r for r in rows if median([b[3] for b in r]) >= 0.6 * best_h]
    if len(rows) > 2:
        rows = sorted(rows, key=len, reverse=True)[:2]
    if len(rows) == 2 and _side_by_side(*rows):
        return [sorted(rows[0] + rows[1], key=lambda b: b[0])]
    return sorted(rows, key=lambda r: min(b[1] for b in r))


def _side_by_side(a: list[tuple[int, int, int, int]], b: list[tuple[int, int, int, int]]
                  ) -> bool:
    """Whether two rows are one slanted row broken in two, not a plate's two rows.

    A plate's rows are stacked: the top row (12C, 桂A) lies over the bottom row's span. The
    halves of one row tilted past half a character's height lie next to each other
    (measured: 12M-109.91 split after its dash, then read as a 2-line plate, as nothing).
    """
    ax0, ax1 = min(x for x, _, _, _ in a), max(x + w for x, _, w, _ in a)
    bx0, bx1 = min(x for x, _, _, _ in b), max(x + w for x, _, w, _ in b)
    overlap = min(ax1, bx1) - max(ax0, bx0)
    return overlap < 0.25 * min(ax1 - ax0, bx1 - bx0)


def _one_band(a: list[tuple[int, int, int, int]], b: list[tuple[int, int, int, int]]) -> bool:
    """Whether two rows lie in one horizontal band: one row, not a plate's two.

    Why: a plate's rows are stacked, the top row's band ending about where the bottom row's
    begins. A 1-line Chinese plate's province glyph (桂) breaks into a tall left part and two
    right parts stacked on each other; the left part and the lower right part formed one
    "row", the upper right part and the rest of the plate another, and the plate was cut as
    two rows of 2 and 7 (measured: 桂J3G7T1, 桂L2S833, read as nothing). Two rows whose bands
    (their characters' median tops and bottoms) overlap by half the shorter band's height are
    one row.
    """
    def band(r: list[tuple[int, int, int, int]]) -> tuple[float, float]:
        return (median([y for _, y, _, _ in r]),
                median([y + h for _, y, _, h in r]))

    (a0, a1), (b0, b1) = band(a), band(b)
    overlap = min(a1, b1) - max(a0, b0)
    return overlap >= 0.5 * min(a1 - a0, b1 - b0)


def banded(rows: list[list[tuple[int, int, int, int]]]
            ) -> tuple[list[list[tuple[int, int, int, int]]], bool]:
    """The rows with two rows of one band joined (``_one_band``), and whether they were."""
    if len(rows) == 2 and _one_band(*rows):
        return [sorted(rows[0] + rows[1], key=lambda b: b[0])], True
    return rows, False


def _with_top_letter(row: list[tuple[int, int, int, int]],
                     singles: list[tuple[int, int, int, int]]
                     ) -> list[list[tuple[int, int, int, int]]]:
    """A 2-row Chinese plate's bottom row (always 5 characters) with its top row when only
    the letter survived.

    Why: the top row is the province glyph and the series letter; the glyph often breaks into
    strokes the character filter drops, leaving a one-character row, which is not a row, so
    the plate read as its bottom five characters only (no province, no letter: no plate).
    A lone character-sized box just above a 5-character row, within its width, is taken as
    that row (``_span`` then widens it to the glyph's strokes).
    """
    th = median([b[3] for b in row])
    top = min(b[1] for b in row)
    x0, x1 = min(b[0] for b in row), max(b[0] + b[2] for b in row)
    above = [b for b in singles
             if b[3] >= 0.6 * th and b[1] + b[3] <= top and top - (b[1] + b[3]) < 0.8 * th
             and x0 - th <= b[0] and b[0] + b[2] <= x1 + th]
    if len(above) != 1:
        return [row]
    return [[above[0]], row]
