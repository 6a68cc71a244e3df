"""Where the plate may be: several ranked quadrilaterals, and their rectified crops.

Why several candidates from two methods: the single best contour is often a
headlight, a grille bar or a sign. Edges find plates of any colour (white VN
plates, night frames); colour masks find yellow, blue and green plates whose
outline is blurred or glared. Each quad is rectified by a perspective warp, so
a plate tilted +/-20 degrees or seen from the side reads as a flat rectangle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import cv2
import numpy as np

from edge.reader.base import Frame

if TYPE_CHECKING:
    from edge.reader.textquad import Blobs

#: A box x, y, w, h (``cv2.boundingRect``).
Box = Sequence[int]

WORK_WIDTH = 640
#: Aspect ratios of the plates read here: VN 1-line, VN 2-line, CN 1-line, CN new-energy, CN 2-row.
ASPECTS = (4.73, 2.0, 3.14, 3.43)
#: The 256 grey levels as float32, for level tables (``candidates``).
_LEVELS = np.arange(256, dtype=np.float32)
# HSV ranges (OpenCV hue 0..180) of plate backgrounds: yellow, blue, green.
_COLOURS = (((14, 70, 50), (40, 255, 255)), ((98, 90, 35), (130, 255, 255)),
            ((40, 40, 50), (90, 255, 255)))
#: A colour mask is closed sideways by this, so a plate's characters do not break it up.
_COLOUR_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 3))
#: An edge outline dented by what touches it (see ``_hull_quad``) is refitted by its convex
#: hull when the hull fills its rectangle at least this much (a plate's is ~0.95-0.99) ...
HULL_FILL = 0.85
#: ... and the outline itself fills at least this much of its own (a bent line fills less).
DENTED_FILL = 0.45
#: Work-image pixels a hull's rectangle grows by on each side: an outline's hole lies inside
#: the edge ring (a Canny line dilated 3 x 3), about this far inside the plate's edge.
RING_PX = 3.0
#: Refitted outlines taken per frame, the best scored: a frame shows one plate, and a
#: grille's bars are dented outlines too (one frame's twelve places went to its bars).
MAX_REFITS = 1
#: Below this share of strong-gradient pixels a quad holds no characters.
MIN_TEXTURE = 0.04


def _quad_of(contour: np.ndarray) -> tuple[np.ndarray, float, float] | None:
    rect = cv2.minAreaRect(contour)
    rw, rh = rect[1]
    if rw < rh:
        rw, rh = rh, rw
    if rh < 6:
        return None
    aspect = rw / rh
    if not 1.5 <= aspect <= 6.0:
        return None
    fill = cv2.contourArea(contour) / max(rw * rh, 1.0)
    if fill < 0.6:
        return None
    peri = cv2.arcLength(contour, True)
    approx = cv2.approxPolyDP(contour, 0.03 * peri, True)
    if len(approx) == 4 and cv2.isContourConvex(approx):
        quad = approx.reshape(4, 2).astype(np.float32)
    else:
        quad = cv2.boxPoints(rect).astype(np.float32)
    return quad, aspect, fill


def _hull_quad(contour: np.ndarray) -> tuple[np.ndarray, float, float] | None:
    """A dented edge outline's plate: its convex hull's rectangle, grown to the ring's edge.

    Why: a tilted plate's border crosses the bumper's edge or a road line, so its outer
    contour runs along them; what is left of it is the hole inside the border ring, and the
    characters touching the ring dent that hole (fill 0.53-0.59 of its rectangle, under
    ``_quad_of``'s 0.6: the tilted 2-row plates of round 5's localisation class). Its hull
    fills the rectangle again (0.92-0.99). The quad is scored with the outline's own fill, so
    a refitted hole scores under an intact outline of the same texture and shape.
    """
    _, (rw, rh), _ = cv2.minAreaRect(contour)
    if cv2.contourArea(contour) < DENTED_FILL * max(rw * rh, 1.0):
        return None
    hull = cv2.convexHull(contour)
    (cx, cy), (hw, hh), angle = cv2.minAreaRect(hull)
    if cv2.contourArea(hull) < HULL_FILL * max(hw * hh, 1.0):
        return None
    hw, hh = hw + 2 * RING_PX, hh + 2 * RING_PX
    aspect = max(hw, hh) / min(hw, hh)
    if min(hw, hh) < 6 + 2 * RING_PX or not 1.5 <= aspect <= 6.0:
        return None
    quad = cv2.boxPoints(((cx, cy), (hw, hh), angle)).astype(np.float32)
    return quad, aspect, cv2.contourArea(contour) / max(rw * rh, 1.0)


def candidates(frame: Frame, *, limit: int = 6,
               seconds: dict[int, np.ndarray] | None = None,
               blobs: Blobs | None = None) -> list[np.ndarray]:
    """Plate-like quads in full-frame coordinates, most plate-like first.

    ``seconds``, when given, is filled with the outlines the overlap rule dropped behind a
    text box: by the ``id`` of the chosen text-box quad, the best-scored outline (an edge or
    colour quad) it suppressed (read as ``TesseractPlateReader._second_look``).
    ``blobs``, when given, gets the text masks' blobs as they are: their own rotated
    rectangles, neither grown nor held to a fill (``textquad.Blobs``).
    """
    w = frame.shape[1]
    k = WORK_WIDTH / w if w > WORK_WIDTH else 1.0
    small = cv2.resize(frame, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else frame
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    sh, sw = gray.shape[:2]
    masks: list[np.ndarray] = []
    lo, hi = int(gray.min()), int(gray.max())
    # A table of the 256 levels, each as the whole image's float32 arithmetic computed it:
    # the same bytes, looked up per pixel (round 9, speed).
    levels = ((_LEVELS - lo) * (255.0 / max(hi - lo, 1))).astype(np.uint8)
    norm = np.asarray(cv2.LUT(gray, levels), np.uint8)
    blur = cv2.GaussianBlur(norm, (3, 3), 0)  # for the edges and the text masks alike
    edges = cv2.Canny(blur, 40, 120)
    masks.append(cv2.dilate(edges, np.ones((3, 3), np.uint8)))
    if small.ndim == 3:
        hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
        masks.extend(colour_mask(hsv, c_lo, c_hi) for c_lo, c_hi in _COLOURS)
    n_outline = len(masks)
    masks.extend(_text_masks(blur))
    # Where the horizontal gradient is strong: a quad's texture is the share of such pixels
    # in its box, counted by OpenCV (the same share as the mean of a boolean patch).
    strong = (np.abs(cv2.Sobel(norm, cv2.CV_16S, 1, 0, ksize=3)) > 60).view(np.uint8)
    scored: list[tuple[float, np.ndarray, Box, bool, bool]] = []
    for i, mask in enumerate(masks):
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            area = cv2.contourArea(c)
            if blobs is not None and i >= n_outline and 0.0015 * sw * sh <= area <= 0.25 * sw * sh:
                blobs.raw.append(c)
            if i > n_outline and area > 0.0005 * sw * sh:  # a text blob
                c = _grown(c)
                area = cv2.contourArea(c)
            if area < 0.0015 * sw * sh or area > 0.25 * sw * sh:
                continue
            got = scored_quad(c, strong, hull=i == 0)  # an edge outline may be dented
            if got is None:
                continue
            score, quad, refit = got
            full = quad / k
            scored.append((score, full, cv2.boundingRect(full.astype(np.int32)), refit,
                           i < n_outline))
    scored.sort(key=lambda t: -t[0])
    chosen: list[np.ndarray] = []
    boxes: list[Box] = []  # the chosen quads' boxes, found once each
    texts: list[bool] = []  # the chosen quad came from a text mask
    refits = 0
    for _, quad, box, refit, outline in scored:
        if refit and refits >= MAX_REFITS:
            continue
        over = [j for j, b in enumerate(boxes) if _box_iou(box, b) >= 0.5]
        if not over:
            if len(chosen) >= limit:
                break
            chosen.append(quad)
            boxes.append(box)
            texts.append(not outline)
            refits += refit
        elif seconds is not None and outline and texts[over[0]]:
            seconds.setdefault(id(chosen[over[0]]), quad)
    if blobs is not None:
        blobs.args = (boxes, strong, k)
        blobs.small = np.asarray(small, np.uint8)
    return chosen


def colour_mask(hsv: np.ndarray, lo: tuple[int, int, int], hi: tuple[int, int, int]
                ) -> np.ndarray:
    """The pixels of one colour range (OpenCV HSV), closed sideways so a plate's characters
    do not break its colour into pieces."""
    return np.asarray(cv2.morphologyEx(cv2.inRange(hsv, np.array(lo), np.array(hi)),
                                       cv2.MORPH_CLOSE, _COLOUR_KERNEL), np.uint8)


def scored_quad(contour: np.ndarray, strong: np.ndarray, *, hull: bool
                ) -> tuple[float, np.ndarray, bool] | None:
    """A contour's plate-like quad and its score (``_score``), and whether it came from the
    contour's hull (``hull``: allowed for a dented outline); ``None`` when it has no quad or
    too little texture (``MIN_TEXTURE``). ``strong``: the work image's strong gradients."""
    got = _quad_of(contour)
    refit = got is None and hull
    if refit:
        got = _hull_quad(contour)
    if got is None:
        return None
    quad, aspect, fill = got
    texture = _texture(strong, quad)
    if texture < MIN_TEXTURE:
        return None
    return _score(texture, aspect, fill), quad, refit


