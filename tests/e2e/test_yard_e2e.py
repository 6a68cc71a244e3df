"""The yard on real parts: a yard camera (the same edge agent, OCR on generated frames) checks a
pre-registered truck in, the call-forward worker calls it, the gate lane opens for it, and the
worker sees it arrive. PostgreSQL, Mosquitto, Tesseract."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from test_spine import GATE, Spine

from domain.reference import load_reference
from domain.signing import new_device_secret
from edge.agent import EdgeAgent
from edge.barrier import SimulatedRelay
from edge.reader import make_reader
from edge.settings import EdgeSettings
from edge.sources import FolderSource
from services.db.session import make_session_factory
from services.devices import register_device
from services.yard.callforward import YardPolicy
from services.yard.models import YardEntry
from services.yard.worker import YardWorker
from smartgate.broker import MosquittoBroker
from smartgate.scenes import drop_pass

YARD_LANE, YARD_DEVICE = "hn1119-yard", "hn1119-yard-cam1"


def drop_truck(inbox: Path, plate: str, seed: int) -> None:
    drop_pass(inbox, plate=plate, rng=random.Random(seed))


def wait_for(pred: Callable[[], bool], timeout: float = 40.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.3)
    return pred()


def test_yard_check_in_call_and_arrival_on_real_parts(tmp_path: Path,
                                                      make_pg_url: Callable[[], str]) -> None:
    broker = MosquittoBroker(tmp_path / "mq").start()
    spine = Spine(tmp_path, make_pg_url(), broker, shared=True)
    sessions = make_session_factory(spine.engine)
    secret = new_device_secret()
    with sessions() as s, s.begin():
        register_device(s, device_id=YARD_DEVICE, lane_id=YARD_LANE, secret=secret,
                        now=datetime.now(UTC))
    inbox = tmp_path / "yard-inbox"
    inbox.mkdir()
    yard_cam = EdgeAgent(
        EdgeSettings(env="demo", lane_id=YARD_LANE, device_id=YARD_DEVICE, device_secret=secret,
                     mqtt_url=broker.add_device(YARD_DEVICE, YARD_LANE), centre_public_keys={},
                     source=str(inbox), watch=True, data_dir=tmp_path / "yard-edge",
                     pass_timeout_s=2.0),
        reader=make_reader(), barrier=SimulatedRelay(auto_close_s=2.0),
        source=FolderSource(inbox, watch=True)).start()
    try:
        trip_id = spine.register("12C-345.67")
        drop_truck(inbox, "12C34567", seed=11)

        def entry() -> YardEntry | None:
            with sessions() as s:
                row = s.scalar(select(YardEntry).where(YardEntry.trip_id == trip_id))
                if row is not None:
                    s.expunge(row)
                return row

        assert wait_for(lambda: entry() is not None)
        assert (entry().state, entry().gate_id) == ("waiting", GATE)  # type: ignore[union-attr]
        assert spine.trip_status(trip_id) == "in_yard"  # the carrier sees it over the API
        assert not spine.commands and spine.barrier.opens == 0  # a yard read moves no barrier

        worker = YardWorker(sessions, reference=load_reference(tmp_path / "gates.toml"),
                            policy=YardPolicy(), sms=None)
        worker.run_once(now=datetime.now(UTC))
        assert entry().state == "called"  # type: ignore[union-attr]

        spine.drive("12C34567", seed=12)  # the truck reaches the export lane
        cmd = spine.next_command()
        assert (cmd.action, cmd.trip_id) == ("open", trip_id)
        worker.run_once(now=datetime.now(UTC))
        assert entry().state == "arrived"  # type: ignore[union-attr]
    finally:
        yard_cam.stop()
        spine.close()
        broker.stop()
