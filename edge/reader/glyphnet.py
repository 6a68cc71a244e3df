"""Small CNN glyph classifiers run by OpenCV's dnn (docs/reader-journal.md, round 19).

Why: the k-NN classifiers (``latin.py``, ``province.py``) are weakest on the hard set's
blurred glyphs; a small convolutional net trained on the same cross-font renders with
stronger augmentation (``scripts/train_glyph_cnn.py``, which needs PyTorch) is exported to
ONNX and run here with ``cv2.dnn`` only, so the edge ships without PyTorch. The guesses keep
the k-NN's types and meaning (``LatinGuess``, ``ProvinceGuess``: the winner's share and its
lead on the runner-up, here softmax probabilities), so callers do not change.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from domain.plates import CN_PROVINCES
from edge.reader import latin, province
from edge.reader.glyphs import LATIN
from edge.reader.latin import LatinGuess
from edge.reader.province import ProvinceGuess

MODELS = Path(__file__).resolve().parent / "models"
LATIN_ONNX = MODELS / "latin-cnn.onnx"
PROVINCE_ONNX = MODELS / "province-cnn.onnx"
#: Softmax temperature of the Latin net: its raw probabilities are lower than the k-NN's vote
#: shares (label smoothing), so at the callers' 0.8 (``latin.TRUST``) it named fewer glyphs;
#: at 0.7 it names more of the tuning seeds' glyphs right than the k-NN at 0.8 and fewer wrong.
LATIN_TEMPERATURE = 1.0
#: Least CNN probability at which it vetoes the k-NN's sure name of another character.
VETO = 0.8


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True), np.float64)


def _inked(norms: list[np.ndarray]) -> np.ndarray:
    """Normalised glyphs (dark on white) as the nets' input: ink 1, paper 0, NCHW."""
    return np.stack([1.0 - n.astype(np.float32) / 255.0 for n in norms])[:, None]


class _Net:
    """One ONNX net; ``cv2.dnn`` nets are not thread-safe, so a lock guards ``forward``."""

    def __init__(self, path: Path, temperature: float = 1.0) -> None:
        self._net = cv2.dnn.readNetFromONNX(str(path))
        self._lock = threading.Lock()
        self._t = temperature

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Softmax of the logits over ``temperature``; the forward pass on one thread (a
        plate's few glyphs: OpenCV's thread pool costs more than it saves), the process's
        OpenCV thread count restored after."""
        with self._lock:
            threads = cv2.getNumThreads()
            cv2.setNumThreads(1)
            try:
                self._net.setInput(x)
                logits = np.asarray(self._net.forward(), np.float32)
            finally:
                cv2.setNumThreads(threads)
        return _softmax(logits / self._t)


class CnnLatin:
    """The Latin glyph classifier's interface (``latin.LatinClassifier.classify``), by CNN."""

    def __init__(self, path: Path = LATIN_ONNX) -> None:
        self._net = _Net(path, LATIN_TEMPERATURE)

    def classify(self, glyphs: list[np.ndarray]) -> list[LatinGuess]:
        """Each glyph's character, one forward pass for the batch; ``latin.normalise``
        as the k-NN's (so the same crops come back blank)."""
        norms = [latin.normalise(g) for g in glyphs]
        out = [LatinGuess(None, 0.0, 0.0, {}) for _ in glyphs]
        live = [i for i, n in enumerate(norms) if n is not None]
        if not live:
            return out
        p = self._net.probabilities(_inked([norms[i] for i in live]))  # type: ignore[misc]
        for row, i in enumerate(live):
            order = np.argsort(p[row])[::-1]
            best, second = int(order[0]), int(order[1])
            out[i] = LatinGuess(LATIN[best], round(float(p[row, best]), 4),
                                round(float(p[row, best] - p[row, second]), 4),
                                {LATIN[j]: round(float(p[row, j]), 4) for j in order[:8]
                                 if p[row, j] >= 0.0001})
        return out


class CnnProvince:
    """The province classifier's interface (``province.ProvinceClassifier.classify``)."""

    def __init__(self, path: Path = PROVINCE_ONNX) -> None:
        self._net = _Net(path)

    def classify(self, glyph: np.ndarray) -> ProvinceGuess:
        norm = province.normalise(glyph)
        if norm is None:
            return ProvinceGuess(None, 1.0, 1.0)
        p = self._net.probabilities(_inked([norm]))[0]
        order = np.argsort(p)[::-1]
        best, second = int(order[0]), int(order[1])
        char = None if best == len(CN_PROVINCES) else CN_PROVINCES[best]
        return ProvinceGuess(char, round(float(p[best]), 4),
                             round(float(p[best] - p[second]), 4))


class Vetoed:
    """The k-NN Latin classifier with the CNN as a veto: a glyph the k-NN names at
    ``latin.TRUST`` or more that the CNN names as another character at ``VETO`` or more is
    returned with the two models' mean share for the k-NN's character (under ``TRUST``:
    never acted on); every other guess is the k-NN's own.

    Why a veto and not the CNN alone: read alone (round 19, v1) the CNN lost frames the k-NN
    reads, though it names more glyphs right; as a veto it kept every right name the k-NN
    made at 0.8 on glyphs cut from the tuning seeds' frames and dropped 7 of 65 wrong ones
    (check seeds: 20 of 51).
    """

    def __init__(self, knn: latin.LatinClassifier, cnn: CnnLatin, *, fill: bool = False) -> None:
        self._knn, self._cnn, self._fill = knn, cnn, fill

    def classify(self, glyphs: list[np.ndarray]) -> list[LatinGuess]:
        out = self._knn.classify(glyphs)
        asked = [i for i, g in enumerate(out) if g.char is not None
                 and (self._fill or g.confidence >= latin.TRUST)]
        if not asked:
            return out
        second = self._cnn.classify([glyphs[i] for i in asked])
        for i, c in zip(asked, second, strict=True):
            g = out[i]
            if c.char is None or c.confidence < VETO:
                continue
            if g.confidence < latin.TRUST:  # fill: the k-NN unsure, the CNN sure
                out[i] = c
            elif c.char != g.char:
                conf = round((g.confidence + c.shares.get(g.char or "", 0.0)) / 2, 4)
                out[i] = LatinGuess(g.char, conf, min(g.margin, conf), g.shares)
        return out


def latin_classifier(fallback: Callable[[], latin.LatinClassifier]) -> Any:
    """The Latin classifier the reader uses: the CNN where its model is installed, else
    ``fallback()`` (the k-NN, trained from fonts)."""
    if LATIN_ONNX.exists():
        return Vetoed(fallback(), CnnLatin(), fill=True)
    return fallback()
