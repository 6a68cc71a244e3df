"""Plate reading with OpenCV localisation and Tesseract, resident or per-call subprocess.

Pipeline: ranked plate-like quads (edges + colour, :mod:`edge.reader.localise`)
-> perspective rectification -> character rows, border trimmed, ~60 px text
(:mod:`edge.reader.segment`) -> one Tesseract LSTM call per plate (a 2-row plate's rows
side by side in one line image) with a whitelist -> position-aware correction against
the plate grammar (:mod:`domain.plate_candidates`) -> for Chinese plates chi_sim reads
the province character (:mod:`edge.reader.chinese`). A read that fits no plate format
is not a plate: the frame reports ``None``.

Confidence: Tesseract's per-character confidence, discounted for each grammar repair and
trimmed stray character. A read that needed no repair, with as many characters as the
segmentation found, at >= SURE stands alone; any other read must be confirmed by a
second preprocessing (binary, then adaptive) or is capped at LONE. The benchmark
reports how exact reads are per confidence band.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

import cv2
import numpy as np

from domain.plate_candidates import Candidate, clean
from edge.reader import rules
from edge.reader.base import ACT, Frame, FrameRead, ImageError
from edge.reader.chinese import province_confirmed, read_cn, tail_stats
from edge.reader.engines import (
    DEFAULT_TESSDATA,
    LineEngine,
    ResidentEngine,
    SubprocessEngine,
)
from edge.reader.likeness import EAGER as EAGER_LIKENESS
from edge.reader.likeness import SKIP, likeness
from edge.reader.localise import candidates, rectify
from edge.reader.outline import PAD, crops
from edge.reader.rules import discount, series_from_choices, vn_plates, vn_rows_fit, words
from edge.reader.segment import Lines, joined, segment
from edge.reader.zeros import reread_zeros

MAX_PIXELS = 40_000_000
#: Below this a read is not reported as a plate at all (measured: no plate-free frame reaches it).
MIN_CONFIDENCE = 0.3
#: A read this confident with no repair ends the search early; so does a repair-free plate
#: two preprocessings agree on from SURE on (Round 6: before, at any confidence).
ACCEPT = 0.75
#: A grammatical read needing no repair, with as many characters as blobs, is trusted
#: alone from this confidence on (calibrated on generated frames of another seed).
SURE = 0.7
#: ... and no character's runner-up within this of it (LSTM choice confidences, 0..1).
MARGIN = 0.2
#: Candidates whose character count is this close to a plate's are read as soon as they
#: are segmented, at most EAGER_READS of them; the rest wait for the ranking.
EAGER = 1
EAGER_READS = 3
#: Candidates whose characters are shorter than this in the frame (px) are never read at
#: once, only as the likeness ranking comes to them: a sticker, a painted phone number, a
#: grille's pattern (seeds 555/556: none of 20 such candidates read as anything).
SMALL_TEXT_PX = 14
#: The most a plate two of three preprocessings agree on may claim (the third disagrees).
CONTESTED = 0.75
#: The most two agreeing reads may claim when the plate's length disagrees with the blobs.
UNFIT = 0.7
#: The most a Chinese read may claim whose province only the classifier named (chi_sim
#: found none): under ACCEPT and never ``agreed``, so the search goes on to preprocessings
#: and candidates where chi_sim names it (measured: the classifier's province came with the
#: Latin read's letter, 云ZA02A4 read as 云LA02A4, where chi_sim's binary read was right).
CLASSIFIED = 0.7
#: The most a read supported by one preprocessing alone may claim.
LONE = 0.45
#: The most a read may claim whose row the segmentation joined from two "rows" in one band
#: (``segment._one_band``: a 1-line Chinese plate whose province glyph broke into stacked
#: parts). Under SURE, so such a read never ends the search: a candidate segmented plainly
#: is still read and wins at its usual confidence. Why: such crops were read as 2-line
#: plates before (as nothing), and one of them, rejoined, read 桂WR77LB as 桂WRTTLB in both
#: models at 0.86 where another candidate read it right at 0.75 (round 10).
REJOINED = 0.69
#: The most a read may claim whose crop cut a character at a row's end (``Lines.cut``):
#: under LONE, so a whole-plate candidate read by one preprocessing still beats it, and it
#: never ends the search (round 12: a crop short of 11B-731.40's last 0 read 11B7314 at 0.75
#: in two preprocessings, the next candidate 11B73140 at 0.45).
CUT = 0.44


@dataclass(frozen=True, slots=True)
class _Read:
    cand: Candidate
    conf: float
    raw: str
    layout: Literal["1-line", "2-line"]
    sure: bool = False  # one read may stand alone (see TesseractPlateReader._graded)
    fits: bool = True  # as many characters as the segmentation found blobs
    margin: float = 0.0  # smallest lead of a character over its runner-up
    agreed: bool = False  # two preprocessings read the same plate
    classified: bool = False  # the province came from the classifier alone (CLASSIFIED)
    rival: str | None = None  # the plate the other model's tail reads (FrameRead.rival)
    seconded: bool = False  # Chinese: chi_sim's tail is eng's (see _seconded)
    kept: bool = False  # read (or agreed with a read) of a row Tesseract dropped as noise
    contested: bool = False  # an agreement capped (CONTESTED, UNFIT): it never ends the search


class TesseractPlateReader:
    """:class:`~edge.reader.base.PlateReader` over OpenCV localisation and Tesseract."""

    def __init__(self, engine: LineEngine, *, max_candidates: int = 5) -> None:
        self._engine = engine
        self._max_candidates = max_candidates
        #: This frame's refitted crops (by ``id``): the quad and crop each was refitted from.
        self._sources: dict[int, tuple[np.ndarray, Frame, Frame]] = {}
        #: This frame's outlines suppressed behind a text box, by the box quad's ``id``
        #: (``localise.candidates``), and the crops read as such a second look (by ``id``).
        self._seconds: dict[int, np.ndarray] = {}
        self._second_crops: dict[int, Frame] = {}

    def read(self, frame: Frame) -> FrameRead:
        started = time.perf_counter()
        _check(frame)
        if frame.ndim == 3 and frame.shape[2] == 4:
            frame = np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR), np.uint8)
        h, w = frame.shape[:2]
        self._seconds = {}
        quads = candidates(frame, limit=12, seconds=self._seconds)
        if h * w <= 400_000:  # a tight crop (plate-only image) is itself a candidate
            whole = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
            quads.insert(0, whole)
        best: tuple[_Read, np.ndarray, Frame] | None = None
        found: list[_Read] = []  # what the candidates read so far (see _ranked)
        self._sources, self._second_crops = {}, {}
        for quad, crop, lines in self._ranked(frame, quads, tight=h * w <= 400_000, found=found):
            got = self._read_lines_all(lines)
            if got is None:
                continue
            got = _capped(got, lines)
            if self._second_crops.get(id(crop)) is crop and not (
                    got.conf >= SURE and (got.sure or got.agreed)):
                continue  # a second look's read stands only when trusted (_second_look)
            source = self._sources.get(id(crop))
            if source is not None and source[2] is not crop:
                source = None  # an id reused by another crop, not a refit
            if source is not None:
                # A refit's read alone stays under the band; only its source crop reading the
                # same plate lifts it (``_seconded_by_source``). Uncapped, a refit read a hard
                # 桂VB4608 as 桂VB4668 at 0.98 where its source read it right at 0.69, and the
                # lane decided that truck wrong at 0.99 (round 11).
                got = replace(got, conf=min(got.conf, ACT - 0.01))
            found.append(got)
            if best is None or _better(got, best[0], found):
                best = (got, quad, crop)
            if got.cand.cost == 0 and not got.contested and (
                    got.conf >= ACCEPT or (got.agreed and got.conf >= SURE)):
                if source is not None:
                    best = self._seconded_by_source(got, best, source[0], source[1])
                break
        ms = (time.perf_counter() - started) * 1000
        if best is None or best[0].conf < MIN_CONFIDENCE:
            return FrameRead(None, 0.0, best[0].raw if best else "", ms=ms)
        read, quad, crop = best
        x, y, bw, bh = cv2.boundingRect(quad.astype(np.int32))
        return FrameRead(read.cand.plate, round(read.conf, 4), read.raw, read.layout,
                         "CN" if read.cand.country == "CN" else "VN", crop,
                         (max(x, 0), max(y, 0), bw, bh), ms, read.rival)

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[_Read] | None = None
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
            lines = segment(crop)
            if lines is None:
                continue
            p = 1.0 if whole else likeness(lines, crop, i)
            eager = abs(lines.chars - 8) <= EAGER and p >= EAGER_LIKENESS and (
                whole or lines.text_px >= SMALL_TEXT_PX)
            if eager and budget > self._max_candidates - EAGER_READS:
                budget -= 1
                yield quad, crop, lines
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
            yield quad, crop, lines
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

    def _seconded_by_source(self, got: _Read, best: tuple[_Read, np.ndarray, Frame],
                            quad: np.ndarray, crop: Frame) -> tuple[_Read, np.ndarray, Frame]:
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
        other = _capped(other, lines)
        return (other, quad, crop) if _better(other, best[0]) else best

    def _read_lines_all(self, lines: Lines) -> _Read | None:
        """Read the plate once; read more preprocessings only when that read is doubtful.

        Why not always several: each is a Tesseract call, the dominant cost. A read that
        fits the grammar as is, with every character confident and as many characters as
        the segmentation found blobs, is rarely wrong (measured, see ``SURE``); any other
        read is checked against a binarised image and, when those disagree, a third
        (adaptive threshold) breaks the tie. A read that no second preprocessing confirms is
        capped at LONE, below what may be acted on alone (consensus can still confirm it).
        """
        cache: dict[str, object] = {}  # chi_sim reads of this candidate
        first = self._read_lines(lines, "gray", cache)
        if first is not None and first.sure:
            return first
        if first is None and words(str(cache.get("text", ""))):
            return None  # painted words, not a plate misread: other preprocessings won't help
        if first is not None and first.seconded:
            return self._seconded(first, lines, cache)
        reads = [r for r in (first, self._read_lines(lines, "binary", cache)) if r]
        if not reads:
            return None
        if len(reads) < 2 or reads[0].cand.plate != reads[1].cand.plate:
            # Undecided (the binary image read 0 as 6, say): a third, differently binarised
            # image breaks the tie (a rescaled grey one is not independent: it repeats the
            # grey image's mistakes, measured on the regression set).
            third = self._read_lines(lines, "adaptive", cache)
            reads += [third] if third is not None else []
        for i, a in enumerate(reads):
            for b in reads[i + 1:]:
                if a.cand.plate == b.cand.plate:
                    # Two preprocessings agreeing is independent evidence for one string.
                    top = max(a, b, key=lambda r: r.conf)
                    doubt = (1 - a.conf) * (1 - b.conf)
                    # Agreeing on a plate with more or fewer characters than the crop holds
                    # is agreeing on a dropped or invented one (measured: 11B7314 for
                    # 11B73140 at 0.88): not enough to act on alone.
                    # Two of three agreeing is a majority, not a confirmation: the third
                    # read saw another plate (measured: binary and adaptive agreeing on
                    # 12R33432 against grey's right 12R34325 at 0.94).
                    cap = (0.99 if len(reads) < 3 else CONTESTED) if top.fits else UNFIT
                    if max(a.margin, b.margin) < MARGIN:
                        # Both hesitated between two characters somewhere: agreeing on the
                        # same guess is weak evidence (measured: 36C65666 for 36C65866).
                        cap = min(cap, CONTESTED)
                    conf = min(cap, 1 - doubt)
                    if (top.cand.country == "CN" and conf >= ACT
                            and not province_confirmed(self._engine, lines, cache,
                                                       top.cand.plate[0])):
                        conf = ACT - 0.01
                    rival = a.rival or b.rival  # either's models at odds: the frame is
                    kept = a.kept or b.kept
                    if a.classified and b.classified:  # one model's province: search on
                        return replace(top, conf=min(conf, CLASSIFIED), rival=rival, kept=kept)
                    # A capped agreement (contested, hesitant or unfit) is the best so far, not
                    # the end of the search: round 12, a crop cutting the plate's end
                    # (11B731.4 for 11B731.40) ended it at CONTESTED before the whole
                    # plate's quad was read.
                    return replace(top, conf=conf, agreed=True, rival=rival, kept=kept,
                                   contested=cap < 0.99)
        top = max(reads, key=lambda r: r.conf)
        if (top.cand.cost and top.conf < LONE) or lines.evened or top.kept:
            # Repaired, doubtful and unconfirmed: more likely wrong than right. A crop whose
            # characters only showed once the light was evened out is a poor image: what
            # one preprocessing alone reads there was wrong as often as right (measured);
            # so is a row Tesseract took for noise (round 11: 14K41103 read 16K41103).
            return None
        return replace(top, conf=min(top.conf, LONE))

    def _seconded(self, read: _Read, lines: Lines, cache: dict[str, object]) -> _Read:
        """A Chinese read whose two models read the same tail, graded as two agreeing reads.

        Why no binary eng read here: a Chinese read is never sure alone, so the grey read was
        always followed by a binary one, and the pair's confidence was ``1 - (1 - a)(1 - b)``
        of two reads both bounded by chi_sim's one row confidence (the preprocessings share
        it). Where chi_sim's own tail already equals eng's, a second model has read the tail
        (round 5: that check is what catches eng's G read as 6), so it stands as the second
        look, and the binary call (~6 ms) is spared. Only for a read that needed no repair,
        fits the blobs and hesitated nowhere; the province still needs its own second look
        (``province_confirmed``) for the >= ACT band, as for two agreeing preprocessings.
        """
        conf = min(0.99, 1 - (1 - read.conf) ** 2)
        if conf >= ACT and not province_confirmed(self._engine, lines, cache,
                                                  read.cand.plate[0]):
            conf = ACT - 0.01
        return replace(read, conf=conf, agreed=True)

    def _read_lines(self, lines: Lines, variant: str, cache: dict[str, object]
                    ) -> _Read | None:
        images = lines.binary if variant == "binary" else lines.gray
        if variant == "adaptive":  # a local threshold: other pixels, other mistakes
            images = [np.asarray(cv2.adaptiveThreshold(
                cv2.GaussianBlur(g, (3, 3), 0), 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                cv2.THRESH_BINARY, 41, 12), np.uint8) for g in lines.gray]
        line, starts = joined(images)
        # A barred zero the LSTM read as 6 or 8, told by its blob (zeros.py, round 12).
        got = reread_zeros(self._engine.read(line, script="latin"),
                           line if variant == "binary" else joined(lines.binary)[0])
        texts = ["" for _ in images]
        rows: list[list[tuple[float, float]]] = [[] for _ in images]  # letters' conf, margin
        for (ch, c, x), m in zip(got.chars, got.margins, strict=False):
            row = sum(x >= s for s in starts)
            texts[row] += ch
            rows[row] += [(c, m)] * len(clean(ch))
        raw, conf = "/".join(texts), got.conf
        text = clean("".join(texts))
        if not got.kept:  # painted words are judged on a row Tesseract took for text
            cache.setdefault("text", text)
        # A row of digits only (a painted phone number, a hotline) becomes a "plate" only by
        # inventing its series letter: on one line that is refused unless the LSTM itself
        # offered a letter for the series slot (rules.series_from_choices); a wrong plate is
        # worse than none. Two rows shaped like a plate's (3-4 over 4-5) are evidence enough.
        digits_only = text.isdigit() and not (lines.layout == "2-line"
                                              and vn_rows_fit(lines, texts))
        extra = rules.extra_after_series(lines.layout, texts)  # a dash read as a digit (vn_plates)
        if digits_only and lines.layout == "1-line":
            cands = series_from_choices(got, text, after_series=extra)
        else:
            cands = [] if digits_only else vn_plates(text, after_series=extra)
        vn = cands[0] if cands else None
        if vn is not None and vn.cost == 0 and vn_rows_fit(lines, texts):
            read = self._graded(lines, vn, conf, raw, got.margin, trusted=not got.kept)
            return replace(read, kept=got.kept)
        # 1.0: the Latin side's confidence is that of the letters the plate uses (tail_stats).
        cn = read_cn(self._engine, lines, images, texts, 1.0, cache)
        by_classifier = bool(cache.get("classifier_only"))
        if cn is not None and (vn is None or (cn[0].cost <= vn.cost and not by_classifier)):
            cand, cn_conf, cn_raw, agree, rival = cn
            tail_conf, tail_margin = tail_stats(rows, cand, lines.layout == "2-line")
            if agree:
                cn_conf = min(cn_conf, tail_conf)
            elif lines.layout == "1-line":
                cn_conf = min(cn_conf, 0.7 * tail_conf)
            if by_classifier:
                cn_conf = min(cn_conf, CLASSIFIED)
            if tail_margin < MARGIN and "row_doubt" in cache:  # see chinese.ROW_DOUBT
                cn_conf = min(cn_conf, float(cache["row_doubt"]))  # type: ignore[arg-type]
            read = self._graded(lines, cand, cn_conf, cn_raw, tail_margin, trusted=False,
                                classified=by_classifier,  # the province: province_confirmed
                                rival=rival)
            # chi_sim's tail as the second look (_seconded): on the first read only, repair-free,
            # fitting, no hesitation, the province chi_sim's own.
            seconded = (agree and variant == "gray" and cand.cost == 0 and read.fits
                        and tail_margin >= MARGIN and not by_classifier and not got.kept)
            return replace(read, seconded=seconded, kept=got.kept)
        return None if vn is None else replace(self._graded(lines, vn, conf, raw), kept=got.kept)

    def _graded(self, lines: Lines, cand: Candidate, conf: float, raw: str,
                margin: float = 0.0, *, trusted: bool = True, classified: bool = False,
                rival: str | None = None) -> _Read:
        """The read with its confidence; ``sure`` when one read alone may be trusted."""
        conf = discount(conf, cand)
        blobs = lines.chars - len(cand.plate)  # CN: the province may be 0-3 blobs
        fits = blobs == 0 if cand.country == "VN" else -1 <= blobs <= 2
        sure = trusted and cand.cost == 0 and fits and conf >= SURE and margin >= MARGIN
        return _Read(cand, conf, raw, lines.layout, sure, fits, margin, classified=classified,
                     rival=rival)


def _capped(read: _Read, lines: Lines) -> _Read:
    """The read kept under the band when its image is doubtful: rows joined from one band
    (``REJOINED``), found only by the local-contrast look, or read only on Tesseract's retry
    of a row it dropped as noise (``LineRead.kept``, round 11). One place for both a
    candidate's own read and a refit's source read, so neither path can skip a cap.
    """
    if lines.rejoined or lines.local or read.kept:
        read = replace(read, conf=min(read.conf, REJOINED))
    if lines.cut:  # the crop cut a character: its read is a shorter plate's (round 12)
        read = replace(read, conf=min(read.conf, CUT), contested=True)
    return read


def _better(new: _Read, old: _Read, found: list[_Read] | None = None) -> bool:
    """``new`` beats the best so far: more confident, or as confident with fewer repairs,
    or with as many and read by more of the frame's candidates (``found``).

    Why the tie-break: reads are capped (CONTESTED, LONE, UNFIT, ...), so two candidates of
    one frame often end at the same confidence, and the first used to win. A repaired read
    (a character trimmed or corrected to fit the grammar) is the weaker of two equals
    (measured: an easy 29Z-568.78 whose plate border read as a leading 2, repaired to
    92Z56878 at 0.75, beat the next candidate's repair-free 29Z56878 at 0.75).
    Why the candidates' count last: a capped agreement no longer ends the search (round 12),
    so several candidates end at CONTESTED; a crop cutting the plate read 98K14210 at 0.75,
    and two whole-plate crops after it read 98K74270 at 0.75 each.
    """
    if new.conf != old.conf:
        return new.conf > old.conf
    if new.cand.cost != old.cand.cost:
        return new.cand.cost < old.cand.cost
    found = found or []
    return (sum(r.cand.plate == new.cand.plate for r in found)
            > sum(r.cand.plate == old.cand.plate for r in found))


def _check(frame: object) -> None:
    if not isinstance(frame, np.ndarray) or frame.size == 0:
        raise ImageError("not an image (empty or not an array)")
    if frame.dtype != np.uint8 or frame.ndim not in (2, 3) or (
            frame.ndim == 3 and frame.shape[2] not in (3, 4)):
        raise ImageError(f"unsupported image layout {frame.dtype} {frame.shape}")
    if frame.shape[0] * frame.shape[1] > MAX_PIXELS:
        raise ImageError(f"image too large: {frame.shape[1]}x{frame.shape[0]}")
    if frame.shape[0] < 16 or frame.shape[1] < 16:
        raise ImageError(f"image too small: {frame.shape[1]}x{frame.shape[0]}")


def make_reader(*, engine: Literal["resident", "subprocess"] = "resident",
                tessdata: str | None = None) -> TesseractPlateReader:
    """The edge's plate reader; ``resident`` keeps Tesseract loaded (the hot path)."""
    path = tessdata or DEFAULT_TESSDATA
    if engine == "resident":
        return TesseractPlateReader(ResidentEngine(path))
    if engine == "subprocess":
        return TesseractPlateReader(SubprocessEngine(path))
    raise ValueError(f"unknown OCR engine {engine!r}")
