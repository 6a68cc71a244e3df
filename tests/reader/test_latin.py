"""The Latin glyph classifier (``edge/reader/latin.py``) on glyphs of fonts it never trains on
(the scene generator's DejaVu and Noto), one batch per plate, and bad input.

Floors are below the figures measured on these fixed seeds (docs/reader-journal.md, round
14: 0.967 of 1224 augmented glyphs of the generator's six Latin fonts, 0.995 right at
confidence >= 0.8); they may only go up.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from edge.reader import inkmemo
from edge.reader.glyphs import LATIN
from edge.reader.latin import LatinClassifier, blob_image, training_set
from smartgate.scenes.plates import LATIN_FONTS


@pytest.fixture(scope="module")
def clf() -> LatinClassifier:
    return LatinClassifier()


def test_glyphs_of_the_generators_fonts_are_read(clf: LatinClassifier) -> None:
    norms, labels = training_set(list(LATIN_FONTS), 3, 5)  # fonts it was not trained on
    guesses = clf.classify(norms)
    right = [g.char == LATIN[y] for g, y in zip(guesses, labels, strict=True)]
    assert sum(right) / len(right) >= 0.93
    sure = [ok for g, ok in zip(guesses, right, strict=True) if g.confidence >= 0.8]
    assert len(sure) >= 0.8 * len(right)
    assert sum(sure) / len(sure) >= 0.98


def test_a_binary_blob_is_read_and_a_plate_is_one_batch(clf: LatinClassifier,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inkmemo, "ENABLED", False)  # each batch searched, not recalled
    norms, labels = training_set([LATIN_FONTS[0]], 1, 3)
    blobs = [blob_image((n < 128).astype(np.uint8)) for n in norms[:8]]
    start = time.process_time()
    for _ in range(20):
        guesses = clf.classify(blobs)
    per_plate = (time.process_time() - start) / 20
    assert [g.char for g in guesses] == [LATIN[y] for y in labels[:8]]
    assert per_plate < 0.02  # ~1-2 ms measured; generous for a loaded test machine


def test_a_blank_glyph_has_no_character(clf: LatinClassifier) -> None:
    blank = np.full((40, 24), 200, np.uint8)
    assert clf.classify([blank])[0].char is None
    assert clf.classify([]) == []


@pytest.mark.parametrize("bad", [
    [np.zeros((0, 5), np.uint8)],  # empty
    [np.zeros((30, 20), np.float32)],  # not uint8
    [np.zeros((30, 20, 4), np.uint8)],  # not grey or BGR
    ["not an image"],
])
def test_bad_input_raises_value_error(clf: LatinClassifier, bad: list[object]) -> None:
    with pytest.raises(ValueError):
        clf.classify(bad)  # type: ignore[arg-type]


def test_no_training_fonts_is_said_once_and_the_lane_reads_on(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A lane computer without the fonts (an image built without scripts/system-deps.sh's
    packages) must say why its reads lack the classifier, once, and not fail a read."""
    from edge.reader import latin

    monkeypatch.setattr(latin, "FONT_FILES", ("/nonexistent/font.ttf",))
    monkeypatch.setattr(latin, "_shared", None)
    monkeypatch.setattr(latin, "_missing", "")
    caplog.set_level("WARNING", logger="edge.reader.latin")
    latin.warm_up().join(timeout=10)
    for _ in range(3):
        with pytest.raises(RuntimeError, match="no Latin training fonts"):
            latin.shared()
    warned = [r for r in caplog.records if "classifier off" in r.getMessage()]
    assert len(warned) == 1
