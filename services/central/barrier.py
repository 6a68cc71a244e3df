"""A lane's barrier report -> the command's acknowledgement, and a cleared trip.

Why the trip is cleared here and not at decision time: a decision to open is
only an intention; the truck has crossed when the barrier reports that it
executed the centre's ``open`` command. A refusal by the lane (expired, bad
signature, barrier fault) leaves the truck to an officer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from domain.messages import BarrierStateV1
from domain.trips import TripStatus
from services.audit import record
from services.db.models import BarrierEvent, Decision, LaneCommand, Trip

ACTOR = "central"


def flag_decision(session: Session, *, decision_id: str | None, why: str, now: datetime) -> None:
    """Hand a decision (back) to an officer: it stays unresolved with ``attention`` set."""
    if decision_id is None:
        return
    decision = session.get(Decision, decision_id)
    if decision is not None and decision.resolved_at is None:
        decision.attention = why[:32]
        decision.attention_at = now


def apply_barrier_state(session: Session, *, msg: BarrierStateV1, now: datetime) -> None:
    """Store the report and update the command it answers (caller's transaction)."""
    session.add(BarrierEvent(
        event_id=msg.event_id, lane_id=msg.lane_id, device_id=msg.device_id,
        command_id=msg.command_id, state=msg.state, executed=msg.executed, detail=msg.detail,
        at=msg.at, received_at=now,
    ))
    session.flush()
    if msg.command_id is None:
        return
    command = session.get(LaneCommand, msg.command_id, with_for_update=True)
    if command is None or command.lane_id != msg.lane_id:
        record(session, actor=ACTOR, action="barrier.unknown_command", subject_type="command",
               subject_id=msg.command_id,
               data={"event_id": msg.event_id, "lane_id": msg.lane_id, "state": msg.state,
                     "executed": msg.executed, "detail": msg.detail}, now=now)
        return
    if msg.executed:
        _executed(session, command=command, msg=msg, now=now)
    elif msg.detail.startswith("refused: duplicate"):
        pass  # executed earlier: that execution's own report (from the lane's outbox) counts
    elif command.state == "sent":
        command.state = "refused"
        command.ack_detail = msg.detail[:200]
        record(session, actor=ACTOR, action="command.refused", subject_type="command",
               subject_id=command.id,
               data={"event_id": msg.event_id, "lane_id": msg.lane_id, "detail": msg.detail,
                     "state": msg.state, "decision_id": command.decision_id}, now=now)
        flag_decision(session, decision_id=command.decision_id, why="command_refused", now=now)


def _executed(session: Session, *, command: LaneCommand, msg: BarrierStateV1, now: datetime
              ) -> None:
    if command.state == "acked":
        return
    late = command.state == "expired"
    command.state = "acked"
    command.acked_at = now
    command.ack_detail = msg.detail[:200]
    record(session, actor=ACTOR, action="command.acked", subject_type="command",
           subject_id=command.id,
           data={"event_id": msg.event_id, "lane_id": msg.lane_id, "action": command.action,
                 "state": msg.state, "late": late, "trip_id": command.trip_id}, now=now)
    if command.action != "open" or command.trip_id is None:
        return
    trip = session.get(Trip, command.trip_id, with_for_update=True)
    if trip is None or trip.status == TripStatus.CLEARED:
        return
    previous = trip.status
    trip.status = TripStatus.CLEARED.value
    trip.cleared_at = now
    trip.updated_at = now
    record(session, actor=ACTOR, action="trip.cleared", subject_type="trip", subject_id=trip.id,
           data={"command_id": command.id, "lane_id": command.lane_id, "from": previous,
                 "plate": trip.plate}, now=now)
