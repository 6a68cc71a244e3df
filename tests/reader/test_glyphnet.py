"""The Latin glyph CNN (``edge/reader/glyphnet.py``, run by ``cv2.dnn``) and its use as a veto
on the k-NN's sure names: its committed model file, the k-NN's interface (``LatinGuess``,
one batch per plate), and its reason to exist: on the scene generator's glyphs (fonts neither
model trained on) the veto drops wrong sure names and no right one (docs/reader-journal.md,
round 19).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from edge.reader import glyphnet, latin
from edge.reader.glyphs import LATIN
from edge.reader.latin import LatinClassifier, LatinGuess, blob_image, training_set
from smartgate.scenes.plates import LATIN_FONTS

#: Bump with the model (scripts/train_glyph_cnn.py --which latin --seed 19): a model file
#: changed by accident (a merge, an LFS pointer, a truncated copy) must not read plates.
LATIN_SHA256 = "4bbbe2bded1a9363880ad13dcb8e017b9546cc1d57326067515d1b65f944977d"


@pytest.fixture(scope="module")
def cnn() -> glyphnet.CnnLatin:
    return glyphnet.CnnLatin()


def test_the_model_file_is_the_trained_one_and_small() -> None:
    assert glyphnet.sha256(glyphnet.LATIN_ONNX) == LATIN_SHA256
    assert glyphnet.LATIN_ONNX.stat().st_size < 1_000_000


def test_the_reader_vetoes_with_the_cnn_where_its_model_is_installed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(latin, "_shared", None)
    assert isinstance(latin.shared(), glyphnet.Vetoed)
    monkeypatch.setattr(glyphnet, "LATIN_ONNX", glyphnet.MODELS / "missing.onnx")
    assert glyphnet.latin_classifier(lambda: "knn") == "knn"  # type: ignore[arg-type,return-value]


def test_a_plate_is_one_batch_and_a_blank_has_no_character(cnn: glyphnet.CnnLatin) -> None:
    norms, labels = training_set([LATIN_FONTS[0]], 1, 3)
    blobs = [blob_image((n < 128).astype(np.uint8)) for n in norms[:8]]
    blank = np.full((40, 24), 200, np.uint8)
    guesses = cnn.classify([*blobs, blank])
    assert [g.char for g in guesses[:8]] == [LATIN[y] for y in labels[:8]]
    assert guesses[8].char is None and guesses[8].confidence == 0.0
    assert all(0.0 <= g.margin <= g.confidence <= 1.0 for g in guesses)
    assert cnn.classify([]) == []
    with pytest.raises(ValueError):
        cnn.classify([np.zeros((30, 20), np.float32)])


class _Scripted:
    def __init__(self, guesses: list[LatinGuess]) -> None:
        self.guesses, self.calls = guesses, 0

    def classify(self, glyphs: list[np.ndarray]) -> list[LatinGuess]:
        self.calls += 1
        return self.guesses[:len(glyphs)]


def test_only_a_sure_contrary_cnn_vetoes_and_the_char_stays() -> None:
    knn: Any = _Scripted([LatinGuess("J", 0.9, 0.85, {"J": 0.9}),
                          LatinGuess("8", 0.95, 0.9, {"8": 0.95}),
                          LatinGuess("5", 0.6, 0.3, {"5": 0.6})])
    cnn: Any = _Scripted([LatinGuess("1", 0.96, 0.95, {"1": 0.96, "J": 0.02}),
                          LatinGuess("B", 0.7, 0.5, {"B": 0.7, "8": 0.2})])
    g = [np.zeros((30, 20), np.uint8)] * 3
    out = glyphnet.Vetoed(knn, cnn).classify(g)
    assert out[0].char == "J" and out[0].confidence == 0.46 < latin.TRUST
    assert out[0].margin <= out[0].confidence
    # An unsure CNN vetoes nothing; an unsure k-NN is asked nothing (no fill).
    assert out[1:] == knn.guesses[1:]
    knn.guesses = knn.guesses[2:]
    assert glyphnet.Vetoed(knn, cnn).classify(g[:1]) == knn.guesses and cnn.calls == 1


def test_the_veto_drops_wrong_sure_names_of_the_generators_glyphs_and_no_right_one(
        cnn: glyphnet.CnnLatin) -> None:
    norms, labels = training_set(list(LATIN_FONTS), 3, 5)  # fonts neither model trained on
    truth = [LATIN[y] for y in labels]
    knn = LatinClassifier()

    def sure(guesses: list[LatinGuess]) -> tuple[int, int]:
        named = [g.char == t for g, t in zip(guesses, truth, strict=True)
                 if g.confidence >= latin.TRUST]
        return sum(named), len(named) - sum(named)

    (right, wrong), (v_right, v_wrong) = sure(knn.classify(norms)), sure(
        glyphnet.Vetoed(knn, cnn).classify(norms))
    assert v_right >= right - 1 and v_wrong < wrong
