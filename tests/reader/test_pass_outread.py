"""Round 19: the second look decides no plate against the pass's surest frame read of
another plate (``second_look._outread``): its looks are the same images again."""

from __future__ import annotations

from edge.reader.base import FrameRead
from edge.reader.second_look import decide


def _cn(plate: str | None, conf: float = 0.0) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "1-line" if plate else None,
                     "CN" if plate else None)


NONE = _cn(None)


def test_a_position_vote_of_looks_does_not_outweigh_the_frames() -> None:
    """Seed 1002, 桂N6C91L: two frames of 桂N6C9LL at 0.45 and 0.37 against one of it at
    0.69; read at 0.7 and 1.5, the looks named 桂S6C9LL, 吉N6GGLL, 桂N6C9AL and 桂N6C9LE, whose
    position vote gave 桂N6C9LL (wrong) against the pass's surest read."""
    reads = [NONE, _cn("桂N6C9LL", 0.45), _cn("桂N6C9LL", 0.37), NONE, _cn("桂N6C91L", 0.69)]
    looks = [[NONE, _cn("吉N6GGLL", 0.33)], [_cn("桂S6C9LL", 0.45), NONE],
             [_cn("桂N6C9AL", 0.45), _cn("桂N6C9LE", 0.45)], [NONE, NONE], [NONE, NONE]]
    assert decide(reads, looks) is None


def test_the_surest_read_seconded_by_looks_is_decided() -> None:
    """The same looks where a frame read the plate surer than the other plate: decided, under
    the band."""
    reads = [NONE, _cn("桂N6C9LL", 0.72), _cn("桂N6C9LL", 0.37), NONE, _cn("桂N6C91L", 0.69)]
    looks = [[NONE, _cn("吉N6GGLL", 0.33)], [_cn("桂S6C9LL", 0.45), NONE],
             [_cn("桂N6C9AL", 0.45), _cn("桂N6C9LE", 0.45)], [NONE, NONE], [NONE, NONE]]
    got = decide(reads, looks)
    assert got is not None and got.plate == "桂N6C9LL" and got.confidence < 0.8
