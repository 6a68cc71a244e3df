"""A blurred frame's VN read under the band, checked against its own crop deblurred.

Why: round 23's :mod:`edge.reader.deblur` reads a frame through its motion blur's
deconvolution only where the frame read nothing. A motion-blurred plate often does read,
but a glyph or two off and unsure: the box smears a 3 into a 9, a 1 into a 0, a 7 into a 1,
and one preprocessing or a capped agreement names it (0.45-0.79). On the wide pool (seeds
3101-3404, base ``6f722b6``) 18 of the 23 hard VN misses were motion-blurred, and 6 of those
were such reads (20G48976 read 20G42376 at 0.79, 14X36641 read 14X36642 at 0.45, ...): the
read's own quad, deconvolved by the kernel the frame's quads vote, read the plate again,
where no threshold of the blurred crop does (round 24).

So a frame whose VN read is under the band and whose quads vote a blur
(:func:`edge.reader.deblur.kernel_of`, a few autocorrelations) has the read's own quad
deconvolved and read once more; a VN read of another plate replaces it only when sure on
its own (:func:`trusted`), and even then stays under the band (:data:`CAP`): it is another
image of the same pixels, not a second witness (as a refit's read, round 11). A frame that
shows no blur pays only the vote.

Measured (round 24, every group): the uncontested sure reads of another plate were right 3
of 3 (0.96-0.99); the contested agreements (two preprocessings of three, 0.70-0.75) right 2
of 4 (12R5750 read 12R5758, 12F45338 read 12F45330): a coin flip, not taken. Chinese reads
are not checked: their deblurred crops read the tail's letters wrong as often as right,
agreed at 0.72-0.79 (桂H04BX4 read 桂HJ4BX4, 桂PPAC5V read 桂PACS5V: +3 frames, -2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from edge.reader import deblur
from edge.reader.base import ACT, Frame
from edge.reader.claims import CropRead
from edge.reader.segment import Lines, segment

#: The most the deblurred read may claim: under the band (``ACT``), as a refit's read alone.
CAP = ACT - 0.01
#: Where the crop deconvolved at ``deblur.NSR`` reads neither the frame's plate nor a
#: trusted other, it is deconvolved once more at this NSR (damped harder: a blurred glyph's
#: noise the first inverse left as a stroke, 11C-96.84's 8 read 6, round 25); ``None``: off.
SECOND_NSR: float | None = 0.1

Best = tuple[CropRead, np.ndarray, Frame]


def trusted(got: CropRead) -> bool:
    """A deblurred read that may replace the frame's: a VN plate read repair-free, as many
    glyphs as blobs, at ``ACT`` or over (so never a contested agreement: those are capped
    at ``CONTESTED``, 0.75), sure alone or agreed."""
    return (got.cand.country == "VN" and got.cand.cost == 0 and got.fits
            and got.conf >= ACT and (got.sure or got.agreed))


def sharpened(frame: Frame, quads: list[np.ndarray], quad: np.ndarray,
              read: Callable[[Lines], CropRead | None], plate: str = ""
              ) -> tuple[CropRead | None, Frame] | None:
    """``quad``'s crop deconvolved by the blur the frame's quads vote, and its read; or
    ``None`` where they vote none (``deblur.kernel_of``). Where that read is neither
    ``plate`` nor :func:`trusted`, the crop deconvolved at :data:`SECOND_NSR` and its read."""
    kernel = deblur.kernel_of(frame, quads)
    if kernel is None:
        return None
    crop = deblur.crop_of(frame, quad, kernel)
    lines = segment(crop)
    got = read(lines) if lines is not None else None
    if SECOND_NSR is None or (got is not None and (got.cand.plate == plate or trusted(got))):
        return got, crop
    again = deblur.crop_of(frame, quad, kernel, SECOND_NSR)
    lines = segment(again)
    other = read(lines) if lines is not None else None
    return (other, again) if other is not None and trusted(other) else (got, crop)


def checked(frame: Frame, quads: list[np.ndarray], best: Best,
            read: Callable[[Lines], CropRead | None]) -> Best:
    """``best``, or, where it is a VN read under the band, the other plate its own quad
    reads deblurred and :func:`trusted`, capped at :data:`CAP`."""
    got, quad, _ = best
    if got.conf >= ACT or got.cand.country != "VN":
        return best
    sharp = sharpened(frame, quads, quad, read, got.cand.plate)
    if sharp is None:
        return best
    other, crop = sharp
    if other is None or other.cand.plate == got.cand.plate or not trusted(other):
        return best
    return replace(other, conf=min(other.conf, CAP)), quad, crop
