"""Carriers' trips: declare, amend, follow (scoped to one carrier)."""

from services.trips.errors import FieldProblem, NotFound, TripInputError, TripStateError
from services.trips.lifecycle import (
    cancel_trip,
    delete_trip,
    list_amendments,
    submit_trip,
    trip_reads,
    update_trip,
)
from services.trips.listing import TripFilter, list_trips
from services.trips.schemas import TripCreate, TripPage, TripRead, TripUpdate
from services.trips.service import (
    TripPolicy,
    create_or_replay_trip,
    create_trip,
    get_trip,
)

__all__ = [
    "FieldProblem",
    "NotFound",
    "TripCreate",
    "TripFilter",
    "TripInputError",
    "TripPage",
    "TripPolicy",
    "TripRead",
    "TripStateError",
    "TripUpdate",
    "cancel_trip",
    "create_or_replay_trip",
    "create_trip",
    "delete_trip",
    "get_trip",
    "list_amendments",
    "list_trips",
    "submit_trip",
    "trip_reads",
    "update_trip",
]
