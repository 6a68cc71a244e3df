"""A frame's likeliest candidate read again from a few quads a pixel or two off, voted.

Why: a found quad at IoU 0.92-0.97 with the plate's own can read nothing, or a plate at
0.25, where the same quad moved two pixels, or warped with a wider margin, reads the plate
(round 19, the "fragile" class: 12DA885, 桂U2A539, 桂U49827, 湘VRJ71R). Tesseract's read of
a blurred row turns on where the crop's edges fall on the glyphs' pixels, so one look is a
coin; the plate most of several looks read is not. The looks are the same crop's neighbours,
not independent evidence of each character, so the plate they vote for is read at ``LONE``
only, and only where the frame reads nothing else (``LastLooks``): a frame that reads pays
nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import numpy as np

from edge.reader.claims import CropRead
from edge.reader.segment import Lines

#: The looks, in the order read: (margin, dx, dy, scale) of the quad, in frame pixels.
LOOKS: tuple[tuple[float, float, float, float], ...] = (
    (0.08, 0, 0, 1.0), (0.04, 0, -2, 1.0), (0.04, 0, 2, 1.0), (0.04, -2, 0, 1.0),
    (0.04, 0, 0, 1.04), (0.12, 0, 0, 1.0), (0.04, 0, 0, 0.96), (0.04, 2, 0, 1.0),
)
#: Looks read before giving up where none read a plate: the looks that read the plate read it
#: from the first or second look on (round 19); a frame whose first three read nothing (a
#: plate-free frame, a quad off the plate) reads nothing from the rest either.
FIRST = 3
#: A plate needs this many looks' repair-free reads, and twice the other plates' together.
VOTES = 3


def looks(quad: np.ndarray) -> Iterator[tuple[np.ndarray, float]]:
    """The quad moved, grown or shrunk as ``LOOKS`` says, with the margin to warp it by."""
    q = quad.astype(np.float32)
    centre = q.mean(axis=0)
    for pad, dx, dy, scale in LOOKS:
        moved = centre + (q - centre) * scale + np.array([dx, dy], np.float32)
        yield moved.astype(np.float32), pad


def counted(read: CropRead | None) -> str | None:
    """The plate a look votes for: its read's, when repair-free (a repaired read is already
    doubted) and its province not the classifier's alone (the looks share it)."""
    if read is None or read.cand.cost or read.classified or read.weak:
        return None
    return read.cand.plate


def dropped_vote(dropped: CropRead | None, lines: Lines) -> CropRead | None:
    """The read a look that read nothing votes with: its crop's lone read, where the crop's
    characters showed only once its light was evened out and ``CropReader._judged`` dropped
    that read (``None`` else; ``counted`` still asks it to be repair-free).

    Why: an evened crop's lone read is dropped because alone it was wrong as often as right
    (round 13), but a look's vote is not believed alone either: three looks must read the
    plate, twice the others together. On hard frames whose likeliest candidate is a blurred
    plate every look evens out (11V76298: the looks' binary rows read '11V-762.98' at 0.66
    and 0.92, each dropped), the looks never voted at all (round 20).
    """
    if dropped is None or dropped.kept or not lines.evened:
        return None  # a row Tesseract took for noise (``kept``) is no look's read
    return dropped


def winner(votes: Counter[str], left: int) -> str | bool | None:
    """The plate voted in (``VOTES``, and twice the other plates' votes together), ``False``
    while one may still be (``left`` looks unread), ``None`` once none can.

    Why the others together: looks that scatter over many plates read a glyph as a coin
    (桂F930XD's eight looks at 0.16-0.33: 桂F930X8 three times, and five other plates once).
    """
    ranked = votes.most_common()
    top = ranked[0][1] if ranked else 0
    rest = sum(n for _, n in ranked[1:])
    if top >= VOTES and top >= 2 * rest:
        return ranked[0][0]
    if left == 0 or top + left < max(VOTES, 2 * rest) or (
            not top and len(LOOKS) - left >= FIRST):
        return None
    return False
