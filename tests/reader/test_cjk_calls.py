"""chi_sim's calls (Round 8, speed): a 2-row candidate's other rows are read only once its
top row gave a province, and chi_sim reads without LSTM choices, to the same text and
confidences."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from PIL import Image, ImageDraw

from edge.reader import engines
from edge.reader.chinese import read_cn
from edge.reader.engines import DEFAULT_TESSDATA, LineRead, ResidentEngine, Script
from edge.reader.province import ProvinceGuess
from edge.reader.segment import TEXT_HEIGHT, Lines
from smartgate.scenes.plates import CJK_FONTS, LATIN_FONTS, _font


class _Scripted:
    """A LineEngine whose chi_sim rows read as given, counting the calls."""

    def __init__(self, rows: list[tuple[str, float]], glyph: tuple[str, float] = ("", 0.0)
                 ) -> None:
        self.rows, self.glyph_read = rows, glyph
        self.calls: Counter[str] = Counter()

    def read(self, img: np.ndarray, *, script: Script = "latin") -> LineRead:
        self.calls[script] += 1
        text, conf = self.rows[int(img[0, 0])]  # the row's index is painted in its corner
        return LineRead(text, conf)

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        self.calls["glyph"] += 1
        return self.glyph_read


def _two_rows() -> tuple[Lines, list[np.ndarray]]:
    rows = [np.full((TEXT_HEIGHT, 200), 255, np.uint8) for _ in range(2)]
    for i, r in enumerate(rows):
        r[0, 0] = i
    lines = Lines("2-line", rows, rows, 7, (2, 5))
    return lines, rows


def test_a_top_row_without_a_province_spares_the_bottom_rows_chi_sim_read() -> None:
    lines, rows = _two_rows()
    engine = _Scripted([("12C", 0.9), ("12345", 0.9)])
    reject = {"class": ProvinceGuess(None, 0.95, 0.9)}  # the classifier: no province glyph
    # eng's top row lost its first digit: not VN-shaped, so chi_sim reads the top row
    assert read_cn(engine, lines, rows, ["2C", "12345"], 1.0, reject) is None
    assert engine.calls == {"cjk": 1}


def test_no_province_from_the_glyph_read_either_spares_it_too() -> None:
    lines, rows = _two_rows()
    engine = _Scripted([("12C", 0.9), ("12345", 0.9)], glyph=("桂", 0.4))
    cache: dict[str, object] = {"class": None}  # no classifier (no training fonts)
    assert read_cn(engine, lines, rows, ["12C", "12345"], 1.0, cache) is None
    assert engine.calls == {"cjk": 1, "glyph": 1}


def test_a_province_still_reads_every_row_and_takes_the_lowest_confidence() -> None:
    lines, rows = _two_rows()
    engine = _Scripted([("桂A", 0.95), ("12345", 0.6)])
    got = read_cn(engine, lines, rows, ["A", "12345"], 1.0, {"class": None})
    assert got is not None
    plate, conf, raw, agree, rival = got
    assert plate.plate == "桂A12345" and agree and rival is None and conf == pytest.approx(0.6)
    assert raw.startswith("桂A/12345|") and engine.calls == {"cjk": 2}


def test_a_province_from_the_glyph_read_then_reads_the_bottom_row() -> None:
    lines, rows = _two_rows()
    engine = _Scripted([("A", 0.9), ("12345", 0.8)], glyph=("湘", 0.95))
    got = read_cn(engine, lines, rows, ["A", "12345"], 1.0, {"class": None})
    assert got is not None and got[0].plate == "湘A12345"
    assert got[1] == pytest.approx(0.8) and engine.calls == {"cjk": 2, "glyph": 1}


def _row(text: str) -> np.ndarray:
    img = Image.new("L", (70 * len(text) + 40, TEXT_HEIGHT + 24), 255)
    x = 20
    for ch in text:
        font = CJK_FONTS[0] if ord(ch) > 127 else LATIN_FONTS[0]
        ImageDraw.Draw(img).text((x, 8), ch, font=_font(font, TEXT_HEIGHT), fill=0)
        x += 70
    return np.asarray(img)


def test_chi_sim_reads_the_same_without_lstm_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [_row(t) for t in ("桂A12345", "云B", "湘D8F7Z6", "12C")]
    fast = ResidentEngine(DEFAULT_TESSDATA)
    monkeypatch.setattr(engines, "_CJK_VARIABLES", engines._INIT_VARIABLES)
    with_choices = ResidentEngine(DEFAULT_TESSDATA)
    for row in rows:
        a, b = fast.read(row, script="cjk"), with_choices.read(row, script="cjk")
        assert (a.text, a.conf) == (b.text, b.conf)
        assert [c[:2] for c in a.chars] == [c[:2] for c in b.chars]
    assert fast.read(rows[0], script="cjk").text.startswith("桂")


def test_eng_keeps_its_lstm_choices() -> None:
    got = ResidentEngine(DEFAULT_TESSDATA).read(_row("29C12345"))
    assert got.alts and all(len(a) >= 1 for a in got.alts) and got.margins


def test_a_vn_shaped_read_the_classifier_rejects_spares_chi_sims_row_read() -> None:
    # Round 16 (speed): a Latin read opening with two digits (a VN plate's province number)
    # whose first glyph the classifier calls no province pays no chi_sim call at all, even
    # where chi_sim's row read would have named a province (辽 for 29R8371T).
    lines, rows = _two_rows()
    engine = _Scripted([("辽C", 0.9), ("12345", 0.9)])
    reject = {"class": ProvinceGuess(None, 0.95, 0.9)}  # the classifier: no province glyph
    assert read_cn(engine, lines, rows, ["29C", "12345"], 1.0, reject) is None
    assert engine.calls == {}
    # A read opening otherwise (a Chinese top row's letter) is still read by chi_sim: the
    # classifier rejected a blurred 桂 that chi_sim's row read named right.
    got = read_cn(engine, lines, rows, ["C", "12345"], 1.0, dict(reject))
    assert got is not None and got[0].plate == "辽C12345" and engine.calls == {"cjk": 2}
