"""From a rectified plate crop to Tesseract-ready text lines.

Why segment before OCR: Tesseract reads the plate border, screws and
background as stray characters, and reads a two-line plate as garbage when
given both rows at once. So the crop is binarised in both polarities (dark
ink on yellow/white, light ink on blue), components touching the crop edge
(the border, the bumper) are dropped, the character-like ones are grouped
into one or two rows, and each row is cut out, trimmed and scaled so its
characters are ~60 px high (the height Tesseract's LSTM reads best).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import cv2
import numpy as np

from edge.reader import contrast, fragments, rowcut
from edge.reader.base import Frame
from edge.reader.contrast import stretch
from edge.reader.rowcut import TEXT_HEIGHT, median
from edge.reader.rowgroup import banded, grouped

WORK_HEIGHT = 120
#: Fewer characters than this under one global threshold: retry with the light evened out.
FLAT_RETRY = 6
#: From LOCAL_FROM characters up to LOCAL_TO - 1, the local-contrast look (``contrast``) is
#: asked too, and taken when it finds more, up to PLATE_CHARS. Not from 7: a 1-line Chinese
#: plate's 7 are all its characters, and the look's 8th (the province glyph in two parts)
#: took its read out of the band under the cap (REJOINED; round 11: 3 tuning frames).
LOCAL_FROM = 4
LOCAL_TO = 7
PLATE_CHARS = 8
#: The local look counts glyphs it broke into stacked pieces (``fragments``, round 16).
PIECES = True
#: Least character height (share of the crop's) when nothing taller was found.
SMALL_TEXT = 0.13
_FLAT_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31))


@dataclass(frozen=True, slots=True)
class Lines:
    layout: Literal["1-line", "2-line"]
    gray: list[Frame]  # per row: normalised grey, dark text on light, ~60 px characters
    binary: list[Frame]  # per row: cleaned binary (components only), same geometry
    chars: int  # character-like components found
    row_chars: tuple[int, ...] = ()  # character-like components per row
    evened: bool = False  # found only after evening out the light (see segment)
    rejoined: bool = False  # two "rows" in one band taken as one row (see rowgroup.banded)
    local: bool = False  # found only by the local-contrast look (see contrast)
    lead: int = 0  # x in the first row's images where its ink starts (the province glyph)
    text_px: float = 0.0  # the tallest row's character height in the crop's own pixels
    cut: bool = False  # the crop cut a character at a row's end (see rowcut.cut_short)
    recounted: bool = False  # found again on a read's evidence of a lost glyph (see recount)
    #: per row, its characters' boxes (x, y, w, h) in the crop's own pixels, before any shear
    boxes: tuple[tuple[tuple[float, float, float, float], ...], ...] = ()
    #: The crop is a green plate's: a Chinese new-energy plate, never read as VN (set by the
    #: search, ``greenplate.green``; round 27).
    green: bool = False
    #: The rows' cuts still to make (``segment(..., defer=True)``): ``gray``, ``binary`` and
    #: ``lead`` are empty until :meth:`done`.
    pending: Callable[[], list[tuple[Frame, Frame, int]]] | None = field(
        default=None, compare=False, repr=False)

    def done(self) -> Lines:
        """These lines with their rows cut out (itself when they are).

        Why deferred: a frame segments ~6-9 crops to rank them by likeness and reads ~2; the
        ranking needs the count, rows and heights, not the Tesseract-ready row images
        (``rowcut.cut``: a resize and a pad of each row, grey and binary), so those are made
        only for the crops read (round 13, speed).
        """
        if self.pending is None:
            return self
        cuts = self.pending()
        return replace(self, gray=[c[0] for c in cuts], binary=[c[1] for c in cuts],
                       lead=cuts[0][2], pending=None)


def joined(rows: list[Frame]) -> tuple[Frame, list[float]]:
    """The rows side by side in one line image, with the x where each later row's part
    begins (the middle of the gap before it).

    Why: one Tesseract call per plate instead of one per row (the call, not the pixels,
    is what costs); a gap as wide as two characters keeps the rows' texts apart, and the
    characters' x positions say which row each came from.
    """
    if len(rows) == 1:
        return rows[0], []
    h = max(r.shape[0] for r in rows)
    gap = np.full((h, 2 * TEXT_HEIGHT), 255, np.uint8)
    parts: list[np.ndarray] = []
    starts: list[float] = []
    x = 0
    for i, r in enumerate(rows):
        top = (h - r.shape[0]) // 2
        padded = np.asarray(cv2.copyMakeBorder(r, top, h - r.shape[0] - top, 0, 0,
                                               cv2.BORDER_CONSTANT, value=255), np.uint8)
        if i:
            parts.append(gap)
            # The middle of the gap: the LSTM places a character only roughly, and one
            # at a row's very start may be put a little inside the gap.
            starts.append(x + gap.shape[1] / 2)
            x += gap.shape[1]
        parts.append(padded)
        x += padded.shape[1]
    return np.asarray(np.hstack(parts), np.uint8), starts


def _components(mask: np.ndarray, low: float = 0.18, found: rowcut.Stats | None = None
                ) -> list[tuple[int, int, int, int]]:
    """Character-like blobs: ``low`` is the least character height, as a share of the crop's.
    ``found``: the mask's components (``rowcut.stats``) when they are known already."""
    h, w = mask.shape
    n, stats = found if found is not None else rowcut.stats(mask)
    boxes = stats.tolist()  # Python ints, not a numpy scalar per value (the same numbers)
    out = []
    for i in range(1, n):
        x, y, bw, bh, area = boxes[i]
        if x <= 0 or y <= 0 or x + bw >= w or y + bh >= h:
            continue  # touches the crop edge: border, bumper, background
        if not low * h <= bh <= 0.9 * h or bw > 0.35 * w or bw > 2.0 * bh:
            continue
        if area < 0.15 * bw * bh:
            continue
        if rowcut.border_strip(x, bw, bh, w):
            continue  # a side of the border ring broken off the rest (round 14)
        out.append((x, y, bw, bh))
    return out


