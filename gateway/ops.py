"""Liveness, readiness and Prometheus metrics of the gateway, across uvicorn workers.

Why multiprocess metrics: with ``--workers N`` every worker is its own process
and a scrape reaches one of them at random; prometheus_client's multiprocess
mode (``PROMETHEUS_MULTIPROC_DIR``, set by ``smartgate gateway`` for N > 1)
sums what every worker wrote, so ``/metrics`` means the whole gateway.

* ``/livez``: the process answers (no dependency checked: restarting the
  gateway would not bring a database back);
* ``/readyz``: the database answers ``SELECT 1`` (a load balancer stops sending
  traffic to an instance that cannot reach it).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import text

log = logging.getLogger(__name__)

REQUESTS = Counter("smartgate_gateway_requests", "HTTP requests by route and status",
                   ["method", "route", "status"])
LATENCY = Histogram("smartgate_gateway_request_seconds", "HTTP request duration by route",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def route_template(request: Request) -> str:
    """``/api/v1/trips/{trip_id}``, never the raw path: ids would explode the series.

    Built from the path and the matched path parameters (segment by segment), so it
    holds however the routers were included; no matched route gives ``unmatched``.
    """
    if request.scope.get("route") is None:
        return "unmatched"
    names = {str(v): k for k, v in request.path_params.items()}
    return "/".join(f"{{{names[seg]}}}" if seg in names else seg
                    for seg in request.url.path.split("/"))


def install(app: FastAPI) -> None:
    """Add the middleware and the three endpoints (kept out of the carriers' OpenAPI)."""

    @app.middleware("http")
    async def measure(request: Request,
                      call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        name = route_template(request)
        LATENCY.labels(request.method, name).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, name, str(response.status_code)).inc()
        return response

    @app.get("/livez", include_in_schema=False)
    def livez() -> JSONResponse:
        return JSONResponse({"status": "ok", "pid": os.getpid()})

    @app.get("/readyz", include_in_schema=False)
    def readyz(request: Request) -> JSONResponse:
        try:
            with request.app.state.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            log.warning("readiness: database unreachable: %s", exc)
            return JSONResponse({"status": "not ready", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ready", "database": "ok", "pid": os.getpid()})

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
