"""The Latin glyph CNN (``edge/reader/glyphnet.py``, run by ``cv2.dnn``): its committed model
file, the k-NN's interface (``LatinGuess``, one batch per plate), and its reason to exist: it
reads the scene generator's glyphs (fonts it never trained on) better than the k-NN, the
DejaVu 1 the k-NN calls J above all (docs/reader-journal.md, round 19).
"""

from __future__ import annotations

import numpy as np
import pytest

from edge.reader import glyphnet, latin
from edge.reader.glyphs import LATIN
from edge.reader.latin import LatinClassifier, blob_image, training_set
from smartgate.scenes.plates import LATIN_FONTS

#: Bump with the model (scripts/train_glyph_cnn.py --which latin --seed 19): a model file
#: changed by accident (a merge, a LFS pointer, a truncated copy) must not read plates.
LATIN_SHA256 = "4bbbe2bded1a9363880ad13dcb8e017b9546cc1d57326067515d1b65f944977d"


@pytest.fixture(scope="module")
def cnn() -> glyphnet.CnnLatin:
    return glyphnet.CnnLatin()


def test_the_model_file_is_the_trained_one_and_small() -> None:
    assert glyphnet.sha256(glyphnet.LATIN_ONNX) == LATIN_SHA256
    assert glyphnet.LATIN_ONNX.stat().st_size < 1_000_000


def test_the_reader_uses_the_cnn_where_its_model_is_installed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(latin, "_shared", None)
    assert isinstance(latin.shared(), glyphnet.CnnLatin)
    monkeypatch.setattr(latin, "_shared", None)
    monkeypatch.setattr(glyphnet, "LATIN_ONNX", glyphnet.MODELS / "missing.onnx")
    assert isinstance(glyphnet.latin_classifier(lambda: "knn"), str)  # type: ignore[arg-type,return-value]


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


def test_the_generators_glyphs_are_read_better_than_by_the_knn(cnn: glyphnet.CnnLatin) -> None:
    """At the callers' 0.8 (``latin.TRUST``) the CNN names more of the generator's glyphs
    right than the k-NN, and fewer wrong; its 1s are 1s, the k-NN's often J."""
    norms, labels = training_set(list(LATIN_FONTS), 3, 5)  # fonts neither trained on
    truth = [LATIN[y] for y in labels]
    figures = {}
    for name, clf in (("knn", LatinClassifier()), ("cnn", cnn)):
        guesses = clf.classify(norms)
        sure = [(g.char == t) for g, t in zip(guesses, truth, strict=True) if g.confidence >= 0.8]
        ones = [g.char for g, t in zip(guesses, truth, strict=True) if t == "1"]
        figures[name] = (sum(sure), len(sure) - sum(sure), ones.count("1") / len(ones))
    assert figures["cnn"][0] >= figures["knn"][0]
    assert figures["cnn"][1] <= figures["knn"][1]
    assert figures["cnn"][2] > figures["knn"][2]
