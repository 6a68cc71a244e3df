"""Plate reading with OpenCV localisation and Tesseract, resident or per-call subprocess.

Pipeline: ranked plate-like quads (edges + colour, :mod:`edge.reader.localise`)
-> perspective rectification -> character rows, border trimmed, ~60 px text
(:mod:`edge.reader.segment`) -> Tesseract LSTM per row with a whitelist, on a
grey and a cleaned-binary variant -> position-aware correction against the
plate grammar (:mod:`domain.plate_candidates`) -> for Chinese plates the
province character is read by the chi_sim model. A read that fits no plate
format is not a plate: the frame reports ``None``.

Confidence: Tesseract's per-character confidence, discounted for each
grammar repair and trimmed stray character, raised when two preprocessing
variants agree. The benchmark reports how exact reads are per confidence band.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from domain.plate_candidates import Candidate, clean, cn_candidates, province_of, vn_candidates
from edge.reader.base import Frame, FrameRead, ImageError
from edge.reader.engines import DEFAULT_TESSDATA, LineEngine, ResidentEngine, SubprocessEngine
from edge.reader.localise import candidates, rectify
from edge.reader.segment import Lines, segment

MAX_PIXELS = 40_000_000
#: Below this a read is not reported as a plate at all (measured: no plate-free frame reaches it).
MIN_CONFIDENCE = 0.3
#: A read this confident with no repair ends the search early.
ACCEPT = 0.75
MAX_COST = 2
#: Any province: asks whether a Latin read could be a Chinese plate's tail at all.
PROBE_PROVINCE = "桂"
#: The most a read supported by one preprocessing alone may claim.
LONE = 0.45


@dataclass(frozen=True, slots=True)
class _Read:
    cand: Candidate
    conf: float
    raw: str
    layout: Literal["1-line", "2-line"]


class TesseractPlateReader:
    """:class:`~edge.reader.base.PlateReader` over OpenCV localisation and Tesseract."""

    def __init__(self, engine: LineEngine, *, max_candidates: int = 5) -> None:
        self._engine = engine
        self._max_candidates = max_candidates

    def read(self, frame: Frame) -> FrameRead:
        started = time.perf_counter()
        _check(frame)
        if frame.ndim == 3 and frame.shape[2] == 4:
            frame = np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR), np.uint8)
        h, w = frame.shape[:2]
        quads = candidates(frame, limit=12)
        if h * w <= 400_000:  # a tight crop (plate-only image) is itself a candidate
            whole = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
            quads.insert(0, whole)
        best: tuple[_Read, np.ndarray, Frame] | None = None
        for quad, crop, lines in self._ranked(frame, quads, tight=h * w <= 400_000):
            got = self._read_lines_all(lines)
            if got is None:
                continue
            if best is None or got.conf > best[0].conf:
                best = (got, quad, crop)
            if got.conf >= ACCEPT and got.cand.cost == 0:
                break
        ms = (time.perf_counter() - started) * 1000
        if best is None or best[0].conf < MIN_CONFIDENCE:
            return FrameRead(None, 0.0, best[0].raw if best else "", ms=ms)
        read, quad, crop = best
        x, y, bw, bh = cv2.boundingRect(quad.astype(np.int32))
        return FrameRead(read.cand.plate, round(read.conf, 4), read.raw, read.layout,
                         "CN" if read.cand.country == "CN" else "VN", crop,
                         (max(x, 0), max(y, 0), bw, bh), ms)

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool
                ) -> list[tuple[np.ndarray, Frame, Lines]]:
        """Segmented candidates, the most plate-like rows of characters first.

        Segmenting is cheap next to OCR, so every candidate is segmented and only the
        ones whose character rows look like a plate's (6-10 characters) are read, best first.
        """
        out: list[tuple[float, int, np.ndarray, Frame, Lines]] = []
        for i, quad in enumerate(quads):
            crop = rectify(frame, quad, pad=0.0 if tight and i == 0 else 0.04)
            lines = segment(crop)
            if lines is None:
                continue
            out.append((abs(lines.chars - 8) - (0.5 if tight and i == 0 else 0), i, quad, crop,
                        lines))
        out.sort(key=lambda t: (t[0], t[1]))
        return [(q, c, ln) for _, _, q, c, ln in out[: self._max_candidates]]

    def _read_lines_all(self, lines: Lines) -> _Read | None:
        """Read the rows in two preprocessings; only agreeing reads earn a high confidence.

        Why both, always: Tesseract is sometimes confidently wrong on one image (7 read as 1
        at 0.99); the same mistake on the grey and the binarised image is much rarer, so a
        read that one variant alone supports is capped at LONE, below what may be acted on
        alone (multi-frame consensus can still confirm it).
        """
        reads = [r for r in (self._read_lines(lines, v) for v in ("gray", "binary")) if r]
        if not reads:
            return None
        if len(reads) < 2 or reads[0].cand.plate != reads[1].cand.plate:
            # Undecided (the binary image read 0 as 6, say): a third, differently binarised
            # image breaks the tie (a rescaled grey one is not independent: it repeats the
            # grey image's mistakes, measured on the regression set).
            third = self._read_lines(lines, "adaptive")
            reads += [third] if third is not None else []
        for i, a in enumerate(reads):
            for b in reads[i + 1:]:
                if a.cand.plate == b.cand.plate:
                    # Two preprocessings agreeing is independent evidence for one string.
                    top = max(a, b, key=lambda r: r.conf)
                    doubt = (1 - a.conf) * (1 - b.conf)
                    return _Read(top.cand, min(0.99, 1 - doubt), top.raw, top.layout)
        top = max(reads, key=lambda r: r.conf)
        return _Read(top.cand, min(top.conf, LONE), top.raw, top.layout)

    def _read_lines(self, lines: Lines, variant: str) -> _Read | None:
        images = lines.binary if variant == "binary" else lines.gray
        if variant == "adaptive":  # a local threshold: other pixels, other mistakes
            images = [np.asarray(cv2.adaptiveThreshold(
                cv2.GaussianBlur(g, (3, 3), 0), 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                cv2.THRESH_BINARY, 41, 12), np.uint8) for g in lines.gray]
        texts, confs = [], []
        for img in images:
            text, conf = self._engine.line(img, script="latin")
            texts.append(text)
            confs.append(conf)
        raw = "/".join(texts)
        conf = min(confs) if confs else 0.0
        joined = clean("".join(texts))
        # A row of digits only (a painted phone number, a hotline) becomes a "plate" only by
        # inventing its series letter: refuse that on one line, even though a real series
        # letter read as a digit (S as 8) is then lost too; a wrong plate is worse than none.
        # Two rows shaped like a plate's (3-4 over 4-5) are evidence enough to repair.
        digits_only = joined.isdigit() and not (lines.layout == "2-line"
                                                and _vn_rows_fit(lines, texts))
        cands = [] if digits_only else [c for c in vn_candidates(joined) if c.cost <= MAX_COST]
        vn = cands[0] if cands else None
        if vn is not None and vn.cost == 0 and _vn_rows_fit(lines, texts):
            return _Read(vn, _discount(conf, vn), raw, lines.layout)
        cn = self._read_cn(lines, images, texts, conf)
        options = [o for o in ((vn, conf, raw), cn) if o is not None and o[0] is not None]
        if not options:
            return None
        cand, c_conf, c_raw = min(options, key=lambda o: (o[0].cost, -o[1]))  # type: ignore[union-attr]
        assert cand is not None
        return _Read(cand, _discount(c_conf, cand), c_raw, lines.layout)

    def _two_row_cn(self, province: str, cjk: str, texts: list[str], cjk_conf: float,
                    conf_latin: float) -> tuple[Candidate, float, str] | None:
        pool = [c for c in _two_row_cn_pool(province, cjk, texts) if c.cost <= MAX_COST]
        if not pool:
            return None
        best = pool[0]
        agree = sum(c.plate == best.plate for c in pool) > 1
        conf = min(cjk_conf, conf_latin) if agree else cjk_conf * 0.8
        return best, max(conf, cjk_conf * 0.8), f"{cjk}|{'/'.join(texts)}"

    def _read_cn(self, lines: Lines, images: list[Frame], texts: list[str],
                 conf_latin: float) -> tuple[Candidate, float, str] | None:
        """Chinese plate: chi_sim reads the province character (row 1) with its line."""
        latin = clean("".join(texts))
        if len(latin) < (5 if lines.layout == "2-line" else 6):
            return None  # a 2-row plate's top row (province, letter) may read as nothing
        if lines.layout == "1-line" and not cn_candidates(latin, PROBE_PROVINCE, max_trim=3):
            return None  # no Chinese plate in this text whatever the province: spare chi_sim
        cjk, cjk_conf = self._engine.line(images[0], script="cjk")
        province = province_of(cjk)
        if province is None:
            return None
        for img in images[1:]:  # the lower row of a 2-row plate: letters the Latin set lacks
            more, more_conf = self._engine.line(img, script="cjk")
            cjk, cjk_conf = cjk + "/" + more, min(cjk_conf, more_conf)
        tail = clean(cjk)
        if lines.layout == "2-line":
            return self._two_row_cn(province, cjk, texts, cjk_conf, conf_latin)
        # The Latin model reads the letters and digits better than chi_sim (measured: on
        # hard frames chi_sim adds or drops a character where eng reads the tail right), so
        # the Latin read leads at equal repair cost; chi_sim gives the province and stands in.
        own = [c for c in cn_candidates(tail, province) if c.cost <= MAX_COST]
        latin_pool = [c for c in cn_candidates(latin, province) if c.cost <= MAX_COST]
        ranked = sorted([(c.cost, 0, -len(c.plate), c.plate, c) for c in latin_pool]
                        + [(c.cost, 1, -len(c.plate), c.plate, c) for c in own])
        if not ranked:
            return None
        best = ranked[0][-1]
        agree = any(c.plate == best.plate for c in own) and any(
            c.plate == best.plate for c in latin_pool)
        conf = min(cjk_conf, conf_latin) if agree else min(cjk_conf, conf_latin) * 0.7
        return best, conf, f"{cjk}|{'/'.join(texts)}"


def _two_row_cn_pool(province: str, cjk: str, texts: list[str]) -> list[Candidate]:
    """A 2-row Chinese truck plate: province + letter on top, exactly 5 characters below.

    Only ordinary plates come in two rows, so the bottom row is cut to its last five
    characters (extra ones counted as trimmed) instead of letting a stray glyph turn the
    plate into an 8-character new-energy one.
    """
    rows = cjk.split("/")
    # The CJK model's letter leads (it knows J, Q, W); the Latin one stands in when the CJK
    # read put a digit there.
    cjk_letter, latin_letter = clean(rows[0])[-1:], clean(texts[0])[-1:]
    letters = [cjk_letter] if cjk_letter.isalpha() else [latin_letter]
    pool: list[Candidate] = []
    for bottom in (clean(rows[1]) if len(rows) > 1 else "", clean("".join(texts[1:]))):
        if len(bottom) < 5:
            continue
        for letter in letters:
            for c in cn_candidates(letter + bottom[-5:], province, max_trim=0):
                if len(c.plate) == 7:
                    pool.append(Candidate(c.plate, "CN", c.corrections, len(bottom) - 5))
    return sorted(pool, key=lambda c: (c.cost, c.plate))


def _vn_rows_fit(lines: Lines, texts: list[str]) -> bool:
    """A 2-line VN plate has its province and series on the top row only."""
    if lines.layout == "1-line" or len(texts) < 2:
        return True
    return 3 <= len(clean(texts[0])) <= 4


def _discount(conf: float, cand: Candidate) -> float:
    return conf * (0.8 ** cand.corrections) * (0.85 ** cand.trimmed)


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
