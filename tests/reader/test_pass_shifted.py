"""Round 28: a pass whose other frames read the plate shifted by a stray province stroke (a
letter inserted after 川, one tail character dropped), decided without those reads
(``edge.reader.shiftpass``). 川Q6N0WZ (pass seed 6617, pass 42): two frames of it, three
shifted reads (川JQ6N0W, 川NQ6NWZ, 川MQ6NWZ) whose looks at other scales read 川Q6N0WZ."""

from __future__ import annotations

from test_pass_habit import _look  # the lane's look answered from dumped looks

from bench.ocr import lane_decisions
from edge.reader import shiftpass
from edge.reader.base import FrameRead
from edge.reader.consensus import UNCONFIRMED

PLATE = "川Q6N0WZ"


def _cn(plate: str | None, conf: float = 0.0) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "1-line" if plate else None,
                     "CN" if plate else None)


NONE = _cn(None)
#: The pass's own reads and its looks at 0.7, 1.5, 0.85 and 1.25, as dumped
#: (``scripts/pass_replay.py --dump 6617 --n 80 --scales 0.7 1.5 0.85 1.25``).
READS = [_cn("川JQ6N0W", 0.6814), _cn(PLATE, 0.6649), _cn("川NQ6NWZ", 0.5341), _cn(PLATE, 0.45),
         _cn("川MQ6NWZ", 0.5085)]
LOOKS = [[NONE, NONE, NONE, NONE],
         [_cn(PLATE, 0.70), _cn(PLATE, 0.6234), NONE, _cn(PLATE, 0.6155)],
         [_cn(PLATE, 0.75), _cn(PLATE, 0.75), _cn("川Q6NQWZ", 0.6691), _cn(PLATE, 0.75)],
         [_cn(PLATE, 0.687), _cn(PLATE, 0.45), _cn("川Q6NQWZ", 0.7047), _cn(PLATE, 0.752)],
         [_cn(PLATE, 0.75), _cn(PLATE, 0.7589), _cn(PLATE, 0.7205), _cn(PLATE, 0.5729)]]


def test_the_lane_decides_the_pass_under_the_band() -> None:
    got = lane_decisions(READS, images=list(range(5)), look=_look(LOOKS))
    assert [d.plate for d in got] == [PLATE]
    assert got[0].confidence <= UNCONFIRMED


def test_shifted_reads() -> None:
    assert shiftpass.shifted("川JQ6N0W", PLATE)  # J inserted, the last Z dropped
    assert shiftpass.shifted("川NQ6NWZ", PLATE)  # N inserted, the 0 dropped
    assert not shiftpass.shifted("川R6N0WZ", PLATE)  # a misread letter, no shift
    assert not shiftpass.shifted("云L00B5V", "云Q00B5V")
    assert not shiftpass.shifted("桂XL2345", "桂LL2345")  # a misread letter before its twin
    assert not shiftpass.shifted("川VT5ENJ", "川GVT5EN")  # shifted the other way
    assert not shiftpass.shifted("12A34567", "12B34567")  # no province: no stroke to split


def test_a_shifted_read_at_act_leaves_the_pass_undecided() -> None:
    reads = [_cn("川JQ6N0W", 0.85), *READS[1:]]
    assert shiftpass.decided(reads, LOOKS, min_agree=2) is None


def test_a_shifted_look_at_act_leaves_the_pass_undecided() -> None:
    looks = [[_cn("川NQ6NWZ", 0.9), *LOOKS[0][1:]], *LOOKS[1:]]
    assert shiftpass.decided(READS, looks, min_agree=2) is None


def test_another_story_leaves_the_pass_undecided() -> None:
    reads = [*READS[:4], _cn("川Q6N0W2", 0.5085)]  # a misread tail, not a shift
    assert shiftpass.decided(reads, LOOKS, min_agree=2) is None


def test_one_frame_of_the_plate_is_not_enough() -> None:
    reads = [READS[1], READS[0], READS[2], NONE, READS[4]]
    assert shiftpass.decided(reads, LOOKS, min_agree=2) is None


def test_the_plate_named_by_one_frame_s_looks_is_not_enough() -> None:
    looks = [[NONE] * 4, LOOKS[1], [NONE] * 4, [NONE] * 4, [NONE] * 4]
    assert shiftpass.decided(READS, looks, min_agree=2) is None


def test_decided_with_the_looks() -> None:
    got = shiftpass.decided(READS, LOOKS, min_agree=2)
    assert got is not None and got.plate == PLATE and got.confidence <= UNCONFIRMED
