"""Golden wire examples: if a change to domain.messages breaks these, it breaks deployed lanes.

Each file in tests/golden is a message as it travels on the broker. The test
parses it, checks it re-serialises to the same JSON, and checks its signature
still verifies: field renames, new required fields or a changed signing
canonicalisation all fail here first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain import topics
from domain.messages import (
    BarrierStateV1,
    DeviceSigned,
    EventAckV1,
    LaneCommandsV1,
    LaneCommandV1,
    LocalDecisionV1,
    MessageError,
    PlateReadV1,
    PreclearanceListV1,
    parse_message,
)
from domain.signing import SignatureError, hmac_verify, verify_centre, verify_command

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
DEVICE_SECRET = "golden-device-secret"
# centre-golden-2 signs the pre-clearance list, centre-2 the event_ack examples,
# centre-golden-3 the batch-signed command and centre-golden-4 the lane_commands example: more
# key ids, as during a key rotation (no private half is in the repository).
CENTRE_KEYS = {"centre-1": "3gxnczdC8PHadVdBMDzEIVOsm_-xt0r0lQnbViA7yZ4",
               "centre-golden-2": "UAj1nSzQj3gPIPAEanZ1hx2o0jISLRyQwklGIQtWCbg",
               "centre-2": "8fNIs2GVc4Or0HpMFqTNmWXk8BPUyL7-ncsI_m07wlU",
               "centre-golden-3": "M7Zo-bnGGJ7HGi3IiIUtyJ2mcVJRY6a7920SK9mEmBg",
               "centre-golden-4": "nNhIn6q95XO36yurziJGUxzysIxVOPag5hN6xXU2KCU"}
FILES = sorted(GOLDEN.glob("*.json"))


def test_every_message_type_has_a_golden_example() -> None:
    types = {json.loads(p.read_text())["type"] for p in FILES}
    assert types == {"plate_read", "barrier_state", "lane_status", "lane_command",
                     "lane_commands", "decision", "decision_batch", "event_ack", "centre_status",
                     "preclearance_list", "local_decision"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_golden_parses_and_round_trips(path: Path) -> None:
    raw = json.loads(path.read_text())
    msg = parse_message(path.read_bytes())
    assert json.loads(msg.to_json()) == raw


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_golden_signatures_still_verify(path: Path) -> None:
    msg = parse_message(path.read_bytes())
    if isinstance(msg, DeviceSigned):
        hmac_verify(msg, DEVICE_SECRET)
        tampered = msg.model_copy(update={"device_id": "hn1119-x2-cam1"})
        with pytest.raises(SignatureError):
            hmac_verify(tampered, DEVICE_SECRET)
    elif isinstance(msg, LaneCommandV1):
        verify_command(msg, CENTRE_KEYS)
        with pytest.raises(SignatureError):
            verify_command(msg.model_copy(update={"lane_id": "hn1119-x2"}), CENTRE_KEYS)
    elif isinstance(msg, LaneCommandsV1):
        for command in msg.commands:  # each command verifies alone; the container signs nothing
            verify_command(command, CENTRE_KEYS)
            with pytest.raises(SignatureError):
                verify_command(command.model_copy(update={"action": "inspect"}), CENTRE_KEYS)
    elif isinstance(msg, PreclearanceListV1):
        verify_centre(msg, CENTRE_KEYS, what="list")
        with pytest.raises(SignatureError):  # one more day of validity is a tampered list
            verify_centre(msg.model_copy(update={"expires_at": msg.expires_at.replace(
                day=msg.expires_at.day + 1)}), CENTRE_KEYS, what="list")
    elif isinstance(msg, EventAckV1):
        verify_centre(msg, CENTRE_KEYS)
        for forged in (msg.model_copy(update={"event_ids": ("01HZX3K9V2PASS0000000002",)}),
                       msg.model_copy(update={"device_id": "hn1119-x2-cam1"}),
                       msg.model_copy(update={"sig": ""})):
            with pytest.raises(SignatureError):
                verify_centre(forged, CENTRE_KEYS)


def test_a_batch_signed_command_verifies_only_with_its_own_proof() -> None:
    """The second of three commands the centre signed at once (one signature, a Merkle root)."""
    msg = parse_message((GOLDEN / "lane_command_batch.json").read_bytes())
    assert isinstance(msg, LaneCommandV1) and msg.proof is not None
    assert (msg.proof.index, msg.proof.size, len(msg.proof.path)) == (1, 3, 2)
    verify_command(msg, CENTRE_KEYS)
    proof = msg.proof
    other_hash = proof.path[1][:-1] + ("A" if proof.path[1][-1] != "A" else "B")
    for forged in (
        msg.model_copy(update={"proof": None}),  # the root's signature is no command's own
        msg.model_copy(update={"proof": proof.model_copy(update={"index": 0})}),
        msg.model_copy(update={"proof": proof.model_copy(update={"size": 4})}),
        msg.model_copy(update={"proof": proof.model_copy(update={"path": proof.path[:1]})}),
        msg.model_copy(update={"proof": proof.model_copy(update={"path": (
            proof.path[0], other_hash)})}),
        msg.model_copy(update={"action": "open"}),
    ):
        with pytest.raises(SignatureError):
            verify_command(forged, CENTRE_KEYS)


def test_a_lanes_commands_sent_together_are_each_a_command_as_sent_alone() -> None:
    """``lane_commands``: a lane's commands of one committed batch in one message, each the
    very bytes the centre stored and would send alone (``LaneCommandV1``, its own proof)."""
    raw = (GOLDEN / "lane_commands.json").read_bytes()
    msg = parse_message(raw)
    assert isinstance(msg, LaneCommandsV1) and len(msg.commands) == 2
    assert [(c.action, c.proof.index if c.proof else None) for c in msg.commands] == [
        ("open", 0), ("hold", 1)]
    for command in msg.commands:
        alone = parse_message(command.to_json())
        assert alone == command
    assert msg.to_json() == (b'{"v":1,"type":"lane_commands","lane_id":"hn1119-x1","commands":['
                             + b",".join(c.to_json() for c in msg.commands) + b"]}")


def test_a_command_signed_alone_keeps_its_old_bytes() -> None:
    """No ``proof`` key on the wire when unset: lanes older than batch proofs parse it."""
    raw = (GOLDEN / "lane_command.json").read_bytes()
    msg = parse_message(raw)
    assert isinstance(msg, LaneCommandV1) and msg.proof is None
    assert "proof" not in json.loads(msg.to_json())


def test_local_decision_carries_its_pass_read() -> None:
    msg = parse_message((GOLDEN / "local_decision.json").read_bytes())
    assert isinstance(msg, LocalDecisionV1) and isinstance(msg.read, PlateReadV1)
    assert (msg.outcome, msg.read.grade, msg.list_version) == ("open", "pass", 42)
    # The read inside is covered by the device's signature over the whole decision.
    tampered = msg.model_copy(update={"read": msg.read.model_copy(update={"plate": "12C12346"})})
    with pytest.raises(SignatureError):
        hmac_verify(tampered, DEVICE_SECRET)


def test_a_list_may_be_larger_than_a_read_but_not_unbounded() -> None:
    from domain.messages import MAX_LIST_BYTES

    raw = (GOLDEN / "preclearance_list.json").read_bytes()
    assert isinstance(parse_message(raw, max_bytes=MAX_LIST_BYTES), PreclearanceListV1)
    with pytest.raises(MessageError) as err:
        parse_message(b"{" + b" " * MAX_LIST_BYTES + b"}", max_bytes=MAX_LIST_BYTES)
    assert err.value.reason == "too_large"


def test_pass_read_example_fields() -> None:
    msg = parse_message((GOLDEN / "plate_read_pass.json").read_bytes())
    assert isinstance(msg, PlateReadV1)
    assert (msg.grade, msg.plate, msg.frames, msg.layout) == ("pass", "12C12345", 3, "1-line")
    barrier = parse_message((GOLDEN / "barrier_state.json").read_bytes())
    assert isinstance(barrier, BarrierStateV1) and barrier.executed


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "not_json"),
        (b"[1, 2]", "not_object"),
        (b'{"v": 2, "type": "plate_read"}', "bad_version"),
        (b'{"v": 1, "type": "launch_missiles"}', "unknown_type"),
        (b'{"v": 1, "type": "plate_read", "lane_id": "hn1119-x1"}', "invalid"),
        (b"\xff\xfe\x00", "not_json"),
        (b"{" + b" " * 20000 + b"}", "too_large"),
    ],
)
def test_bad_payloads_get_a_reason(payload: bytes, reason: str) -> None:
    with pytest.raises(MessageError) as err:
        parse_message(payload)
    assert err.value.reason == reason


def test_unknown_fields_are_refused() -> None:
    raw = json.loads((GOLDEN / "lane_command.json").read_text())
    raw["open_all_lanes"] = True
    with pytest.raises(MessageError) as err:
        parse_message(json.dumps(raw))
    assert err.value.reason == "invalid"


def test_topic_strings_are_stable() -> None:
    assert topics.reads("hn1119-x1") == "smartgate/v1/lanes/hn1119-x1/reads"
    assert topics.commands("hn1119-x1") == "smartgate/v1/lanes/hn1119-x1/commands"
    assert topics.status("hn1119-x1") == "smartgate/v1/lanes/hn1119-x1/status"
    assert topics.barrier("hn1119-x1") == "smartgate/v1/lanes/hn1119-x1/barrier"
    assert topics.decisions("hn1119-x1") == "smartgate/v1/lanes/hn1119-x1/decisions"
    assert topics.device_acks("cam-1") == "smartgate/v1/devices/cam-1/acks"
    assert topics.preclearance("hn1119-x1") == "smartgate/v1/lanes/hn1119-x1/preclearance"
    assert topics.local_decisions("hn1119-x1") == "smartgate/v1/lanes/hn1119-x1/local"
    assert topics.centre_status("central-a") == "smartgate/v1/centre/central-a/status"
    assert topics.shared(topics.all_lanes("reads")) == "$share/central/smartgate/v1/lanes/+/reads"
    parsed = topics.parse_lane_topic("smartgate/v1/lanes/hn1119-x1/reads")
    assert (parsed.lane_id, parsed.kind) == ("hn1119-x1", "reads")
    assert topics.commands_lane(topics.commands("hn1119-x1")) == "hn1119-x1"
    assert topics.commands_lane(topics.reads("hn1119-x1")) is None
    assert topics.commands_lane(topics.device_acks("cam-1")) is None


@pytest.mark.parametrize("bad", ["+", "#", "a/b", "Lane1", "", "x" * 70, "lane 1"])
def test_ids_that_could_escape_a_topic_level_are_refused(bad: str) -> None:
    with pytest.raises(topics.TopicError):
        topics.reads(bad)
