"""A pass's confidence (round 9): capped under ACT when no frame that read its plate may act
alone, so the pass band that may act alone is the one that was never wrong."""

from __future__ import annotations

import pytest

from edge.reader.base import ACT, FrameRead
from edge.reader.consensus import UNCONFIRMED, consensus


def _r(plate: str | None, conf: float) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "1-line" if plate else None,
                     "VN" if plate else None)


P = "12R90167"


@pytest.mark.parametrize(("confs", "want"), [
    ((0.75, 0.75), UNCONFIRMED),  # main: 0.9375 (1 - 0.25 * 0.25): two capped reads
    ((0.45, 0.45, 0.45), UNCONFIRMED),  # main: 0.8336 (12R... read by three lone frames)
    ((0.45, 0.45), 0.6975),  # under the cap already: as it was
    ((0.75, 0.79, 0.75, 0.7), UNCONFIRMED),
    ((0.75, ACT), 0.95),  # one frame may act alone: the agreement as it was
    ((0.99, 0.9), 0.999),
])
def test_a_pass_of_capped_frames_claims_less_than_act(confs: tuple[float, ...], want: float
                                                      ) -> None:
    got = consensus([_r(P, c) for c in confs] + [_r(None, 0.0)])
    assert got is not None and got.plate == P
    assert got.confidence == pytest.approx(want, abs=1e-4)
    assert (got.confidence >= ACT) == any(c >= ACT for c in confs)


def test_the_cap_counts_only_frames_that_read_the_plate() -> None:
    """A confident frame of another plate is no confirmation (and a rival besides)."""
    got = consensus([_r(P, 0.75), _r(P, 0.75), _r(P, 0.75), _r("12R96167", 0.3)])
    assert got is not None and got.plate == P and got.confidence <= UNCONFIRMED
