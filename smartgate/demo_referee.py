"""The demo's referee: every open the lanes make judged against the truck really there.

Apart from the traffic (:mod:`smartgate.demo_traffic`) because this is the part that decides
whether the demo passed: the observer hears every command, decision and barrier state over
MQTT and compares each open with the truck that was at the lane; ``reconciled`` reads what
the centre recorded of the lanes' offline decisions.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from domain import topics
from domain.messages import (
    BarrierStateV1,
    DecisionBatchV1,
    DecisionV1,
    LaneCommandsV1,
    LaneCommandV1,
    LocalDecisionV1,
    MessageError,
    commands_of,
    decisions_of,
    parse_message,
)
from mqttio import MqttLink
from smartgate.demo_parts import DemoLane

if TYPE_CHECKING:
    from smartgate.demo_traffic import TrafficGenerator


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
                if isinstance(msg, LaneCommandV1 | LaneCommandsV1):
                    for cmd in commands_of(msg):
                        if cmd.command_id not in self.commands:
                            self.commands[cmd.command_id] = cmd
                            if cmd.action == "open":
                                self._judge(cmd)
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
