"""A small dedicated classifier for the Chinese province glyph (31 classes plus reject).

Why not Tesseract: Debian's chi_sim is a 'fast' integer model that reads only ~70 % of
*clean* isolated province glyphs (渝 冀 豫 赣 鄂 甘 晋 陕 藏 黑 闽 粤 沪 come back empty or as
another character, 川 as J), which capped Chinese-plate accuracy. The province is a closed
set of 31 glyphs, so production Chinese LPR classifies it directly; here HOG features and
k-nearest neighbours (OpenCV only) trained at start-up on glyphs rendered from fonts the
scene generator does not use (``edge/reader/glyphs.py``).

Why k-NN: the OpenCV 5 wheels this project installs have no ``ml`` module (no SVM, no
KNearest) and no ``HOGDescriptor``, so HOG is computed in numpy and the neighbours found by
``cv2.batchDistance``; k-NN needs no training beyond rendering, and its distance-weighted
votes give a confidence and a margin (an SVM gives a label). Not compared with an SVM here.
The neighbours are found exactly but without reading every training row (``nearest.py``).
A reject class (Latin letters and digits alone and in pairs, fragments, noise, bars, screws)
makes a non-province blob come back as ``None`` or with low confidence.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from domain.plates import CN_PROVINCES
from edge.reader import modelcache
from edge.reader.glyphs import available_fonts, training_set
from edge.reader.nearest import Nearest

log = logging.getLogger(__name__)

SIZE = 32
K = 9
REJECT = len(CN_PROVINCES)
CELL = 4
BINS = 9
#: Bump when the training data or the features change: a cache of an older version is redone.
VERSION = 3


@dataclass(frozen=True, slots=True)
class ProvinceGuess:
    char: str | None  # a province character, or None for "not a province glyph"
    confidence: float  # 0..1: the winner's share of the neighbours' weighted votes
    margin: float  # the winner's share minus the runner-up's (0..1)


def check_image(glyph: object) -> np.ndarray:
    """The image as 2-D grey uint8 (BGR converted), or ``ValueError`` saying what is wrong:
    a bad crop from upstream must fail loudly, not read as a province."""
    if not isinstance(glyph, np.ndarray):
        raise ValueError(f"glyph must be a numpy array, not {type(glyph).__name__}")
    if glyph.dtype != np.uint8:
        raise ValueError(f"glyph must be uint8 grey (dark ink on light), not {glyph.dtype}")
    if glyph.ndim == 3 and glyph.shape[2] == 3:
        glyph = cv2.cvtColor(glyph, cv2.COLOR_BGR2GRAY)
    if glyph.ndim != 2:
        raise ValueError(f"glyph must be a 2-D grey image, got shape {glyph.shape}")
    if glyph.shape[0] < 4 or glyph.shape[1] < 2:
        raise ValueError(f"glyph is empty or too small: shape {glyph.shape}")
    return glyph


def ink_box(stats: np.ndarray, min_area: int) -> tuple[int, int, int, int] | None:
    """The box (x0, y0, x1, y1) around a glyph's ink components of ``min_area`` or more
    (``stats`` of ``cv2.connectedComponentsWithStats``, background first): specks and
    dust left out. ``None`` when no component is that large."""
    keep = [s for s in stats[1:] if s[4] >= min_area]
    if not keep:
        return None
    return (min(int(s[0]) for s in keep), min(int(s[1]) for s in keep),
            max(int(s[0] + s[2]) for s in keep), max(int(s[1] + s[3]) for s in keep))


def normalise(glyph: np.ndarray) -> np.ndarray | None:
    """The glyph cropped to its ink (small margin), padded to a square, ``SIZE`` px a side.

    Returns ``None`` for a blank crop (no contrast: nothing to classify). The aspect ratio is
    kept (padding, not stretching), so a bar or a fragment does not look like a full glyph.
    Not polarity-invariant: the reader hands over dark ink on light.
    """
    g = check_image(glyph)
    cum = np.bincount(g.ravel(), minlength=256).cumsum()  # 1st/99th percentile, fast
    lo, hi = (int(np.searchsorted(cum, q * g.size)) for q in (0.01, 0.99))
    if hi - lo < 24:
        return None
    g = np.clip((g.astype(np.float32) - lo) * 255.0 / (hi - lo), 0, 255).astype(np.uint8)
    _, mask = cv2.threshold(cv2.GaussianBlur(g, (3, 3), 0), 0, 255,
                            cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    box = ink_box(stats, max(3, int(0.004 * g.size)))
    if box is None:
        return None
    x0, y0, x1, y1 = box
    side = max(x1 - x0, y1 - y0)
    m = max(1, int(0.06 * side))
    crop = g[max(0, y0 - m):y1 + m, max(0, x0 - m):x1 + m]
    h, w = crop.shape
    s = max(h, w)
    top, left = (s - h) // 2, (s - w) // 2
    square = cv2.copyMakeBorder(crop, top, s - h - top, left, s - w - left,
                                cv2.BORDER_CONSTANT, value=255)
    return np.asarray(cv2.resize(square, (SIZE, SIZE), interpolation=cv2.INTER_AREA), np.uint8)


def features(norms: np.ndarray) -> np.ndarray:
    """HOG of normalised glyphs (``(N, H, W)`` or one ``(H, W)``, sides multiples of ``CELL``;
    the province's are ``SIZE`` square, ``latin.py``'s 32 x 20), one row each.

    Stroke directions per cell, robust to ink level and blur. Dalal-Triggs layout (4 px
    cells on the 32 px glyph, 9 unsigned orientation bins split linearly between the two
    nearest, 2x2-cell blocks at a 1-cell stride, L2-Hys). Computed here in numpy, batched,
    because the OpenCV 5 wheels this project installs dropped ``HOGDescriptor`` and ``ml``;
    4 px cells beat 8 px ones by 3-5 points on generator glyphs (bench/province.py sweep).
    """
    f = np.asarray(norms, np.float32)
    if f.ndim == 2:
        f = f[None]
    p = np.pad(f, ((0, 0), (1, 1), (1, 1)), mode="reflect")
    gx = p[:, 1:-1, 2:] - p[:, 1:-1, :-2]
    gy = p[:, 2:, 1:-1] - p[:, :-2, 1:-1]
    mag = np.hypot(gx, gy)
    pos = (np.degrees(np.arctan2(gy, gx)) % 180.0) / (180.0 / BINS) - 0.5
    lo = np.floor(pos)
    frac = pos - lo
    lo_bin = lo.astype(np.int64) % BINS
    hi_bin = (lo_bin + 1) % BINS
    n, rows, cols = len(f), f.shape[1] // CELL, f.shape[2] // CELL
    # Index of each pixel's (sample, cell row, cell column) bin group, then one bincount per
    # neighbouring orientation bin: one pass over the pixels instead of one per bin.
    group = ((np.arange(n)[:, None, None] * rows + (np.arange(f.shape[1]) // CELL)[None, :, None])
             * cols + (np.arange(f.shape[2]) // CELL)[None, None, :]) * BINS
    size = n * rows * cols * BINS
    hist = (np.bincount((group + lo_bin).ravel(), (mag * (1.0 - frac)).ravel(), size)
            + np.bincount((group + hi_bin).ravel(), (mag * frac).ravel(), size))
    hist = hist.reshape(n, rows, cols, BINS).astype(np.float32)
    blocks = np.concatenate([hist[:, :-1, :-1], hist[:, :-1, 1:], hist[:, 1:, :-1],
                             hist[:, 1:, 1:]], axis=-1)  # (n, cells-1, cells-1, 4*BINS)
    blocks /= np.linalg.norm(blocks, axis=-1, keepdims=True) + 1e-6
    blocks = np.minimum(blocks, 0.2)
    blocks /= np.linalg.norm(blocks, axis=-1, keepdims=True) + 1e-6
    return np.asarray(blocks.reshape(n, -1), np.float32)


class ProvinceClassifier:
    """HOG + k-NN over rendered, augmented province glyphs and rejects.

    Build once per process (:func:`shared`); training takes 2.5-3.4 s CPU on one core of the
    loaded 2-core dev box (``train_cpu_ms`` in bench/province.py). ``cache`` (a ``.npz``
    path) skips rendering on later start-ups.
    """

    def __init__(self, *, cache: str | Path | None = None, per_font: int = 14,
                 seed: int = 7) -> None:
        samples, labels = self._load(cache, per_font, seed)
        self._x, self._y = samples, labels
        self._nearest = Nearest(samples)  # batchDistance's neighbours, fewer rows read
        self.size = len(labels)

    @staticmethod
    def _load(cache: str | Path | None, per_font: int, seed: int
              ) -> tuple[np.ndarray, np.ndarray]:
        key = f"v{VERSION}-{per_font}-{seed}-{SIZE}-{CELL}-{BINS}-{','.join(available_fonts())}"
        cached = modelcache.load(cache, key)
        if cached is not None and {"x", "y"} <= cached.keys():
            return np.asarray(cached["x"], np.float32), np.asarray(cached["y"], np.int32)
        if not available_fonts():
            raise RuntimeError("no training fonts installed (scripts/system-deps.sh installs "
                               "fonts-wqy-zenhei, fonts-wqy-microhei, fonts-arphic-ukai/uming)")
        norms: list[np.ndarray] = []
        ys: list[int] = []
        for glyph, label in training_set(per_font=per_font, seed=seed):
            norm = normalise(glyph)
            if norm is not None:
                norms.append(norm)
                ys.append(label)
        x, y = features(np.stack(norms)), np.asarray(ys, np.int32)
        modelcache.save(cache, key, x=x, y=y)
        return x, y

    def classify(self, glyph: np.ndarray) -> ProvinceGuess:
        """The province in a grey glyph crop (dark ink on light), or ``None`` with a reject's
        confidence. Raises ``ValueError`` for an empty, non-uint8 or non-image input."""
        norm = normalise(glyph)
        if norm is None:
            return ProvinceGuess(None, 1.0, 1.0)
        sample = features(norm)
        # The same neighbours and distances as cv2.batchDistance(sample, self._x, cv2.CV_32F,
        # normType=cv2.NORM_L2, K=K), measuring only the rows a lower bound leaves (nearest.py).
        dist, idx = self._nearest.search(sample, K)
        # Nearer neighbours count more; a tie between two classes shows as a small margin.
        w = 1.0 / (dist.ravel() + 1e-3)
        neigh = self._y[idx.ravel()]
        votes = np.bincount(neigh.astype(np.int64), weights=w, minlength=REJECT + 1)
        share = votes / votes.sum()
        order = np.argsort(share)[::-1]
        best, second = int(order[0]), int(order[1])
        char = None if best == REJECT else CN_PROVINCES[best]
        return ProvinceGuess(char, round(float(share[best]), 4),
                             round(float(share[best] - share[second]), 4))


_shared: ProvinceClassifier | None = None
_lock = threading.Lock()


def shared(cache: str | Path | None = None) -> ProvinceClassifier:
    """The process's classifier, trained on first use and kept."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = ProvinceClassifier(cache=cache)
        return _shared


def warm_up(cache: str | Path | None = None) -> threading.Thread:
    """Train (or load from ``cache``) the shared classifier in the background, now.

    Why: trained lazily, the first Chinese truck a lane sees would wait ~3 s for its read;
    a lane starts this when it starts, and a cache file in its data folder makes restarts
    cheap. A read that arrives meanwhile waits on the same lock (never trains twice).
    """
    def run() -> None:
        try:
            shared(cache)
        except Exception:  # no training fonts: the reader works on, without the classifier
            log.exception("province classifier not trained")

    thread = threading.Thread(target=run, name="province-warm-up", daemon=True)
    thread.start()
    return thread
