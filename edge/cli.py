"""``smartgate edge``: run one lane agent.

Configuration comes from ``SG_EDGE_*`` environment variables (how the demo and
a lane box's service unit configure it); the few options below override them
for a hand-started agent. ``env=production`` refuses demo defaults.

Example::

    SG_EDGE_DEVICE_SECRET=... SG_EDGE_CENTRE_PUBLIC_KEYS='{"centre-1": "..."}' \\
    smartgate edge --lane hn1119-x1 --device hn1119-x1-cam1 \\
        --mqtt-url mqtt://hn1119-x1-cam1:PASS@broker:1883 --source rtsp://cam1/stream
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from edge.settings import EdgeSettings
from opsio import configure_logging

log = logging.getLogger("edge")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smartgate edge", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lane", dest="lane_id", help="lane id (SG_EDGE_LANE_ID)")
    p.add_argument("--device", dest="device_id", help="device id (SG_EDGE_DEVICE_ID)")
    p.add_argument("--source", help="folder, video file, camera URL or index (SG_EDGE_SOURCE)")
    p.add_argument("--watch", action="store_true", default=None,
                   help="watch the source folder for new frames (SG_EDGE_WATCH)")
    p.add_argument("--mqtt-url", dest="mqtt_url", help="mqtt://user:pass@host:port")
    p.add_argument("--data-dir", dest="data_dir", type=Path, help="outbox and evidence")
    p.add_argument("--engine", dest="reader_engine", choices=("resident", "subprocess"))
    p.add_argument("--tessdata", help="tessdata directory for the resident engine")
    p.add_argument("--evidence-port", dest="evidence_port", type=int, help="0 = off")
    p.add_argument("--pass-timeout", dest="pass_timeout_s", type=float)
    p.add_argument("--ops-port", dest="ops_port", type=int,
                   help="/metrics /livez /readyz port, 0 = off (SG_EDGE_OPS_PORT)")
    p.add_argument("--log-level", default=os.environ.get("SG_EDGE_LOG_LEVEL", "INFO"))
    return p


def build_settings(args: argparse.Namespace) -> EdgeSettings:
    fields = ("lane_id", "device_id", "source", "watch", "mqtt_url", "data_dir", "reader_engine",
              "tessdata", "evidence_port", "pass_timeout_s", "ops_port")
    overrides: dict[str, Any] = {
        k: getattr(args, k) for k in fields if getattr(args, k) is not None}
    return EdgeSettings(**overrides)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = build_settings(args)
    except ValidationError as exc:
        # Only the messages: pydantic's full text echoes the input, secrets included.
        lines = [f"  {'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}"
                 for e in exc.errors()]
        print("smartgate edge: invalid configuration:\n" + "\n".join(lines), file=sys.stderr)
        return 2
    configure_logging(args.log_level, settings.log_format, process="edge")
    from edge.agent import EdgeAgent
    from edge.barrier import make_barrier
    from edge.reader import make_reader
    from edge.sources import make_source

    try:
        source = make_source(settings.source, watch=settings.watch,
                             frame_step=settings.frame_step)
    except FileNotFoundError as exc:
        print(f"smartgate edge: {exc}", file=sys.stderr)
        return 2
    reader = make_reader(engine=settings.reader_engine, tessdata=settings.tessdata)
    barrier = make_barrier(settings.barrier, auto_close_s=settings.barrier_open_s)
    agent = EdgeAgent(settings, reader=reader, barrier=barrier, source=source)
    if settings.reader_engine == "resident":  # the first Chinese plate need not wait for it
        from edge.reader import latin, modelcache, province

        province.warm_up(settings.data_dir / modelcache.PROVINCE_FILE)
        latin.warm_up(settings.data_dir / modelcache.LATIN_FILE)

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        agent.request_stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    ops = None
    if settings.ops_port:
        from edge.metrics import serve

        ops = serve(agent, host=settings.ops_host, port=settings.ops_port)
    try:
        agent.run()
    finally:
        if ops is not None:
            ops.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
