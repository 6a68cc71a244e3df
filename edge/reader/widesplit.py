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

Round 21: a 2-row plate's rows are split too (12G-421.57's top row "12G" one blob 2.3
heights wide, dropped, every crop read the bottom row alone), on the evened masks as well as
the plain ones (its plain mask joined "57" and the dot: 3 rows' worth), and an evened split
crop's dropped lone read is judged like a read; one grammar repair is allowed where it stands
on a split glyph the classifier named ('126/421.57': the G of "12G").
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
#: A split 2-row crop's rows: a VN 2-row plate's top (series: "29V", "20QT") and bottom
#: (number: "922.95", "2362") counts (round 21: "12G" one blob, 12G42157's top row lost).
TOP = (3, 4)
BOTTOM = (4, 5)

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
    """The crop's segmentation with its merged blobs split (plain threshold, then evened,
    the first polarity whose split rows count a VN plate's: one row, or two, ``_plate_rows``),
    its mask (ink white) and the rows' glyphs, top row first, and the split ones (in the
    mask's pixels); ``None`` where no blob splits or no count fits."""
    gray, k, spread = _prepared(crop)
    if spread < 12:
        return None
    for g, mask, found in [*_masks(gray, flat=False), *_masks(gray, flat=True)]:
        boxes, made = split(_blobs(mask, found))
        if not made:
            continue
        rows = rowcut.remnants_dropped(grouped(boxes), mask.shape[1])
        n = sum(len(r) for r in rows)
        if not COUNTS[0] <= n <= COUNTS[1] or not _plate_rows([len(r) for r in rows]):
            continue
        lines = _built((n, rows, g, mask, found), k, 0.18, evened=True, local=False)
        if len(lines.row_chars) == len(rows) and lines.chars == n:
            return lines.done(), mask, [b for r in rows for b in sorted(r)], set(made)
    return None


def _plate_rows(counts: list[int]) -> bool:
    """Whether split rows of these counts are a VN plate's: one row (``COUNTS``), or a top row
    of ``TOP`` over a bottom row of ``BOTTOM`` (round 21)."""
    if len(counts) == 1:
        return True
    return (len(counts) == 2 and TOP[0] <= counts[0] <= TOP[1]
            and BOTTOM[0] <= counts[1] <= BOTTOM[1])


def confirmed(read: CropRead, mask: np.ndarray, glyphs: list[Box], made: set[Box], *,
              classify: latin.Classify | None = None, top: int = 0) -> bool:
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
        kind = (dropped.slot_kind("2-line", int(i >= top), i if i < top else i - top) if top
                else dropped.slot_kind("1-line", 0, i))
        pick = dropped.named(guess.shares, kind)
        if box in made and (pick is None or pick[0] != ch or pick[1] < recut.SHARE):
            unnamed += 1
        if recut.share_of(guess.shares, kind, ch) < recut.OPPOSED:
            return False
    return unnamed <= UNNAMED


def believed(read: CropRead | None, lines: Lines, confirm: bool, *,
             glyphs: list[Box] | None = None, made: set[Box] | None = None) -> bool:
    """A split look's read the frame may take (see the module): a VN plate of the split
    count, repair-free and agreed by two preprocessings or confirmed by the classifier
    (``confirm``); or with one repair where the classifier confirms it and the repaired
    character is a split glyph's, which the classifier named (round 21: 12G42157's top row
    "12G", one blob, split and read '126', its G named by the classifier)."""
    if (read is None or read.cand.country != "VN" or not read.fits
            or len(read.cand.plate) != lines.chars):
        return False
    if read.cand.cost == 0:
        return read.agreed or confirm
    return read.cand.cost == 1 and confirm and _repairs_split(read, glyphs or [], made or set())


def _repairs_split(read: CropRead, glyphs: list[Box], made: set[Box]) -> bool:
    """Whether every character the grammar repaired in ``read`` stands on a split glyph (one
    character a glyph: eng's raw read, its dash and dots aside, as long as the plate)."""
    raw = [ch for ch in read.raw if ch not in "/.-"]
    plate = read.cand.plate
    if len(raw) != len(plate) or len(glyphs) != len(plate):
        return False
    return all(glyphs[i] in made for i, (a, b) in enumerate(zip(raw, plate, strict=True)) if a != b)
