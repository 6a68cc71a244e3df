"""Versioned wire messages between lanes, the centre and the console.

Every payload is one JSON object with ``v`` (schema version) and ``type``.
Signatures, ids and timestamps live inside the JSON (never in MQTT 5
properties) so a lane works unchanged on any MQTT 3.1.1 broker.

Edge messages are signed by the device (HMAC-SHA256, key per device); lane
commands are signed by the centre (Ed25519), so a stolen device credential can
never forge a command. See :mod:`domain.signing`.

Golden examples of every message are kept in ``tests/golden/`` and parsed by the
tests: change a field here and those tests tell you that you broke the wire.

The models live by sender: :mod:`domain.messages.edge` (what a lane device sends) and
:mod:`domain.messages.centre` (what the centre sends), on :mod:`domain.messages.base`;
this module is the one door: every name is imported from here, and
:func:`parse_message` is the only way a payload becomes a message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import orjson
from pydantic import Field, TypeAdapter, ValidationError

from domain.messages.base import (
    MAX_BATCH_COMMANDS,
    MAX_BATCH_DECISIONS,
    MAX_LIST_BYTES,
    MAX_PAYLOAD_BYTES,
    BaseMessage,
    CommandAction,
    CountryCode,
    DeviceSigned,
    Id,
    LaneId,
    Layout,
    MessageError,
    Outcome,
    Sha256,
)
from domain.messages.centre import (
    BatchProof,
    CentreStatusV1,
    DecisionBatchV1,
    DecisionV1,
    EventAckV1,
    LaneCommandsV1,
    LaneCommandV1,
    MatchingV1,
    PreclearanceListV1,
    PreclearanceV1,
    ProofHash,
    Reason,
    commands_of,
    decisions_of,
    lane_commands_head,
)
from domain.messages.edge import BarrierStateV1, LaneStatusV1, LocalDecisionV1, PlateReadV1

__all__ = [
    "MAX_BATCH_COMMANDS", "MAX_BATCH_DECISIONS", "MAX_LIST_BYTES", "MAX_PAYLOAD_BYTES",
    "BarrierStateV1", "BaseMessage", "BatchProof", "CentreStatusV1", "CommandAction",
    "CountryCode", "DecisionBatchV1", "DecisionV1", "DeviceSigned", "EventAckV1", "Id",
    "LaneCommandV1", "LaneCommandsV1", "LaneId", "LaneStatusV1", "Layout", "LocalDecisionV1",
    "MatchingV1", "Message", "MessageError", "Outcome", "PlateReadV1", "PreclearanceListV1",
    "PreclearanceV1", "ProofHash", "Reason", "Sha256", "commands_of", "decisions_of",
    "lane_commands_head", "parse_message", "utc_iso",
]

Message = Annotated[
    PlateReadV1 | BarrierStateV1 | LaneStatusV1 | LaneCommandV1 | LaneCommandsV1 | DecisionV1
    | DecisionBatchV1 | EventAckV1 | CentreStatusV1 | PreclearanceListV1 | LocalDecisionV1,
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


_TYPES = {"plate_read", "barrier_state", "lane_status", "lane_command", "lane_commands",
          "decision", "decision_batch", "event_ack", "centre_status", "preclearance_list",
          "local_decision"}


def utc_iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")
