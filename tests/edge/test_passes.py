"""Pass grouping: one decision-grade read per vehicle pass, with the reader's real consensus."""

from __future__ import annotations

from datetime import UTC, datetime

from edge.passes import PassTracker
from edge.reader.base import ACT, FrameRead
from edge.reader.consensus import consensus

NOW = datetime.now(UTC)


def _read(plate: str | None, conf: float = 0.9) -> FrameRead:
    return FrameRead(plate=plate, confidence=conf if plate else 0.0, raw_text=plate or "",
                     layout="1-line" if plate else None, country="VN" if plate else None)


def _feed(t: PassTracker, plate: str | None, now: float, group: str | None = None,
          conf: float = 0.9):  # type: ignore[no-untyped-def]
    return t.feed(read=_read(plate, conf), group=group, captured_at=NOW, now=now)


def test_one_pass_read_when_two_frames_agree_and_never_again() -> None:
    t = PassTracker(consensus=consensus, timeout_s=3.0, min_agree=2)
    p1, d = _feed(t, None, 0.0)
    assert d is None
    _, d = _feed(t, "12C12345", 0.1)
    assert d is None, "one frame is not enough"
    p2, d = _feed(t, "12C12345", 0.2)
    assert d is not None and d.result.plate == "12C12345" and d.result.frames == 2
    assert p1 is p2 is d.vehicle_pass
    for i in range(3):
        _, d = _feed(t, "12C12345", 0.3 + i * 0.1)
        assert d is None, "a pass is decided once"
    assert t.passes_started == 1 and t.passes_decided == 1


def test_timeout_group_change_and_plate_change_end_a_pass() -> None:
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2)
    a, _ = _feed(t, "12C12345", 0.0)
    b, _ = _feed(t, "12C12345", 1.5)  # no plate for > timeout: the truck has gone
    assert a.pass_id != b.pass_id
    c, _ = _feed(t, "12C12345", 1.6, group="p2")
    d, _ = _feed(t, "12C12345", 1.7, group="p3")  # the source named a new pass
    assert b.pass_id == c.pass_id != d.pass_id
    _, dec = _feed(t, "12C12345", 1.8, group="p3")
    assert dec is not None
    e, _ = _feed(t, "24C56789", 1.9, group="p3", conf=0.3)  # an unconfident misread stays
    assert e is d
    f, _ = _feed(t, "24C56789", 2.0, group="p3", conf=0.9)  # a confident other plate: new truck
    assert f is not d
    t.end_group("p4")
    assert t.current is f, "an end marker of another pass does not end this one"
    t.end_group("p3")
    assert t.current is None


def test_a_pass_without_consensus_is_handed_over_once_not_dropped() -> None:
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2)
    _feed(t, "12C12345", 0.0)  # one frame read, never confirmed
    _feed(t, None, 0.2)
    assert t.take_undecided() == []
    t.tick(1.5)
    [undecided] = t.take_undecided()
    assert [f.read.plate for f in undecided.frames] == ["12C12345", None]
    assert t.take_undecided() == [], "each undecided pass is handed over once"
    # A named (triggered) pass in which nothing was read at all: a truck an officer must see.
    _feed(t, None, 2.0, group="t1")
    _feed(t, None, 2.1, group="t1")
    t.end_group("t1")
    [blank] = t.take_undecided()
    assert blank.group == "t1" and all(f.read.plate is None for f in blank.frames)
    # Empty road (no name, no plate) is no pass; a decided pass is not handed over again.
    _feed(t, None, 3.0)
    t.tick(5.0)
    _feed(t, "29C67890", 6.0, group="t2")
    _feed(t, "29C67890", 6.1, group="t2")
    _feed(t, "24C56789", 6.2, group="t3")  # the source names the next pass
    assert t.take_undecided() == []


def test_a_contested_pass_waits_for_more_frames_before_deciding() -> None:
    """Two agreeing frames decide at once only when no frame read another plate."""
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    _feed(t, "12C12345", 0.0)
    _, d = _feed(t, "12C12845", 0.1, conf=0.5)  # one frame read another plate
    assert d is None
    _, d = _feed(t, "12C12345", 0.2)
    assert d is None, "2 of 3 agree, but the pass is contested: wait"
    _, d = _feed(t, "12C12345", 0.3)
    assert d is not None and d.result.plate == "12C12345" and d.result.frames == 3
    assert t.take_late() == [] and t.passes_decided == 1


