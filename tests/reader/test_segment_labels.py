"""The segmentation labels each mask once (Round 8, speed): the rows are cut with the
components found when the characters were, and cut exactly as when each row relabelled."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from edge.reader import rowcut
from edge.reader.segment import segment
from smartgate.scenes.plates import LATIN_FONTS, _font


def _plate(top: str, bottom: str) -> np.ndarray:
    img = Image.new("L", (420, 230), 255)
    draw = ImageDraw.Draw(img)
    draw.rectangle((4, 4, 415, 225), outline=0, width=4)
    draw.text((120, 18), top, font=_font(LATIN_FONTS[0], 80), fill=0)
    draw.text((40, 120), bottom, font=_font(LATIN_FONTS[0], 80), fill=0)
    return np.asarray(img)


def test_no_mask_is_labelled_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    labelled: list[str] = []
    real = rowcut.stats

    def counting(mask: np.ndarray) -> rowcut.Stats:
        labelled.append(hashlib.sha1(mask.tobytes() + repr(mask.shape).encode()).hexdigest())
        return real(mask)

    monkeypatch.setattr(rowcut, "stats", counting)
    lines = segment(_plate("12C", "12345"))
    assert lines is not None and lines.layout == "2-line" and lines.row_chars == (3, 5)
    assert len(labelled) == len(set(labelled))


def test_a_row_cut_with_known_components_is_the_same_cut() -> None:
    gray = _plate("29C", "12345")
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    row = [(40, 120, 50, 60), (100, 120, 50, 60)]
    found = rowcut.stats(mask)
    for extend_left in (True, False):
        a = rowcut.cut(gray, mask, row, extend_left)
        b = rowcut.cut(gray, mask, row, extend_left, found)
        assert a[2] == b[2] and np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
