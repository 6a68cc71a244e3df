"""A 2-row Chinese plate whose top row kept only its letter is still read as two rows
(the province glyph broke into strokes the character filter drops)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from edge.reader.cntails import two_row_pool
from edge.reader.segment import segment
from smartgate.scenes.plates import LATIN_FONTS, _font


def _plate(top: str, bottom: str) -> np.ndarray:
    img = Image.new("RGB", (330, 170), (40, 200, 250))  # yellow (BGR later), dark text
    draw = ImageDraw.Draw(img)
    draw.rectangle((4, 4, 325, 165), outline=(0, 0, 0), width=3)
    draw.text((150, 12), top, font=_font(LATIN_FONTS[0], 56), fill=(0, 0, 0))
    draw.text((50, 80), bottom, font=_font(LATIN_FONTS[0], 56), fill=(0, 0, 0))
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def test_lone_letter_above_five_characters_is_the_top_row() -> None:
    lines = segment(_plate("R", "616P7"))
    assert lines is not None
    assert lines.layout == "2-line" and lines.row_chars == (1, 5)


def test_lone_blob_above_a_longer_row_is_not_a_row() -> None:
    lines = segment(_plate("R", "12345678"))
    assert lines is not None
    assert lines.layout == "1-line" and len(lines.row_chars) == 1


def test_cjk_top_letter_is_not_believed_when_its_row_read_missed_the_province() -> None:
    """chi_sim read 云C as "ES" (the province then came from the glyph read alone): its S
    is not the letter; eng's C is (was 云S7NK77 at 0.99 on a generated easy frame)."""
    pool = two_row_pool("云", "ES/7NK77", ["BC", "7NK77"])
    assert pool and pool[0].plate == "云C7NK77"
    # When chi_sim's row did name the province, its letter still leads (it knows J, Q, W).
    assert two_row_pool("粤", "粤J/N368V", ["SY", "N368V"])[0].plate == "粤JN368V"
