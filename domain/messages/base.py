"""What every wire message shares: limits, field types, the error, the base models.

Split out of :mod:`domain.messages` so the device's messages (:mod:`domain.messages.edge`)
and the centre's (:mod:`domain.messages.centre`) can each be read alone.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.canonical import canonical_json

#: Largest payload the centre or an edge will parse (a read never needs more).
MAX_PAYLOAD_BYTES = 16 * 1024
#: A lane's pre-clearance list holds a few hours of trucks: it may be larger.
MAX_LIST_BYTES = 1024 * 1024 - 4096  # under the broker's 1 MiB packet limit
#: Most decisions one :class:`DecisionBatchV1` carries (the byte bound usually comes first).
MAX_BATCH_DECISIONS = 64
#: Most commands one :class:`LaneCommandsV1` carries (the byte bound usually comes first).
MAX_BATCH_COMMANDS = 64

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


class BaseMessage(BaseModel):
    """What every wire message shares: frozen, no extra fields, ``v`` and its signed bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    v: Literal[1] = 1

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()

    def signing_bytes(self) -> bytes:
        """Canonical bytes that a signature covers: every field but ``sig``, keys sorted."""
        return canonical_json(self.model_dump(mode="json", exclude={"sig"}))


class DeviceSigned(BaseMessage):
    """Fields every device-originated message carries for authenticity and replay defence."""

    device_id: LaneId
    sent_at: AwareDatetime
    nonce: Annotated[str, Field(min_length=16, max_length=64, pattern=r"^[0-9a-f]+$")]
    sig: str = ""
