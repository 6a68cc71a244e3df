"""Decision notices of a committed batch: one message per lane, within the payload bound.

The central worker joins each notice's own JSON into a ``DecisionBatchV1``; these tests
hold it to the model's JSON byte for byte, to the 16 KiB every receiver parses at most,
and to plain ``DecisionV1`` bytes for a lane's lone decision (what consoles saw before).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain import topics
from domain.messages import (
    MAX_BATCH_DECISIONS,
    MAX_PAYLOAD_BYTES,
    DecisionBatchV1,
    DecisionV1,
    MessageError,
    decisions_of,
    parse_message,
)
from domain.reasons import reason
from services.central.outcomes import Publication
from services.central.outcomes import notice_publications as publications

NOW = datetime(2026, 11, 22, 3, 15, 42, 125000, tzinfo=UTC)


def notice_publications(notices: list[DecisionV1], **kw: int) -> list[Publication]:
    """The worker hands over each notice's lane and JSON."""
    return publications([(n.lane_id, n.to_json()) for n in notices], **kw)


def notice(lane: str, n: int, codes: tuple[str, ...] = ("MATCHED", "CLEARED_CONTACTLESS")
           ) -> DecisionV1:
    return DecisionV1(decision_id=uuid.uuid4().hex, event_id=uuid.uuid4().hex, lane_id=lane,
                      gate_id="huu-nghi-1119", plate=f"12C{10000 + n}", trip_id=uuid.uuid4().hex,
                      outcome="open", reasons=tuple(reason(c) for c in codes),
                      command_id=uuid.uuid4().hex, decided_at=NOW)


def test_a_lone_decision_goes_as_the_plain_notice() -> None:
    one = notice("hn1119-x1", 1)
    [pub] = notice_publications([one])
    assert pub.topic == topics.decisions("hn1119-x1")
    assert pub.payload == one.to_json()
    assert pub.qos == 1


def test_a_lanes_decisions_go_as_one_batch_in_order_lanes_in_first_seen_order() -> None:
    x1 = [notice("hn1119-x1", i) for i in range(3)]
    x2 = [notice("hn1119-x2", 10)]
    pubs = notice_publications([x1[0], x2[0], x1[1], x1[2]])
    assert [p.topic for p in pubs] == [topics.decisions("hn1119-x1"),
                                       topics.decisions("hn1119-x2")]
    batch = parse_message(pubs[0].payload)
    assert isinstance(batch, DecisionBatchV1)
    assert batch.decisions == tuple(x1)
    # Joined bytes are the model's own serialisation, not merely equivalent JSON.
    assert pubs[0].payload == DecisionBatchV1(lane_id="hn1119-x1", decisions=tuple(x1)).to_json()
    assert pubs[1].payload == x2[0].to_json()


def test_batches_stay_within_the_payload_bound_and_the_count_bound() -> None:
    many = [notice("hn1119-x1", i, ("MATCHED", "LOOKALIKE_CONFLICT", "TOO_FEW_FRAMES"))
            for i in range(150)]
    pubs = notice_publications(many)
    assert len(pubs) > 1
    assert all(len(p.payload) <= MAX_PAYLOAD_BYTES for p in pubs)
    got = [d for p in pubs for d in decisions_of(parse_message(p.payload))]  # type: ignore[arg-type]
    assert got == many  # every decision exactly once, in order
    small = [notice("hn1119-x1", i, ("MATCHED",)) for i in range(MAX_BATCH_DECISIONS + 1)]
    assert [len(decisions_of(parse_message(p.payload, max_bytes=1 << 20)))  # type: ignore[arg-type]
            for p in notice_publications(small, max_bytes=1 << 20)] == [MAX_BATCH_DECISIONS, 1]


@pytest.mark.parametrize("max_bytes", [1500, 2000, 4096])
def test_a_tight_bound_is_never_exceeded(max_bytes: int) -> None:
    many = [notice("hn1119-x1", i) for i in range(20)]
    pubs = notice_publications(many, max_bytes=max_bytes)
    assert all(len(p.payload) <= max_bytes for p in pubs)
    assert any(isinstance(parse_message(p.payload), DecisionBatchV1) for p in pubs)
    assert [d for p in pubs for d in decisions_of(parse_message(p.payload))] == many  # type: ignore[arg-type]


def test_a_batch_is_one_lanes_and_holds_at_least_two() -> None:
    a, b = notice("hn1119-x1", 1), notice("hn1119-x2", 2)
    mixed = DecisionBatchV1.model_construct(lane_id="hn1119-x1", decisions=(a, b)).to_json()
    with pytest.raises(MessageError, match="batch's lane"):
        parse_message(mixed)
    lone = DecisionBatchV1.model_construct(lane_id="hn1119-x1", decisions=(a,)).to_json()
    with pytest.raises(MessageError, match="decisions"):
        parse_message(lone)
