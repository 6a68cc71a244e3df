"""Batch-signed lane commands: one Ed25519 signature over a Merkle root (domain.merkle).

The tree is RFC 9162's, checked against the RFC 6962 test vectors (the same hashes); every
proof of every leaf of trees of 1-40 leaves must rebuild the root, and no altered proof may.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import merkle
from domain.messages import LaneCommandV1, parse_message
from domain.signing import (
    SignatureError,
    generate_signing_key,
    sign_command,
    sign_commands,
    signed_dump_payloads,
    verify_command,
)

# RFC 6962's reference inputs and the roots of their first 1..8 leaves (CT's test vectors).
VECTOR_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                 "606162636465666768696a6b6c6d6e6f"]
VECTOR_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("n", range(1, 9))
def test_tree_roots_are_the_rfc_6962_test_vectors(n: int) -> None:
    root, _ = merkle.tree([merkle.leaf_hash(bytes.fromhex(x)) for x in VECTOR_LEAVES[:n]])
    assert root.hex() == VECTOR_ROOTS[n - 1]


def test_every_proof_rebuilds_the_root_and_no_altered_one_does() -> None:
    for n in range(1, 41):
        leaves = [merkle.leaf_hash(str(i).encode()) for i in range(n)]
        root, paths = merkle.tree(leaves)
        for i, path in enumerate(paths):
            assert len(path) <= max(n - 1, 0).bit_length()
            assert merkle.root_from_proof(leaves[i], index=i, size=n, path=path) == root
            if n == 1:
                continue
            other = (i + 1) % n
            # Another leaf, another position, a flipped hash: another root or a proof that
            # does not fit the tree (either way, nothing the signature covers). The size is
            # not bound by the proof (leaf 0 of 3 has the path of leaf 0 of 4 ending in a
            # subtree): the batch signature covers it, tested in the signing tests below.
            for leaf, index, size, p in (
                (leaves[other], i, n, path),
                (leaves[i], other, n, path),
                (leaves[i], i, n, [bytes([path[0][0] ^ 1]) + path[0][1:], *path[1:]]),
                (leaves[i], i, n, path[:-1]),
                (leaves[i], i, n, [*path, root]),
            ):
                with contextlib.suppress(merkle.ProofError):
                    assert merkle.root_from_proof(leaf, index=index, size=size, path=p) != root


def test_proofs_that_cannot_fit_are_refused() -> None:
    leaf = merkle.leaf_hash(b"x")
    with pytest.raises(merkle.ProofError):
        merkle.root_from_proof(leaf, index=3, size=3, path=[leaf, leaf])
    with pytest.raises(merkle.ProofError):
        merkle.root_from_proof(leaf, index=0, size=2, path=[b"short"])
    with pytest.raises(ValueError):
        merkle.tree([])


def _commands(n: int, key_id: str = "centre-1") -> list[LaneCommandV1]:
    now = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    return [LaneCommandV1(command_id=f"cmd{i:08d}xyz", lane_id=f"hn1119-x{i % 4 + 1}",
                          action="open" if i % 2 else "hold", plate=f"12C{12300 + i}",
                          issued_at=now, expires_at=now + timedelta(seconds=30), key_id=key_id)
            for i in range(n)]


def test_sign_commands_one_signature_per_group_each_verifies_alone() -> None:
    private, public = generate_signing_key()
    keys = {"centre-1": public}
    signed = sign_commands(_commands(70), private, batch=64)
    assert [c.command_id for c in signed] == [c.command_id for c in _commands(70)]
    assert len({c.sig for c in signed[:64]}) == 1 and signed[0].proof is not None
    assert all(c.proof is not None and c.proof.size == 64 for c in signed[:64])
    assert {c.sig for c in signed[64:]}.isdisjoint({signed[0].sig})
    for c in signed:
        verify_command(parse_message(c.to_json()), keys)  # as a lane receives it
        assert len(c.to_json()) < 1024
    # A lone command (or a group of one at the end) is signed as it always was.
    lone = sign_commands(_commands(65), private, batch=64)[64]
    assert lone.proof is None and lone == sign_command(_commands(65)[64], private)
    assert all(c.proof is None for c in sign_commands(_commands(5), private, batch=1))


def test_a_proof_moved_to_another_command_or_key_is_refused() -> None:
    private, public = generate_signing_key()
    _, stranger = generate_signing_key()
    a, b, *_ = sign_commands(_commands(5), private)
    with pytest.raises(SignatureError, match="bad_signature"):
        verify_command(b.model_copy(update={"proof": a.proof}), {"centre-1": public})
    with pytest.raises(SignatureError, match="bad_signature"):
        verify_command(a.model_copy(update={"plate": "12C99999"}), {"centre-1": public})
    with pytest.raises(SignatureError, match="bad_signature"):
        verify_command(a, {"centre-1": stranger})
    # The size is signed with the root: a proof whose path also fits a bigger tree is refused.
    three = sign_commands(_commands(3), private)
    assert three[0].proof is not None
    bigger = three[0].proof.model_copy(update={"size": 4})
    with pytest.raises(SignatureError, match="bad_signature"):
        verify_command(three[0].model_copy(update={"proof": bigger}), {"centre-1": public})
    # A root signed for one batch does not sign the same command alone, nor the other way.
    alone = sign_command(_commands(5)[0], private)
    with pytest.raises(SignatureError, match="bad_signature"):
        verify_command(alone.model_copy(update={"proof": a.proof}), {"centre-1": public})


_PLATES = st.none() | st.text(max_size=16)  # any text: escapes, non-ASCII, controls
_TIMES = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1),
                      timezones=st.sampled_from([UTC, timezone(timedelta(hours=7)),
                                                 timezone(timedelta(hours=-3, minutes=-30))]))


@settings(max_examples=60, deadline=None)
@given(plates=st.lists(_PLATES, min_size=1, max_size=70), issued=_TIMES,
       codes=st.lists(st.sampled_from(["MATCHED", "NO_TRIP", "LOW_CONFIDENCE"]), max_size=3),
       batch=st.sampled_from([1, 2, 3, 64]))
def test_signed_payloads_are_the_signed_commands_json_byte_for_byte(
        plates: list[str | None], issued: datetime, codes: list[str], batch: int) -> None:
    """What the central publishes and stores (signed_dump_payloads) is exactly what the
    models' path (sign_commands, then to_json) gives, proof or none, for any plate text."""
    private, public = generate_signing_key()
    commands = [LaneCommandV1(
        command_id=f"cmd{i:08d}", lane_id="hn-in-1", action="hold" if i % 3 else "open",
        plate=p, trip_id=None if i % 4 else f"trip-{i}", decision_id=f"dec{i:08d}",
        issued_at=issued, expires_at=issued + timedelta(seconds=30 + i),
        reason_codes=tuple(codes), key_id="centre-1") for i, p in enumerate(plates)]
    payloads = signed_dump_payloads(
        [c.model_dump(mode="json", exclude={"sig", "proof"}) for c in commands], private,
        batch=batch)
    assert payloads == [c.to_json() for c in sign_commands(commands, private, batch=batch)]
    for payload in payloads[:3]:
        parsed = parse_message(payload)
        assert isinstance(parsed, LaneCommandV1)
        verify_command(parsed, {"centre-1": public})
