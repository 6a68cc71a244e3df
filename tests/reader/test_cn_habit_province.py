"""chi_sim's habit province (round 25, ``cnhabit``): the row read's 吉 for a glyph it cannot
read is overruled by the province classifier from ``HABIT_MARGIN`` on, as a weak classifier
province; any other province the row read names still needs ``CLASSIFIER_ONLY``."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scriptedreader import GlyphCounting
from test_province_wiring import _plate

from edge.reader import make_reader
from edge.reader.chinese import CLASSIFIER_ONLY, read_cn
from edge.reader.cnhabit import HABIT_MARGIN
from edge.reader.engines import LineRead
from edge.reader.province import ProvinceGuess
from edge.reader.segment import segment
from smartgate.scenes import random_plate, render_frame


class _RowMisnames(GlyphCounting):
    """chi_sim whose row read names ``row`` for the province glyph, its glyph read ``glyph``."""

    def __init__(self, row: str, glyph: tuple[str, float]) -> None:
        super().__init__()
        self.row, self.alone = row, glyph

    def read(self, img: np.ndarray, *, script: str = "latin") -> LineRead:
        got = super().read(img, script=script)  # type: ignore[arg-type]
        if script == "cjk":
            return LineRead(self.row + got.text[1:], got.conf)
        return got

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        self.glyphs += 1
        return self.alone


def misnamed_read(monkeypatch: pytest.MonkeyPatch, guess: ProvinceGuess, row: str,
                  glyph: tuple[str, float]) -> tuple[str, dict[str, object]]:
    """The plate ``read_cn`` reads of a drawn 粤A12345 whose chi_sim row read names ``row``,
    its glyph read ``glyph``, the classifier ``guess``; and the candidate's cache."""
    monkeypatch.setattr("edge.reader.provlooks.read_province", lambda row, clf: guess)
    lines = segment(_plate("粤", "A12345"))
    assert lines is not None and lines.layout == "1-line"
    cache: dict[str, object] = {}
    got = read_cn(_RowMisnames(row, glyph), lines, lines.gray, ["JUA12345"], 1.0, cache)
    assert got is not None
    return got[0].plate, cache


@pytest.mark.parametrize(("row", "margin", "glyph", "plate"), [
    ("吉", 0.67, ("", 0.0), "粤A12345"),  # 粤UG37DR's crops: 吉 at 0.54-0.78, 粤 at 0.67
    ("吉", 0.67, ("粤", 0.5), "粤A12345"),  # the glyph read seconds the classifier
    ("吉", 0.67, ("吉", 0.6), "吉A12345"),  # chi_sim names 吉 twice: kept, as before
    ("吉", HABIT_MARGIN - 0.1, ("", 0.0), "吉A12345"),  # the classifier unsure: kept
    ("湘", 0.67, ("", 0.0), "湘A12345"),  # another province: CLASSIFIER_ONLY still asked
])
def test_the_classifier_overrules_chi_sims_habit_province(
        monkeypatch: pytest.MonkeyPatch, row: str, margin: float, glyph: tuple[str, float],
        plate: str) -> None:
    read, cache = misnamed_read(monkeypatch, ProvinceGuess("粤", 0.78, margin), row, glyph)
    assert read == plate
    overruled = plate[0] != row
    # A weak classifier province: CLASSIFIED, and a second preprocessing must read it too.
    assert cache["classifier_only"] is overruled and cache["classifier_weak"] is overruled
    assert margin < CLASSIFIER_ONLY


def test_the_hard_frame_reads_its_province() -> None:
    rng = random.Random(530515918)  # extra seed 5305, frame 18: read 粤UG31DR before
    truth = random_plate(rng, country="CN", layout="1-line")
    scene = render_frame(plate=truth, layout="1-line", difficulty="hard", rng=rng)
    assert scene.plate == "粤UG37DR"
    got = make_reader(engine="resident").read(scene.image)
    assert got.plate == "粤UG37DR" and got.confidence == 0.45
