"""A read's character a second model names otherwise is a doubt on the read, not a change of
it (``edge.reader.disputes``; docs/reader-journal.md, round 24: the scan pool's band errors).

Why these tests: a wrong read at >= 0.8 may open a lane for the wrong truck. The pool's were
a 5 eng read 9 that the Latin classifier named 5 (51R76159 read 91R76159 at 0.93; no plate
since round 25, 91 is not issued: the test's 5 is the serial's), a Z both
models read 2 (桂V76Z6H read 桂V7626H at 0.99), and a 粤 chi_sim read 吉 in its row and its
glyph read, the province classifier naming 粤 (吉TZ28F5 at 0.80).
"""

from __future__ import annotations

import numpy as np
import pytest
from glyphrow import bold_glyph, glyph_row
from PIL import Image, ImageDraw

from domain.plate_candidates import Candidate
from edge.reader import latin
from edge.reader.claims import CropRead
from edge.reader.disputes import doubted, province_disputed
from edge.reader.engines import DEFAULT_TESSDATA, LineRead, ResidentEngine
from edge.reader.latin import LatinClassifier
from edge.reader.province import ProvinceGuess
from edge.reader.provlooks import province_confirmed
from edge.reader.segment import segment
from smartgate.scenes.plates import CJK_FONTS, LATIN_FONTS, _font


@pytest.fixture(scope="module")
def clf() -> LatinClassifier:
    return LatinClassifier()


def _line(text: str, xs: list[float]) -> LineRead:
    chars = tuple((ch, 0.95, x) for ch, x in zip(text, xs, strict=True))
    return LineRead(text, 0.95, chars, tuple(0.6 for _ in text),
                    tuple(((ch, 0.95),) for ch in text))


def _sure(plate: str, country: str = "VN") -> CropRead:
    return CropRead(Candidate(plate, country, 0, 0), 0.95, plate, "1-line", sure=True,
                    margin=0.6, settled=True, seconded=country == "CN")


def test_a_digit_the_classifier_names_as_another_leaves_the_read_no_lead(
        clf: LatinClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    """51R76159 read 51R76199, sure alone: the classifier names its seventh glyph 5."""
    monkeypatch.setattr(latin, "_shared", clf)
    row, xs = glyph_row([bold_glyph(c) for c in "51R76159"])
    got = doubted(_sure("51R76199"), _line("51R76199", xs), row)
    assert got.cand.plate == "51R76199"  # a doubt, not a change
    assert got.margin == 0.0 and not got.sure and not got.settled


def test_a_chinese_tail_letter_read_as_its_digit_is_doubted(
        clf: LatinClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    """桂V76Z6H read 桂V7626H by both models (seconded at 0.99): its 2 is named Z; the tail
    is aligned on eng's last characters (the province's junk before it is not judged)."""
    monkeypatch.setattr(latin, "_shared", clf)
    row, xs = glyph_row([bold_glyph(c) for c in "4V76Z6H"])
    got = doubted(_sure("桂V7626H", "CN"), _line("4V7626H", xs), row)
    assert got.margin == 0.0 and not got.seconded and not got.sure


def test_a_read_its_glyphs_name_as_read_is_left_as_it_is(
        clf: LatinClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(latin, "_shared", clf)
    row, xs = glyph_row([bold_glyph(c) for c in "51R76159"])
    read = _sure("51R76159")
    assert doubted(read, _line("51R76159", xs), row) is read


def test_a_chinese_tails_t_the_classifier_names_7_is_doubted(
        clf: LatinClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    """Round 25: scan 5402's easy 2-row 桂P7VNHY read 桂PTVNHY at 0.90 (chi_sim's T for the 7
    on every crop, eng's on most); the classifier names that glyph 7. Not on a VN plate,
    whose series T may lean like a 7 and whose grammar settles the letter."""
    monkeypatch.setattr(latin, "_shared", clf)
    row, xs = glyph_row([bold_glyph(c) for c in "4P7VNHY"])
    got = doubted(_sure("桂PTVNHY", "CN"), _line("4PTVNHY", xs), row)
    assert got.cand.plate == "桂PTVNHY" and got.margin == 0.0 and not got.seconded
    row_vn, xs_vn = glyph_row([bold_glyph(c) for c in "51776159"])
    read = _sure("51T76159")
    assert doubted(read, _line("51T76159", xs_vn), row_vn) is read


def test_a_letter_pair_outside_the_classified_pairs_is_no_dispute(
        clf: LatinClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    """A VN series letter is the grammar's; the classifier's letters for eng's are not asked
    (its J and F for a 1 are its fonts' habits, round 14)."""
    monkeypatch.setattr(latin, "_shared", clf)
    row, xs = glyph_row([bold_glyph(c) for c in "51K76159"])
    read = _sure("51X76159")
    assert doubted(read, _line("51X76159", xs), row) is read


def test_a_province_the_classifier_names_otherwise_is_disputed() -> None:
    assert province_disputed(ProvinceGuess("粤", 1.0, 1.0), "吉")
    assert not province_disputed(ProvinceGuess("粤", 1.0, 1.0), "粤")
    assert not province_disputed(ProvinceGuess("粤", 0.6, 0.2), "吉")  # a lean, no verdict
    assert not province_disputed(ProvinceGuess(None, 1.0, 1.0), "吉")  # no province glyph
    assert not province_disputed(None, "吉")


class _ChiSimSaysJi(ResidentEngine):
    """chi_sim as on the pool's 粤TZ28F5: its glyph read names 吉."""

    def __init__(self) -> None:
        super().__init__(DEFAULT_TESSDATA)

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        return "吉", 0.95


def _plate(province: str, tail: str) -> np.ndarray:
    img = Image.new("RGB", (620, 140), (255, 255, 255))
    for text, font, x in ((province, CJK_FONTS[0], 30), (tail, LATIN_FONTS[0], 125)):
        ImageDraw.Draw(img).text((x, 21), text, font=_font(font, 82), fill=(0, 0, 0))
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def test_chi_sims_glyph_read_does_not_confirm_a_province_the_classifier_disputes() -> None:
    """One model's two looks are not a second model's: the province stays unconfirmed (the
    read under the band), where on main chi_sim's glyph read confirmed 吉 (the classifier
    names this plate's 湘, as it named the pool's 粤)."""
    lines = segment(_plate("湘", "A12345"))
    assert lines is not None
    engine = _ChiSimSaysJi()
    assert not province_confirmed(engine, lines, {}, "吉")
    assert province_confirmed(engine, lines, {}, "湘")
