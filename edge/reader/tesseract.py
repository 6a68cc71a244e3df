"""Plate reading with OpenCV localisation and Tesseract, resident or per-call subprocess.

Pipeline: find plate-like quadrilaterals (edges + contours, several candidates,
largest first) -> rectify each by perspective warp -> upscale to ~60 px text
height -> read one line (or two halves for a 2-line plate) with a character
whitelist -> keep the first text that fits the plate grammar (``domain.plates``).
A read that fits no plate format is not a plate: the frame reports ``None``.

Two engines behind one interface: ``resident`` keeps libtesseract loaded
(tesserocr, about 10 ms per line measured here) and ``subprocess`` spawns the
``tesseract`` binary per call (pytesseract, about 200 ms): the slow one is the
baseline the benchmark compares against.
"""

from __future__ import annotations

import os
import time
from typing import Literal

import cv2
import numpy as np

from domain.plates import try_parse_plate
from edge.reader.base import Frame, FrameRead, ImageError

# Separators stay in: without them Tesseract 5 LSTM reports a confidence of 0 for a plate.
WHITELIST = "0123456789ABCDEFGHKLMNPRSTUVXYZ-."
DEFAULT_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"
MAX_PIXELS = 40_000_000
TEXT_HEIGHT = 60


class _Resident:
    def __init__(self, tessdata: str) -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        import tesserocr

        self._api = tesserocr.PyTessBaseAPI(path=tessdata, lang="eng",
                                            psm=tesserocr.PSM.SINGLE_LINE,
                                            oem=tesserocr.OEM.LSTM_ONLY)
        self._api.SetVariable("tessedit_char_whitelist", WHITELIST)

    def line(self, img: Frame) -> tuple[str, float]:
        from PIL import Image

        self._api.SetImage(Image.fromarray(img))
        text = self._api.GetUTF8Text().strip()
        return text, _symbol_confidence(self._api)


def _symbol_confidence(api: object) -> float:
    """Mean per-character confidence (0..1). ``MeanTextConf`` reports 0 for many
    perfectly read plates under a whitelist, so the symbols are asked one by one."""
    import tesserocr

    it = api.GetIterator()  # type: ignore[attr-defined]
    level = tesserocr.RIL.SYMBOL
    confs: list[float] = []
    if it is None:
        return 0.0
    for symbol in tesserocr.iterate_level(it, level):
        try:
            if symbol.GetUTF8Text(level).strip():
                confs.append(symbol.Confidence(level))
        except RuntimeError:  # an empty symbol slot
            continue
    return max(0.0, min(1.0, sum(confs) / len(confs) / 100.0)) if confs else 0.0


class _Subprocess:
    def __init__(self, tessdata: str) -> None:
        self._config = f"--psm 7 --oem 1 -c tessedit_char_whitelist={WHITELIST}"
        self._tessdata = tessdata

    def line(self, img: Frame) -> tuple[str, float]:
        import pytesseract

        data = pytesseract.image_to_data(img, lang="eng", config=self._config,
                                         output_type=pytesseract.Output.DICT)
        words = [(w, float(c)) for w, c in zip(data["text"], data["conf"], strict=False)
                 if w.strip() and float(c) >= 0]
        text = "".join(w for w, _ in words)
        conf = sum(c for _, c in words) / len(words) / 100.0 if words else 0.0
        return text, conf


