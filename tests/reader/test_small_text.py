"""Candidates with characters too small to read are read last (seconds of CPU per frame
went to stickers and painted phone numbers no preprocessing could read)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from edge.reader import make_reader
from edge.reader.segment import segment
from smartgate.scenes.plates import LATIN_FONTS, _font


def _text(img: Image.Image, xy: tuple[int, int], text: str, size: int) -> np.ndarray:
    """Draw dark text with a margin; return its quad (clockwise from top-left)."""
    draw = ImageDraw.Draw(img)
    font = _font(LATIN_FONTS[0], size)
    x0, y0, x1, y1 = draw.textbbox(xy, text, font=font)
    draw.text(xy, text, font=font, fill=(0, 0, 0))
    m = max(4, size // 3)
    return np.array([[x0 - m, y0 - m], [x1 + m, y0 - m], [x1 + m, y1 + m], [x0 - m, y1 + m]],
                    np.float32)


def test_small_text_candidate_waits_behind_a_readable_one() -> None:
    img = Image.new("RGB", (1280, 720), (255, 255, 255))
    sticker = _text(img, (100, 100), "12C12345", 11)  # ~8 px characters
    plate = _text(img, (400, 400), "12C12345", 60)
    frame = np.ascontiguousarray(np.asarray(img)[:, :, ::-1])
    reader = make_reader()
    small = segment(frame[88:125, 85:200])
    assert small is not None and small.chars >= 7 and small.text_px < 12
    order = [q for q, _, _ in reader._ranked(frame, [sticker, plate], tight=False)]
    assert order[0] is plate and order[1] is sticker
