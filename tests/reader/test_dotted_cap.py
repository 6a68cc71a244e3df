"""A VN read whose separators name a glyph its plate lacks (a four-digit number printed with a
five-digit number's dot, '36C/658.6') is capped at ``UNFIT`` and contested when its recount
read nothing better (``choose.short_plate``, round 15: tuning seed 999's hard 36C-658.66 read
36C6586 at 0.75, and the whole plate's read, tied at 0.75, lost); a plate its separators fit
keeps its confidence (the recount's own tests: ``test_recount.py``)."""

from __future__ import annotations

import pytest

from domain.plate_candidates import Candidate
from edge.reader.choose import short_plate
from edge.reader.claims import UNFIT, CropRead


def _read(plate: str, raw: str, country: str = "VN") -> CropRead:
    return CropRead(Candidate(plate, country, 0, 0), 0.75, raw, "2-line", agreed=True,
                    contested=True)


def test_a_dotted_four_digit_number_is_capped() -> None:
    got = short_plate(_read("36C6586", "36C/658.6"))
    assert (got.conf, got.contested) == (UNFIT, True)


@pytest.mark.parametrize(("plate", "raw"), [
    ("36C65866", "36C/658.66"),  # a five-digit number's dot: the plate's own
    ("36C6586", "36C/6586"),  # a four-digit number as printed
    ("12A9868", "12A-/9868"),
])
def test_a_plate_its_separators_fit_keeps_its_confidence(plate: str, raw: str) -> None:
    read = _read(plate, raw)
    assert short_plate(read) is read