def _texture(strong: np.ndarray, quad: np.ndarray) -> float:
    """The share of strong horizontal gradient in the quad's box: characters make a plate busy."""
    x, y, bw, bh = cv2.boundingRect(quad.astype(np.int32))
    x, y = max(x, 0), max(y, 0)
    patch = strong[y: y + bh, x: x + bw]
    return cv2.countNonZero(patch) / patch.size if patch.size else 0.0


def _score(texture: float, aspect: float, fill: float) -> float:
    """How plate-like a quad is: busy, filling its rectangle, of a plate's proportions."""
    shape = min(abs(np.log(aspect / a)) for a in ASPECTS)
    return float(texture * fill - 0.3 * shape)


def _grown(contour: np.ndarray) -> np.ndarray:
    """A text-row blob grown to the plate around it (margins, border), as a box contour."""
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
    if rw < rh:
        rw, rh, angle = rh, rw, angle + 90
    box = cv2.boxPoints(((cx, cy), (rw + 1.2 * rh, rh * 1.6), angle))
    return np.asarray(box, np.float32).reshape(-1, 1, 2)


def _text_masks(blur: np.ndarray) -> list[np.ndarray]:
    """Blobs where plate text is, found without the plate's outline.

    Why: a plate mounted across the bumper's edge, or a white plate on a white cab, has no
    closed outline of its own, so the edge and colour masks miss it. Its characters are still
    there: strokes darker (or lighter) than their surround, in a row. A black-hat (top-hat)
    picks the strokes, a horizontal close joins a row of them into one blob; the blob's
    rectangle, grown to plate margins, is a candidate. A bright-region mask (the plate lighter
    than its local surround) is the white-plate counterpart of the colour masks. ``blur``:
    the normalised frame, Gaussian-blurred (3 x 3) once for the edges and these masks.
    """
    out: list[np.ndarray] = []
    for op in (cv2.MORPH_BLACKHAT, cv2.MORPH_TOPHAT):
        hat = cv2.morphologyEx(blur, op, cv2.getStructuringElement(cv2.MORPH_RECT, (13, 13)))
        _, strokes = cv2.threshold(hat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        joined = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (23, 9)))
        joined = cv2.morphologyEx(joined, cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (9, 5)))
        out.append(cv2.dilate(joined, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 7))))
    bright = cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY,
                                   61, -12)
    out.append(cv2.morphologyEx(bright, cv2.MORPH_CLOSE,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (9, 7))))
    return out


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    """Overlap of two quads' bounding boxes over their union."""
    return _box_iou(cv2.boundingRect(a.astype(np.int32)), cv2.boundingRect(b.astype(np.int32)))


