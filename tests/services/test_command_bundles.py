"""A committed batch's lane commands: one ``lane_commands`` message per lane, within the bounds.

The central worker joins each command's stored signed JSON into a ``LaneCommandsV1``; these
tests hold it to the model's JSON byte for byte, to the 16 KiB every receiver parses at
most, to the lane's decision order, to every command verifying alone, and to plain
``LaneCommandV1`` bytes for a lane's lone command (what lanes saw before) and for
``commands_per_message=1`` (lanes older than ``lane_commands``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain import topics
from domain.messages import (
    MAX_BATCH_COMMANDS,
    MAX_PAYLOAD_BYTES,
    LaneCommandsV1,
    LaneCommandV1,
    MessageError,
    commands_of,
    parse_message,
)
from domain.signing import generate_signing_key, sign_commands, verify_command
from services.central.outcomes import Publication, command_publications

NOW = datetime(2026, 11, 22, 3, 15, 42, 125000, tzinfo=UTC)
PRIVATE, PUBLIC = generate_signing_key()
KEYS = {"centre-1": PUBLIC}


def commands(lanes: list[str]) -> list[LaneCommandV1]:
    """Signed as the worker signs a batch: one Merkle root for all of them."""
    drafts = [LaneCommandV1(command_id=uuid.uuid4().hex, lane_id=lane, action="open",
                            plate=f"12C{10000 + i}", trip_id=uuid.uuid4().hex,
                            decision_id=uuid.uuid4().hex, issued_at=NOW,
                            expires_at=NOW + timedelta(seconds=30), reason_codes=("MATCHED",))
              for i, lane in enumerate(lanes)]
    return sign_commands(drafts, PRIVATE)


def pubs_of(cmds: list[LaneCommandV1]) -> list[Publication]:
    return [Publication(topics.commands(c.lane_id), c.to_json()) for c in cmds]


def parsed(payload: bytes) -> tuple[LaneCommandV1, ...]:
    msg = parse_message(payload)
    assert isinstance(msg, LaneCommandV1 | LaneCommandsV1)
    return commands_of(msg)


def received(pubs: list[Publication]) -> list[LaneCommandV1]:
    """What lanes read: each message parsed, a ``lane_commands`` one as its commands."""
    out: list[LaneCommandV1] = []
    for pub in pubs:
        msg = parse_message(pub.payload)
        assert isinstance(msg, LaneCommandV1 | LaneCommandsV1)
        assert all(topics.commands(c.lane_id) == pub.topic for c in commands_of(msg))
        out.extend(commands_of(msg))
    return out


def test_a_lanes_lone_command_goes_as_itself() -> None:
    [one] = commands(["hn1119-x1"])
    [pub] = command_publications(pubs_of([one]))
    assert pub == Publication(topics.commands("hn1119-x1"), one.to_json())


def test_a_lanes_commands_go_as_one_message_in_order_lanes_in_first_seen_order() -> None:
    cmds = commands(["hn1119-x1", "hn1119-x2", "hn1119-x1", "hn1119-x1"])
    notice = Publication(topics.decisions("hn1119-x1"), b'{"v":1}')
    pubs = command_publications([*pubs_of(cmds), notice])
    assert [p.topic for p in pubs] == [topics.commands("hn1119-x1"),
                                       topics.commands("hn1119-x2"), notice.topic]
    assert pubs[2] is notice  # other publications pass unchanged, after the commands
    batch = parse_message(pubs[0].payload)
    assert isinstance(batch, LaneCommandsV1)
    assert batch.to_json() == pubs[0].payload  # the joined bytes are the model's JSON
    assert batch.commands == (cmds[0], cmds[2], cmds[3])
    assert pubs[1].payload == cmds[1].to_json()
    for c in batch.commands:  # each command's own signature and proof, checked alone
        verify_command(c, KEYS)


def test_one_command_per_message_when_asked() -> None:
    cmds = commands(["hn1119-x1"] * 5)
    pubs = command_publications(pubs_of(cmds), per_message=1)
    assert pubs == pubs_of(cmds)


def test_messages_stay_within_the_count_and_the_payload_bound() -> None:
    cmds = commands(["hn1119-x1"] * 150)
    by_count = command_publications(pubs_of(cmds), per_message=4)
    assert [len(parsed(p.payload)) for p in by_count] \
        == [4] * 37 + [2]
    default = command_publications(pubs_of(cmds))
    assert all(len(p.payload) <= MAX_PAYLOAD_BYTES for p in default)
    assert all(len(parsed(p.payload)) <= MAX_BATCH_COMMANDS
               for p in default)
    assert len(default) < 15  # ~20 signed commands to a message, not one each
    assert received(default) == received(by_count) == cmds
    small = command_publications(pubs_of(cmds[:10]), max_bytes=2 * len(cmds[0].to_json()) + 80)
    assert all(len(p.payload) <= 2 * len(cmds[0].to_json()) + 80 for p in small)
    assert received(small) == cmds[:10]


def test_a_container_is_refused_whole_when_a_command_names_another_lane() -> None:
    cmds = commands(["hn1119-x1", "hn1119-x2"])
    forged = (b'{"v":1,"type":"lane_commands","lane_id":"hn1119-x1","commands":['
              + cmds[0].to_json() + b"," + cmds[1].to_json() + b"]}")
    with pytest.raises(MessageError) as exc:
        parse_message(forged)
    assert exc.value.reason == "invalid"
    one = b'{"v":1,"type":"lane_commands","lane_id":"hn1119-x1","commands":[' \
        + cmds[0].to_json() + b"]}"
    with pytest.raises(MessageError):  # a lone command goes as itself, never in a container
        parse_message(one)
