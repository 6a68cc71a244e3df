"""A frame's last look: a crop whose touching glyphs blur merged into one wide blob, the blob
split into glyphs by the row's pitch (round 20).

Why: on hard frames two or three touching glyphs come out of the threshold as one blob
(29K-705.70's "29K" and "70", 12X-123.79's "12X", wider than twice its height, dropped by
the shape filter, and "123"), so the crop counts 5-6 characters for a plate of 8; its every
read is unfit (or no read: the rows' band misses the dropped blob), and the frame reads
nothing. Split by the row's pitch (the median width of its single glyphs), the blobs number
the plate's characters, and the grey row, cut to the split count, reads the plate (from the
generator's own quad: 29K70570 and 12X12379 at 0.45, where every other look read nothing).
A split is a guess about the image, so its read is believed only where the frame read
nothing at all, only as a repair-free VN plate fitting the split count, and only when a
second model agrees: the Latin classifier names every split glyph as the read does and opposes
none of the others (as ``recut.fits``), or two preprocessings agreed; at ``LONE``.
"""

from __future__ import annotations

import numpy as np

from edge.reader import dropped, latin, recut, rowcut
from edge.reader.base import Frame
from edge.reader.claims import CropRead
from edge.reader.rowcut import median
from edge.reader.rowgroup import grouped
from edge.reader.segment import Lines, _built, _masks, _prepared

#: A blob this many times the row's glyph pitch wide (and of the row's height) is merged glyphs.
WIDE = 1.6
#: The most glyphs one blob is split into; the widest blob the shape filter's retry keeps
#: (its width over its height; a single glyph is under ~0.9).
MOST = 4
WIDEST = 4.5
#: Split glyphs the classifier may leave unnamed (none opposed): blur's 0 reads 8 at 0.43.
UNNAMED = 1
#: The counts a split row may reach: a VN plate's.
COUNTS = (7, 9)

Box = tuple[int, int, int, int]


def _blobs(mask: np.ndarray, found: rowcut.Stats) -> list[tuple[Box, bool]]:
    """The mask's character-like blobs (``segment._components``' filter), each with whether
    only its width kept it out (wider than twice its height or a third of the crop)."""
    h, w = mask.shape
    n, stats = found
    out: list[tuple[Box, bool]] = []
    for x, y, bw, bh, area in stats[1:n].tolist():
        if x <= 0 or y <= 0 or x + bw >= w or y + bh >= h:
            continue
        if not 0.18 * h <= bh <= 0.9 * h or area < 0.15 * bw * bh:
            continue
        if rowcut.border_strip(x, bw, bh, w):
            continue
        wide = bw > 0.35 * w or bw > 2.0 * bh
        if wide and (bw > WIDEST * bh or bw > 0.7 * w):
            continue
        out.append(((x, y, bw, bh), wide))
    return out


def split(blobs: list[tuple[Box, bool]]) -> tuple[list[Box], list[Box]]:
    """The blobs with each merged one split by pitch, and the split glyphs alone."""
    if len(blobs) < 2:
        return [], []
    height = median([b[3] for b, _ in blobs])
    singles = [b[2] for b, wide in blobs if not wide and b[2] <= 0.96 * b[3]]
    pitch = median(singles) if singles else 0.6 * height
    boxes: list[Box] = []
    made: list[Box] = []
    for (x, y, bw, bh), wide in blobs:
        k = round(bw / pitch) if pitch > 0 else 1
        if bw >= WIDE * pitch and bh >= 0.75 * height and 2 <= k <= MOST:
            parts = [(x + j * bw // k, y, bw // k, bh) for j in range(k)]
            boxes += parts
            made += parts
        elif not wide:
            boxes.append((x, y, bw, bh))
    return boxes, made


def looked(crop: Frame) -> tuple[Lines, np.ndarray, list[Box], set[Box]] | None:
    """The crop's 1-line segmentation with its merged blobs split (plain threshold, the
    polarity whose split row counts a VN plate's characters), its mask (ink white) and the
    row's glyphs and the split ones (in the mask's pixels); ``None`` where no blob splits
    or no count fits."""
    gray, k, spread = _prepared(crop)
    if spread < 12:
        return None
    for g, mask, found in _masks(gray, flat=False):
        boxes, made = split(_blobs(mask, found))
        if not made:
            continue
        rows = rowcut.remnants_dropped(grouped(boxes), mask.shape[1])
        n = sum(len(r) for r in rows)
        if len(rows) != 1 or not COUNTS[0] <= n <= COUNTS[1]:
            continue
        lines = _built((n, rows, g, mask, found), k, 0.18, evened=True, local=False)
        if lines.layout == "1-line" and lines.chars == n:
            return lines.done(), mask, sorted(rows[0]), set(made)
    return None


def confirmed(read: CropRead, mask: np.ndarray, glyphs: list[Box], made: set[Box], *,
              classify: latin.Classify | None = None) -> bool:
    """Whether the Latin classifier names each split glyph (``made``) of the row ``glyphs``
    as ``read``'s plate does, all but ``UNNAMED``, and gives no glyph's read character under
    ``recut.OPPOSED``."""
    plate = read.cand.plate
    if len(plate) != len(glyphs):
        return False
    ink = np.asarray(255 - mask, np.uint8)  # dark ink on light, as box_image reads
    guesses = latin.guesses([latin.box_image(ink, b) for b in glyphs], classify)
    if guesses is None:
        return False
    unnamed = 0
    for i, (ch, guess, box) in enumerate(zip(plate, guesses, glyphs, strict=True)):
        kind = dropped.slot_kind("1-line", 0, i)
        pick = dropped.named(guess.shares, kind)
        if box in made and (pick is None or pick[0] != ch or pick[1] < recut.SHARE):
            unnamed += 1
        if recut.share_of(guess.shares, kind, ch) < recut.OPPOSED:
            return False
    return unnamed <= UNNAMED


def believed(read: CropRead | None, lines: Lines, confirm: bool) -> bool:
    """A split look's read the frame may take (see the module): a repair-free VN plate of the
    split count, agreed by two preprocessings or confirmed by the classifier."""
    return (read is not None and read.cand.country == "VN" and read.cand.cost == 0
            and read.fits and len(read.cand.plate) == lines.chars
            and (read.agreed or confirm))
