"""Call-forward: release trucks from the yard at the rate the lanes clear, and tell drivers.

One :func:`call_forward` pass per queue (gate + direction), in the caller's
transaction:

1. arrivals: a called truck whose trip (or plate) got a decision at a lane of
   the gate since its call has ``arrived``;
2. no-shows: a called truck past its deadline goes back to the end of its class
   (``waiting``, a new ``seq``) until ``max_calls``, then ``no_show``;
3. the rate: trimmed mean of the lanes' measured service times (gaps between
   consecutive decisions of a busy lane), the quota and open hours
   (:class:`domain.flow.metering.Meter`);
4. calls: the ratio scheduler picks as many as the quota allows; each call
   queues an SMS (when the trip names a driver with a phone) and a ``yard.called``
   webhook to the carrier;
5. estimated call times for everyone still waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.flow.metering import Meter, hourly_capacity, open_windows, service_time
from domain.flow.priority import PriorityClass, PriorityPolicy, Scheduler
from domain.hours import HoursExtension
from domain.reference import Direction, LaneKind, Reference
from services.audit import record
from services.db.models import Decision, Driver, Trip
from services.officers import active_extensions
from services.webhooks import enqueue_event
from services.yard.checkin import seq_of
from services.yard.models import YardCursor, YardEntry, YardNotification

ACTOR = "yard"


@dataclass(frozen=True, slots=True)
class YardPolicy:
    policy: PriorityPolicy = field(default_factory=PriorityPolicy)
    travel: timedelta = timedelta(minutes=20)  # GoSwift: 20 minutes to reach the gate
    window: timedelta = timedelta(minutes=10)
    grace: timedelta = timedelta(minutes=10)  # beyond travel, before a no-show
    max_calls: int = 3
    default_service_s: float = 90.0
    sample_span: timedelta = timedelta(hours=2)
    busy_gap: timedelta = timedelta(minutes=15)  # longer gaps between decisions are idle


@dataclass(slots=True)
class PassReport:
    called: list[str] = field(default_factory=list)
    arrived: int = 0
    requeued: int = 0
    no_shows: int = 0
    rates: dict[str, float] = field(default_factory=dict)


def utc(at: datetime) -> datetime:
    """Stored instants are UTC; SQLite hands them back without the zone."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def lane_service_times(session: Session, *, lane_ids: Sequence[str], now: datetime,
                       config: YardPolicy) -> list[float]:
    """Each lane's mean service time from the gaps between its consecutive decisions."""
    out = []
    for lane_id in lane_ids:
        times = list(session.scalars(
            select(Decision.decided_at).where(Decision.lane_id == lane_id,
                                              Decision.decided_at >= now - config.sample_span)
            .order_by(Decision.decided_at)))
        gaps = [(b - a).total_seconds() for a, b in pairwise(times)
                if b - a <= config.busy_gap]
        out.append(service_time(gaps, default_s=config.default_service_s))
    return out


def _cursor(session: Session, gate_id: str, direction: str, now: datetime) -> YardCursor:
    cur = session.get(YardCursor, (gate_id, direction))
    if cur is None:
        cur = YardCursor(gate_id=gate_id, direction=direction, position=0, updated_at=now)
        session.add(cur)
    return cur


def _notify(session: Session, entry: YardEntry, *, kind: str, text: str, now: datetime,
            data: dict[str, object]) -> None:
    phone = None
    if entry.trip_id:
        phone = session.scalar(select(Driver.phone).join(Trip, Trip.driver_id == Driver.id)
                               .where(Trip.id == entry.trip_id))
    if phone:
        session.add(YardNotification(entry_id=entry.id, kind=kind, to=phone, body=text,
                                     state="pending", attempts=0, next_attempt_at=now,
                                     created_at=now))
    if entry.carrier_id:
        enqueue_event(session, carrier_id=entry.carrier_id, event_type=f"yard.{kind}",
                      trip_id=entry.trip_id, data=data, now=now)


