"""The whole path on real parts: carrier API -> camera frames -> edge -> MQTT -> central -> lane.

Pre-register over HTTP, drop a generated pass of frames in the lane's inbox,
and watch the signed ``open`` command arrive on the lane's topic, the simulated
barrier open, and the trip read ``cleared`` over HTTP. Run on PostgreSQL with
Mosquitto, and on SQLite with the embedded broker. An unregistered truck gets
a command too, but never ``open``.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain import topics
from domain.messages import LaneCommandV1, parse_message
from domain.signing import generate_signing_key, new_device_secret
from edge.agent import EdgeAgent
from edge.barrier import SimulatedRelay
from edge.reader import make_reader
from edge.settings import EdgeSettings
from edge.sources import FolderSource
from gateway.app import create_app
from gateway.settings import GatewaySettings
from mqttio import MqttLink
from services.carriers import create_carrier
from services.central.service import CentralService
from services.db.session import make_engine, make_session_factory
from services.devices import register_device
from services.settings import CentralSettings
from smartgate.broker import EmbeddedBroker, MosquittoBroker, free_port
from smartgate.scenes import drop_pass

LANE, GATE, DEVICE = "hn1119-x1", "huu-nghi-1119", "hn1119-x1-cam1"
ROOT = Path(__file__).resolve().parents[2]


def _gates_24h(tmp: Path) -> Path:
    text = resources.files("domain").joinpath("data/gates.toml").read_text(encoding="utf-8")
    path = tmp / "gates.toml"
    path.write_text(re.sub(r'^(opens|closes) = "[0-9:]+"', r'\1 = "00:00"', text, flags=re.M))
    return path


class Spine:
    def __init__(self, tmp: Path, db_url: str, broker: MosquittoBroker | EmbeddedBroker,
                 shared: bool) -> None:
        self.tmp, self.db_url, self.broker = tmp, db_url, broker
        reference = _gates_24h(tmp)
        private, public = generate_signing_key()
        secret = new_device_secret()
        device_url = broker.add_device(DEVICE, LANE)
        if isinstance(broker, EmbeddedBroker):
            broker.start()
        self.engine = make_engine(db_url)
        sessions = make_session_factory(self.engine)
        with sessions() as s, s.begin():
            register_device(s, device_id=DEVICE, lane_id=LANE, secret=secret, now=datetime.now(UTC))
            _carrier, self.api_key = create_carrier(s, name="Vận tải Đồng Đăng", country="VN",
                                                   now=datetime.now(UTC))
        self.central = CentralService(CentralSettings(
            database_url=db_url, mqtt_url=broker.url("central"), centre_signing_key=private,
            centre_key_id="centre-e2e", reference_path=reference, shared_subscription=shared,
            client_id=f"central-{uuid.uuid4().hex[:6]}"), engine=self.engine).start()
        self.http = TestClient(create_app(GatewaySettings(
            database_url=db_url, reference_path=reference, min_lead_minutes=0), engine=self.engine))
        self.http.__enter__()
        self.commands: list[LaneCommandV1] = []
        self.observer = MqttLink(broker.url("admin"), f"obs-{uuid.uuid4().hex[:6]}",
                                 subscriptions=[(topics.commands(LANE), 1)],
                                 clean_session=True).start()
        self.inbox = tmp / "inbox"
        self.inbox.mkdir()
        self.barrier = SimulatedRelay(auto_close_s=2.0)
        settings = EdgeSettings(env="demo", lane_id=LANE, device_id=DEVICE, device_secret=secret,
                                mqtt_url=device_url, centre_public_keys={"centre-e2e": public},
                                source=str(self.inbox), watch=True, data_dir=tmp / "edge",
                                pass_timeout_s=2.0)
        self.edge = EdgeAgent(settings, reader=make_reader(), barrier=self.barrier,
                              source=FolderSource(self.inbox, watch=True)).start()

    def register(self, plate: str) -> str:
        now = datetime.now(UTC)
        r = self.http.post("/api/v1/trips", headers={"X-API-Key": self.api_key}, json={
            "plate": plate, "gate_id": GATE, "direction": "export",
            "window_start": (now - timedelta(minutes=20)).isoformat(),
            "window_end": (now + timedelta(hours=2)).isoformat(),
            "declaration_no": "103456789012", "channel": "green", "fee_paid": True,
            "cargo": [{"hs_code": "44123100", "description": "plywood", "weight_kg": 21000}]})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def drive(self, plate: str, seed: int) -> None:
        drop_pass(self.inbox, plate=plate, rng=random.Random(seed))

    def next_command(self, timeout: float = 30.0) -> LaneCommandV1:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            item = self.observer.get(timeout=0.5)
            if item is not None:
                msg = parse_message(item.payload)
                assert isinstance(msg, LaneCommandV1)
                if all(c.command_id != msg.command_id for c in self.commands):
                    self.commands.append(msg)
                    return msg
        raise AssertionError("no lane command within the timeout")

    def trip_status(self, trip_id: str) -> str:
        r = self.http.get(f"/api/v1/trips/{trip_id}", headers={"X-API-Key": self.api_key})
        assert r.status_code == 200
        return str(r.json()["status"])

    def close(self) -> None:
        self.edge.stop()
        self.central.stop()
        self.observer.stop()
        self.http.__exit__(None, None, None)
        self.engine.dispose()


@pytest.fixture(params=["postgresql+mosquitto", "sqlite+embedded"])
def spine(request: pytest.FixtureRequest, tmp_path: Path,
          make_pg_url: Callable[[], str]) -> Iterator[Spine]:
    if request.param == "postgresql+mosquitto":
        broker: MosquittoBroker | EmbeddedBroker = MosquittoBroker(tmp_path / "mq").start()
        s = Spine(tmp_path, make_pg_url(), broker, shared=True)
    else:
        from services.db.session import migrate

        url = f"sqlite:///{tmp_path / 'sg.db'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        broker = EmbeddedBroker(tmp_path / "amqtt")
        s = Spine(tmp_path, url, broker, shared=False)
    yield s
    s.close()
    broker.stop()


def test_a_declared_truck_is_cleared_end_to_end(spine: Spine) -> None:
    trip_id = spine.register("12C-345.67")
    spine.drive("12C34567", seed=11)
    cmd = spine.next_command()
    assert (cmd.action, cmd.trip_id, cmd.plate) == ("open", trip_id, "12C34567")
    deadline = time.monotonic() + 20
    while spine.trip_status(trip_id) != "cleared" and time.monotonic() < deadline:
        time.sleep(0.3)
    assert spine.trip_status(trip_id) == "cleared"
    assert spine.barrier.opens >= 1


def test_an_unregistered_truck_never_gets_open(spine: Spine) -> None:
    spine.register("12C-111.22")  # someone else's trip at the same gate
    spine.drive("12C98765", seed=5)
    cmd = spine.next_command()
    assert cmd.action != "open"
    assert cmd.trip_id is None
    assert spine.barrier.opens == 0


def test_the_demo_clears_trucks_and_never_opens_for_the_wrong_one(tmp_path: Path) -> None:
    """``smartgate demo --for 40 --outage 10:24``: opened > 0 with the centre, opened_offline > 0
    without it, wrong_opens == 0 throughout, and every offline decision reconciled (JSON)."""
    import json

    out = subprocess.run(
        [sys.executable, "-m", "smartgate.cli", "demo", "--for", "40", "--port", str(free_port()),
         "--workdir", str(tmp_path / "demo"), "--outage", "10:24"],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    summary: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["trucks"] > 0
    assert summary["opened"] > 0
    assert summary["opened_offline"] > 0
    assert summary["wrong_opens"] == 0
    assert summary["offline_decisions_reconciled"] == (summary["opened_offline"]
                                                       + summary["held_offline"])
