"""The province classifier wired into the Chinese path: a second look at the province that
spares chi_sim's glyph call when it names the same province as chi_sim's row read."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from edge.reader.chinese import classified, province_confirmed, read_cn
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.segment import segment
from smartgate.scenes.plates import CJK_FONTS, LATIN_FONTS, _font


class _NoGlyph(ResidentEngine):
    def __init__(self) -> None:
        super().__init__(DEFAULT_TESSDATA)
        self.glyphs = 0

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        self.glyphs += 1
        return super().glyph(img)


def _plate(province: str, tail: str) -> np.ndarray:
    """Dark text on white, BGR: the province glyph (if any) in a CJK font, then the tail."""
    img = Image.new("RGB", (620, 140), (255, 255, 255))
    parts = [(province, CJK_FONTS[0], 30), (tail, LATIN_FONTS[0], 125 if province else 30)]
    for text, font, x in parts:
        ImageDraw.Draw(img).text((x, 21), text, font=_font(font, 82), fill=(0, 0, 0))
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def test_classifier_confirms_the_province_without_a_chi_sim_glyph_call() -> None:
    lines = segment(_plate("湘", "A12345"))
    assert lines is not None
    engine = _NoGlyph()
    cache: dict[str, object] = {}
    guess = classified(lines, cache)
    assert guess is not None and guess.char == "湘"
    assert province_confirmed(engine, lines, cache, "湘")
    assert engine.glyphs == 0


def test_a_province_the_classifier_does_not_name_still_asks_chi_sim() -> None:
    lines = segment(_plate("湘", "A12345"))
    assert lines is not None
    engine = _NoGlyph()
    cache: dict[str, object] = {}
    assert not province_confirmed(engine, lines, cache, "桂")
    assert engine.glyphs == 1


def test_no_chi_sim_glyph_call_when_the_classifier_sees_no_province() -> None:
    """A row that starts with a Latin letter (a painted sign, a plate without its province):
    the classifier rejects the glyph, so chi_sim is not forced to name a province for it."""
    lines = segment(_plate("", "AB12345"))
    assert lines is not None
    engine = _NoGlyph()
    cache: dict[str, object] = {}
    assert read_cn(engine, lines, lines.gray, ["AB12345"], 1.0, cache) is None
    guess = classified(lines, cache)
    assert guess is not None and guess.char is None
    assert engine.glyphs == 0
