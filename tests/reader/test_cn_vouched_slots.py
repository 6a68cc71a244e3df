"""Round 17, speed: a Chinese tail's slots the LSTM gave no choice at all (a 2-row plate's
top-row letter, always) are no hesitation where chi_sim's row read holds the same
characters and the Latin classifier opposes none of the tail's; the search ends there, where
it went on through every other candidate (``edge/reader/toprow.py``)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from glyphrow import bold_glyph, glyph_row

from domain.plate_candidates import Candidate
from edge.reader import make_reader, provlooks, toprow
from edge.reader.base import Frame
from edge.reader.engines import DEFAULT_TESSDATA, LineRead, ResidentEngine, Script
from edge.reader.province import ProvinceGuess
from edge.reader.segment import TEXT_HEIGHT, Lines
from edge.reader.tesseract import TesseractPlateReader
from smartgate.scenes import random_plate, render_frame


def _tail(text: str, xs: list[float] | None = None) -> LineRead:
    xs = xs or [10.0 * i for i in range(len(text))]
    return LineRead(text, 0.9, tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True)),
                    (0.5,) * len(text), tuple(((ch, 0.9),) for ch in text))


@pytest.mark.parametrize(("cjk", "eng", "plate", "two_rows", "want"), [
    (["桂B", "79717"], "B79717", "桂B79717", True, (True, True)),
    # chi_sim's top row named no province (the province came from a glyph read or the
    # classifier): its letter is no second reading of eng's
    (["B", "79717"], "B79717", "桂B79717", True, (False, True)),
    (["桂R", "79717"], "B79717", "桂B79717", True, (False, True)),  # another letter
    (["桂B", "79117"], "B79717", "桂B79717", True, (True, False)),  # another bottom row
    (["桂B", "T79717"], "B79717", "桂B79717", True, (True, True)),  # its junk before the five
    (["桂B"], "B79717", "桂B79717", True, (True, False)),  # no bottom row read
    (["桂B", "9717"], "B9717", "桂B79717", True, (False, False)),  # eng's tail one short
    (["粤B7M4T5"], "B7M4T5", "粤B7M4T5", False, (True, True)),
    (["粤BTM4T5"], "B7M4T5", "粤B7M4T5", False, (False, False)),  # T for 7: no vouching
    (["B7M4T5"], "B7M4T5", "粤B7M4T5", False, (False, False)),
])
def test_chi_sim_vouches_for_the_characters_it_reads_as_eng_does(
        cjk: list[str], eng: str, plate: str, two_rows: bool, want: tuple[bool, bool]) -> None:
    got = toprow.vouched(_tail(eng), cjk, Candidate(plate, "CN", 0, 0), two_rows)
    assert got == want


def test_the_classifier_opposes_a_tail_whose_glyph_is_another_character() -> None:
    # 桂X7S602 (check 31337, hard): eng and chi_sim both read its S as 5; settling the top
    # row's X with no other look put 桂X75602 in the band at 0.96 (round 15).
    row, xs = glyph_row([bold_glyph(ch) for ch in "X7S602"])
    assert not toprow.unopposed(_tail("X75602", xs), row)
    assert toprow.unopposed(_tail("X7S602", xs), row)


class _Counted(ResidentEngine):
    """The resident engine, its Tesseract calls counted (eng, chi_sim rows and glyphs)."""

    def __init__(self) -> None:
        super().__init__(DEFAULT_TESSDATA)
        self.calls = 0

    def read(self, img: Frame, *, script: Script = "latin") -> LineRead:
        self.calls += 1
        return super().read(img, script=script)


@pytest.mark.parametrize(("seed", "layout", "difficulty", "truth", "calls"), [
    # seed 999's easy 桂R96714: main read it at 0.75 after 12 calls (every candidate)
    (99903028, "2-line", "easy", "桂R96714", 3),
    # seed 999's easy 粤B7M4T5, 1 row: main 0.75 after 9 calls (its B with no choice)
    (99903033, "1-line", "easy", "粤B7M4T5", 5),
])
def test_a_vouched_read_ends_the_search(seed: int, layout: str, difficulty: str, truth: str,
                                         calls: int) -> None:
    rng = random.Random(seed)
    plate = random_plate(rng, country="CN", layout=layout)
    scene = render_frame(plate=plate, layout=layout, difficulty=difficulty,  # type: ignore[arg-type]
                         rng=rng)
    assert scene.plate == truth
    engine = _Counted()
    got = TesseractPlateReader(engine).read(scene.image)
    assert got.plate == truth and got.confidence > 0.75 and engine.calls <= calls


def test_the_classifier_keeps_a_wrong_s_out_of_the_band_on_a_real_frame() -> None:
    # check 31337's hard 桂X7S602: settling its top-row X alone read 桂X75602 at 0.96
    rng = random.Random(3133894014)
    plate = random_plate(rng, country="CN", layout="2-line")
    scene = render_frame(plate=plate, layout="2-line", difficulty="hard", rng=rng)
    assert scene.plate == "桂X7S602"
    got = make_reader(engine="resident").read(scene.image)
    assert got.plate in (None, "桂X7S602")


class _Scripted:
    """eng reads 'A12345' (its A with no LSTM choice at all) at ``conf`` on every
    preprocessing; chi_sim reads the row as ``cjk``. Counts the calls."""

    def __init__(self, cjk: str, conf: float) -> None:
        self.cjk, self.conf = cjk, conf
        self.calls: Counter[str] = Counter()

    def read(self, img: np.ndarray, *, script: Script = "latin") -> LineRead:
        self.calls[script] += 1
        if script == "cjk":
            return LineRead(self.cjk, 0.9)
        text = "A12345"
        return LineRead(text, self.conf, tuple((ch, self.conf, 10.0 * i)
                                               for i, ch in enumerate(text)),
                        tuple(0.0 if ch == "A" else 0.9 for ch in text),
                        tuple(((ch, 0.0 if ch == "A" else 0.95),) for ch in text))

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        self.calls["glyph"] += 1
        return "", 0.0


@pytest.mark.parametrize(("cjk", "conf", "latin_calls", "least"), [
    ("桂A12345", 0.8, 1, 0.95),  # vouched: seconded by chi_sim's tail, no binary read
    ("桂A12845", 0.8, 2, 0.0),  # chi_sim reads another tail: the binary read is asked
    # vouched, but seconding would grade it under SURE (1 - 0.6^2 = 0.64): the binary read
    # is asked, and the two agreeing reads are not capped as hesitant
    ("桂A12345", 0.4, 2, 0.0),
])
def test_a_vouched_slot_is_no_hesitation(monkeypatch: pytest.MonkeyPatch, cjk: str,
                                         conf: float, latin_calls: int, least: float) -> None:
    monkeypatch.setattr(provlooks, "read_province", lambda *_: ProvinceGuess("桂", 0.9, 0.9))
    monkeypatch.setattr(toprow, "unopposed", lambda *_: True)
    gray, binary = (np.full((TEXT_HEIGHT, 400), 255, np.uint8) for _ in range(2))
    engine = _Scripted(cjk, conf)
    got = TesseractPlateReader(engine)._read_lines_all(Lines("1-line", [gray], [binary], 7, (7,)))
    assert got is not None and got.cand.plate == "桂A12345"
    assert engine.calls["latin"] == latin_calls and got.conf >= least
    assert not got.contested or cjk != "桂A12345"


def test_an_opposed_tail_keeps_its_hesitation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provlooks, "read_province", lambda *_: ProvinceGuess("桂", 0.9, 0.9))
    monkeypatch.setattr(toprow, "unopposed", lambda *_: False)
    gray, binary = (np.full((TEXT_HEIGHT, 400), 255, np.uint8) for _ in range(2))
    engine = _Scripted("桂A12345", 0.8)
    got = TesseractPlateReader(engine)._read_lines_all(Lines("1-line", [gray], [binary], 7, (7,)))
    # main's grading: two hesitant reads agreeing, capped at CONTESTED; the search goes on
    assert got is not None and got.conf == pytest.approx(0.75) and got.contested
    assert engine.calls["latin"] == 2
