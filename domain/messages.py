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

import json
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

#: Largest payload the centre or an edge will parse (a read never needs more).
MAX_PAYLOAD_BYTES = 16 * 1024

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
        data = self.model_dump(mode="json", exclude={"sig"})
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


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


class LaneCommandV1(_Message):
    """A command from the centre to one lane, signed by the centre (Ed25519)."""

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


Message = Annotated[
    PlateReadV1 | BarrierStateV1 | LaneStatusV1 | LaneCommandV1 | DecisionV1 | EventAckV1,
    Field(discriminator="type"),
]
_ADAPTER: TypeAdapter[Message] = TypeAdapter(Message)


def parse_message(payload: bytes | str) -> Message:
    """Parse and validate one payload; raise :class:`MessageError` with a reason code.

    Reason codes: ``too_large``, ``not_json``, ``not_object``, ``bad_version``,
    ``unknown_type``, ``invalid``.
    """
    raw = payload.encode() if isinstance(payload, str) else payload
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise MessageError("too_large", f"{len(raw)} bytes > {MAX_PAYLOAD_BYTES}")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
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


_TYPES = {"plate_read", "barrier_state", "lane_status", "lane_command", "decision", "event_ack"}


def utc_iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")
