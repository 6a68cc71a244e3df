"""A whole lane on real parts for the offline-clearance tests: PostgreSQL, Mosquitto,
the central service, the carriers' API, and an edge agent reading generated frames.

Timeouts are short (the centre's heartbeat every 0.5 s, a lane gives up on it after 3 s)
so an outage is noticed quickly; nothing else differs from production.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from domain.signing import generate_signing_key, new_device_secret
from edge.agent import EdgeAgent
from edge.barrier import SimulatedRelay
from edge.reader import make_reader
from edge.settings import EdgeSettings
from edge.sources import FolderSource
from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.carriers import create_carrier
from services.central.service import CentralService
from services.db.models import AuditEvent, LocalDecision
from services.db.session import make_engine, make_session_factory
from services.devices import register_device
from services.settings import CentralSettings
from smartgate.broker import MosquittoBroker
from smartgate.scenes import drop_pass

LANE, GATE, DEVICE = "hn1119-x1", "huu-nghi-1119", "hn1119-x1-cam1"


def gates_24h(tmp: Path) -> Path:
    text = resources.files("domain").joinpath("data/gates.toml").read_text(encoding="utf-8")
    path = tmp / "gates.toml"
    path.write_text(re.sub(r'^(opens|closes) = "[0-9:]+"', r'\1 = "00:00"', text, flags=re.M))
    return path


def wait_for(what: str, cond: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class OfflineRig:
    def __init__(self, tmp: Path, db_url: str, broker: MosquittoBroker) -> None:
        self.tmp, self.db_url, self.broker = tmp, db_url, broker
        self.reference = gates_24h(tmp)
        self.private, public = generate_signing_key()
        secret = new_device_secret()
        device_url = broker.add_device(DEVICE, LANE)
        self.engine = make_engine(db_url)
        self.sessions = make_session_factory(self.engine)
        with self.sessions() as s, s.begin():
            register_device(s, device_id=DEVICE, lane_id=LANE, secret=secret,
                            now=datetime.now(UTC))
            _carrier, self.api_key = create_carrier(s, name="Vận tải Đồng Đăng", country="VN",
                                                   now=datetime.now(UTC))
        self.client_id = f"central-{uuid.uuid4().hex[:6]}"
        self.central: CentralService | None = None
        self.start_central()
        self.http = TestClient(create_app(GatewaySettings(
            database_url=db_url, reference_path=self.reference, min_lead_minutes=0),
            engine=self.engine))
        self.http.__enter__()
        self.inbox = tmp / "inbox"
        self.inbox.mkdir()
        self.barrier = SimulatedRelay(auto_close_s=1.0)
        self.settings = EdgeSettings(
            env="demo", lane_id=LANE, device_id=DEVICE, device_secret=secret,
            mqtt_url=device_url, centre_public_keys={"centre-e2e": public},
            source=str(self.inbox), watch=True, data_dir=tmp / "edge", pass_timeout_s=1.5,
            heartbeat_s=1.0, centre_timeout_s=3.0, ack_timeout_s=6.0, resend_after_s=3.0)
        self.edge = EdgeAgent(self.settings, reader=make_reader(), barrier=self.barrier,
                              source=FolderSource(self.inbox, watch=True),
                              link_keepalive=5).start()

    def restart_edge(self) -> None:
        """Stop the lane agent and start a new one on the same data directory."""
        self.edge.stop()
        self.edge = EdgeAgent(self.settings, reader=make_reader(), barrier=self.barrier,
                              source=FolderSource(self.inbox, watch=True),
                              link_keepalive=5).start(wait=1)

    def start_central(self) -> None:
        self.central = CentralService(CentralSettings(
            database_url=self.db_url, mqtt_url=self.broker.url("central"),
            centre_signing_key=self.private, centre_key_id="centre-e2e",
            reference_path=self.reference, shared_subscription=True, client_id=self.client_id,
            heartbeat_s=0.5, preclearance_refresh_s=0.3), engine=self.engine).start()

    def stop_central(self) -> None:
        assert self.central is not None
        self.central.stop()
        self.central = None

    def register(self, plate: str, *, channel: str = "green") -> str:
        now = datetime.now(UTC)
        r = self.http.post("/api/v1/trips", headers={"X-API-Key": self.api_key}, json={
            "plate": plate, "gate_id": GATE, "direction": "export",
            "window_start": (now - timedelta(minutes=20)).isoformat(),
            "window_end": (now + timedelta(hours=2)).isoformat(),
            "declaration_no": "103456789012", "channel": channel, "fee_paid": True,
            "cargo": [{"hs_code": "44123100", "description": "plywood", "weight_kg": 21000}]})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def cancel(self, trip_id: str) -> None:
        r = self.http.post(f"/api/v1/trips/{trip_id}/cancel",
                           headers={"X-API-Key": self.api_key})
        assert r.status_code == 200, r.text

    def trip_status(self, trip_id: str) -> str:
        r = self.http.get(f"/api/v1/trips/{trip_id}", headers={"X-API-Key": self.api_key})
        assert r.status_code == 200
        return str(r.json()["status"])

    def listed(self) -> set[str]:
        lst = self.edge.offline.store.current
        return {e.trip_id for e in lst.entries} if lst else set()

    def drive(self, plate: str, seed: int) -> None:
        """One vehicle pass: frames in the inbox; waits until the lane has decided it."""
        before = self.decided()
        drop_pass(self.inbox, plate=plate, rng=random.Random(seed), frames=4)
        wait_for(f"the lane to decide {plate} offline", lambda: self.decided() > before)
        # A pass the tracker split in two yields a second (never opening) decision: let it land.
        settled, last = time.monotonic(), self.decided()
        while time.monotonic() - settled < self.settings.pass_timeout_s + 1.0:
            time.sleep(0.2)
            if self.decided() != last:
                settled, last = time.monotonic(), self.decided()

    def decided(self) -> int:
        return self.edge.offline.opened + self.edge.offline.waiting_total

    def local_decisions(self) -> list[LocalDecision]:
        with self.sessions() as s:
            return list(s.execute(select(LocalDecision)).scalars())

    def audit_count(self, action: str, subject_id: str) -> int:
        with self.sessions() as s:
            return int(s.execute(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == action, AuditEvent.subject_id == subject_id)).scalar_one())

    def close(self) -> None:
        self.edge.stop()
        if self.central is not None:
            self.central.stop()
        self.http.__exit__(None, None, None)
        self.engine.dispose()
