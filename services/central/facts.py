"""Database rows -> the plain facts :func:`domain.clearance.decide` works on.

Why a converter: the clearance logic is storage-free (testable with plain
Python); this is the one place that knows how a ``trips`` row with its cargo
lines and documents maps to :class:`domain.trips.TripFacts`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.clearance import PassEvidence
from domain.reference import Direction
from domain.trips import CargoLine, Channel, Document, DocumentKind, TripFacts, TripStatus
from services.commands import aware
from services.db.models import PlateRead, Trip

log = logging.getLogger(__name__)


def _enum(kind: type, value: str | None, default: object = None) -> object:
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        return default


def trip_facts(trip: Trip) -> TripFacts:
    return TripFacts(
        trip_id=trip.id,
        carrier_id=trip.carrier_id,
        plate=trip.plate,
        gate_id=trip.gate_id,
        direction=Direction(trip.direction),
        window_start=aware(trip.window_start),
        window_end=aware(trip.window_end),
        status=TripStatus(trip.status),
        trailer_plate=trip.trailer_plate,
        declaration_no=trip.declaration_no,
        channel=_enum(Channel, trip.channel),  # type: ignore[arg-type]
        cargo=tuple(
            CargoLine(c.hs_code, c.description, c.weight_kg, c.perishable, c.preferential_claim)
            for c in trip.cargo
        ),
        documents=tuple(
            Document(_enum(DocumentKind, d.kind, DocumentKind.OTHER),  # type: ignore[arg-type]
                     d.number, d.valid_from, d.valid_to)
            for d in trip.documents
        ),
        fee_paid=trip.fee_paid,
        vehicle_country=trip.vehicle_country,
    )


def load_candidates(session: Session, *, gate_id: str, at: datetime, around: timedelta
                    ) -> list[TripFacts]:
    """Every trip of ``gate_id`` whose window is within ``around`` of ``at``, in any status.

    Used and cancelled trips are included on purpose: they explain themselves
    (``TRIP_ALREADY_USED``, ``TRIP_CANCELLED``) instead of looking unregistered.
    """
    rows = session.execute(
        select(Trip)
        .where(Trip.gate_id == gate_id, Trip.window_end >= at - around,
               Trip.window_start <= at + around)
        .options(selectinload(Trip.cargo), selectinload(Trip.documents))
    ).scalars().all()
    facts = []
    for row in rows:
        try:
            facts.append(trip_facts(row))
        except ValueError:  # a row with an unknown direction/status: never a match
            log.error("trip %s has unknown direction/status, skipped for matching", row.id)
    return facts


def frame_evidence(session: Session, *, pass_id: str, device_id: str) -> Sequence[PassEvidence]:
    """Frame-grade reads already stored for the same vehicle pass (may be none)."""
    rows = session.execute(
        select(PlateRead).where(PlateRead.pass_id == pass_id, PlateRead.grade == "frame",
                                PlateRead.device_id == device_id)
    ).scalars().all()
    return tuple(
        PassEvidence(lane_id=r.lane_id, plate=r.plate, confidence=r.confidence, frames=1,
                     captured_at=aware(r.captured_at), trailer_plate=r.trailer_plate,
                     country=r.country)
        for r in rows
    )
