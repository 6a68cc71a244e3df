"""bench/ocr.py decides a truck's pass as the lane does (edge.passes), frame by frame."""

from __future__ import annotations

from bench.ocr import lane_decisions
from edge.reader.base import FrameRead


def _r(plate: str | None, conf: float = 0.9) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "1-line" if plate else None,
                     "VN" if plate else None)


def test_the_benchmark_counts_what_the_lane_would_publish() -> None:
    # Unanimous: published at the second frame, once.
    assert [d.plate for d in lane_decisions([_r("12C12345")] * 5)] == ["12C12345"]
    # Two frames agree on a misread before any frame contests it: the lane publishes it at
    # once, and the next confident frames start a new pass with the true plate. The
    # benchmark counts this truck wrong (the centre acts on the first read); all five frames
    # at once would have read it right.
    early = [_r("12C12346"), _r("12C12346"), _r("12C12345"), _r("12C12345"), _r("12C12345")]
    assert [d.plate for d in lane_decisions(early)] == ["12C12346", "12C12345"]
    # Contested before any agreement: the lane waits, and with all five decides nothing.
    contested = [_r("12C12346"), _r("12C12345"), _r("12C12346"), _r("12C12345")]
    assert lane_decisions(contested) == []
    # A contested pass that all its frames decide: published once, at its end.
    late = [_r("29C67890"), _r("29C67B90", 0.4), _r("29C67890"), _r(None), _r(None)]
    assert [(d.plate, d.frames) for d in lane_decisions(late)] == [("29C67890", 2)]
    # Nothing read: nothing published (an officer gets the truck).
    assert lane_decisions([_r(None)] * 5) == []
