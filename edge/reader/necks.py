"""A white plate cut from what it touches: the bright mask's blobs parted at their necks.

Why: a white plate hung on a dark bumper just under a light body (a white cab, an orange
truck's light stripe) touches it at one corner when tilted; the bright mask (the plate
lighter than its surround, ``localise._text_masks``) then joins the plate to the body in
one blob as large as the cab (0.05-0.38 of the work image, filling 0.15-0.46 of its
rectangle), and the plate's edge ring touches the bumper's edge or its own characters, so no
mask holds the plate alone (round 20, the "localisation" class: 14A8331, 29Z54090, 21L55581,
the true quad reading them at 0.75-0.90, no found quad at IoU 0.5). Eroded by a few pixels,
the blob parts where the plate's corner meets the body; the plate's part, grown back by as
much, is the plate (IoU 0.86-0.97; 14A8331 and 21L55581 read from it, 29Z54090 not). Found
only for a frame's last looks (``LastLooks``): the search's own masks stay as they were, and a
frame that reads pays nothing. A part is no mask's candidate, so only its sure read counts,
and one that does not leaves no vote behind (its agreed 14K24294, its sure read capped at
LONE 12R5758, believed or voting, each turned a frame wrong: round 20).
"""

from __future__ import annotations

import cv2
import numpy as np

from edge.reader.localise import _LEVELS, Box, scored_quad
from edge.reader.textquad import distinct

#: The erosion's radius in work-image pixels (``localise.WORK_WIDTH``): the joins of the round's
#: three plates part at 2, 3 and 5 (29Z54090's, across a glare, needs 5); a plate's own height
#: is ~25-35 such pixels, so its part survives.
RADIUS = 5
#: Parts kept, best scored first (``localise._score``).
NECKS = 2
#: A part's area against the work image's, once grown back (``localise.candidates``' limits).
AREA = (0.0015, 0.25)


def bright(small: np.ndarray) -> np.ndarray:
    """The localiser's bright-region mask of its work image ``small`` (``_text_masks``)."""
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    lo, hi = int(gray.min()), int(gray.max())
    norm = cv2.LUT(gray, ((_LEVELS - lo) * (255.0 / max(hi - lo, 1))).astype(np.uint8))
    blur = cv2.GaussianBlur(norm, (3, 3), 0)
    mask = cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 61, -12)
    return np.asarray(cv2.morphologyEx(mask, cv2.MORPH_CLOSE,
                                       cv2.getStructuringElement(cv2.MORPH_RECT, (9, 7))), np.uint8)


def necked(small: np.ndarray, boxes: list[Box], strong: np.ndarray, k: float, *,
           radius: int = RADIUS, limit: int = NECKS) -> list[np.ndarray]:
    """The bright mask's parts (``parted``) of the work image ``small``."""
    return parted(bright(small), boxes, strong, k, radius=radius, limit=limit)


def yellow(mask: np.ndarray | None, strong: np.ndarray, k: float, *, radius: int = RADIUS,
           limit: int = NECKS) -> list[np.ndarray]:
    """The plate-yellow mask's parts (``parted``; ``textquad.Blobs.plate_yellow``, ``None``
    for a grey work image), a chosen quad's box included.

    Why: a yellow plate touching an orange truck's lettering, a stripe or a glare of the
    plate's own hue is joined to it in the plate-yellow mask too (21R53502's plate to the
    painted characters above it: IoU 0.77, reading nothing); and where the plate's own quad
    was found and read nothing, its part is the same plate a pixel or two tighter, which
    Tesseract may read (12DA885: the chosen quad, IoU 0.92, read nothing, its part, IoU 0.95,
    sure at 0.99; round 21).
    """
    if mask is None:
        return []
    return parted(mask, [], strong, k, radius=radius, limit=limit)


def parted(mask: np.ndarray, boxes: list[Box], strong: np.ndarray, k: float, *,
           radius: int = RADIUS, limit: int = NECKS) -> list[np.ndarray]:
    """A mask's parts once eroded by ``radius``, each grown back to a rotated rectangle, in
    frame coordinates (``k``: the work image's scale), best scored first, none a chosen
    quad's box (``boxes``) nor another part's. ``strong``: the work image's strong gradients
    (``localise.candidates``)."""
    size = mask.shape[0] * mask.shape[1]
    ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    parts = cv2.findContours(cv2.erode(mask, ker), cv2.RETR_EXTERNAL,
                             cv2.CHAIN_APPROX_SIMPLE)[0]
    found: list[tuple[float, np.ndarray]] = []
    for c in parts:
        (cx, cy), (rw, rh), angle = cv2.minAreaRect(c)
        rw, rh = rw + 2 * radius, rh + 2 * radius
        if not AREA[0] * size <= rw * rh <= AREA[1] * size:
            continue
        box = cv2.boxPoints(((cx, cy), (rw, rh), angle)).astype(np.float32)
        got = scored_quad(box.reshape(-1, 1, 2), strong, hull=False)
        if got is not None:
            found.append((got[0], got[1] / k))
    return distinct(found, boxes, limit)
