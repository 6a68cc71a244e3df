"""Message authenticity: devices sign with HMAC-SHA256, the centre with Ed25519.

Why two schemes: a lane device and the centre share the device's secret, which
is enough for the centre to know a read came from that device. A barrier must
only move for the centre, so commands use an asymmetric key: the edge holds
only the public half, and even a fully compromised lane cannot mint a command
for another lane.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain import merkle
from domain.canonical import canonical_json
from domain.messages import BatchProof, DeviceSigned, EventAckV1, LaneCommandV1, PreclearanceListV1
from domain.verified_roots import RootKey, VerifiedRoots

D = TypeVar("D", bound=DeviceSigned)
#: Messages the centre signs with its Ed25519 key (each has ``key_id`` and ``sig``).
C = TypeVar("C", LaneCommandV1, PreclearanceListV1, EventAckV1)
CentreSigned = LaneCommandV1 | PreclearanceListV1 | EventAckV1


class SignatureError(ValueError):
    """A message whose signature, freshness or nonce is not acceptable."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def new_nonce() -> str:
    return secrets.token_hex(16)


def new_device_secret() -> str:
    return secrets.token_urlsafe(32)


@lru_cache(maxsize=4096)
def _keyed(secret: str) -> hmac.HMAC:
    """An HMAC-SHA256 object keyed with ``secret`` and fed nothing, copied per message.

    Why: ``hmac.digest`` or ``hmac.new`` set up an OpenSSL HMAC context per call (fetch
    the digest by name, pad and absorb the key), and with OpenSSL 3 that set-up is most of
    a read's signature check (docs/messaging-journal.md, round 21). A device's key is the
    same for every read, so the keyed context is made once and ``copy()``'d (the standard
    library's own way to reuse a keyed state). The cached object is never updated, so it
    is shared between threads. Bounded: a centre has a few hundred devices; a rotated
    secret is simply a new key here.
    """
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def hmac_sha256_hex(secret: str, data: bytes) -> str:
    """``hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()``, from a cached keyed
    context (``tests/domain/test_hmac_states.py`` holds the two equal for any key and bytes)."""
    mac = _keyed(secret).copy()
    mac.update(data)
    return mac.hexdigest()


def hmac_sign(message: D, secret: str) -> D:
    """Return a copy of ``message`` with ``sig`` set to its HMAC-SHA256 under ``secret``."""
    return message.model_copy(update={"sig": hmac_sha256_hex(secret, message.signing_bytes())})


def hmac_verify(message: DeviceSigned, secret: str) -> None:
    """Raise :class:`SignatureError` unless ``message.sig`` is the device's HMAC."""
    expected = hmac_sha256_hex(secret, message.signing_bytes())
    if not message.sig or not hmac.compare_digest(expected, message.sig):
        raise SignatureError("bad_signature", f"device {message.device_id}")


