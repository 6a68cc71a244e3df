"""``smartgate yard``: run the staging yard's call-forward worker until SIGTERM / Ctrl-C.

Settings from the environment (``DATABASE_URL``, ``YARD_*``: tick, travel and
grace minutes, priority mode and ratio, ``YARD_SMS_URL``/``YARD_SMS_TOKEN`` of
the SMS gateway); see ``docs/flow.md``. Migrations are applied on start.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from pydantic import ValidationError

from services.db.session import make_engine, make_session_factory, migrate
from services.yard.worker import YardSettings, build

log = logging.getLogger("services.yard")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="smartgate yard", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", help="SQLAlchemy URL (env DATABASE_URL)")
    p.add_argument("--tick", type=float, dest="tick_s", help="seconds between passes")
    p.add_argument("--log-level", default="INFO")
    args = p.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    overrides = {k: v for k, v in vars(args).items() if k != "log_level" and v is not None}
    try:
        settings = YardSettings(**overrides)
        settings.policy()
    except (ValidationError, ValueError) as exc:
        print(f"smartgate yard: invalid settings:\n{exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    if settings.migrate_on_start:
        migrate(engine)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker = build(settings, make_session_factory(engine)).start()
    log.info("yard: call-forward every %.0f s", settings.tick_s)
    stop.wait()
    worker.stop()
    engine.dispose()
    return 0
