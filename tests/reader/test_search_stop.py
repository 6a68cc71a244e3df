"""When the search over a frame's candidates stops (docs/reader.md, Round 6)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from domain.plate_candidates import Candidate
from edge.reader.base import Frame
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.segment import Lines
from edge.reader.tesseract import REJOINED, SURE, TesseractPlateReader, _Read


def _read(plate: str, conf: float, *, agreed: bool = False) -> _Read:
    return _Read(Candidate(plate, "VN", 0, 0), conf, plate, "1-line", agreed=agreed)


class _Scripted(TesseractPlateReader):
    """A reader whose candidates read as scripted, counting how many were read."""

    def __init__(self, reads: list[_Read]) -> None:
        super().__init__(ResidentEngine(DEFAULT_TESSDATA))
        self.reads, self.read_count = reads, 0

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[_Read] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        quad = np.array([[0, 0], [9, 0], [9, 9], [0, 9]], np.float32)
        for _ in self.reads:
            yield quad, frame, Lines("1-line", [], [], 8)

    def _read_lines_all(self, lines: Lines) -> _Read | None:
        self.read_count += 1
        return self.reads[self.read_count - 1]


FRAME = np.full((64, 64, 3), 128, np.uint8)


@pytest.mark.parametrize(("first", "stops"), [
    (_read("12C12345", 0.46, agreed=True), False),  # agreeing, but doubtful: search on
    (_read("12C12345", 0.72, agreed=True), True),   # agreeing at >= SURE: enough
    (_read("12C12345", 0.45), False),               # one preprocessing alone
    (_read("12C12345", 0.80), True),                # >= ACCEPT
])
def test_which_reads_end_the_search(first: _Read, stops: bool) -> None:
    reader = _Scripted([first, _read("12C12346", 0.95)])
    got = reader.read(FRAME)
    assert reader.read_count == (1 if stops else 2)
    assert got.plate == ("12C12345" if stops else "12C12346")


class _Rejoined(_Scripted):
    """The first candidate's rows were joined from two "rows" in one band (REJOINED)."""

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[_Read] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        quad = np.array([[0, 0], [9, 0], [9, 9], [0, 9]], np.float32)
        for i, _ in enumerate(self.reads):
            yield quad, frame, Lines("1-line", [], [], 9, rejoined=i == 0)


def test_a_rejoined_row_never_ends_the_search_nor_reaches_the_band() -> None:
    # Measured (round 10): a rejoined crop read 桂WR77LB as 桂WRTTLB in both models at 0.86,
    # where a plainly segmented candidate read it right at 0.75.
    reader = _Rejoined([_read("12C12345", 0.86, agreed=True), _read("12C12346", 0.75)])
    got = reader.read(FRAME)
    assert reader.read_count == 2
    assert got.plate == "12C12346" and got.confidence == 0.75


def test_a_rejoined_row_alone_is_read_under_the_band() -> None:
    reader = _Rejoined([_read("12C12345", 0.86, agreed=True)])
    got = reader.read(FRAME)
    assert got.plate == "12C12345" and got.confidence == REJOINED < SURE
