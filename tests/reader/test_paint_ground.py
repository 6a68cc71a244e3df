"""Plate-free frames whose painted words or grille read as Chinese plates (round 27, neg27).

Why: a false read on a plate-free frame can match a declared trip; the plate-colour test of
round 26 cannot refuse lettering on blue or green paint. Seed 7008's hard negative 82 is a
grey truck with "CHUYEN TUYEN" painted on it: main read 川NTUYEN at 0.67 (the paint runs on
past the word). Seed 7013's hard negative 51 is a grille of 18 bars read 川TNNAUN at 0.45
(more characters than any plate row).
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from edge.reader import make_reader, painted
from smartgate.scenes import render_negative


def _negative(seed: int, index: int) -> np.ndarray:
    """The ``index``-th plate-free frame of ``seed``, drawn as bench/ocr.py draws them."""
    rng = random.Random(seed)
    img = None
    for i in range(index + 1):
        img = render_negative(rng, "hard" if i % 2 else "easy")
    assert img is not None
    return img


@pytest.mark.parametrize(("seed", "index"), [(7008, 82), (7013, 51)])
def test_lettering_on_paint_reads_nothing(seed: int, index: int) -> None:
    assert make_reader(engine="resident").read(_negative(seed, index)).plate is None


def _scene(plate_ground: bool) -> np.ndarray:
    """White letters on blue: on a bounded plate (bumper round it) or on blue paint."""
    frame = np.full((200, 600, 3), (35, 35, 35) if plate_ground else (150, 60, 20), np.uint8)
    frame[60:140, 200:420] = (150, 60, 20)
    frame[62:138, 202:418] = (240, 240, 240) if plate_ground else (150, 60, 20)  # border
    frame[66:134, 206:414] = (150, 60, 20)
    for i in range(7):
        x = 218 + i * 27
        frame[75:125, x:x + 14] = (240, 240, 240)
    return frame


def test_ground_runs_on_past_painted_letters_only() -> None:
    quad = np.array([[205, 65], [415, 65], [415, 135], [205, 135]], np.float32)
    plate = painted.measure(_scene(True), quad)
    paint = painted.measure(_scene(False), quad)
    assert plate is not None and paint is not None
    assert max(plate.left, plate.right) < painted.PAINTED
    assert min(paint.left, paint.right) >= painted.PAINTED
    assert not painted.on_paint(_scene(True), quad) and painted.on_paint(_scene(False), quad)


def test_grey_frames_are_not_judged() -> None:
    grey = np.full((200, 600), 128, np.uint8)
    assert painted.measure(grey, np.array([[0, 0], [99, 0], [99, 49], [0, 49]], np.float32)) is None
