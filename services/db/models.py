"""Typed SQLAlchemy 2.0 models: the central database of the smart gate.

Conventions: string primary keys minted by the application (uuid4 hex), so ids
can be created at the edge or in a request before any database round trip;
timestamps are timezone-aware UTC; enums are stored as their string values so
the tables stay readable from psql. Idempotency lives in unique constraints
(``plate_reads.event_id``, ``barrier_events.event_id``): a redelivered MQTT
message hits the constraint and changes nothing.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """``uuid.uuid4().hex``, bit for bit, without building a ``UUID`` (the central worker mints
    two ids per plate read, and the object was most of their cost)."""
    n = int.from_bytes(os.urandom(16), "big")
    n = (n & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    n = (n & ~(0xF000 << 64)) | (4 << 76)  # version 4
    return f"{n:032x}"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


class Carrier(Base):
    __tablename__ = "carriers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))  # VN / CN
    tax_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)  # AEO / trusted trader
    created_at: Mapped[datetime]


class ApiKey(Base):
    """A carrier's API key. Only a SHA-256 of the secret is stored; the prefix identifies it."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    carrier_id: Mapped[str] = mapped_column(ForeignKey("carriers.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Vehicle(Base):
    __tablename__ = "vehicles"
    __table_args__ = (UniqueConstraint("carrier_id", "plate"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    carrier_id: Mapped[str] = mapped_column(ForeignKey("carriers.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16), index=True)  # canonical
    country: Mapped[str] = mapped_column(String(2))
    trailer_plate: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]


class Driver(Base):
    __tablename__ = "drivers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    carrier_id: Mapped[str] = mapped_column(ForeignKey("carriers.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    document_no: Mapped[str] = mapped_column(String(50))  # passport / border pass
    phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class Trip(Base):
    __tablename__ = "trips"
    __table_args__ = (
        Index("ix_trips_gate_plate_status", "gate_id", "plate", "status"),
        UniqueConstraint("carrier_id", "idempotency_key"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(32), unique=True)  # shown to people
    carrier_id: Mapped[str] = mapped_column(ForeignKey("carriers.id"), index=True)
    vehicle_id: Mapped[str | None] = mapped_column(ForeignKey("vehicles.id"))
    driver_id: Mapped[str | None] = mapped_column(ForeignKey("drivers.id"))
    plate: Mapped[str] = mapped_column(String(16))  # canonical, copied: amendable before arrival
    vehicle_country: Mapped[str] = mapped_column(String(2), default="VN")
    trailer_plate: Mapped[str | None] = mapped_column(String(16))
    gate_id: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(16))
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), index=True)
    declaration_no: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(8))
    fee_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]
    # Added by 0002_gateway: the last status a webhook was queued for (the gateway's
    # webhook worker compares it with ``status``), and the hash of the create request
    # an idempotency key was first used with (a retry with a different body is refused).
    notified_status: Mapped[str | None] = mapped_column(String(16), default=None)
    request_hash: Mapped[str | None] = mapped_column(String(64), default=None)

    cargo: Mapped[list[CargoLine]] = relationship(
        back_populates="trip", cascade="all, delete-orphan", order_by="CargoLine.position"
    )
    documents: Mapped[list[TripDocument]] = relationship(
        back_populates="trip", cascade="all, delete-orphan", order_by="TripDocument.position"
    )


class CargoLine(Base):
    __tablename__ = "cargo_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trip_id: Mapped[str] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    hs_code: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(String(300))
    weight_kg: Mapped[float] = mapped_column(Float)
    perishable: Mapped[bool] = mapped_column(Boolean, default=False)
    preferential_claim: Mapped[bool] = mapped_column(Boolean, default=False)

    trip: Mapped[Trip] = relationship(back_populates="cargo")


class TripDocument(Base):
    __tablename__ = "trip_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trip_id: Mapped[str] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(64))
    issuer: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # Added by 0002_gateway: an optional scanned copy uploaded by the carrier.
    file_name: Mapped[str | None] = mapped_column(String(200), default=None)
    file_type: Mapped[str | None] = mapped_column(String(100), default=None)
    file_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    file_data: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)

    trip: Mapped[Trip] = relationship(back_populates="documents")


class Device(Base):
    """A lane (or yard) device: its lane and the HMAC secret that signs its messages."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lane_id: Mapped[str] = mapped_column(String(64), index=True)
    secret: Mapped[str] = mapped_column(String(128))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


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


class AuditEvent(Base):
    """Append-only, hash-chained log of who did what (``hash`` covers ``prev_hash``)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))  # "central", "officer:<id>", "carrier:<id>"
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Officer(Base):
    __tablename__ = "officers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # officer / supervisor / admin
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class CarrierUser(Base):
    """A person at a carrier who signs in to the carrier page (argon2 password hash)."""

    __tablename__ = "carrier_users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    carrier_id: Mapped[str] = mapped_column(ForeignKey("carriers.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="member")  # admin / member
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class TripAmendment(Base):
    """A change a carrier made to a declared trip (plate, trailer, window...): shown to them."""

    __tablename__ = "trip_amendments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trip_id: Mapped[str] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))


class WebhookEndpoint(Base):
    """Where a carrier wants trip status changes POSTed, with the secret that signs them."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    carrier_id: Mapped[str] = mapped_column(ForeignKey("carriers.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class WebhookDelivery(Base):
    """One event to one endpoint: the delivery log, and the retry queue (``next_attempt_at``)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_state_next", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    carrier_id: Mapped[str] = mapped_column(String(32), index=True)
    event_id: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(48))
    trip_id: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)  # the exact JSON body that is signed and sent
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending/delivered/failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


# -- Added by 0002_central (central ingest: replay defence, command retries, officer flags) --


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


#: The retry loop scans unacknowledged commands by state and expiry (0002_central).
Index("ix_lane_commands_state_expires", LaneCommand.state, LaneCommand.expires_at)


class GateHoursExtension(Base):
    """Added by 0003_console: an agreed extension of a gate's hours, entered by a supervisor.

    Never deleted: a revoked extension keeps its row (``revoked_at``) so the
    decisions taken while it was in force stay explainable.
    """

    __tablename__ = "gate_hours_extensions"
    __table_args__ = (Index("ix_gate_hours_extensions_gate_ends", "gate_id", "ends_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    gate_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reference: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))


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
