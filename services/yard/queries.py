"""What the console shows of the yard: the queues with estimated call times, and the forecast.

Why the forecast's history is the yard's own check-ins: they are the arrivals
the border guards want to see coming (every truck for a yard gate checks in),
stamped by a camera, not typed by a carrier. Pre-registrations are the trips
declared for the coming days; the weather comes from :mod:`services.yard.weather`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.flow.forecast import Forecaster, ForecastError
from domain.hours import GATE_TZ
from domain.reference import Reference
from services.db.models import Trip
from services.yard.callforward import utc
from services.yard.models import YardEntry
from services.yard.worker import yard_queues

SHOWN_STATES = ("waiting", "called", "unmatched")


@dataclass
class Queue:
    gate_id: str
    direction: str
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(1 for e in self.entries if e["state"] == "waiting")


def yard_board(session: Session, *, reference: Reference) -> list[Queue]:
    """Each yard queue with its trucks: called first, then waiting by estimated call time."""
    queues = {(g, d.value): Queue(g, d.value) for g, d in yard_queues(reference)}
    rows = session.scalars(select(YardEntry).where(YardEntry.state.in_(SHOWN_STATES))
                           .order_by(YardEntry.seq).limit(2000))
    keyed: list[tuple[tuple[int, float, int], Queue, dict[str, Any]]] = []
    for e in rows:
        q = queues.setdefault((e.gate_id, e.direction), Queue(e.gate_id, e.direction))
        order = (0 if e.state == "called" else 1 if e.state == "waiting" else 2,
                 utc(e.eta_at).timestamp() if e.eta_at else float("inf"), e.seq)
        keyed.append((order, q, {
            "id": e.id, "plate": e.plate, "state": e.state, "priority": e.priority,
            "trip_id": e.trip_id, "calls": e.calls,
            "checked_in": utc(e.checked_in_at).astimezone(GATE_TZ).strftime("%H:%M"),
            "eta": utc(e.eta_at).astimezone(GATE_TZ).strftime("%d/%m %H:%M") if e.eta_at else "",
            "deadline": utc(e.call_deadline).astimezone(GATE_TZ).strftime("%H:%M")
            if e.call_deadline and e.state == "called" else "",
        }))
    for _, q, item in sorted(keyed, key=lambda k: k[0]):
        q.entries.append(item)
    return list(queues.values())


def arrivals_history(session: Session, *, gate_id: str, since: datetime
                     ) -> dict[datetime, int]:
    """Yard check-ins per local hour since ``since`` (every hour present, zeros included).

    Counted by the database per UTC hour (a year of a busy yard is half a million rows);
    the gate's zone is a whole number of hours off UTC, so UTC hours are local hours.
    """
    if session.get_bind().dialect.name == "postgresql":
        bucket: Any = func.date_trunc("hour", func.timezone("UTC", YardEntry.checked_in_at))
    else:
        bucket = func.strftime("%Y-%m-%d %H:00:00", YardEntry.checked_in_at)
    rows = session.execute(select(bucket, func.count()).where(
        YardEntry.gate_id == gate_id, YardEntry.checked_in_at >= since).group_by(bucket))
    counts: dict[datetime, int] = {}
    for hour, n in rows:
        at = hour if isinstance(hour, datetime) else datetime.fromisoformat(str(hour))
        counts[at.replace(tzinfo=UTC).astimezone(GATE_TZ)] = int(n)
    if not counts:
        return {}
    hour, last = min(counts), max(counts)
    out = {}
    while hour <= last:
        out[hour] = counts.get(hour, 0)
        hour += timedelta(hours=1)
    return out


def preregistered(session: Session, *, gate_id: str, start: datetime, end: datetime
                  ) -> list[datetime]:
    """When the trips declared for the gate expect to arrive (window starts)."""
    return [utc(t) for (t,) in session.execute(select(Trip.window_start).where(
        Trip.gate_id == gate_id, Trip.status == "submitted", Trip.window_start >= start,
        Trip.window_start < end))]


def forecast(session: Session, *, gate_id: str, now: datetime, days: int = 2,
             weather: dict[date, str] | None = None) -> dict[str, Any]:
    """Hourly forecast for the next ``days`` local days, ready for the chart (or an error)."""
    today = now.astimezone(GATE_TZ).date()
    history = arrivals_history(session, gate_id=gate_id, since=now - timedelta(days=400))
    history = {h: n for h, n in history.items() if h.date() < today}  # whole days only
    try:
        model = Forecaster(history, weather_log=weather)
    except ForecastError as exc:
        return {"error": str(exc), "gate_id": gate_id}
    start = datetime.combine(today, datetime.min.time(), tzinfo=GATE_TZ)
    hours = model.hours(start_day=today, days=days,
                        preregistered=preregistered(session, gate_id=gate_id, start=start,
                                                    end=start + timedelta(days=days)),
                        weather=weather)
    models = [model.day_model(today + timedelta(days=i), (weather or {}).get(
        today + timedelta(days=i))) for i in range(days)]
    return {
        "gate_id": gate_id,
        "labels": [h.start.strftime("%d/%m %Hh") for h in hours],
        "expected": [h.expected for h in hours], "low": [h.low for h in hours],
        "high": [h.high for h in hours], "preregistered": [h.preregistered for h in hours],
        "days": [{"day": m.day.isoformat(), "total": round(m.total), "weekday": round(m.weekday, 2),
                  "season": round(m.season, 2), "weather": round(m.weather, 2),
                  "condition": (weather or {}).get(m.day, "clear")} for m in models],
        "history_days": len({h.date() for h in history}),
    }
