"""A candidate whose blob count no plate fits is not read once the best beats ``UNFIT``
(``choose.ceiling``; docs/reader-journal.md, round 18, speed).

Why these tests: the ceiling is a promise about ``CropReader._graded`` (a read is ``fits``
only where its plate's length matches the crop's blobs), so the constant it rests on is
checked against that rule itself; and the search must spare the read only where the best
so far is over ``UNFIT`` (a capped agreement at 0.75 goes on searching, round 12).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from scriptedreader import FRAME, ScriptedReader

from domain.plate_candidates import Candidate
from edge.reader.choose import FIT_CHARS, ceiling
from edge.reader.claims import CONTESTED, CUT, REJOINED, UNFIT, CropRead
from edge.reader.cropread import CropReader
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.segment import Lines

#: One plate of each length the grammar allows (``domain.plates``).
PLATES = [("12A1234", "VN"), ("12A12345", "VN"), ("51QT71636", "VN"),
          ("桂A12345", "CN"), ("桂AD12345", "CN")]


def test_fit_chars_are_the_counts_some_plate_fits() -> None:
    reader = CropReader(ResidentEngine(DEFAULT_TESSDATA))
    for chars in range(0, 16):
        lines = Lines("1-line", [], [], chars)
        fits = any(reader._graded(lines, Candidate(p, c, 0, 0), 0.9, p).fits
                   for p, c in PLATES)
        assert fits == (FIT_CHARS[0] <= chars <= FIT_CHARS[1]), chars


def test_an_unfit_count_caps_the_ceiling_under_the_others() -> None:
    assert ceiling(Lines("1-line", [], [], 8)) == 1.0
    assert ceiling(Lines("1-line", [], [], 5)) == UNFIT
    assert ceiling(Lines("1-line", [], [], 11)) == UNFIT
    assert ceiling(Lines("1-line", [], [], 5, rejoined=True)) == REJOINED
    assert ceiling(Lines("1-line", [], [], 5, cut=True)) == CUT


def _contested(plate: str) -> CropRead:
    """Two preprocessings agreeing, capped at CONTESTED: the search goes on."""
    return CropRead(Candidate(plate, "VN", 0, 0), CONTESTED, plate, "1-line", agreed=True,
                    contested=True)


@pytest.mark.parametrize(("chars", "reads"), [(5, 1), (11, 1), (7, 2)])
def test_the_search_spares_an_unfit_candidate_past_a_capped_agreement(
        chars: int, reads: int) -> None:
    def lines_of(i: int) -> Lines:
        return Lines("1-line", [], [], 8 if i == 0 else chars)

    got = _contested("12A12345")
    reader = ScriptedReader([got, replace(got, conf=0.5)], lines_of)
    assert reader.read(FRAME).plate == "12A12345"
    assert reader.read_count == reads


def test_an_unfit_candidate_is_read_while_the_best_is_under_unfit() -> None:
    def lines_of(i: int) -> Lines:
        return Lines("1-line", [], [], 8 if i == 0 else 5)

    lone = CropRead(Candidate("12A12345", "VN", 0, 0), 0.45, "12A12345", "1-line")
    reader = ScriptedReader([lone, lone], lines_of)
    reader.read(FRAME)
    assert reader.read_count == 2
