"""A plate crop's contrast: its grey levels stretched (``stretch``), its light evened out by
its background (``flattened``), and a threshold that follows the local contrast
(``local_mask``: glare and shade evened out together).

Why the local threshold: a headlight's glare on one end of a plate adds light to ink and
plate alike, so there the ink is a light grey on white. One global threshold (``segment``'s
Otsu) loses those characters; dividing by the background (``segment``'s evened look) fixes
light that multiplies, not light that adds, so its one threshold still loses them (round 11:
21N-770.67 found as 7 characters, 12S-437.15 as 6, 21A-419.64 as 5, the glared end each
time). Here each pixel is compared with the middle of its own neighbourhood's lightest and darkest
levels (Bernsen's threshold): that middle follows the glare, so the faded characters come
out as whole as the others. Where the neighbourhood holds no ink (its lightest and darkest
close together: the plate's margin, its printed texture), nothing is ink, so that noise is
not blown up into characters.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from edge.reader import rowcut

#: The neighbourhood's side in work pixels (crops are 120 px high, characters ~70): wide
#: enough to reach a stroke from anywhere inside a character or the gap next to it.
WINDOW = 41
#: Least local contrast for ink, as a share of the crop's own strong contrast (its 95th
#: percentile): under it a neighbourhood is margin or texture. Measured on the true quads
#: of seeds 999/777/4242: a floor of 30 levels let the plate's printed texture at its ends
#: in as characters (21A-419.64 counted 10); this share (and WINDOW 41, not 31) counts 8.
FLOOR = 0.35
_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (WINDOW, WINDOW))
#: The 256 grey levels as float32, for stretch tables (``stretch``).
_LEVELS = np.arange(256, dtype=np.float32)


def stretch(gray: np.ndarray) -> tuple[np.ndarray, int]:
    """Grey levels stretched so the 2nd-98th percentiles span 0-255, and that span's width.

    Percentiles from the histogram: ``np.percentile`` sorts, 12x slower (measured);
    OpenCV's histogram counts 4x faster than ``np.bincount`` (the same counts, exact in
    float32 below 2**24 pixels). The stretch itself is a table of the 256 grey levels, each
    computed as the whole image's float32 arithmetic did it, looked up per pixel (the same
    bytes; stretch 0.08 -> 0.03 ms on a 120 x 400 crop: round 9, speed).
    """
    counts = (cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel() if gray.size < 2**24
              else np.bincount(gray.ravel(), minlength=256))
    cum = counts.astype(np.int64).cumsum()
    lo, hi = (int(np.searchsorted(cum, q * gray.size)) for q in (0.02, 0.98))
    levels = np.clip((_LEVELS - lo) * 255.0 / max(hi - lo, 1), 0, 255).astype(np.uint8)
    return np.asarray(cv2.LUT(gray, levels), np.uint8), hi - lo


def flattened(g: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``g`` divided by its background (a closing by ``kernel``, wider than a stroke: the
    light falling on the plate), scaled to 0-255: the evened look's grey (``segment._masks``).

    The same bytes as ``np.clip(g * 255.0 / np.maximum(background, 1.0), 0, 255)`` in float32,
    truncated, at half its cost (0.24 -> 0.12 ms a polarity on 120 x 400 crops, round 23):
    a closing is never darker than the image, so the quotient is already within 0..255 (the
    clip changed nothing), and the float32 product and quotient are the same IEEE operations
    done in place, without the expression's four temporary arrays.
    """
    background = cv2.morphologyEx(g, cv2.MORPH_CLOSE, kernel)
    out = g.astype(np.float32)
    out *= 255.0
    out /= cv2.max(background, 1).astype(np.float32)
    return np.asarray(out.astype(np.uint8), np.uint8)


def local_mask(gray: np.ndarray, *, dark_text: bool
               ) -> tuple[np.ndarray, np.ndarray, rowcut.Stats]:
    """One polarity (dark text on light, or light on dark): the grey with its contrast
    evened out (ink black, paper white), its mask and the mask's components, as one of
    ``segment._masks``' entries.

    Why one polarity: the segmentation already knows which polarity holds the plate's
    characters (the one where it found them, short of a plate's count); labelling the
    other's mask too was most of this look's cost (0.45 of ~1.4 ms a crop, measured).
    """
    g = cv2.GaussianBlur(gray if dark_text else 255 - gray, (3, 3), 0)
    light = cv2.blur(cv2.dilate(g, _KERNEL), (WINDOW, WINDOW))
    dark = cv2.blur(cv2.erode(g, _KERNEL), (WINDOW, WINDOW))
    spread = cv2.subtract(light, dark)
    counts = cv2.calcHist([spread], [0], None, [256], [0, 256]).ravel().cumsum()
    floor = max(1.0, FLOOR * float(np.searchsorted(counts, 0.95 * spread.size)))
    # spread >= floor, for whole levels (as cv2.compare rounds a fractional floor up).
    inked = cv2.threshold(spread, math.ceil(floor) - 1, 255, cv2.THRESH_BINARY)[1]
    mask = cv2.bitwise_and(cv2.compare(g, cv2.addWeighted(light, 0.5, dark, 0.5, 0),
                                       cv2.CMP_LT), inked)
    # The grey Tesseract reads: each pixel placed between its neighbourhood's ink and paper
    # levels (saturating: 255 at and over the paper's), white where there is no ink around.
    evened = cv2.divide(cv2.subtract(g, dark), spread, scale=255)
    evened[inked == 0] = 255
    return np.asarray(evened, np.uint8), mask, rowcut.stats(mask)
