"""Cutting a found row of characters out of a plate crop, Tesseract-ready.

Why a module of its own: segmentation (``segment``) decides which blobs are characters and
how they form rows; this turns a row into the image Tesseract reads (widened to the glyphs
the character filter dropped, sheared level, scaled to ~60 px characters, padded).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

import cv2
import numpy as np

from edge.reader.base import Frame
from edge.reader.engines import LineRead
from edge.reader.inkmemo import Memo, frozen

TEXT_HEIGHT = 60
#: White margin around each cut row (px, after scaling).
PAD = 12

#: A blob narrower than this share of its height, this near (share of the crop's width) to the
#: crop's left or right side, is a piece of the plate's border ring, not a character.
STRIP_ASPECT = 0.2
STRIP_SIDE = 0.05
#: A row's first or last blob shorter than this share of the row's median glyph height, in
#: the crop's outer ``STRIP_SIDE``, is a remnant of the border ring too (``remnants_dropped``).
REMNANT = 0.75

#: A mask's connected components: their count (the background included) and stats table.
Stats = tuple[int, np.ndarray]


def stats(mask: np.ndarray) -> Stats:
    """Connected components' count and stats (8-connected), as ``connectedComponentsWithStats``.

    Why 16-bit labels: the same components and stats, ~25% faster (measured on 644 candidate
    masks), and a segmentation asks for 5-6 of them per crop. 8-connected blobs are at
    least a pixel apart, so an h x w mask holds at most (h + 1)(w + 1) / 4 of them: 16-bit
    labels only where that stays under 65535, 32-bit ones otherwise.
    """
    h, w = mask.shape[:2]
    ltype = cv2.CV_16U if (h + 1) * (w + 1) < 4 * 65534 else cv2.CV_32S
    n, _, table, _ = cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, ltype,
                                                                    cv2.CCL_DEFAULT)
    return n, table


def border_strip(x: int, bw: int, bh: int, width: int) -> bool:
    """Whether a blob is a side of the plate's border ring broken off from the rest of it.

    Why: a blurred or glared ring breaks into pieces, and its upright sides, detached from
    the top and bottom bars, no longer touch the crop's edge, so the edge rule does not drop
    them; as tall as a row, they were counted as characters and joined a row's end (tuning
    true quads: 5 of 19 mis-segmented hard 2-row VN plates, 12A-9868 as 4 + 5, 21C-103.37 as
    3 + 7). Most are thinner than any glyph (w/h 0.03-0.18; further in, only province
    glyphs' strokes, 0.09-0.21, are under 0.22, and they stand 8 % of the width in or more)
    and they stand in the crop's outer 5 % (the quad's pad is 4 %): docs/reader-journal.md,
    round 14.
    """
    return bw < STRIP_ASPECT * bh and min(x, width - x - bw) < STRIP_SIDE * width


def remnants_dropped(rows: list[list[tuple[int, int, int, int]]], width: int
                     ) -> list[list[tuple[int, int, int, int]]]:
    """The rows without an end blob that is a short remnant of the border ring: in the crop's
    outer ``STRIP_SIDE`` and under ``REMNANT`` of the row's median glyph height.

    Why: a blurred ring's side breaks into pieces; a piece half a glyph tall at the crop's
    end is a little too wide for ``border_strip`` (14K-411.03's true quad: 3.6 x 15.2 px
    beside glyphs ~30 px tall, counted 9 for 8, so every read of it was unfit). No glyph of
    a plate stands there that short: a VN plate's dash and dot stand between its glyphs, a
    Chinese plate's dot after its second; a glyph the crop cut touches the edge and is
    dropped before (round 18).
    """
    out = []
    for row in rows:
        if len(row) >= 3:
            tall = median([b[3] for b in row])
            row = [b for i, b in enumerate(row)
                   if not (i in (0, len(row) - 1) and b[3] < REMNANT * tall
                           and min(b[0], width - b[0] - b[2]) < STRIP_SIDE * width)]
        if row:
            out.append(row)
    return out


def median(values: Iterable[float]) -> float:
    """``float(np.median(values))`` of a short list (a row's boxes), without numpy's cost.

    Why: the segmentation takes ~60 medians of a handful of numbers a frame, ~20-40 us each
    through ``np.median`` (an array, a partition, a mean); this gives the same value (the
    middle one, or the two middle ones' sum halved, as numpy's mean of them) in ~1 us.
    """
    s = sorted(values)
    mid = len(s) // 2
    return float(s[mid]) if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def span(mask: np.ndarray, y0: int, y1: int, x0: int, x1: int, found: Stats | None = None
         ) -> tuple[int, int]:
    """Widen a row to every ink blob in its band that does not touch the crop's edge.

    Why: the character filter drops glyphs that are split into small strokes (the province
    character 云), or touch a screw or a glare spot; cutting the row at the surviving glyphs
    would cut those characters off, and no later step could bring them back. Stray blobs that
    come in instead are trimmed by the grammar, which counts them. ``found``: the mask's
    components when the segmentation labelled it already (the same mask: Round 8, speed).
    """
    h, w = mask.shape
    th = max(y1 - y0, 4)
    n, table = found if found is not None else stats(mask)
    boxes = table.tolist()  # Python ints: the loop reads each value as a number, not an array
    for i in range(1, n):
        x, y, bw, bh, _ = boxes[i]
        if x <= 0 or y <= 0 or x + bw >= w or y + bh >= h or bw > 1.5 * th or bh > 1.3 * th:
            continue  # the border, the bumper, a frame bar: not a character
        if border_strip(x, bw, bh, w):
            continue  # a side of the border ring (round 14)
        if y + bh < y0 + th // 4 or y > y1 - th // 4:
            continue  # another row
        if bh < 0.25 * th and bw < 0.25 * th:
            continue  # a screw head, a dot, noise
        if x + bw < x0 - 1.2 * th or x > x1 + 1.2 * th:
            continue  # far from the row: another sticker, the plate's edge
        x0, x1 = min(x0, x), max(x1, x + bw)
    return x0, x1


def cut(gray: np.ndarray, mask: np.ndarray, row: list[tuple[int, int, int, int]],
         extend_left: bool, found: Stats | None = None) -> tuple[Frame, Frame, int]:
    h, w = gray.shape
    y0 = int(median([b[1] for b in row]))
    y1 = int(median([b[1] + b[3] for b in row]))
    th = max(y1 - y0, 4)
    x0, x1 = span(mask, y0, y1, min(b[0] for b in row),
                   max(b[0] + b[2] for b in row), found)
    ink = x0
    if extend_left:  # a province character may be split into small parts: keep room for it
        x0 = max(0, x0 - int(0.2 * th))
    m = max(2, th // 6)
    ys, ye = max(0, y0 - m), min(h, y1 + m)
    xs, xe = max(0, x0 - m), min(w, x1 + m)
    g = gray[ys:ye, xs:xe]
    b = 255 - mask[ys:ye, xs:xe]
    scale = TEXT_HEIGHT / th
    g = cv2.resize(g, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    b = cv2.resize(b, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    pad = PAD
    g = cv2.copyMakeBorder(g, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    b = cv2.copyMakeBorder(b, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    lead = pad + round((ink - xs) * scale)
    return np.asarray(g, np.uint8), np.asarray(b, np.uint8), lead


def slope(row: list[tuple[int, int, int, int]]) -> float:
    """Slope of a row's baseline (the bottoms of its characters), 0 for short rows."""
    if len(row) < 3:
        return 0.0
    xs = np.array([b[0] + b[2] / 2 for b in row], np.float64)
    ys = np.array([b[1] + b[3] for b in row], np.float64)
    if np.ptp(xs) < 1:
        return 0.0
    return float(np.polyfit(xs, ys, 1)[0])


def shear(img: np.ndarray, slope: float) -> np.ndarray:
    """Shear vertically so that a baseline of ``slope`` becomes level (characters stay upright)."""
    h, w = img.shape[:2]
    m = np.array([[1.0, 0.0, 0.0], [-slope, 1.0, slope * w / 2]], np.float32)
    border = int(np.median(img[:, :3])) if img.dtype == np.uint8 else 0
    return np.asarray(cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_CONSTANT, borderValue=border),
                      np.uint8)


