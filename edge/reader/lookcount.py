"""A last look's read naming more glyphs than its crop's blobs, against the crop counted again
(``segment.recount``), as the search does for its candidates' reads (round 20).

Why: the search recounts a candidate whose read says a glyph was lost or merged
(``TesseractPlateReader._recounted``, round 12), but a frame's last looks (a text-fitted
quad, an outline, a blob: ``LastLooks._look``) never did. On a hard frame (98Z-554.33, seed
31337) the candidates read nothing and a text-fitted look read '18Z554.33' from 7 blobs, its
9 and 8 merged: two preprocessings agreeing, unfit, kept at 0.70 as the frame's (wrong) read;
the same crop counted again by the evened threshold finds 8 blobs and reads 98Z55433, agreed.
A recount's read replaces the look's only where it fits its blobs and is as confident, up to
its cap (``REJOINED``: a poorer image); otherwise the look's read stands as it was (no short-
plate cap here: the looks' reads are judged by ``choose.look_kept``, unchanged).
"""

from __future__ import annotations

from collections.abc import Callable

from edge.reader.base import Frame
from edge.reader.choose import capped
from edge.reader.claims import REJOINED, CropRead
from edge.reader.rules import glyphs_named
from edge.reader.segment import Lines, recount


def recounted(read: Callable[[Lines], CropRead | None], crop: Frame, lines: Lines,
              got: CropRead) -> tuple[CropRead, Lines]:
    """``got`` (read from ``lines`` of ``crop``, capped), or the first read of the crop
    counted again (``read``: the reader's ``_read_lines_all``) that fits its blobs at
    ``got``'s confidence up to ``REJOINED``, with the lines it was read from."""
    want = glyphs_named(got.cand, got.raw)
    if want <= lines.chars:
        return got, lines
    for again in recount(crop, lines, want):
        other = read(again)
        if other is None:
            continue
        other = capped(other, again)
        if other.fits and other.conf >= min(got.conf, REJOINED):
            return other, again
    return got, lines