#: Characters found, their rows, the grey image and mask they were found in, the mask's
#: components (kept for ``rowcut.cut``: Round 8, one labelling of a mask instead of one per row).
_Found = tuple[int, list[list[tuple[int, int, int, int]]], np.ndarray, np.ndarray, rowcut.Stats]


#: One polarity's binarisation: the grey image it was thresholded from, its mask, the mask's
#: components.
_Mask = tuple[np.ndarray, np.ndarray, rowcut.Stats]


def _masks(gray: np.ndarray, *, flat: bool) -> list[_Mask]:
    """Both polarities (dark text, then light text) thresholded, with their components.

    ``flat``: each polarity is first divided by its background (a closing wider than a
    stroke removes the characters, leaving the light falling on the plate), so one
    threshold fits both ends of an unevenly lit plate.
    """
    out: list[_Mask] = []
    for dark_text in (True, False):
        g = gray if dark_text else 255 - gray
        if flat:
            g = contrast.flattened(g, _FLAT_KERNEL)
        blur = cv2.GaussianBlur(g, (3, 3), 0)
        _, mask = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        out.append((g, mask, rowcut.stats(mask)))
    return out


def _binarised(masks: list[_Mask], low: float = 0.18, *, pieces: bool = False
               ) -> _Found | None:
    """Character rows of the polarity (dark or light text) that finds more characters.

    Why the masks come in made: the small-text retry (``low``) asks again of the very masks
    the first pass thresholded and labelled; it used to redo both (45 % of the candidates of
    seeds 999/1000 took that path: round 9, speed).
    ``pieces``: glyphs broken into stacked pieces are counted whole (``fragments.stacked``;
    the local look's masks only).
    """
    best: _Found | None = None
    for g, mask, found in masks:
        boxes = _components(mask, low, found)
        if pieces:
            boxes += fragments.counted(found, mask.shape[:2], low, boxes, PLATE_CHARS)
        rows = rowcut.remnants_dropped(grouped(boxes), mask.shape[1])
        n = sum(len(r) for r in rows)
        if rows and (best is None or n > best[0]):
            best = (n, rows, g, mask, found)
    return best


def _prepared(crop: Frame) -> tuple[np.ndarray, float, int]:
    """The crop in grey at the work height, stretched; its scale and contrast spread."""
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    k = WORK_HEIGHT / gray.shape[0]
    gray = cv2.resize(gray, None, fx=k, fy=k,
                      interpolation=cv2.INTER_CUBIC if k > 1 else cv2.INTER_AREA)
    gray, spread = stretch(gray)
    return gray, k, spread


def segment(crop: Frame, *, defer: bool = False) -> Lines | None:
    """Rows of characters in a plate crop, or ``None`` when it holds no plate-like text.

    ``defer``: the rows are not cut out yet (``Lines.done`` cuts them); what the likeness
    ranking needs is measured either way.
    """
    gray, k, spread = _prepared(crop)
    if spread < 12:
        return None
    plain = _masks(gray, flat=False)
    best, evened = _binarised(plain), False
    flat_masks: list[_Mask] = []
    if best is None or best[0] < FLAT_RETRY:
        # Light falling unevenly (a headlight's glare on one end, night on the other) puts
        # one global threshold above half the characters: even the light out and retry.
        flat_masks = _masks(gray, flat=True)
        flat = _binarised(flat_masks)
        if flat is not None and (best is None or flat[0] > best[0]):
            best, evened = flat, True
    local_best: _Found | None = None
    if best is not None and LOCAL_FROM <= best[0] < LOCAL_TO:
        # Glare adds light to ink and plate alike: neither threshold above sees the glared
        # end's characters (a light grey on white); a threshold that follows the local
        # contrast does (round 11). Taken only when it finds more, not over a plate's count.
        dark_text = best[3] is (flat_masks if evened else plain)[0][1]  # where they were found
        local_best = _binarised([contrast.local_mask(gray, dark_text=dark_text)],
                                pieces=PIECES)
        if local_best is not None and best[0] < local_best[0] <= PLATE_CHARS:
            best, evened = local_best, True
    low = 0.18
    if best is None or best[0] < 4:
        # A quad much taller than its plate (a plate on a panel of the same colour): the
        # characters are under a fifth of the crop's height; allow smaller ones, only here
        # (everywhere, smaller blobs join rows of noise on crops that read as they are).
        low = SMALL_TEXT
        best = _binarised(plain, low=low)
        if best is None or best[0] < 4:
            return None
    lines = _built(best, k, low, evened=evened, local=evened and best is local_best)
    return lines if defer else lines.done()


