"""A hesitant eng character (its lead over the runner-up under the reader's MARGIN) whose
glyph the Latin classifier names as eng's own character settles the hesitation (round 15,
speed): ``latin.confirmed`` says so only when every hesitant letter or digit is named so."""

from __future__ import annotations

import numpy as np
import pytest
from glyphrow import glyph_row
from PIL import Image, ImageDraw, ImageFont

from edge.reader.cropread import MARGIN
from edge.reader.engines import LineRead
from edge.reader.latin import LatinClassifier, confirmed
from smartgate.scenes.plates import LATIN_FONTS

H, W = 64, 40


@pytest.fixture(scope="module")
def clf() -> LatinClassifier:
    return LatinClassifier()


def _glyph(ch: str) -> np.ndarray:
    """``ch`` in DejaVu Sans Bold (a generator font the classifier never trains on), 1 = ink."""
    font = ImageFont.truetype(LATIN_FONTS[1], 56)
    img = Image.new("L", (W, H), 0)
    left, top, right, bottom = font.getbbox(ch)
    ImageDraw.Draw(img).text(((W - (right - left)) / 2 - left, (H - (bottom - top)) / 2 - top),
                             ch, font=font, fill=255)
    return (np.asarray(img) > 127).astype(np.uint8)


def _read(text: str, xs: list[float], margins: list[float]) -> LineRead:
    chars = tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True))
    return LineRead(text, 0.9, chars, tuple(margins), tuple(((ch, 0.9),) for ch in text))


def test_hesitant_characters_the_classifier_names_are_confirmed(clf: LatinClassifier) -> None:
    row, xs = glyph_row([_glyph(c) for c in "K83"])
    assert confirmed(_read("K83", xs, [0.5, 0.1, 0.05]), row, MARGIN, clf)


def test_a_hesitant_character_the_classifier_names_otherwise_is_not(
        clf: LatinClassifier) -> None:
    row, xs = glyph_row([_glyph(c) for c in "K83"])
    assert not confirmed(_read("K63", xs, [0.5, 0.1, 0.5]), row, MARGIN, clf)


def test_a_read_that_hesitated_nowhere_has_nothing_to_confirm(clf: LatinClassifier) -> None:
    row, xs = glyph_row([_glyph(c) for c in "K83"])
    assert not confirmed(_read("K83", xs, [0.5, 0.5, 0.5]), row, MARGIN, clf)
