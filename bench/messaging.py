"""Benchmark: edge -> centre -> edge messaging on a real Mosquitto and PostgreSQL.

Three runs on one broker (started here with the project's configuration) and one
fresh PostgreSQL database, in the same process run:

1. ``raw``: plain paho QoS 1 throughput of this broker - one publisher, one
   subscriber, payloads of a plate read's size - the ceiling for everything else.
2. ``throughput``: a lane device publishes ``--events`` signed pass-grade plate
   reads as fast as paho takes them; the central service (``--instances`` of it,
   sharing ``$share/central/...``) verifies, decides, stores and sends a signed
   lane command for each; we count until every command has arrived back on the
   lane's command topic. ``events_per_s`` = events / (first publish -> last
   command), ``ratio`` = ``events_per_s`` / ``raw_broker_msgs_per_s``.
3. ``latency``: ``--rate`` events/s for ``--seconds``; per event, publish ->
   lane command received (p50, p99).

``lost`` = events without a stored decision or without a received command;
``duplicates`` = decisions or commands beyond one per event.

    .venv/bin/python bench/messaging.py            # PostgreSQL from SMARTGATE_TEST_PG

Last line: one JSON object (events_per_s, raw_broker_msgs_per_s, ratio, p50_ms, p99_ms,
lost, duplicates, ...).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import func, select

from domain import topics
from domain.messages import LaneCommandV1, PlateReadV1, parse_message
from domain.signing import generate_signing_key, hmac_sign, new_device_secret, new_nonce
from mqttio import MqttLink
from services.central.service import CentralService
from services.db.models import Carrier, Decision, Trip
from services.db.session import make_engine, make_session_factory, migrate
from services.devices import register_device
from services.settings import CentralSettings
from smartgate.broker import MosquittoBroker

LANE, GATE = "hn1119-x1", "huu-nghi-1119"
PG_ADMIN = os.environ.get("SMARTGATE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def round_the_clock(path: Path) -> Path:
    """The packaged gates, every one open 00:00-00:00 (the bench runs at any hour)."""
    src = Path(__file__).resolve().parents[1] / "domain/data/gates.toml"
    out = []
    for line in src.read_text(encoding="utf-8").splitlines():
        name = line.split("=")[0].strip()
        out.append(f'{name} = "00:00"' if name in ("opens", "closes") else line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def plate_of(i: int) -> str:
    return f"29C{i % 100000:05d}"


def reads(device_id: str, secret: str, start: int, n: int) -> list[tuple[str, bytes]]:
    """Signed pass-grade reads with unique plates (a command names its plate)."""
    now = datetime.now(UTC)
    out = []
    for i in range(start, start + n):
        msg = PlateReadV1(device_id=device_id, sent_at=now, nonce=new_nonce(),
                          event_id=uuid.uuid4().hex, lane_id=LANE, pass_id=uuid.uuid4().hex,
                          grade="pass", captured_at=now, plate=plate_of(i), raw_text=plate_of(i),
                          confidence=0.97, layout="1-line", country="VN", frames=3)
        out.append((msg.plate or "", hmac_sign(msg, secret).to_json()))
    return out


def raw_broker(broker: MosquittoBroker, n: int, size: int) -> float:
    """QoS 1 messages/s from one paho publisher through the broker to one paho subscriber."""
    topic = f"{topics.PREFIX}/bench/raw"
    sub = MqttLink(broker.url("admin"), f"bench-sub-{uuid.uuid4().hex[:6]}",
                   subscriptions=[(topic, 1)], clean_session=True, queue_size=n + 10).start()
    pub = MqttLink(broker.url("admin"), f"bench-pub-{uuid.uuid4().hex[:6]}",
                   clean_session=True).start()
    time.sleep(0.3)
    payload = b"x" * size
    t0 = time.perf_counter()
    for _ in range(n):
        pub.publish(topic, payload, qos=1)
    got = 0
    while got < n:
        if sub.get(timeout=10) is None:
            break
        got += 1
    elapsed = time.perf_counter() - t0
    pub.stop()
    sub.stop()
    if got < n:
        raise RuntimeError(f"raw run lost messages: {got}/{n}")
    return n / elapsed


def run(args: argparse.Namespace) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="sg-bench-msg-"))
    broker = MosquittoBroker(work / "mosquitto").start()
    db_name = f"sg_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    db_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + db_name
    engine = make_engine(db_url)
    services: list[CentralService] = []
    try:
        migrate(engine)
        sessions = make_session_factory(engine)
        now = datetime.now(UTC)
        device_id, secret = "bench-cam1", new_device_secret()
        total = args.events + int(args.rate * args.seconds)
        with sessions() as s, s.begin():
            register_device(s, device_id=device_id, lane_id=LANE, secret=secret, now=now)
            carrier = Carrier(name="Bench carrier", country="VN", created_at=now)
            s.add(carrier)
            s.flush()
            for i in range(0, total, max(1, total // args.trips)):  # some plates are declared
                s.add(Trip(reference=f"B{i:07d}", carrier_id=carrier.id, plate=plate_of(i),
                           vehicle_country="VN", gate_id=GATE, direction="export",
                           window_start=now - timedelta(hours=1),
                           window_end=now + timedelta(hours=3), status="submitted",
                           declaration_no="10512345678", channel="green", fee_paid=True,
                           created_at=now, updated_at=now))
        device_url = broker.add_device(device_id, LANE)
        sample = reads(device_id, secret, 0, 1)[0][1]
        raw = raw_broker(broker, args.raw_messages, len(sample))

        private, _ = generate_signing_key()
        reference = round_the_clock(work / "gates.toml")
        for k in range(args.instances):
            settings = CentralSettings(
                database_url=db_url, mqtt_url=broker.url("central"), centre_signing_key=private,
                client_id=f"central-bench-{k}", reference_path=reference,
                command_retry_s=600.0, command_ttl_s=600.0, migrate_on_start=False)
            services.append(CentralService(settings, engine=engine,
                                           batch_max=args.batch).start())
        lane_side = MqttLink(broker.url("admin"), "bench-lane-commands",
                             subscriptions=[(topics.commands(LANE), 1)], clean_session=True,
                             queue_size=total + 100).start()
        device = MqttLink(device_url, device_id, clean_session=True).start()
        time.sleep(0.5)
        commands: Counter[str] = Counter()
        received_at: dict[str, float] = {}

        def collect(until: int, timeout: float) -> None:
            deadline = time.monotonic() + timeout
            while sum(1 for p in commands) < until and time.monotonic() < deadline:
                item = lane_side.get(timeout=0.5)
                if item is None:
                    continue
                cmd = parse_message(item.payload)
                assert isinstance(cmd, LaneCommandV1) and cmd.plate is not None
                commands[cmd.plate] += 1
                received_at.setdefault(cmd.plate, time.perf_counter())

        # throughput
        batch = reads(device_id, secret, 0, args.events)
        t0 = time.perf_counter()
        for _, payload in batch:
            device.publish(topics.reads(LANE), payload, qos=1)
        collect(args.events, timeout=300)
        done = max(received_at.values()) if received_at else time.perf_counter()
        events_per_s = len(received_at) / (done - t0)

        # latency at a fixed rate
        paced = reads(device_id, secret, args.events, total - args.events)
        sent_at: dict[str, float] = {}
        start = time.perf_counter()
        for i, (plate, payload) in enumerate(paced):
            due = start + i / args.rate
            while (delay := due - time.perf_counter()) > 0:
                time.sleep(delay)
            sent_at[plate] = time.perf_counter()
            device.publish(topics.reads(LANE), payload, qos=1)
        collect(total, timeout=60)
        lat = sorted((received_at[p] - t) * 1000 for p, t in sent_at.items() if p in received_at)
        time.sleep(1.0)  # anything late or doubled arrives now
        while (item := lane_side.get(timeout=0.2)) is not None:
            cmd = parse_message(item.payload)
            if isinstance(cmd, LaneCommandV1) and cmd.plate:
                commands[cmd.plate] += 1
        with sessions() as s:
            decisions = s.execute(select(func.count()).select_from(Decision)).scalar_one()
        device.stop()
        lane_side.stop()
        snap: Counter[str] = Counter()
        for svc in services:
            snap.update(svc.metrics_snapshot())
        return {
            "events_per_s": round(events_per_s, 1),
            "raw_broker_msgs_per_s": round(raw, 1),
            "ratio": round(events_per_s / raw, 3),
            "p50_ms": round(statistics.median(lat), 2) if lat else None,
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2) if lat else None,
            "latency_rate_per_s": args.rate,
            "lost": total - min(decisions, len(commands)),
            "duplicates": max(0, decisions - total) + sum(c - 1 for c in commands.values()),
            "events": args.events, "paced_events": total - args.events,
            "instances": args.instances, "batch_max": args.batch, "database": "postgresql",
            "broker": "mosquitto", "batch_fallbacks": snap.get("batch_fallbacks", 0),
            "decided": {k.split(".", 1)[1]: v for k, v in snap.items()
                        if k.startswith("decided.")},
        }
    finally:
        for svc in services:
            svc.stop()
        engine.dispose()
        broker.stop()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=10_000, help="throughput run size")
    p.add_argument("--raw-messages", type=int, default=20_000, help="raw paho run size")
    p.add_argument("--rate", type=float, default=50.0, help="latency run, events/s")
    p.add_argument("--seconds", type=float, default=10.0, help="latency run length")
    p.add_argument("--instances", type=int, default=1, help="central instances ($share)")
    p.add_argument("--batch", type=int, default=500, help="central batch_max")
    p.add_argument("--trips", type=int, default=200, help="declared trips")
    result = run(p.parse_args())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