def unrowed(crop: Frame, chars: tuple[int, int]) -> Lines | None:
    """Rows of a crop ``segment`` found none in, by the local-contrast look in both
    polarities (pieces counted), when they hold ``chars`` characters; local, evened.

    Why: the local look is asked only from 4 characters (glare over most of a plate, night:
    桂B34540's candidate has no rows, its local look 7 characters and the plate); asked of
    every crop with no rows it would cost every frame ~1.4 ms a crop, so only a frame's last
    look asks it (``TesseractPlateReader._text_looks``, round 16).
    """
    gray, k, spread = _prepared(crop)
    found = _binarised([contrast.local_mask(gray, dark_text=dark) for dark in (True, False)],
                       pieces=PIECES) if spread >= 12 else None
    if found is None or not chars[0] <= found[0] <= chars[1]:
        return None
    return _built(found, k, 0.18, evened=True, local=True).done()


def recount(crop: Frame, lines: Lines, want: int) -> list[Lines]:
    """The crop segmented again by the other binarisations, where they find more of its
    characters than ``lines`` did, up to ``want`` (the read's own length), in its layout.

    Why: a read naming more characters than the segmentation found blobs (12X-571.47 from
    7 blobs) says a glyph was lost or merged (glare on one end, blur joining two), which no
    count can tell apart from a complete 7-character plate beforehand (round 12: the local
    look asked at 7 characters put 24Y2181 in the band). Asked only on that evidence, the
    evened and the local-contrast thresholds (both polarities) are tried; each distinct
    count that comes nearer ``want`` is returned, evened (a lone read dropped) and
    ``recounted`` (capped under the band, as the local look's).
    """
    gray, k, spread = _prepared(crop)
    if spread < 12:
        return []
    looks = [(_binarised(_masks(gray, flat=True)), False)]
    looks += [(_binarised([contrast.local_mask(gray, dark_text=dark)], pieces=PIECES), True)
              for dark in (True, False)]
    out: list[Lines] = []
    for found, local in looks:
        if found is None or not lines.chars < found[0] <= min(want, PLATE_CHARS):
            continue
        again = _built(found, k, 0.18, evened=True, local=local).done()
        if (again.layout != lines.layout or len(again.row_chars) != len(lines.row_chars)
                or any(a < b for a, b in zip(again.row_chars, lines.row_chars, strict=True))
                or any(o.row_chars == again.row_chars for o in out)):
            continue
        out.append(replace(again, recounted=True))
    return sorted(out, key=lambda ln: abs(want - ln.chars))


def _built(best: _Found, k: float, low: float, *, evened: bool, local: bool) -> Lines:
    """The found rows, to be cut out (``Lines.done``): joined when in one band, sheared
    level, scaled."""
    n, rows, g, mask, found = best
    rows, rejoined = banded(rows)
    boxes = tuple(tuple((x / k, y / k, w / k, h / k) for x, y, w, h in r) for r in rows)
    slope = rowcut.slope(max(rows, key=len))
    if abs(slope) > 0.02:  # text still slanted after rectification (tilt plus perspective)
        g, mask = rowcut.shear(g, slope), rowcut.shear(mask, slope)
        found = rowcut.stats(mask)
        again = rowcut.remnants_dropped(grouped(_components(mask, low, found)), mask.shape[1])
        if sum(len(r) for r in again) >= n:
            n, (rows, rejoined) = sum(len(r) for r in again), banded(again)
    layout: Literal["1-line", "2-line"] = "2-line" if len(rows) == 2 else "1-line"
    if len(rows) == 2 and len(rows[0]) > 3 * len(rows[1]) + 2:
        rows, layout = [rows[0]], "1-line"

    def cuts() -> list[tuple[Frame, Frame, int]]:
        return [rowcut.cut(g, mask, row, extend_left=i == 0, found=found)
                for i, row in enumerate(rows)]

    text_px = max(median([b[3] for b in r]) for r in rows) / k
    return Lines(layout, [], [], n, tuple(len(r) for r in rows), evened=evened,
                 text_px=text_px, rejoined=rejoined, local=local,
                 cut=rowcut.cut_short(found, rows, mask.shape[:2]), boxes=boxes, pending=cuts)
