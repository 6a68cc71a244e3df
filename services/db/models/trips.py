"""Declared trips with their cargo, documents and amendments: what a read is matched against."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.db.models.base import Base, new_id


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
