"""When the search over a frame's candidates stops (docs/reader-journal.md, Round 6)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from scriptedreader import FRAME, ScriptedReader, scripted_read

from edge.reader.claims import CONTESTED, REJOINED, SURE, CropRead
from edge.reader.segment import Lines
from edge.reader.tesseract import TesseractPlateReader


@pytest.mark.parametrize(("first", "stops"), [
    (scripted_read("12C12345", 0.46, agreed=True), False),  # agreeing, but doubtful: search on
    (scripted_read("12C12345", 0.72, agreed=True), True),   # agreeing at >= SURE: enough
    (scripted_read("12C12345", 0.45), False),               # one preprocessing alone
    (scripted_read("12C12345", 0.80), True),                # >= ACCEPT
])
def test_which_reads_end_the_search(first: CropRead, stops: bool) -> None:
    reader = ScriptedReader([first, scripted_read("12C12346", 0.95)])
    got = reader.read(FRAME)
    assert reader.read_count == (1 if stops else 2)
    assert got.plate == ("12C12345" if stops else "12C12346")


def _rejoined_first(i: int) -> Lines:
    """The first candidate's rows were joined from two "rows" in one band (REJOINED)."""
    return Lines("1-line", [], [], 9, rejoined=i == 0)


def test_a_rejoined_row_never_ends_the_search_nor_reaches_the_band() -> None:
    # Measured (round 10): a rejoined crop read 桂WR77LB as 桂WRTTLB in both models at 0.86,
    # where a plainly segmented candidate read it right at 0.75.
    reader = ScriptedReader([scripted_read("12C12345", 0.86, agreed=True),
                             scripted_read("12C12346", 0.75)], _rejoined_first)
    got = reader.read(FRAME)
    assert reader.read_count == 2
    assert got.plate == "12C12346" and got.confidence == 0.75


def test_a_rejoined_row_alone_is_read_under_the_band() -> None:
    reader = ScriptedReader([scripted_read("12C12345", 0.86, agreed=True)], _rejoined_first)
    got = reader.read(FRAME)
    assert got.plate == "12C12345" and got.confidence == REJOINED < SURE


def _contested(plate: str, conf: float) -> CropRead:
    """Two preprocessings agreeing, capped (CONTESTED): a third saw another plate, or both
    hesitated somewhere."""
    return replace(scripted_read(plate, conf, agreed=True), contested=True)


def test_a_contested_agreement_does_not_end_the_search() -> None:
    # Measured (round 12): a quad over the plate's text only read 98K74270 as 98K14210 at
    # CONTESTED and ended the search; the whole plate's quads came after it.
    reader = ScriptedReader([_contested("98K14210", CONTESTED),
                             scripted_read("98K74270", 0.95)])
    got = reader.read(FRAME)
    assert reader.read_count == 2
    assert got.plate == "98K74270" and got.confidence == 0.95


def test_of_equal_reads_the_plate_more_candidates_read_wins() -> None:
    reader = ScriptedReader([_contested("98K14210", CONTESTED),
                             _contested("98K74270", CONTESTED),
                             _contested("98K74270", CONTESTED)])
    got = reader.read(FRAME)
    assert reader.read_count == 3
    assert got.plate == "98K74270"


def test_a_tie_of_one_candidate_each_keeps_the_first() -> None:
    reader = ScriptedReader([_contested("98K14210", CONTESTED),
                             _contested("98K74270", CONTESTED)])
    assert reader.read(FRAME).plate == "98K14210"


def test_the_agreement_cap_marks_the_read_contested() -> None:
    # Only an agreement capped under 0.99 is contested: two sure-looking reads are not.
    reader = TesseractPlateReader(_NoEngine())
    lines = Lines("1-line", [], [], 8)
    calm = [_calm("12C12345", 0.9, 0.5), _calm("12C12345", 0.9, 0.5)]
    doubtful = [_calm("12C12345", 0.9, 0.1), _calm("12C12345", 0.9, 0.1)]
    for reads, contested in ((calm, False), (doubtful, True)):
        it = iter(reads)
        reader._read_lines = lambda *a, _it=it: next(_it)  # type: ignore[method-assign]
        got = reader._read_lines_all(lines)
        assert got is not None and got.agreed and got.contested is contested


def _calm(plate: str, conf: float, margin: float) -> CropRead:
    return replace(scripted_read(plate, conf), margin=margin)


class _NoEngine:
    def read(self, img: object, *, script: str = "latin") -> object:
        raise AssertionError("not called")

    def glyph(self, img: object) -> tuple[str, float]:
        raise AssertionError("not called")
