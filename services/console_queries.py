"""Read-only queries behind the officers' console: board, exceptions, trips, dashboard.

Why the board's rows have the same shape as the live events (DecisionV1 and
friends dumped as JSON): the browser draws a lane card with one function,
whether its data came from the database at page load or from the broker a
second later, so a reload always shows what the live feed showed.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from domain.lookalikes import rank
from domain.plates import normalise, province_shown
from domain.reference import Lane, Reference
from services.db.models import (
    BarrierEvent,
    Carrier,
    Decision,
    LaneCommand,
    PlateRead,
    Trip,
)

Row = dict[str, Any]


def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC)."""
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _iso(dt: datetime | None) -> str | None:
    a = aware(dt)
    return a.isoformat().replace("+00:00", "Z") if a else None


def decision_row(d: Decision, crop: str | None = None, trip_ref: str | None = None) -> Row:
    return {"decision_id": d.id, "event_id": d.event_id, "lane_id": d.lane_id,
            "gate_id": d.gate_id, "plate": d.plate, "trip_id": d.trip_id, "outcome": d.outcome,
            "reasons": list(d.reasons or []), "decided_at": _iso(d.decided_at),
            "decided_by": d.decided_by, "resolved_at": _iso(d.resolved_at),
            "attention": d.attention, "crop_sha256": crop, "trip_reference": trip_ref}


def read_row(r: PlateRead) -> Row:
    return {"event_id": r.event_id, "lane_id": r.lane_id, "device_id": r.device_id,
            "grade": r.grade, "plate": r.plate, "raw_text": r.raw_text,
            "confidence": r.confidence, "layout": r.layout, "country": r.country,
            "frames": r.frames, "crop_sha256": r.crop_sha256, "captured_at": _iso(r.captured_at)}


def command_row(c: LaneCommand) -> Row:
    return {"command_id": c.id, "lane_id": c.lane_id, "action": c.action, "plate": c.plate,
            "trip_id": c.trip_id, "decision_id": c.decision_id, "state": c.state,
            "issued_at": _iso(c.issued_at), "expires_at": _iso(c.expires_at),
            "acked_at": _iso(c.acked_at), "attempts": c.attempts}


def barrier_row(b: BarrierEvent) -> Row:
    return {"event_id": b.event_id, "lane_id": b.lane_id, "command_id": b.command_id,
            "state": b.state, "executed": b.executed, "detail": b.detail, "at": _iso(b.at)}


def _crops(session: Session, event_ids: Sequence[str]) -> dict[str, str | None]:
    if not event_ids:
        return {}
    rows = session.execute(select(PlateRead.event_id, PlateRead.crop_sha256)
                           .where(PlateRead.event_id.in_(event_ids)))
    return {e: c for e, c in rows}


def _trip_refs(session: Session, trip_ids: Sequence[str | None]) -> dict[str, str]:
    ids = [t for t in trip_ids if t]
    if not ids:
        return {}
    return {i: r for i, r in session.execute(select(Trip.id, Trip.reference)
                                             .where(Trip.id.in_(ids)))}


def lane_board(session: Session, *, lanes: Sequence[Lane]) -> dict[str, Row]:
    """Per lane: the last read, decision, command and barrier report stored."""
    board: dict[str, Row] = {}
    for lane in lanes:
        d = session.scalars(select(Decision).where(Decision.lane_id == lane.id)
                            .order_by(Decision.decided_at.desc()).limit(1)).first()
        r = session.scalars(select(PlateRead).where(PlateRead.lane_id == lane.id)
                            .order_by(PlateRead.captured_at.desc()).limit(1)).first()
        c = session.scalars(select(LaneCommand).where(LaneCommand.lane_id == lane.id)
                            .order_by(LaneCommand.issued_at.desc()).limit(1)).first()
        b = session.scalars(select(BarrierEvent).where(BarrierEvent.lane_id == lane.id)
                            .order_by(BarrierEvent.at.desc()).limit(1)).first()
        decision = None
        if d is not None:
            crop = _crops(session, [d.event_id]).get(d.event_id)
            decision = decision_row(d, crop, _trip_refs(session, [d.trip_id]).get(d.trip_id or ""))
        board[lane.id] = {"decision": decision, "read": read_row(r) if r else None,
                          "command": command_row(c) if c else None,
                          "barrier": barrier_row(b) if b else None}
    return board


