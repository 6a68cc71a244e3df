"""Check-in at the staging yard: a pass-grade read of the yard's entrance camera.

Why the same edge agent and the same ingest path: the yard camera is one more
lane (``kind = "yard"`` in ``gates.toml``), so its reads are signed, verified,
de-duplicated and stored exactly like a gate lane's. Instead of a barrier
decision the central routes them here: the read is matched (closed-set, the same
look-alike rules as at the gate) against the trips declared for the gate, and
the truck joins the queue of its gate and direction with its priority class.

A read that matches no clearable trip is kept as an ``unmatched`` stay (an
officer sees it on the yard page) - bad input loses nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.flow.priority import classify
from domain.matching import PlateIndex, match_text
from domain.messages import PlateReadV1
from domain.plates import normalise
from domain.reference import Direction, Lane
from domain.rules import default_rules
from domain.trips import CLEARABLE_STATUSES, TripStatus
from services.audit import record
from services.central.facts import load_candidates
from services.db.models import Carrier, Trip
from services.yard.models import YardEntry

ACTOR = "yard"
OPEN_STATES = ("waiting", "called")


def seq_of(at: datetime) -> int:
    """Queue order: the instant in microseconds (a re-queue takes a new, later one)."""
    return int(at.timestamp() * 1_000_000)


def check_in(session: Session, *, msg: PlateReadV1, lane: Lane, now: datetime,
             around: timedelta = timedelta(hours=48)) -> YardEntry:
    """Queue the truck of a yard read (inside the caller's transaction); idempotent per trip."""
    text = normalise(msg.plate) if msg.plate else ""
    trips = [t for t in load_candidates(session, gate_id=lane.gate_id, at=now, around=around)
             if t.status in CLEARABLE_STATUSES]
    match = match_text(text, PlateIndex(t.plate for t in trips), default_rules().matching) \
        if text else None
    trip = None
    if match is not None and match.status == "resolved":
        mine = sorted((t for t in trips if t.plate == match.plate),
                      key=lambda t: (abs((t.window_start - now).total_seconds()), t.trip_id))
        trip = mine[0] if mine else None
    if trip is not None:
        existing = session.scalar(select(YardEntry).where(
            YardEntry.trip_id == trip.trip_id, YardEntry.state.in_(OPEN_STATES)))
        if existing is not None:
            return existing  # seen again at the entrance (a second pass): already queued
        trusted = bool(session.scalar(select(Carrier.trusted).where(
            Carrier.id == trip.carrier_id)))
        priority = classify(perishable=trip.perishable, trusted=trusted,
                            transit=trip.direction == Direction.TRANSIT)
        row = session.get(Trip, trip.trip_id)
        if row is not None and row.status != TripStatus.IN_YARD:
            row.status, row.updated_at = TripStatus.IN_YARD.value, now
    entry = YardEntry(
        gate_id=lane.gate_id, direction=(trip.direction if trip else lane.direction).value,
        plate=trip.plate if trip else (text or "?"), trip_id=trip.trip_id if trip else None,
        carrier_id=trip.carrier_id if trip else None,
        priority=priority.value if trip else "ordinary",
        state="waiting" if trip else "unmatched", seq=seq_of(now), event_id=msg.event_id,
        lane_id=lane.id, checked_in_at=now, calls=0, updated_at=now)
    session.add(entry)
    session.flush()
    record(session, actor=ACTOR, action="yard.checked_in", subject_type="yard_entry",
           subject_id=entry.id,
           data={"event_id": msg.event_id, "plate": entry.plate, "read": msg.plate,
                 "trip_id": entry.trip_id, "gate_id": entry.gate_id, "state": entry.state,
                 "priority": entry.priority}, now=now)
    return entry
