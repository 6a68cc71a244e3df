"""A 1-row Chinese tail eng read one glyph short anywhere, the province's junk in its count
(``cnskip.refilled``, round 23: the hard 云WG0JBD read 云BWG0BD at 0.84, 云JF11332 read
云F11332 at 0.99): the skipped glyph named by the Latin classifier, the junk dropped; never
when eng read a character on every tail glyph, when two are skipped, when the classifier is
unsure, or when it names no letter for the series place.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from test_cn_letter import _read, _says
from test_cn_letter import _row as _letter_row

from edge.reader import cnskip, make_reader
from smartgate.scenes import random_plate, render_frame


def _row(tail: str, province: str = "云") -> tuple[np.ndarray, float, list[float]]:
    """``province`` then ``tail`` in one grey row: test_cn_letter's row, another tail."""
    return _letter_row(province=province, tail=tail)


def _skipping(tail: str, xs: list[float], *gaps: int) -> list[tuple[str, float]]:
    return [(c, x) for k, (c, x) in enumerate(zip(tail, xs, strict=True)) if k not in gaps]


def test_a_glyph_skipped_inside_the_tail_is_named_and_the_junk_dropped() -> None:
    row, mid, xs = _row("WG0JBD")
    got = cnskip.refilled(_read([("B", mid), *_skipping("WG0JBD", xs, 3)]), row, row,
                          _says("J"))
    assert got.text == "WG0JBD"  # main took the window 'BWG0BD': 云BWG0BD at 0.84
    assert got.margins[3] == 0.0  # named by its glyph, not by the LSTM: never sure alone
    assert abs(got.chars[3][2] - xs[3]) < 15


def test_a_new_energy_tail_short_of_its_letter_gets_it_back() -> None:
    row, mid, xs = _row("JF11332")
    read = _read([("3", mid), *_skipping("JF11332", xs, 0)])
    assert cnskip.refilled(read, row, row, _says("J")).text == "JF11332"
    assert cnskip.refilled(read, row, row, _says("1")) is read  # no letter for the series


def test_the_last_glyph_skipped_is_named_too() -> None:
    row, mid, xs = _row("A66UL1", province="川")
    got = cnskip.refilled(_read([("M", mid), *_skipping("A66UL1", xs, 5)]), row, row,
                          _says("1"))
    assert got.text == "A66UL1"


@pytest.mark.parametrize("gaps", [(), (1, 4)])
def test_every_glyph_read_or_two_skipped_change_nothing(gaps: tuple[int, ...]) -> None:
    row, mid, xs = _row("WG0JBD")
    read = _read([("B", mid), *_skipping("WG0JBD", xs, *gaps)])
    assert cnskip.refilled(read, row, row, _says("J")) is read


def test_an_unsure_glyph_changes_nothing() -> None:
    row, mid, xs = _row("WG0JBD")
    read = _read([("B", mid), *_skipping("WG0JBD", xs, 3)])
    assert cnskip.refilled(read, row, row, _says("J", 0.6)) is read


@pytest.mark.parametrize(("frame", "plate"), [(30136, "云WG0JBD"), (30118, "云JF11332")])
def test_the_hard_frames_read_their_plates(frame: int, plate: str) -> None:
    rng = random.Random(frame)  # extra CN hard frames (round 23); main read 云BWG0BD 0.84,
    truth = random_plate(rng, country="CN", layout="1-line")  # 云F11332 0.99
    scene = render_frame(plate=truth, layout="1-line", difficulty="hard", rng=rng)
    assert scene.plate == plate
    assert make_reader(engine="resident").read(scene.image).plate == plate


def test_a_letter_placed_on_the_province_and_named_so_is_no_fill() -> None:
    # The hard 贵S43962D: eng's S sat nearer the province's column than its own; its column
    # "skipped" and named S is the read eng made: nothing changes (no relabel, the band kept).
    row, mid, xs = _row("S43962D")
    read = _read([("S", mid + 20), *_skipping("S43962D", xs, 0)])
    assert cnskip.refilled(read, row, row, _says("S")) is read


def test_a_filled_read_on_a_weak_classifier_province_is_none() -> None:
    # Check seed 1234's easy 粤RH0CTN: a crop's eng 'RHCTN' filled to 'RH0CTN' on the
    # classifier's weak 闽 (chi_sim named none) outread chi_sim's right 粤RH0CTN elsewhere.
    rng = random.Random(123403756)
    truth = random_plate(rng, country="CN", layout="1-line")
    scene = render_frame(plate=truth, layout="1-line", difficulty="easy", rng=rng)
    assert scene.plate == "粤RH0CTN"
    assert make_reader(engine="resident").read(scene.image).plate == "粤RH0CTN"
