"""Versioned wire messages between lanes, the centre and the console.

Every payload is one JSON object with ``v`` (schema version) and ``type``.
Signatures, ids and timestamps live inside the JSON (never in MQTT 5
properties) so a lane works unchanged on any MQTT 3.1.1 broker.

Edge messages are signed by the device (HMAC-SHA256, key per device); lane
commands are signed by the centre (Ed25519), so a stolen device credential can
never forge a command. See :mod:`domain.signing`.

Golden examples of every message are kept in ``tests/golden/`` and parsed by the
tests: change a field here and those tests tell you that you broke the wire.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import orjson
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from domain.canonical import canonical_json

#: Largest payload the centre or an edge will parse (a read never needs more).
MAX_PAYLOAD_BYTES = 16 * 1024
#: A lane's pre-clearance list holds a few hours of trucks: it may be larger.
MAX_LIST_BYTES = 1024 * 1024 - 4096  # under the broker's 1 MiB packet limit
#: Most decisions one :class:`DecisionBatchV1` carries (the byte bound usually comes first).
MAX_BATCH_DECISIONS = 64

Id = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
LaneId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Layout = Literal["1-line", "2-line"]
CountryCode = Literal["VN", "CN"]
Outcome = Literal["open", "manual", "inspect"]
CommandAction = Literal["open", "hold", "inspect"]


class MessageError(ValueError):
    """A payload that is not a valid message; ``reason`` is a short code for counters."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    v: Literal[1] = 1

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()

    def signing_bytes(self) -> bytes:
        """Canonical bytes that a signature covers: every field but ``sig``, keys sorted."""
        return canonical_json(self.model_dump(mode="json", exclude={"sig"}))


class DeviceSigned(_Message):
    """Fields every device-originated message carries for authenticity and replay defence."""

    device_id: LaneId
    sent_at: AwareDatetime
    nonce: Annotated[str, Field(min_length=16, max_length=64, pattern=r"^[0-9a-f]+$")]
    sig: str = ""


class PlateReadV1(DeviceSigned):
    """One read of a plate at a lane.

    ``grade="frame"`` is per-frame evidence; ``grade="pass"`` is the decision-grade
    read of one vehicle pass (``frames`` agreeing frames). The centre decides only
    on pass-grade reads.
    """

    type: Literal["plate_read"] = "plate_read"
    event_id: Id
    lane_id: LaneId
    pass_id: Id
    grade: Literal["frame", "pass"]
    captured_at: AwareDatetime
    plate: str | None = Field(default=None, max_length=16)
    raw_text: str = Field(default="", max_length=64)
    confidence: float = Field(ge=0.0, le=1.0)
    layout: Layout | None = None
    country: CountryCode | None = None
    frames: int = Field(default=1, ge=1, le=1000)
    trailer_plate: str | None = Field(default=None, max_length=16)
    crop_sha256: Sha256 | None = None
    frame_sha256: Sha256 | None = None


class BarrierStateV1(DeviceSigned):
    """A lane's barrier state, sent after executing (or refusing) a command."""

    type: Literal["barrier_state"] = "barrier_state"
    event_id: Id
    lane_id: LaneId
    command_id: Id | None = None
    state: Literal["open", "closed", "fault"]
    executed: bool
    detail: str = Field(default="", max_length=200)
    at: AwareDatetime


class LaneStatusV1(_Message):
    """Retained lane liveness. Unsigned: it informs the console and never moves a barrier.

    The broker publishes the offline variant as the device's last will.
    """

    type: Literal["lane_status"] = "lane_status"
    lane_id: LaneId
    device_id: LaneId
    state: Literal["online", "offline", "degraded"]
    at: AwareDatetime | None = None
    fps: float | None = Field(default=None, ge=0)
    outbox_depth: int | None = Field(default=None, ge=0)
    disk_free_mb: int | None = Field(default=None, ge=0)
    barrier: Literal["open", "closed", "fault"] | None = None
    # Added for offline clearance (all optional, so older lanes stay valid): whether the
    # lane hears the centre, the pre-clearance list version it holds, and how many trucks
    # wait for an officer because the lane could not clear them on its own.
    centre: Literal["ok", "lost"] | None = None
    list_version: int | None = Field(default=None, ge=0)
    waiting: int | None = Field(default=None, ge=0)

    def to_json(self) -> bytes:
        """The added fields are left out when unset: the status stays what older readers parse."""
        unset = {k for k in ("centre", "list_version", "waiting") if getattr(self, k) is None}
        return self.model_dump_json(exclude=unset).encode()


