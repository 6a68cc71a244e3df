"""Drawn glyphs laid side by side in a binary row, as the segmentation hands a row over.

Shared by the glyph-shape tests (barred zeros, look-alikes), which each draw their own glyphs,
and by the Latin classifier's tests, which draw theirs with ``bold_glyph``.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from edge.reader.base import Frame
from edge.reader.engines import LineRead
from smartgate.scenes.plates import LATIN_FONTS

H, W = 64, 40  # a bold glyph's box


def glyph_row(glyphs: list[np.ndarray]) -> tuple[Frame, list[float]]:
    """``glyphs`` (1 = ink, all of one box size) side by side in a binary row image (dark ink
    on white, 12 px margins, 46 px apart), and their x centres."""
    h, w = glyphs[0].shape
    row = np.full((h + 24, 12 + 46 * len(glyphs)), 255, np.uint8)
    xs = []
    for i, glyph in enumerate(glyphs):
        x = 12 + 46 * i
        row[12:12 + h, x:x + w][glyph == 1] = 0
        xs.append(x + w / 2)
    return row, xs


def bold_glyph(ch: str) -> np.ndarray:
    """``ch`` in DejaVu Sans Bold (a generator font the Latin classifier never trains on),
    centred in an ``H`` x ``W`` box, 1 = ink."""
    font = ImageFont.truetype(LATIN_FONTS[1], 56)
    img = Image.new("L", (W, H), 0)
    left, top, right, bottom = font.getbbox(ch)
    ImageDraw.Draw(img).text(((W - (right - left)) / 2 - left, (H - (bottom - top)) / 2 - top),
                             ch, font=font, fill=255)
    return (np.asarray(img) > 127).astype(np.uint8)


def line_read(text: str, xs: list[float], margins: list[float]) -> LineRead:
    """eng's read of ``text``, its characters at ``xs`` (``glyph_row``'s centres) led by
    ``margins``, each its own only choice (the Latin classifier's tests of eng's reads)."""
    chars = tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True))
    return LineRead(text, 0.9, chars, tuple(margins), tuple(((ch, 0.9),) for ch in text))
