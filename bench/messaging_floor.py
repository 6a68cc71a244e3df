"""Benchmark: how far the pipeline's messaging alone lets ``bench/messaging.py``'s ratio go.

Why: ``bench/messaging.py`` divides end-to-end events/s by the raw paho QoS 1 rate of the
same broker. The raw rate is one hop (a paho publisher and a paho subscriber in one
process, so on one core); an event crosses two hops (the read in, its command out) plus a
decision notice, manual acks and the device acks. This runs the same packet shape with
no application work: "echo" centrals (separate processes, the central's link settings:
``$share`` subscription, manual ack, persistent session, Nagle on) that answer each read
with a command of the read's own bytes, send the batch's notices as one message per 20
reads (as the central's ``DecisionBatchV1`` since round 8), ack the reads after the
publishes and send one device ack per 200 reads, as the central does. The lane is the same device
connection as ``bench/messaging.py``'s (one process publishing reads and receiving
commands). What is left between the ratio here and ``bench/messaging.py``'s is the
central's own work per event (parse, verify, decide, sign, store); ``bench/central_batch.py``
measures that work alone.

    .venv/bin/python bench/messaging_floor.py --instances 2

Last line: one JSON object: ``floor_events_per_s``, ``raw_broker_msgs_per_s``,
``floor_ratio``, CPU ms per event of the echo processes, the broker and this process, and
``cpu_budget_ms_per_event_at_half`` (what two cores give per event at half the raw rate).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson

from bench.cpuwatch import cpu_seconds, wait_idle
from bench.messaging import wait_connected
from bench.messaging_lanes import LANE, reads
from bench.rawpaho import raw_baseline
from domain import topics
from domain.signing import new_device_secret
from mqttio import MqttLink
from smartgate.broker import MosquittoBroker

ACKS_EVERY = 200  # device acks carry up to 200 event ids each, as the central's do
DEVICE = "bench-cam1"
NOTICES_PER_MESSAGE = 20  # ~750-byte decision notices in a 16 KiB DecisionBatchV1


def echo(url: str, client_id: str, batch_max: int) -> None:
    """A central without application work: the same publishes and acks per read."""
    link = MqttLink(url, client_id, subscriptions=[(topics.shared(topics.all_lanes("reads")), 1)],
                    manual_ack=True, clean_session=False, no_delay=False).start()
    pending_acks = 0
    while True:
        item = link.get(timeout=1.0)
        if item is None:
            continue
        items = [item]
        while len(items) < batch_max and (more := link.get(timeout=0)) is not None:
            items.append(more)
        for it in items:
            link.publish(topics.commands(LANE), it.payload, qos=1)
        # Notices as the central sends them: one message per lane and batch, up to 16 KiB.
        for start in range(0, len(items), NOTICES_PER_MESSAGE):
            link.publish(topics.decisions(LANE), b",".join(
                it.payload for it in items[start:start + NOTICES_PER_MESSAGE]), qos=1)
        pending_acks += len(items)
        while pending_acks >= ACKS_EVERY:
            link.publish(topics.device_acks(DEVICE), b"{}", qos=1)
            pending_acks -= ACKS_EVERY
        for it in items:
            link.ack(it)


def run(args: argparse.Namespace) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="sg-bench-floor-"))
    broker = MosquittoBroker(work / "mosquitto").start()
    echoes: list[subprocess.Popen[bytes]] = []
    try:
        device_url = broker.add_device(DEVICE, LANE)
        signed = reads(DEVICE, new_device_secret(), 0, args.events + args.warmup, 1500)
        raws = raw_baseline(broker, args.raw_messages, len(signed[0][1]))
        raw = raws["raw_broker_msgs_per_s"]
        for k in range(args.instances):
            echoes.append(subprocess.Popen(
                [sys.executable, __file__, "--echo", broker.url("central"),
                 "--client-id", f"central-floor-{k}"], stderr=subprocess.DEVNULL))
        wait_connected(broker, [f"central-floor-{k}" for k in range(args.instances)])
        lane = MqttLink(device_url, DEVICE, clean_session=True,
                        queue_size=args.events + args.warmup + 1000,
                        subscriptions=[(topics.commands(LANE), 1),
                                       (topics.device_acks(DEVICE), 1)]).start()
        time.sleep(0.5)
        seen: set[str] = set()

        def collect(until: int, timeout: float) -> None:
            end = time.monotonic() + timeout
            while len(seen) < until and time.monotonic() < end:
                item = lane.get(timeout=0.5)
                if item is not None and item.topic == topics.commands(LANE):
                    seen.add(orjson.loads(item.payload)["event_id"])

        for _, payload in signed[:args.warmup]:
            lane.publish(topics.reads(LANE), payload, qos=1)
        collect(args.warmup, timeout=60)
        pids = [p.pid for p in echoes]
        wait_idle(pids, every=1.0)
        watched = {"echo": pids, "broker": [broker.pid] if broker.pid else []}
        before = {pid: cpu_seconds(pid) for group in watched.values() for pid in group}
        own = time.process_time()
        t0 = time.perf_counter()
        for _, payload in signed[args.warmup:]:
            lane.publish(topics.reads(LANE), payload, qos=1)
        collect(args.warmup + args.events, timeout=300)
        elapsed = time.perf_counter() - t0
        own = time.process_time() - own
        got = len(seen) - args.warmup
        lane.stop()
        cpu = {f"{name}_cpu_ms_per_event": round(sum(cpu_seconds(p) - before[p] for p in group)
                                                 * 1e3 / args.events, 3)
               for name, group in watched.items()}
        floor = got / elapsed
        return {
            "floor_events_per_s": round(floor, 1),
            **raws,
            "floor_ratio": round(floor / raw, 3),
            **cpu, "bench_cpu_ms_per_event": round(own * 1e3 / args.events, 3),
            "cpu_budget_ms_per_event_at_half": round((os.cpu_count() or 1) * 1e3 / (raw / 2), 3),
            "lost": args.events - got, "events": args.events, "instances": args.instances,
            "broker": "mosquitto",
        }
    finally:
        for proc in echoes:
            proc.terminate()
            proc.wait(30)
        broker.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=10_000, help="throughput run size")
    p.add_argument("--raw-messages", type=int, default=20_000, help="raw paho run size")
    p.add_argument("--instances", type=int, default=2, help="echo centrals ($share)")
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--batch", type=int, default=500, help="reads per echo batch (the central's)")
    p.add_argument("--echo", metavar="URL", help=argparse.SUPPRESS)
    p.add_argument("--client-id", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.echo:
        echo(args.echo, args.client_id, args.batch)
        return
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
