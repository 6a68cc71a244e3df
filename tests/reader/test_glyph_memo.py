"""Round 28 (speed): the Latin classifier's guesses kept glyph by glyph, the dispute rule
asking only glyphs it could dispute, and the green-plate test counted by OpenCV: the same
answers as before, less work (``inkmemo.Memo.each``, ``latin.LatinClassifier.classify``,
``disputes.disputable``, ``greenplate.green``).

Why these tests: each cut is exact only on a premise (a glyph's guess does not depend on the
batch it is asked in; a letter outside the pairs is never disputed; OpenCV's counts are
numpy's), so the premise is tested beside the saving.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest
from glyphrow import bold_glyph, glyph_row

from domain.plate_candidates import Candidate
from edge.reader import disputes, greenplate, inkmemo
from edge.reader.claims import CropRead
from edge.reader.engines import LineRead
from edge.reader.latin import LatinClassifier, LatinGuess, blob_image, training_set
from edge.reader.platecolour import HUES, SATURATION, VALUE
from smartgate.scenes.plates import LATIN_FONTS


@pytest.fixture(scope="module")
def blobs() -> list[np.ndarray]:
    norms, _ = training_set([LATIN_FONTS[0]], 1, 3)
    return [blob_image((n < 128).astype(np.uint8)) for n in norms[:10]]


def _searched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows of each k-NN search (OpenCV's ``batchDistance``, which still runs)."""
    rows: list[int] = []
    real = cv2.batchDistance

    def counted(q: np.ndarray, *a: Any, **k: Any) -> Any:
        rows.append(len(q))
        return real(q, *a, **k)

    monkeypatch.setattr(cv2, "batchDistance", counted)
    return rows


def test_a_glyph_s_guess_does_not_depend_on_its_batch(blobs: list[np.ndarray],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The premise: each glyph alone is guessed exactly as in any batch."""
    monkeypatch.setattr(inkmemo, "ENABLED", False)
    clf = LatinClassifier()
    batch = clf.classify(blobs)
    assert [clf.classify([b])[0] for b in blobs] == batch
    assert clf.classify(blobs[::-1]) == batch[::-1]


def test_overlapping_batches_search_only_the_glyphs_not_seen(
        blobs: list[np.ndarray], monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as m:
        m.setattr(inkmemo, "ENABLED", False)
        fresh = LatinClassifier().classify(blobs)
    clf = LatinClassifier()
    rows = _searched(monkeypatch)
    head = clf.classify(blobs[:6])
    tail = clf.classify([b.copy() for b in blobs[4:]])  # two seen, four new
    assert rows == [6, 4]
    assert head + tail[2:] == fresh
    assert clf.classify([blobs[7], blobs[0], blobs[7]]) == [fresh[7], fresh[0], fresh[7]]
    assert rows == [6, 4]  # all kept: no search


def _read(plate: str, text: str) -> tuple[CropRead, LineRead, np.ndarray]:
    row, xs = glyph_row([bold_glyph(c) for c in text])
    chars = tuple((ch, 0.95, x) for ch, x in zip(text, xs, strict=True))
    line = LineRead(text, 0.95, chars, tuple(0.6 for _ in text),
                    tuple(((ch, 0.95),) for ch in text))
    country = "VN" if plate[0].isdigit() else "CN"
    read = CropRead(Candidate(plate, country, 0, 0), 0.95, plate, "1-line", sure=True,
                    margin=0.6, seconded=country == "CN")
    return read, line, row


@pytest.mark.parametrize(("plate", "text", "asked"), [
    ("桂GFE3AJ", "GFE3AJ", "3"),  # five letters no pair holds: only the digit is asked
    ("桂ZDE8522", "ZDE8522", "ZD8522"),  # Z/2 and D/0 are pairs; E is not
    ("51R76159", "51R76159", "5176159"),  # a VN series letter outside the pairs
    ("桂T7WXY3", "T7WXY3", "T73"),  # a Chinese tail's T/7 (CN_PAIRS)
])
def test_the_dispute_rule_asks_only_glyphs_it_could_dispute(
        plate: str, text: str, asked: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def scripted(images: list[np.ndarray]) -> list[LatinGuess]:
        seen.append(len(images))
        return [LatinGuess("Q", 1.0, 1.0, {"Q": 1.0}) for _ in images]  # names nothing disputed

    monkeypatch.setattr(disputes, "guesses", scripted)
    read, line, row = _read(plate, text)
    assert disputes.doubted(read, line, row) is read
    assert seen == [len(asked)]
    assert [c for c in text if disputes.disputable(c, disputes.CN_PAIRS if plate[0] > "9"
                                                   else disputes.PAIRS)] == list(asked)


def test_a_tail_of_letters_no_pair_holds_asks_the_classifier_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def never(images: list[np.ndarray]) -> list[LatinGuess]:
        raise AssertionError("classified")

    monkeypatch.setattr(disputes, "guesses", never)
    read, line, row = _read("桂GFEHAJ", "GFEHAJ")
    assert disputes.doubted(read, line, row) is read


def _numpy_green(crop: np.ndarray) -> bool:
    """Round 27's test, numpy's boolean masks."""
    hsv = cv2.cvtColor(np.ascontiguousarray(crop[..., :3]), cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    vivid = (sat >= SATURATION) & (val >= VALUE)
    shares = [float((vivid & (hue >= lo) & (hue < hi)).mean()) for lo, hi in HUES]
    return shares[1] >= greenplate.SHARE and shares[1] == max(shares)


def test_the_green_test_counts_as_numpy_did() -> None:
    rng = np.random.default_rng(28)
    greens = 0
    for i in range(400):
        h, w = int(rng.integers(5, 120)), int(rng.integers(5, 300))
        crop = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        if i % 2:  # smooth colour fields, some of them green plates
            crop = np.asarray(cv2.resize(rng.integers(0, 256, (2, 3, 3), dtype=np.uint8),
                                         (w, h)), np.uint8)
        want = _numpy_green(crop)
        greens += want
        assert greenplate.green(crop) == want
    assert greens > 5  # both answers were met
