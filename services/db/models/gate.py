"""The gate's people and records: officers, the audit chain and agreed hours extensions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base, new_id


class Officer(Base):
    __tablename__ = "officers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # officer / supervisor / admin
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


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
