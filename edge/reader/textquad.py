"""A candidate's quad fitted again to its own characters: the text's top and bottom lines.

Why: a found quad a few pixels off at one corner (a rotated box around a plate seen
obliquely, a colour blob whose corner the glare ate) warps the plate's characters: they
lean, or shrink towards one end, and Tesseract reads such a row as nothing at all, though
the segmentation found the plate's 7-8 characters in it (round 13, the glare or blur frames
and the "fragile" ones: 11U-430.67 from a blue outline at IoU 0.95 read 'RAN43067', its
true quad 0.98). The characters themselves say where the plate is: their tops and bottoms
lie on two straight lines the plate's length, whatever the quad did to them. Mapped back
into the frame, those lines (and sides square to them, a margin out) are a quad the plate
is upright and even in. Its outline (``outline.refined``) cannot do this where the border
is lost in glare or blur; the characters are what the segmentation found.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from edge.reader.base import Frame
from edge.reader.likeness import SKIP, likeness
from edge.reader.localise import (
    MIN_TEXTURE,
    Box,
    _box_iou,
    _score,
    _texture,
    colour_mask,
    rectify,
    scored_quad,
    warp,
)
from edge.reader.outline import PAD
from edge.reader.segment import Lines, segment

#: The margin around the characters, in character heights: above and below, and at the ends
#: (a plate's border lies about this far out; the crop is grown by the reader's PAD too).
MARGIN_Y = 0.35
MARGIN_X = 0.6
#: Characters needed to fit a line through a row's tops (or bottoms).
MIN_CHARS = 4
#: The fitted quad's area against the found quad's: outside this, the lines fitted are not
#: the plate's (a row of noise, two rows' lines crossing) and the quad is not used.
AREA = (0.2, 2.5)
#: ... and its width over its height (a 2-row plate ~1.4, a 1-row one ~4.5).
ASPECT = (1.0, 10.0)
#: Text blobs kept as they are (``Blobs``), and their rectangles' aspects.
BLOBS = 6
BLOB_ASPECT = (1.2, 8.0)
#: A yellow plate's hue and saturation (OpenCV HSV): the localiser's yellow mask starts at hue
#: 14 and so takes in an orange truck's body (hue ~17) too; a plate touching the body merges
#: into its blob. The plates' yellow lies at hue 19-30.
PLATE_YELLOW = ((19, 70, 50), (40, 255, 255))
#: Yellow quads read as last looks (``LastLooks._text_looks``): the first this many, best
#: scored first, whose crops segment a plate's count. Not the first this many quads: an orange
#: truck's grille shows pieces of plate yellow between its bars that score over the plate
#: (texture 0.65 against the plate's 0.26) and segment no row (round 21: 11R19385's plate
#: third, never read).
YELLOWS = 2


def _fit(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A point on the line through ``points`` (N x 2) and its unit direction."""
    vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01,
                                 0.01).ravel()
    d = np.array([vx, vy], np.float64)
    if d[0] < 0:
        d = -d
    return np.array([x0, y0], np.float64), d


