"""Vietnam's issued province codes: every issued code is a plate, every other one is not.

Why: the Ministry of Public Security issues only some codes 11-99 (never 10, 13, 42, 44-46,
87, 91, 96); a read or a declaration such as 91L65235 (51L65235 with its 5 read 9) fits the
plate's shape but cannot exist. The table is the sources' (domain/data/vn_provinces.toml).
"""

from __future__ import annotations

import pytest

from domain.plates import (
    PlateError,
    UnissuedProvince,
    parse_plate,
    province_shown,
    try_parse_plate,
)
from domain.vn_provinces import ProvinceDataError, codes, labelled, parse_table, province_name

ISSUED = [11, 12, *range(14, 42), 43, *range(47, 87), 88, 89, 90, 92, 93, 94, 95, 97, 98, 99]
UNISSUED = [10, 13, 42, 44, 45, 46, 87, 91, 96]


def test_the_table_is_the_issued_list_and_nothing_else() -> None:
    assert codes().issued == {f"{c:02d}" for c in ISSUED}
    assert len(ISSUED) + len(UNISSUED) == 90  # 10..99: every two-digit code is one or the other
    assert len(set(codes().province_of.values())) == 35  # the 34 provinces and code 80's agencies


@pytest.mark.parametrize("code", ISSUED)
def test_every_issued_code_makes_a_plate_of_every_kind(code: int) -> None:
    for text, kind in ((f"{code}C-123.45", "ordinary"), (f"{code}R-012.34", "trailer"),
                       (f"{code}LD-555.12", "special"), (f"{code}C-1234", "ordinary")):
        plate = parse_plate(text)
        assert (plate.province, plate.kind) == (str(code), kind)
        assert plate.province_label == f"{code} {province_name(str(code))}"


@pytest.mark.parametrize("code", UNISSUED)
def test_every_unissued_code_is_no_plate_and_says_why(code: int) -> None:
    for text in (f"{code}C-123.45", f"{code}R-012.34", f"{code}LD-555.12", f"{code}C1234"):
        assert try_parse_plate(text) is None
        with pytest.raises(UnissuedProvince, match=f"province code {code} is not issued"):
            parse_plate(text)


def test_a_shape_that_is_no_plate_is_no_unissued_code() -> None:
    with pytest.raises(PlateError) as err:
        parse_plate("12C-12")
    assert not isinstance(err.value, UnissuedProvince)
    assert try_parse_plate("05C12345") is None  # not even a code


@pytest.mark.parametrize(("code", "label"), [
    ("12", "12 Lạng Sơn"), ("11", "11 Cao Bằng"), ("24", "24 Lào Cai"), ("21", "21 Lào Cai"),
    ("29", "29 Hà Nội"), ("40", "40 Hà Nội"), ("41", "41 TP Hồ Chí Minh"),
    ("61", "61 TP Hồ Chí Minh"), ("72", "72 TP Hồ Chí Minh"), ("98", "98 Bắc Ninh"),
    ("91", "91"),
])
def test_codes_name_their_province_since_the_2025_merger(code: str, label: str) -> None:
    assert labelled(code) == label


def test_a_code_listed_twice_is_refused() -> None:
    with pytest.raises(ProvinceDataError, match="code 12"):
        parse_table('[provinces]\n"A" = [12]\n"B" = [12]\n')
    with pytest.raises(ProvinceDataError, match="two-digit"):
        parse_table('[provinces]\n"A" = [123]\n')


@pytest.mark.parametrize(("text", "shown"), [
    ("12C12345", "12 Lạng Sơn"), ("91L65235", "91 (not issued)"), ("桂A12345", "桂"),
    ("HELLO", ""),
])
def test_a_stored_plate_shows_its_province_or_why_not(text: str, shown: str) -> None:
    assert province_shown(text) == shown
