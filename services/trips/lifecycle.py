"""What a carrier may do to a trip after declaring it: amend, submit, cancel, delete.

Why amendments are recorded twice: the carriers' top complaint at GVMS-like
systems is a truck turned away for a mistyped plate or trailer, or a swapped
vehicle. Amending before arrival fixes that, but a plate change is also exactly
what a fraud would look like, so each change is kept per trip (the carrier sees
its history) and written to the tamper-evident audit log (officers see it).
Later states (arrived, in yard, cleared, held, refused, completed) belong to
the gate: a carrier can never set them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.plates import parse_plate
from domain.reference import Direction, Reference
from domain.trips import TripStatus
from services.db.models import Decision, Driver, Trip, TripAmendment
from services.trips.errors import FieldProblem, TripInputError, TripStateError
from services.trips.schemas import (
    AmendmentRead,
    CargoLineRead,
    DecisionRead,
    DocumentRead,
    ReasonRead,
    TripRead,
    TripUpdate,
    display_plate,
    plate_problem,
)
from services.trips.service import (
    TripPolicy,
    as_utc,
    check_gate,
    check_window,
    default_reference,
    ensure_no_overlap,
    get_trip,
    owned,
    set_lines,
)

log = logging.getLogger(__name__)

#: Statuses in which the carrier may still change the declaration (before arrival).
AMENDABLE = frozenset({TripStatus.DRAFT, TripStatus.SUBMITTED})
CANCELLABLE = frozenset({TripStatus.DRAFT, TripStatus.SUBMITTED})
_AUDITED = ("plate", "trailer_plate", "window_start", "window_end", "driver_id",
            "declaration_no", "channel")


def audit(session: Session, *, actor: str, action: str, trip: Trip, data: dict[str, Any],
          now: datetime) -> None:
    """Write to the central audit log (``services.audit``, owned by the central service).

    Until that module exists the change is still kept in ``trip_amendments``; the
    log line says the audit chain missed it.
    """
    try:
        from services.audit import record
    except ImportError:
        log.error("services.audit unavailable: %s on trip %s not in the audit log", action,
                  trip.id)
        return
    record(session, actor=actor, action=action, subject_type="trip", subject_id=trip.id,
           data=data, now=now)


def update_trip(
    session: Session, *, carrier_id: str, trip_id: str, data: TripUpdate, now: datetime,
    actor: str, policy: TripPolicy | None = None, trusted: bool = False,
) -> Trip:
    """Amend a trip that has not arrived yet; every changed field is recorded and audited."""
    trip = get_trip(session, carrier_id=carrier_id, trip_id=trip_id)
    if TripStatus(trip.status) not in AMENDABLE:
        raise TripStateError("not_amendable", f"a trip in status {trip.status} cannot be amended",
                             status=trip.status)
    sent = data.model_fields_set
    if "plate" in sent and data.plate is None:
        raise TripInputError.one("plate", "plate_required", "a trip needs a plate")
    start = as_utc(data.window_start) if data.window_start else as_utc(trip.window_start)
    end = as_utc(data.window_end) if data.window_end else as_utc(trip.window_end)
    problems: list[FieldProblem] = []
    if {"window_start", "window_end"} & sent:
        problems += check_window(start=start, end=end, now=now, policy=policy or TripPolicy(),
                                 trusted=trusted, submitting=trip.status != TripStatus.DRAFT)
    if data.driver_id and owned(session, Driver, carrier_id, data.driver_id) is None:
        problems.append(FieldProblem(("driver_id",), "driver_unknown", "no such driver"))
    if problems:
        raise TripInputError(problems)
    new = {
        "plate": data.plate, "trailer_plate": data.trailer_plate, "driver_id": data.driver_id,
        "window_start": start, "window_end": end, "declaration_no": data.declaration_no,
        "channel": data.channel.value if data.channel else None, "fee_paid": data.fee_paid,
    }
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in new.items():
        if name not in sent:
            continue
        old = getattr(trip, name)
        if name in ("window_start", "window_end"):
            old = as_utc(old)
        if old != value:
            changes[name] = (old, value)
            setattr(trip, name, value)
    if "plate" in changes:
        trip.vehicle_country = parse_plate(trip.plate).country
        trip.vehicle_id = None  # the declared vehicle was swapped for another one
    moved = {"plate", "window_start", "window_end"} & set(changes)
    if trip.status == TripStatus.SUBMITTED and moved:
        ensure_no_overlap(session, carrier_id=carrier_id, plate=trip.plate, gate_id=trip.gate_id,
                          start=start, end=end, exclude_id=trip.id)
    set_lines(trip, data.cargo, data.documents)
    if changes or data.cargo is not None or data.documents is not None:
        trip.updated_at = now
    _record_changes(session, trip=trip, changes=changes, actor=actor, now=now)
    session.flush()
    return trip


def _record_changes(session: Session, *, trip: Trip, changes: dict[str, tuple[Any, Any]],
                    actor: str, now: datetime) -> None:
    def text(v: Any) -> str | None:
        return None if v is None else (v.isoformat() if isinstance(v, datetime) else str(v))[:200]

    for name, (old, new) in changes.items():
        session.add(TripAmendment(trip_id=trip.id, at=now, actor=actor[:64], field=name,
                                  old_value=text(old), new_value=text(new)))
    audited = {k: [text(o), text(n)] for k, (o, n) in changes.items() if k in _AUDITED}
    if audited:
        audit(session, actor=actor, action="trip.amended", trip=trip, data=audited, now=now)


def submit_trip(
    session: Session, *, carrier_id: str, trip_id: str, now: datetime, actor: str,
    reference: Reference | None = None, policy: TripPolicy | None = None, trusted: bool = False,
) -> Trip:
    """Draft -> submitted: from now on the gate may match the truck to this trip."""
    trip = get_trip(session, carrier_id=carrier_id, trip_id=trip_id)
    if trip.status == TripStatus.SUBMITTED:
        return trip
    if trip.status != TripStatus.DRAFT:
        raise TripStateError("not_submittable", f"a trip in status {trip.status} cannot be "
                             "submitted", status=trip.status)
    start, end = as_utc(trip.window_start), as_utc(trip.window_end)
    problems = check_gate(reference or default_reference(), trip.gate_id,
                          Direction(trip.direction))
    problems += check_window(start=start, end=end, now=now, policy=policy or TripPolicy(),
                             trusted=trusted, submitting=True)
    if problems:
        raise TripInputError(problems)
    ensure_no_overlap(session, carrier_id=carrier_id, plate=trip.plate, gate_id=trip.gate_id,
                      start=start, end=end, exclude_id=trip.id)
    trip.status, trip.updated_at = TripStatus.SUBMITTED.value, now
    audit(session, actor=actor, action="trip.submitted", trip=trip, data={}, now=now)
    return trip


def cancel_trip(session: Session, *, carrier_id: str, trip_id: str, now: datetime,
                actor: str) -> Trip:
    trip = get_trip(session, carrier_id=carrier_id, trip_id=trip_id)
    if trip.status == TripStatus.CANCELLED:
        return trip
    if TripStatus(trip.status) not in CANCELLABLE:
        raise TripStateError("not_cancellable", f"a trip in status {trip.status} cannot be "
                             "cancelled", status=trip.status)
    trip.status, trip.updated_at = TripStatus.CANCELLED.value, now
    audit(session, actor=actor, action="trip.cancelled", trip=trip, data={}, now=now)
    return trip


def delete_trip(session: Session, *, carrier_id: str, trip_id: str) -> None:
    """Only drafts can be deleted: anything the gate may have seen stays, cancelled."""
    trip = get_trip(session, carrier_id=carrier_id, trip_id=trip_id)
    if trip.status != TripStatus.DRAFT:
        raise TripStateError("not_deletable", "only draft trips can be deleted; cancel instead",
                             status=trip.status)
    session.delete(trip)
    session.flush()


def list_amendments(session: Session, *, carrier_id: str, trip_id: str) -> list[AmendmentRead]:
    get_trip(session, carrier_id=carrier_id, trip_id=trip_id)
    rows = session.scalars(select(TripAmendment).where(TripAmendment.trip_id == trip_id)
                           .order_by(TripAmendment.id))
    return [AmendmentRead.model_validate(r) for r in rows]


def trip_reads(session: Session, trips: list[Trip]) -> list[TripRead]:
    """Convert rows to the API view, with each trip's latest gate decision (one query)."""
    latest: dict[str, Decision] = {}
    ids = [t.id for t in trips]
    if ids:
        for d in session.scalars(select(Decision).where(Decision.trip_id.in_(ids))
                                 .order_by(Decision.decided_at)):
            latest[d.trip_id or ""] = d
    return [_read(t, latest.get(t.id)) for t in trips]


