"""Drawn glyphs laid side by side in a binary row, as the segmentation hands a row over.

Shared by the glyph-shape tests (barred zeros, look-alikes), which each draw their own glyphs.
"""

from __future__ import annotations

import numpy as np

from edge.reader.base import Frame


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
