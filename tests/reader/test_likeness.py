"""The likeness model ranks a plate above the clutter around it, before any Tesseract call."""

from __future__ import annotations

import random

import numpy as np
import pytest

from edge.reader import make_reader
from edge.reader.likeness import EAGER, SKIP, WEIGHTS, features, likeness
from edge.reader.localise import rectify
from edge.reader.segment import Lines, segment
from smartgate.scenes import random_plate, render_frame


def _lines(chars: int, text_px: float, layout: str = "1-line", evened: bool = False) -> Lines:
    row = np.full((84, 400), 255, np.uint8)
    return Lines(layout, [row], [row], chars, (chars,), evened=evened,  # type: ignore[arg-type]
                 text_px=text_px)


def test_features_match_the_weights() -> None:
    crop = np.full((40, 160, 3), 200, np.uint8)
    assert len(features(_lines(8, 30.0), crop, 0)) == len(WEIGHTS)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_generated_plate_is_read_at_once(seed: int) -> None:
    rng = random.Random(seed)
    plate = random_plate(rng, country="VN", layout="1-line")
    scene = render_frame(plate=plate, layout="1-line", difficulty="easy", rng=rng)
    crop = rectify(scene.image, np.array(scene.quad, np.float32), pad=0.04)
    lines = segment(crop)
    assert lines is not None
    assert likeness(lines, crop, 0) >= EAGER


def test_what_tells_a_plate_from_clutter() -> None:
    crop = np.full((40, 170, 3), 200, np.uint8)  # a 1-row plate's shape
    plate = likeness(_lines(8, 30.0), crop, 3)
    assert plate >= EAGER
    assert likeness(_lines(8, 8.0), crop, 3) < EAGER  # a sticker's characters: not at once
    assert likeness(_lines(5, 10.0, evened=True), crop, 0) < SKIP  # small, short, dim: never
    assert likeness(_lines(4, 30.0), crop, 3) < plate  # a short painted word
    assert likeness(_lines(8, 30.0, evened=True), crop, 3) < plate  # only after evening light
    wide = np.full((20, 400, 3), 200, np.uint8)
    assert likeness(_lines(8, 30.0), wide, 3) < plate  # a band of text, not a plate


def test_a_tight_crop_is_still_read() -> None:
    """A tight crop (the image is the plate) is always read, whatever its score."""
    rng = random.Random(5)
    plate = random_plate(rng, country="VN", layout="1-line")
    scene = render_frame(plate=plate, layout="1-line", difficulty="easy", rng=rng)
    crop = rectify(scene.image, np.array(scene.quad, np.float32), pad=0.04)
    assert make_reader().read(crop).plate == scene.plate


def _three_plates() -> tuple[np.ndarray, list[np.ndarray]]:
    from PIL import Image, ImageDraw

    from smartgate.scenes.plates import LATIN_FONTS, _font

    img = Image.new("RGB", (1280, 720), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    quads = []
    for k in range(3):
        x0, y0, x1, y1 = draw.textbbox((100, 100 + 200 * k), "12C12345",
                                       font=_font(LATIN_FONTS[0], 60))
        draw.text((100, 100 + 200 * k), "12C12345", font=_font(LATIN_FONTS[0], 60),
                  fill=(0, 0, 0))
        quads.append(np.array([[x0 - 20, y0 - 20], [x1 + 20, y0 - 20], [x1 + 20, y1 + 20],
                               [x0 - 20, y1 + 20]], np.float32))
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1]), quads


def test_ruled_out_candidates_wait_and_one_is_read_while_nothing_has(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import edge.reader.tesseract as tess

    scores = {0: 0.01, 1: 0.005, 2: 0.1}  # all under EAGER; 0 and 1 under SKIP
    monkeypatch.setattr(tess, "likeness", lambda lines, crop, i: scores[i])
    frame, quads = _three_plates()
    reader = make_reader()
    nothing_read = [q for q, _, _ in reader._ranked(frame, quads, tight=False, found=[])]
    assert [id(q) for q in nothing_read] == [id(quads[2]), id(quads[0])]
    some_read = [q for q, _, _ in reader._ranked(
        frame, quads, tight=False, found=[object()])]  # type: ignore[list-item]
    assert [id(q) for q in some_read] == [id(quads[2])]


@pytest.mark.parametrize("shape", [(1, 1, 3), (7, 9, 3), (8, 10, 3), (31, 120, 3), (12, 40)])
def test_brightness_is_the_median_of_the_brightest_channel(shape: tuple[int, ...]) -> None:
    from edge.reader.likeness import brightness

    rng = np.random.default_rng(sum(shape))
    crop = rng.integers(0, 256, shape, dtype=np.uint8)
    value = crop.max(axis=2) if crop.ndim == 3 else crop
    assert brightness(crop) == float(np.median(value))
