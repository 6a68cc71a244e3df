"""Listing a carrier's trips: filters and keyset pagination.

Why keyset (``created_at``, ``id``) and not offsets: a carrier's integration pages through
its trips while it keeps declaring new ones; an offset would then skip or repeat rows, a
cursor after the last row seen does not. The cursor is opaque to the caller.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from domain.plates import normalise
from domain.reference import Direction
from domain.trips import TripStatus
from services.db.models import Trip
from services.trips.errors import TripInputError
from services.trips.service import as_utc


@dataclass(frozen=True, slots=True)
class TripFilter:
    status: TripStatus | None = None
    gate_id: str | None = None
    direction: Direction | None = None
    plate: str | None = None
    reference: str | None = None
    arrival_from: datetime | None = None
    arrival_to: datetime | None = None


def list_trips(
    session: Session, *, carrier_id: str, filters: TripFilter | None = None, limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[Trip], str | None]:
    """Newest first, keyset-paginated (stable while trips are being added)."""
    f = filters or TripFilter()
    query: Select[tuple[Trip]] = select(Trip).where(Trip.carrier_id == carrier_id)
    if f.status:
        query = query.where(Trip.status == f.status.value)
    if f.gate_id:
        query = query.where(Trip.gate_id == f.gate_id)
    if f.direction:
        query = query.where(Trip.direction == f.direction.value)
    if f.plate:
        query = query.where(Trip.plate == normalise(f.plate))
    if f.reference:
        query = query.where(Trip.reference == f.reference.strip().upper())
    if f.arrival_from:
        query = query.where(Trip.window_end >= as_utc(f.arrival_from))
    if f.arrival_to:
        query = query.where(Trip.window_start <= as_utc(f.arrival_to))
    if cursor:
        at, last_id = decode_cursor(cursor)
        query = query.where(or_(Trip.created_at < at, and_(Trip.created_at == at,
                                                            Trip.id < last_id)))
    rows = list(session.scalars(query.order_by(Trip.created_at.desc(), Trip.id.desc())
                                .limit(limit + 1)))
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def encode_cursor(trip: Trip) -> str:
    raw = f"{as_utc(trip.created_at).isoformat()}|{trip.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, last_id = raw.split("|", 1)
        return as_utc(datetime.fromisoformat(at)), last_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise TripInputError.one("cursor", "cursor_invalid", "not a cursor from this API") from None
