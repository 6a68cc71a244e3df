"""Table tests: normalisation of every plate format, and position-aware correction."""

from __future__ import annotations

import pytest

from domain.plate_candidates import clean, cn_candidates, province_of, vn_candidates
from domain.plates import normalise, try_parse_plate


@pytest.mark.parametrize(("text", "canonical", "country", "kind"), [
    ("12C-123.45", "12C12345", "VN", "ordinary"),
    ("12C-1234", "12C1234", "VN", "ordinary"),
    ("12c 123.45", "12C12345", "VN", "ordinary"),
    ("12C\n123.45", "12C12345", "VN", "ordinary"),  # two-line plate
    ("24R-012.34", "24R01234", "VN", "trailer"),
    ("29LD-555.12", "29LD55512", "VN", "special"),
    ("12KT-123", "12KT123", "VN", "special"),
    ("桂A·12345", "桂A12345", "CN", "ordinary"),
    ("云B 2345挂", "云B2345挂", "CN", "trailer"),
    ("粤BD12345", "粤BD12345", "CN", "new_energy"),
    ("桂A12345D", "桂A12345D", "CN", "new_energy"),
    ("桂A\nB1234", "桂AB1234", "CN", "ordinary"),  # two-row truck plate
])
def test_every_format_normalises_to_one_canonical_form(text: str, canonical: str, country: str,
                                                        kind: str) -> None:
    plate = try_parse_plate(text)
    assert plate is not None and plate.canonical == canonical == normalise(text)
    assert (plate.country, plate.kind) == (country, kind)


@pytest.mark.parametrize("text", ["12I-12345", "10C-12345", "12O1234", "12C123", "A12345",
                                  "桂I12345", "HELLO", "19006868X", ""])
def test_texts_that_are_no_plate(text: str) -> None:
    assert try_parse_plate(text) is None


@pytest.mark.parametrize(("ocr", "plate", "corrections"), [
    ("12C-123.45", "12C12345", 0),
    ("I2C-123.45", "12C12345", 1),   # 1/I in a digit slot
    ("12C-I23.4S", "12C12345", 2),   # I and S in digit slots
    ("128-123.45", "12B12345", 1),   # 8 in the series slot is B
    ("12C-O23.45", "12C02345", 1),   # O in a digit slot is 0
    ("120-1234", "12D1234", 1),      # 0 in the series slot is D (no O series)
    ("6Z5-12345", "625" + "12345", -1),
    ("36QT-924", "36QT924", 0),      # special series read as is, Q included
    ("98QT-043.18", "98QT04318", 0),  # not 98D..., whose Q->D, T->7 repairs cost 2
    ("110T 627.30", "11QT62730", 1),  # a special series' Q read as 0 (round 12)
    ("29OA-123.45", "29DA12345", 1),  # ... its D read as O
    ("11KT-123.45", "11KT12345", 0),
])
def test_corrections_are_decided_by_position(ocr: str, plate: str, corrections: int) -> None:
    cands = vn_candidates(ocr)
    if corrections < 0:  # "625..." has no series letter: not a plate, whatever the repair
        assert all(c.plate != plate for c in cands)
        return
    assert cands and cands[0].plate == plate and cands[0].corrections == corrections


def test_stray_border_characters_are_trimmed_and_counted() -> None:
    best = vn_candidates("|12C-123.45|")[0]
    assert (best.plate, best.trimmed) == ("12C12345", 0)  # '|' is not OCR text at all
    best = vn_candidates("112C-123.451")[0]
    assert best.plate == "12C12345" and best.trimmed == 2


def test_chinese_tail_with_province_read_separately() -> None:
    assert province_of("桂A12345") == "桂" and province_of("ABC") is None
    best = cn_candidates("FEA-12345", "桂")[0]  # 'FE' is the province glyph read as Latin
    assert best.plate == "桂A12345" and best.cost == 0
    assert cn_candidates("A1234O", "桂")[0].plate == "桂A12340"
    assert cn_candidates("PF97077", "云")[0].plate == "云PF97077"  # new-energy, not 云F97077
    assert cn_candidates("A12345", "X") == []


def test_clean_drops_separators_and_case() -> None:
    assert clean("12c-123.45 |") == "12C12345"