#: A batch proof's hashes: SHA-256 digests, url-safe base64 without padding.
ProofHash = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{43}$")]


class BatchProof(BaseModel):
    """Where a command sits in a batch the centre signed once (:mod:`domain.merkle`).

    ``sig`` of a command that carries one signs the batch's Merkle root (and ``size``),
    not the command's own bytes; ``path`` rebuilds that root from the command.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = Field(ge=0)
    size: int = Field(ge=2, le=1024)
    path: tuple[ProofHash, ...] = Field(min_length=1, max_length=10)


class LaneCommandV1(_Message):
    """A command from the centre to one lane, signed by the centre (Ed25519).

    ``proof`` is set when the centre signed a batch of commands at once; it is left out
    of the JSON otherwise, so a command signed alone is byte for byte what it always was.
    """

    type: Literal["lane_command"] = "lane_command"
    command_id: Id
    lane_id: LaneId
    action: CommandAction
    plate: str | None = Field(default=None, max_length=16)
    trip_id: str | None = Field(default=None, max_length=64)
    decision_id: Id | None = None
    issued_at: AwareDatetime
    expires_at: AwareDatetime
    reason_codes: tuple[str, ...] = ()
    key_id: str = Field(default="centre-1", max_length=64)
    sig: str = ""
    proof: BatchProof | None = None

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude=None if self.proof else {"proof"}).encode()

    def signing_bytes(self) -> bytes:
        """What a signature (or, in a batch, the Merkle leaf) covers: all but ``sig``, ``proof``."""
        return canonical_json(self.model_dump(mode="json", exclude={"sig", "proof"}))


class Reason(BaseModel):
    """A machine-readable reason code with its sentence for officers in vi and en."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,63}$")
    vi: str
    en: str


class DecisionV1(_Message):
    """What the centre decided for one vehicle pass; fanned out to consoles."""

    type: Literal["decision"] = "decision"
    decision_id: Id
    event_id: Id
    lane_id: LaneId
    gate_id: str
    plate: str | None = None
    trip_id: str | None = None
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    command_id: Id | None = None
    decided_at: AwareDatetime
    crop_sha256: Sha256 | None = None


class DecisionBatchV1(_Message):
    """Several decisions of one lane that the centre committed together, as one message.

    Why: a notice per decision cost the central a publish and a PUBACK per event (~9 % of
    its CPU at 2,000 events/s). The centre sends one batch per lane and committed batch of
    reads (as many as fit in :data:`MAX_PAYLOAD_BYTES`); a lone decision still goes as a
    plain :class:`DecisionV1`, so at a gate's usual pace nothing changes on the wire.
    Consumers read both through :func:`decisions_of`.
    """

    type: Literal["decision_batch"] = "decision_batch"
    lane_id: LaneId
    decisions: tuple[DecisionV1, ...] = Field(min_length=2, max_length=MAX_BATCH_DECISIONS)

    @model_validator(mode="after")
    def _one_lane(self) -> DecisionBatchV1:
        if any(d.lane_id != self.lane_id for d in self.decisions):
            raise ValueError("every decision of a batch is for the batch's lane")
        return self


def decisions_of(message: DecisionV1 | DecisionBatchV1) -> tuple[DecisionV1, ...]:
    """The decisions a notice on a lane's ``decisions`` topic carries, in decision order."""
    return message.decisions if isinstance(message, DecisionBatchV1) else (message,)


class EventAckV1(_Message):
    """Application-level acknowledgement from the centre to a device's outbox.

    Signed by the centre (Ed25519, like lane commands): an ack makes the edge
    delete events for good, so a forged one would lose reads without a trace.
    """

    type: Literal["event_ack"] = "event_ack"
    device_id: LaneId
    event_ids: tuple[Id, ...] = Field(min_length=1, max_length=500)
    at: AwareDatetime
    key_id: str = Field(default="centre-1", max_length=64)
    sig: str = ""


class CentreStatusV1(_Message):
    """Retained liveness of one central instance (its last will says ``offline``).

    Unsigned on purpose: a forged "online" can only keep a lane from clearing on its
    own (the safe side); a lane never opens because of it.
    """

    type: Literal["centre_status"] = "centre_status"
    instance: LaneId
    state: Literal["online", "offline"]
    at: AwareDatetime


