"""A frame that read nothing looks at its candidates with no rows by local contrast, and only
such a frame (round 16)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from edge.reader import lastlooks, make_reader, tesseract
from edge.reader.base import ACT
from edge.reader.tesseract import TesseractPlateReader
from smartgate.scenes import random_plate, render_frame


def _frame(seed: int, country: str, layout: str, difficulty: str) -> tuple[np.ndarray, str]:
    rng = random.Random(seed)
    plate = random_plate(rng, country=country, layout=layout)
    scene = render_frame(plate=plate, layout=layout, difficulty=difficulty,  # type: ignore[arg-type]
                         rng=rng)
    return scene.image, scene.plate


@pytest.fixture(scope="module")
def reader() -> TesseractPlateReader:
    return make_reader()


def test_a_glared_plate_with_no_rows_reads_under_the_band(reader: TesseractPlateReader
                                                          ) -> None:
    # Tuning seed 4242's hard frame 桂B-34540: glare over the province and the letter, no
    # rows under any threshold `segment` asks; its candidate's local look finds 7.
    image, plate = _frame(424312774, "CN", "1-line", "hard")
    assert plate == "桂B34540"
    got = reader.read(image)
    assert got.plate == plate and got.confidence < ACT


def test_without_the_look_it_reads_nothing(monkeypatch: pytest.MonkeyPatch,
                                           reader: TesseractPlateReader) -> None:
    monkeypatch.setattr(lastlooks, "UNROWED_LOOKS", 0)
    # the deblurred crops, read after every look, read this blurred frame too (round 23)
    monkeypatch.setattr(tesseract, "DEBLUR", False)
    image, _ = _frame(424312774, "CN", "1-line", "hard")
    assert reader.read(image).plate is None


def test_a_frame_that_reads_never_asks(monkeypatch: pytest.MonkeyPatch,
                                       reader: TesseractPlateReader) -> None:
    asked: list[int] = []

    def spy(crop: np.ndarray, chars: tuple[int, int]) -> None:
        asked.append(1)

    monkeypatch.setattr(lastlooks, "unrowed", spy)
    image, plate = _frame(99903000, "VN", "2-line", "easy")  # tuning seed 999's first frame
    got = reader.read(image)
    assert got.plate == plate and not asked
