"""Prometheus metrics, JSON decision logs and health probes of a running central instance."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from centralhelpers import Harness
from prometheus_client.parser import text_string_to_metric_families

from opsio import configure_logging
from services.central.observability import CentralObservability


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(text) for s in fam.samples}


def get(port: int, path: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_metrics_logs_and_probes_follow_real_traffic(db_url, start_central, capsys):
    h: Harness = start_central(db_url)
    ops = CentralObservability(h.service)
    port = ops.serve().port
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("INFO", "json", process="central")
    try:
        trip_id = h.trip("12C-123.45")
        read = h.device.read("12C12345")
        h.device.publish(read)
        h.device.publish(b"{not json")  # bad input: refused, counted, nothing lost
        assert h.wait_until(lambda: h.service.metrics.get("rejected", "not_json") == 1
                            and h.service.metrics.get("decided", "open") == 1)
        # The counters above move before the batch is acked; the handling histogram after
        # (its observer runs last), so a loaded machine can scrape between the two.
        handled = ("smartgate_central_handle_seconds_count", (("kind", "reads"),))
        assert h.wait_until(lambda: scrape(port).get(handled) == 2)
        m = scrape(port)
        assert m[("smartgate_central_decisions_total", (("outcome", "open"),))] == 1
        assert m[("smartgate_central_reads_total", (("grade", "pass"),))] == 1
        assert m[("smartgate_central_refused_total", (("reason", "not_json"),))] == 1
        assert m[("smartgate_central_handle_seconds_count", (("kind", "reads"),))] == 2
        assert m[("smartgate_central_decision_latency_seconds_count", ())] == 1
        assert m[("smartgate_central_commands_outstanding", ())] == 1  # the open, unacked
        assert get(port, "/livez") == (200, {"status": "ok"})
        status, body = get(port, "/readyz")
        assert status == 200 and body["database"] == "ok" and body["broker"] == "ok"

        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()
                 if line.startswith("{")]
        decision = [ln for ln in lines if ln.get("logger") == "services.central.decisions"]
        assert decision and decision[0]["event_id"] == read.event_id
        assert decision[0]["trip_id"] == trip_id and decision[0]["outcome"] == "open"
        assert decision[0]["process"] == "central" and decision[0]["ts"].endswith("+00:00")

        h.service.stop()  # a stopped worker is neither live nor ready
        assert get(port, "/livez")[0] == 503
        assert get(port, "/readyz")[0] == 503
    finally:
        ops.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_a_local_decision_is_observed_from_what_the_worker_hands_over() -> None:
    """A lane's offline decision carries its read inside: the latency comes from ``Handled``.

    (Parsing the payload again looked for a top-level ``captured_at`` that a local decision
    does not have, and logged an exception instead of observing it.)
    """
    from datetime import UTC, datetime, timedelta
    from types import SimpleNamespace

    from mqttio.client import Received
    from services.central.outcomes import Handled

    service = SimpleNamespace(observers=[], settings=SimpleNamespace(instance_id="t"), link=None)
    ops = CentralObservability(service)  # type: ignore[arg-type]
    item = Received("smartgate/v1/lanes/hn1119-x1/local", b'{"read": {}}', 1, False, 1)
    ops.observe(item, Handled("decided", outcome="open", event_id="e" * 32, lane_id="hn1119-x1",
                              captured_at=datetime.now(UTC) - timedelta(seconds=2)))
    count = {s.name: s.value for s in ops.latency.collect()[0].samples}
    assert count["smartgate_central_decision_latency_seconds_count"] == 1
    assert count["smartgate_central_decision_latency_seconds_sum"] >= 2
