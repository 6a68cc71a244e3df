"""The moving parts of ``smartgate demo``: lanes, the database it starts from, processes.

Kept apart from :mod:`smartgate.demo` so the orchestration reads top to bottom
there, and the details live here (the traffic and its referee: :mod:`smartgate.demo_traffic`).
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx

from domain.reference import Direction, load_reference
from domain.signing import new_device_secret
from smartgate.broker import free_port

log = logging.getLogger(__name__)


@dataclass
class DemoLane:
    lane_id: str
    gate_id: str
    direction: Direction
    device_id: str
    device_secret: str
    inbox: Path
    data_dir: Path
    evidence_port: int
    mqtt_url: str = ""

    @classmethod
    def create(cls, lane_id: str, workdir: Path) -> DemoLane:
        lane = load_reference().lane(lane_id)
        root = workdir / "lanes" / lane_id
        (root / "inbox").mkdir(parents=True)
        (root / "data").mkdir(parents=True)
        return cls(lane_id, lane.gate_id, lane.direction, f"{lane_id}-cam1", new_device_secret(),
                   root / "inbox", root / "data", free_port())

    @property
    def evidence_url(self) -> str:
        return f"http://127.0.0.1:{self.evidence_port}"

    def env(self, centre_public_keys: str) -> dict[str, str]:
        return {
            "SG_EDGE_LANE_ID": self.lane_id,
            "SG_EDGE_DEVICE_ID": self.device_id,
            "SG_EDGE_DEVICE_SECRET": self.device_secret,
            "SG_EDGE_MQTT_URL": self.mqtt_url,
            "SG_EDGE_CENTRE_PUBLIC_KEYS": centre_public_keys,
            "SG_EDGE_SOURCE": str(self.inbox),
            "SG_EDGE_WATCH": "true",
            "SG_EDGE_DATA_DIR": str(self.data_dir),
            "SG_EDGE_EVIDENCE_PORT": str(self.evidence_port),
            "SG_EDGE_ENV": "demo",
            # Compressed time: a lane notices a lost centre within seconds (production: 15 s).
            "SG_EDGE_CENTRE_TIMEOUT_S": "4",
            "SG_EDGE_ACK_TIMEOUT_S": "8",
        }


def seed_glyph_models(models: Path, lanes: list[DemoLane]) -> None:
    """Train the lanes' glyph classifiers once (or load them from an earlier demo's
    ``models`` folder) and give every lane a copy in its data folder.

    Why: each lane trains both at its start (``edge/reader/modelcache.py``); four lanes
    doing it at once took about a minute of CPU from the demo's first trucks."""
    from edge.reader import latin, modelcache, province

    models.mkdir(parents=True, exist_ok=True)
    for name, build in ((modelcache.PROVINCE_FILE, province.ProvinceClassifier),
                        (modelcache.LATIN_FILE, latin.LatinClassifier)):
        try:
            build(cache=models / name)
        except RuntimeError as exc:  # no training fonts: the lanes read on without it
            log.warning("demo: %s not built: %s", name, exc)
            continue
        for lane in lanes:
            if (models / name).exists():
                shutil.copy2(models / name, lane.data_dir / name)


@dataclass
class Bootstrap:
    api_key: str
    carrier_id: str
    officer_user: str
    officer_password: str


def bootstrap_database(*, db_url: str, lanes: list[DemoLane], rng: random.Random) -> Bootstrap:
    """Schema, lane devices, a carrier with an API key and an officer account."""
    from services.carriers import create_carrier
    from services.db.session import make_engine, make_session_factory, migrate
    from services.devices import register_device
    from services.officers import create_officer

    engine = make_engine(db_url)
    migrate(engine)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    password = f"demo-{rng.randrange(10**6):06d}"
    with sessions() as session, session.begin():
        for lane in lanes:
            register_device(session, device_id=lane.device_id, lane_id=lane.lane_id,
                            secret=lane.device_secret, now=now)
        carrier, api_key = create_carrier(session, name="Công ty Vận tải Lạng Sơn (demo)",
                                          country="VN", now=now)
        create_officer(session, username="officer", full_name="Nguyễn Văn An", role="supervisor",
                       password=password, now=now)
        carrier_id = carrier.id
    engine.dispose()
    return Bootstrap(api_key, carrier_id, "officer", password)


class Process:
    """A child ``smartgate`` process with its own log file."""

    def __init__(self, name: str, popen: subprocess.Popen[bytes], log_path: Path, log: IO[bytes]):
        self.name, self._p, self.log_path, self._log = name, popen, log_path, log

    def poll(self) -> int | None:
        return self._p.poll()

    @property
    def returncode(self) -> int | None:
        return self._p.returncode

    def kill(self) -> None:
        """SIGKILL, as a crash or a cut cable would look to everybody else."""
        if self._p.poll() is None:
            self._p.kill()
            self._p.wait()
        self._log.close()

    def terminate_gracefully(self, timeout: float = 10.0) -> None:
        if self._log.closed:
            return
        if self._p.poll() is None:
            self._p.terminate()
            try:
                self._p.wait(timeout)
            except subprocess.TimeoutExpired:
                self._p.kill()
                self._p.wait()
        self._log.close()


def start_process(name: str, args: list[str], workdir: Path, env: dict[str, str]) -> Process:
    log_path = workdir / "logs" / f"{name}.log"
    log = log_path.open("ab")
    popen = subprocess.Popen([sys.executable, "-m", "smartgate.cli", *args],
                             env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    return Process(name, popen, log_path, log)


def wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout}s")
