"""The province classifier's neighbour search (``nearest.Nearest``) finds what a full
``cv2.batchDistance`` finds, the same distances and rows in the same order (round 13, speed):
exact by its lower bound, checked here on data with ties and near-duplicates."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge.reader.nearest import Nearest


def _rows(n: int = 700, dims: int = 96, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1, (12, dims))
    x = centres[rng.integers(0, 12, n)] + rng.normal(0, 0.6, (n, dims))
    x[50:60] = x[40:50]  # duplicate rows: equal distances, broken by row as batchDistance does
    return np.asarray(np.abs(x), np.float32)


def _full(x: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    return cv2.batchDistance(q, x, cv2.CV_32F, normType=cv2.NORM_L2, K=k)


@pytest.mark.parametrize("axes", [4, 24, 96])
def test_same_neighbours_as_batch_distance(axes: int) -> None:
    x = _rows()
    index = Nearest(x, axes=axes)
    rng = np.random.default_rng(9)
    queries = [x[45], x[55], x[300] + np.float32(0.01), np.abs(rng.normal(0, 1, x.shape[1]))]
    queries += [x[i] + rng.normal(0, 0.3, x.shape[1]) for i in rng.integers(0, len(x), 40)]
    for q in queries:
        q32 = np.asarray(q, np.float32).reshape(1, -1)
        want, got = _full(x, q32, 9), index.search(q32, 9)
        assert got[0].dtype == want[0].dtype and got[1].dtype == want[1].dtype
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_bound_never_above_the_distance() -> None:
    x = _rows()
    index = Nearest(x, axes=16)
    q = np.abs(np.random.default_rng(1).normal(0, 1, (1, x.shape[1]))).astype(np.float32)
    true = np.linalg.norm(x.astype(np.float64) - q.astype(np.float64), axis=1)
    assert (index.bounds(q) <= true + 1e-9).all()


def test_fewer_rows_than_neighbours() -> None:
    x = _rows(n=6)
    q = x[2:3] + np.float32(0.1)
    want, got = _full(x, q, 9), Nearest(x, axes=4).search(q, 9)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
