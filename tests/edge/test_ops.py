"""A real ``smartgate edge`` process: Prometheus metrics, JSON logs, liveness and readiness."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from edgehelpers import LANE, Centre, Lane, edge_env
from prometheus_client.parser import text_string_to_metric_families

from smartgate.broker import free_port

ROOT = Path(__file__).resolve().parents[2]


def get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except OSError:
        return 0, b""


def wait_code(port: int, path: str, code: int, timeout: float = 30.0) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    while (got := get(port, path))[0] != code and time.monotonic() < deadline:
        time.sleep(0.2)
    return got


def metrics(port: int) -> dict[str, float]:
    text = get(port, "/metrics")[1].decode()
    return {s.name + json.dumps(s.labels, sort_keys=True): s.value
            for fam in text_string_to_metric_families(text) for s in fam.samples}


def test_edge_process_exports_metrics_probes_and_json_logs(lane: Lane, centre: Centre) -> None:
    port = free_port()
    env = edge_env(lane, SG_EDGE_OPS_PORT=str(port))
    proc = subprocess.Popen([sys.executable, "-m", "smartgate.cli", "edge"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        status, body = wait_code(port, "/readyz", 200)
        assert status == 200 and json.loads(body)["broker"] == "ok"
        assert get(port, "/livez")[0] == 200
        good, expired = centre.command(action="hold"), centre.command(expires_in=-5)
        centre.send(good)
        centre.send(expired)  # refused by the lane: counted as refused
        centre.wait(lambda: len(centre.states()) == 2)
        m = metrics(port)
        lbl = json.dumps({"lane": LANE}, sort_keys=True)
        assert m["smartgate_edge_broker_connected" + lbl] == 1
        assert m["smartgate_edge_outbox_depth" + lbl] == 2  # two barrier states, unacked
        done = json.dumps({"lane": LANE, "outcome": "executed"}, sort_keys=True)
        refused = json.dumps({"lane": LANE, "outcome": "refused"}, sort_keys=True)
        assert m["smartgate_edge_commands_total" + done] == 1
        assert m["smartgate_edge_commands_total" + refused] == 1
        assert m["smartgate_edge_events_sent_total" + lbl] >= 2
        centre.ack([s.event_id for s in centre.states()])
        deadline = time.monotonic() + 10
        while metrics(port)["smartgate_edge_outbox_depth" + lbl] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert metrics(port)["smartgate_edge_outbox_depth" + lbl] == 0

        lane.broker.stop()  # the broker goes away: alive, but not ready
        status, body = wait_code(port, "/readyz", 503, timeout=15)
        assert status == 503 and json.loads(body)["broker"] == "down"
        assert get(port, "/livez")[0] == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    logs = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    assert logs and all({"ts", "level", "logger", "message"} <= set(x) for x in logs)
    assert all(x["process"] == "edge" for x in logs)


def test_probes_while_starting_and_after_a_worker_died() -> None:
    """Starting (no worker yet): alive but not ready. A dead worker: neither.

    The process test above once saw /readyz 200 and then /livez 503 on a loaded
    machine: the link connects before the workers start, and an agent with no worker
    yet was called dead.
    """
    import threading
    from types import SimpleNamespace
    from typing import Any, cast

    from edge.metrics import serve

    connected = threading.Event()
    connected.set()
    agent: Any = SimpleNamespace(_threads=[], link=SimpleNamespace(connected=connected),
                                 outbox=SimpleNamespace(full=False, depth=0),
                                 settings=SimpleNamespace(lane_id=LANE))
    ops = serve(cast(Any, agent), port=free_port())
    try:
        assert get(ops.port, "/livez")[0] == 200
        status, body = get(ops.port, "/readyz")
        assert status == 503 and json.loads(body)["workers"] == "down"
        done = threading.Thread(target=lambda: None)
        done.start()
        done.join()
        stop = threading.Event()
        running = threading.Thread(target=stop.wait)
        running.start()
        agent._threads = [running]
        assert get(ops.port, "/livez")[0] == 200
        assert get(ops.port, "/readyz")[0] == 200
        agent._threads = [running, done]  # a worker that died
        assert get(ops.port, "/livez")[0] == 503
        assert get(ops.port, "/readyz")[0] == 503
        stop.set()
    finally:
        ops.stop()
