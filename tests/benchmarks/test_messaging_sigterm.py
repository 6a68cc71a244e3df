"""A SIGTERM'd ``bench/messaging.py`` stops what it started: centrals, broker, scratch database.

Why: a killed run once left two centrals, their list processes and a Mosquitto running
(2026-12-07); they held the cores the next runs measured on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]


def test_a_terminated_run_leaves_no_process_behind() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_THREAD_LIMIT": "1"}
    bench = subprocess.Popen(
        [sys.executable, "bench/messaging.py", "--events", "20000", "--raw-messages", "200",
         "--instances", "1", "--warmup", "5", "--seconds", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    started: list[psutil.Process] = []
    try:
        proc = psutil.Process(bench.pid)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until a central runs (the broker is up before)
            started = proc.children(recursive=True)
            if any("central" in " ".join(c.cmdline()) for c in started if c.is_running()):
                break
            time.sleep(0.2)
        assert any("mosquitto" in c.name() for c in started), [c.name() for c in started]
        bench.send_signal(signal.SIGTERM)
        assert bench.wait(90) == 128 + signal.SIGTERM
        _, alive = psutil.wait_procs(started, timeout=10)
        assert alive == [], [" ".join(p.cmdline()) for p in alive]
    finally:  # a failed run's leftovers must not load the rest of the suite
        if bench.poll() is None:
            bench.kill()
        for child in started:
            if child.is_running():
                child.kill()
