"""Lane commands: only a fresh, first-time command signed by the centre moves the barrier."""

from __future__ import annotations

import time

from edgehelpers import LANE, Centre, Lane

from domain.messages import LaneCommandsV1
from domain.signing import generate_signing_key, hmac_verify, sign_commands


def test_a_valid_signed_command_opens_and_is_acknowledged(
        lane: Lane, centre: Centre, make_agent) -> None:
    agent = make_agent()
    cmd = centre.command()
    centre.send(cmd)
    centre.wait(lambda: len(centre.states()) == 1)
    state = centre.states()[0]
    hmac_verify(state, lane.secret)
    assert state.command_id == cmd.command_id and state.executed and state.state == "open"
    assert state.lane_id == LANE and state.detail == "opened by command"
    assert agent.barrier.opens == 1 and agent.barrier.state() == "open"
    centre.wait(lambda: agent.barrier.state() == "closed", timeout=6)  # auto-close


def test_forged_unsigned_expired_replayed_and_other_lane_commands_never_open(
        lane: Lane, centre: Centre, make_agent) -> None:
    agent = make_agent()
    other_private, _ = generate_signing_key()
    good = centre.command()
    attacks = {
        "bad_signature": centre.command(key=other_private),           # forged with the wrong key
        "unknown_key": centre.command(key=other_private, key_id="rogue"),
        "unsigned": centre.command(signed=False),
        "expired": centre.command(expires_in=-1),
        "other_lane": centre.command(lane_id="hn1119-n1"),
    }
    tampered = good.model_copy(update={"action": "open", "plate": "99Z99999"})
    for cmd in attacks.values():
        centre.send(cmd)
    centre.send(tampered.model_copy(update={"command_id": "tampered0001"}))
    centre.send(b"{not json")
    centre.wait(lambda: len(centre.states()) == 7)
    assert agent.barrier.opens == 0 and agent.barrier.history == []
    by_id = {s.command_id: s for s in centre.states()}
    for reason, cmd in attacks.items():
        state = by_id[cmd.command_id]
        assert not state.executed and state.detail.startswith(f"refused: {reason}"), state.detail
    assert by_id["tampered0001"].detail.startswith("refused: bad_signature")
    assert by_id[None].detail.startswith("refused: malformed")
    # The genuine command still works afterwards, exactly once.
    centre.send(good)
    centre.send(good)
    centre.wait(lambda: len(centre.states()) == 9)
    results = [(s.executed, s.detail.split(":")[0:2]) for s in centre.states()[7:]]
    assert results[0][0] is True and results[1] == (False, ["refused", " duplicate"])
    assert agent.barrier.opens == 1


def test_an_executed_command_is_never_executed_again_after_a_restart(
        lane: Lane, centre: Centre, make_agent) -> None:
    agent = make_agent()
    cmd = centre.command()
    centre.send(cmd)
    centre.wait(lambda: len(centre.states()) == 1)
    assert agent.barrier.opens == 1
    agent.stop()
    again = make_agent()
    centre.send(cmd)
    centre.wait(lambda: any(s.detail.startswith("refused: duplicate") for s in centre.states()))
    assert again.barrier.opens == 0


def test_a_command_that_expired_while_the_lane_was_away_is_refused(
        lane: Lane, centre: Centre, make_agent) -> None:
    agent = make_agent()
    agent.stop()  # persistent session: the broker queues the lane's commands meanwhile
    cmd = centre.command(expires_in=1.0)
    centre.send(cmd)
    time.sleep(1.5)
    again = make_agent()
    centre.wait(lambda: len(centre.states()) == 1, timeout=10)
    state = centre.states()[0]
    assert state.command_id == cmd.command_id and not state.executed
    assert state.detail.startswith("refused: expired")
    assert again.barrier.opens == 0


def test_a_batch_signed_command_opens_and_a_forged_proof_never_does(
        lane: Lane, centre: Centre, make_agent) -> None:
    """The centre signs a busy batch's commands once (a Merkle root); the lane checks its own
    command's proof against that one signature, as strictly as a command signed alone."""
    agent = make_agent()
    mine, theirs, spare = sign_commands(
        [centre.command(signed=False), centre.command(lane_id="hn1119-n1", signed=False),
         centre.command(signed=False)], centre.private_key)
    assert mine.proof is not None and mine.sig == theirs.sig
    # Another lane's command with its genuine proof, re-addressed to this lane; this lane's
    # command carrying the other's proof; a proof pointing at another leaf.
    readdressed = theirs.model_copy(update={"lane_id": LANE})
    swapped = spare.model_copy(update={"proof": mine.proof})
    shifted = mine.model_copy(update={"command_id": "shifted00001", "proof": mine.proof.model_copy(
        update={"index": 1})})
    for cmd in (readdressed, swapped, shifted):
        centre.send(cmd)
    centre.wait(lambda: len(centre.states()) == 3)
    assert agent.barrier.opens == 0
    assert all(s.detail.startswith("refused: bad_signature") for s in centre.states())
    centre.send(mine)
    centre.wait(lambda: len(centre.states()) == 4)
    state = centre.states()[3]
    assert state.command_id == mine.command_id and state.executed and agent.barrier.opens == 1


def test_a_lane_commands_message_is_checked_and_executed_command_by_command_in_order(
        lane: Lane, centre: Centre, make_agent) -> None:
    """The centre sends a lane's commands of one committed batch as one ``lane_commands``
    message: the lane checks each as if it came alone (its own signature and proof, expiry,
    the ledger), executes the good ones in order and answers each with its barrier state."""
    agent = make_agent()
    first, tampered, expired, second = sign_commands(
        [centre.command(signed=False), centre.command(signed=False),
         centre.command(expires_in=-1, signed=False), centre.command(action="hold", signed=False)],
        centre.private_key)
    tampered = tampered.model_copy(update={"plate": "99Z99999"})
    batch = LaneCommandsV1(lane_id=LANE, commands=(first, tampered, expired, second, first))
    centre.send(batch.to_json())
    centre.wait(lambda: len(centre.states()) == 5)
    states = centre.states()
    assert [s.command_id for s in states] == [c.command_id for c in batch.commands]
    assert [(s.executed, s.detail.split(":")[0:2]) for s in states] == [
        (True, ["opened by command"]), (False, ["refused", " bad_signature"]),
        (False, ["refused", " expired"]), (True, ["kept closed (hold)"]),
        (False, ["refused", " duplicate"])]
    assert agent.barrier.opens == 1
    # A container for another lane is refused command by command, and nothing moves.
    others = sign_commands([centre.command(lane_id="hn1119-n1", signed=False)
                            for _ in range(2)], centre.private_key)
    centre.send(LaneCommandsV1(lane_id="hn1119-n1", commands=tuple(others)).to_json())
    centre.wait(lambda: len(centre.states()) == 7)
    assert all(s.detail.startswith("refused: other_lane") for s in centre.states()[5:])
    assert agent.barrier.opens == 1