def text_quad(quad: np.ndarray, lines: Lines, pad: float) -> np.ndarray | None:
    """The plate's quad in frame coordinates from the characters ``lines`` found in
    ``rectify(frame, quad, pad=pad)``; None when too few characters to fit lines to.

    Tops are fitted on the first row, bottoms on the last (a 2-row plate's text spans
    both); the ends are the characters' outermost extent along the text, a margin out, and
    the sides are square to the text's direction in the frame.
    """
    rows = [r for r in lines.boxes if r]
    if not rows:
        return None
    if lines.layout == "1-line":
        rows = [max(rows, key=len)]
    top_row, bottom_row = rows[0], rows[-1]
    if len(top_row) < MIN_CHARS and len(bottom_row) < MIN_CHARS:
        return None
    m, _, _ = warp(quad, pad=pad)
    inv = np.linalg.inv(m)

    def frame_pts(pts: list[tuple[float, float]]) -> np.ndarray:
        arr = np.array(pts, np.float32).reshape(-1, 1, 2)
        return np.asarray(cv2.perspectiveTransform(arr, inv), np.float64).reshape(-1, 2)

    tops = frame_pts([(x + w / 2, y) for x, y, w, _ in top_row])
    bottoms = frame_pts([(x + w / 2, y + h) for x, y, w, h in bottom_row])
    ends = frame_pts([(x, y + h / 2) for x, y, _, h in top_row + bottom_row]
                     + [(x + w, y + h / 2) for x, y, w, h in top_row + bottom_row])
    # The text's direction: the better-populated row's line (both rows run parallel).
    p_top, d_top = _fit(tops) if len(tops) >= 2 else (tops[0], np.array([1.0, 0.0]))
    p_bot, d_bot = _fit(bottoms) if len(bottoms) >= 2 else (bottoms[0], d_top)
    along = d_top if len(top_row) >= len(bottom_row) else d_bot
    normal = np.array([-along[1], along[0]])  # points down in image coordinates
    if normal[1] < 0:
        normal = -normal
    # The top and bottom lines, each with its own slope (the characters shrink towards a
    # far end in perspective), pushed out by the margin.
    char_h = float(np.median([h for _, _, _, h in top_row + bottom_row]))
    scale = float(np.linalg.norm(frame_pts([(0.0, 0.0), (0.0, char_h)])[1]
                                 - frame_pts([(0.0, 0.0), (0.0, char_h)])[0]))
    height = abs(float(np.dot(p_bot - p_top, normal)))
    if height < 4 or scale < 2:
        return None
    rows_h = scale if len(rows) == 1 else height / 2
    margin_y, margin_x = MARGIN_Y * rows_h, MARGIN_X * rows_h
    t = ends @ along
    t0, t1 = float(t.min()) - margin_x, float(t.max()) + margin_x
    top_p, bot_p = p_top - margin_y * normal, p_bot + margin_y * normal

    def at(p: np.ndarray, d: np.ndarray, s: float) -> np.ndarray:
        """Where the line (p, d) meets the side square to ``along`` at position s."""
        # Solve (p + u d) . along = s for u.
        u = (s - float(p @ along)) / max(float(d @ along), 1e-6)
        return p + u * d

    out = np.array([at(top_p, d_top, t0), at(top_p, d_top, t1),
                    at(bot_p, d_bot, t1), at(bot_p, d_bot, t0)], np.float32)
    if not np.all(np.isfinite(out)) or not _sane(out, quad):
        return None
    return out


def _sane(fitted: np.ndarray, quad: np.ndarray) -> bool:
    """Whether the fitted quad is a plate-shaped quad near the found one's size."""
    if not cv2.isContourConvex(fitted.reshape(-1, 1, 2)):
        return False
    area = cv2.contourArea(fitted)
    if not AREA[0] * cv2.contourArea(quad.astype(np.float32)) <= area <= AREA[1] * max(
            cv2.contourArea(quad.astype(np.float32)), 1.0):
        return False
    wide = float(np.linalg.norm(fitted[1] - fitted[0]))
    tall = float(np.linalg.norm(fitted[3] - fitted[0]))
    return ASPECT[0] <= wide / max(tall, 1e-6) <= ASPECT[1]


