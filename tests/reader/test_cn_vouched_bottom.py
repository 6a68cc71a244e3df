"""A 2-row Chinese plate's bottom row vouched for by the Latin classifier, chi_sim's
bottom-row call spared (round 26, speed: ``cnvouch``).

``cnvouch.bottom`` gives eng's bottom row as the row read only when eng read five letters and
digits there with no hesitation and the classifier names every glyph as eng read it; a
generated frame of the wide pool whose chi_sim bottom row agreed with eng's reads the same
plate at the same confidence with one chi_sim call fewer.
"""

from __future__ import annotations

import random

import pytest
from countedengine import CountedEngine
from glyphrow import bold_glyph, glyph_row

from edge.reader import cnvouch, latin
from edge.reader import tesseract as tess
from edge.reader.engines import LineRead, line_conf
from edge.reader.latin import LatinClassifier
from edge.reader.province import ProvinceGuess
from smartgate.scenes import random_plate, render_frame


@pytest.fixture(scope="module")
def clf() -> LatinClassifier:
    return LatinClassifier()


def _rows(text: str, xs: list[float], *, margin: float = 0.9, conf: float = 0.95,
          kept: bool = False) -> tuple[LineRead, list[float]]:
    """eng's read of a top-row letter and a bottom row, and where the bottom row starts."""
    chars = tuple((ch, conf, x) for ch, x in zip(text, xs, strict=True))
    read = LineRead(text, conf, chars, tuple(margin for _ in text),
                    tuple(((ch, conf),) for ch in text), kept=kept)
    return read, [(xs[0] + xs[1]) / 2]


def test_five_glyphs_named_as_read_stand_as_the_row_read(clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83A47"])
    read, starts = _rows("K83A47", xs)
    got = cnvouch.bottom(read, row, starts, clf)
    assert got is not None and got.text == "83A47" and got.conf == pytest.approx(0.95)


def test_one_glyph_named_otherwise_leaves_the_row_to_chi_sim(clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83A47"])
    read, starts = _rows("K63A47", xs)  # the classifier names the 8 an 8
    assert cnvouch.bottom(read, row, starts, clf) is None


@pytest.mark.parametrize("kw", [{"margin": 0.1}, {"conf": 0.6}, {"kept": True}])
def test_a_hesitant_unsure_or_noise_row_read_is_not_vouched(
        clf: LatinClassifier, kw: dict[str, float]) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83A47"])
    read, starts = _rows("K83A47", xs, **kw)  # type: ignore[arg-type]
    assert cnvouch.bottom(read, row, starts, clf) is None


def test_a_bottom_row_of_four_or_one_row_is_not_vouched(clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83A4"])
    read, starts = _rows("K83A4", xs)
    assert cnvouch.bottom(read, row, starts, clf) is None
    row, xs = glyph_row([bold_glyph(c) for c in "K83A47"])
    read, _ = _rows("K83A47", xs)
    assert cnvouch.bottom(read, row, [], clf) is None


def test_off_the_row_is_chi_sims(clf: LatinClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cnvouch, "ENABLED", False)
    row, xs = glyph_row([bold_glyph(c) for c in "K83A47"])
    read, starts = _rows("K83A47", xs)
    assert cnvouch.bottom(read, row, starts, clf) is None


@pytest.mark.parametrize("enabled", [True, False])
def test_a_vouched_bottom_row_spares_chi_sims_call_and_reads_the_same(
        clf: LatinClassifier, monkeypatch: pytest.MonkeyPatch, enabled: bool) -> None:
    """Wide pool 3101, easy: 云WR02D9 on two rows. chi_sim's bottom-row read agreed with
    eng's; eng's five glyphs, named as read by the classifier, stand for it."""
    monkeypatch.setattr(latin, "_shared", clf)  # the module's classifier: not trained twice
    monkeypatch.setattr(cnvouch, "ENABLED", enabled)
    rng = random.Random(310109305)
    plate = random_plate(rng, country="CN", layout="2-line")
    image = render_frame(plate=plate, layout="2-line", difficulty="easy", rng=rng).image
    engine = CountedEngine()
    got = tess.TesseractPlateReader(engine).read(image)
    assert got.plate == plate == "云WR02D9" and got.confidence == pytest.approx(0.8912)
    assert engine.calls["cjk"] == (1 if enabled else 2)  # main: the top row, then the bottom


def test_only_a_province_the_classifier_names_itself_spares_the_row() -> None:
    """A province the classifier confirms needs no glyph call for the band."""
    assert cnvouch.province_sure(ProvinceGuess("桂", 0.9, 0.8), "桂")
    assert not cnvouch.province_sure(ProvinceGuess("桂", 0.6, 0.3), "桂")  # under the margin
    assert not cnvouch.province_sure(ProvinceGuess("粤", 0.9, 0.8), "桂")
    assert not cnvouch.province_sure(ProvinceGuess(None, 0.9, 0.8), "桂")
    assert not cnvouch.province_sure(None, "桂")


def test_the_rows_confidence_counts_the_top_rows_letter(clf: LatinClassifier) -> None:
    """The read is capped by its Latin letters, the top-row letter with them
    (``tail_stats``): an unsure one shows in the vouched row's confidence (v3: 桂B2G0LZ)."""
    row, xs = glyph_row([bold_glyph(c) for c in "K83A47"])
    read, starts = _rows("K83A47", xs)
    unsure = LineRead(read.text, read.conf, (("K", 0.5, xs[0]), *read.chars[1:]),
                      read.margins, read.alts)
    got = cnvouch.bottom(unsure, row, starts, clf)
    assert got is not None and got.text == "83A47"
    assert got.conf == pytest.approx(line_conf([0.5] + [0.95] * 5)) and got.conf < 0.95
