"""A decision a lane took while offline reaches the centre: recorded, audited, reconciled, once.

Why the read travels inside the decision: the centre then stores the pass-grade read
and its decision in one transaction and can never decide that pass a second time
(no late ``open`` command for a truck that left long ago). Exactly once comes from
the keys: ``local_decisions.event_id`` (the edge's outbox id, redelivered as a
duplicate) and ``decisions.event_id`` (the read's id).

A local ``open`` clears its trip, unless what changed meanwhile contradicts it:
the trip was revoked or held (``OFFLINE_TRIP_REVOKED``), amended after the list
was signed (``OFFLINE_TRIP_AMENDED``), already cleared elsewhere
(``OFFLINE_ALREADY_USED``) or unknown to the list the lane used
(``OFFLINE_UNKNOWN_TRIP``). Such a decision is flagged for an officer
(``attention="offline_conflict"``) and audited as a conflict; a trip still clearable
is held, so nothing opens for it again before the officer has looked. A local ``manual``
(the truck waited) is decided by the centre as any pass read would be: if it is
still fresh the centre's command can open for the truck that waits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.messages import LocalDecisionV1
from domain.preclearance import fingerprint, offline_reason
from domain.trips import CLEARABLE_STATUSES, TripStatus
from services.audit import record
from services.central.barrier import flag_decision
from services.central.facts import trip_facts
from services.db.models import Decision, LocalDecision, PlateRead, PreclearanceList, Trip, new_id

if TYPE_CHECKING:
    from services.central.ingest import Batch
    from services.central.outcomes import Handled


def _conflicts(session: Session, *, msg: LocalDecisionV1, trip: Trip | None) -> list[str]:
    issued = None
    if msg.list_id is not None:
        issued = session.get(PreclearanceList, msg.list_id)
    if trip is None or issued is None or issued.lane_id != msg.lane_id \
            or msg.trip_id not in issued.entries:
        return ["OFFLINE_UNKNOWN_TRIP"]
    if trip.status in (TripStatus.CLEARED, TripStatus.COMPLETED):
        return ["OFFLINE_ALREADY_USED"]
    if trip.status not in CLEARABLE_STATUSES:
        return ["OFFLINE_TRIP_REVOKED"]
    # A newer list the lane had not heard of, signed before it decided, without this trip.
    newer = session.execute(
        select(PreclearanceList.entries).where(
            PreclearanceList.lane_id == msg.lane_id, PreclearanceList.version > issued.version,
            PreclearanceList.issued_at <= msg.decided_at)).scalars().all()
    if any(msg.trip_id not in entries for entries in newer):
        return ["OFFLINE_TRIP_REVOKED"]
    if fingerprint(trip_facts(trip)) != issued.entries[msg.trip_id]:
        return ["OFFLINE_TRIP_AMENDED"]
    return []


def apply_local_decision(batch: Batch, *, msg: LocalDecisionV1, ack: list[tuple[str, str]],
                         actor: str = "central") -> Handled:
    """Store and reconcile one local decision in the batch's transaction."""
    from services.central.outcomes import Handled, Refused

    session, now, config = batch.session, batch.now, batch.config

    read = msg.read
    if read.lane_id != msg.lane_id or read.device_id != msg.device_id or read.grade != "pass":
        raise Refused("inconsistent", "a local decision must carry a pass read of its own lane "
                      "and device", msg.device_id)
    if session.execute(select(PlateRead.id).where(PlateRead.event_id == read.event_id)
                       ).scalar_one_or_none() is not None:
        raise Refused("event_id_conflict", f"read {read.event_id} already stored", msg.device_id)
    lane = config.reference.lane(msg.lane_id)
    base = {"local_event_id": msg.event_id, "read_event_id": read.event_id, "lane_id": lane.id,
            "device_id": msg.device_id, "read": read.plate, "plate": msg.plate,
            "outcome": msg.outcome, "trip_id": msg.trip_id, "codes": list(msg.reason_codes),
            "list_id": msg.list_id, "list_version": msg.list_version,
            "decided_at": msg.decided_at.isoformat(), "executed": msg.executed}
    if msg.outcome == "manual":
        # The truck waited at a closed barrier: the centre decides it now like any pass.
        handled = batch.plate_read(read, [])  # the same path as a live pass
        batch.flush()  # its rows are bulk-buffered: written before the query below
        decision_id = session.execute(select(Decision.id).where(
            Decision.event_id == read.event_id)).scalar_one()
        conflicts: list[str] = []
        pubs = handled.publications
    else:
        session.add(PlateRead(
            event_id=read.event_id, lane_id=read.lane_id, device_id=read.device_id,
            pass_id=read.pass_id, grade=read.grade, captured_at=read.captured_at,
            received_at=now, plate=read.plate, raw_text=read.raw_text,
            confidence=read.confidence, layout=read.layout, country=read.country,
            frames=read.frames, trailer_plate=read.trailer_plate,
            crop_sha256=read.crop_sha256, frame_sha256=read.frame_sha256))
        trip = session.get(Trip, msg.trip_id, with_for_update=True) if msg.trip_id else None
        conflicts = _conflicts(session, msg=msg, trip=trip)
        codes = list(dict.fromkeys((*msg.reason_codes, *conflicts)))
        decision_id = new_id()
        session.add(Decision(
            id=decision_id, event_id=read.event_id, lane_id=lane.id, gate_id=lane.gate_id,
            plate=msg.plate or read.plate, trip_id=trip.id if trip is not None else None,
            outcome="open", reasons=[offline_reason(c).model_dump() for c in codes],
            rules_version="offline", decided_by=f"lane:{msg.device_id}"[:64],
            decided_at=msg.decided_at))
        session.flush()
        if conflicts or not msg.executed:
            flag_decision(session, decision_id=decision_id,
                          why="offline_conflict" if conflicts else "offline_barrier_fault",
                          now=now)
            if trip is not None and trip.status in CLEARABLE_STATUSES and msg.executed:
                # The truck crossed on facts that have changed: hold the trip, so nothing
                # opens for it again before an officer has looked.
                previous, trip.status, trip.updated_at = trip.status, TripStatus.HELD.value, now
                record(session, actor=actor, action="trip.held", subject_type="trip",
                       subject_id=trip.id, data={"local_event_id": msg.event_id, "from": previous,
                                                 "conflicts": conflicts}, now=now)
        elif trip is not None:
            previous = trip.status
            trip.status = TripStatus.CLEARED.value
            trip.cleared_at = msg.decided_at
            trip.updated_at = now
            record(session, actor=f"lane:{msg.device_id}"[:64], action="trip.cleared",
                   subject_type="trip", subject_id=trip.id,
                   data={"local_event_id": msg.event_id, "lane_id": lane.id, "from": previous,
                         "plate": trip.plate, "offline": True}, now=now)
        pubs = []
    session.add(LocalDecision(
        event_id=msg.event_id, device_id=msg.device_id, lane_id=lane.id,
        read_event_id=read.event_id, decision_id=decision_id, outcome=msg.outcome,
        trip_id=msg.trip_id, list_id=msg.list_id, list_version=msg.list_version,
        executed=msg.executed, decided_at=msg.decided_at, received_at=now, conflicts=conflicts))
    record(session, actor=actor, action="decision.offline", subject_type="decision",
           subject_id=decision_id, data={**base, "conflicts": conflicts}, now=now)
    if conflicts:
        record(session, actor=actor, action="offline.conflict", subject_type="decision",
               subject_id=decision_id, data={**base, "conflicts": conflicts}, now=now)
    return Handled("decided", pubs, outcome=msg.outcome, event_id=msg.event_id, acks=ack,
                   lane_id=lane.id, captured_at=read.captured_at)
