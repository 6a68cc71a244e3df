"""A running central service on a real Mosquitto and a real database, plus an edge-like device.

The device publishes with plain paho (as an edge would), HMAC-signed; an observer
(the broker's admin account) sees everything the centre publishes.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from domain import topics
from domain.messages import (
    BarrierStateV1,
    DecisionBatchV1,
    LaneCommandsV1,
    PlateReadV1,
    commands_of,
    decisions_of,
    parse_message,
)
from domain.plates import normalise
from domain.signing import generate_signing_key, hmac_sign, new_device_secret, new_nonce
from mqttio.client import BrokerUrl, MqttLink, Received
from services.central.service import CentralService
from services.db.models import CargoLine, Carrier, Trip
from services.db.session import make_session_factory
from services.devices import register_device
from services.settings import CentralSettings
from smartgate.broker import MosquittoBroker

LANE = "hn1119-x1"  # export lane of Hữu Nghị 1119, contactless
OTHER_LANE = "hn1119-x2"
GATE = "huu-nghi-1119"


@pytest.fixture
def round_the_clock_reference(tmp_path: Path) -> Path:
    """The packaged gates with every gate open round the clock (tests run at any hour)."""
    src = (Path(__file__).parents[2] / "domain/data/gates.toml").read_text(encoding="utf-8")
    lines = []
    for line in src.splitlines():
        key = line.split("=")[0].strip()
        lines.append(f'{key} = "00:00"' if key in ("opens", "closes") else line)
    path = tmp_path / "gates-24h.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def new_event_id() -> str:
    return uuid.uuid4().hex


class Device:
    """An edge device: signs with its HMAC secret and publishes with its own broker account."""

    def __init__(self, device_id: str, lane_id: str, secret: str, url: str) -> None:
        self.device_id, self.lane_id, self.secret = device_id, lane_id, secret
        b = BrokerUrl.parse(url)
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"{device_id}-t",
                                  clean_session=True, protocol=paho.MQTTv311)
        self.client.username_pw_set(b.username, b.password)
        self.client.connect(b.host, b.port)
        self.client.loop_start()

    def read(self, plate: str | None, *, grade: str = "pass", frames: int = 3,
             confidence: float = 0.95, captured_at: datetime | None = None,
             sent_at: datetime | None = None, event_id: str | None = None,
             nonce: str | None = None, lane_id: str | None = None) -> PlateReadV1:
        now = datetime.now(UTC)
        msg = PlateReadV1(
            device_id=self.device_id, sent_at=sent_at or now, nonce=nonce or new_nonce(),
            event_id=event_id or new_event_id(), lane_id=lane_id or self.lane_id,
            pass_id=uuid.uuid4().hex, grade=grade,  # type: ignore[arg-type]
            captured_at=captured_at or now, plate=plate, raw_text=plate or "",
            confidence=confidence, layout="1-line", country="VN", frames=frames)
        return hmac_sign(msg, self.secret)

    def barrier(self, command_id: str, *, executed: bool = True, state: str = "open",
                detail: str = "opened by command") -> BarrierStateV1:
        now = datetime.now(UTC)
        msg = BarrierStateV1(device_id=self.device_id, sent_at=now, nonce=new_nonce(),
                             event_id=new_event_id(), lane_id=self.lane_id, command_id=command_id,
                             state=state, executed=executed, detail=detail,  # type: ignore[arg-type]
                             at=now)
        return hmac_sign(msg, self.secret)

    def publish(self, payload: bytes | Any, topic: str | None = None) -> None:
        data = payload if isinstance(payload, bytes) else payload.to_json()
        info = self.client.publish(topic or topics.reads(self.lane_id), data, qos=1)
        info.wait_for_publish(5)
        assert info.is_published()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@dataclass
class Observer:
    """Everything published under the platform prefix, as parsed messages with their topic."""

    link: MqttLink
    seen: list[Received] = field(default_factory=list)

    def drain(self) -> None:
        while (item := self.link.get(timeout=0)) is not None:
            self.seen.append(item)

    def on(self, topic: str) -> list[Any]:
        """Messages seen on ``topic``; a batch of decision notices counts as its decisions,
        a ``lane_commands`` message as its commands (as a console or a lane reads them)."""
        self.drain()
        out: list[Any] = []
        for item in self.seen:
            if item.topic == topic:
                msg = parse_message(item.payload)
                out.extend(decisions_of(msg) if isinstance(msg, DecisionBatchV1)
                           else commands_of(msg) if isinstance(msg, LaneCommandsV1) else (msg,))
        return out

    def wait(self, topic: str, pred: Callable[[Any], bool] = lambda m: True, *,
             count: int = 1, timeout: float = 10.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.on(topic) if pred(m)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)


@dataclass
class Harness:
    service: CentralService
    sessions: sessionmaker[Session]
    device: Device
    observer: Observer
    broker: MosquittoBroker
    public_key: str
    key_id: str
    db_url: str
    settings: CentralSettings
    engine: Engine
    extra: list[CentralService] = field(default_factory=list)

    def spawn(self, client_id: str | None = None) -> CentralService:
        """Another central instance on the same database and broker (own or given client id)."""
        settings = self.settings.model_copy(update={
            "client_id": client_id or f"central-{uuid.uuid4().hex[:8]}"})
        service = CentralService(settings, engine=self.engine).start()
        self.extra.append(service)
        return service

    def trip(self, plate: str, **kw: Any) -> str:
        """Insert a declared, submitted, green-channel trip at the test gate (direct SQL)."""
        now = datetime.now(UTC)
        with self.sessions() as s, s.begin():
            carrier = Carrier(name="Test carrier", country="VN", created_at=now)
            s.add(carrier)
            s.flush()
            trip = Trip(
                reference=f"T{uuid.uuid4().hex[:10]}", carrier_id=carrier.id,
                plate=normalise(plate), vehicle_country="VN", gate_id=GATE,
                direction=kw.get("direction", "export"),
                window_start=kw.get("window_start", now - timedelta(hours=1)),
                window_end=kw.get("window_end", now + timedelta(hours=3)),
                status=kw.get("status", "submitted"), declaration_no="10512345678",
                channel=kw.get("channel", "green"), fee_paid=True, created_at=now,
                updated_at=now,
                cargo=[CargoLine(position=1, hs_code="8471300000", description="laptops",
                                 weight_kg=1200.0)],
            )
            s.add(trip)
            s.flush()
            return trip.id

    def wait_until(self, pred: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred():
                return True
            time.sleep(0.05)
        return pred()


@pytest.fixture
def start_central(mosquitto: MosquittoBroker, round_the_clock_reference: Path,
                  engine_for: Callable[[str], Engine]) -> Iterator[Callable[..., Harness]]:
    """Factory: a central service on ``db_url`` with one registered device on LANE."""
    started: list[Harness] = []

    def start(db_url: str, **overrides: Any) -> Harness:
        private, public = generate_signing_key()
        engine = engine_for(db_url)
        sessions = make_session_factory(engine)
        device_id = f"dev-{uuid.uuid4().hex[:8]}"
        secret = new_device_secret()
        with sessions() as s, s.begin():
            register_device(s, device_id=device_id, lane_id=LANE, secret=secret,
                            now=datetime.now(UTC))
        device_url = mosquitto.add_device(device_id, LANE)
        options: dict[str, Any] = {"reference_path": round_the_clock_reference, **overrides}
        settings = CentralSettings(
            database_url=db_url, mqtt_url=mosquitto.url("central"), centre_signing_key=private,
            centre_key_id="test-key", client_id=f"central-{uuid.uuid4().hex[:8]}", **options)
        service = CentralService(settings, engine=engine).start()
        observer = Observer(MqttLink(mosquitto.url("admin"), f"obs-{uuid.uuid4().hex[:8]}",
                                     subscriptions=[(f"{topics.PREFIX}/#", 1)],
                                     clean_session=True).start())
        time.sleep(0.2)  # subscriptions made
        h = Harness(service, sessions, Device(device_id, LANE, secret, device_url), observer,
                    mosquitto, public, "test-key", db_url, settings, engine)
        started.append(h)
        return h

    yield start
    for h in started:
        h.device.close()
        h.observer.link.stop()
        for service in [h.service, *h.extra]:
            service.stop()


def dump(obj: Any) -> str:
    return json.dumps(obj, default=str)
