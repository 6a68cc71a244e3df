"""A candidate whose read is capped under the best so far is not read (round 13, speed).

Why: a crop that cut a character (``CUT``), rows rejoined from one band or found by the
local-contrast look (``REJOINED``) can never give the frame's best read once a read above
that cap is found, so its Tesseract calls are spared.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scriptedreader import FRAME, ScriptedReader, scripted_read

from edge.reader.base import Frame
from edge.reader.claims import CONTESTED, CUT, REJOINED, CropRead
from edge.reader.segment import Lines


class _Reader(ScriptedReader):
    """Candidates segmented as ``lines``; the i-th read one returns ``reads[i]``."""

    def __init__(self, lines: list[Lines], reads: list[CropRead]) -> None:
        super().__init__(reads)
        self.lines, self.seen = lines, []  # type: list[Lines]

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        quad = np.array([[0, 0], [9, 0], [9, 9], [0, 9]], np.float32)
        for lines in self.lines:
            yield quad, frame, lines

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        self.seen.append(lines)
        return super()._read_lines_all(lines)


def test_capped_candidates_after_a_better_read_are_not_read() -> None:
    plain, cut = Lines("1-line", [], [], 8), Lines("1-line", [], [], 7, cut=True)
    rejoined, local = (Lines("1-line", [], [], 8, rejoined=True),
                       Lines("1-line", [], [], 8, local=True))
    contested = scripted_read("98K14210", CONTESTED, agreed=True)
    contested = CropRead(contested.cand, contested.conf, contested.raw, "1-line", agreed=True,
                         contested=True)  # the search goes on past it
    last = scripted_read("98K74270", 0.99, agreed=True)
    reader = _Reader([plain, cut, rejoined, local, plain], [contested, last])
    got = reader.read(FRAME)
    assert [lines.cut or lines.rejoined or lines.local for lines in reader.seen] == [False, False]
    assert got.plate == "98K74270"


def test_capped_candidates_are_read_while_nothing_beats_their_cap() -> None:
    low = scripted_read("11B73140", 0.3)  # under every cap: a capped read may still win
    cut = Lines("1-line", [], [], 7, cut=True)
    reader = _Reader([Lines("1-line", [], [], 8), cut],
                     [low, scripted_read("11B7314", 0.99, agreed=True)])
    got = reader.read(FRAME)
    assert len(reader.seen) == 2 and got.plate == "11B7314" and got.confidence == CUT
    assert CUT < REJOINED
