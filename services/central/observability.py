"""Prometheus metrics, decision logs and health probes of one central instance.

What is exported (names are what the Grafana dashboard in ``infra/grafana`` plots):

* ``smartgate_central_reads_total{grade}``: plate reads stored (frame / pass);
* ``smartgate_central_decisions_total{outcome}``: automatic decisions by outcome;
* ``smartgate_central_refused_total{reason}``: refused (rejected) messages by reason;
* ``smartgate_central_messages_total{status}`` and the other worker counters
  (``received``, ``db_retries``, ``commands_resent``...), read from
  :class:`services.central.metrics.Metrics` at scrape time, so the counters the
  tests assert on and the exported ones cannot drift;
* ``smartgate_central_handle_seconds{kind}``: broker hand-over to ack (queue + commit);
* ``smartgate_central_decision_latency_seconds``: the lane's capture to the committed decision;
* ``smartgate_central_commands_outstanding``: signed commands sent but not yet acknowledged
  by a lane (the centre's outbox), and ``smartgate_central_in_hand`` (received, not acked).

Each decision is logged as JSON with ``event_id``, ``trip_id``, ``lane_id`` and ``outcome``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text

from mqttio.client import Received
from opsio import OpsServer
from services.central.outcomes import Handled
from services.central.service import CentralService
from services.db.models import LaneCommand

log = logging.getLogger("services.central.decisions")

STATUSES = ("decided", "stored", "duplicate", "barrier")
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class _CounterSnapshot(Collector):
    """Exports the worker's own counters as Prometheus counters."""

    def __init__(self, service: CentralService) -> None:
        self.service = service

    def collect(self) -> Iterator[CounterMetricFamily]:
        snap = self.service.metrics_snapshot()
        messages = CounterMetricFamily("smartgate_central_messages", "messages handled by status",
                                       labels=["status"])
        decisions = CounterMetricFamily("smartgate_central_decisions",
                                        "automatic decisions by outcome", labels=["outcome"])
        refused = CounterMetricFamily("smartgate_central_refused",
                                      "refused messages by reason", labels=["reason"])
        plain: dict[str, int] = {}
        for key, value in sorted(snap.items()):
            name, _, label = key.partition(".")
            if name == "decided" and label:
                decisions.add_metric([label], value)
            elif name == "rejected" and label:
                refused.add_metric([label], value)
            elif name in STATUSES:
                messages.add_metric([name], value)
            elif not label:
                plain[name] = value
        messages.add_metric(["rejected"], sum(v for k, v in snap.items()
                                              if k.startswith("rejected.")))
        yield from (messages, decisions, refused)
        for name, value in plain.items():
            yield CounterMetricFamily(f"smartgate_central_{name}", f"worker counter {name}",
                                      value=value)


class CentralObservability:
    """Attach to a service: ``CentralObservability(service).serve(port)``."""

    def __init__(self, service: CentralService) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self.registry.register(_CounterSnapshot(service))
        self.reads = Counter("smartgate_central_reads", "plate reads stored", ["grade"],
                             registry=self.registry)
        self.handle = Histogram("smartgate_central_handle_seconds",
                                "broker hand-over to acknowledgement", ["kind"],
                                buckets=LATENCY_BUCKETS, registry=self.registry)
        self.latency = Histogram("smartgate_central_decision_latency_seconds",
                                 "lane capture to committed decision", buckets=LATENCY_BUCKETS,
                                 registry=self.registry)
        Gauge("smartgate_central_in_hand", "received, not yet acknowledged",
              registry=self.registry).set_function(self._in_hand)
        Gauge("smartgate_central_commands_outstanding",
              "lane commands sent and not yet acknowledged (the centre's outbox)",
              registry=self.registry).set_function(self._outstanding)
        self.server: OpsServer | None = None
        # The labelled children, looked up once: ``labels()`` takes a lock and checks its
        # values on every call, and ``observe`` runs for every message the worker handles.
        self._handle_of: dict[str, Any] = {}
        self._reads_of = {g: self.reads.labels(g) for g in ("pass", "frame")}
        service.observers.append(self.observe)

    def observe(self, item: Received, handled: Handled) -> None:
        """Called by the worker after each ack: never raises into it."""
        try:
            kind = item.topic.rsplit("/", 1)[-1]
            handle = self._handle_of.get(kind)
            if handle is None:
                handle = self._handle_of[kind] = self.handle.labels(kind)
            handle.observe(max(0.0, time.time() - item.received_at))
            if handled.status in ("stored", "decided"):
                self._reads_of["pass" if handled.status == "decided" else "frame"].inc()
            if handled.status == "decided":
                if handled.captured_at is not None:  # from the worker: no second parse
                    self.latency.observe(max(0.0, time.time() - handled.captured_at.timestamp()))
                log.info("decision %s", handled.outcome, extra={
                    "event_id": handled.event_id, "trip_id": handled.trip_id,
                    "lane_id": handled.lane_id, "outcome": handled.outcome,
                    "instance": self.service.settings.instance_id})
        except Exception:
            log.exception("observability: could not record %s", item.topic)

    def _in_hand(self) -> float:
        link = self.service.link
        inbox = getattr(link, "inbox", None)
        return float(inbox.qsize()) if inbox is not None else 0.0

    def _outstanding(self) -> float:
        with self.service.sessions() as session:
            n = session.scalar(select(func.count()).select_from(LaneCommand)
                               .where(LaneCommand.state == "sent"))
        return float(n or 0)

    def live(self) -> bool:
        """Alive while the worker threads run (a dead worker needs a restart, not a wait)."""
        threads = self.service._threads
        return bool(threads) and all(t.is_alive() for t in threads)

    def ready(self) -> tuple[bool, dict[str, object]]:
        details: dict[str, object] = {"instance": self.service.settings.instance_id}
        try:
            with self.service.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            details["database"] = "ok"
        except Exception as exc:
            details["database"] = f"down: {exc.__class__.__name__}"
        link = self.service.link
        details["broker"] = "ok" if link is not None and link.connected.is_set() else "down"
        return details["database"] == "ok" and details["broker"] == "ok", details

    def serve(self, *, host: str = "127.0.0.1", port: int = 0) -> OpsServer:
        self.server = OpsServer(registry=self.registry, live=self.live, ready=self.ready,
                                host=host, port=port).start()
        return self.server

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