def test_a_contested_pass_that_ends_early_is_decided_on_all_its_frames() -> None:
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    first, _ = _feed(t, "29C67890", 0.0)
    _feed(t, "29C67B90", 0.1, conf=0.4)
    _, d = _feed(t, "29C67890", 0.2)
    assert d is None
    t.tick(2.0)  # the truck has gone after three frames
    [late] = t.take_late()
    assert late.vehicle_pass is first and late.result.plate == "29C67890"
    assert late.best is not None and late.best.read.plate == "29C67890"
    assert t.take_undecided() == [] and t.take_late() == [], "handed over once"
    # Contested with no consensus even on all frames: still handed to an officer, undecided.
    _feed(t, "29C67890", 3.0)
    _feed(t, "51D12345", 3.1)
    t.tick(5.0)
    assert t.take_late() == [] and len(t.take_undecided()) == 1


def test_a_look_alike_misread_after_the_decision_does_not_start_a_new_pass() -> None:
    """云N53575 is 云NS3575 with S read as 5: the same truck, not a second one to decide."""
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2)
    _feed(t, "云NS3575", 0.0)
    first, d = _feed(t, "云NS3575", 0.1)
    assert d is not None and d.result.plate == "云NS3575"
    for i in range(3):
        p, d = _feed(t, "云N53575", 0.2 + i * 0.1)  # confident, alike: stays in the pass
        assert p is first and d is None
    other, _ = _feed(t, "云NS3576", 0.6)  # one digit, not a look-alike: another truck
    assert other is not first and t.passes_started == 2


def test_a_capped_read_of_another_plate_does_not_split_a_decided_pass() -> None:
    """Round 9 (seed 4242's passes): 湘P7W636 decided, then 湘PTW636 at 0.79 and 0.75 (capped
    reads, T for 7) split the pass and decided the split-off half wrong. Only a read the
    reader would let act alone (``ACT``) is another truck."""
    from edge.passes import CHANGE_CONFIDENCE
    from edge.reader.tesseract import ACT as READER_ACT

    assert CHANGE_CONFIDENCE == ACT == READER_ACT
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2)
    _feed(t, "湘P7W636", 0.0, conf=0.75)
    first, d = _feed(t, "湘P7W636", 0.1, conf=ACT)
    assert d is not None and d.result.plate == "湘P7W636"
    p, d = _feed(t, "湘PTW636", 0.2, conf=0.79)
    assert p is first and d is None
    p, d = _feed(t, "湘PTW636", 0.3, conf=0.75)
    assert p is first and d is None and t.passes_started == 1
    other, _ = _feed(t, "湘PTW636", 0.4, conf=ACT)  # a read that may act alone: a new truck
    assert other is not first and t.passes_started == 2


def test_an_agreement_of_frames_none_of_which_may_act_alone_waits() -> None:
    """Round 9 (check seed 555): 云JUSF02 at 0.75 and 0.57 agreed at the second frame and was
    published; the next three frames read the right 云JU9F02. Such an agreement waits like a
    contested one: for ``contested_frames`` frames with a plate, or the pass's end."""
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    _, d = _feed(t, "云JUSF02", 0.0, conf=0.75)
    _, d2 = _feed(t, "云JUSF02", 0.1, conf=0.57)
    assert d is None and d2 is None, "two capped frames are not yet a decision"
    for i, conf in enumerate((0.43, 0.51, 0.65)):
        _, d = _feed(t, "云JU9F02", 0.2 + i * 0.1, conf=conf)
        assert d is None, "contested from the third frame on"
    t.end_group(None)
    assert t.take_late() == [] and len(t.take_undecided()) == 1, "an officer's, not a wrong read"
    # Unconfirmed and uncontested: decided once contested_frames frames carry the plate ...
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    got = [_feed(t, "12R90167", i * 0.1, conf=0.75)[1] for i in range(4)]
    assert got[:3] == [None] * 3 and got[3] is not None and got[3].result.frames == 4
    assert got[3].result.confidence < ACT
    # ... or at the pass's end, on all its frames.
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    assert [_feed(t, "12R90167", i * 0.1, conf=0.75)[1] for i in range(2)] == [None, None]
    t.end_group(None)
    assert [d.result.plate for d in t.take_late()] == ["12R90167"]
    # One frame that may act alone decides at the first agreement, as before.
    t = PassTracker(consensus=consensus, timeout_s=1.0, min_agree=2, contested_frames=4)
    _feed(t, "12R90167", 0.0, conf=0.75)
    _, d = _feed(t, "12R90167", 0.1, conf=ACT)
    assert d is not None and d.result.frames == 2