def quad_looks(frame: Frame, quads: list[np.ndarray], chars: tuple[int, int]
               ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
    """The quads, in order, whose crops segment ``chars`` characters (rectified lazily)."""
    for quad in quads:
        crop = rectify(frame, quad, pad=PAD)
        lines = segment(crop)
        if lines is not None and chars[0] <= lines.chars <= chars[1]:
            yield quad, crop, lines


def blob_looks(frame: Frame, blobs: list[np.ndarray], chars: tuple[int, int], limit: int
               ) -> list[tuple[np.ndarray, Frame, Lines]]:
    """The text blobs (``localise.candidates``' ``blobs``) whose crops segment ``chars``
    characters, likeliest first, at most ``limit``: a frame's last looks (round 14). Not
    those under ``likeness.SKIP``: on plate-free frames most blob looks were such (a sign's
    word, a grille), and no look that read a plate was."""
    looks = []
    for i, quad in enumerate(blobs):
        crop = rectify(frame, quad, pad=PAD)
        lines = segment(crop)
        p = likeness(lines, crop, i) if lines is not None else 0.0
        if lines is not None and chars[0] <= lines.chars <= chars[1] and p >= SKIP:
            looks.append((p, i, quad, crop, lines))
    looks.sort(key=lambda t: (-t[0], t[1]))
    return [(quad, crop, lines) for _, _, quad, crop, lines in looks[:limit]]


class Blobs:
    """A frame's text blobs as they are, their quads found only when asked (``quads``): most
    frames read before a look needs them (0.45 ms a frame, round 14)."""

    def __init__(self) -> None:
        self.raw: list[np.ndarray] = []  # contours of a plate's area in the text masks
        self.args: tuple[list[Box], np.ndarray, float] = ([], np.zeros((1, 1), np.uint8), 1.0)
        self.small: Frame = np.zeros((1, 1), np.uint8)  # the localiser's work image
        self._yellow: tuple[Frame, np.ndarray] | None = None  # (``small``, its mask)

    def quads(self) -> list[np.ndarray]:
        return blob_quads(self.raw, *self.args)

    def plate_yellow(self) -> np.ndarray | None:
        """The work image's plate-yellow mask (``PLATE_YELLOW``), made once a frame: its
        quads (``yellow``) and its parts at their necks (``necks.yellow``) both need it;
        ``None`` for a grey work image."""
        if self.small.ndim != 3:
            return None
        if self._yellow is None or self._yellow[0] is not self.small:
            hsv = cv2.cvtColor(self.small, cv2.COLOR_BGR2HSV)
            self._yellow = self.small, colour_mask(hsv, *PLATE_YELLOW)
        return self._yellow[1]

    def yellow(self) -> list[np.ndarray]:
        """Quads of the plate-yellow mask (``PLATE_YELLOW``), best scored first, none a chosen
        quad's box: a yellow plate parted from an orange truck it touches (round 16); all of
        them, the looks read the first ``YELLOWS`` of a plate's count (round 21)."""
        mask = self.plate_yellow()
        if mask is None:
            return []
        boxes, strong, k = self.args
        size = mask.shape[0] * mask.shape[1]
        found: list[tuple[float, np.ndarray]] = []
        for c in cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0]:
            if not 0.0015 * size <= cv2.contourArea(c) <= 0.25 * size:
                continue
            got = scored_quad(c, strong, hull=True)
            if got is not None:
                found.append((got[0], got[1] / k))
        out: list[np.ndarray] = []
        for _, quad in sorted(found, key=lambda t: -t[0]):
            box = cv2.boundingRect(quad.astype(np.int32))
            if all(_box_iou(box, b) < 0.9 for b in boxes):
                out.append(quad)
        return out


def blob_quads(raw: list[np.ndarray], boxes: list[Box], strong: np.ndarray, k: float
                ) -> list[np.ndarray]:
    """The text blobs' own rotated rectangles in frame coordinates, best scored first, none
    twice and none a chosen quad's box (read already).

    Why: a tilted plate's text blob fills its rectangle too little for ``_quad_of`` (a 2-row
    plate's rows differ in length, a glare joins a row: fill 0.52-0.59), and the top-hat and
    bright blobs are grown by ``_grown`` past a plate they already cover; as they are, their
    rectangles read 12R5433, 12S43715, 14Z81036 (docs/reader-journal.md, round 14).
    """
    found: list[tuple[float, np.ndarray]] = []
    for c in raw:  # of a plate's area (``candidates``)
        area, rect = cv2.contourArea(c), cv2.minAreaRect(c)
        rw, rh = max(rect[1]), min(rect[1])
        if rh < 6 or not BLOB_ASPECT[0] <= rw / rh <= BLOB_ASPECT[1]:
            continue
        quad = cv2.boxPoints(rect).astype(np.float32)
        texture = _texture(strong, quad)
        if texture >= MIN_TEXTURE:
            found.append((_score(texture, rw / rh, area / (rw * rh)), quad / k))
    return distinct(found, boxes, BLOBS)


def distinct(found: list[tuple[float, np.ndarray]], boxes: list[Box], limit: int
             ) -> list[np.ndarray]:
    """Up to ``limit`` of the scored quads ``found``, likeliest first, each overlapping
    neither a box already read (``boxes``) nor a quad taken before it (IoU 0.9): a look
    reads a place once (the text blobs here, the bright mask's parted pieces in ``necks``)."""
    out: list[np.ndarray] = []
    seen = list(boxes)
    for _, quad in sorted(found, key=lambda t: -t[0]):
        box = cv2.boundingRect(quad.astype(np.int32))
        if len(out) < limit and all(_box_iou(box, b) < 0.9 for b in seen):
            out.append(quad)
            seen.append(box)
    return out