def cut_short(found: Stats, rows: list[list[tuple[int, int, int, int]]],
              shape: tuple[int, int]) -> bool:
    """Whether the crop's left or right edge cut a character at a row's end.

    Why: the segmentation drops what touches the crop's edge (the border, the bumper), so a
    quad a little narrower than the plate loses the character it cut through, and the row
    reads as a shorter plate that fits the grammar (round 12: 11B-731.40 read 11B7314 at
    0.75, both preprocessings agreeing). A blob touching only the left or right edge, of the
    row's character height, in its band, next to its end is such a character.
    """
    n, table = found
    boxes = table.tolist()
    h, w = shape
    for row in rows:
        th = median([b[3] for b in row])
        cy = median([b[1] + b[3] / 2 for b in row])
        x0, x1 = min(b[0] for b in row), max(b[0] + b[2] for b in row)
        for i in range(1, n):
            x, y, bw, bh, area = boxes[i]
            left, right = x <= 0, x + bw >= w
            if not (left or right) or y <= 0 or y + bh >= h:
                continue
            if not (0.7 * th <= bh <= 1.3 * th and bw <= th and area >= 0.15 * bw * bh
                    and abs(y + bh / 2 - cy) <= 0.25 * th):
                continue
            if (left and x0 - (x + bw) < th) or (right and x - x1 < th):
                return True
    return False