def trip_reference(session: Session, *, trip_id: str) -> str | None:
    return session.scalar(select(Trip.reference).where(Trip.id == trip_id))


# -- exceptions ---------------------------------------------------------------

def _expired_command_exists() -> Any:
    return exists().where(LaneCommand.decision_id == Decision.id,
                          LaneCommand.state == "expired")


def exceptions(session: Session, *, limit: int = 200) -> list[Row]:
    """Unresolved decisions an officer must handle: manual / inspect, or an expired command."""
    stmt = (select(Decision).where(
        Decision.resolved_at.is_(None),
        or_(Decision.outcome.in_(("manual", "inspect")), Decision.attention.is_not(None),
            _expired_command_exists()))
        .order_by(Decision.decided_at.desc()).limit(limit))
    rows = list(session.scalars(stmt))
    crops = _crops(session, [d.event_id for d in rows])
    refs = _trip_refs(session, [d.trip_id for d in rows])
    out = []
    for d in rows:
        row = decision_row(d, crops.get(d.event_id), refs.get(d.trip_id or ""))
        last = session.scalars(select(LaneCommand).where(LaneCommand.decision_id == d.id)
                               .order_by(LaneCommand.issued_at.desc()).limit(1)).first()
        row["command"] = command_row(last) if last else None
        row["kind"] = ("offline_conflict" if (d.attention or "").startswith("offline")
                       else "expired_command" if (d.attention or (last and last.state == "expired"))
                       else d.outcome)
        out.append(row)
    return out


# -- trips --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TripHit:
    id: str
    reference: str
    plate: str
    carrier: str
    gate_id: str
    direction: str
    status: str
    declaration_no: str | None
    channel: str | None
    window_start: str | None
    distance: float = 0.0


def search_trips(session: Session, *, plate: str = "", carrier: str = "", declaration: str = "",
                 limit: int = 50) -> list[TripHit]:
    """Trips by plate (tolerant to look-alikes: 0/O/D, 1/I, 8/B...), carrier, declaration no."""
    stmt = select(Trip, Carrier.name).join(Carrier, Carrier.id == Trip.carrier_id)
    if carrier.strip():
        stmt = stmt.where(func.lower(Carrier.name).contains(carrier.strip().lower()))
    if declaration.strip():
        stmt = stmt.where(func.lower(Trip.declaration_no).contains(declaration.strip().lower()))
    wanted = normalise(plate) if plate.strip() else ""
    if not wanted:
        rows = session.execute(stmt.order_by(Trip.window_start.desc()).limit(limit)).all()
        return [_hit(t, name) for t, name in rows]
    rows = session.execute(stmt.order_by(Trip.window_start.desc()).limit(5000)).all()
    by_plate: dict[str, list[tuple[Trip, str]]] = {}
    for t, name in rows:
        by_plate.setdefault(t.plate, []).append((t, name))
    hits = [_hit(t, name, dist) for dist, p in rank(wanted, list(by_plate), limit=limit)
            for t, name in by_plate[p]]
    return hits[:limit]


def _hit(t: Trip, carrier: str, distance: float = 0.0) -> TripHit:
    return TripHit(t.id, t.reference, t.plate, carrier, t.gate_id, t.direction, t.status,
                   t.declaration_no, t.channel, _iso(t.window_start), round(distance, 2))


@dataclass
class TripDetail:
    trip: Trip
    carrier: str
    timeline: list[Row] = field(default_factory=list)
    province: str = ""  # "12 Lạng Sơn"; "91 (not issued)" for a plate stored before the codes


