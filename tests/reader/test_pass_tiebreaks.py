"""A plate read by two frames or more against other plates each read by one frame needs
``SCATTERED`` (1.5) times the support of each, not twice (round 11): 29E87390 at 0.99 and 0.98
against 29E81398, 23E87398, 29E87396 at 0.92-0.99 was undecided by 1.97 against 0.99.
Not in a pass split off a decided one (the lane's ``PassTracker``): its frames may be the last
truck's. Measured on the lane's decisions of generated hard passes
(docs/reader-journal.md, round 11).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from edge.passes import PassTracker
from edge.reader.base import FrameRead
from edge.reader.consensus import SCATTERED, UNCONFIRMED, consensus


def _r(plate: str | None, conf: float, rival: str | None = None,
       country: str = "VN") -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "1-line" if plate else None,
                     country if plate else None, rival=rival)  # type: ignore[arg-type]


def test_a_plate_of_two_frames_beats_scattered_one_frame_misreads() -> None:
    """Round 11, prove seed 9009: undecided by 1.97 against 0.99."""
    reads = [_r("29E81398", 0.99), _r("29E87390", 0.99), _r("23E87398", 0.92),
             _r("29E87396", 0.96), _r("29E87390", 0.98)]
    got = consensus(reads)
    assert got is not None and got.plate == "29E87390"


def test_a_dropped_last_character_does_not_contest_two_frames() -> None:
    """12Z1845 at 0.82 (a frame that lost the last digit) against two frames of 12Z18450."""
    got = consensus([_r("12Z18450", 0.77), _r(None, 0), _r("12Z18450", 0.76),
                     _r("12Z1845", 0.82)])
    assert got is not None and got.plate == "12Z18450"
    assert got.confidence <= UNCONFIRMED, "no frame that read it may act alone"


@pytest.mark.parametrize("reads", [
    # Two frames read the other plate: a second story, the ratio of 2 holds (coin flip).
    [_r("14S65059", 0.75), _r("14S65059", 0.75), _r("14S65859", 0.75), _r("14S65859", 0.75)],
    # One frame against one: no plate of two frames.
    [_r("36Y79252", 0.99), _r("36Y19252", 0.99)],
    # Scattered, but under SCATTERED x the strongest one.
    [_r("29E87390", 0.7), _r("29E87390", 0.7), _r("29E81398", 0.99)],
])
def test_scattered_needs_one_frame_rivals_and_its_ratio(reads: list[FrameRead]) -> None:
    assert consensus(reads) is None
    assert SCATTERED > 1


def test_a_frames_rival_keeps_its_veto_over_a_scattered_pass() -> None:
    """The rivals contest at the ratio of 2 as before (round 9): 云T29783 twice, each frame's
    other model reading 云TZ9783, is no decision however scattered the rest."""
    reads = [_r("云T29783", 0.75, "云TZ9783", "CN"), _r("云T29783", 0.75, "云TZ9783", "CN"),
             _r("云TZ9783", 0.4, country="CN")]
    assert consensus(reads) is None


def _feed_all(t: PassTracker, reads: list[FrameRead]) -> list[str]:
    now = datetime.now(UTC)
    out = [d.result.plate for i, r in enumerate(reads)
           if (d := t.feed(read=r, group="g", captured_at=now, now=i * 0.1)[1]) is not None]
    t.end_group("g")
    return out + [d.result.plate for d in t.take_late()]


def test_the_lane_decides_a_scattered_pass() -> None:
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    assert _feed_all(t, [_r("29E81398", 0.99), _r("29E87390", 0.99), _r("23E87398", 0.92),
                         _r("29E87396", 0.96), _r("29E87390", 0.98)]) == ["29E87390"]


def test_a_pass_split_off_a_decided_one_is_decided_strictly() -> None:
    """Round 11, check seed 1234: 51D93520 decided at the second frame; 51D93528 at 0.99 split
    the pass, and in the split-off half 51D93528 (0.99, 0.70) against 51D93520 (1.00) was a
    plate of two frames against one: the tie-break decided the truck's misread as a second
    truck. Strictly, that half stays undecided."""
    reads = [_r("51D93520", 0.84), _r("51D93520", 0.99), _r("51D93528", 0.99),
             _r("51D93520", 1.0), _r("51D93528", 0.70)]
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    assert _feed_all(t, reads) == ["51D93520"]
    assert t.passes_started == 2 and len(t.take_undecided()) == 1
    # The same three frames as a pass of their own are a scattered pass.
    assert consensus(reads[2:]) is not None
    assert consensus(reads[2:], scattered=False) is None


def test_scattered_misreads_that_outvote_a_character_are_no_scatter() -> None:
    """Round 15, seed 8082: 桂T1725B twice (0.75) against 桂T172JB (0.94) and 桂T172J5 (0.76),
    one frame each, was decided wrong as a scattered plate (1.50 against 0.94): the two
    one-frame reads tell one story at the sixth place, J (1.70 against 1.50)."""
    reads = [_r(None, 0), _r("桂T172J5", 0.7556, country="CN"),
             _r("桂T172JB", 0.9429, country="CN"), _r("桂T1725B", 0.75, country="CN"),
             _r("桂T1725B", 0.75, country="CN")]
    assert consensus(reads) is None
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    assert _feed_all(t, reads) == []
    # 29E87390 keeps its lead at its contested last place (1.97 against 1.91): still decided.
    got = consensus([_r("29E81398", 0.99), _r("29E87390", 0.99), _r("23E87398", 0.92),
                     _r("29E87396", 0.96), _r("29E87390", 0.98)])
    assert got is not None and got.plate == "29E87390"


def test_a_rival_in_the_pass_does_not_make_a_one_frame_misread_a_second_story() -> None:
    """Round 15, seed 557: 粤S216B2 twice (one frame with chi_sim's 粤S21682 as its rival)
    against 25Z1682 once. The rival halves its frame, and the veto then held 25Z1682 at the
    ratio of 2 (1.09 against 0.69): a one-frame misread, no frame's rival, needs only
    ``SCATTERED`` there; the rival's own plate keeps the ratio of 2."""
    reads = [_r(None, 0), _r(None, 0), _r("粤S216B2", 0.7866, "粤S21682", "CN"),
             _r("25Z1682", 0.69), _r("粤S216B2", 0.7, country="CN")]
    got = consensus(reads)
    assert got is not None and got.plate == "粤S216B2"
    # The rival's plate read by a frame of its own contests at the ratio of 2 as before.
    assert consensus([*reads[:3], _r("粤S21682", 0.69, country="CN"), reads[4]]) is None


def test_a_pass_decided_by_the_scattered_tie_break_alone_waits_one_frame_more() -> None:
    """Round 15, seed 557: at the fourth frame 14L39161 (0.70, 0.75) against 14L39181 and
    14L39101 (0.75 each) was a scattered plate, and the lane decided it there
    (``contested_frames``); the fifth frame read 14L39101 again: two against two."""
    reads = [_r("14L39181", 0.75), _r("14L39101", 0.75), _r("14L39161", 0.7),
             _r("14L39161", 0.75), _r("14L39101", 0.75)]
    assert consensus(reads[:4]) is not None and consensus(reads[:4], scattered=False) is None
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    assert _feed_all(t, reads) == []
    # A fifth frame that holds the plate (or none with a plate: the pass's end) decides it.
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    assert _feed_all(t, [*reads[:4], _r(None, 0)]) == ["14L39161"]


def test_a_plate_tied_at_a_place_by_the_other_frames_is_no_decision() -> None:
    """Round 17, seed 1003, 粤LJ0J25: 吉L40325 by two frames at 0.45 was exactly twice any
    other plate (each frame's rival another), but two frames at 0.45 read 粤 where it read 吉:
    a tie at the province is no decision (it was decided wrong)."""
    reads = [_r("吉L40325", 0.45, "吉LJ0125", "CN"), _r(None, 0),
             _r("粤L30S25", 0.45, "粤L10125", "CN"), _r("吉L40325", 0.45, "吉L0J125", "CN"),
             _r("粤LJ0725", 0.45, "粤LJ0J25", "CN")]
    assert consensus(reads) is None


def test_a_scattered_plate_whose_frame_has_a_rival_is_outvoted_at_a_place() -> None:
    """Round 17, seed 1003, 川GNB0F0: 川GNB6F0 by two frames at 0.75, one with a rival,
    against 9 at that place in two frames: the rival halves its frame (1.125 against 1.5)."""
    reads = [_r("川GNB6F0", 0.75, country="CN"), _r("川GNB9F8", 0.75, country="CN"),
             _r("川GNB9F0", 0.75, country="CN"), _r("川GNB6F0", 0.75, "川GNBQFQ", "CN"),
             _r("川GNB0F0", 0.75, country="CN")]
    assert consensus(reads) is None
    reads[3] = _r("川GNB6F0", 0.75, country="CN")  # no rival: 1.5 against 1.5, a tie
    assert consensus(reads) is None

