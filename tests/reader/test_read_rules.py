"""Table tests for the per-read rules (edge/reader/rules.py) and generated-image tests for
the segmentation fallbacks (uneven light, a plate inside a taller quad)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from edge.reader.engines import LineRead, _margin
from edge.reader.rules import extra_after_series, series_from_choices, vn_plates, words
from edge.reader.segment import segment
from smartgate.scenes.plates import LATIN_FONTS, _font


def _read(text: str, alts: dict[int, tuple[tuple[str, float], ...]]) -> LineRead:
    chars = tuple((ch, 0.95, 30.0 * i) for i, ch in enumerate(text))
    choice = tuple(alts.get(i, ((ch, 0.95),)) for i, ch in enumerate(text))
    return LineRead(text, 0.95, chars, tuple(_margin(c[0], a) for c, a in zip(chars, choice,
                                                                             strict=True)),
                    choice)


@pytest.mark.parametrize(("text", "alts", "plate"), [
    ("1176841", {2: (("T", 0.80), ("7", 0.76))}, "11T6841"),  # T behind the chosen 7
    ("2165432", {2: (("6", 0.93), ("G", 0.55))}, "21G5432"),
    ("2102972", {2: (("U", 0.90), ("0", 0.44))}, "21U2972"),
    ("12831787", {}, None),  # no letter offered: a row of digits stays no plate
    ("19006868", {2: (("0", 0.95), ("D", 0.1))}, None),  # a hotline: D far too weak
    ("0912345678", {2: (("1", 0.9), ("T", 0.6))}, None),  # a phone number: no plate shape
])
def test_series_letter_only_from_the_models_own_choices(text: str, alts: dict[int, tuple[
        tuple[str, float], ...]], plate: str | None) -> None:
    got = series_from_choices(_read(text, alts), text)
    assert (got[0].plate if got else None) == plate
    assert all(c.corrections >= 1 for c in got)  # counted as a repair, never sure alone


@pytest.mark.parametrize(("text", "dash_unseen", "plate"), [
    ("215236016", True, "21S36016"),  # 21S-360.16, the dash read as 2: not 21S23601
    ("29G635592", True, "29G35592"),  # the dash read as 6: not 29G63559
    ("29G635592", False, "29G63559"),  # a dash was read elsewhere: only the ends are trimmed
    ("29G35592", True, "29G35592"),  # nothing extra: the read as is
    ("21S73601", True, "21S73601"),  # a plate needing no repair is never re-cut
    ("L29G35592", True, "29G35592"),  # a stray border character is still trimmed
    ("36S860451", True, "36S60451"),  # '36S8-604.51': a bolt read as 8, the dot pins the end
    ("21C325539", True, "21C25539"),  # 2-line '21C/3255.39'
    ("36HC08359", True, "36HC08359"),  # a two-letter series is not cut after its first
])
def test_a_dash_read_as_a_digit_is_dropped_before_the_plates_end_is(
        text: str, dash_unseen: bool, plate: str) -> None:
    got = vn_plates(text, after_series=dash_unseen)
    assert got[0].plate == plate
    assert all(c.cost <= 2 for c in got)


@pytest.mark.parametrize(("layout", "texts", "extra"), [
    ("1-line", ["2152360.16"], True),  # no dash: it was read as a digit (or not at all)
    ("1-line", ["29G-355.92"], True),  # the dot pins the end
    ("1-line", ["12KT-3346"], False),  # a dash and no five-digit dot: ends only
    ("2-line", ["21C", "3255.39"], True),
    ("2-line", ["21C", "2553"], False),
    ("2-line", ["21C", "255.391"], False),  # three after the dot: not the plate's end
    ("2-line", ["110T", "627.30"], False),  # 11QT-627.30: a two-letter series' T stays
])
def test_where_an_extra_character_after_the_series_is_tried(
        layout: str, texts: list[str], extra: bool) -> None:
    assert extra_after_series(layout, texts) is extra


def test_the_dropped_dash_counts_as_a_trimmed_character() -> None:
    got = vn_plates("29G635592", after_series=True)[0]
    assert (got.corrections, got.trimmed) == (0, 1)  # never "sure" alone: a repair


def test_series_letter_behind_a_dash_read_as_a_digit() -> None:
    """'2152360.16': the S read as 5 (the LSTM offered S) and the dash as 2."""
    text = "215236016"
    read = _read(text, {2: (("5", 0.9), ("S", 0.5))})
    assert series_from_choices(read, text)[0].plate == "21S23601"  # as before: ends only
    got = series_from_choices(read, text, after_series=True)[0]
    assert got.plate == "21S36016" and got.cost == 2


def test_margin_is_the_chosen_characters_lead() -> None:
    assert _margin("9", (("9", 0.78), ("5", 0.73))) == pytest.approx(0.05)
    assert _margin("0", (("U", 0.90), ("0", 0.44))) == 0.0  # another choice is likelier
    assert _margin("7", ()) == 0.0


@pytest.mark.parametrize(("text", "is_words"), [
    ("HOANGLONG", True), ("CHUYENTUYEN", True), ("LOGISTICS", True), ("TAITRONG15T", False),
    ("12C1234", False), ("AGVW84", False), ("", False), ("HT", False), ("19006868", False)])
def test_painted_words_are_told_from_misread_plates(text: str, is_words: bool) -> None:
    assert words(text) is is_words


def _plate_image(text: str, size: tuple[int, int], box: tuple[int, int], font_px: int
                 ) -> np.ndarray:
    img = Image.new("L", size, 235)
    ImageDraw.Draw(img).text(box, text, font=_font(LATIN_FONTS[0], font_px), fill=20)
    return np.asarray(img)


def test_uneven_light_is_evened_out() -> None:
    """A plate dark at one end and bright at the other: one threshold cannot cut both."""
    flat = _plate_image("29C12345", (520, 110), (25, 15), 80).astype(np.float32)
    ramp = np.linspace(0.25, 1.0, flat.shape[1])[None, :]
    lines = segment(np.clip(flat * ramp + 30 * ramp, 0, 255).astype(np.uint8))
    assert lines is not None and lines.chars >= 7


def test_a_plate_inside_a_taller_quad_still_segments() -> None:
    """Characters about a sixth of the crop's height (under the usual fifth)."""
    img = np.full((260, 620), 90, np.uint8)
    img[95:165, 40:580] = _plate_image("29C12345", (540, 70), (20, 4), 56)
    lines = segment(img)
    assert lines is not None and lines.chars >= 7
