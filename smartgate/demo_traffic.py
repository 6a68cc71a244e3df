"""The demo's traffic: trucks declared over the carriers' API and driven past the lane cameras.

Every truck it drives is recorded with the referee (:mod:`smartgate.demo_referee`), which
judges each open against it; lanes and processes are :mod:`smartgate.demo_parts`.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal

import httpx

from smartgate.demo_parts import DemoLane
from smartgate.demo_referee import Fed, Observer, Truck

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
