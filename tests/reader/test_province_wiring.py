"""The province classifier wired into the Chinese path: a second look at the province that
spares chi_sim's glyph call when it names the same province as chi_sim's row read."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scriptedreader import GlyphCounting

from edge.reader import painted
from edge.reader.chinese import CLASSIFIER_ONLY, CLASSIFIER_WEAK, read_cn
from edge.reader.claims import CLASSIFIED, CropRead
from edge.reader.engines import LineRead
from edge.reader.province import ProvinceGuess
from edge.reader.provlooks import classified, province_confirmed
from edge.reader.segment import Lines, segment
from edge.reader.tesseract import ACCEPT, TesseractPlateReader
from smartgate.scenes.plates import CJK_FONTS, LATIN_FONTS, _font


def _plate(province: str, tail: str) -> np.ndarray:
    """Dark text on white, BGR: the province glyph (if any) in a CJK font, then the tail."""
    img = Image.new("RGB", (620, 140), (255, 255, 255))
    parts = [(province, CJK_FONTS[0], 30), (tail, LATIN_FONTS[0], 125 if province else 30)]
    for text, font, x in parts:
        ImageDraw.Draw(img).text((x, 21), text, font=_font(font, 82), fill=(0, 0, 0))
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def test_classifier_confirms_the_province_without_a_chi_sim_glyph_call() -> None:
    lines = segment(_plate("湘", "A12345"))
    assert lines is not None
    engine = GlyphCounting()
    cache: dict[str, object] = {}
    guess = classified(lines, cache)
    assert guess is not None and guess.char == "湘"
    assert province_confirmed(engine, lines, cache, "湘")
    assert engine.glyphs == 0


def test_a_province_the_classifier_does_not_name_still_asks_chi_sim() -> None:
    lines = segment(_plate("湘", "A12345"))
    assert lines is not None
    engine = GlyphCounting()
    cache: dict[str, object] = {}
    assert not province_confirmed(engine, lines, cache, "桂")
    # A 1-row plate: chi_sim reads the province cutter's cut, then (no 桂 there, or not
    # surely) the window beside it too (provlooks.glyph_read, round 14).
    assert engine.glyphs == 2


def test_no_chi_sim_glyph_call_when_the_classifier_sees_no_province() -> None:
    """A row that starts with a Latin letter (a painted sign, a plate without its province):
    the classifier rejects the glyph, so chi_sim is not forced to name a province for it."""
    lines = segment(_plate("", "AB12345"))
    assert lines is not None
    engine = GlyphCounting()
    cache: dict[str, object] = {}
    assert read_cn(engine, lines, lines.gray, ["AB12345"], 1.0, cache) is None
    guess = classified(lines, cache)
    assert guess is not None and guess.char is None
    assert engine.glyphs == 0


class _ChiSimBlind(GlyphCounting):
    """chi_sim as on the frames where it misses the province: the row read loses the glyph
    (川 read as "UN"), and the glyph read alone is unsure."""

    def read(self, img: np.ndarray, *, script: str = "latin") -> LineRead:  # type: ignore[override]
        got = super().read(img, script=script)  # type: ignore[arg-type]
        if script == "cjk":
            return LineRead("UN" + got.text[1:], got.conf)
        return got

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        self.glyphs += 1
        return "吉", 0.5


def test_the_classifier_names_the_province_chi_sim_missed_but_never_confirms_itself(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Where chi_sim finds no province (row read and glyph read), a classifier guess with a
    clear margin makes the plate; the same classifier cannot confirm it, so however many
    preprocessings agree the read stays under the search's stop and the band a lane may act
    on alone. (The drawn plate has no border and white runs on past its characters: round
    27's paint test, off here, would take it for painted lettering.)"""
    monkeypatch.setattr(painted, "ENABLED", False)
    image = _plate("川", "R12345")
    lines = segment(image)
    assert lines is not None
    engine = _ChiSimBlind()
    cache: dict[str, object] = {}
    got = read_cn(engine, lines, lines.gray, ["JUR12345"], 1.0, cache)
    assert got is not None and got[0].plate == "川R12345"
    assert cache["classifier_only"] is True and "cn" not in cache  # chi_sim is asked again
    read = TesseractPlateReader(_ChiSimBlind()).read(image)
    assert read.plate == "川R12345"
    assert 0.3 <= read.confidence <= CLASSIFIED < ACCEPT


