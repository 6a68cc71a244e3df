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
from collections.abc import Iterator, Sequence
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
        # values on every call.
        self._handle_of: dict[str, Any] = {}
        self._reads_of = {g: self.reads.labels(g) for g in ("pass", "frame")}
        service.observers.append(self.observe_batch)

    def observe(self, item: Received, handled: Handled) -> None:
        """One message, as :meth:`observe_batch` observes each of a batch."""
        self.observe_batch([item], [handled])

    def observe_batch(self, items: Sequence[Received], results: Sequence[Handled]) -> None:
        """Called by the worker after each batch's acks: never raises into it.

        Per batch, not per message (round 21): one clock reading, the reads counters
        incremented once by the batch's count, and the decision log's record built only
        when INFO is enabled. The histograms stay ``prometheus_client``'s, one ``observe``
        a value (a collector of our own saved ~4 us a read more, not worth owning a copy of
        the library's exposition). The same values exported as when each message was
        observed alone, but the clock's microseconds between a batch's messages.
        """
        try:
            now = time.time()
            handled_by_kind: dict[str, list[float]] = {}
            latencies: list[float] = []
            passes = frames = 0
            logged = log.isEnabledFor(logging.INFO)
            instance = self.service.settings.instance_id
            for item, handled in zip(items, results, strict=True):
                kind = item.topic.rsplit("/", 1)[-1]
                waited = max(0.0, now - item.received_at)
                values = handled_by_kind.get(kind)
                if values is None:
                    handled_by_kind[kind] = [waited]
                else:
                    values.append(waited)
                if handled.status == "stored":
                    frames += 1
                elif handled.status == "decided":
                    passes += 1
                    if handled.captured_at is not None:  # from the worker: no second parse
                        latencies.append(max(0.0, now - handled.captured_at.timestamp()))
                    if logged:
                        log.info("decision %s", handled.outcome, extra={
                            "event_id": handled.event_id, "trip_id": handled.trip_id,
                            "lane_id": handled.lane_id, "outcome": handled.outcome,
                            "instance": instance})
            for kind, values in handled_by_kind.items():
                handle = self._handle_of.get(kind)
                if handle is None:
                    handle = self._handle_of[kind] = self.handle.labels(kind)
                for value in values:
                    handle.observe(value)
            if passes:
                self._reads_of["pass"].inc(passes)
            if frames:
                self._reads_of["frame"].inc(frames)
            for value in latencies:
                self.latency.observe(value)
        except Exception:
            log.exception("observability: could not record a batch of %d", len(items))

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
