"""A classifier for the plate alphabet's Latin glyphs (A-Z without I and O, 0-9): a second
look at the characters Tesseract's eng LSTM names (docs/reader-journal.md, round 14).

Why: on a Chinese tail every slot takes a letter or a digit, so the grammar cannot correct
eng's look-alikes by position (桂J0388V read 桂E0388V, 云T7U75T read 云ETU75T, 贵V66S44 read
贵V66544 on main's easy frames), and the shape judges (``zeros.py``, ``lookalikes.py``)
cover a few pairs only. The same approach as the province glyph (``province.py``): HOG and
distance-weighted k nearest neighbours, trained at start-up on glyphs rendered from fonts
the scene generator does NOT draw with (``smartgate/scenes/plates.py``: DejaVu, Noto), so
what it gets right on generated frames is cross-font.

Smaller than the province's: a Latin glyph is about twice as tall as wide, so it is fitted
into a 32 x 20 box (aspect kept: a 1 stays narrow), HOG of 4 px cells (1008 values) is
projected on its first ``AXES`` principal axes, and every glyph of a plate is compared with
every training row in one ``cv2.batchDistance`` call (exact neighbours in the projection).
Input is what the reader has: the segmentation's binary blob of a character, so the
training glyphs are binarised too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import ImageFont

from edge.reader import modelcache
from edge.reader.base import Frame
from edge.reader.glyphs import LATIN, RENDER_SIZE, augment, render
from edge.reader.inkmemo import Memo
from edge.reader.province import check_image, features, ink_box

log = logging.getLogger(__name__)

#: Training fonts: sans faces, regular to bold, plain and condensed; none the generator uses.
FONT_FILES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/fonts/truetype/open-sans/OpenSans-Semibold.ttf",
    "/usr/share/fonts/truetype/open-sans/OpenSans-CondBold.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Regular.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
#: Bump when the training data or the features change: a cache of an older version is redone.
VERSION = 1
HEIGHT, WIDTH = 32, 20
K = 7
#: Principal axes kept of the 1008 HOG values.
AXES = 48
#: Glyphs whose guesses are kept (``LatinClassifier.classify``): a frame's reads name a few
#: dozen (a hard frame's many crops a few hundred); the oldest go first.
GLYPHS_KEPT = 512
#: Least vote share at which the classifier's character may replace eng's (``reread``): on
#: the tuning seeds' reads, at 0.7 it also replaced 7 right characters (at 0.70-0.73).
TRUST = 0.8
#: Least LSTM confidence of eng's runner-up: a runner-up at ~0 is no hesitation, and where
#: eng named a hard frame's W (runner-up V at 0.0) the glyph had broken into two V's.
RUNNER_UP = 0.05


@dataclass(frozen=True, slots=True)
class LatinGuess:
    char: str | None  # a plate character, or None for a blank crop
    confidence: float  # 0..1: the winner's share of the neighbours' weighted votes
    margin: float  # the winner's share minus the runner-up's
    shares: dict[str, float]  # every character with a vote, its share


#: A batch classifier (``LatinClassifier.classify``); tests script one.
Classify = Callable[[list[np.ndarray]], list[LatinGuess]]


def available_fonts() -> list[str]:
    return [f for f in FONT_FILES if os.path.exists(f)]


def normalise(glyph: np.ndarray) -> np.ndarray | None:
    """The glyph (dark ink on light) cropped to its ink and fitted, aspect kept, into a
    ``HEIGHT`` x ``WIDTH`` white box; ``None`` when it has no ink or no contrast."""
    g = check_image(glyph)
    if int(g.max()) - int(g.min()) < 24:
        return None
    _, mask = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    box = ink_box(stats, max(3, int(0.01 * int(stats[1:, 4].max()))) if n > 1 else 0)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    ink = np.where(mask[y0:y1, x0:x1] > 0, 0, 255).astype(np.uint8)
    h, w = ink.shape
    scale = min((HEIGHT - 2) / h, (WIDTH - 2) / w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = cv2.resize(ink, (nw, nh), interpolation=cv2.INTER_AREA)
    out = np.full((HEIGHT, WIDTH), 255, np.uint8)
    top, left = (HEIGHT - nh) // 2, (WIDTH - nw) // 2
    out[top:top + nh, left:left + nw] = small
    return out


def blob_image(blob: np.ndarray) -> np.ndarray:
    """A 0/1 ink blob (``rowcut.glyphs_at``) as dark ink on white with a margin."""
    img = np.where(np.asarray(blob) > 0, 0, 255).astype(np.uint8)
    return np.asarray(cv2.copyMakeBorder(img, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=255),
                      np.uint8)


def box_image(binary: Frame, box: tuple[int, int, int, int]) -> np.ndarray:
    """The ink in ``box`` (x, y, w, h) of a dark-on-light row image, as ``blob_image``."""
    x, y, w, h = box
    return blob_image(np.asarray(binary[y:y + h, x:x + w] < 128, np.uint8))


def guesses(images: list[np.ndarray], classify: Classify | None = None
            ) -> list[LatinGuess] | None:
    """The classifier's guesses for ``images`` (``classify``: a scripted one in tests);
    ``None`` where there is no classifier (no training fonts installed, said once by
    ``shared``), so the caller keeps eng's read as it is."""
    try:
        return (classify or shared().classify)(images)
    except RuntimeError:
        return None


