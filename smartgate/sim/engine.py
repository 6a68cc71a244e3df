"""Discrete-event simulation of one day: yard -> call-forward -> lanes, on a simulated clock.

What is real here: the yard's priority policy and metering (:mod:`domain.flow`),
the gates, lanes and hours (:mod:`domain.reference`, :mod:`domain.hours`) and every
lane decision (:func:`domain.clearance.decide` with the packaged rules, against all
the trips declared for the gate). What is simulated: the clock, drivers (travel
time from the yard, a few no-shows) and lane hardware (how long a contactless
pass, an officer's check or an inspection hand-off keeps a lane busy).

Waits are measured from yard check-in to leaving the lane cleared. The run goes on
until the gates close the following day (a truck checking in late is called the
next morning); trucks still waiting then count with the wait they had so far (a
lower bound) and are not ``cleared``.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from domain.clearance import PassEvidence, decide
from domain.flow.metering import Meter, hourly_capacity, is_open, open_windows, service_time
from domain.flow.priority import PriorityClass, PriorityPolicy, Scheduler
from domain.hours import GATE_TZ, extension_after_closing
from domain.reference import Direction, Gate, Lane, LaneKind, LaneMode, Reference
from smartgate.sim.day import Truck

GATES = ("huu-nghi-1119", "huu-nghi-1088")
TICK_S = 60.0
SAMPLE_S = 900.0  # queue-length series step (the chart)
#: Lane occupancy by outcome, seconds (uniform ranges; manual is an officer's check).
CONTACTLESS_S = (35.0, 75.0)
MANUAL_S = (240.0, 600.0)
INSPECT_S = (150.0, 240.0)  # hand-off to the inspection bay; the bay itself is elsewhere


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    manual_lanes: bool = False  # every lane run by officers (no contactless decisions)
    extra_hours: float = 0.0  # an agreed extension after closing, per gate
    extra_lanes: int = 0  # contactless import lanes added at 1119
    priority: str = "ratio"  # ratio / strict / fifo (priority off)


SCENARIOS = (
    Scenario("contactless"),
    Scenario("manual", manual_lanes=True),
    Scenario("contactless_plus_2h", extra_hours=2.0),
    Scenario("contactless_plus_1_lane", extra_lanes=1),
    Scenario("contactless_priority_off", priority="fifo"),
)


@dataclass(slots=True)
class _Waiting:
    truck: Truck
    seq: int

    @property
    def priority(self) -> PriorityClass:
        return self.truck.priority


@dataclass(slots=True)
class Result:
    name: str
    trucks: int
    cleared: int
    waits_min: list[float]
    perishable_waits_min: list[float]
    max_queue: int
    queue_series: list[tuple[str, int]]
    outcomes: dict[str, int]
    no_shows: int
    calls: list[tuple[float, str]] = field(default_factory=list)  # (time, queue key)


def _lanes(gate: Gate, scenario: Scenario) -> list[Lane]:
    lanes = [ln for ln in gate.lanes if ln.kind == LaneKind.BARRIER]
    if gate.id == "huu-nghi-1119":
        lanes += [Lane(f"hn1119-sim{k}", gate.id, Direction.IMPORT, LaneMode.CONTACTLESS)
                  for k in range(scenario.extra_lanes)]
    if scenario.manual_lanes:
        lanes = [replace(ln, mode=LaneMode.MANUAL) for ln in lanes]
    return lanes


def simulate(*, reference: Reference, trucks: list[Truck], day: date, scenario: Scenario,
             seed: int, no_show: float = 0.02, on_cleared: Callable[[], None] | None = None
             ) -> Result:
    rng = random.Random(seed)
    midnight = datetime.combine(day, time(0), tzinfo=GATE_TZ)

    def at(s: float) -> datetime:
        return midnight + timedelta(seconds=s)

    gates = {g: reference.gate(g) for g in GATES}
    lanes = {g: _lanes(gates[g], scenario) for g in GATES}
    extensions = ([extension_after_closing(gate=gates[g], day=day, hours=scenario.extra_hours)
                   for g in GATES] if scenario.extra_hours else [])
    windows = {g: open_windows(gate=gates[g], start=midnight, days=1, extensions=extensions)
               for g in GATES}
    candidates = {g: [t.trip for t in trucks if t.trip.gate_id == g] for g in GATES}
    policy = PriorityPolicy(scenario.priority)  # type: ignore[arg-type]
    keys = [(g, d) for g in GATES for d in Direction if any(ln.direction == d for ln in lanes[g])]
    yard: dict[tuple[str, Direction], list[_Waiting]] = {k: [] for k in keys}
    sched = {k: Scheduler(policy) for k in keys}
    calls: dict[tuple[str, Direction], list[datetime]] = {k: [] for k in keys}
    samples: dict[str, deque[float]] = {ln.id: deque(maxlen=50) for g in GATES for ln in lanes[g]}
    lane_queue: dict[str, deque[Truck]] = {ln.id: deque() for g in GATES for ln in lanes[g]}
    busy: dict[str, bool] = dict.fromkeys(lane_queue, False)
    lane_of = {ln.id: ln for g in GATES for ln in lanes[g]}
    events: list[tuple[float, int, str, object]] = []
    counter = 0

    def push(t: float, kind: str, payload: object) -> None:
        nonlocal counter
        counter += 1
        heapq.heappush(events, (t, counter, kind, payload))

    for truck in trucks:
        push(truck.arrives_s, "arrive", truck)
    # Late arrivals are cleared the next morning: run until the gates close the day after.
    tomorrow = midnight + timedelta(days=1)
    end_s = max(next(b for a, b in w if a >= tomorrow) for w in windows.values()
                ).timestamp() - midnight.timestamp()
    for k in range(int(end_s // TICK_S) + 1):
        push(k * TICK_S, "tick", None)
    seq = 0
    done: dict[str, float] = {}
    outcomes: dict[str, int] = {}
    no_shows = 0
    series: list[tuple[str, int]] = []
    max_queue = 0
    shown = set()
    call_log: list[tuple[float, str]] = []

    def start_service(lane: Lane, now_s: float) -> None:
        if busy[lane.id] or not lane_queue[lane.id]:
            return
        gate = gates[lane.gate_id]
        if not is_open(windows[gate.id], at(now_s)):
            return  # the lane is closed: the truck waits for the morning
        truck = lane_queue[lane.id].popleft()
        ev = PassEvidence(lane_id=lane.id, plate=truck.read, confidence=truck.confidence,
                          frames=truck.frames, captured_at=at(now_s))
        result = decide(evidence=ev, lane=lane, gate=gate, candidates=candidates[gate.id],
                        now=at(now_s), extensions=extensions)
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        span = {"open": CONTACTLESS_S, "inspect": INSPECT_S}.get(result.outcome, MANUAL_S)
        duration = rng.uniform(*span)
        busy[lane.id] = True
        samples[lane.id].append(duration)
        push(now_s + duration, "done", (lane, truck))

    while events:
        now_s, _, kind, payload = heapq.heappop(events)
        if kind == "arrive":
            assert isinstance(payload, Truck)
            truck = payload
            seq += 1
            yard[(truck.trip.gate_id, truck.trip.direction)].append(_Waiting(truck, seq))
        elif kind == "tick":
            now = at(now_s)
            for key in keys:
                gate_id, direction = key
                own = [ln for ln in lanes[gate_id] if ln.direction == direction]
                default = CONTACTLESS_S if not scenario.manual_lanes else MANUAL_S
                rate = hourly_capacity([service_time(samples[ln.id], default_s=sum(default) / 2)
                                        for ln in own])
                meter = Meter(rate_per_hour=rate, travel=timedelta(minutes=15))
                n = meter.allowance(now=now, recent_calls=calls[key][-200:],
                                    windows=windows[gate_id])
                if not n or not yard[key]:
                    continue
                chosen = sched[key].order(yard[key], limit=n)
                picked = {id(w) for w in chosen}
                yard[key] = [w for w in yard[key] if id(w) not in picked]
                for w in chosen:
                    calls[key].append(now)
                    call_log.append((now_s, f"{gate_id}/{direction.value}"))
                    if rng.random() < no_show:
                        push(now_s + 20 * 60, "no_show", w.truck)
                    else:
                        push(now_s + rng.uniform(10 * 60, 20 * 60), "at_gate", w.truck)
            for lane in lane_of.values():
                start_service(lane, now_s)
            waiting = sum(len(v) for v in yard.values()) + sum(len(q) for q in lane_queue.values())
            max_queue = max(max_queue, waiting)
            if now_s % SAMPLE_S == 0:
                series.append((at(now_s).strftime("%H:%M"), waiting))
        elif kind == "no_show":
            assert isinstance(payload, Truck)
            truck = payload
            no_shows += 1
            seq += 1  # re-queued at the back of its class
            yard[(truck.trip.gate_id, truck.trip.direction)].append(_Waiting(truck, seq))
        elif kind == "at_gate":
            assert isinstance(payload, Truck)
            truck = payload
            own = [ln for ln in lanes[truck.trip.gate_id] if ln.direction == truck.trip.direction]
            lane = min(own, key=lambda ln: (len(lane_queue[ln.id]) + busy[ln.id],
                                            ln.mode != LaneMode.CONTACTLESS, ln.id))
            lane_queue[lane.id].append(truck)
            start_service(lane, now_s)
        elif kind == "done":
            lane, truck = payload  # type: ignore[misc]
            busy[lane.id] = False
            done[truck.trip.trip_id] = now_s
            if on_cleared is not None and truck.trip.trip_id not in shown:
                shown.add(truck.trip.trip_id)
                on_cleared()
            start_service(lane, now_s)
    waits, perishable = [], []
    for truck in trucks:
        wait = (done.get(truck.trip.trip_id, end_s) - truck.arrives_s) / 60
        waits.append(wait)
        if truck.trip.perishable:
            perishable.append(wait)
    return Result(scenario.name, len(trucks), len(done), waits, perishable, max_queue, series,
                  outcomes, no_shows, call_log)
