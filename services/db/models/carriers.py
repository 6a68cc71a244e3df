"""Carriers, their users, keys, vehicles, drivers and webhook endpoints: who may declare trips."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base, new_id


class Carrier(Base):
    __tablename__ = "carriers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))  # VN / CN
    tax_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)  # AEO / trusted trader
    created_at: Mapped[datetime]


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
