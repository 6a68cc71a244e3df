"""Declaring trips: create (idempotent) and read, scoped to one carrier (listing: listing.py).

Why every query takes ``carrier_id``: tenant isolation is a property of the
query, not of a check after loading, so another carrier's trip is simply "not
found" (a 404 that does not even confirm the id exists).
Reference data (gates, directions) and time rules (minimum lead time, window
length) are checked here because they need the loaded reference and ``now``;
pure shape rules live in :mod:`services.trips.schemas`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.plates import UnissuedProvince, parse_plate
from domain.reference import Direction, Reference, load_reference
from domain.trips import CLEARABLE_STATUSES, TripStatus
from services.db.models import CargoLine, Driver, Trip, TripDocument, Vehicle
from services.trips.errors import FieldProblem, NotFound, TripInputError, TripStateError
from services.trips.schemas import CargoLineCreate, DocumentCreate, TripCreate

T = TypeVar("T", Trip, Vehicle, Driver)
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True, slots=True)
class TripPolicy:
    """Time rules of declarations (configurable per deployment, see ``GatewaySettings``)."""

    lead_time: timedelta = timedelta(minutes=60)
    trusted_lead_time: timedelta = timedelta(minutes=30)
    max_window: timedelta = timedelta(hours=72)
    max_advance: timedelta = timedelta(days=30)

    def lead(self, trusted: bool) -> timedelta:
        return self.trusted_lead_time if trusted else self.lead_time


@lru_cache(maxsize=1)
def default_reference() -> Reference:
    return load_reference()


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: everything stored is UTC, so say so."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_reference(now: datetime) -> str:
    """A goods-movement-reference-like code people can read out: ``SG261122-7KQ2M9XA``."""
    return f"SG{now:%y%m%d}-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))


def check_gate(reference: Reference, gate_id: str, direction: Direction) -> list[FieldProblem]:
    try:
        gate = reference.gate(gate_id)
    except KeyError:
        return [FieldProblem(("gate_id",), "gate_unknown", f"unknown gate {gate_id!r}",
                             {"gate_id": gate_id})]
    directions = {lane.direction for lane in gate.lanes}
    if direction not in directions or (direction == Direction.TRANSIT and not gate.transit_allowed):
        return [FieldProblem(("direction",), "direction_not_at_gate",
                             f"gate {gate_id} has no {direction.value} lane",
                             {"gate_id": gate_id, "direction": direction.value})]
    return []


def check_window(
    *, start: datetime, end: datetime, now: datetime, policy: TripPolicy, trusted: bool,
    submitting: bool,
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if end <= start:
        problems.append(FieldProblem(("window_end",), "window_order",
                                     "window_end must be after window_start"))
    elif end - start > policy.max_window:
        hours = int(policy.max_window.total_seconds() // 3600)
        problems.append(FieldProblem(("window_end",), "window_too_long",
                                     f"an arrival window may last at most {hours} h",
                                     {"hours": hours}))
    if start > now + policy.max_advance:
        problems.append(FieldProblem(("window_start",), "window_too_far",
                                     f"declare at most {policy.max_advance.days} days ahead",
                                     {"days": policy.max_advance.days}))
    lead = policy.lead(trusted)
    if submitting and end < now + lead:
        minutes = int(lead.total_seconds() // 60)
        problems.append(FieldProblem(("window_end",), "lead_time",
                                     f"declare at least {minutes} min before the window ends",
                                     {"minutes": minutes}))
    return problems


def request_hash(data: TripCreate) -> str:
    return hashlib.sha256(data.model_dump_json().encode()).hexdigest()


def create_trip(
    session: Session, *, carrier_id: str, data: TripCreate, now: datetime,
    idempotency_key: str | None = None, reference: Reference | None = None,
    policy: TripPolicy | None = None, trusted: bool = False,
) -> Trip:
    """Create a trip for ``carrier_id`` (or return the one this idempotency key made)."""
    trip, _ = create_or_replay_trip(session, carrier_id=carrier_id, data=data, now=now,
                                    idempotency_key=idempotency_key, reference=reference,
                                    policy=policy, trusted=trusted)
    return trip


def create_or_replay_trip(
    session: Session, *, carrier_id: str, data: TripCreate, now: datetime,
    idempotency_key: str | None = None, reference: Reference | None = None,
    policy: TripPolicy | None = None, trusted: bool = False,
) -> tuple[Trip, bool]:
    """Like :func:`create_trip`; the flag says whether a trip was created (False: a replay).

    A retry with the same key and the same body returns the first trip; the same key
    with a different body is refused, as the carrier almost certainly has a bug.
    """
    digest = request_hash(data)
    if idempotency_key is not None:
        existing = _by_key(session, carrier_id, idempotency_key)
        if existing is not None:
            return _replay(existing, digest), False
    try:
        trip = _build_trip(session, carrier_id=carrier_id, data=data, now=now,
                           reference=reference or default_reference(),
                           policy=policy or TripPolicy(), trusted=trusted)
    except TripStateError as exc:
        # A concurrent retry with the same key may have committed between the key
        # lookup above and the overlap check: that is a replay, not a second trip.
        winner = (_by_key(session, carrier_id, idempotency_key)
                  if idempotency_key and exc.code == "plate_already_declared" else None)
        if winner is None:
            raise
        return _replay(winner, digest), False
    trip.idempotency_key, trip.request_hash = idempotency_key, digest
    try:
        with session.begin_nested():
            session.add(trip)
            session.flush()
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its trip.
        existing = _by_key(session, carrier_id, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _replay(existing, digest), False
    return trip, True


def _by_key(session: Session, carrier_id: str, key: str) -> Trip | None:
    return session.scalar(select(Trip).where(Trip.carrier_id == carrier_id,
                                             Trip.idempotency_key == key))


def _replay(trip: Trip, digest: str) -> Trip:
    if trip.request_hash is not None and trip.request_hash != digest:
        raise TripStateError("idempotency_key_reused",
                             "this Idempotency-Key was used with a different request",
                             field="Idempotency-Key")
    return trip


def unissued_vehicle(plate: str) -> list[FieldProblem]:
    """A problem naming ``vehicle_id`` where the registered vehicle's plate has a province
    code no longer taken (a vehicle stored before the codes were checked): the vehicle row
    still loads and lists, but no new trip is declared for a plate that cannot exist."""
    try:
        parse_plate(plate)
    except UnissuedProvince as exc:
        return [FieldProblem(("vehicle_id",), "plate_province_unissued",
                             f"the vehicle's plate: province code {exc.code} is not issued",
                             {"province": exc.code})]
    return []


def _build_trip(
    session: Session, *, carrier_id: str, data: TripCreate, now: datetime, reference: Reference,
    policy: TripPolicy, trusted: bool,
) -> Trip:
    problems = check_gate(reference, data.gate_id, data.direction)
    start, end = as_utc(data.window_start), as_utc(data.window_end)
    problems += check_window(start=start, end=end, now=now, policy=policy, trusted=trusted,
                             submitting=not data.draft)
    plate, trailer = data.plate, data.trailer_plate
    if data.vehicle_id is not None:
        vehicle = owned(session, Vehicle, carrier_id, data.vehicle_id)
        if vehicle is None:
            problems.append(FieldProblem(("vehicle_id",), "vehicle_unknown", "no such vehicle"))
        elif plate is not None and plate != vehicle.plate:
            problems.append(FieldProblem(("plate",), "plate_vehicle_mismatch",
                                         "plate differs from the vehicle's plate"))
        else:
            plate = vehicle.plate
            trailer = trailer if "trailer_plate" in data.model_fields_set else vehicle.trailer_plate
            problems += unissued_vehicle(plate)
    if data.driver_id is not None and owned(session, Driver, carrier_id, data.driver_id) is None:
        problems.append(FieldProblem(("driver_id",), "driver_unknown", "no such driver"))
    if problems:
        raise TripInputError(problems)
    assert plate is not None
    status = TripStatus.DRAFT if data.draft else TripStatus.SUBMITTED
    if status == TripStatus.SUBMITTED:
        ensure_no_overlap(session, carrier_id=carrier_id, plate=plate, gate_id=data.gate_id,
                          start=start, end=end, exclude_id=None)
    trip = Trip(
        reference=new_reference(now), carrier_id=carrier_id, vehicle_id=data.vehicle_id,
        driver_id=data.driver_id, plate=plate, vehicle_country=parse_plate(plate).country,
        trailer_plate=trailer, gate_id=data.gate_id, direction=data.direction.value,
        window_start=start, window_end=end, status=status.value,
        declaration_no=data.declaration_no, channel=data.channel.value if data.channel else None,
        fee_paid=data.fee_paid, created_at=now, updated_at=now, cleared_at=None,
    )
    set_lines(trip, data.cargo, data.documents)
    return trip


def set_lines(
    trip: Trip, cargo: list[CargoLineCreate] | None, documents: list[DocumentCreate] | None
) -> None:
    if cargo is not None:
        trip.cargo = [CargoLine(position=i, **line.model_dump()) for i, line in enumerate(cargo)]
    if documents is not None:
        trip.documents = [
            TripDocument(position=i, kind=doc.kind.value, number=doc.number, issuer=doc.issuer,
                         valid_from=doc.valid_from, valid_to=doc.valid_to)
            for i, doc in enumerate(documents)
        ]


def ensure_no_overlap(
    session: Session, *, carrier_id: str, plate: str, gate_id: str, start: datetime,
    end: datetime, exclude_id: str | None,
) -> None:
    """One truck, one live declaration per gate and time: two would make matching ambiguous."""
    query = select(Trip.reference).where(
        Trip.carrier_id == carrier_id, Trip.plate == plate, Trip.gate_id == gate_id,
        Trip.status.in_([s.value for s in CLEARABLE_STATUSES]),
        Trip.window_start < end, Trip.window_end > start,
    )
    if exclude_id is not None:
        query = query.where(Trip.id != exclude_id)
    clash = session.scalar(query.limit(1))
    if clash is not None:
        raise TripStateError("plate_already_declared",
                             f"this plate already has trip {clash} at this gate in that window",
                             field="plate", reference=clash)


def owned(session: Session, model: type[T], carrier_id: str, row_id: str) -> T | None:
    """The row if it exists AND belongs to ``carrier_id``; otherwise ``None``."""
    return session.scalar(select(model).where(model.id == row_id, model.carrier_id == carrier_id))


def get_trip(session: Session, *, carrier_id: str, trip_id: str) -> Trip:
    trip = owned(session, Trip, carrier_id, trip_id)
    if trip is None:
        raise NotFound(trip_id)
    return trip
