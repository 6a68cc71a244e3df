"""The Latin classifier as a VN grey read's second look over every glyph, in place of the
binary read; a refit's read sure alone believed without its source (round 24, speed).

``wholevouch.vouched`` says yes only when every letter and digit glyph is named as eng read
it; a generated frame of the wide pool (3101 easy, 51DA-133) whose grey read was '51DA133' at
0.72 with a slot of no LSTM choice, which main read again from the binary image, ends at its
grey read. A refit's scripted read, sure alone, is not capped and its source is not read.
"""

from __future__ import annotations

import random

import pytest
from glyphrow import bold_glyph, glyph_row
from test_latin_confirmed import _Counting
from test_outline_refit import FRAME, _Refitted, _segments  # noqa: F401  (_segments: a fixture)

from domain.plate_candidates import Candidate
from edge.reader import latin, wholevouch
from edge.reader import tesseract as tess
from edge.reader.base import ACT, Frame
from edge.reader.claims import CropRead
from edge.reader.engines import DEFAULT_TESSDATA, LineRead, ResidentEngine
from edge.reader.latin import LatinClassifier
from smartgate.scenes import random_plate, render_frame


@pytest.fixture(scope="module")
def clf() -> LatinClassifier:
    return LatinClassifier()


def _line(text: str, xs: list[float], conf: float = 0.7) -> LineRead:
    chars = tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True))
    return LineRead(text, conf, chars, tuple(0.0 for _ in text), tuple(() for _ in text))


def test_every_glyph_named_as_read_is_vouched(clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83"])
    assert wholevouch.vouched(_line("K83", xs), row, clf)


def test_one_glyph_named_otherwise_is_not(clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83"])
    assert not wholevouch.vouched(_line("K63", xs), row, clf)


def test_a_read_under_the_floor_is_not_asked(clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83"])
    assert not wholevouch.vouched(_line("K83", xs, conf=wholevouch.FLOOR - 0.01), row, clf)


def test_a_glyph_with_no_whole_blob_is_not_vouched(clf: LatinClassifier) -> None:
    row, xs = glyph_row([bold_glyph(c) for c in "K83"])
    assert not wholevouch.vouched(_line("K83", [xs[0], xs[1], 2.0]), row, clf)


def _frame() -> tuple[Frame, str]:
    rng = random.Random(310109310)  # wide pool 3101, easy: 51DA-133 on two rows
    plate = random_plate(rng, country="VN", layout="2-line")
    return render_frame(plate=plate, layout="2-line", difficulty="easy", rng=rng).image, plate


@pytest.mark.parametrize("enabled", [True, False])
def test_a_vouched_grey_read_ends_the_frame_with_no_binary_call(
        clf: LatinClassifier, monkeypatch: pytest.MonkeyPatch, enabled: bool) -> None:
    monkeypatch.setattr(latin, "_shared", clf)  # the module's classifier: not trained twice
    monkeypatch.setattr(wholevouch, "ENABLED", enabled)
    image, truth = _frame()
    engine = _Counting(ResidentEngine(DEFAULT_TESSDATA))
    got = tess.TesseractPlateReader(engine).read(image)
    assert got.plate == truth == "51DA133" and got.confidence >= ACT
    assert engine.calls == (1 if enabled else 2)  # main: grey, then binary


def _read(plate: str, conf: float, *, sure: bool, agreed: bool) -> CropRead:
    return CropRead(Candidate(plate, "VN", 0, 0), conf, plate, "1-line", sure=sure,
                    agreed=agreed, margin=0.9 if sure else 0.0)


@pytest.mark.usefixtures("_segments")
def test_a_refits_read_sure_alone_stands_with_no_source_read() -> None:
    # Measured (wide pool): 24 refit reads sure alone, all right; main read each source too.
    reader = _Refitted(_read("98Y81327", 0.99, sure=True, agreed=False),
                       _read("98Y81327", 0.99, sure=True, agreed=False))
    got = reader.read(FRAME)
    assert reader.read_count == 1 and got.plate == "98Y81327" and got.confidence == 0.99


@pytest.mark.usefixtures("_segments")
def test_a_refits_agreement_still_waits_for_its_source() -> None:
    # Measured (wide pool): 98V46537's refit read 98V46531 at 0.99 by two agreeing reads.
    reader = _Refitted(_read("98V46531", 0.99, sure=False, agreed=True),
                       _read("98V46537", 0.80, sure=True, agreed=False))
    got = reader.read(FRAME)
    assert reader.read_count == 2 and got.plate == "98V46531"
    assert got.confidence == pytest.approx(ACT - 0.01)
