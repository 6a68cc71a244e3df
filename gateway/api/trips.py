"""``/api/v1/trips``: declare, follow, amend, submit, cancel trips (thin over services.trips)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from domain.reference import Direction
from domain.trips import TripStatus
from gateway.api.errors import ERROR_RESPONSES
from gateway.deps import CallerDep, PolicyDep, ReferenceDep, SessionDep, SettingsDep, now
from services import trips as svc
from services.trips.schemas import AmendmentRead

router = APIRouter(prefix="/trips", tags=["trips"], responses=ERROR_RESPONSES)

IdemKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$",
           description="retrying with the same key returns the first trip, never a second one"),
]


@router.post("", response_model=svc.TripRead, status_code=status.HTTP_201_CREATED,
             responses={200: {"model": svc.TripRead,
                              "description": "replay of an earlier request with this key"}},
             summary="Declare a trip")
def create_trip(data: svc.TripCreate, caller: CallerDep, session: SessionDep,
                reference: ReferenceDep, policy: PolicyDep, response: Response,
                idempotency_key: IdemKey = None) -> svc.TripRead:
    """Declare a trip before the truck reaches the gate.

    The plate is checked against the Vietnamese / Chinese plate grammar and stored
    canonical; gate and direction against the reference data; the window must end
    at least the minimum lead time from now (shorter for trusted carriers).
    """
    with session.begin():
        trip, created = svc.create_or_replay_trip(
            session, carrier_id=caller.carrier_id, data=data, now=now(),
            idempotency_key=idempotency_key, reference=reference, policy=policy,
            trusted=caller.trusted)
        read = svc.trip_reads(session, [trip])[0]
    if not created:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return read


@router.get("", response_model=svc.TripPage, summary="List trips (newest first)")
def list_trips(
    caller: CallerDep, session: SessionDep, settings: SettingsDep,
    status_: Annotated[TripStatus | None, Query(alias="status")] = None,
    gate_id: Annotated[str | None, Query(max_length=64)] = None,
    direction: Direction | None = None,
    plate: Annotated[str | None, Query(max_length=20)] = None,
    reference: Annotated[str | None, Query(max_length=32)] = None,
    arrival_from: datetime | None = None,
    arrival_to: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> svc.TripPage:
    filters = svc.TripFilter(status=status_, gate_id=gate_id, direction=direction, plate=plate,
                             reference=reference, arrival_from=arrival_from,
                             arrival_to=arrival_to)
    with session.begin():
        rows, next_cursor = svc.list_trips(session, carrier_id=caller.carrier_id,
                                           filters=filters, cursor=cursor,
                                           limit=min(limit, settings.page_size_max))
        return svc.TripPage(items=svc.trip_reads(session, rows), next_cursor=next_cursor)


@router.get("/{trip_id}", response_model=svc.TripRead, summary="Get a trip and its gate status")
def get_trip(trip_id: str, caller: CallerDep, session: SessionDep) -> svc.TripRead:
    with session.begin():
        trip = svc.get_trip(session, carrier_id=caller.carrier_id, trip_id=trip_id)
        return svc.trip_reads(session, [trip])[0]


@router.patch("/{trip_id}", response_model=svc.TripRead, summary="Amend a trip before arrival")
def update_trip(trip_id: str, data: svc.TripUpdate, caller: CallerDep, session: SessionDep,
                policy: PolicyDep) -> svc.TripRead:
    """Fix a mistyped plate or trailer, a swapped vehicle, a new window: every change is
    recorded (``GET /trips/{id}/amendments``) and audited. Refused once the truck arrived."""
    with session.begin():
        trip = svc.update_trip(session, carrier_id=caller.carrier_id, trip_id=trip_id, data=data,
                               now=now(), actor=caller.actor, policy=policy,
                               trusted=caller.trusted)
        return svc.trip_reads(session, [trip])[0]


@router.post("/{trip_id}/submit", response_model=svc.TripRead, summary="Submit a draft")
def submit_trip(trip_id: str, caller: CallerDep, session: SessionDep, reference: ReferenceDep,
                policy: PolicyDep) -> svc.TripRead:
    with session.begin():
        trip = svc.submit_trip(session, carrier_id=caller.carrier_id, trip_id=trip_id, now=now(),
                               actor=caller.actor, reference=reference, policy=policy,
                               trusted=caller.trusted)
        return svc.trip_reads(session, [trip])[0]


@router.post("/{trip_id}/cancel", response_model=svc.TripRead, summary="Cancel a trip")
def cancel_trip(trip_id: str, caller: CallerDep, session: SessionDep) -> svc.TripRead:
    with session.begin():
        trip = svc.cancel_trip(session, carrier_id=caller.carrier_id, trip_id=trip_id, now=now(),
                               actor=caller.actor)
        return svc.trip_reads(session, [trip])[0]


@router.delete("/{trip_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a draft trip")
def delete_trip(trip_id: str, caller: CallerDep, session: SessionDep) -> Response:
    with session.begin():
        svc.delete_trip(session, carrier_id=caller.carrier_id, trip_id=trip_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{trip_id}/amendments", response_model=list[AmendmentRead],
            summary="History of changes to a trip")
def amendments(trip_id: str, caller: CallerDep, session: SessionDep) -> list[AmendmentRead]:
    with session.begin():
        return svc.list_amendments(session, carrier_id=caller.carrier_id, trip_id=trip_id)
