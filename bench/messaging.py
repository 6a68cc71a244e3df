"""Benchmark: edge -> centre -> edge messaging on a real Mosquitto and PostgreSQL.

Three runs on one broker (started here with the project's configuration) and one
fresh PostgreSQL database, in the same process run:

1. ``raw``: plain paho QoS 1 throughput of this broker - one publisher, one
   subscriber, payloads of a plate read's size - the ceiling for everything else; run
   twice, the process free and on one core, and the better rate taken (``raw_baseline``).
2. ``throughput``: after ``--warmup`` reads (each instance's first batch loads the
   gate's trips, once) and once the central processes are idle (their start-up
   work, such as the first pre-clearance list, is done: ``bench/cpuwatch.py``), a
   lane device publishes ``--events`` signed pass-grade plate
   reads as fast as paho takes them; the central service (``--instances`` of it,
   sharing ``$share/central/...``; by default one per core, the deployment
   docs/production.md recommends) verifies, decides, stores and sends a signed
   lane command for each; we count until every command has arrived back on the
   lane's command topic. ``events_per_s`` = events / (first publish -> last
   command), ``ratio`` = ``events_per_s`` / ``raw_broker_msgs_per_s``.
3. ``latency``: ``--rate`` events/s for ``--seconds``; per event, publish ->
   lane command received (p50, p99).

The lane is one connection with the device's credentials, subscribed as the edge agent
is: its commands, its acks, its pre-clearance list and the centre's status, not the
decision notices (those are for consoles). It only notes what arrives; which event each
command answers is read from the database after the run (``bench/messaging_tally.py``).
``lost`` = events without a stored decision or without a received, verified command;
``duplicates`` = decisions or command copies beyond one per event; ``unacked`` = events
the device never had a signed ack for. ``*_cpu_ms_per_event``: CPU time per event of
the central processes, their PostgreSQL backends, the broker and this bench process
during the throughput run (``/proc``), steadier than events/s on a shared machine.

    .venv/bin/python bench/messaging.py            # PostgreSQL from SMARTGATE_TEST_PG

Last line: one JSON object (events_per_s, raw_broker_msgs_per_s, ratio, p50_ms, p99_ms,
lost, duplicates, ...).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.cpuwatch import CpuWatch, wait_idle, with_children
from bench.messaging_lanes import GATE, Lanes, per_message, plate_of, reads, round_the_clock
from bench.messaging_tally import stored_links
from bench.rawpaho import raw_baseline
from bench.scratchdb import admin_url, create_database, drop_database
from domain.preclearance import GRID_STEP
from domain.signing import generate_signing_key
from services.db.models import Carrier, Decision, Trip
from services.db.session import make_engine, make_session_factory, migrate
from smartgate.broker import MosquittoBroker

STEP_S = GRID_STEP.total_seconds()


def run(args: argparse.Namespace) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="sg-bench-msg-"))
    broker = MosquittoBroker(work / "mosquitto").start()
    pg_admin = admin_url()
    db_name, db_url = create_database(pg_admin, "sg_bench")
    engine = make_engine(db_url)
    services: list[subprocess.Popen[bytes]] = []
    lanes = Lanes(args.lanes)
    try:
        migrate(engine)
        sessions = make_session_factory(engine)
        now = datetime.now(UTC)
        total = args.events + int(args.rate * args.seconds)
        with sessions() as s, s.begin():
            lanes.register(s, now)
            carrier = Carrier(name="Bench carrier", country="VN", created_at=now)
            s.add(carrier)
            s.flush()
            for i in range(args.trips):  # a day's declared trucks at the gate
                s.add(Trip(reference=f"B{i:07d}", carrier_id=carrier.id, plate=plate_of(i),
                           vehicle_country="VN", gate_id=GATE, direction="export",
                           window_start=now - timedelta(hours=1),
                           window_end=now + timedelta(hours=3), status="submitted",
                           declaration_no="10512345678", channel="green", fee_paid=True,
                           created_at=now, updated_at=now))
        first = lanes.devices[0]
        sample = reads(first.device_id, first.secret, 0, 1, args.trips)[0][1]
        raws = raw_baseline(broker, args.raw_messages, len(sample))
        raw = raws["raw_broker_msgs_per_s"]

        private, public = generate_signing_key()
        keys = {"bench-centre": public}  # what a lane holds: the centre's public key by id
        reference = round_the_clock(work / "gates.toml", args.lanes)
        for k in range(args.instances):  # separate processes, as deployed
            env = {**os.environ, "DATABASE_URL": db_url, "MQTT_URL": broker.url("central"),
                   "CENTRE_SIGNING_KEY": private, "CENTRE_KEY_ID": "bench-centre",
                   "SMARTGATE_REFERENCE": str(reference),
                   "CENTRAL_COMMAND_RETRY_S": "600", "CENTRAL_COMMAND_TTL_S": "600"}
            log = open(work / f"central-{k}.log", "wb")  # noqa: SIM115 - closed with the process
            services.append(subprocess.Popen(
                [sys.executable, "-m", "smartgate.cli", "central", "--client-id",
                 f"central-bench-{k}", "--log-level",
                 os.environ.get("BENCH_CENTRAL_LOG", "WARNING")],
                env=env, stdout=log, stderr=subprocess.STDOUT))
        wait_connected(broker, [f"central-bench-{k}" for k in range(args.instances)])
        lanes.connect(broker, queue_size=args.warmup + total + 1000)
        time.sleep(0.5)

        # Warm-up, then the instances idle: a centre in service has loaded the gate's trips
        # (each instance on its first batch) and signed each lane's pre-clearance list (~1 s
        # of CPU a list, after the first decisions); neither is per event.
        warm = lanes.signed(total, args.warmup, args.trips)
        for read in warm:
            lanes.publish(read)
        lanes.collect(args.warmup, timeout=120 + 15 * args.lanes, lists=True)
        pids = with_children([p.pid for p in services])  # each central's list process too
        idle_after_s = wait_idle(pids, every=1.5)  # > the list loop's 1 s pause

        # throughput
        batch = lanes.signed(0, args.events, args.trips)
        cpu = CpuWatch({"central": pids, "broker": [broker.pid] if broker.pid else []},
                       pg_admin=pg_admin, db_name=db_name)
        t0 = time.time()
        print(f"throughput run from {datetime.now(UTC).isoformat()} (start-up done after "
              f"{idle_after_s:.1f} s idle wait)", file=sys.stderr)
        before = lanes.messages()
        for read in batch:
            lanes.publish(read)
        lanes.collect(args.warmup + args.events, timeout=300)
        throughput_end = time.time()
        cpu_per_event = cpu.per_event(args.events)
        after = lanes.messages()

        # latency at a fixed rate (the same total rate, spread over the lanes)
        paced = lanes.signed(args.events, total - args.events, args.trips)
        if args.at_step:
            wait_for_step(args.seconds)
        sent_at: dict[str, float] = {}
        paced_cpu = CpuWatch({"central": pids}, pg_admin=pg_admin, db_name=db_name)
        paced_from = time.time()
        start = time.perf_counter()
        for i, read in enumerate(paced):
            due = start + i / args.rate
            while (delay := due - time.perf_counter()) > 0:
                time.sleep(delay)
            sent_at[read.event_id] = time.time()
            lanes.publish(read)
        paced_until = time.time()
        lanes.collect(args.warmup + total, timeout=60)
        # At a lane's pace each batch holds one or two reads: what a batch costs whatever its
        # size shows here, not in the throughput run's batches of hundreds (idle loops included).
        at_pace = paced_cpu.per_event(total - args.events)
        time.sleep(1.0)  # anything late or doubled arrives now
        lanes.drain()
        with sessions() as s:
            links, decided = stored_links(s)
            outcomes = dict(s.execute(select(Decision.outcome, func.count())
                                      .group_by(Decision.outcome)).tuples().all())
        tallies, unacked = lanes.tally(public_keys=keys, links=links, decided=decided)
        got = {e: at for t in tallies for e, at in t.arrived.items()}
        done = [at for r in batch if (at := got.get(r.event_id)) is not None
                and at <= throughput_end]
        events_per_s = len(done) / (max(done, default=throughput_end) - t0)
        lat = sorted((got[e] - t) * 1000 for e, t in sent_at.items() if e in got)
        messages = sum(m1 - m0 for (m0, _), (m1, _) in zip(before, after, strict=True))
        commands = sum(c1 - c0 for (_, c0), (_, c1) in zip(before, after, strict=True))
        return {
            "events_per_s": round(events_per_s, 1),
            **raws,
            "ratio": round(events_per_s / raw, 3),
            "p50_ms": round(statistics.median(lat), 2) if lat else None,
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2) if lat else None,
            "latency_rate_per_s": args.rate,
            "crossed_step": int(paced_from // STEP_S) != int(paced_until // STEP_S),
            "lost": sum(t.lost for t in tallies),
            "duplicates": sum(t.duplicates for t in tallies),
            "unverified_commands": sum(t.unverified for t in tallies),
            "unacked": sum(unacked),
            **cpu_per_event,
            "paced_central_cpu_ms_per_event": at_pace["central_cpu_ms_per_event"],
            "paced_postgres_cpu_ms_per_event": at_pace.get("postgres_cpu_ms_per_event"),
            "events": args.events, "paced_events": total - args.events,
            "warmup_events": args.warmup, "idle_after_s": round(idle_after_s, 1),
            "instances": args.instances, "database": "postgresql",
            "broker": "mosquitto", "decided": outcomes, "lanes": args.lanes,
            # the throughput run's command messages (a lone command is a message of one)
            "commands_per_message": round(commands / messages, 2) if messages else None,
            "per_lane": [{"lane": d.lane_id, "events": len(sent), "lost": t.lost,
                          "duplicates": t.duplicates, "unverified": t.unverified,
                          "unacked": u, "commands_per_message": cpm}
                         for d, sent, t, u, cpm in zip(
                             lanes.devices, lanes.sent, tallies, unacked,
                             per_message(before, after), strict=True)],
        }
    finally:
        lanes.close()
        for proc in services:
            proc.terminate()
            proc.wait(30)
        engine.dispose()
        broker.stop()
        drop_database(pg_admin, db_name)


def wait_connected(broker: MosquittoBroker, client_ids: list[str]) -> None:
    """Return once the broker has logged every client's connection (and a second more).

    Why: publish only once every central has subscribed: a shared subscription that does
    not exist yet receives nothing (the broker has no one to queue for).
    """
    log_file = broker.workdir / "mosquitto.log"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(
            f"as {c} " in log_file.read_text() for c in client_ids):
        time.sleep(0.2)
    time.sleep(1.0)


def wait_for_step(seconds: float) -> None:
    """Sleep until a 5-minute grid step will fall in the middle of the next ``seconds``.

    Why: at each step the centre re-issues the lanes' pre-clearance lists (their spans move
    on), the costliest thing it does besides decisions; a paced run that crosses one measures
    the latency a lane sees then. Unaligned, only ~1 run in 30 crosses one.
    """
    now = time.time()
    start = (now // STEP_S + 1) * STEP_S - seconds / 2
    if start < now + 1:
        start += STEP_S
    print(f"waiting {start - now:.0f} s for a grid step", file=sys.stderr)
    time.sleep(start - now)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=10_000, help="throughput run size")
    p.add_argument("--raw-messages", type=int, default=20_000, help="raw paho run size")
    p.add_argument("--rate", type=float, default=50.0, help="latency run, events/s")
    p.add_argument("--seconds", type=float, default=10.0, help="latency run length")
    p.add_argument("--instances", type=int, default=os.cpu_count() or 1,
                   help="central instances ($share); default one per core, as deployed")
    p.add_argument("--warmup", type=int, default=50,
                   help="reads before the throughput run (not timed, still accounted)")
    p.add_argument("--trips", type=int, default=1500, help="declared trips (a day at the gate)")
    p.add_argument("--lanes", type=int, default=1,
                   help="lane devices sharing the events (each its own device and connection)")
    p.add_argument("--at-step", action="store_true",
                   help="time the paced run so that a 5-minute list step falls in its middle")
    args = p.parse_args()
    # Why: Python's default SIGTERM ends the process without running ``run``'s ``finally``,
    # which left the centrals, their list processes, the broker and the scratch database
    # behind (a killed run's orphans loaded the next runs' cores); SystemExit runs it.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    result = run(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
