"""``smartgate demo``: the whole smart gate on one machine, fed by generated camera frames.

What runs (each a real process talking over a real broker, as in production):
broker (local Mosquitto, else embedded amqtt) -> central service -> gateway
(carriers' API + console) -> one edge agent per simulated lane. A traffic
generator pre-registers trucks through the carriers' HTTP API, then "drives"
them past lane cameras by writing rendered frames into each lane's inbox.
Some trucks are not registered, some are in the yellow channel: those must
not open. An observer on the broker compares every lane command with the
ground truth and counts ``wrong_opens`` (must be 0).

``--for N`` stops after N seconds and prints one JSON summary as the last line.
``--outage A:B`` cuts the centre off (SIGKILL) from second A to second B of the
traffic: lanes clear the trucks pre-cleared before the outage on their own
(``opened_offline``), hold every other truck, and report it all when the centre
is back (docs/offline.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import shutil
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from domain.signing import generate_signing_key, public_key_of
from smartgate.demo_parts import (
    DemoLane,
    bootstrap_database,
    seed_glyph_models,
    start_process,
    wait_http,
)
from smartgate.demo_referee import Observer, reconciled
from smartgate.demo_traffic import TrafficGenerator

log = logging.getLogger("smartgate.demo")

DEFAULT_LANES = ("hn1119-x1", "hn1119-n1", "hn1119-n2", "hn1088-x1")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smartgate demo", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--for", dest="duration", type=float, default=0.0,
                   help="stop after this many seconds and print a JSON summary (0 = until Ctrl-C)")
    p.add_argument("--lanes", default=",".join(DEFAULT_LANES), help="comma-separated lane ids")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000, help="gateway port (console, API)")
    p.add_argument("--broker", choices=("auto", "mosquitto", "embedded"), default="auto")
    p.add_argument("--workdir", type=Path, default=Path("var/demo"))
    p.add_argument("--models", type=Path, default=Path("var/models"),
                   help="trained glyph models kept between demos (seeded into each lane)")
    p.add_argument("--interval", type=float, default=6.0, help="seconds between trucks per lane")
    p.add_argument("--unregistered", type=float, default=0.2, help="share of undeclared trucks")
    p.add_argument("--outage", type=_outage, default=None, metavar="A:B",
                   help="cut the centre off from second A to second B (offline clearance)")
    return p


def _outage(text: str) -> tuple[float, float]:
    try:
        a, b = (float(x) for x in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--outage wants A:B in seconds, not {text!r}") from None
    if not 0 <= a < b:
        raise argparse.ArgumentTypeError(f"--outage {text!r}: need 0 <= A < B")
    return a, b


def _round_the_clock_gates(workdir: Path) -> Path:
    """The packaged gates, open 24 h, so the demo clears trucks whatever the hour."""
    from importlib import resources

    text = resources.files("domain").joinpath("data/gates.toml").read_text(encoding="utf-8")
    text = re.sub(r'^(opens|closes) = "[0-9:]+"', r'\1 = "00:00"', text, flags=re.M)
    path = workdir / "gates-24h.toml"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s",
                        stream=sys.stderr)
    from smartgate.broker import start_local_broker

    workdir: Path = args.workdir.resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "logs").mkdir(parents=True)
    rng = random.Random(args.seed)
    lane_ids = [x.strip() for x in args.lanes.split(",") if x.strip()]

    broker = start_local_broker(workdir / "broker", prefer=args.broker)
    lanes = [DemoLane.create(lane_id, workdir) for lane_id in lane_ids]
    for lane in lanes:
        lane.mqtt_url = broker.add_device(lane.device_id, lane.lane_id)
    broker.start()
    db_url = f"sqlite:///{workdir / 'smartgate.db'}"
    private_key, _ = generate_signing_key()
    boot = bootstrap_database(db_url=db_url, lanes=lanes, rng=rng)

    common = {
        "SMARTGATE_ENV": "demo",
        "SMARTGATE_REFERENCE": str(_round_the_clock_gates(workdir)),
        # The demo declares each truck as it drives it: no lead time in compressed time.
        "GATEWAY_MIN_LEAD_MINUTES": "0",
        "GATEWAY_TRUSTED_LEAD_MINUTES": "0",
        "DATABASE_URL": db_url,
        "CENTRE_SIGNING_KEY": private_key,
        "CENTRE_KEY_ID": "centre-demo",
        "OMP_THREAD_LIMIT": "1",
    }
    central_env = {**common, "MQTT_URL": broker.url("central"), "CENTRAL_HEARTBEAT_S": "1",
                   "CENTRAL_SHARED_SUBSCRIPTION": "false" if args.broker == "embedded" else "true"}
    procs = []
    procs.append(start_process("central", ["central"], workdir, central_env))
    base_url = f"http://{args.host}:{args.port}"
    procs.append(start_process(
        "gateway", ["gateway", "--host", args.host, "--port", str(args.port)], workdir,
        {**common, "MQTT_URL": broker.url("gateway"),
         "EVIDENCE_URLS": json.dumps({ln.lane_id: ln.evidence_url for ln in lanes})},
    ))
    public_keys = json.dumps({"centre-demo": public_key_of(private_key)})
    seed_glyph_models(args.models.resolve(), lanes)
    for lane in lanes:
        procs.append(start_process(f"edge-{lane.lane_id}", ["edge"], workdir,
                                   lane.env(public_keys)))

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    observer = Observer(broker.url("admin"), lanes)
    traffic = TrafficGenerator(base_url=base_url, api_key=boot.api_key, lanes=lanes, rng=rng,
                               interval=args.interval, unregistered_share=args.unregistered,
                               observer=observer, outage=args.outage)
    outage = "before" if args.outage else "none"
    try:
        wait_http(f"{base_url}/healthz", timeout=60)
        observer.start()
        print(f"\n  Console:  {base_url}/console   (sign in: {boot.officer_user} / "
              f"{boot.officer_password})\n  Carriers' API docs: {base_url}/docs\n", flush=True)
        traffic.prepare_outage()
        started = time.monotonic()
        traffic.start()
        while not stop.is_set():
            elapsed = time.monotonic() - started
            if args.duration and elapsed >= args.duration:
                break
            if outage == "before" and elapsed >= args.outage[0]:
                log.warning("demo: cutting the centre off (second %.0f)", elapsed)
                procs[0].kill()
                outage = "during"
            elif outage == "during" and elapsed >= args.outage[1]:
                log.warning("demo: the centre is back (second %.0f)", elapsed)
                procs[0] = start_process("central", ["central"], workdir, central_env)
                outage = "after"
            for p in procs[1:] if outage == "during" else procs:
                if p.poll() is not None:
                    raise RuntimeError(f"{p.name} exited with {p.returncode}: see {p.log_path}")
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        traffic.stop()
        if args.duration:
            observer.settle(timeout=min(20.0, 5.0 + args.interval * 2), traffic=traffic)
        summary = observer.summary(traffic)
        if args.outage:
            summary["outage"] = list(args.outage)
            deadline = time.monotonic() + 20  # the lanes' outboxes drain into the centre
            while True:
                summary.update(reconciled(db_url))
                done = summary["offline_decisions_reconciled"] >= len(observer.local)
                if done or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        observer.stop()
        for p in reversed(procs):
            p.terminate_gracefully()
        broker.stop()
    summary["console_url"] = f"{base_url}/console"
    summary["finished_at"] = datetime.now(UTC).isoformat()
    print(json.dumps(summary), flush=True)
    return 0 if summary["wrong_opens"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

