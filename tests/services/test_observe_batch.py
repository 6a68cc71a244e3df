"""The central's observers see a batch at once and count each of its messages (round 21)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from mqttio.client import Received
from services.central.observability import CentralObservability
from services.central.outcomes import Handled


def _samples(ops: CentralObservability) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for metric in (ops.reads, ops.handle, ops.latency)
            for fam in metric.collect() for s in fam.samples
            if not s.name.endswith("_created") and "le" not in s.labels}


def test_a_batch_is_counted_message_by_message(caplog: pytest.LogCaptureFixture) -> None:
    service = SimpleNamespace(observers=[], settings=SimpleNamespace(instance_id="t"),
                              metrics_snapshot=dict, link=None)
    ops = CentralObservability(service)  # type: ignore[arg-type]
    assert service.observers == [ops.observe_batch]
    lane = "smartgate/v1/lanes/hn1119-x1"
    captured = datetime.now(UTC) - timedelta(seconds=3)
    items = [Received(f"{lane}/{kind}", b"{}", 1, False, i)
             for i, kind in enumerate(["reads", "reads", "barrier", "reads", "reads"])]
    results = [Handled("decided", outcome="open", event_id="a" * 32, captured_at=captured),
               Handled("stored", event_id="b" * 32),
               Handled("barrier", event_id="c" * 32),
               Handled("decided", outcome="manual", event_id="d" * 32, captured_at=captured),
               Handled("duplicate", event_id="a" * 32)]
    with caplog.at_level(logging.INFO, logger="services.central.decisions"):
        ops.observe_batch(items, results)
    m = _samples(ops)
    assert m[("smartgate_central_reads_total", (("grade", "pass"),))] == 2
    assert m[("smartgate_central_reads_total", (("grade", "frame"),))] == 1
    assert m[("smartgate_central_handle_seconds_count", (("kind", "reads"),))] == 4
    assert m[("smartgate_central_handle_seconds_count", (("kind", "barrier"),))] == 1
    assert m[("smartgate_central_decision_latency_seconds_count", ())] == 2
    assert m[("smartgate_central_decision_latency_seconds_sum", ())] >= 6
    logged = [r for r in caplog.records if r.name == "services.central.decisions"]
    assert [(r.event_id, r.outcome) for r in logged] == [  # type: ignore[attr-defined]
        ("a" * 32, "open"), ("d" * 32, "manual")]

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="services.central.decisions"):
        ops.observe(items[0], results[0])  # one message: the same path
    assert not [r for r in caplog.records if r.name == "services.central.decisions"]
    m = _samples(ops)
    assert m[("smartgate_central_reads_total", (("grade", "pass"),))] == 3
    assert m[("smartgate_central_handle_seconds_count", (("kind", "reads"),))] == 5