class MatchingV1(BaseModel):
    """The centre's closed-set matching thresholds, shipped with a list so a lane uses them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    accept_distance: float = Field(ge=0.0, le=1.0)
    min_margin: float = Field(ge=0.0, le=1.0)
    min_frames: int = Field(ge=1, le=100)
    min_confidence: float = Field(ge=0.0, le=1.0)
    max_dissent_ratio: float = Field(ge=0.0, le=1.0)
    max_dissent_frames: int = Field(ge=0, le=100)


class PreclearanceV1(BaseModel):
    """One truck a lane may clear on its own while it cannot reach the centre."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    trip_id: str = Field(min_length=1, max_length=64)
    plate: str = Field(min_length=4, max_length=16)
    trailer_plate: str | None = Field(default=None, max_length=16)
    valid_from: AwareDatetime
    valid_until: AwareDatetime


class PreclearanceListV1(_Message):
    """A lane's signed, versioned, expiring list of pre-cleared trucks (retained, centre -> edge).

    ``others``: declared plates near a pre-cleared one that are *not* pre-cleared, so the
    lane's closed set holds the same rivals as the centre's. A lane refuses a list that
    is unsigned, for another lane, expired, or older than the one it holds.
    """

    type: Literal["preclearance_list"] = "preclearance_list"
    list_id: Id
    lane_id: LaneId
    version: int = Field(ge=1)
    issued_at: AwareDatetime
    expires_at: AwareDatetime
    rules_version: str = Field(max_length=32)
    matching: MatchingV1
    entries: tuple[PreclearanceV1, ...] = Field(default=(), max_length=5000)
    others: tuple[str, ...] = Field(default=(), max_length=5000)
    key_id: str = Field(default="centre-1", max_length=64)
    sig: str = ""


class LocalDecisionV1(DeviceSigned):
    """What a lane decided on its own for one vehicle pass while it had lost the centre.

    It carries the pass-grade read itself (never also sent alone), so the centre stores
    read and decision together, once, and reconciles them with what changed meanwhile.
    """

    type: Literal["local_decision"] = "local_decision"
    event_id: Id
    lane_id: LaneId
    read: PlateReadV1
    outcome: Literal["open", "manual"]
    trip_id: str | None = Field(default=None, max_length=64)
    plate: str | None = Field(default=None, max_length=16)
    reason_codes: tuple[str, ...] = Field(default=(), max_length=16)
    list_id: Id | None = None
    list_version: int | None = Field(default=None, ge=1)
    decided_at: AwareDatetime
    executed: bool = False
    detail: str = Field(default="", max_length=200)


Message = Annotated[
    PlateReadV1 | BarrierStateV1 | LaneStatusV1 | LaneCommandV1 | DecisionV1 | DecisionBatchV1
    | EventAckV1 | CentreStatusV1 | PreclearanceListV1 | LocalDecisionV1,
    Field(discriminator="type"),
]
_ADAPTER: TypeAdapter[Message] = TypeAdapter(Message)


def parse_message(payload: bytes | str, *, max_bytes: int = MAX_PAYLOAD_BYTES) -> Message:
    """Parse and validate one payload; raise :class:`MessageError` with a reason code.

    ``max_bytes``: only the pre-clearance list topic is read with a larger bound.

    Reason codes: ``too_large``, ``not_json``, ``not_object``, ``bad_version``,
    ``unknown_type``, ``invalid``.
    """
    raw = payload.encode() if isinstance(payload, str) else payload
    if len(raw) > max_bytes:
        raise MessageError("too_large", f"{len(raw)} bytes > {max_bytes}")
    try:
        # orjson: strict RFC 8259 over UTF-8 bytes (no NaN, no lone surrogates: ``json``
        # took NaN), and ~4x cheaper than ``json.loads`` (docs/messaging-journal.md, round 6).
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MessageError("not_json", str(exc)) from None
    if not isinstance(data, dict):
        raise MessageError("not_object", f"payload is a JSON {type(data).__name__}")
    if data.get("v") != 1:
        raise MessageError("bad_version", f"unsupported schema version {data.get('v')!r}")
    if data.get("type") not in _TYPES:
        raise MessageError("unknown_type", f"unknown message type {data.get('type')!r}")
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"][1:]) or "?"
        raise MessageError("invalid", f"{field}: {first['msg']}") from None


_TYPES = {"plate_read", "barrier_state", "lane_status", "lane_command", "decision",
          "decision_batch", "event_ack", "centre_status", "preclearance_list", "local_decision"}


def utc_iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")
