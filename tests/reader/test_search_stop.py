"""When the search over a frame's candidates stops (docs/reader.md, Round 6)."""

from __future__ import annotations

import pytest
from scriptedreader import FRAME, ScriptedReader, scripted_read

from edge.reader.segment import Lines
from edge.reader.tesseract import REJOINED, SURE, _Read


@pytest.mark.parametrize(("first", "stops"), [
    (scripted_read("12C12345", 0.46, agreed=True), False),  # agreeing, but doubtful: search on
    (scripted_read("12C12345", 0.72, agreed=True), True),   # agreeing at >= SURE: enough
    (scripted_read("12C12345", 0.45), False),               # one preprocessing alone
    (scripted_read("12C12345", 0.80), True),                # >= ACCEPT
])
def test_which_reads_end_the_search(first: _Read, stops: bool) -> None:
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
