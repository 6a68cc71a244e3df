"""A VN read whose separators name a glyph its plate lacks (a four-digit number printed with a
five-digit number's dot, '36C/658.6') is capped at ``UNFIT`` and never ends the search
(``choose.capped``, round 15: tuning seed 999's hard 36C-658.66 read 36C6586 at 0.75 and the
whole plate's read, tied at 0.75, lost); a plate its dot fits, or none, keeps its confidence."""

from __future__ import annotations

import pytest

from domain.plate_candidates import Candidate
from edge.reader.choose import capped
from edge.reader.cropread import UNFIT, CropRead
from edge.reader.segment import Lines


def _read(plate: str, raw: str, country: str = "VN") -> CropRead:
    return CropRead(Candidate(plate, country, 0, 0), 0.97, raw, "2-line", agreed=True)


def test_a_dotted_four_digit_number_is_capped() -> None:
    got = capped(_read("36C6586", "36C/658.6"), Lines("2-line", [], [], 7))
    assert (got.conf, got.contested) == (UNFIT, True)


@pytest.mark.parametrize(("plate", "raw"), [
    ("36C65866", "36C/658.66"),  # a five-digit number's dot: the plate's own
    ("36C6586", "36C/6586"),  # a four-digit number as printed
    ("12A9868", "12A-/9868"),
])
def test_a_plate_its_separators_fit_keeps_its_confidence(plate: str, raw: str) -> None:
    read = _read(plate, raw)
    assert capped(read, Lines("2-line", [], [], len(plate))) == read