def glyphs_at(binary: Frame, cx: float) -> Iterator[np.ndarray]:
    """The whole blobs under x = ``cx`` in a read's line image (the segmentation's mask, dark
    ink on white), each as a 0/1 image of its bounding box.

    Why here: the glyph-shape checks (``zeros``, ``lookalikes``) look at the character
    Tesseract placed at ``cx``; only a window a character height either side is labelled, not
    the whole line, and a blob the window cuts is not a whole glyph.
    """
    x0 = max(0, int(cx) - TEXT_HEIGHT)
    window = np.ascontiguousarray(binary[:, x0:int(cx) + TEXT_HEIGHT] < 128, np.uint8)
    # The same window is labelled for zeros, lookalikes, vouch, disputes... (``inkmemo``)
    n, labels, table = _WINDOWS.get(window, (), lambda: _labelled(window))
    for k in range(1, n):
        x, y, w, h, _ = (int(v) for v in table[k])
        if x > 0 and x + w < window.shape[1] and x <= cx - x0 < x + w:
            yield np.asarray(labels[y:y + h, x:x + w] == k, np.uint8)


_WINDOWS = Memo()


def _labelled(window: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """A glyph window's components: their count, labels and stats (read-only)."""
    n, labels, table, _ = cv2.connectedComponentsWithStats(
        window, connectivity=8, ltype=cv2.CV_16U)
    return n, frozen(labels), frozen(table)


def reshaped(got: LineRead, changes: dict[int, str]) -> LineRead:
    """``got`` with the characters at ``changes``' positions replaced, each with no lead over
    its runner-up: a character named by its glyph's shape, not by the LSTM, is never sure
    alone (``zeros``, ``lookalikes``)."""
    if not changes:
        return got
    chars, margins = list(got.chars), list(got.margins)
    for i, ch in changes.items():
        chars[i] = (ch, chars[i][1], chars[i][2])
        if i < len(margins):
            margins[i] = 0.0
    return replace(got, text="".join(ch for ch, _, _ in chars), chars=tuple(chars),
                   margins=tuple(margins))