def trip_detail(session: Session, *, trip_id: str) -> TripDetail | None:
    """A trip with the timeline of its reads, decisions, commands and barrier acks."""
    found = session.execute(select(Trip, Carrier.name).join(Carrier, Carrier.id == Trip.carrier_id)
                            .where(Trip.id == trip_id)).first()
    if found is None:
        return None
    trip, carrier = found
    decisions = list(session.scalars(select(Decision).where(Decision.trip_id == trip_id)))
    commands = list(session.scalars(select(LaneCommand).where(or_(
        LaneCommand.trip_id == trip_id,
        LaneCommand.decision_id.in_([d.id for d in decisions] or [""])))))
    passes = [e for e in session.scalars(select(PlateRead.pass_id).where(
        PlateRead.event_id.in_([d.event_id for d in decisions] or [""])))]
    reads = list(session.scalars(select(PlateRead).where(or_(
        PlateRead.pass_id.in_(passes or [""]),
        and_(PlateRead.plate == trip.plate, PlateRead.grade == "pass")))))
    acks = list(session.scalars(select(BarrierEvent).where(
        BarrierEvent.command_id.in_([c.id for c in commands] or [""]))))
    crops = {r.event_id: r.crop_sha256 for r in reads}
    items: list[Row] = [{"kind": "read", "at": _iso(r.captured_at), **read_row(r)} for r in reads]
    items += [{"kind": "decision", "at": _iso(d.decided_at),
               **decision_row(d, crops.get(d.event_id))} for d in decisions]
    items += [{"kind": "command", "at": _iso(c.issued_at), **command_row(c)} for c in commands]
    items += [{"kind": "ack", **barrier_row(b)} for b in acks]
    items.sort(key=lambda i: i["at"] or "")
    return TripDetail(trip, carrier, items, province_shown(trip.plate))


# -- dashboard ----------------------------------------------------------------

def dashboard(session: Session, *, reference: Reference, now: datetime, days: int = 14) -> Row:
    """Figures for the charts: pass decisions over ``days``, by hour, day, direction, outcome."""
    since = now - timedelta(days=days)
    decisions = list(session.scalars(select(Decision).where(Decision.decided_at >= since)))
    direction = {lane.id: lane.direction.value for lane in reference.lanes()}
    hour_start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    per_hour = Counter[str]()
    per_day = Counter[str]()
    dirs = Counter[str]()
    modes = Counter[str]()
    reasons = Counter[str]()
    for d in decisions:
        at = aware(d.decided_at) or now
        if at >= hour_start:
            per_hour[at.strftime("%Y-%m-%dT%H")] += 1
        per_day[at.strftime("%Y-%m-%d")] += 1
        dirs[direction.get(d.lane_id, "other")] += 1
        if d.outcome == "open" and d.decided_by == "auto":
            modes["auto"] += 1
        else:
            modes["manual"] += 1
            for r in d.reasons or []:
                code = str(r.get("code", "?"))
                if code not in ("MATCHED", "CLEARED_CONTACTLESS", "PERISHABLE_PRIORITY"):
                    reasons[code] += 1
    hours = [(hour_start + timedelta(hours=i)).strftime("%Y-%m-%dT%H") for i in range(24)]
    day_keys = [(now - timedelta(days=days - 1 - i)).strftime("%Y-%m-%d") for i in range(days)]
    return {"per_hour": {"labels": [h[-2:] + "h" for h in hours],
                         "values": [per_hour[h] for h in hours]},
            "per_day": {"labels": [d[5:] for d in day_keys],
                        "values": [per_day[d] for d in day_keys]},
            "direction": dict(dirs), "modes": dict(modes),
            "reasons": dict(reasons.most_common(12)),
            "median_clearance_s": _median_clearance(session, since=since),
            "total": len(decisions)}


def _median_clearance(session: Session, *, since: datetime) -> float | None:
    """Median seconds from the first pass read of a cleared trip to its clearance."""
    rows = session.execute(
        select(Trip.cleared_at, func.min(PlateRead.captured_at))
        .join(Decision, Decision.trip_id == Trip.id)
        .join(PlateRead, PlateRead.event_id == Decision.event_id)
        .where(Trip.cleared_at.is_not(None), Trip.cleared_at >= since)
        .group_by(Trip.id, Trip.cleared_at)).all()
    spans = [(aware(c) - aware(a)).total_seconds() for c, a in rows  # type: ignore[operator]
             if c is not None and a is not None]
    spans = [s for s in spans if s >= 0]
    return round(statistics.median(spans), 1) if spans else None