def _read(trip: Trip, decision: Decision | None) -> TripRead:
    dec = None
    if decision is not None:
        dec = DecisionRead(
            outcome=decision.outcome, lane_id=decision.lane_id, decided_by=decision.decided_by,
            decided_at=as_utc(decision.decided_at),
            reasons=[ReasonRead.model_validate(r) for r in decision.reasons or []
                     if isinstance(r, dict) and "code" in r],
        )
    return TripRead(
        id=trip.id, reference=trip.reference, status=TripStatus(trip.status), plate=trip.plate,
        plate_display=display_plate(trip.plate), plate_problem=plate_problem(trip.plate),
        vehicle_country=trip.vehicle_country,
        trailer_plate=trip.trailer_plate, vehicle_id=trip.vehicle_id, driver_id=trip.driver_id,
        gate_id=trip.gate_id, direction=trip.direction, window_start=as_utc(trip.window_start),
        window_end=as_utc(trip.window_end), declaration_no=trip.declaration_no,
        channel=trip.channel, fee_paid=trip.fee_paid,
        cargo=[CargoLineRead.model_validate(c) for c in trip.cargo],
        documents=[DocumentRead.model_validate(d) for d in trip.documents],
        created_at=as_utc(trip.created_at), updated_at=as_utc(trip.updated_at),
        cleared_at=as_utc(trip.cleared_at) if trip.cleared_at else None, decision=dec,
    )
