"""Exact k nearest neighbours by Euclidean distance, without reading every training row.

Why: the province classifier (``edge.reader.province``) compared each glyph cut with all of
its ~3060 training rows of 1764 HOG values (``cv2.batchDistance``, ~21.6 MB of float32 read
per cut, bound by memory: ~0.9 ms a cut on a quiet core, more on a loaded one), and a frame
of a Chinese plate classifies 2-6 cuts. Most rows are far from any glyph; a cheap lower
bound on each row's distance rules them out, and ``cv2.batchDistance`` then measures only
the rows left.

Exact, not approximate: the bound never exceeds a row's true distance, and a row is dropped
only when its bound is above the k-th distance measured (with a slack far above float
rounding); ``cv2.batchDistance`` computes each pair's distance on its own, so the rows left
get the very distances the full call gives, and the k chosen are ordered as it orders them
(by distance, ties by row: it keeps the earlier row of two equal distances).

The bound: the training rows and the query are projected on the training set's principal
axes (orthonormal) and the rest of each vector is kept as its length. For the difference d
of two vectors, |d|^2 = |P d|^2 + |R d|^2 and |R d| >= | |R a| - |R b| | (the triangle
inequality in the axes' complement), so ``sqrt(|P a - P b|^2 + (|R a| - |R b|)^2) <= |a - b|``.
HOG rows are spread out (a glyph's 9th neighbour at ~5.1 where the median row is at ~7.1), so
a tight bound needs many axes (``AXES``). The bound is computed in float32 through one
matrix-vector product (``|a|^2 - 2 a.b + |b|^2``), whose rounding (~1e-5 here) is far under
``SAFE``, subtracted from it before it rules anything out.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Principal axes of the bound. Measured on 182 glyph cuts of seeds 555/1234 against the 3058
#: province rows (median rows left to measure / 90th percentile): 32 axes 2081 / 2977, 192
#: 122 / 1218, 320 36 / 373, 480 19 / 95; a search (one core, single-threaded BLAS) 0.47 ms
#: at 480 against 0.78 for ``batchDistance`` over every row, 0.56 at 320, 0.76 at 192.
AXES = 480
#: Rows measured first (the lowest bounds): their k-th distance rules the others out.
FIRST = 24
#: Subtracted from a squared bound (float32 rounding of the product form is ~1e-5 on these
#: rows, whose squared lengths are under 60), and the share of the k-th distance a bound
#: must exceed it by: a row is dropped only when it is certainly farther.
SAFE = 1e-3
#: Every this many rows are used to find the axes (a quarter: the axes only make the bound
#: tight, never wrong; all rows took ~4x longer at start-up).
AXES_STRIDE = 4


class Nearest:
    """The ``k`` nearest training rows of a query, as ``cv2.batchDistance(..., K=k)`` finds
    them (the same distances and indices), measuring only rows a lower bound cannot rule out.
    """

    def __init__(self, rows: np.ndarray, *, axes: int = AXES) -> None:
        x = np.ascontiguousarray(rows, np.float32)
        self._x = x
        self._mean = x.mean(axis=0, dtype=np.float64).astype(np.float32)
        centred = x - self._mean
        axes = min(axes, *x.shape)
        # The principal axes by a randomised range finder with one power step (seeded). Any
        # orthonormal axes keep the bound exact; good ones make it tight.
        some = centred[::AXES_STRIDE]
        probe = np.random.default_rng(0).standard_normal((x.shape[1], axes + 8))
        basis, _ = np.linalg.qr(some @ probe.astype(np.float32))
        basis, _ = np.linalg.qr(some @ (some.T @ basis))
        _, _, vt = np.linalg.svd(basis.T @ some, full_matrices=False)
        ortho, _ = np.linalg.qr(vt[:axes].T.astype(np.float64))  # orthonormal in float64
        self._axes = np.ascontiguousarray(ortho.T, np.float32)
        self._proj = np.ascontiguousarray(centred @ self._axes.T, np.float32)
        self._proj_sq = np.einsum("ij,ij->i", self._proj, self._proj)
        length = np.einsum("ij,ij->i", centred, centred)
        self._rest = np.sqrt(np.maximum(length - self._proj_sq, 0.0)).astype(np.float32)

    def bounds(self, query: np.ndarray) -> np.ndarray:
        """A lower bound on each training row's distance to ``query`` (one row).

        ``einsum``, not ``@``: numpy's ``@`` hands a product this size to OpenBLAS, whose
        worker threads, in a process pinned to one core (the edge's reader, the benchmark),
        share that core and spin between calls, and their CPU is the process's (measured:
        the benchmark's median frame 65 -> 86 ms CPU with ``@``).
        """
        q = np.asarray(query, np.float32).ravel() - self._mean
        p = np.einsum("ij,j->i", self._axes, q)
        p_sq = float(np.einsum("i,i->", p, p))
        rest = np.sqrt(max(float(np.einsum("i,i->", q, q)) - p_sq, 0.0))
        sq = (self._proj_sq - 2.0 * np.einsum("ij,j->i", self._proj, p) + p_sq
              + (self._rest - rest) ** 2)
        return np.sqrt(np.maximum(sq - SAFE, 0.0))

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Distances (float32) and indices (int32) of the ``k`` nearest rows, each ``(1, k)``,
        nearest first, ties by row; ``query`` one float32 row (``(1, D)``)."""
        q = np.ascontiguousarray(query, np.float32).reshape(1, -1)
        n = len(self._x)
        if n <= max(k, FIRST):
            return cv2.batchDistance(q, self._x, cv2.CV_32F, normType=cv2.NORM_L2, K=k)
        lower = self.bounds(q)
        start = np.sort(np.argpartition(lower, FIRST)[:FIRST])
        dist, _ = cv2.batchDistance(q, self._x[start], cv2.CV_32F, normType=cv2.NORM_L2, K=k)
        limit = float(dist[0, -1]) * (1 + SAFE) + SAFE
        # Sorted by row (flatnonzero), so ties fall as in batchDistance over all rows; the
        # first rows are among them (each bound is under its own distance, so under limit).
        rows = np.flatnonzero(lower <= limit)
        dist, idx = cv2.batchDistance(q, self._x[rows], cv2.CV_32F, normType=cv2.NORM_L2, K=k)
        return dist, rows[idx.ravel()].reshape(1, -1).astype(np.int32)
