"""The demo's traffic and its referee: trucks fed to the lanes, every open judged.

Apart from :mod:`smartgate.demo_parts` (lanes, database, processes) because this is the
part that decides whether the demo passed: the observer hears every command, decision and
barrier state over MQTT and compares each open with the truck that was really at the lane.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx

from domain import topics
from domain.messages import (
    BarrierStateV1,
    DecisionBatchV1,
    DecisionV1,
    LaneCommandV1,
    LocalDecisionV1,
    MessageError,
    decisions_of,
    parse_message,
)
from mqttio import MqttLink
from smartgate.demo_parts import DemoLane


@dataclass
class Truck:
    plate: str
    layout: Literal["1-line", "2-line"]
    trip_id: str | None  # None: not pre-declared (must never open)
    green: bool = True


@dataclass
class Fed:
    truck: Truck
    lane_id: str
    at: float


@dataclass
class Observer:
    """Listens to commands, decisions and barrier states; judges every open against the truth."""

    url: str
    lanes: list[DemoLane]
    fed: dict[str, list[Fed]] = field(default_factory=lambda: defaultdict(list))
    commands: dict[str, LaneCommandV1] = field(default_factory=dict)
    decisions: dict[str, DecisionV1] = field(default_factory=dict)
    executed_opens: set[str] = field(default_factory=set)
    local: dict[str, LocalDecisionV1] = field(default_factory=dict)  # decided by lanes offline
    wrong: list[dict[str, Any]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _link: MqttLink | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        subs = [(topics.all_lanes(k), 1) for k in ("commands", "decisions", "barrier", "local")]
        self._link = MqttLink(self.url, f"demo-observer-{uuid.uuid4().hex[:8]}",
                              subscriptions=subs, clean_session=True).start()
        self._thread = threading.Thread(target=self._work, name="observer", daemon=True)
        self._thread.start()

    def record_fed(self, fed: Fed) -> None:
        with self._lock:
            self.fed[fed.lane_id].append(fed)

    def _work(self) -> None:
        assert self._link is not None
        while not self._stop.is_set():
            item = self._link.get(timeout=0.2)
            if item is None:
                continue
            try:
                msg = parse_message(item.payload)
            except MessageError:
                continue
            with self._lock:
                if isinstance(msg, LaneCommandV1) and msg.command_id not in self.commands:
                    self.commands[msg.command_id] = msg
                    if msg.action == "open":
                        self._judge(msg)
                elif isinstance(msg, DecisionV1 | DecisionBatchV1):
                    for decision in decisions_of(msg):
                        if decision.decision_id in self.decisions:
                            continue
                        self.decisions[decision.decision_id] = decision
                        fed = self.fed.get(decision.lane_id)
                        if fed:
                            self.latencies_ms.append((item.received_at - fed[-1].at) * 1000)
                elif (isinstance(msg, BarrierStateV1) and msg.executed and msg.state == "open"
                      and msg.command_id):
                    self.executed_opens.add(msg.command_id)
                elif isinstance(msg, LocalDecisionV1) and msg.event_id not in self.local:
                    if msg.outcome == "open" and msg.executed:
                        self._judge_local(msg)
                    self.local[msg.event_id] = msg

    def _opened_trips(self) -> list[str | None]:
        return ([c.trip_id for c in self.commands.values() if c.action == "open"]
                + [d.trip_id for d in self.local.values() if d.outcome == "open" and d.executed])

    def _wrong(self, lane_id: str, trip_id: str | None, opened_before: list[str | None]
               ) -> bool:
        fed_here = {f.truck.trip_id for f in self.fed.get(lane_id, []) if f.truck.trip_id}
        return trip_id is None or trip_id not in fed_here or trip_id in opened_before

    def _judge(self, cmd: LaneCommandV1) -> None:
        before = self._opened_trips()
        before.remove(cmd.trip_id)
        if self._wrong(cmd.lane_id, cmd.trip_id, before):
            self.wrong.append({"lane": cmd.lane_id, "command": cmd.command_id,
                               "trip": cmd.trip_id, "plate": cmd.plate})

    def _judge_local(self, d: LocalDecisionV1) -> None:
        """A lane opened on its own (the centre was unreachable): judged like a command."""
        if self._wrong(d.lane_id, d.trip_id, self._opened_trips()):
            self.wrong.append({"lane": d.lane_id, "local_decision": d.event_id,
                               "trip": d.trip_id, "plate": d.plate})

    def settle(self, *, timeout: float, traffic: TrafficGenerator) -> None:
        """Wait until decisions stop arriving (passes in flight are decided)."""
        deadline = time.monotonic() + timeout
        last, still = -1, 0
        while time.monotonic() < deadline:
            with self._lock:
                n = len(self.decisions) + sum(1 for d in self.local.values()
                                              if d.outcome == "open")
            if n >= traffic.fed_count:
                return
            still = still + 1 if n == last else 0
            if still >= 8:
                return
            last = n
            time.sleep(0.5)

    def summary(self, traffic: TrafficGenerator) -> dict[str, Any]:
        with self._lock:
            outcomes: dict[str, int] = defaultdict(int)
            for d in self.decisions.values():
                outcomes[d.outcome] += 1
            opens = [c for c in self.commands.values() if c.action == "open"]
            return {
                "trucks": traffic.fed_count,
                "registered": traffic.registered_count,
                "opened": len([c for c in opens if c.command_id in self.executed_opens]),
                "opened_offline": sum(1 for d in self.local.values()
                                      if d.outcome == "open" and d.executed),
                "held_offline": sum(1 for d in self.local.values() if d.outcome != "open"),
                "open_commands": len(opens),
                "manual": outcomes["manual"] + outcomes["inspect"],
                "decisions": len(self.decisions),
                "wrong_opens": len(self.wrong),
                "wrong_open_details": self.wrong[:10],
                "median_pass_to_decision_ms": round(statistics.median(self.latencies_ms), 1)
                if self.latencies_ms else None,
            }

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(2)
        if self._link:
            self._link.stop()


#: How soon a lane whose camera still has the truck ahead's frames is looked at again.
BUSY_RETRY_S = 0.25


def _camera_busy(lane: DemoLane) -> bool:
    """Whether frames of the truck ahead still wait in the lane's inbox (the agent moves a
    read frame to ``done/``). A truck drives up to the camera only once the one ahead has
    left it, as at a real gate; on a machine too loaded for the lanes to keep up, trucks
    then queue on the road instead of as a backlog of frames, so a truck driven during the
    centre's outage is read during it, not seconds after the centre is back."""
    try:
        return any(p.is_file() and not p.name.startswith(".") for p in lane.inbox.iterdir())
    except FileNotFoundError:
        return False


