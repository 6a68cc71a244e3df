"""JSON logs, and ``/metrics`` + ``/livez`` + ``/readyz`` on a small HTTP port.

Why JSON logs: at several provinces the logs of every instance go to one store
(Loki, Elasticsearch); a decision is found by its ``event_id`` or ``trip_id``,
which handlers pass as ``extra={"event_id": ..., "trip_id": ...}`` and which
become top-level JSON fields (python-json-logger).

Why a separate small HTTP port (:class:`OpsServer`) for the central worker and
the edge agent: they have no web server of their own, and an orchestrator (systemd,
Kubernetes, compose) needs ``/livez`` (restart me if false) distinct from ``/readyz``
(do not count on me yet: database or broker unreachable); Prometheus scrapes
``/metrics``. The gateway serves the same three paths itself (``gateway.ops``).
"""

from __future__ import annotations

import json
import logging
import logging.config
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pythonjsonlogger.json import JsonFormatter

log = logging.getLogger(__name__)

LogFormat = Literal["json", "text"]
#: A readiness probe: (ready, details shown in the response body).
Probe = Callable[[], tuple[bool, dict[str, object]]]


def log_config(level: str = "INFO", fmt: LogFormat = "json", *,
               process: str = "smartgate") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dict: root to stderr, JSON or text; also what
    ``uvicorn.run(log_config=...)`` applies in each of its worker processes."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter, "fmt": "%(levelname)s %(name)s %(message)s",
         "rename_fields": {"levelname": "level", "name": "logger"},
         "static_fields": {"process": process}, "timestamp": "ts"}  # ISO 8601, UTC
        if fmt == "json" else
        {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"})
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "main",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        # uvicorn's own loggers go through the root handler, in the same format.
        "loggers": {name: {"handlers": [], "propagate": True}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


def configure_logging(level: str = "INFO", fmt: LogFormat = "json", *,
                      process: str = "smartgate") -> None:
    """Root logging to stderr, one JSON object per line (``fmt="json"``) or plain text."""
    logging.config.dictConfig(log_config(level, fmt, process=process))


class OpsServer:
    """``/metrics``, ``/livez`` and ``/readyz`` on their own port, in a daemon thread."""

    def __init__(self, *, registry: CollectorRegistry, live: Callable[[], bool], ready: Probe,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        ops = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._send(HTTPStatus.OK, generate_latest(ops.registry), CONTENT_TYPE_LATEST)
                elif path == "/livez":
                    ok = ops.live()
                    self._json(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE,
                               {"status": "ok" if ok else "dead"})
                elif path == "/readyz":
                    try:
                        ok, details = ops.ready()
                    except Exception as exc:  # a probe that breaks means not ready
                        ok, details = False, {"error": repr(exc)}
                    self._json(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE,
                               {"status": "ready" if ok else "not ready", **details})
                else:
                    self._json(HTTPStatus.NOT_FOUND, {"status": "not found"})

            def _json(self, status: HTTPStatus, body: dict[str, object]) -> None:
                self._send(status, json.dumps(body).encode(), "application/json")

            def _send(self, status: HTTPStatus, data: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # scrapes are noise
                return

        self.registry, self.live, self.ready = registry, live, ready
        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="ops-http",
                                        daemon=True)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def start(self) -> OpsServer:
        self._thread.start()
        log.info("ops endpoints on port %d (/metrics /livez /readyz)", self.port)
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)