def training_set(fonts: list[str], per_font: int, seed: int
                 ) -> tuple[list[np.ndarray], list[int]]:
    """Augmented, binarised renders of every plate character in ``fonts`` (label: index
    in ``LATIN``), as the segmentation's masks show the reader's characters."""
    rng = random.Random(seed)
    norms: list[np.ndarray] = []
    labels: list[int] = []
    for path in fonts:
        font = ImageFont.truetype(path, RENDER_SIZE)
        for label, ch in enumerate(LATIN):
            clean = render(ch, font)
            for _ in range(per_font):
                g = cv2.GaussianBlur(augment(clean, rng), (3, 3), 0)
                _, binary = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
                norm = normalise(np.asarray(binary, np.uint8))
                if norm is not None:
                    norms.append(norm)
                    labels.append(label)
    return norms, labels


class LatinClassifier:
    """HOG + k-NN over rendered plate characters; ``classify`` takes a plate's glyphs at once.

    Trained once per process (:func:`shared`).
    """

    def __init__(self, *, fonts: list[str] | None = None, per_font: int = 16,
                 seed: int = 11, cache: str | Path | None = None) -> None:
        fonts = available_fonts() if fonts is None else fonts
        if not fonts:
            raise RuntimeError("no Latin training fonts installed (scripts/system-deps.sh)")
        key = f"latin-v{VERSION}-{per_font}-{seed}-{HEIGHT}x{WIDTH}-{AXES}-{','.join(fonts)}"
        model = modelcache.load(cache, key)
        if model is not None and {"mean", "axes", "x", "y"} <= model.keys():
            self._mean = np.asarray(model["mean"], np.float32)
            self._axes = np.ascontiguousarray(model["axes"], np.float32)
            self._x = np.ascontiguousarray(model["x"], np.float32)
            self._y = np.asarray(model["y"], np.int64)
        else:
            norms, labels = training_set(fonts, per_font, seed)
            x = features(np.stack(norms))
            self._mean = x.mean(axis=0)
            _, vecs = np.linalg.eigh(np.cov((x - self._mean).T))
            self._axes = np.ascontiguousarray(vecs[:, ::-1][:, :AXES].T, np.float32)
            self._x = self._project(x)
            self._y = np.asarray(labels, np.int64)
            modelcache.save(cache, key, mean=self._mean, axes=self._axes, x=self._x, y=self._y)
        self.size = len(self._y)
        #: Each glyph's guess by its bytes (round 28): a frame's rules ask overlapping
        #: batches of the same glyphs; a guess does not depend on the batch it came in.
        self._glyphs = Memo(GLYPHS_KEPT)

    def _project(self, f: np.ndarray) -> np.ndarray:
        # einsum, not @: OpenBLAS's threads spin on a pinned core (nearest.py).
        return np.ascontiguousarray(np.einsum("ij,kj->ik", f - self._mean, self._axes),
                                    np.float32)

    def classify(self, glyphs: list[np.ndarray]) -> list[LatinGuess]:
        """Each glyph's character (grey or binary crops, dark ink on light), in one batch.
        Raises ``ValueError`` for a glyph that is not a 2-D uint8 image (``check_image``).
        A glyph asked again (a frame's rules revisit its reads' glyphs, in batches that
        overlap: ``disputes``, ``vouch``, ``wholevouch``, ``cnvouch``) is answered as before
        without the neighbours' search (``inkmemo.Memo.each``): exact, each glyph's guess is
        computed from that glyph alone (HOG, projection and k-NN row by row)."""
        return self._glyphs.each([check_image(g) for g in glyphs],
                                 lambda todo: self._classified([glyphs[i] for i in todo]))

    def _classified(self, glyphs: list[np.ndarray]) -> list[LatinGuess]:
        norms = [normalise(g) for g in glyphs]
        out: list[LatinGuess] = [LatinGuess(None, 0.0, 0.0, {}) for _ in glyphs]
        live = [i for i, n in enumerate(norms) if n is not None]
        if not live:
            return out
        q = self._project(features(np.stack([norms[i] for i in live])))  # type: ignore[misc]
        dist, idx = cv2.batchDistance(q, self._x, cv2.CV_32F, normType=cv2.NORM_L2, K=K)
        w = 1.0 / (dist + 1e-3)
        for row, i in enumerate(live):
            votes = np.bincount(self._y[idx[row]], weights=w[row], minlength=len(LATIN))
            share = votes / votes.sum()
            order = np.argsort(share)[::-1]
            best, second = int(order[0]), int(order[1])
            out[i] = LatinGuess(LATIN[best], round(float(share[best]), 4),
                                round(float(share[best] - share[second]), 4),
                                {LATIN[j]: round(float(share[j]), 4) for j in order
                                 if share[j] > 0})
        return out


_shared: LatinClassifier | None = None
_missing = ""  # why the classifier could not be trained, once known
_lock = threading.Lock()


def shared(cache: str | Path | None = None) -> LatinClassifier:
    """The process's classifier, trained (or loaded from ``cache``) on first use and kept."""
    global _shared, _missing
    with _lock:
        if _shared is None:
            if _missing:
                raise RuntimeError(_missing)
            try:
                _shared = LatinClassifier(cache=cache)
            except RuntimeError as exc:  # said once: the lane reads on, with eng's reads
                _missing = str(exc)
                log.warning("Latin glyph classifier off: %s", exc)
                raise
        return _shared


def _warm(cache: str | Path | None) -> None:
    with contextlib.suppress(RuntimeError):  # logged by shared(); reads go on without it
        shared(cache)


def warm_up(cache: str | Path | None = None) -> threading.Thread:
    """Train the shared classifier in the background, now (as ``province.warm_up``): the
    first plate a lane reads need not wait ~3 s for it; ``cache`` (a ``.npz`` path in the
    lane's data folder) makes restarts cheap (``modelcache``)."""
    thread = threading.Thread(target=_warm, args=(cache,), name="latin-warm-up", daemon=True)
    thread.start()
    return thread
