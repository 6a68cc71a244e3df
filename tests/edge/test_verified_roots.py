"""The lane's cache of verified batch signatures: a batch of commands costs one Ed25519 check,
and nothing that does not lead to a verified root, under the same key, gets past it.

Why: the centre signs up to 64 commands over one Merkle root and sends a lane's commands
of a batch in one ``lane_commands`` message; the lane verified the same signature over the
same root once per command (docs/messaging-journal.md, round 22 "Left").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain import signing
from domain.messages import BatchProof, LaneCommandsV1, LaneCommandV1
from domain.signing import generate_signing_key, sign_commands
from domain.verified_roots import VerifiedRoots
from edge.barrier import SimulatedRelay
from edge.commands import CommandLedger, CommandOutcome, handle_commands

LANE = "hn1119-x1"
PRIVATE, PUBLIC = generate_signing_key()
KEYS = {"centre-1": PUBLIC}


def draft(action: str = "open", plate: str = "12C12345") -> LaneCommandV1:
    now = datetime.now(UTC)
    return LaneCommandV1(command_id=uuid.uuid4().hex, lane_id=LANE, action=action,
                         plate=plate, trip_id=uuid.uuid4().hex, issued_at=now,
                         expires_at=now + timedelta(seconds=30), key_id="centre-1")


class Spy:
    """Counts the Ed25519 verifications ``domain.signing`` makes (each one real)."""

    calls = 0

    @classmethod
    def from_public_bytes(cls, raw: bytes) -> Spy:
        return cls(Ed25519PublicKey.from_public_bytes(raw))

    def __init__(self, key: Ed25519PublicKey) -> None:
        self.key = key

    def verify(self, sig: bytes, data: bytes) -> None:
        Spy.calls += 1
        self.key.verify(sig, data)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Spy]]:
    Spy.calls = 0
    monkeypatch.setattr(signing, "Ed25519PublicKey", Spy)
    yield Spy


@pytest.fixture
def lane(tmp_path: Path) -> Iterator[tuple[CommandLedger, SimulatedRelay]]:
    ledger, relay = CommandLedger(tmp_path / "edge.db"), SimulatedRelay(auto_close_s=60)
    yield ledger, relay
    relay.shutdown()
    ledger.close()


def handle(payload: bytes, lane: tuple[CommandLedger, SimulatedRelay], roots: VerifiedRoots,
           keys: dict[str, str] = KEYS) -> list[CommandOutcome]:
    ledger, relay = lane
    return handle_commands(payload, lane_id=LANE, public_keys=keys, ledger=ledger,
                           barrier=relay, now=datetime.now(UTC), roots=roots)


def test_a_batch_of_twenty_commands_costs_one_verification(lane, checks) -> None:
    roots = VerifiedRoots()
    batch = sign_commands([draft("hold") for _ in range(20)], PRIVATE)
    assert len({c.sig for c in batch}) == 1  # one root, one signature
    outcomes = handle(LaneCommandsV1(lane_id=LANE, commands=tuple(batch)).to_json(), lane, roots)
    assert [o.reason for o in outcomes] == ["executed"] * 20
    assert checks.calls == 1 and roots.hits == 19 and len(roots) == 1
    # Without the cache every command is checked alone, as before.
    again = sign_commands([draft("hold") for _ in range(20)], PRIVATE)
    ledger, relay = lane
    handle_commands(LaneCommandsV1(lane_id=LANE, commands=tuple(again)).to_json(),
                    lane_id=LANE, public_keys=KEYS, ledger=ledger, barrier=relay,
                    now=datetime.now(UTC))
    assert checks.calls == 21


def test_a_forged_command_with_a_proof_against_an_unverified_root_is_refused(
        lane, checks) -> None:
    """A forger knows a genuine batch's signature (it is in every command) and builds a tree
    of its own commands: a proof that checks against its own root, never a verified one."""
    roots = VerifiedRoots()
    genuine = sign_commands([draft("hold") for _ in range(4)], PRIVATE)
    assert all(o.executed for o in handle(
        LaneCommandsV1(lane_id=LANE, commands=tuple(genuine)).to_json(), lane, roots))
    rogue, _ = generate_signing_key()
    forged = [c.model_copy(update={"sig": genuine[0].sig})  # the genuine signature, copied
              for c in sign_commands([draft("open", "99Z99999") for _ in range(4)], rogue)]
    outcomes = handle(LaneCommandsV1(lane_id=LANE, commands=tuple(forged)).to_json(), lane,
                      roots)
    assert [o.reason for o in outcomes] == ["bad_signature"] * 4
    assert checks.calls == 1 + 4  # each forged command checked in full, none from the cache
    assert lane[1].opens == 0 and len(roots) == 1  # nothing moved, nothing cached


def test_a_tampered_command_whose_proof_misses_the_cached_root_is_refused(lane, checks) -> None:
    roots = VerifiedRoots()
    first, second, third = sign_commands([draft("hold"), draft("hold"), draft("hold")], PRIVATE)
    assert handle(first.to_json(), lane, roots)[0].executed  # the root is now verified
    assert first.proof is not None and second.proof is not None
    tampered = [
        second.model_copy(update={"action": "open", "plate": "99Z99999"}),  # its own proof
        second.model_copy(update={"command_id": "tampered0001"}),
        third.model_copy(update={"proof": second.proof}),  # another leaf's proof
        third.model_copy(update={"proof": BatchProof(index=third.proof.index,  # type: ignore[union-attr]
                                                     size=4, path=third.proof.path)}),  # type: ignore[union-attr]
    ]
    for cmd in tampered:
        assert handle(cmd.to_json(), lane, roots)[0].reason == "bad_signature", cmd
    # Each checked in full but the last, whose path does not fit a tree of 4: refused by
    # the proof, before any Ed25519 check.
    assert roots.hits == 0 and checks.calls == 1 + 3 and lane[1].opens == 0
    assert handle(second.to_json(), lane, roots)[0].executed  # the genuine one still goes
    assert roots.hits == 1 and checks.calls == 4


def test_a_root_verified_under_one_key_is_not_taken_for_another(lane, checks) -> None:
    roots = VerifiedRoots()
    first, second = sign_commands([draft("hold"), draft("hold")], PRIVATE)
    assert handle(first.to_json(), lane, roots)[0].executed
    _, other_public = generate_signing_key()  # the lane's key id now names another key
    assert handle(second.to_json(), lane, roots, {"centre-1": other_public})[0].reason == \
        "bad_signature"
    assert roots.hits == 0 and checks.calls == 2


def test_the_cache_is_bounded_and_keeps_the_roots_in_use() -> None:
    roots = VerifiedRoots(max_roots=2)
    a, b, c = (("k", bytes([i]), "s") for i in range(3))
    roots.add(a)
    roots.add(b)
    assert a in roots  # used: b is now the oldest
    roots.add(c)
    assert len(roots) == 2 and a in roots and c in roots and b not in roots