def test_an_unsure_classifier_does_not_name_a_province_chi_sim_missed() -> None:
    lines = segment(_plate("川", "R12345"))
    assert lines is not None
    engine = _ChiSimBlind()
    cache: dict[str, object] = {"class": ProvinceGuess("川", 0.6, 0.35)}
    assert read_cn(engine, lines, lines.gray, ["JUR12345"], 1.0, cache) is None


def test_a_weak_classifier_margin_names_the_province_only_for_agreeing_reads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """From CLASSIFIER_WEAK to CLASSIFIER_ONLY the classifier names a province chi_sim missed
    (a blurred 川 leads at margin ~0.45), but a plate only one preprocessing reads with it
    is dropped: the tail came with no second read either (round 15: 桂PB505F for 桂P3605C).
    (Round 27's paint test off: the drawn plate has no border, see the test above.)"""
    monkeypatch.setattr(painted, "ENABLED", False)
    guess = ProvinceGuess("川", 0.7, (CLASSIFIER_WEAK + CLASSIFIER_ONLY) / 2)
    monkeypatch.setattr("edge.reader.provlooks.read_province", lambda row, clf: guess)
    image = _plate("川", "R12345")
    lines = segment(image)
    assert lines is not None
    cache: dict[str, object] = {}
    got = read_cn(_ChiSimBlind(), lines, lines.gray, ["JUR12345"], 1.0, cache)
    assert got is not None and got[0].plate == "川R12345"
    assert cache["classifier_only"] is True and cache["classifier_weak"] is True
    read = TesseractPlateReader(_ChiSimBlind()).read(image)  # grey and binary rows agree
    assert read.plate == "川R12345"
    assert 0.3 <= read.confidence <= CLASSIFIED

    reader = TesseractPlateReader(_ChiSimBlind())
    plain = reader._read_lines
    calls: list[str] = []

    def one_reads(lines: Lines, variant: str, cache: dict[str, object]) -> CropRead | None:
        calls.append(variant)
        return plain(lines, variant, cache) if variant == "gray" else None

    reader._read_lines = one_reads  # type: ignore[method-assign]
    assert reader._read_lines_all(lines) is None  # a lone weak read
    assert calls == ["gray", "binary", "adaptive"]


@pytest.mark.parametrize(("margin", "read"), [(CLASSIFIER_ONLY, True), (CLASSIFIER_WEAK, False)])
def test_a_weak_classifier_province_is_not_taken_for_a_crop_of_too_many_glyphs(
        monkeypatch: pytest.MonkeyPatch, margin: float, read: bool) -> None:
    """A row of more glyphs than the plate (a painted CHUYEN TUYEN whose C the classifier
    called 川 at margin 0.56 read 川ENTUYE on a plate-free frame, round 15): a weak margin
    does not name its province; the old margin still does, as before."""
    guess = ProvinceGuess("川", 0.9, margin)
    monkeypatch.setattr("edge.reader.provlooks.read_province", lambda row, clf: guess)
    lines = segment(_plate("川", "R123456"))
    assert lines is not None and lines.chars - len("川R12345") > 2  # not fitting
    got = TesseractPlateReader(_ChiSimBlind())._read_lines(lines, "gray", {})
    assert (got is not None and got.cand.plate.startswith("川")) is read


@pytest.mark.parametrize(("province", "tail", "plate"), [("", "11812345", None),
                                                         ("川", "R12345", "川R12345")])
def test_a_weak_classifier_province_is_not_taken_for_a_row_eng_read_as_digits(
        monkeypatch: pytest.MonkeyPatch, province: str, tail: str, plate: str | None) -> None:
    """A row eng reads as digits only (a VN plate's "11" beside a lost series letter) does not
    become a Chinese plate by a weak classifier province and a repaired letter (round 15:
    Cao Bang's 11D11076 read 川D11076 at 0.70, its "11" called 川); a row with its letter
    still does."""
    guess = ProvinceGuess("川", 0.7, (CLASSIFIER_WEAK + CLASSIFIER_ONLY) / 2)
    monkeypatch.setattr("edge.reader.provlooks.read_province", lambda row, clf: guess)
    lines = segment(_plate(province, tail))
    assert lines is not None
    got = TesseractPlateReader(_ChiSimBlind())._read_lines(lines, "gray", {})
    assert (None if got is None else got.cand.plate) == plate
