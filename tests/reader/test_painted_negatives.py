"""Plate-free frames whose painted lettering was read as a Chinese plate (round 26, neg26).

Why: a false read on a plate-free frame can match a declared trip and open a lane; the
issue's target is 0 plates on plate-free frames. Seed 7001's hard negative 113 is a truck
rear with "LOGISTICS" painted top-left and no plate: main read it 鲁LGSFES at 0.45 through
the deblur stage (one deblurred crop of the word, chi_sim naming 鲁 on two junk letters,
eng reading the rest as a Chinese tail, two preprocessings agreeing at 0.48 > deblur.CAP).
"""

from __future__ import annotations

import random

import numpy as np

from edge.reader import make_reader, platecolour
from smartgate.scenes import render_negative


def _negative(seed: int, index: int) -> object:
    """The ``index``-th plate-free frame of ``seed``, drawn as bench/ocr.py draws them."""
    rng = random.Random(seed)
    img = None
    for i in range(index + 1):
        img = render_negative(rng, "hard" if i % 2 else "easy")
    return img


def test_painted_logistics_reads_nothing() -> None:
    got = make_reader(engine="resident").read(_negative(7001, 113))  # type: ignore[arg-type]
    assert got.plate is None


def test_painted_lettering_has_no_plate_colour() -> None:
    frame = np.full((60, 200, 3), 128, np.uint8)  # grey truck paint
    frame[20:40, 20:180] = (30, 30, 120)  # dark red letters' box (BGR)
    assert not platecolour.plate_coloured(frame, (10, 10, 180, 40))
    frame[15:45, 40:160] = (200, 70, 20)  # a blue plate (BGR) in the box
    assert platecolour.plate_coloured(frame, (10, 10, 180, 40))


def test_grey_frames_are_not_judged() -> None:
    assert platecolour.plate_coloured(np.full((60, 200), 128, np.uint8), (10, 10, 180, 40))