class TrafficGenerator:
    """Pre-registers trucks over the carriers' API and drives them past the lane cameras."""

    def __init__(self, *, base_url: str, api_key: str, lanes: list[DemoLane], rng: random.Random,
                 interval: float, unregistered_share: float, observer: Observer,
                 outage: tuple[float, float] | None = None) -> None:
        self.base_url, self.api_key, self.lanes = base_url, api_key, lanes
        self.rng, self.interval, self.unregistered_share = rng, interval, unregistered_share
        self.observer = observer
        self.outage = outage
        # Trucks declared before an outage and driven during it (the lanes' lists hold them).
        self.prepared: dict[str, list[Truck]] = {ln.lane_id: [] for ln in lanes}
        self._t0 = time.monotonic()
        self.fed_count = 0
        self.registered_count = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._used_plates: set[str] = set()

    def prepare_outage(self) -> None:
        """Declare now the trucks that will arrive while the centre is cut off."""
        if self.outage is None:
            return
        per_lane = int((self.outage[1] - self.outage[0]) / self.interval) + 2
        with httpx.Client(timeout=10) as client:
            for lane in self.lanes:
                for _ in range(per_lane):
                    plate, layout = self._new_plate(lane)
                    trip_id = self._register(client, lane, plate)
                    self.registered_count += 1
                    self.prepared[lane.lane_id].append(Truck(plate, layout, trip_id))

    def _in_outage(self) -> bool:
        if self.outage is None:
            return False
        return self.outage[0] <= time.monotonic() - self._t0 < self.outage[1]

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="traffic", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(30)

    def _new_plate(self, lane: DemoLane) -> tuple[str, Literal["1-line", "2-line"]]:
        from smartgate.scenes import random_plate

        while True:
            # Chinese plates join the demo once the reader reads the province character.
            country = "VN"
            layout: Literal["1-line", "2-line"] = (
                "2-line" if self.rng.random() < 0.3 else "1-line")
            plate = random_plate(self.rng, country=country, layout=layout)
            if plate not in self._used_plates:
                self._used_plates.add(plate)
                return plate, layout

    def _register(self, client: httpx.Client, lane: DemoLane, plate: str) -> str:
        now = datetime.now(UTC)
        body = {
            "plate": plate,
            "gate_id": lane.gate_id,
            "direction": lane.direction.value,
            "window_start": (now - timedelta(minutes=30)).isoformat(),
            "window_end": (now + timedelta(hours=3)).isoformat(),
            "declaration_no": f"10{self.rng.randrange(10**10):010d}",
            "channel": "green",
            "fee_paid": True,
            "cargo": [{"hs_code": "44123100", "description": "Gỗ dán / plywood",
                       "weight_kg": 24000, "perishable": False}],
        }
        r = client.post(f"{self.base_url}/api/v1/trips", json=body,
                        headers={"X-API-Key": self.api_key,
                                 "Idempotency-Key": uuid.uuid4().hex})
        r.raise_for_status()
        return str(r.json()["id"])

    def _drive(self, lane: DemoLane, truck: Truck) -> None:
        from smartgate.scenes import drop_pass

        self.observer.record_fed(Fed(truck, lane.lane_id, time.time()))
        drop_pass(lane.inbox, plate=truck.plate, layout=truck.layout, rng=self.rng)

    def _run(self) -> None:
        with httpx.Client(timeout=10) as client:
            next_at = {ln.lane_id: time.monotonic() + i * self.interval / max(1, len(self.lanes))
                       for i, ln in enumerate(self.lanes)}
            while not self._stop.is_set():
                lane = min(self.lanes, key=lambda ln: next_at[ln.lane_id])
                wait = next_at[lane.lane_id] - time.monotonic()
                if wait > 0 and self._stop.wait(wait):
                    return
                if _camera_busy(lane):  # the truck ahead is still before the camera
                    next_at[lane.lane_id] = time.monotonic() + BUSY_RETRY_S
                    continue
                prepared = self.prepared[lane.lane_id]
                if self._in_outage() and prepared and self.rng.random() >= \
                        self.unregistered_share:
                    truck = prepared.pop(0)
                else:
                    plate, layout = self._new_plate(lane)
                    trip_id = None
                    if self.rng.random() >= self.unregistered_share:
                        trip_id = self._register(client, lane, plate)
                        self.registered_count += 1
                    truck = Truck(plate, layout, trip_id)
                self._drive(lane, truck)
                self.fed_count += 1
                next_at[lane.lane_id] = time.monotonic() + self.interval



def reconciled(db_url: str) -> dict[str, int]:
    """What the centre recorded of the lanes' offline decisions (after the outage)."""
    from sqlalchemy import func, select

    from services.db.models import LocalDecision
    from services.db.session import make_engine, make_session_factory

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(select(LocalDecision.conflicts)).scalars().all()
            total = session.execute(select(func.count()).select_from(LocalDecision)).scalar_one()
    finally:
        engine.dispose()
    return {"offline_decisions_reconciled": int(total),
            "offline_conflicts": sum(1 for c in rows if c)}
