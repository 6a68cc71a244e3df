"""Liveness: retained online status, heartbeats, and the last will when the agent dies."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from edgehelpers import DEVICE, LANE, Centre, Lane, edge_env

ROOT = Path(__file__).resolve().parents[2]


def test_online_then_heartbeats_then_offline_on_graceful_stop(
        lane: Lane, centre: Centre, make_agent) -> None:
    agent = make_agent(heartbeat_s=0.3)
    centre.wait(lambda: any(s.state == "online" and s.outbox_depth is not None
                            for s in centre.statuses()))
    beat = next(s for s in centre.statuses() if s.outbox_depth is not None)
    assert beat.lane_id == LANE and beat.device_id == DEVICE
    assert beat.barrier == "closed" and beat.disk_free_mb and beat.disk_free_mb > 0
    assert beat.fps is not None
    agent.stop()
    centre.wait(lambda: centre.statuses()[-1].state == "offline", timeout=5)


def test_a_full_outbox_marks_the_lane_degraded(lane: Lane, centre: Centre, make_agent) -> None:
    make_agent(heartbeat_s=0.3, outbox_max_rows=10)
    for _ in range(10):
        centre.send(centre.command(action="hold"))
    centre.wait(lambda: any(s.state == "degraded" and s.outbox_depth == 10
                            for s in centre.statuses()), timeout=10)


def test_the_last_will_marks_the_lane_offline_when_the_agent_is_killed(
        lane: Lane, centre: Centre) -> None:
    """A real ``smartgate edge`` process, configured by environment as the demo does, SIGKILLed."""
    env = edge_env(lane)
    proc = subprocess.Popen([sys.executable, "-m", "smartgate.cli", "edge"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        centre.wait(lambda: any(s.state == "online" and s.outbox_depth is not None
                                for s in centre.statuses()), timeout=30)
        proc.send_signal(signal.SIGKILL)
        proc.wait(5)
        centre.wait(lambda: centre.statuses()[-1].state == "offline", timeout=10)
        assert centre.statuses()[-1].outbox_depth is None  # the will, not a graceful goodbye
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
