"""Tables of the staging yard (added by migration ``0004_yard``).

Why a row per stay, never deleted: a truck's stay (check-in, each call, arrival
at the gate or no-show) is the evidence of how the yard metered the flow; the
console and the forecast read it back. ``seq`` orders a queue (check-in time in
microseconds; a re-queued no-show gets a new one and goes to the back of its
priority class).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models import Base, new_id

#: Stay states: waiting in the yard -> called forward -> arrived at the gate; a called truck
#: that misses its window goes back to ``waiting`` until ``max_calls``, then ``no_show``.
#: ``unmatched``: the yard camera read a plate no declared trip has (an officer looks).
STATES = ("waiting", "called", "arrived", "no_show", "unmatched")


class YardEntry(Base):
    __tablename__ = "yard_entries"
    __table_args__ = (Index("ix_yard_entries_queue", "gate_id", "direction", "state", "seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    gate_id: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(16))
    plate: Mapped[str] = mapped_column(String(16))
    trip_id: Mapped[str | None] = mapped_column(String(32), index=True)
    carrier_id: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # the yard read
    lane_id: Mapped[str] = mapped_column(String(64))  # the yard camera's lane
    checked_in_at: Mapped[datetime]
    called_at: Mapped[datetime | None]
    call_deadline: Mapped[datetime | None]
    arrived_at: Mapped[datetime | None]
    calls: Mapped[int] = mapped_column(Integer, default=0)
    eta_at: Mapped[datetime | None]  # estimated call time, refreshed by the worker
    updated_at: Mapped[datetime]


class YardCursor(Base):
    """Where the ratio cycle of one queue stands (survives restarts)."""

    __tablename__ = "yard_cursors"

    gate_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    direction: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class YardNotification(Base):
    """One SMS to a driver: the delivery log and the retry queue."""

    __tablename__ = "yard_notifications"
    __table_args__ = (Index("ix_yard_notifications_state_next", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # called / requeued
    to: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending/sent/failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
