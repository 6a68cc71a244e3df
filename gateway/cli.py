"""``smartgate gateway [--host H] [--port P] [--workers N]``: serve the gateway with uvicorn.

Settings come from the environment (``DATABASE_URL``, ``MQTT_URL``,
``SMARTGATE_ENV``, ``GATEWAY_*``), built here once; flags override host, port and
workers. With several workers, uvicorn imports :func:`gateway.app.app_from_env`
in each worker process, so the schema is migrated once here first.
"""

from __future__ import annotations

import argparse
import logging
import logging.config
import os
import tempfile

import uvicorn
from pydantic import ValidationError

from gateway.app import create_app
from gateway.settings import GatewaySettings
from opsio import log_config
from services.db.session import make_engine, migrate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="smartgate gateway",
                                     description="carriers' API, carrier page, officers' console")
    parser.add_argument("--host", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8000)")
    parser.add_argument("--workers", type=int, help="uvicorn worker processes (default 1)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port),
                                   ("workers", args.workers)) if v is not None}
    try:
        settings = GatewaySettings(**overrides)
    except ValidationError as exc:
        print(f"smartgate gateway: invalid settings:\n{exc}")
        return 2
    logs = log_config(args.log_level, settings.log_format, process="gateway")
    logging.config.dictConfig(logs)
    if settings.workers == 1:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                    log_level=args.log_level, proxy_headers=True, log_config=logs)
        return 0
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its metrics here; /metrics sums them (gateway.ops). It must
        # start empty: counters of a previous run would be added in.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="sg-gateway-metrics-")
    engine = make_engine(settings.database_url)
    migrate(engine)
    engine.dispose()
    # Worker processes rebuild settings from the environment: pass the flags on.
    os.environ.update({"GATEWAY_HOST": settings.host, "GATEWAY_PORT": str(settings.port),
                       "GATEWAY_MIGRATE_ON_START": "false"})
    uvicorn.run("gateway.app:app_from_env", factory=True, host=settings.host, port=settings.port,
                workers=settings.workers, log_level=args.log_level, proxy_headers=True,
                log_config=logs)
    return 0
