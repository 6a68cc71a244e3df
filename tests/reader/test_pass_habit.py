"""Round 26: a pass split only at its province, chi_sim's habit 吉 against one other province,
decided without the habit's reads where a 吉 frame's own looks name the other province
(``edge.reader.habitpass``). 粤M8L28G (pass seed 3305): two frames of it, two of 吉M8L28G."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bench.ocr import lane_decisions
from edge.reader import habitpass
from edge.reader.base import FrameRead
from edge.reader.consensus import UNCONFIRMED

PLATE, HABIT = "粤M8L28G", "吉M8L28G"


def _cn(plate: str | None, conf: float = 0.0, rival: str | None = None) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "2-line" if plate else None,
                     "CN" if plate else None, rival=rival)


NONE = _cn(None)
#: The pass's own reads and its looks at 0.7, 1.5, 0.85 and 1.25, as dumped
#: (``scripts/pass_replay.py --dump 3305 --scales 0.7 1.5 0.85 1.25``).
READS = [NONE, _cn(PLATE, 0.70, "粤MSL28G"), _cn(PLATE, 0.69), _cn(HABIT, 0.50),
         _cn(HABIT, 0.71)]
LOOKS = [[NONE, NONE, _cn(PLATE, 0.45), _cn("赣M8L28G", 0.52)],
         [_cn(PLATE, 0.70), _cn(PLATE, 0.70), _cn(PLATE, 0.75), _cn(PLATE, 0.70)],
         [_cn(PLATE, 0.66), _cn(PLATE, 0.70), _cn("鲁M8L28G", 0.53), _cn(PLATE, 0.70)],
         [_cn(PLATE, 0.70), _cn(HABIT, 0.79), _cn(HABIT, 0.57), _cn(PLATE, 0.70)],
         [_cn(HABIT, 0.75), _cn(HABIT, 0.70), _cn(HABIT, 0.71), _cn(HABIT, 0.72)]]


def _look(looks: Sequence[Sequence[FrameRead]]
          ) -> Callable[[Any, Sequence[float]], list[FrameRead]]:
    """The lane's look answered from ``looks``: frame ``i`` (its image is ``i``) at 0.7 and
    1.5 first, then at 0.85 and 1.25 (``second_look.STAGES``)."""
    at = {0.7: 0, 1.5: 1, 0.85: 2, 1.25: 3}
    return lambda i, scales: [looks[int(i)][at[s]] for s in scales]


def test_the_lane_decides_the_habit_split_under_the_band() -> None:
    got = lane_decisions(READS, images=list(range(5)), look=_look(LOOKS))
    assert [d.plate for d in got] == [PLATE]
    assert got[0].confidence <= UNCONFIRMED


def test_no_habit_frame_wavering_to_the_other_province_decides_nothing() -> None:
    # The 吉 frames' looks all read 吉: nothing says the glyph is the other province's.
    looks = [*LOOKS[:3], [_cn(HABIT, 0.70)] * 4, LOOKS[4]]
    assert habitpass.decided(READS, looks, min_agree=2) is None
    assert lane_decisions(READS, images=list(range(5)), look=_look(looks)) == []


def test_a_habit_read_at_act_keeps_the_pass_with_an_officer() -> None:
    looks = [*LOOKS[:3], [_cn(PLATE, 0.70), _cn(HABIT, 0.85), *LOOKS[3][2:]], LOOKS[4]]
    assert habitpass.decided(READS, looks, min_agree=2) is None


def test_more_habit_frames_than_frames_of_the_other_province_decide_nothing() -> None:
    reads = [_cn(HABIT, 0.45), *READS[1:]]
    looks = [[_cn(PLATE, 0.45)] * 4, *LOOKS[1:]]
    assert habitpass.decided(reads, looks, min_agree=2) is None


def test_a_third_plate_or_another_tail_is_no_habit_split() -> None:
    reads = [_cn("赣M8L28G", 0.45), *READS[1:]]
    assert habitpass.decided(reads, LOOKS, min_agree=2) is None
    reads = [NONE, READS[1], READS[2], _cn("吉M8L26G", 0.50), READS[4]]
    assert habitpass.decided(reads, LOOKS, min_agree=2) is None


def test_a_true_habit_province_is_not_set_aside() -> None:
    # Two frames of 吉 with the other province's frames fewer: the rule never fires.
    reads = [_cn(HABIT, 0.75), _cn(PLATE, 0.70), _cn(HABIT, 0.69), NONE, NONE]
    looks = [[_cn(PLATE, 0.7)] * 4, [_cn(PLATE, 0.7)] * 4, [_cn(PLATE, 0.7)] * 4, [], []]
    assert habitpass.decided(reads, looks, min_agree=2) is None
