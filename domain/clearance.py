"""The clearance decision for one vehicle pass: which trip, and may the lane open.

Input is plain facts (the pass-grade read, the lane, the trips expected at
that gate); output is a :class:`DecisionResult` with reason codes. No I/O: the
central service loads the candidates and stores the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.messages import Outcome, Reason
from domain.plates import normalise
from domain.reasons import reason
from domain.reference import Gate, Lane, LaneMode
from domain.trips import CLEARABLE_STATUSES, TripFacts, TripStatus

RULES_VERSION = "2026.11-spine"
#: How far outside its declared window a truck may arrive and still be cleared automatically.
WINDOW_GRACE = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class PassEvidence:
    """The decision-grade read of one vehicle pass."""

    lane_id: str
    plate: str | None
    confidence: float
    frames: int
    captured_at: datetime
    trailer_plate: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionResult:
    outcome: Outcome
    trip_id: str | None
    reasons: tuple[Reason, ...]
    rules_version: str = RULES_VERSION
    candidates: tuple[str, ...] = ()  # trip ids an officer should look at first


def decide(
    *,
    evidence: PassEvidence,
    lane: Lane,
    gate: Gate,
    candidates: Sequence[TripFacts],
    now: datetime,
) -> DecisionResult:
    """Decide for one pass. Opens only on an exact canonical plate match of a clearable trip."""
    if not evidence.plate:
        return DecisionResult("manual", None, (reason("NO_PLATE"),))
    plate = normalise(evidence.plate)
    matches = [t for t in candidates if t.plate == plate and t.gate_id == gate.id]
    if not matches:
        return DecisionResult("manual", None, (reason("UNREGISTERED"),))
    trip = matches[0]
    reasons: list[Reason] = [reason("MATCHED")]
    outcome: Outcome = "open"
    if trip.status == TripStatus.CANCELLED:
        outcome, reasons = "manual", [*reasons, reason("TRIP_CANCELLED")]
    elif trip.status not in CLEARABLE_STATUSES:
        outcome, reasons = "manual", [*reasons, reason("TRIP_ALREADY_USED")]
    if trip.direction != lane.direction:
        outcome, reasons = "manual", [*reasons, reason("DIRECTION_MISMATCH")]
    if not (trip.window_start - WINDOW_GRACE <= evidence.captured_at <= trip.window_end + WINDOW_GRACE):
        outcome, reasons = "manual", [*reasons, reason("OUTSIDE_WINDOW")]
    if lane.mode == LaneMode.MANUAL:
        outcome, reasons = "manual", [*reasons, reason("LANE_MANUAL")]
    if outcome == "open":
        reasons.append(reason("CLEARED_CONTACTLESS"))
    return DecisionResult(outcome, trip.trip_id, tuple(reasons), candidates=(trip.trip_id,))
