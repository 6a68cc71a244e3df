"""Glyphs the local-contrast look broke into stacked pieces, counted whole again (``stacked``).

Why: on a glared end of a plate the characters are a light grey on white; the local-contrast
threshold (``contrast.local_mask``) finds their strokes only where a stroke's edge stands out,
so an 0 or a 6 comes out as its top arc and its bottom arc, each under a character's height,
and the character filter drops both (12R-454.06: 6 characters, the 06 as four arcs; joined, 7
and the read right). Pieces of one glyph lie one over the other in one column; two glyphs'
pieces, or a dash and a dot, do not. Asked only by the local look (``segment``), which runs
only where the count came short of a plate's.
"""

from __future__ import annotations

import numpy as np

from edge.reader import rowcut
from edge.reader.rowgroup import grouped

#: Least piece height (share of the crop's): smaller specks are noise or texture, not strokes.
PIECE = 0.05
#: Most gap between two pieces of one glyph, one over the other (share of the crop's height).
GAP = 0.12
#: Least horizontal overlap of two pieces of one glyph, as a share of the narrower one.
OVERLAP = 0.5


def stacked(found: rowcut.Stats, shape: tuple[int, int], low: float,
            taken: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h) of glyphs rebuilt from pieces shorter than ``low`` of the crop's
    height that stack in one column, where the whole passes the character filter's size and
    fill rules and overlaps no box in ``taken`` (the characters found whole)."""
    h, w = shape
    n, table = found
    if n <= 2:
        return []
    s = table[1:n].astype(np.int64)
    x, y, bw, bh = s[:, 0], s[:, 1], s[:, 2], s[:, 3]
    keep = ((x > 0) & (y > 0) & (x + bw < w) & (y + bh < h) & (bh < low * h)
            & (bh >= PIECE * h) & (bw >= 2))
    p = s[keep]
    if len(p) < 2:
        return []
    x0, y0, x1, y1 = p[:, 0], p[:, 1], p[:, 0] + p[:, 2], p[:, 1] + p[:, 3]
    over = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    narrow = np.minimum(p[:, 2][:, None], p[:, 2][None, :])
    gap = np.maximum(y0[:, None], y0[None, :]) - np.minimum(y1[:, None], y1[None, :])
    linked = (over >= OVERLAP * narrow) & (gap <= GAP * h)
    parent = list(range(len(p)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(linked, 1)), strict=True):
        parent[root(int(i))] = root(int(j))
    groups: dict[int, list[int]] = {}
    for i in range(len(p)):
        groups.setdefault(root(i), []).append(i)
    out: list[tuple[int, int, int, int]] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        gx0, gy0 = int(x0[members].min()), int(y0[members].min())
        gx1, gy1 = int(x1[members].max()), int(y1[members].max())
        gw, gh = gx1 - gx0, gy1 - gy0
        if not low * h <= gh <= 0.9 * h or gw > 0.35 * w or gw > 2.0 * gh:
            continue
        if int(p[members, 4].sum()) < 0.15 * gw * gh or rowcut.border_strip(gx0, gw, gh, w):
            continue
        if any(min(gx1, tx + tw) > max(gx0, tx) and min(gy1, ty + th) > max(gy0, ty)
               for tx, ty, tw, th in taken):
            continue
        out.append((gx0, gy0, gw, gh))
    return out


def counted(found: rowcut.Stats, shape: tuple[int, int], low: float,
            boxes: list[tuple[int, int, int, int]], most: int
            ) -> list[tuple[int, int, int, int]]:
    """The glyphs rebuilt from stacked pieces (``stacked``) but for those that would start a
    row, to be counted with ``boxes`` (the characters found whole); none when they would make
    more than ``most`` characters (a plate's count).

    Why ``most``: past a plate's count the pieces are a border remnant or noise, and the
    look they pushed over it was not taken: the hard JPEG of 11U-430.67 (regression set)
    counted 8 by the local look, 9 with a thin remnant at the crop's right end, so its
    plainly segmented rows were read instead, 沪U43067 at 0.72 (round 16).

    Why not a row's first: that is where a Chinese plate's province glyph stands, and 贵 or
    粤 is two parts one over the other; counted, it lifted a 1-row plate's tail of 6 to 7 or
    a 2-row plate's rows to (2, 5), the local look was taken and its read capped under the
    band (round 16: 贵TH29T4 0.99 -> 0.69, 粤L3SN8T 0.94 -> 0.69). The province is the
    classifier's and chi_sim's to read, not the count's.
    """
    extra = stacked(found, shape, low, boxes)
    if not extra:
        return []
    firsts = {row[0] for row in grouped(boxes + extra)}
    kept = [b for b in extra if b not in firsts]
    return kept if len(boxes) + len(kept) <= most else []
