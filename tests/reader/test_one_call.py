"""The one-call path: 2-row plates read as one line, sure reads stop after one call,
and the province glyph read alone (generated images)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from countedengine import CountedEngine
from PIL import Image, ImageDraw

from edge.reader import make_reader
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.provlooks import glyph_image
from edge.reader.segment import TEXT_HEIGHT, joined, segment
from edge.reader.tesseract import TesseractPlateReader
from smartgate.scenes import render_frame
from smartgate.scenes.plates import CJK_FONTS, LATIN_FONTS, _font


def _row(text: str, font: str = LATIN_FONTS[0]) -> np.ndarray:
    img = Image.new("L", (60 * len(text) + 40, TEXT_HEIGHT + 24), 255)
    ImageDraw.Draw(img).text((20, 8), text, font=_font(font, TEXT_HEIGHT), fill=0)
    return np.asarray(img)


def test_two_rows_side_by_side_keep_their_texts_apart() -> None:
    engine = ResidentEngine(DEFAULT_TESSDATA)
    top, bottom = _row("12C"), _row("12345")
    line, starts = joined([top, bottom])
    assert line.shape == (max(top.shape[0], bottom.shape[0]), top.shape[1] + 2 * TEXT_HEIGHT
                          + bottom.shape[1])
    got = engine.read(line)
    rows = ["", ""]
    for ch, _, x in got.chars:
        rows[sum(x >= s for s in starts)] += ch
    assert rows == ["12C", "12345"]


def test_one_row_is_left_as_it_is() -> None:
    row = _row("12C1234")
    line, starts = joined([row])
    assert line is row and starts == []


def _plate(province_glyph: str, tail: str) -> np.ndarray:
    """A clean plate image: dark text on white with a margin, BGR."""
    img = Image.new("RGB", (620, 140), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    x = 30
    if province_glyph:
        draw.text((x, 20), province_glyph, font=_font(CJK_FONTS[0], 80), fill=(0, 0, 0))
        x += 95
    draw.text((x, 22), tail, font=_font(LATIN_FONTS[0], 84), fill=(0, 0, 0))
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def test_a_sure_plate_costs_one_tesseract_call() -> None:
    """A clean VN plate as a tight crop: one eng call, no second preprocessing, no chi_sim."""
    engine = CountedEngine()
    reader = TesseractPlateReader(engine)
    got = reader.read(_plate("", "29C-123.45"))
    assert got.plate == "29C12345" and got.confidence >= 0.9
    assert dict(engine.calls) == {"latin": 1}


def test_province_glyph_is_cut_from_the_first_row_and_read_alone() -> None:
    engine = ResidentEngine(DEFAULT_TESSDATA)
    lines = segment(_plate("桂", "A12345"))
    assert lines is not None
    glyph = glyph_image(lines)
    assert glyph.shape[1] < lines.gray[0].shape[1] / 3  # the glyph, not the row
    text, conf = engine.glyph(glyph)
    assert text == "桂" and 0 < conf <= 1


def test_reader_still_reads_a_chinese_frame() -> None:
    reader = make_reader()
    scene = render_frame(plate="桂A12345", layout="1-line", difficulty="easy",
                         rng=random.Random(5))
    assert reader.read(scene.image).plate in (None, "桂A12345")



def test_engine_hands_tesseract_raw_pixels_not_a_pil_image(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A PIL image costs a BMP encode and decode per call (~0.8 ms, 6% of a frame's CPU)."""
    engine = ResidentEngine(DEFAULT_TESSDATA)

    def no_pil(*_: object, **__: object) -> None:
        raise AssertionError("the engine went through PIL")

    monkeypatch.setattr(Image, "fromarray", no_pil)
    row = _row("12C1234")
    assert engine.read(row).text == "12C1234"
    colour = np.dstack([row] * 3)  # a BGR image is read as its grey version
    assert engine.read(colour).text == "12C1234"


def test_engines_do_not_retry_lines_inverted() -> None:
    """Rows reach Tesseract dark on light; its inverted retry of doubtful lines only cost
    time (same reads on seeds 777/999, ~8% less CPU a frame)."""
    engine = ResidentEngine(DEFAULT_TESSDATA)
    for script in ("latin", "cjk", "glyph"):
        api = engine._get(script)
        assert api.GetVariableAsString("tessedit_do_invert") == "0"  # type: ignore[attr-defined]
    from edge.reader.engines import SubprocessEngine

    assert "tessedit_do_invert=0" in SubprocessEngine(DEFAULT_TESSDATA).config("latin")
