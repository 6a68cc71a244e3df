"""Round 18: second looks read at ``ACT`` (a look-alike split or the frames' doubtful majority
decided by frames read plainly at another scale), and a thin first-look decision doubted by
its own frames read again (``PassTracker._doubted``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.ocr import lane_decisions
from edge.reader.base import FrameRead
from edge.reader.consensus import UNCONFIRMED, consensus
from edge.reader.second_look import SCALES, decide


def _r(plate: str | None, conf: float = 0.0, rival: str | None = None,
       country: str = "VN") -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "1-line" if plate else None,
                     country if plate else None, rival=rival)  # type: ignore[arg-type]


def _cn(plate: str | None, conf: float = 0.0, rival: str | None = None) -> FrameRead:
    return _r(plate, conf, rival, "CN")


NONE = _r(None)


def test_one_frame_sure_at_one_scale_does_not_break_a_look_alike_split() -> None:
    """Seed 1004, 粤P2S3S3: two frames of it against three of 粤P25353 (S/5); read again,
    frame 1 said 粤P25353 once at 0.85 (its other looks at 0.70-0.79, two with rivals): one
    sure frame, and the split stays with an officer (round 17's guard)."""
    a, b = "粤P2S3S3", "粤P25353"
    reads = [_cn(a, 0.45, b), _cn(b, 0.7), _cn(b, 0.75, "粤P53SS3"), _cn(a, 0.7, b),
             _cn(b, 0.75, "粤P835S3")]
    looks = [[_cn(b, 0.75, "粤PS35S3"), _cn(b, 0.75, "粤P53SS3"), _cn(b, 0.75, a)],
             [_cn(b, 0.7, "粤P28353"), _cn(b, 0.75, "粤P83583"), _cn(b, 0.85), _cn(b, 0.79)],
             [_cn(b, 0.68, "粤P583S3"), _cn(b, 0.69, "粤PS35S3"), _cn(a, 0.68)],
             [_cn(a, 0.75, b), _cn("粤P5S353", 0.55, "粤PS3S83"), _cn(b, 0.75, "粤P2S383")],
             [_cn(b, 0.75, "粤PS3S83"), _cn(b, 0.75, "粤P5S3S3"), _cn(b, 0.75, "粤P835S3")]]
    assert decide(reads, looks) is None


def test_two_frames_read_plainly_outweigh_the_frames_doubtful_majority() -> None:
    """Seed 1003, 粤JG5TKC: three frames read 粤GG5TKC (0.45-0.75), two read it (0.79, 0.65);
    read again, frame 1 said it at 0.91 and frame 0 at 0.99, and no look said 粤GG5TKC."""
    a = "粤JG5TKC"
    reads = [_cn(a, 0.79), _cn(a, 0.65, "粤JS5TKC"), _cn("粤GG5TKC", 0.45),
             _cn("粤GG5TKC", 0.7), _cn("粤GG5TKC", 0.75)]
    looks = [[_cn(a, 0.7, "粤J55TKC"), _cn(a, 0.7, "粤JS5TKC"), _cn("粤SG5TKC", 0.75),
              _cn(a, 0.99)],
             [_cn(a, 0.91), _cn(a, 0.79), _cn(a, 0.78), _cn(a, 0.73, "粤JS5TKC")],
             [_cn(a, 0.7), _cn("粤WG5TKC", 0.69), _cn(a, 0.45, "粤JS5TKC"), _cn(a, 0.7)],
             [NONE, _cn("粤SG5TKC", 0.69), NONE, _cn("粤SG5TKC", 0.69)],
             [_cn(a, 0.7), _cn(a, 0.7), _cn("粤YG5TKC", 0.69), _cn("粤YG5TKC", 0.69)]]
    got = decide(reads, looks)
    assert got is not None and got.plate == a and got.confidence <= UNCONFIRMED
    assert decide(reads, [looks[0], looks[1][1:], *looks[2:]]) is None, "one sure frame"


def test_a_frame_its_own_looks_contradict_is_not_sure() -> None:
    """Seed 1003, 36V0784: frame 3 read 36V8784 at 0.99, but at each of four other scales
    36V0784; frame 0 read 36V8784 at 0.99 once (at 0.85). One sure frame: no decision."""
    reads = [_r("36V8784", 0.79), NONE, NONE, _r("36V8784", 0.99), _r("36V0784", 0.69)]
    looks = [[_r("36V8784", 0.79), _r("36V8784", 0.79), _r("36V8784", 0.99),
              _r("36V8784", 0.79)], [], [], [_r("36V0784", 0.75)] * 4,
             [_r("36V0784", 0.69)] * 4]
    assert decide(reads, looks) is None


class _Looks:
    """A scripted look: frame image ``i`` reads ``table[i]`` at ``SCALES``, nothing else."""

    def __init__(self, table: dict[int, list[FrameRead]]) -> None:
        self.table = table
        self.calls: list[int] = []

    def __call__(self, image: Any, scales: Sequence[float]) -> Sequence[FrameRead]:
        self.calls.append(int(image))
        return self.table.get(int(image), []) if tuple(scales) == SCALES else []


def test_a_thin_decision_its_frames_read_again_doubt_is_not_taken() -> None:
    """Seed 1003, 36V0784: decided 36V8784 at its fourth frame (0.79, 0.99, two frames
    blank); the 0.99 frame read at 0.7 and 1.5 said 36V0784. Doubted, the pass waits for its
    end, and its second look does not decide it: an officer, not a wrong truck."""
    reads = [_r("36V8784", 0.79), NONE, NONE, _r("36V8784", 0.99), _r("36V0784", 0.69)]
    assert [d.plate for d in lane_decisions(reads)] == ["36V8784"], "without a look"
    look = _Looks({0: [_r("36V8784", 0.79)] * 2, 3: [_r("36V0784", 0.75)] * 2,
                   4: [_r("36V0784", 0.69)] * 2})
    assert lane_decisions(reads, images=list(range(5)), look=look) == []
    assert look.calls[:2] == [0, 3], "the agreeing frames, at the decision"
    # Round 19: frames 0 and 3 were read at the first stage's scales by the check already;
    # the second look takes those reads from the frame (``FrameInPass.looked``) rather than
    # read the same images at the same scales again, so no look is read twice.
    assert look.calls[2:] == [1, 2, 4, 0, 1, 2, 3, 4], "then the second look's two stages"


def test_a_thin_decision_its_looks_confirm_is_taken_at_once() -> None:
    reads = [_r("36V8784", 0.79), NONE, NONE, _r("36V8784", 0.99), NONE]
    look = _Looks({0: [_r("36V8784", 0.79)] * 2, 3: [_r("36V8784", 0.9), NONE]})
    got = lane_decisions(reads, images=list(range(5)), look=look)
    assert [d.plate for d in got] == ["36V8784"] and look.calls == [0, 3]
    assert got[0] == consensus(reads[:4])


def test_a_decision_of_more_frames_than_blanks_is_not_checked() -> None:
    reads = [_r("36V8784", 0.79), _r("36V8784", 0.99), NONE, NONE, NONE]
    look = _Looks({0: [_r("36V0784", 0.79)] * 2, 1: [_r("36V0784", 0.9)] * 2})
    assert [d.plate for d in lane_decisions(reads, images=list(range(5)), look=look)] == [
        "36V8784"]
    assert look.calls == []


def test_a_thin_decision_at_the_pass_end_is_checked_too() -> None:
    """Seed 1013, 12M47586: 12H47586 twice (0.75, 0.79) against 12G47586 and 12M47586 once,
    the fifth frame blank: the scattered rule decided 12H47586 at the pass's end. Read at 0.7,
    frames 0 and 1 said 12M47586 at 0.97 and 0.95: doubted, and the second look decides it."""
    reads = [_r("12H47586", 0.75), _r("12H47586", 0.79), _r("12G47586", 0.45),
             _r("12M47586", 0.79), NONE]
    assert [d.plate for d in lane_decisions(reads)] == ["12H47586"], "without a look"
    look = _Looks({0: [_r("12M47586", 0.97), _r("12M47586", 0.75)],
                   1: [_r("12M47586", 0.95), _r("12M47586", 0.75)],
                   2: [_r("12G47586", 0.45)] * 2, 3: [_r("12M47586", 0.79)] * 2})
    got = lane_decisions(reads, images=list(range(5)), look=look)
    assert [d.plate for d in got] == ["12M47586"] and got[0].confidence <= UNCONFIRMED
    assert look.calls[:1] == [0], "the first agreeing frame's look doubted it already"


def test_one_look_of_a_neighbour_plate_is_no_doubt() -> None:
    """Seed 1006, 21B75671: two frames at 0.99, two frames not read; frame 1 read at 0.7 said
    21B15671 and at 1.5 21B75671: no doubt, decided at once as before."""
    reads = [NONE, _r("21B75671", 0.99), _r("21B39756", 0.62), _r("21B75671", 0.99),
             _r("21B78671", 0.45)]
    look = _Looks({1: [_r("21B15671", 0.75), _r("21B75671", 0.99)],
                   3: [_r("21B75671", 0.99)] * 2})
    got = lane_decisions(reads, images=list(range(5)), look=look)
    assert [d.plate for d in got] == ["21B75671"] and got[0] == consensus(reads)
    assert look.calls == [1, 3]
