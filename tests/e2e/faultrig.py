"""A lane edge agent, a central service and a Mosquitto started from infra/, on PostgreSQL.

Reads enter the edge exactly where a camera pass puts them (committed to the
outbox, then handed to the uplink), so what is measured is the real outbox,
uplink, broker, central batch worker and signed acks. Only the barrier relay is
simulated (hardware).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from domain import topics
from domain.messages import PlateReadV1
from domain.signing import generate_signing_key, new_device_secret, new_nonce
from edge.agent import EdgeAgent
from edge.barrier import SimulatedRelay
from edge.reader.base import PlateReader
from edge.settings import EdgeSettings
from edge.sources import FolderSource
from mqttio import MqttLink
from services.central.service import CentralService
from services.db.models import Decision, LaneCommand, PlateRead
from services.devices import register_device
from services.settings import CentralSettings
from smartgate.broker import MosquittoBroker

LANE, DEVICE = "hn1119-x1", "hn1119-x1-cam1"


def gates_24h(tmp: Path) -> Path:
    src = (Path(__file__).resolve().parents[2] / "domain/data/gates.toml").read_text("utf-8")
    lines = [f'{ln.split("=")[0].strip()} = "00:00"'
             if ln.split("=")[0].strip() in ("opens", "closes") else ln
             for ln in src.splitlines()]
    path = tmp / "gates-24h.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Rig:
    tmp: Path
    broker: MosquittoBroker
    engine: Engine
    sessions: sessionmaker[Session]
    reader: PlateReader
    db_url: str
    secret: str = field(default_factory=new_device_secret)
    keys: tuple[str, str] = field(default_factory=generate_signing_key)
    device_url: str = ""
    central_client_id: str = field(default_factory=lambda: f"central-{uuid.uuid4().hex[:6]}")
    centrals: list[CentralService] = field(default_factory=list)
    agents: list[EdgeAgent] = field(default_factory=list)
    links: list[MqttLink] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reference = gates_24h(self.tmp)
        with self.sessions() as s, s.begin():
            register_device(s, device_id=DEVICE, lane_id=LANE, secret=self.secret,
                            now=datetime.now(UTC))
        self.device_url = self.broker.add_device(DEVICE, LANE)

    # -- parts -----------------------------------------------------------------
    def central_settings(self, **overrides: Any) -> CentralSettings:
        options: dict[str, Any] = dict(
            database_url=self.db_url, mqtt_url=self.broker.url("central"),
            centre_signing_key=self.keys[0], centre_key_id="centre-fault",
            reference_path=self.reference, client_id=self.central_client_id,
            migrate_on_start=False)
        options.update(overrides)
        return CentralSettings(**options)

    def start_central(self, **overrides: Any) -> CentralService:
        service = CentralService(self.central_settings(**overrides), engine=self.engine).start()
        self.centrals.append(service)
        return service

    def edge(self, start: bool = True, **overrides: Any) -> EdgeAgent:
        inbox = self.tmp / "inbox"
        inbox.mkdir(exist_ok=True)
        options: dict[str, Any] = dict(
            env="demo", lane_id=LANE, device_id=DEVICE, device_secret=self.secret,
            mqtt_url=self.device_url, centre_public_keys={"centre-fault": self.keys[1]},
            source=str(inbox), watch=True, data_dir=self.tmp / "edge", heartbeat_s=1.0,
            resend_after_s=5.0, replay_window=500)
        options.update(overrides)
        agent = EdgeAgent(EdgeSettings(**options), reader=self.reader,
                          barrier=SimulatedRelay(auto_close_s=2.0),
                          source=FolderSource(inbox, watch=True))
        self.agents.append(agent)
        return agent.start() if start else agent

    def observe(self, *filters: str) -> MqttLink:
        link = MqttLink(self.broker.url("admin"), f"obs-{uuid.uuid4().hex[:8]}",
                        subscriptions=[(f, 1) for f in filters], clean_session=True,
                        queue_size=100_000).start()
        self.links.append(link)
        return link

    # -- reads -----------------------------------------------------------------
    def read(self, i: int, *, grade: str = "frame", captured_at: datetime | None = None,
             pass_id: str | None = None) -> PlateReadV1:
        """An unsigned read as the agent commits it (the uplink signs each send)."""
        at = captured_at or datetime.now(UTC)
        return PlateReadV1(
            device_id=DEVICE, sent_at=at, nonce=new_nonce(), event_id=uuid.uuid4().hex,
            lane_id=LANE, pass_id=pass_id or uuid.uuid4().hex, grade=grade,  # type: ignore[arg-type]
            captured_at=at, plate=f"29C{i % 100000:05d}", raw_text=f"29C-{i % 100000:05d}",
            confidence=0.9, layout="1-line", country="VN", frames=3 if grade == "pass" else 1)

    @staticmethod
    def capture(agent: EdgeAgent, msg: PlateReadV1, *, live: bool = True) -> None:
        """What a pass does with a read: commit it to the outbox, then hand it to the uplink."""
        assert agent.outbox.add(event_id=msg.event_id, topic=topics.reads(LANE),
                                body=msg.to_json(), evictable=msg.grade == "frame")
        if live:
            agent.uplink.notify(msg.event_id)

    # -- what the centre stored --------------------------------------------------
    def count(self, model: Any) -> int:
        with self.sessions() as s:
            return int(s.execute(select(func.count()).select_from(model)).scalar_one())

    def stored_ids(self) -> list[str]:
        """Event ids of stored reads in the order the centre committed them."""
        with self.sessions() as s:
            return list(s.execute(select(PlateRead.event_id).order_by(PlateRead.id)).scalars())

    def decisions_and_commands(self) -> tuple[int, int, int]:
        with self.sessions() as s:
            per_event = s.execute(select(func.count()).select_from(
                select(Decision.event_id).group_by(Decision.event_id)
                .having(func.count() > 1).subquery())).scalar_one()
        return self.count(Decision), self.count(LaneCommand), int(per_event)

    def wait(self, pred: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred():
                return
            time.sleep(0.1)
        raise AssertionError(f"{what}: not reached within {timeout}s")

    def close(self) -> None:
        for agent in self.agents:
            agent.stop()
        for service in self.centrals:
            service.stop()
        for link in self.links:
            link.stop()


def since(minutes: float) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)
