"""Cutting the province glyph out of a flat (rectified) Chinese plate crop.

Why a cutter of its own: the province is the first glyph of the top row, but it is the one
glyph the generic segmenter handles worst: it breaks into several strokes (川 沪 鄂 云), so
"the first connected component" or "the first gap" cut it in pieces, and on 2-row plates
its row holds only one other character. The classifier (``edge/reader/province.py``) needs
the whole glyph and nothing else.
"""

from __future__ import annotations

import cv2
import numpy as np

from edge.reader.inkmemo import Memo, frozen
from edge.reader.province import ProvinceClassifier, ProvinceGuess, check_image
from edge.reader.segment import stretch


def _in_rim(stat: np.ndarray, w: int, h: int) -> bool:
    """A blob lying wholly in the plate's rim: a piece of a broken border (dirt, glare and
    JPEG break the border into dashes that no longer touch the crop's edge), a screw."""
    x, y, bw, bh = (int(v) for v in stat[:4])
    return (x + bw < 0.06 * w or x > 0.94 * w or y + bh < 0.1 * h or y > 0.9 * h)


def top_row(gray: np.ndarray, layout: str) -> np.ndarray | None:
    """The top text row of a flat plate crop (grey), dark on light, ~80 px high; the border,
    bumper and anything touching the crop's edge painted out. ``layout`` is the plate's.

    Why not ``segment.segment``: it drops the top row of a 2-row plate when the province
    glyph breaks into small strokes and only the series letter is left (a row needs two
    characters), and that row is exactly where the province is.
    """
    gray = check_image(gray)
    g, _ = stretch(gray)
    if float(np.median(g)) < 128:  # light ink on a blue plate
        g = 255 - g
    h, w = g.shape
    _, mask = cv2.threshold(cv2.GaussianBlur(g, (3, 3), 0), 0, 255,
                            cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = [i for i in range(1, n)
            if stats[i][2] < 0.4 * w and stats[i][3] < 0.6 * h and stats[i][4] >= 6
            and stats[i][0] > 0 and stats[i][1] > 0 and stats[i][0] + stats[i][2] < w
            and stats[i][1] + stats[i][3] < h and not _in_rim(stats[i], w, h)]
    if not keep:
        return None
    ink = np.isin(labels, keep).astype(np.uint8)
    rows = np.flatnonzero(ink.any(axis=1))
    y0, y1 = int(rows[0]), int(rows[-1]) + 1
    if layout == "2-line":  # split at the widest empty band in the middle of the plate
        empty = np.asarray(ink.sum(axis=1) == 0)
        best, run, split = 0, 0, 0
        for y in range(int(0.25 * h), int(0.75 * h)):
            run = run + 1 if empty[y] else 0
            if run > best:
                best, split = run, y
        if best == 0:
            return None
        y1 = split - best + 1
        sub = np.flatnonzero(ink[:y1].any(axis=1))
        if len(sub) == 0:
            return None
        y0, y1 = int(sub[0]), int(sub[-1]) + 1
    near = cv2.dilate(ink, np.ones((3, 3), np.uint8)) > 0
    clean = np.where(near, g, 255).astype(np.uint8)
    m = max(2, (y1 - y0) // 8)
    band = clean[max(0, y0 - m):y1 + m]
    k = 80 / max(band.shape[0], 1)
    big = cv2.resize(band, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)
    return np.asarray(cv2.copyMakeBorder(big, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255),
                      np.uint8)


#: A blob narrower than this share of its own height is a line, not a stroke of a glyph (a
#: plate-edge line cut with the row: 3 x 50 px; a bold 川's left stroke is ~0.12 or more).
THIN = 0.1


def cut_candidates(row: np.ndarray) -> list[np.ndarray]:
    """Possible cuts of the province glyph at the left of a plate row (:func:`top_row`),
    most likely first; empty when the row holds no ink.

    The glyph is as wide as 0.6-1.3 times the row's ink height (CJK glyphs are square,
    squeezed by the plate); every ink-free gap in that window is a candidate cut (the first
    is the likeliest; a 鄂 or 川 squeezed narrow has its own gap in the window), or, with no
    gap (a glyph touching the next letter), the column with the least ink. The window starts
    at 0.6, not at the first gap, because 川 沪 鄂 have gaps inside. Thin blobs taller than
    the row's characters (the plate border, a frame bar) are ignored.
    """
    g = check_image(row)
    found = _cuts(g)
    if found is None:
        return []
    clean, x0, height, cuts = found
    m = max(2, height // 12)
    out = []
    for cut in cuts:
        ink_rows = np.flatnonzero(clean[:, x0:cut].any(axis=1))
        if len(ink_rows):
            y_lo = max(0, int(ink_rows[0]) - m)
            y_hi = min(g.shape[0], int(ink_rows[-1]) + m + 1)
            out.append(np.asarray(g[y_lo:y_hi, max(0, x0 - m):cut], np.uint8))
    return out


def province_edge(row: np.ndarray) -> int | None:
    """The x of the likeliest cut after the province glyph (:func:`cut_candidates`' first),
    in ``row``'s own pixels, or None when the row holds no ink."""
    found = _cuts(check_image(row))
    return found[3][0] if found is not None else None


def _cuts(g: np.ndarray) -> tuple[np.ndarray, int, int, tuple[int, ...]] | None:
    """The row's clean ink mask (read-only), its first ink x, its ink height and the
    province's cuts; kept for a row asked again (``inkmemo``, round 25: the same top row is
    cut for ``cnletter``, ``cnskip``, ``cnjunk`` and the classifier)."""
    return _CUTS.get(g, (), lambda: _cut(g))


_CUTS = Memo()


def _cut(g: np.ndarray) -> tuple[np.ndarray, int, int, tuple[int, ...]] | None:
    _, mask = cv2.threshold(cv2.GaussianBlur(g, (3, 3), 0), 0, 255,
                            cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    min_area = max(3, int(0.0005 * g.size))
    blobs = [i for i in range(1, n) if stats[i][4] >= min_area]
    if not blobs:
        return None
    # A blob much taller than the row's characters that is thin (a frame bar) or sparse (a
    # corner of the plate's border, cut with the row: measured on a blue 桂J plate, where
    # it started the window and the glyph was rejected) is no character.
    typical = float(np.median([stats[i][3] for i in blobs]))
    blobs = [i for i in blobs
             if not (stats[i][3] > 1.2 * typical and (
                 stats[i][2] < 0.3 * stats[i][3]
                 or stats[i][4] < 0.15 * stats[i][2] * stats[i][3]))]
    blobs = _without_specks(blobs, stats, typical)
    clean = np.isin(labels, blobs)
    ys = np.flatnonzero(clean.any(axis=1))
    xs = np.flatnonzero(clean.any(axis=0))
    if len(ys) < 4 or len(xs) < 4:
        return None
    height = int(ys[-1] - ys[0] + 1)  # the province glyph is the row's tallest
    x0 = int(xs[0])
    lo, hi = x0 + int(0.6 * height), min(g.shape[1], x0 + int(1.3 * height))
    if hi <= lo:
        return None
    proj = clean[:, lo:hi].sum(axis=0)
    empty = np.concatenate([[0], (proj == 0).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(empty))  # starts and stops of the empty runs
    cuts = [lo + (a + b) // 2 for a, b in zip(edges[::2], edges[1::2], strict=True)][:3]
    if not cuts:
        cuts = [lo + int(np.argmin(proj))]
    return frozen(clean), x0, height, tuple(cuts)


def _without_specks(blobs: list[int], stats: np.ndarray, typical: float) -> list[int]:
    """``blobs`` without the specks and stripes before the row's first glyph: a blob under
    half the characters' height, or thinner than ``THIN`` of its own height, whose right end
    lies more than a quarter of the characters' height left of every other blob (the plate's
    texture or dust; a line of the plate's edge the row's cut kept). Such a blob started the
    province's cut, which the classifier then cropped to it and the glyph together: an easy
    frame's clean 桂 rejected at 1.0, a clean 粤 named at margin 0.33 where chi_sim's row read
    named 吉 (docs/reader-journal.md, round 18). The strokes of 氵 (沪) touch or nearly touch
    the rest of their glyph, and 川's left stroke is thicker and nearer its middle one."""
    order = sorted(blobs, key=lambda i: stats[i][0])
    while len(order) > 1:
        x, _, w, h, _ = stats[order[0]]
        if (h >= 0.5 * typical and w >= THIN * h) or (
                min(stats[i][0] for i in order[1:]) - (x + w) <= 0.25 * typical):
            break
        order.pop(0)
    return order


def cut_province(row: np.ndarray) -> np.ndarray | None:
    """The likeliest cut of the province glyph (:func:`cut_candidates`), or None."""
    cuts = cut_candidates(row)
    return cuts[0] if cuts else None


def read_province(row: np.ndarray, classifier: ProvinceClassifier) -> ProvinceGuess:
    """The province at the left of a plate row: every candidate cut classified, the most
    confident province kept (recognition picks the cut: the half of a 鄂 reads as 粤 less
    surely than the whole glyph), else the most confident reject."""
    guesses = [classifier.classify(c) for c in cut_candidates(row)]
    if not guesses:
        return ProvinceGuess(None, 1.0, 1.0)
    return max(guesses, key=lambda g: (g.char is not None, g.confidence))