def _box_iou(a: Box, b: Box) -> float:
    """Overlap of two boxes (x, y, w, h) over their union."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    return inter / float(aw * ah + bw * bh - inter + 1e-6)


def order(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
                    np.float32)


def warp(quad: np.ndarray, *, pad: float = 0.04) -> tuple[np.ndarray, int, int]:
    """The perspective matrix ``rectify`` warps the quad by, and the crop's width and height."""
    pts = order(quad.astype(np.float32))
    centre = pts.mean(axis=0)
    pts = centre + (pts - centre) * (1 + pad)
    width = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[3] - pts[2])))
    height = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    width, height = max(width, 8), max(height, 8)
    if height > width:  # minAreaRect may start at another corner: keep plates landscape
        pts = np.roll(pts, -1, axis=0)
        width, height = height, width
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    return cv2.getPerspectiveTransform(pts.astype(np.float32), dst), width, height


def rectify(img: Frame, quad: np.ndarray, *, pad: float = 0.04) -> Frame:
    """Warp the quad (grown by ``pad`` so blurred edges stay in) to an upright rectangle."""
    m, width, height = warp(quad, pad=pad)
    return np.asarray(cv2.warpPerspective(img, m, (width, height), flags=cv2.INTER_CUBIC,
                                          borderMode=cv2.BORDER_REPLICATE), np.uint8)
