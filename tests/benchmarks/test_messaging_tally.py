"""bench/messaging.py's accounting: lost and duplicate events counted exactly, forgeries never.

The lane side of the bench hears only the command topic and joins events to commands
after the run; these tests hold that join to the old definitions (an event without a
decision or without its command received is lost; a second copy is a duplicate).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from bench.messaging_tally import Arrivals, acked_events, tally
from domain import topics
from domain.messages import EventAckV1, LaneCommandsV1, LaneCommandV1
from domain.signing import generate_signing_key, sign_centre
from mqttio import Received

LANE = "hn1119-x1"
PRIVATE, PUBLIC = generate_signing_key()
KEYS = {"k1": PUBLIC}


def command(lane: str = LANE, key: str = PRIVATE) -> LaneCommandV1:
    now = datetime.now(UTC)
    return sign_centre(LaneCommandV1(
        command_id=uuid.uuid4().hex, lane_id=lane, action="open", plate="29C00001",
        decision_id=uuid.uuid4().hex, issued_at=now, expires_at=now + timedelta(minutes=1),
        key_id="k1"), key)


def received(topic: str, payload: bytes, at: float) -> Received:
    return Received(topic, payload, 1, False, 1, received_at=at)


def test_each_event_is_joined_to_its_command_and_lost_or_doubled_ones_are_counted() -> None:
    inbox = Arrivals(topics.commands(LANE))
    c1, c2, c3, c4 = command(), command(), command(), command()
    inbox.take(received(topics.commands(LANE), c1.to_json(), 10.0))
    inbox.take(received(topics.commands(LANE), c2.to_json(), 11.0))
    inbox.take(received(topics.commands(LANE), c2.to_json(), 12.0))  # a copy: duplicate
    # c3 is stored but never arrives; c4 arrives but its event has no decision row
    inbox.take(received(topics.commands(LANE), c4.to_json(), 13.0))
    links = {"e1": c1.command_id, "e2": c2.command_id, "e3": c3.command_id,
             "e4": c4.command_id}
    decided = Counter({"e1": 1, "e2": 1, "e3": 1})
    result = tally(["e1", "e2", "e3", "e4", "e5"], inbox, lane_id=LANE, public_keys=KEYS,
                   links=links, decided=decided)
    assert result.arrived == {"e1": 10.0, "e2": 11.0, "e4": 13.0}  # first arrival counts
    assert result.lost == 3  # e3 (no command heard), e4 (no decision), e5 (nothing)
    assert result.duplicates == 1
    assert result.unverified == 0


def test_a_second_decision_for_one_event_is_a_duplicate() -> None:
    inbox = Arrivals(topics.commands(LANE))
    c = command()
    inbox.take(received(topics.commands(LANE), c.to_json(), 1.0))
    result = tally(["e1"], inbox, lane_id=LANE, public_keys=KEYS, links={"e1": c.command_id},
                   decided=Counter({"e1": 2}))
    assert (result.lost, result.duplicates) == (0, 1)


def test_forged_or_foreign_commands_never_count_as_arrived() -> None:
    inbox = Arrivals(topics.commands(LANE))
    other_key, _ = generate_signing_key()
    forged, foreign = command(key=other_key), command(lane="hn1119-x2")
    for c in (forged, foreign):
        inbox.take(received(topics.commands(LANE), c.to_json(), 1.0))
    inbox.take(received(topics.commands(LANE), b"{not json", 1.0))
    result = tally(["e1", "e2"], inbox, lane_id=LANE, public_keys=KEYS,
                   links={"e1": forged.command_id, "e2": foreign.command_id},
                   decided=Counter({"e1": 1, "e2": 1}))
    assert result.arrived == {}
    assert (result.lost, result.unverified) == (2, 3)


def test_other_topics_are_kept_aside_and_only_signed_acks_acknowledge() -> None:
    inbox = Arrivals(topics.commands(LANE))
    now = datetime.now(UTC)
    acks = topics.device_acks("cam1")
    good = sign_centre(EventAckV1(device_id="cam1", event_ids=("a" * 32,), at=now, key_id="k1"),
                       PRIVATE)
    other_key, _ = generate_signing_key()
    forged = sign_centre(EventAckV1(device_id="cam1", event_ids=("b" * 32,), at=now,
                                    key_id="k1"), other_key)
    for payload in (good.to_json(), forged.to_json()):
        inbox.take(received(acks, payload, 1.0))
    inbox.take(received(topics.preclearance(LANE), b"{}", 1.0))
    assert inbox.first_at == {}
    assert inbox.heard(topics.preclearance(LANE)) and not inbox.heard(topics.decisions(LANE))
    assert acked_events(inbox.other, device_id="cam1", public_keys=KEYS) == {"a" * 32}


def test_a_lane_commands_payload_counts_as_its_commands_each_verified_alone() -> None:
    """The centre sends a lane's commands of one batch as one ``lane_commands`` message: the
    bench counts each command in it (to stop waiting, and in the tally), verifies each alone,
    and a command heard both in a batch and alone is a copy."""
    inbox = Arrivals(topics.commands(LANE))
    c1, c2, c3 = command(), command(), command()
    other_key, _ = generate_signing_key()
    forged = command(key=other_key)
    batch = LaneCommandsV1(lane_id=LANE, commands=(c1, c2, forged)).to_json()
    inbox.take(received(topics.commands(LANE), batch, 10.0))
    inbox.take(received(topics.commands(LANE), c3.to_json(), 11.0))
    inbox.take(received(topics.commands(LANE), c2.to_json(), 12.0))  # a copy, alone
    assert inbox.commands == 5  # three in the batch, c3, c2's copy (distinct payloads)
    links = {"e1": c1.command_id, "e2": c2.command_id, "e3": c3.command_id,
             "e4": forged.command_id}
    result = tally(["e1", "e2", "e3", "e4"], inbox, lane_id=LANE, public_keys=KEYS, links=links,
                   decided=Counter({"e1": 1, "e2": 1, "e3": 1, "e4": 1}))
    assert result.arrived == {"e1": 10.0, "e2": 10.0, "e3": 11.0}
    assert (result.lost, result.duplicates, result.unverified) == (1, 1, 1)
