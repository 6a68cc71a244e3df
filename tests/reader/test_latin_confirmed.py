"""A hesitant eng character (its lead over the runner-up under the reader's MARGIN) whose
glyph the Latin classifier names as eng's own character settles the hesitation (round 15,
speed): ``vouch.confirmed`` says so only when every hesitant letter or digit is named so; a
generated frame main read at 0.75 over 7 calls ends at its first candidate's grey read."""

from __future__ import annotations

import random

import pytest
from glyphrow import bold_glyph, glyph_row
from glyphrow import line_read as _read

from edge.reader import latin
from edge.reader.base import Frame
from edge.reader.claims import MARGIN
from edge.reader.engines import DEFAULT_TESSDATA, LineRead, ResidentEngine, Script
from edge.reader.latin import LatinClassifier
from edge.reader.tesseract import TesseractPlateReader
from edge.reader.vouch import confirmed
from smartgate.scenes import random_plate, render_frame


@pytest.fixture(scope="module")
def clf() -> LatinClassifier:
    return LatinClassifier()




def test_hesitant_characters_the_classifier_names_are_confirmed(clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83"])
    assert confirmed(_read("K83", xs, [0.5, 0.1, 0.05]), row, MARGIN, clf)


def test_a_hesitant_character_the_classifier_names_otherwise_is_not(
        clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83"])
    assert not confirmed(_read("K63", xs, [0.5, 0.1, 0.5]), row, MARGIN, clf)


def test_a_read_that_hesitated_nowhere_has_nothing_to_confirm(clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83"])
    assert not confirmed(_read("K83", xs, [0.5, 0.5, 0.5]), row, MARGIN, clf)


def test_a_character_the_lstm_gave_no_choice_confidence_is_not_settled(
        clf: LatinClassifier) -> None:
    """Its margin 0 is an unknown, not a hesitation (12A65538 read at 0.98 when settled)."""
    row, xs = glyph_row([bold_glyph(c) for c in "K83"])
    read = _read("K83", xs, [0.5, 0.0, 0.5])
    read = LineRead(read.text, read.conf, read.chars, read.margins,
                    ((("K", 0.9),), (("8", 0.0), ("B", 0.0)), (("3", 0.9),)))
    assert not confirmed(read, row, MARGIN, clf)


class _Counting:
    """The resident engine, its calls counted."""

    def __init__(self, inner: ResidentEngine) -> None:
        self.inner, self.calls = inner, 0

    def read(self, img: Frame, *, script: Script = "latin") -> LineRead:
        self.calls += 1
        return self.inner.read(img, script=script)

    def glyph(self, img: Frame) -> tuple[str, float]:
        self.calls += 1
        return self.inner.glyph(img)


def test_a_hesitant_vn_read_the_classifier_confirms_ends_the_frame(
        clf: LatinClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tuning seed 4242's hard 51S14317: main's reads agreed, both hesitant, capped at 0.75,
    and the search read on (7 calls); its grey read's hesitant glyphs are eng's own."""
    monkeypatch.setattr(latin, "_shared", clf)  # the module's classifier: not trained twice
    rng = random.Random(424312785)
    plate = random_plate(rng, country="VN", layout="1-line")
    scene = render_frame(plate=plate, layout="1-line", difficulty="hard", rng=rng)
    assert scene.plate == "51S14317"
    engine = _Counting(ResidentEngine(DEFAULT_TESSDATA))
    got = TesseractPlateReader(engine).read(scene.image)  # type: ignore[arg-type]
    assert got.plate == "51S14317" and got.confidence >= 0.9
    assert engine.calls <= 2
