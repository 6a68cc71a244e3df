"""The evened look's grey (``contrast.flattened``) is byte for byte the float32 expression it
replaced (round 23, speed): the segmentation's rows, and so every read, stay as they were."""

from __future__ import annotations

import cv2
import numpy as np

from edge.reader import segment as seg
from edge.reader.contrast import flattened


def _reference(g: np.ndarray) -> np.ndarray:
    """The evened grey as ``segment._masks`` computed it before round 23."""
    background = cv2.morphologyEx(g, cv2.MORPH_CLOSE, seg._FLAT_KERNEL).astype(np.float32)
    return np.clip(g.astype(np.float32) * 255.0 / np.maximum(background, 1.0), 0,
                   255).astype(np.uint8)


def _images() -> list[np.ndarray]:
    rng = np.random.default_rng(23)
    out = [rng.integers(0, 256, (120, 400), np.uint8) for _ in range(20)]
    out += [rng.integers(0, 3, (120, 180), np.uint8),  # a dark crop: backgrounds of 0 and 1
            np.zeros((120, 300), np.uint8), np.full((120, 300), 255, np.uint8)]
    # A plate-like row: dark strokes on a light ground lit unevenly from one end.
    plate = np.full((120, 560), 210, np.uint8)
    for i in range(8):
        cv2.putText(plate, "8", (30 + 64 * i, 90), cv2.FONT_HERSHEY_SIMPLEX, 2.5, 40, 8)
    ramp = np.linspace(0.35, 1.0, 560, dtype=np.float32)[None, :]
    out.append((plate.astype(np.float32) * ramp).astype(np.uint8))
    out += [255 - g for g in out]  # the light-text polarity, as _masks passes it
    return out


def test_flattened_is_the_float_expression_byte_for_byte() -> None:
    for g in _images():
        got = flattened(g, seg._FLAT_KERNEL)
        assert got.dtype == np.uint8 and got.shape == g.shape
        assert np.array_equal(got, _reference(g))


def test_flat_masks_threshold_the_flattened_grey() -> None:
    gray = _images()[-1]
    for (g, _, _), dark in zip(seg._masks(gray, flat=True), (True, False), strict=True):
        assert np.array_equal(g, _reference(gray if dark else 255 - gray))