class TesseractPlateReader:
    """:class:`~edge.reader.base.PlateReader` over OpenCV localisation and Tesseract."""

    def __init__(self, engine: _Resident | _Subprocess, *, max_candidates: int = 6) -> None:
        self._engine = engine
        self._max_candidates = max_candidates

    def read(self, frame: Frame) -> FrameRead:
        started = time.perf_counter()
        _check(frame)
        gray: Frame = frame if frame.ndim == 2 else np.asarray(
            cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), np.uint8)
        for quad in self._candidates(gray):
            crop = _rectify(gray, quad)
            read = self._read_crop(crop)
            if read is not None:
                plate, raw, conf, layout = read
                parsed = try_parse_plate(plate)
                x, y, w, h = cv2.boundingRect(quad.astype(np.int32))
                colour = _rectify(frame, quad) if frame.ndim == 3 else crop
                return FrameRead(plate, conf, raw, layout,
                                 parsed.country if parsed else None, colour, (x, y, w, h),
                                 (time.perf_counter() - started) * 1000)
        return FrameRead(None, 0.0, ms=(time.perf_counter() - started) * 1000)

    def _candidates(self, gray: Frame) -> list[np.ndarray]:
        h, w = gray.shape[:2]
        blur = cv2.GaussianBlur(gray, (5, 5), 0)
        edges = cv2.Canny(blur, 50, 150)
        edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
        contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        found: list[tuple[float, np.ndarray]] = []
        for c in contours:
            rect = cv2.minAreaRect(c)
            (rw, rh) = rect[1]
            if rw < rh:
                rw, rh = rh, rw
            area = rw * rh
            if rh < 12 or area < 0.0005 * w * h or area > 0.5 * w * h:
                continue
            if not 1.3 <= rw / max(rh, 1) <= 6.5:
                continue
            if cv2.contourArea(c) < 0.6 * area:
                continue
            found.append((area, cv2.boxPoints(rect)))
        found.sort(key=lambda t: -t[0])
        quads = [q for _, q in found[: self._max_candidates]]
        if h * w and (not quads or min(h, w) < 400):
            quads.append(np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32))
        return quads

    def _read_crop(self, crop: Frame) -> tuple[str, str, float, Literal["1-line", "2-line"]] | None:
        h, w = crop.shape[:2]
        aspect = w / max(h, 1)
        layouts: list[Literal["1-line", "2-line"]] = (
            ["2-line", "1-line"] if aspect < 2.6 else ["1-line", "2-line"])
        for layout in layouts:
            if layout == "1-line":
                text, conf = self._engine.line(_prepare(crop))
            else:
                top, bottom = crop[: h // 2], crop[h // 2:]
                t1, c1 = self._engine.line(_prepare(top))
                t2, c2 = self._engine.line(_prepare(bottom))
                text, conf = t1 + t2, min(c1, c2)
            parsed = try_parse_plate(text)
            if parsed is not None:
                return parsed.canonical, text, conf, layout
        return None


def _check(frame: object) -> None:
    if not isinstance(frame, np.ndarray) or frame.size == 0:
        raise ImageError("not an image (empty or not an array)")
    if frame.dtype != np.uint8 or frame.ndim not in (2, 3):
        raise ImageError(f"unsupported image layout {frame.dtype} {frame.shape}")
    if frame.shape[0] * frame.shape[1] > MAX_PIXELS:
        raise ImageError(f"image too large: {frame.shape[1]}x{frame.shape[0]}")


def _rectify(img: Frame, quad: np.ndarray) -> Frame:
    pts = _order(quad.astype(np.float32))
    width = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[3] - pts[2])))
    height = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    width, height = max(width, 8), max(height, 8)
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    m = cv2.getPerspectiveTransform(pts, dst)
    return np.asarray(cv2.warpPerspective(img, m, (width, height)), np.uint8)


def _order(pts: np.ndarray) -> np.ndarray:
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
                    np.float32)


def _prepare(crop: Frame) -> Frame:
    """Trim the plate border and scale so characters are about 60 px high."""
    h, w = crop.shape[:2]
    my, mx = max(1, h // 12), max(1, w // 40)
    inner = crop[my: h - my, mx: w - mx] if h > 4 * my and w > 4 * mx else crop
    scale = TEXT_HEIGHT / max(inner.shape[0] * 0.75, 1)
    resized = cv2.resize(inner, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    if resized.ndim == 3:
        resized = cv2.cvtColor(resized, cv2.COLOR_BGR2GRAY)
    return np.asarray(cv2.copyMakeBorder(resized, 10, 10, 10, 10, cv2.BORDER_REPLICATE), np.uint8)


def make_reader(*, engine: Literal["resident", "subprocess"] = "resident",
                tessdata: str | None = None) -> TesseractPlateReader:
    path = tessdata or DEFAULT_TESSDATA
    if engine == "resident":
        return TesseractPlateReader(_Resident(path))
    if engine == "subprocess":
        return TesseractPlateReader(_Subprocess(path))
    raise ValueError(f"unknown OCR engine {engine!r}")
