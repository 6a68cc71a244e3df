"""Scale-out on a real 3-node NATS cluster: lanes on MQTT, two centrals on one durable consumer.

A node dies mid-stream (SIGKILL, the stream's leader): every read the lanes
emitted is still stored, every pass read decided exactly once, and every
outbox empties (the centre acknowledged everything).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.signing import generate_signing_key
from services.central.jetstream import STREAM, JetStreamCentral
from services.db.models import Decision, LaneCommand, PlateRead
from services.db.session import make_engine, make_session_factory
from services.settings import CentralSettings
from smartgate.natscluster import NatsCluster
from smartgate.simlanes import SimLane, drive, register_sim_devices, scale_reference, wait_drained

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    if not NatsCluster.available():
        raise RuntimeError("nats-server is not installed (Debian package nats-server)")
    c = NatsCluster(tmp_path / "nats").start()
    yield c
    c.stop()


def stream_leader(cluster: NatsCluster) -> int:
    """Index of the node leading the lanes' stream (asked of any live node)."""
    names = [f"sg-nats-{i + 1}" for i in range(cluster.size)]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for i, proc in enumerate(cluster.procs):
            if proc is None:
                continue
            info = cluster.varz(i)
            for acc in info.get("account_details", []):  # type: ignore[union-attr]
                for st in acc.get("stream_detail", []):
                    leader = (st.get("cluster") or {}).get("leader")
                    if st.get("name") == STREAM and leader in names:
                        return names.index(leader)
        time.sleep(0.3)
    raise AssertionError("no stream leader")


def test_node_killed_mid_stream_nothing_lost_each_event_decided_once(
        cluster: NatsCluster, make_pg_url: Callable[[], str], tmp_path: Path) -> None:
    db_url = make_pg_url()
    lane_ids = scale_reference(tmp_path / "gates.toml", lanes=6)
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    secrets = register_sim_devices(sessions, lane_ids)
    private, _ = generate_signing_key()
    centrals = [JetStreamCentral(CentralSettings(
        database_url=db_url, centre_signing_key=private, transport="jetstream",
        nats_servers=",".join(cluster.nats_urls), reference_path=tmp_path / "gates.toml",
        client_id=f"central-{n}-{uuid.uuid4().hex[:6]}")).start() for n in range(2)]
    leader = stream_leader(cluster)
    lanes_node = (leader + 1) % cluster.size  # the lanes talk MQTT to a node that survives
    lanes = [SimLane(lane, f"{lane}-cam", secrets[lane], cluster.mqtt_url(lanes_node),
                     tmp_path / "edge", resend_after=4.0).start() for lane in lane_ids]
    try:
        stop = threading.Event()
        driver = threading.Thread(target=drive, kwargs={
            "lanes": lanes, "seconds": 9.0, "fps": 8.0, "frames_per_vehicle": 3, "stop": stop})
        driver.start()
        time.sleep(3.0)
        emitted_before_kill = sum(len(lane.emitted) for lane in lanes)
        cluster.kill(leader)  # SIGKILL the stream leader mid-stream
        driver.join(30)
        emitted = [e for lane in lanes for e in lane.emitted]
        passes = [e for lane in lanes for e in lane.passes]
        assert 0 < emitted_before_kill < len(emitted), "the kill did not land mid-stream"
        assert wait_drained(lanes, timeout=90), (
            f"outboxes not emptied: {[lane.unacked for lane in lanes]}")
        with sessions() as s:
            stored = set(s.scalars(select(PlateRead.event_id)))
            decided = list(s.scalars(select(Decision.event_id)))
            commands = s.scalar(select(func.count()).select_from(LaneCommand))
        assert set(emitted) <= stored, f"{len(set(emitted) - stored)} reads lost"
        assert len(stored) == len(emitted)
        assert sorted(decided) == sorted(passes), "each pass read decided exactly once"
        assert commands == len(passes)
        handled = [c.metrics_snapshot() for c in centrals]
        assert all(h.get("decided", 0) + sum(v for k, v in h.items() if k.startswith("decided."))
                   > 0 for h in handled), f"both instances must share the work: {handled}"
    finally:
        for lane in lanes:
            lane.stop()
        for c in centrals:
            c.stop()
        engine.dispose()
