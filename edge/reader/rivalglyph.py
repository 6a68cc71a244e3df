"""A pass's rival coin flip judged across its frames: the Latin classifier on the one glyph
where a frame's plate and its rival differ, on each frame's own crop.

Why: a 2-row Chinese read whose two models' tails differ carries the other tail as its
rival (``FrameRead.rival``), which halves the frame in the pass's consensus. Where every frame
shares one coin flip (川Q7ET84 against 川QTET84 in four frames, 桂AA89GD against 桂AA896D in
five), the pass stays undecided however many frames read the plate: the rival is the same
glyph read by the other model, so the frames cannot outvote it. The frame's reader asks the
classifier at the disputed glyph only to choose between the tails (``cnlook``), and keeps the
rival either way. Across a pass, frames whose crops' glyph at that place the classifier names
clearly as the plate's character (and none naming the rival's) are no coin flip: their rival
is dropped, and the second look's rule (``second_look.decide``, its guards and its cap under
the band) is asked once more. No Tesseract call: a segmentation of each frame's crop and one
classifier batch, only for a pass the second look's stages left undecided (round 19).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from edge.reader import latin
from edge.reader.base import Frame, FrameRead
from edge.reader.cnlook import CLEAR
from edge.reader.consensus import PassRead
from edge.reader.second_look import decide
from edge.reader.segment import segment

#: A bottom-row blob this tall against the row's tallest is a glyph (not a speck, a screw).
TALL = 0.6


def disputed(read: FrameRead) -> int | None:
    """The one place of a 2-row plate's tail where ``read``'s plate and its rival differ."""
    p, r = read.plate, read.rival
    if not p or not r or len(p) != len(r) or read.layout != "2-line":
        return None
    diff = [i for i, (a, b) in enumerate(zip(p, r, strict=True)) if a != b]
    return diff[0] if len(diff) == 1 and diff[0] >= 2 else None


def tail_glyphs(crop: Frame) -> list[np.ndarray]:
    """The bottom row's glyphs of a 2-row plate crop, left to right, each a 0/1 image of its
    blob (empty where the crop does not segment as two rows)."""
    lines = segment(crop)
    if lines is None or lines.layout != "2-line" or not lines.binary:
        return []
    ink = np.ascontiguousarray(lines.binary[-1] < 128, np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 2:
        return []
    tallest = int(stats[1:, 3].max())
    keep = sorted((k for k in range(1, n) if stats[k][3] >= TALL * tallest),
                  key=lambda k: int(stats[k][0]))
    return [np.asarray(labels[y:y + h, x:x + w] == k, np.uint8)
            for k in keep for x, y, w, h in [[int(v) for v in stats[k][:4]]]]


def clear_names(crop: Frame, places: int) -> list[str | None] | None:
    """The classifier's clear name (``latin.TRUST`` share, ``CLEAR`` lead) of each glyph of a
    2-row crop's tail, ``None`` where it hesitates; ``None`` in all where the tail does not
    hold ``places`` glyphs or there is no classifier (no training fonts). Shared by this
    module's verdict on one place and ``tailvote``'s on every place the frames read apart."""
    glyphs = tail_glyphs(crop)
    if len(glyphs) != places:
        return None
    named = latin.guesses([latin.blob_image(g) for g in glyphs])
    if named is None or len(named) != places:
        return None
    return [g.char if g.confidence >= latin.TRUST and g.margin >= CLEAR else None
            for g in named]


def verdict(read: FrameRead) -> str | None:
    """The character the classifier clearly names at ``read``'s disputed place on its crop
    (``clear_names``), when it is the plate's or the rival's there; ``None`` where the crop's
    tail does not hold one glyph a place or the classifier hesitates."""
    k = disputed(read)
    if k is None or read.crop is None or read.plate is None:
        return None
    names = clear_names(read.crop, len(read.plate) - 2)
    char = names[k - 2] if names is not None else None
    pair = (read.plate[k], (read.rival or "")[k])
    return char if char in pair else None


def judged(reads: Sequence[FrameRead]) -> tuple[str, list[FrameRead]] | None:
    """The plate the classifier sides with, and ``reads`` with the rival dropped from each
    frame it so judged: at least two frames of one plate judged for it, and no frame's
    classifier naming a rival's character at its disputed place; else ``None``."""
    sided: list[bool] = []
    for r in reads:
        k, v = disputed(r), verdict(r)
        if k is None or v is None or r.plate is None:
            sided.append(False)
        elif v == (r.rival or "")[k]:
            return None  # a frame's glyph is the rival's: a coin flip after all
        else:
            sided.append(True)
    plates = {r.plate for r, s in zip(reads, sided, strict=True) if s}
    if len(plates) != 1 or sum(sided) < 2:
        return None
    return next(iter(plates)) or "", [replace(r, rival=None) if s else r
                                      for r, s in zip(reads, sided, strict=True)]


def decided(reads: Sequence[FrameRead], looks: Sequence[Sequence[FrameRead]], *,
            min_agree: int) -> PassRead | None:
    """The second look's decision (``second_look.decide``) over the frames' reads with the
    judged rivals dropped, when it is the plate the classifier sided with; else ``None``.
    A judged frame's looks that read the same coin flip (its plate, its rival) drop that
    rival too: they are the same image's glyph, read at another scale."""
    got = judged(reads)
    if got is None:
        return None
    plate, unrivalled = got
    settled = [(r.plate, r.rival) if u.rival != r.rival else None
               for r, u in zip(reads, unrivalled, strict=True)]
    looks = [[replace(x, rival=None) if i < len(settled) and settled[i] == (x.plate, x.rival)
              else x for x in rs] for i, rs in enumerate(looks)]
    out = decide(unrivalled, looks, min_agree=min_agree)
    return out if out is not None and out.plate == plate else None
