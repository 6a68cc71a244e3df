"""A Chinese read whose chi_sim tail is eng's own needs no binary eng read (round 9, Chinese
plates: chi_sim's agreement is the second look); any doubt still pays for it."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from edge.reader import cropread, provlooks
from edge.reader.base import ACT
from edge.reader.engines import LineRead, Script
from edge.reader.province import ProvinceGuess
from edge.reader.segment import TEXT_HEIGHT, Lines
from edge.reader.tesseract import TesseractPlateReader


class _Scripted:
    """eng reads the grey row (marked 0) and the binary one (marked 1) as given; chi_sim
    reads the row as ``cjk``. Counts the calls."""

    def __init__(self, latin: dict[int, tuple[str, float]], cjk: tuple[str, float]) -> None:
        self.latin, self.cjk = latin, cjk
        self.calls: Counter[str] = Counter()

    def read(self, img: np.ndarray, *, script: Script = "latin") -> LineRead:
        self.calls[script] += 1
        if script == "cjk":
            return LineRead(*self.cjk)
        text, margin = self.latin[int(img[0, 0])]
        return LineRead(text, 0.95, tuple((ch, 0.95, 10.0 * i) for i, ch in enumerate(text)),
                        tuple(margin for _ in text))

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        self.calls["glyph"] += 1
        return "", 0.0


def _lines() -> Lines:
    gray, binary = (np.full((TEXT_HEIGHT, 400), 255, np.uint8) for _ in range(2))
    gray[0, 0], binary[0, 0] = 0, 1  # which preprocessing eng is reading
    return Lines("1-line", [gray], [binary], 7, (7,))


@pytest.fixture(autouse=True)
def _classifier_names_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    """The province classifier's second look names 桂 (the row read's province)."""
    monkeypatch.setattr(provlooks, "read_province", lambda *_: ProvinceGuess("桂", 0.9, 0.9))


def _read(engine: _Scripted) -> tuple[str, float]:
    got = TesseractPlateReader(engine)._read_lines_all(_lines())
    assert got is not None
    return got.cand.plate, got.conf


def test_chi_sim_reading_eng_s_tail_spares_the_binary_read() -> None:
    engine = _Scripted({0: ("A12345", 0.9), 1: ("A12345", 0.9)}, ("桂A12345", 0.8))
    plate, conf = _read(engine)
    # graded as two agreeing reads of chi_sim's confidence: 1 - 0.2 * 0.2
    assert plate == "桂A12345" and conf == pytest.approx(0.96) and conf >= ACT
    assert engine.calls == {"latin": 1, "cjk": 1}


def test_a_tail_chi_sim_reads_otherwise_still_asks_the_binary_image() -> None:
    engine = _Scripted({0: ("A12345", 0.9), 1: ("A12345", 0.9)}, ("桂A12845", 0.8))
    plate, _ = _read(engine)
    assert plate == "桂A12345" and engine.calls["latin"] >= 2


def test_a_hesitating_eng_tail_still_asks_the_binary_image() -> None:
    engine = _Scripted({0: ("A12345", 0.1), 1: ("A12345", 0.9)}, ("桂A12345", 0.8))
    plate, _ = _read(engine)
    assert plate == "桂A12345" and engine.calls["latin"] == 2


@pytest.mark.parametrize(("named", "latin_calls"), [(True, 1), (False, 2)])
def test_a_hesitating_tail_the_latin_classifier_names_as_eng_s_needs_no_binary_read(
        monkeypatch: pytest.MonkeyPatch, named: bool, latin_calls: int) -> None:
    # Round 16: as on a VN read (round 15), eng's hesitant tail characters that the Latin
    # classifier names as eng's own are no hesitation; only the tail is asked about (eng's
    # junk for the province glyph, "X" here, is no character of the plate).
    asked: list[str] = []

    def confirmed(got: LineRead, *_: object) -> bool:
        asked.append(got.text)
        return named

    monkeypatch.setattr(cropread.vouch, "confirmed", confirmed)
    engine = _Scripted({0: ("XA12345", 0.1), 1: ("XA12345", 0.9)}, ("桂A12345", 0.8))
    plate, conf = _read(engine)
    assert plate == "桂A12345" and engine.calls["latin"] == latin_calls
    assert asked == ["A12345"]
    if named:  # graded as two agreeing reads, as chi_sim's agreeing tail always was
        assert conf == pytest.approx(0.96)
