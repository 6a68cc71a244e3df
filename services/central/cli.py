"""``smartgate central``: run the central ingest worker until SIGTERM / Ctrl-C.

Settings come from the environment (``DATABASE_URL``, ``MQTT_URL``,
``SMARTGATE_ENV``, ``CENTRE_SIGNING_KEY``, ``CENTRE_KEY_ID``, ``CENTRAL_*``);
flags override them. Migrations are applied on start.
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
import threading
from pathlib import Path

from pydantic import ValidationError

from domain.signing import public_key_of
from opsio import configure_logging
from services.central.observability import CentralObservability
from services.central.service import CentralService
from services.settings import CentralSettings, from_env

log = logging.getLogger("services.central")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smartgate central", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", help="SQLAlchemy URL (env DATABASE_URL)")
    p.add_argument("--mqtt-url", help="mqtt[s]://user:pass@host:port (env MQTT_URL)")
    p.add_argument("--instance-id", help="this instance's name (client id central-<id>)")
    p.add_argument("--client-id", help="MQTT client id (keep it stable across restarts)")
    p.add_argument("--reference", type=Path, dest="reference_path", help="gates and lanes TOML")
    p.add_argument("--command-ttl", type=float, dest="command_ttl_s", help="seconds")
    p.add_argument("--command-retry", type=float, dest="command_retry_s", help="seconds")
    p.add_argument("--no-shared-subscription", action="store_const", const=False,
                   dest="shared_subscription", help="for brokers without $share (amqtt)")
    p.add_argument("--transport", choices=["mqtt", "jetstream"],
                   help="mqtt (any broker, $share) or jetstream (NATS cluster; CENTRAL_TRANSPORT)")
    p.add_argument("--nats-servers", help="comma-separated nats:// URLs (CENTRAL_NATS_SERVERS)")
    p.add_argument("--http-port", type=int, help="/metrics, /livez, /readyz (CENTRAL_HTTP_PORT)")
    p.add_argument("--log-level", default="INFO")
    return p


def run(settings: CentralSettings, *, stop: threading.Event | None = None,
        stats_every: float = 60.0) -> int:
    """Run until SIGTERM/SIGINT (or ``stop`` is set); stop cleanly, never mid-transaction."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    if not settings.centre_signing_key:
        log.warning("central: no CENTRE_SIGNING_KEY: demo mode mints a throw-away key; edges "
                    "must trust public key %s", public_key_of(settings.signing_key()))
    if settings.transport == "jetstream":
        from services.central.jetstream import JetStreamCentral  # nats-py only when asked

        service: CentralService = JetStreamCentral(settings)
    else:
        service = CentralService(settings)
    ops = CentralObservability(service)  # before start: the first message is counted too
    service.start()
    tune_gc(settings.gc_threshold)
    if settings.http_port is not None:
        ops.serve(host=settings.http_host, port=settings.http_port)
    try:
        while not stop.wait(stats_every):
            log.info("central %s: %s", settings.instance_id, service.metrics_snapshot())
    finally:
        ops.close()
        service.stop()
    return 0


def tune_gc(threshold: int) -> None:
    """Collect cycles rarely, and never again through what start-up left alive.

    Why: CPython's cycle collector runs every 700 net new container objects, and a batch of
    500 reads makes tens of thousands (models, rows, dicts). Measured in process
    (``bench/central_batch.py``, 10,000 reads, PostgreSQL): collections took 0.66 s of CPU,
    ~66 µs a read (over a tenth of the worker's time), 0.48 s of it in 4 full collections of
    ~120 ms each, every thread stopped meanwhile (a latency spike for every read in flight).
    Almost everything a read allocates is freed by reference counting; the garbage left in
    cycles is small (with a first threshold of 50,000 not one collection ran in those 10,000
    reads). ``gc.freeze()`` moves the modules, mappers, schemas and reference data alive
    after start to a generation no collection walks, so a full collection, when one comes,
    walks only what came since. ``threshold=0`` leaves the collector as Python sets it.
    """
    if threshold <= 0:
        return
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(threshold, second, third)
    log.info("central: gc threshold %d, %d objects frozen", threshold, gc.get_freeze_count())


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    overrides = {k: v for k, v in vars(args).items() if k != "log_level"}
    try:
        settings = from_env(**overrides)
    except ValidationError as exc:
        print(f"smartgate central: invalid settings:\n{exc}", file=sys.stderr)
        return 2
    configure_logging(args.log_level, settings.log_format, process="central")
    return run(settings)