def generate_signing_key() -> tuple[str, str]:
    """A new Ed25519 key pair as (private, public), both url-safe base64 of the raw bytes."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes_raw()
    public = key.public_key().public_bytes_raw()
    return _b64(private), _b64(public)


def public_key_of(private_b64: str) -> str:
    key = Ed25519PrivateKey.from_private_bytes(_unb64(private_b64))
    return _b64(key.public_key().public_bytes_raw())


@lru_cache(maxsize=8)
def _private_key(private_b64: str) -> Ed25519PrivateKey:
    """Parsed once per key: the centre signs a command and an ack for every decision."""
    return Ed25519PrivateKey.from_private_bytes(_unb64(private_b64))


def sign_centre(message: C, private_b64: str) -> C:
    """A copy of a centre message (command, pre-clearance list, event ack) signed with its key."""
    key = _private_key(private_b64)
    # ``signing_bytes`` leaves ``sig`` out, so a message need not be copied before signing.
    return message.model_copy(update={"sig": _b64(key.sign(message.signing_bytes()))})


def verify_centre(message: CentreSigned, public_keys: dict[str, str], *,
                  what: str | None = None, roots: VerifiedRoots | None = None) -> None:
    """Raise :class:`SignatureError` unless ``message`` is signed by a known centre key.

    ``roots``: batch signatures verified before (a lane's cache): a command whose proof
    leads to one of them, under the same key and signature, needs no Ed25519 check again;
    any other is checked in full and, if it holds, noted (:mod:`domain.verified_roots`).
    """
    if what is None:
        what = (f"command {message.command_id}" if isinstance(message, LaneCommandV1)
                else f"ack for {message.device_id}" if isinstance(message, EventAckV1)
                else f"pre-clearance list {message.list_id}")
    if not message.sig:
        raise SignatureError("unsigned", f"{what} carries no signature")
    public_b64 = public_keys.get(message.key_id)
    if public_b64 is None:
        raise SignatureError("unknown_key", f"key id {message.key_id!r}")
    signed = message.signing_bytes()
    key: RootKey | None = None
    try:
        if isinstance(message, LaneCommandV1) and message.proof is not None:
            p = message.proof
            root = merkle.root_from_proof(merkle.leaf_hash(signed), index=p.index, size=p.size,
                                          path=[_unb64(h) for h in p.path])
            signed = _batch_bytes(p.size, root)
            if roots is not None:
                key = (public_b64, signed, message.sig)
                if key in roots:
                    return
        Ed25519PublicKey.from_public_bytes(_unb64(public_b64)).verify(_unb64(message.sig), signed)
    except (InvalidSignature, ValueError):  # merkle.ProofError is a ValueError
        raise SignatureError("bad_signature", what) from None
    if roots is not None and key is not None:
        roots.add(key)


def sign_command(command: LaneCommandV1, private_b64: str) -> LaneCommandV1:
    return sign_centre(command, private_b64)


def sign_commands(commands: Sequence[LaneCommandV1], private_b64: str, *, batch: int = 64
                  ) -> list[LaneCommandV1]:
    """The commands signed, one Ed25519 signature per ``batch`` of them (a Merkle root).

    A group of one is signed alone, as :func:`sign_command` does, so a quiet lane's command
    carries no proof. ``batch=1`` signs every command alone (lanes older than batch proofs
    refuse a command with a ``proof`` field). Bigger groups mean fewer signatures but longer
    proofs (⌈log2 batch⌉ hashes of 43 characters); 64 keeps a command under 1 KiB.
    """
    out: list[LaneCommandV1] = []
    signed = [c.signing_bytes() for c in commands]
    for c, (sig, proof) in zip(commands, _batch_signed(signed, private_b64, batch),
                               strict=True):
        # Built from our own hashes, so not validated again (parsing on the lane does).
        update: dict[str, object] = {"sig": sig}
        if proof is not None:
            index, size, path = proof
            update["proof"] = BatchProof.model_construct(index=index, size=size, path=path)
        out.append(c.model_copy(update=update))
    return out


Proof = tuple[int, int, tuple[str, ...]]  # a batch proof: index, size, path (base64 hashes)


def _batch_signed(signed: Sequence[bytes], private_b64: str, batch: int
                  ) -> list[tuple[str, Proof | None]]:
    """Each signing bytes' signature and batch proof (``None`` for a group of one, signed
    alone), one Ed25519 signature per ``batch`` over the group's Merkle root: the one
    batching both :func:`sign_commands` and :func:`signed_dump_payloads` do."""
    key = _private_key(private_b64)
    step = max(batch, 1)
    out: list[tuple[str, Proof | None]] = []
    for start in range(0, len(signed), step):
        group = signed[start:start + step]
        if len(group) == 1:
            out.append((_b64(key.sign(group[0])), None))
            continue
        root, paths = merkle.tree([merkle.leaf_hash(b) for b in group])
        sig = _b64(key.sign(_batch_bytes(len(group), root)))
        text: dict[bytes, str] = {}  # a subtree's hash is in many proofs: encode it once
        for i, path in enumerate(paths):
            out.append((sig, (i, len(group), tuple(
                text.get(h) or text.setdefault(h, _b64(h)) for h in path))))
    return out


def signed_dump_payloads(dumps: Sequence[dict[str, Any]], private_b64: str, *,
                         batch: int = 64) -> list[bytes]:
    """The signed payloads of commands given as their JSON dumps without ``sig`` and
    ``proof`` (each dict gets both): ``[c.to_json() for c in sign_commands(...)]`` byte for
    byte, with no signed copy of a model nor a second dump.

    Why: the central worker publishes and stores only these bytes, and drafts its commands
    straight to such dumps (:func:`domain.wirejson.command_draft_dump`); the models' copies
    and dumps were ~7 % of its CPU per read (docs/messaging-journal.md, rounds 16-17). A dump
    is the one ``signing_bytes`` covers, in field order, so ``sig`` and ``proof`` appended
    last give what pydantic writes (``tests/domain/test_batch_signing.py``)."""
    out: list[bytes] = []
    signed = [canonical_json(d) for d in dumps]
    for d, (sig, proof) in zip(dumps, _batch_signed(signed, private_b64, batch), strict=True):
        d["sig"] = sig
        if proof is not None:
            d["proof"] = {"index": proof[0], "size": proof[1], "path": proof[2]}
        out.append(orjson.dumps(d))
    return out


def _batch_bytes(size: int, root: bytes) -> bytes:
    """What a batch signature covers: a label, the tree's size and its root.

    The label keeps a batch signature from ever verifying as the signature of a single
    message (those sign canonical JSON, which starts with ``{``), and the other way round.
    """
    return b"smartgate/lane-command-batch/v1\n" + size.to_bytes(4, "big") + root


def verify_command(command: LaneCommandV1, public_keys: dict[str, str], *,
                   roots: VerifiedRoots | None = None) -> None:
    """Raise :class:`SignatureError` unless the command is signed by a known centre key."""
    verify_centre(command, public_keys, roots=roots)


class ReplayGuard:
    """Refuses stale messages and nonces already seen inside the freshness window.

    Memory is bounded: a nonce older than the window can be forgotten because a
    message carrying it would be refused as stale anyway.
    """

    def __init__(self, window: timedelta = timedelta(minutes=5), max_nonces: int = 200_000):
        self.window = window
        self.max_nonces = max_nonces
        self._seen: OrderedDict[tuple[str, str], datetime] = OrderedDict()

    def check(self, device_id: str, nonce: str, sent_at: datetime, now: datetime) -> None:
        if abs(now - sent_at) > self.window:
            raise SignatureError("stale", f"sent_at {sent_at.isoformat()} outside {self.window}")
        self._forget_older_than(now - self.window)
        key = (device_id, nonce)
        if key in self._seen:
            raise SignatureError("replayed_nonce", f"device {device_id} nonce {nonce}")
        self._seen[key] = sent_at
        while len(self._seen) > self.max_nonces:
            self._seen.popitem(last=False)

    def _forget_older_than(self, horizon: datetime) -> None:
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if seen_at >= horizon:
                break
            del self._seen[key]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
