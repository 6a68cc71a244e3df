"""A green plate is a Chinese new-energy plate: never read as VN, nor as a 7-character
Chinese plate (``edge.reader.greenplate``, round 27)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from edge.reader import make_reader
from edge.reader.base import ACT
from edge.reader.cntails import one_row
from edge.reader.greenplate import green, new_energy
from smartgate.scenes import random_plate, render_frame


def _crop(bgr: tuple[int, int, int], rows_green: float = 0.0) -> np.ndarray:
    crop = np.full((60, 240, 3), bgr, np.uint8)
    crop[: int(60 * rows_green)] = (140, 210, 120)  # plate green (BGR) on the top rows
    return crop


@pytest.mark.parametrize(("crop", "want"), [
    (_crop((140, 210, 120)), True),  # a new-energy plate's green
    (_crop((255, 255, 255), rows_green=0.3), True),  # its gradient's green top
    (_crop((20, 200, 245)), False),  # a VN yellow plate
    (_crop((235, 240, 240)), False),  # a VN white plate
    (_crop((165, 70, 25)), False),  # a VN or Chinese blue plate
    (_crop((255, 255, 255), rows_green=0.1), False),  # a little green (a truck's paint)
    (_crop((20, 200, 245), rows_green=0.3), False),  # a loose crop: a yellow plate, a green truck
    (np.full((60, 240), 128, np.uint8), False),  # grey: no colour to judge
])
def test_green(crop: np.ndarray, want: bool) -> None:
    assert green(crop) is want


def test_new_energy() -> None:
    assert new_energy("桂QF78786") and new_energy("贵X11170F")
    assert not new_energy("桂F78786") and not new_energy("27F15674")


def test_a_green_row_keeps_only_new_energy_tails() -> None:
    # eng's '40-F78786' on 桂QF78786's plate: its letter trimmed as junk makes 桂F78786.
    plain = one_row("桂", "桂QF78786", "40F78786", 0.9)
    assert plain is not None and plain[0].plate == "桂F78786"  # the premise
    got = one_row("桂", "桂QF78786", "40F78786", 0.9, green=True)
    assert got is not None and got[0].plate == "桂QF78786"


def _scene(frame: int, truth: str) -> np.ndarray:
    rng = random.Random(frame)
    plate = random_plate(rng, country="CN", layout="1-line")
    scene = render_frame(plate=plate, layout="1-line", difficulty="easy", rng=rng)
    assert scene.plate == truth
    return scene.image


def test_the_new_energy_frame_is_not_read_as_vn() -> None:
    # Scan seed 5434 (round 26): read 27F15674 at 0.91, two preprocessings agreeing.
    got = make_reader(engine="resident").read(_scene(543416427, "贵ZF15674"))
    assert got.plate == "贵ZF15674" and got.confidence >= ACT


def test_the_other_new_energy_frame_keeps_its_letter() -> None:
    # Scan seed 5430: read 40F78786 at 0.70; a VN read refused alone, eng's tail made 桂F78786.
    got = make_reader(engine="resident").read(_scene(543016447, "桂QF78786"))
    assert got.plate == "桂QF78786"
