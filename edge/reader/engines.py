"""Tesseract engines behind one tiny interface: read one text line, get text and confidence.

Why two: ``resident`` keeps libtesseract and its LSTM models loaded in this
process (tesserocr; ~5-12 ms per plate line measured here) and is the hot path;
``subprocess`` spawns the ``tesseract`` binary per call (pytesseract; ~200 ms)
and is kept as the baseline and as a fallback where the wheel is missing.

Two scripts: ``latin`` (eng, whitelist of plate letters and digits) and ``cjk``
(chi_sim, whitelist of the province characters plus letters and digits) which
reads the Chinese province character with the rest of its line.
"""

from __future__ import annotations

import os
from typing import Literal, Protocol

import numpy as np

from domain.plates import CN_PROVINCES
from edge.reader.base import Frame

Script = Literal["latin", "cjk"]
# Separators stay in: without them Tesseract 5 LSTM reports a confidence of 0 for many plates.
LATIN_WHITELIST = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ-."
CJK_WHITELIST = CN_PROVINCES + "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
DEFAULT_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"


class LineEngine(Protocol):
    def line(self, img: Frame, *, script: Script = "latin") -> tuple[str, float]:
        """Text of one line (grey image, dark text on light) and its confidence 0..1."""
        ...


class ResidentEngine:
    """tesserocr with the models loaded once; the CJK model is loaded on first need."""

    def __init__(self, tessdata: str) -> None:
        # Read by libtesseract's OpenMP when the API is created: one thread per call is
        # twice as fast on a busy 2-core box as letting it spin up a team.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        import tesserocr

        self._tesserocr = tesserocr
        self._tessdata = tessdata
        self._apis: dict[Script, object] = {"latin": self._api("eng", LATIN_WHITELIST)}

    def _api(self, lang: str, whitelist: str) -> object:
        t = self._tesserocr
        # chi_sim in SINGLE_LINE mode returns nothing for many "province + letter" rows with a
        # wide gap; RAW_LINE (no layout analysis) reads them (measured on generated plates).
        psm = t.PSM.SINGLE_LINE if lang == "eng" else t.PSM.RAW_LINE
        api = t.PyTessBaseAPI(path=self._tessdata, lang=lang, psm=psm, oem=t.OEM.LSTM_ONLY)
        api.SetVariable("tessedit_char_whitelist", whitelist)
        return api

    def line(self, img: Frame, *, script: Script = "latin") -> tuple[str, float]:
        from PIL import Image

        api = self._apis.get(script)
        if api is None:
            api = self._apis[script] = self._api("chi_sim", CJK_WHITELIST)
        api.SetImage(Image.fromarray(img))  # type: ignore[attr-defined]
        text = api.GetUTF8Text().strip()  # type: ignore[attr-defined]
        return text, self._symbol_confidence(api)

    def _symbol_confidence(self, api: object) -> float:
        """Lowest per-character confidence (0..1): one doubtful character makes a doubtful
        plate, and ``MeanTextConf`` reports 0 for many perfect reads under a whitelist."""
        t = self._tesserocr
        it = api.GetIterator()  # type: ignore[attr-defined]
        if it is None:
            return 0.0
        level = t.RIL.SYMBOL
        confs: list[float] = []
        for symbol in t.iterate_level(it, level):
            try:
                if symbol.GetUTF8Text(level).strip() not in ("", "-", "."):
                    confs.append(symbol.Confidence(level))
            except RuntimeError:  # an empty symbol slot
                continue
        if not confs:
            return 0.0
        return max(0.0, min(1.0, (0.5 * min(confs) + 0.5 * float(np.mean(confs))) / 100.0))


class SubprocessEngine:
    """pytesseract: one ``tesseract`` process per call (the naive, slow path)."""

    def __init__(self, tessdata: str) -> None:
        self._tessdata = tessdata

    def config(self, script: Script, psm: int = 7) -> str:
        wl = LATIN_WHITELIST if script == "latin" else CJK_WHITELIST
        return (f"--tessdata-dir {self._tessdata} --psm {psm} --oem 1"
                f" -c tessedit_char_whitelist={wl}")

    def line(self, img: Frame, *, script: Script = "latin") -> tuple[str, float]:
        import pytesseract

        data = pytesseract.image_to_data(img, lang="eng" if script == "latin" else "chi_sim",
                                         config=self.config(script),
                                         output_type=pytesseract.Output.DICT)
        words = [(w, float(c)) for w, c in zip(data["text"], data["conf"], strict=False)
                 if w.strip() and float(c) >= 0]
        text = "".join(w for w, _ in words)
        conf = min(c for _, c in words) / 100.0 if words else 0.0
        return text, max(0.0, min(1.0, conf))
