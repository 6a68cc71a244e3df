"""Round 27: the second look's ``_outread`` guard sets aside a frame's surer read of another
plate that its own image, read at other scales, never repeats (``second_look._unrepeated``).
粤JJ9709 (pass seed 5309, pass 36): two frames of it (0.69 with its rival 粤J39709; 0.45), one
of 粤J19709 at 0.75 whose looks read 粤JJ9709 and 粤SJ9709 thrice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from bench.ocr import lane_decisions
from edge.reader.base import FrameRead
from edge.reader.consensus import UNCONFIRMED
from edge.reader.second_look import _unrepeated, decide

PLATE, LONE = "粤JJ9709", "粤J19709"


def _cn(plate: str | None, conf: float = 0.0, rival: str | None = None,
        layout: Literal["1-line", "2-line"] = "2-line") -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", layout if plate else None,
                     "CN" if plate else None, rival=rival)


NONE = _cn(None)
#: The pass's own reads and its looks at 0.7, 1.5, 0.85 and 1.25, as dumped
#: (``scripts/pass_replay.py --dump 5309 --scales 0.7 1.5 0.85 1.25``).
READS = [_cn(PLATE, 0.69, "粤J39709"), _cn("豫TRNG15", 0.3283, layout="1-line"),
         _cn("粤SJ9709", 0.45), _cn(PLATE, 0.45), _cn(LONE, 0.75)]
LOOKS = [[_cn(PLATE, 0.45), _cn(PLATE, 0.70), _cn(PLATE, 0.45), _cn(PLATE, 0.75)],
         [_cn("豫TRNG15", 0.4039, layout="1-line"), _cn("豫TRNG15", 0.3913, layout="1-line"),
          _cn("京ZJ9709", 0.6471, layout="1-line"), _cn("豫TRNG15", 0.3368, layout="1-line")],
         [NONE, NONE, NONE, NONE],
         [_cn("鲁BJ9709", 0.45), _cn("鲁Y19709", 0.45, "鲁Y19309"), _cn("粤BJ9709", 0.45),
          _cn(PLATE, 0.45, "粤J39709")],
         [_cn(PLATE, 0.45), _cn("粤SJ9709", 0.7411), _cn("粤SJ9709", 0.711),
          _cn("粤SJ9709", 0.7143)]]


def _look(looks: Sequence[Sequence[FrameRead]]
          ) -> Callable[[Any, Sequence[float]], list[FrameRead]]:
    """The lane's look answered from ``looks``: frame ``i`` (its image is ``i``) at 0.7 and
    1.5 first, then at 0.85 and 1.25 (``second_look.STAGES``)."""
    at = {0.7: 0, 1.5: 1, 0.85: 2, 1.25: 3}
    return lambda i, scales: [looks[int(i)][at[s]] for s in scales]


def _first_stage(looks: Sequence[Sequence[FrameRead]]) -> list[list[FrameRead]]:
    return [list(xs[:2]) for xs in looks]


def test_the_lane_decides_the_pass_under_the_band() -> None:
    got = lane_decisions(READS, images=list(range(5)), look=_look(LOOKS))
    assert [d.plate for d in got] == [PLATE]
    assert got[0].confidence <= UNCONFIRMED


def test_a_surer_read_its_looks_repeat_still_outreads() -> None:
    looks = [*LOOKS[:4], [_cn(LONE, 0.70), *LOOKS[4][1:]]]
    assert decide(READS, _first_stage(looks)) is None


def test_a_surer_read_at_act_still_outreads() -> None:
    reads = [*READS[:2], _cn(PLATE, 0.45), READS[3], _cn(LONE, 0.79)]
    got = decide(reads, _first_stage(LOOKS))
    assert got is not None and got.plate == PLATE
    reads[4] = _cn(LONE, 0.85)  # a read that may act alone is never set aside
    assert decide(reads, _first_stage(LOOKS)) is None


def test_a_surer_read_another_frame_repeats_still_outreads() -> None:
    reads = [_cn(PLATE, 0.69), READS[1], _cn("粤SJ9709", 0.30), READS[3], READS[4]]
    got = decide(reads, _first_stage(LOOKS))
    assert got is not None and got.plate == PLATE  # frame 2 reads a third plate: decided
    reads[2] = _cn(LONE, 0.30)  # frame 2 reads the surer frame's plate: no coin flip
    assert decide(reads, _first_stage(LOOKS)) is None


def test_a_surer_read_another_frame_s_look_repeats_is_not_set_aside() -> None:
    assert _unrepeated(4, PLATE, READS, _first_stage(LOOKS), min_agree=2)
    looks = [*LOOKS[:2], [_cn(LONE, 0.30), NONE], *LOOKS[3:]]
    assert not _unrepeated(4, PLATE, READS, _first_stage(looks), min_agree=2)


def test_a_surer_read_with_one_plated_look_still_outreads() -> None:
    looks = [*LOOKS[:4], [_cn(PLATE, 0.45), NONE, *LOOKS[4][2:]]]
    assert decide(READS, _first_stage(looks)) is None


def test_the_plate_named_by_one_frame_s_looks_only_sets_nothing_aside() -> None:
    # Only frame 0's looks name the plate: the pass's images do not repeat it enough.
    looks = [*LOOKS[:4], [_cn("粤SJ9709", 0.45), LOOKS[4][1]]]
    assert not _unrepeated(4, PLATE, READS, _first_stage(looks), min_agree=2)
    assert _unrepeated(4, PLATE, READS, _first_stage(looks), min_agree=1)
