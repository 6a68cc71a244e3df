"""Helpers for the lane agent tests: the test-side centre, the lane, generated passes.

The centre here is test code speaking the wire contract (it acks, sends signed
commands and records what arrives); the real central service is tested in its
own area. Only lane hardware is simulated (the barrier relay).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from domain import topics
from domain.messages import (
    BarrierStateV1,
    EventAckV1,
    LaneCommandV1,
    LaneStatusV1,
    Message,
    PlateReadV1,
    parse_message,
)
from domain.signing import sign_centre, sign_command
from edge.settings import EdgeSettings
from mqttio import MqttLink
from smartgate.broker import MosquittoBroker

LANE = "hn1119-x1"
DEVICE = "hn1119-x1-cam1"


@dataclass
class Centre:
    """Test-side centre: records lane traffic, acks events, sends signed commands."""

    link: MqttLink
    lane_id: str
    device_id: str
    private_key: str
    key_id: str
    messages: list[tuple[str, Message, bool]] = field(default_factory=list)
    auto_ack: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            item = self.link.get(timeout=0.1)
            if item is None:
                continue
            msg = parse_message(item.payload)
            with self._lock:
                self.messages.append((item.topic, msg, item.retain))
            if self.auto_ack and isinstance(msg, PlateReadV1 | BarrierStateV1):
                self.ack([msg.event_id])

    def of(self, kind: type[Any]) -> list[Any]:
        with self._lock:
            return [m for _, m, _ in self.messages if isinstance(m, kind)]

    def reads(self, grade: str | None = None) -> list[PlateReadV1]:
        return [r for r in self.of(PlateReadV1) if grade is None or r.grade == grade]

    def states(self) -> list[BarrierStateV1]:
        return self.of(BarrierStateV1)

    def statuses(self) -> list[LaneStatusV1]:
        return self.of(LaneStatusV1)

    def wait(self, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"condition not met within {timeout}s; got {len(self.messages)} msgs")

    def ack(self, event_ids: list[str]) -> None:
        for i in range(0, len(event_ids), 500):
            ack = sign_centre(EventAckV1(device_id=self.device_id,
                                         event_ids=tuple(event_ids[i:i + 500]),
                                         at=datetime.now(UTC), key_id=self.key_id),
                              self.private_key)
            self.link.publish(topics.device_acks(self.device_id), ack.to_json(), qos=1)

    def command(self, *, action: str = "open", lane_id: str | None = None,
                expires_in: float = 30.0, key: str | None = None,
                key_id: str | None = None, command_id: str | None = None,
                signed: bool = True) -> LaneCommandV1:
        now = datetime.now(UTC)
        cmd = LaneCommandV1(command_id=command_id or uuid.uuid4().hex,
                            lane_id=lane_id or self.lane_id, action=action,  # type: ignore[arg-type]
                            plate="12C12345", trip_id=uuid.uuid4().hex, issued_at=now,
                            expires_at=now + timedelta(seconds=expires_in),
                            key_id=key_id or self.key_id)
        return sign_command(cmd, key or self.private_key) if signed else cmd

    def send(self, cmd: LaneCommandV1 | bytes, lane_id: str | None = None) -> None:
        payload = cmd if isinstance(cmd, bytes) else cmd.to_json()
        self.link.publish(topics.commands(lane_id or self.lane_id), payload, qos=1)

    def stop(self) -> None:
        self._stop.set()
        self.link.stop()


@dataclass
class Lane:
    broker: MosquittoBroker
    device_url: str
    secret: str
    private_key: str
    public_key: str
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    def settings(self, **overrides: Any) -> EdgeSettings:
        base: dict[str, Any] = dict(
            env="demo", lane_id=LANE, device_id=DEVICE, device_secret=self.secret,
            mqtt_url=self.device_url, centre_public_keys={"centre-test": self.public_key},
            source=str(self.inbox), watch=True, data_dir=self.root / "data",
            pass_timeout_s=2.0, heartbeat_s=0.5, barrier_open_s=3.0, resend_after_s=30.0)
        base.update(overrides)
        return EdgeSettings(**base)


def edge_env(lane: Lane, **extra: str) -> dict[str, str]:
    """The environment a lane box's service unit gives ``smartgate edge`` (as the demo does)."""
    import json
    import os

    return {
        **os.environ,
        "SG_EDGE_ENV": "demo", "SG_EDGE_LANE_ID": LANE, "SG_EDGE_DEVICE_ID": DEVICE,
        "SG_EDGE_DEVICE_SECRET": lane.secret, "SG_EDGE_MQTT_URL": lane.device_url,
        "SG_EDGE_CENTRE_PUBLIC_KEYS": json.dumps({"centre-test": lane.public_key}),
        "SG_EDGE_SOURCE": str(lane.inbox), "SG_EDGE_WATCH": "true",
        "SG_EDGE_DATA_DIR": str(lane.root / "data"), "SG_EDGE_HEARTBEAT_S": "0.5",
        "OMP_THREAD_LIMIT": "1", **extra,
    }


def write_pass(inbox: Path, *, name: str, plate: str, layout: str = "1-line", seed: int = 1,
               frames: int = 5) -> list[Any]:
    """Render a real pass with the scene generator and drop it in the inbox as the demo does."""
    from smartgate.scenes import drop_pass

    return drop_pass(inbox, plate=plate, layout=layout,  # type: ignore[arg-type]
                     rng=random.Random(seed), frames=frames, name=name, quality=90)


