"""Benchmark: the central worker's ``process_batch`` in process, on PostgreSQL, without MQTT.

Why beside ``bench/messaging.py``: end to end, the central's CPU per event also holds
paho's network thread and its publish/ack calls, and it moves by ±20 % with whatever
else shares the two cores. This measures the worker alone (parse, verify, decide, sign,
bulk insert, commit) with a stub link that only counts what would be published, on the
same reads and trips as ``bench/messaging.py``: a fresh database with 1,500 declared
trips, one warm-up batch (it loads the trips), the central's collector policy
(``tune_gc``, as ``smartgate central`` sets it after start), then ``--reads`` reads in
batches of ``--batch``. Compare builds by running each one's copy of this file, alternated.

    .venv/bin/python bench/central_batch.py            # PostgreSQL from SMARTGATE_TEST_PG

Last line: one JSON object (cpu_ms_per_msg, wall_ms_per_msg, published and decided with the
warm-up batch included).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.messaging_lanes import GATE, LANE, plate_of, reads, round_the_clock
from bench.scratchdb import admin_url, create_database, drop_database
from domain import topics
from domain.signing import generate_signing_key, new_device_secret
from mqttio.client import Received
from services.central.cli import tune_gc
from services.central.service import CentralService
from services.db.models import Carrier, Trip
from services.db.session import make_engine, make_session_factory, migrate
from services.devices import register_device
from services.settings import CentralSettings


class CountingLink:
    """The worker's link, minus MQTT: publishes are counted, acks dropped."""

    connected = threading.Event()

    def __init__(self) -> None:
        self.published = 0

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False,
                wait: float | None = None) -> None:
        self.published += 1

    def ack(self, item: Received) -> None:
        pass


def run(args: argparse.Namespace) -> dict[str, object]:
    pg_admin = admin_url()
    db_name, db_url = create_database(pg_admin, "sg_bench_batch")
    engine = make_engine(db_url)
    try:
        migrate(engine)
        sessions = make_session_factory(engine)
        now = datetime.now(UTC)
        device_id, secret = "bench-cam1", new_device_secret()
        with sessions() as s, s.begin():
            register_device(s, device_id=device_id, lane_id=LANE, secret=secret, now=now)
            carrier = Carrier(name="Bench carrier", country="VN", created_at=now)
            s.add(carrier)
            s.flush()
            for i in range(args.trips):
                s.add(Trip(reference=f"B{i:07d}", carrier_id=carrier.id, plate=plate_of(i),
                           vehicle_country="VN", gate_id=GATE, direction="export",
                           window_start=now - timedelta(hours=1),
                           window_end=now + timedelta(hours=3), status="submitted",
                           declaration_no="10512345678", channel="green", fee_paid=True,
                           created_at=now, updated_at=now))
        private, _ = generate_signing_key()
        reference = round_the_clock(Path(tempfile.mkdtemp(prefix="sg-bench-batch-")) / "g.toml")
        settings = CentralSettings(database_url=db_url, centre_signing_key=private,
                                   centre_key_id="bench-centre", reference_path=reference,
                                   migrate_on_start=False)
        service = CentralService(settings, engine=engine)
        link = CountingLink()
        service.link = link  # type: ignore[assignment]  # a stub of the Link protocol
        signed = reads(device_id, secret, 0, args.batch + args.reads, args.trips)
        items = [Received(topics.reads(LANE), payload, 1, False, i)
                 for i, (_, payload) in enumerate(signed)]
        service.process_batch(items[:args.batch])  # loads the gate's trips, once
        # The collector policy `smartgate central` sets once started (services.central.cli):
        # without it ~10 % of the worker's CPU is collections spread over whatever allocates,
        # and a profile here is not the service's (round 24: decide read 35 % for its 20 %).
        tune_gc(settings.gc_threshold)
        cpu, wall = time.process_time(), time.perf_counter()
        for k in range(args.batch, len(items), args.batch):
            service.process_batch(items[k:k + args.batch])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        snap = service.metrics_snapshot()
        return {
            "cpu_ms_per_msg": round(cpu / args.reads * 1e3, 3),
            "wall_ms_per_msg": round(wall / args.reads * 1e3, 3),
            "reads": args.reads, "batch": args.batch, "gc_threshold": settings.gc_threshold,
            "published": link.published,
            "decided": {k.split(".", 1)[1]: v for k, v in sorted(snap.items())
                        if k.startswith("decided.")},
        }
    finally:
        engine.dispose()
        drop_database(pg_admin, db_name)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reads", type=int, default=5_000, help="timed reads (after the warm-up)")
    p.add_argument("--batch", type=int, default=500, help="reads per process_batch")
    p.add_argument("--trips", type=int, default=1500, help="declared trips (a day at the gate)")
    print(json.dumps(run(p.parse_args())))


if __name__ == "__main__":
    main()