def call_forward(session: Session, *, reference: Reference, gate_id: str, direction: Direction,
                 now: datetime, config: YardPolicy, extensions: Sequence[HoursExtension] | None
                 = None) -> PassReport:
    report = PassReport()
    gate = reference.gate(gate_id)
    lanes = [ln for ln in gate.lanes if ln.kind == LaneKind.BARRIER and ln.direction == direction]
    queue = (YardEntry.gate_id == gate_id, YardEntry.direction == direction.value)
    called = list(session.scalars(select(YardEntry).where(*queue, YardEntry.state == "called")))
    for entry in called:
        assert entry.called_at is not None and entry.call_deadline is not None
        seen = session.scalar(select(Decision.id).where(
            Decision.gate_id == gate_id, Decision.decided_at >= entry.called_at,
            or_(Decision.trip_id == entry.trip_id, Decision.plate == entry.plate)).limit(1))
        if seen is not None:
            entry.state, entry.arrived_at, entry.updated_at = "arrived", now, now
            report.arrived += 1
        elif now > utc(entry.call_deadline):
            missed = entry.calls >= config.max_calls
            entry.state = "no_show" if missed else "waiting"
            entry.seq, entry.updated_at, entry.eta_at = seq_of(now), now, None
            report.no_shows += missed
            report.requeued += not missed
            record(session, actor=ACTOR, action="yard.no_show", subject_type="yard_entry",
                   subject_id=entry.id, data={"plate": entry.plate, "calls": entry.calls,
                                              "requeued": not missed}, now=now)
            if not missed:
                _notify(session, entry, kind="requeued", now=now,
                        text=f"{entry.plate}: ban da lo luot goi, xe duoc xep lai hang cho.",
                        data={"plate": entry.plate, "gate_id": gate_id, "calls": entry.calls})
    if extensions is None:
        extensions = active_extensions(session, gate_id=gate_id, at=now)
    windows = open_windows(gate=gate, start=now, extensions=extensions)
    rate = hourly_capacity(lane_service_times(session, lane_ids=[ln.id for ln in lanes], now=now,
                                              config=config))
    report.rates[f"{gate_id}/{direction.value}"] = round(rate, 1)
    meter = Meter(rate_per_hour=rate, window=config.window, travel=config.travel)
    recent = list(session.scalars(select(YardEntry.called_at).where(
        *queue, YardEntry.called_at > now - config.window)))
    recent_calls = [utc(t) for t in recent if t is not None]
    allowance = meter.allowance(now=now, recent_calls=recent_calls, windows=windows)
    waiting = list(session.scalars(select(YardEntry).where(*queue, YardEntry.state == "waiting")
                                   .order_by(YardEntry.seq)))
    cursor = _cursor(session, gate_id, direction.value, now)
    scheduler = Scheduler(config.policy, cursor.position)
    chosen = scheduler.order(_Item.wrap(waiting), limit=allowance)
    cursor.position, cursor.updated_at = scheduler.position, now
    for item in chosen:
        entry = item.entry
        entry.state, entry.called_at, entry.calls = "called", now, entry.calls + 1
        entry.call_deadline = now + config.travel + config.grace
        entry.eta_at, entry.updated_at = now, now
        report.called.append(entry.id)
        due = entry.call_deadline.strftime("%H:%M UTC")
        _notify(session, entry, kind="called", now=now,
                text=f"{entry.plate}: moi xe den cua khau {gate.name_vi} truoc {due}.",
                data={"plate": entry.plate, "gate_id": gate_id, "deadline": entry.call_deadline,
                      "calls": entry.calls})
    rest = [w for w in waiting if w.state == "waiting"]
    order = Scheduler(config.policy, scheduler.position).order(_Item.wrap(rest))
    etas = meter.call_times(len(order), now=now, recent_calls=recent_calls
                            + [now] * len(chosen), windows=windows)
    for item, eta in zip(order, etas, strict=True):
        item.entry.eta_at = eta
    session.flush()
    return report


@dataclass(frozen=True, slots=True)
class _Item:
    entry: YardEntry
    seq: int
    priority: PriorityClass

    @classmethod
    def wrap(cls, entries: Sequence[YardEntry]) -> list[_Item]:
        return [cls(e, e.seq, PriorityClass(e.priority)) for e in entries]
