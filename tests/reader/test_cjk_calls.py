"""chi_sim's calls (Round 8, speed): chi_sim reads without LSTM choices, to the same text
and confidences."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from edge.reader import engines
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.segment import TEXT_HEIGHT
from smartgate.scenes.plates import CJK_FONTS, LATIN_FONTS, _font


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
