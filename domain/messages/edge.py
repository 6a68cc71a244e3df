"""Messages a lane device sends: reads, barrier states, its status, its offline decisions.

Every one but the status is HMAC-signed by the device (:class:`DeviceSigned`); the status
is unsigned because it only informs the console and never moves a barrier.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from domain.messages.base import (
    BaseMessage,
    CountryCode,
    DeviceSigned,
    Id,
    LaneId,
    Layout,
    Sha256,
)


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


class LaneStatusV1(BaseMessage):
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
