"""Plate reading with OpenCV localisation and Tesseract, resident or per-call subprocess.

Pipeline: ranked plate-like quads (edges + colour, :mod:`edge.reader.localise`)
-> perspective rectification -> character rows, border trimmed, ~60 px text
(:mod:`edge.reader.segment`) -> one Tesseract LSTM call per plate (a 2-row plate's rows
side by side in one line image) with a whitelist -> position-aware correction against
the plate grammar (:mod:`domain.plate_candidates`) -> for Chinese plates chi_sim reads
the province character (:mod:`edge.reader.chinese`). A read that fits no plate format
is not a plate: the frame reports ``None``.

This module searches a frame's candidates and decides when to stop; how one candidate is
read and what its read may claim is :mod:`edge.reader.cropread`. Confidence: Tesseract's
per-character confidence, discounted for each grammar repair and trimmed stray character. A
read that needed no repair, with as many characters as the segmentation found, at >= SURE
stands alone; any other read must be confirmed by a second preprocessing (binary, then
adaptive) or is capped at LONE. The benchmark reports how exact reads are per confidence band.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Literal

import cv2
import numpy as np

from edge.reader import blurcheck, deblur, greenplate, painted, platecolour, wholevouch
from edge.reader.base import ACT, Frame, FrameRead, check_frame
from edge.reader.choose import better, capped, ceiling, short_plate, unfit_lone
from edge.reader.claims import LONE, REJOINED, SURE, CropRead
from edge.reader.engines import (
    DEFAULT_TESSDATA,
    LineEngine,
    ResidentEngine,
    SubprocessEngine,
)
from edge.reader.lastlooks import LastLooks
from edge.reader.likeness import EAGER as EAGER_LIKENESS
from edge.reader.likeness import SKIP, likeness
from edge.reader.localise import candidates, rectify
from edge.reader.outline import PAD, crops
from edge.reader.rules import glyphs_named
from edge.reader.segment import Lines, recount, segment
from edge.reader.textquad import Blobs

#: Below this a read is not reported as a plate at all (measured: no plate-free frame reaches it).
MIN_CONFIDENCE = 0.3
#: A read this confident with no repair ends the search early; so does a repair-free plate
#: two preprocessings agree on from SURE on (Round 6: before, at any confidence).
ACCEPT = 0.75
#: Candidates whose character count is this close to a plate's are read as soon as they
#: are segmented, at most EAGER_READS of them; the rest wait for the ranking.
EAGER = 1
EAGER_READS = 3
#: Candidates whose characters are shorter than this in the frame (px) are never read at
#: once, only as the likeness ranking comes to them: a sticker, a painted phone number, a
#: grille's pattern (seeds 555/556: none of 20 such candidates read as anything).
SMALL_TEXT_PX = 14
#: A frame that reads nothing has its likeliest quads read again through their own motion
#: blur's deconvolution (round 23, :mod:`edge.reader.deblur`).
DEBLUR = True


class TesseractPlateReader(LastLooks):
    """:class:`~edge.reader.base.PlateReader` over OpenCV localisation and Tesseract."""

    def __init__(self, engine: LineEngine, *, max_candidates: int = 5) -> None:
        super().__init__(engine)
        self._max_candidates = max_candidates
        #: This frame's refitted crops (by ``id``): the quad and crop each was refitted from.
        self._sources: dict[int, tuple[np.ndarray, Frame, Frame]] = {}
        #: The crops read as a second look at an outline behind a text box (by ``id``).
        self._second_crops: dict[int, Frame] = {}
        #: The last frame's chosen read, before the report (``scripts/read_trace.py``).
        self.chosen: CropRead | None = None

    def read(self, frame: Frame) -> FrameRead:
        started = time.perf_counter()
        check_frame(frame)
        if frame.ndim == 3 and frame.shape[2] == 4:
            frame = np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR), np.uint8)
        h, w = frame.shape[:2]
        self._seconds, self._blobs = {}, Blobs()
        quads = candidates(frame, limit=12, seconds=self._seconds, blobs=self._blobs)
        if h * w <= 400_000:  # a tight crop (plate-only image) is itself a candidate
            whole = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
            quads.insert(0, whole)
        best: tuple[CropRead, np.ndarray, Frame] | None = None
        found: list[CropRead] = []  # what the candidates read so far (see _ranked)
        self._sources, self._second_crops, self._segmented = {}, {}, []
        self._unrowed, self._heard, self._where, self._slotwise = [], [], {}, []
        self._crops, self._variants, self._jitter_where = {}, [], {}
        for quad, crop, lines in self._ranked(frame, quads, tight=h * w <= 400_000, found=found):
            if best is not None and best[0].conf > ceiling(lines):
                # Its read is capped under the best already found (a crop that cut a
                # character, rows rejoined from one band, the local-contrast look): it could
                # never be the best, nor end the search; its Tesseract calls are spared (round
                # 13: 6.28 -> 5.98 calls a frame on seed 999; no read changed on 1,280 frames).
                continue
            if greenplate.green(crop):  # a new-energy plate: no VN read (round 27)
                lines = replace(lines, green=True)
            self._where[id(lines)] = (quad, crop, lines)  # its votes' crop (_plurality)
            got = self._read_lines_all(lines)
            if got is None:
                continue
            got = capped(got, lines)
            want = glyphs_named(got.cand, got.raw)
            if want > lines.chars and (not _ends(got) or want > len(got.cand.plate)):
                # A dotted four-digit VN read doubted even where it ends (round 22: 29L-900.7)
                got = self._recounted(crop, lines, got, want)
            if self._second_crops.get(id(crop)) is crop and not (
                    got.conf >= SURE and (got.sure or got.agreed)):
                continue  # a second look's read stands only when trusted (_second_look)
            source = self._sources.get(id(crop))
            if source is not None and (source[2] is not crop or wholevouch.refit_alone(got)):
                source = None  # an id reused by another crop; a read sure alone (round 24)
            if source is not None:
                # A refit's read alone stays under the band; only its source crop reading the
                # same plate lifts it (``_seconded_by_source``). Uncapped, a refit read a hard
                # 桂VB4608 as 桂VB4668 at 0.98 where its source read it right at 0.69, and the
                # lane decided that truck wrong at 0.99 (round 11).
                got = replace(got, conf=min(got.conf, ACT - 0.01))
            found.append(got)
            if best is None or better(got, best[0], found):
                best = (got, quad, crop)
            if _ends(got):
                if source is not None:
                    best = self._seconded_by_source(got, best, source[0], source[1])
                break
        if best is None or best[0].conf <= LONE:
            searched, best = best, self._text_looks(frame, best, found)
            if best is not None and best is searched and unfit_lone(best[0]):
                best = None  # the search's lone read, unfit, is no last word (round 20)
        if DEBLUR and (best is None or best[0].conf < MIN_CONFIDENCE):
            best = deblur.reread(frame, quads, self._deblurred, self._unheard) or best
        elif DEBLUR and best is not None and best[0].conf < ACT:  # under the band: checked
            best = blurcheck.checked(frame, quads, best, self._deblurred)
        if best is None or best[0].conf < MIN_CONFIDENCE:  # the crops' lean, last (round 24)
            best = self._province_voted(lean=True) or best
        if best is None or best[0].conf < MIN_CONFIDENCE:  # the crops' agreed read (round 26)
            best = self._crops_agreed() or best
        ms = (time.perf_counter() - started) * 1000
        self.chosen = best[0] if best is not None else None  # the frame's read (read_trace)
        if best is None or best[0].conf < MIN_CONFIDENCE:
            return FrameRead(None, 0.0, best[0].raw if best else "", ms=ms)
        read, quad, crop = best
        x, y, bw, bh = cv2.boundingRect(quad.astype(np.int32))
        box = (max(x, 0), max(y, 0), bw, bh)
        if read.cand.country == "CN" and read.conf < platecolour.BELOW and not (
                platecolour.plate_coloured(frame, box)):  # painted lettering (round 26)
            return FrameRead(None, 0.0, read.raw, ms=ms)
        if (painted.ENABLED and read.cand.country == "CN" and read.conf < painted.BELOW
                and painted.on_paint(frame, quad)):
            return FrameRead(None, 0.0, read.raw, ms=ms)  # lettering on paint (round 27)
        return FrameRead(read.cand.plate, round(read.conf, 4), read.raw, read.layout,
                         "CN" if read.cand.country == "CN" else "VN", crop, box, ms,
                         read.rival)

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        """Segmented candidates: likely plates at once, the rest ranked by likeness.

        Why lazily: a plate-sized candidate (7-9 characters) the likeness model does not
        doubt is read at once, in the localiser's order, so a sure read ends the frame before
        the others are even rectified (all twelve cost about two Tesseract calls). The others
        wait, ranked by likeness (:mod:`edge.reader.likeness`), for the budget left; those
        under SKIP are not read, but for the likeliest while nothing has read (``found``).
        """
        waiting: list[tuple[float, int, np.ndarray, Frame, Lines]] = []
        budget = self._max_candidates
        for i, quad, crop in crops(frame, quads, tight=tight, sources=self._sources):
            whole = tight and i == 0
            lines = segment(crop, defer=True)  # rows cut out only for the crops read
            if lines is None:
                self._unrowed.append((quad, crop))
                continue
            p = 1.0 if whole else likeness(lines, crop, i)
            self._segmented.append((p, quad, lines))
            eager = abs(lines.chars - 8) <= EAGER and p >= EAGER_LIKENESS and (
                whole or lines.text_px >= SMALL_TEXT_PX)
            if eager and budget > self._max_candidates - EAGER_READS:
                budget -= 1
                yield quad, crop, lines.done()
                yield from self._second_look(frame, quad)
            else:
                waiting.append((-p, i, quad, crop, lines))
        waiting.sort(key=lambda t: (t[0], t[1]))
        unlikely_read = False
        for p_neg, _, quad, crop, lines in waiting[:budget]:
            if -p_neg < SKIP:  # a sticker, a grille, a painted word: not worth a call
                if unlikely_read or found:
                    continue
                unlikely_read = True
            yield quad, crop, lines.done()
            yield from self._second_look(frame, quad)

    def _second_look(self, frame: Frame, quad: np.ndarray
                     ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        """The plate's own outline, read after the text box it was suppressed behind.

        Why: the overlap rule keeps the higher-scored of two overlapping quads, and a text
        blob grown to a box scores as if it filled its rectangle, so a plate's outline found
        by the edges or a colour mask (IoU 0.94-0.97 with the plate) was dropped behind a box
        that covers it worse (IoU 0.70-0.73) and read nothing (round 12, the "localisation"
        class). Reached only when the box's read did not end the search, so it costs nothing
        where the box reads. Its read counts only when trusted: sure, or two preprocessings
        agreeing, at >= SURE (round 7: outline crops read blurred plates one character off,
        alone; round 12: an agreed 0.68 named the wrong province and two letters).
        """
        second = self._seconds.pop(id(quad), None)
        if second is None:
            return
        crop = rectify(frame, second, pad=PAD)
        lines = segment(crop)
        if lines is not None:
            self._second_crops[id(crop)] = crop
            yield second, crop, lines

    def _deblurred(self, lines: Lines) -> CropRead | None:
        """A deblurred crop's read (:mod:`edge.reader.deblur`), capped as the search caps."""
        got = self._read_lines_all(lines)
        return capped(got, lines) if got is not None else None

    def _unheard(self, lines: Lines) -> CropRead | None:
        """A denoised crop's read (``deblur._night``), left out of the frame's votes.

        Why: the crops' votes decide a frame the deblur did not (``_province_voted``, last);
        the night stage's crops are many images of few quads, and their reads outvoted extra
        seed 5313's 湘GPT605, read by its own crops' lean, to nothing (round 26)."""
        heard, slotwise, crops = len(self._heard), len(self._slotwise), set(self._crops)
        try:
            return self._deblurred(lines)
        finally:
            del self._heard[heard:], self._slotwise[slotwise:]
            for key in set(self._crops) - crops:
                del self._crops[key]

    def _recounted(self, crop: Frame, lines: Lines, got: CropRead, want: int) -> CropRead:
        """A read naming more characters than its crop's blobs, against the crop counted again.

        Why: the read itself is the evidence that the segmentation lost or merged a glyph
        (``rules.glyphs_named``: 12X-571.47 read from 7 blobs, 36C/658.6 from 3 + 4); the
        segmentation's other binarisations (``segment.recount``) may find the glyph, and
        their rows read the plate whole. Their read fits its blobs but comes from a poorer
        image, so it is capped under the band (``capped``: REJOINED) and replaces the
        first read only when as confident up to that cap.
        """
        for again in recount(crop, lines, want):
            other = self._read_lines_all(again)
            if other is None:
                continue
            other = capped(other, again)
            if other.fits and other.conf >= min(got.conf, REJOINED):
                return other
        return short_plate(got)

    def _seconded_by_source(self, got: CropRead, best: tuple[CropRead, np.ndarray, Frame],
                            quad: np.ndarray, crop: Frame) -> tuple[CropRead, np.ndarray, Frame]:
        """A refit's read under the band, raised by its source crop's read of the same plate.

        Why: the refit is read first and its agreeing read (0.75) ends the search, where the
        quad it came from may read the same plate sure (98R86895 at 0.99): the plate is the
        refit's, the confidence the better of the two. A source reading another plate is not
        believed over the refit (24Y2191's turned crop read 24Y2181 at 0.96).
        """
        lines = segment(crop)
        other = self._read_lines_all(lines) if lines is not None else None
        if other is None or lines is None or other.cand.plate != got.cand.plate:
            return best
        other = capped(other, lines)
        return (other, quad, crop) if better(other, best[0]) else best


def _ends(got: CropRead) -> bool:
    """Whether a read ends the search: repair-free and uncontested, at ACCEPT, or two
    preprocessings agreeing at SURE (Round 6)."""
    return got.cand.cost == 0 and not got.contested and (
        got.conf >= ACCEPT or (got.agreed and got.conf >= SURE))


def make_reader(*, engine: Literal["resident", "subprocess"] = "resident",
                tessdata: str | None = None) -> TesseractPlateReader:
    """The edge's plate reader; ``resident`` keeps Tesseract loaded (the hot path)."""
    path = tessdata or DEFAULT_TESSDATA
    if engine == "resident":
        return TesseractPlateReader(ResidentEngine(path))
    if engine == "subprocess":
        return TesseractPlateReader(SubprocessEngine(path))
    raise ValueError(f"unknown OCR engine {engine!r}")
