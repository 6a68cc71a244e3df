"""Prometheus metrics and health probes of one lane agent (``SG_EDGE_OPS_PORT``).

Why read the agent's own counters at scrape time: the agent already counts
frames, outbox depth, evictions, sends and command outcomes for its heartbeat;
exporting them directly (a custom collector) adds no work to the frame loop.

* ``/livez``: the agent's worker threads run;
* ``/readyz``: connected to the broker and the outbox not full (a full outbox
  means the lane is evicting frame evidence: degraded, see ``edge.outbox``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from opsio import OpsServer

if TYPE_CHECKING:
    from edge.agent import EdgeAgent


class _AgentCollector(Collector):
    def __init__(self, agent: EdgeAgent) -> None:
        self.agent = agent

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        a = self.agent
        lane = [a.settings.lane_id]
        yield self._family("smartgate_edge_frames_read", a.frames_read,
                           "frames read by the plate reader")
        yield self._family("smartgate_edge_frames_skipped", a.frames_skipped,
                           "frames dropped because the reader was behind")
        yield self._family("smartgate_edge_events_sent", a.uplink.sent,
                           "events published (first sends and re-sends)")
        yield self._family("smartgate_edge_events_replayed", a.uplink.replayed,
                           "events re-sent after a reconnect or a missing ack")
        yield self._family("smartgate_edge_outbox_evicted", a.outbox.evicted,
                           "frame evidence given up because the outbox was full")
        outcomes = CounterMetricFamily("smartgate_edge_commands",
                                       "lane commands by outcome (recent window)",
                                       labels=["lane", "outcome"])
        for executed, n in Counter(o.executed for o in list(a.outcomes)).items():
            outcomes.add_metric([a.settings.lane_id, "executed" if executed else "refused"], n)
        yield outcomes
        for name, value, doc in (
                ("smartgate_edge_outbox_depth", a.outbox.depth,
                 "events waiting for the centre's acknowledgement"),
                ("smartgate_edge_broker_connected", int(a.link.connected.is_set()),
                 "1 while connected to the broker")):
            g = GaugeMetricFamily(name, doc, labels=["lane"])
            g.add_metric(lane, value)
            yield g

    def _family(self, name: str, value: float, doc: str = "") -> CounterMetricFamily:
        fam = CounterMetricFamily(name, doc or name, labels=["lane"])
        fam.add_metric([self.agent.settings.lane_id], value)
        return fam


def serve(agent: EdgeAgent, *, host: str = "127.0.0.1", port: int = 0) -> OpsServer:
    """Start the agent's ops endpoints; the caller stops the returned server."""
    registry = CollectorRegistry()
    registry.register(_AgentCollector(agent))

    def live() -> bool:
        # Still starting (no worker yet) is alive: a restart would not help. A worker that
        # died is not: the lane would look up while it reads nothing.
        return all(t.is_alive() for t in agent._threads)

    def ready() -> tuple[bool, dict[str, object]]:
        connected = agent.link.connected.is_set()
        full = agent.outbox.full
        running = bool(agent._threads) and all(t.is_alive() for t in agent._threads)
        return connected and running and not full, {
            "broker": "ok" if connected else "down", "workers": "running" if running else "down",
            "outbox_depth": agent.outbox.depth, "outbox_full": full}

    return OpsServer(registry=registry, live=live, ready=ready, host=host, port=port).start()
