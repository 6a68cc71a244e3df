"""A frame's rival (round 9): a 2-row Chinese plate whose chi_sim and eng reads of the bottom
row differ carries the other model's plate, and a pass's consensus lets it contest.

Why: such a frame is a coin flip that the reader settled by character code (a digit sorts
before the letter it was mistaken for), and the frames of one pass share it: two or more
frames read 云T29783 for 云TZ9783 alike and agreed into a wrong pass at 0.94.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bench.ocr import lane_decisions
from edge.reader import make_reader
from edge.reader.base import ACT, FrameRead, PlateReader
from edge.reader.chinese import read_cn
from edge.reader.consensus import consensus
from edge.reader.engines import LineRead, Script
from edge.reader.segment import TEXT_HEIGHT, Lines
from smartgate.commands.read import load_image

PASSES = Path(__file__).parent / "regression" / "passes"


class _Rows:
    """A LineEngine whose chi_sim reads each row as given (the row's index in its corner)."""

    def __init__(self, rows: list[tuple[str, float]]) -> None:
        self.rows = rows
        self.calls: Counter[str] = Counter()

    def read(self, img: np.ndarray, *, script: Script = "latin") -> LineRead:
        self.calls[script] += 1
        text, conf = self.rows[int(img[0, 0])]
        return LineRead(text, conf)

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        return "", 0.0


def _two_rows() -> tuple[Lines, list[np.ndarray]]:
    rows = [np.full((TEXT_HEIGHT, 200), 255, np.uint8) for _ in range(2)]
    for i, r in enumerate(rows):
        r[0, 0] = i
    return Lines("2-line", rows, rows, 7, (2, 5)), rows


@pytest.mark.parametrize(("cjk_bottom", "latin_bottom", "plate", "rival"), [
    ("Z9783", "29783", "云T29783", "云TZ9783"),  # the models differ: the other one is the rival
    ("29783", "Z9783", "云TZ9783", "云T29783"),  # eng's leads the tie (round 21)
    ("8G060", "86060", "云T86060", "云T8G060"),
    ("29783", "29783", "云T29783", None),  # they agree: no rival
])
def test_a_two_row_read_whose_models_differ_carries_the_other_plate(
        cjk_bottom: str, latin_bottom: str, plate: str, rival: str | None) -> None:
    lines, rows = _two_rows()
    engine = _Rows([("云T", 0.95), (cjk_bottom, 0.9)])
    got = read_cn(engine, lines, rows, ["T", latin_bottom], 1.0, {"class": None})
    assert got is not None
    cand, _, _, agree, got_rival = got
    assert (cand.plate, got_rival, agree) == (plate, rival, rival is None)


def _r(plate: str | None, conf: float, rival: str | None = None) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "2-line" if plate else None,
                     "CN" if plate else None, rival=rival)


T2, TZ = "云T29783", "云TZ9783"


@pytest.mark.parametrize(("reads", "want"), [
    # Two frames sharing one coin flip: no decision (main: 云T29783 at 0.94).
    ([_r(T2, 0.75, TZ), _r(T2, 0.75, TZ)], None),
    ([_r(None, 0.0), _r(T2, 0.45, TZ), _r(T2, 0.75, TZ), _r(T2, 0.82, TZ), _r(T2, 0.75, TZ)],
     None),
    # Frames whose models agree outweigh the split ones twice over: decided.
    ([_r(T2, 0.75, TZ), _r(T2, 0.9), _r(T2, 0.9)], T2),
    # ... and the split frame's plate need not be the one decided.
    ([_r(T2, 0.75, TZ), _r(TZ, 0.9), _r(TZ, 0.9)], TZ),
    # A rival only contests, it never decides: two frames' rivals are no agreement on it
    # (round 9: 川QQAXX5 from eng's tail over chi_sim's right 川Q0AXX5).
    ([_r("川Q0AXX5", 0.84, "川QQAXX5"), _r("川QQAXX5", 0.45), _r("川QQAXX5", 0.75),
      _r("川Q0AXX5", 0.93, "川QQAXX5")], None),
    # No rivals: main's rule as it was.
    ([_r(T2, 0.75), _r(T2, 0.75)], T2),
])
def test_rivals_contest_a_pass_and_never_decide_it(reads: list[FrameRead], want: str | None
                                                   ) -> None:
    got = consensus(reads)
    assert (got.plate if got else None) == want


@pytest.fixture(scope="module")
def reader() -> PlateReader:
    return make_reader(engine="resident")


def test_a_pass_of_shared_coin_flips_is_decided_right(reader: PlateReader) -> None:
    """Generated hard pass of the tuning seeds (``scripts/pass_replay.py``'s kind, spec seed
    77702417), kept as files (JPEG, quality 95): the lane decided it wrong (云T29783 for
    云TZ9783) before round 9. Its frames agreed on eng's 2 for chi_sim's Z, each with the other
    model's plate as its rival, and only the rivals stopped it. Since round 14 the Latin
    classifier names eng's 2 Z (eng's own runner-up), so the frames read the plate itself;
    the rivals' veto stays tested on reads above (``test_rivals_contest_...``)."""
    reads = [reader.read(load_image(PASSES / f"pass_77702417_{i}.jpg")) for i in range(5)]
    assert [d.plate for d in lane_decisions(reads)] == ["云TZ9783"]
    assert sum(r.plate == "云TZ9783" for r in reads) >= 3
    assert not any(r.plate == "云T29783" for r in reads)


def test_a_pass_whose_second_frame_chi_sim_seconds_is_read_right(reader: PlateReader) -> None:
    """Spec seed 99903094 (a kept pass, as above): before round 9 (Chinese plates) its first
    two frames agreed on 云E29906 at 0.75 (eng's 2 for chi_sim's Z), and only the rivals and
    the wait for an unconfirmed agreement (``edge.passes``, tested in tests/edge) kept the lane
    from publishing it. Since round 9 a candidate whose eng and chi_sim tails both read Z9906
    stands as read twice (``TesseractPlateReader._seconded``): the second frame reads the
    plate itself; since round 14 (the Latin classifier names eng's 2 Z, its runner-up) the
    first frame does too, with no rival left (frame 2 still carries the other model's 2 as
    its rival: a rival only contests)."""
    reads = [reader.read(load_image(PASSES / f"pass_99903094_{i}.jpg")) for i in range(5)]
    assert [r.plate for r in reads] == ["云EZ9906"] * 5
    assert reads[0].rival is None
    assert reads[1].confidence >= ACT
    assert [d.plate for d in lane_decisions(reads)] == ["云EZ9906"]
