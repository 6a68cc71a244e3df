"""What the lanes send and the centre answers: devices, reads, decisions, commands, barrier acks.

Idempotency lives in unique constraints (``plate_reads.event_id``,
``barrier_events.event_id``): a redelivered MQTT message hits the constraint and changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base, new_id


class Device(Base):
    """A lane (or yard) device: its lane and the HMAC secret that signs its messages."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lane_id: Mapped[str] = mapped_column(String(64), index=True)
    secret: Mapped[str] = mapped_column(String(128))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class DeviceNonce(Base):
    """A device nonce already accepted: the primary key refuses a replay on every instance.

    Kept in the database (not in one process's memory) so a replay sent to another
    central instance, or after a restart, is still refused. Rows older than the
    replay window are pruned: a message carrying them is refused as stale anyway.
    """

    __tablename__ = "device_nonces"

    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(index=True)
    event_id: Mapped[str | None] = mapped_column(String(64))


class PlateRead(Base):
    """Every plate read received, frame- or pass-grade. ``event_id`` makes ingest idempotent."""

    __tablename__ = "plate_reads"
    __table_args__ = (Index("ix_plate_reads_lane_captured", "lane_id", "captured_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    lane_id: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64))
    pass_id: Mapped[str] = mapped_column(String(64), index=True)
    grade: Mapped[str] = mapped_column(String(8))
    captured_at: Mapped[datetime]
    received_at: Mapped[datetime]
    plate: Mapped[str | None] = mapped_column(String(16), index=True)
    raw_text: Mapped[str] = mapped_column(String(64), default="")
    confidence: Mapped[float] = mapped_column(Float)
    layout: Mapped[str | None] = mapped_column(String(8))
    country: Mapped[str | None] = mapped_column(String(2))
    frames: Mapped[int] = mapped_column(Integer, default=1)
    trailer_plate: Mapped[str | None] = mapped_column(String(16))
    crop_sha256: Mapped[str | None] = mapped_column(String(64))
    frame_sha256: Mapped[str | None] = mapped_column(String(64))


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)  # one decision per pass read
    lane_id: Mapped[str] = mapped_column(String(64), index=True)
    gate_id: Mapped[str] = mapped_column(String(64))
    plate: Mapped[str | None] = mapped_column(String(16))
    trip_id: Mapped[str | None] = mapped_column(ForeignKey("trips.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # open / manual / inspect
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    rules_version: Mapped[str] = mapped_column(String(32))
    decided_by: Mapped[str] = mapped_column(String(64), default="auto")  # "auto" or officer id
    decided_at: Mapped[datetime] = mapped_column(index=True)
    resolved_at: Mapped[datetime | None]  # for manual hand-offs, when an officer closed it
    # Added by 0002_central: set when the decision needs an officer after the fact (its lane
    # command expired without acknowledgement); ``resolved_at`` stays None until one acts.
    attention: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    attention_at: Mapped[datetime | None] = mapped_column(default=None)


class LaneCommand(Base):
    __tablename__ = "lane_commands"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    decision_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    lane_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    plate: Mapped[str | None] = mapped_column(String(16))
    trip_id: Mapped[str | None] = mapped_column(String(32))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    payload: Mapped[str] = mapped_column(Text)  # the signed JSON exactly as published
    state: Mapped[str] = mapped_column(String(16), default="sent")  # sent/acked/refused/expired
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    acked_at: Mapped[datetime | None]
    # Added by 0002_central: when the retry loop last (re)published it, and the barrier's answer.
    last_sent_at: Mapped[datetime | None] = mapped_column(default=None)
    ack_detail: Mapped[str | None] = mapped_column(String(200), default=None)


#: The retry loop scans unacknowledged commands by state and expiry (0002_central).
Index("ix_lane_commands_state_expires", LaneCommand.state, LaneCommand.expires_at)


class BarrierEvent(Base):
    """A barrier state report from a lane (the acknowledgement of a command)."""

    __tablename__ = "barrier_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    lane_id: Mapped[str] = mapped_column(String(64), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    command_id: Mapped[str | None] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(String(8))
    executed: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime]
    received_at: Mapped[datetime]


class RejectedMessage(Base):
    """A message the centre refused (malformed, forged, replayed...): kept, never lost."""

    __tablename__ = "rejected_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(256))
    reason: Mapped[str] = mapped_column(String(32), index=True)
    detail: Mapped[str] = mapped_column(Text)
    payload: Mapped[bytes] = mapped_column()
    received_at: Mapped[datetime]


class PreclearanceList(Base):
    """Every pre-clearance list the centre signed for a lane (offline clearance, issue 10).

    ``entries`` maps each trip id on the list to the fingerprint of its clearance facts
    when the list was made: a local decision that used the list is checked against it.
    """

    __tablename__ = "preclearance_lists"
    __table_args__ = (UniqueConstraint("lane_id", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    lane_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    digest: Mapped[str] = mapped_column(String(64))  # of the content, to skip unchanged lists
    entries: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payload: Mapped[str] = mapped_column(Text)  # the signed JSON exactly as published


class LocalDecision(Base):
    """A decision a lane took on its own while offline, as it reached the centre (once)."""

    __tablename__ = "local_decisions"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64))
    lane_id: Mapped[str] = mapped_column(String(64), index=True)
    read_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    trip_id: Mapped[str | None] = mapped_column(String(32))
    list_id: Mapped[str | None] = mapped_column(String(64))
    list_version: Mapped[int | None] = mapped_column(Integer)
    executed: Mapped[bool] = mapped_column(Boolean)
    decided_at: Mapped[datetime]
    received_at: Mapped[datetime]
    conflicts: Mapped[list[str]] = mapped_column(JSON, default=list)
