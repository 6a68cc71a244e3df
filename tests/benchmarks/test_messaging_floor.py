"""bench/messaging_floor.py answers every read through a real Mosquitto, and counts what it loses.

Why: its figure is the ceiling the docs compare ``bench/messaging.py`` against; an echo
that dropped reads or a count that missed them would make that ceiling a fiction.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from bench.messaging_floor import run


def test_every_read_is_answered_through_the_echo_centrals() -> None:
    cores = os.sched_getaffinity(0)
    # 3,000 reads: the echoes' CPU comes from /proc in 10 ms ticks, and 300 reads (~20 ms
    # over both echoes) sometimes gave neither a tick (a CI run on 2026-12-06).
    out = run(argparse.Namespace(events=3000, raw_messages=300, instances=2, warmup=10,
                                 batch=500))
    assert out["lost"] == 0
    assert isinstance(out["floor_events_per_s"], float) and out["floor_events_per_s"] > 0
    ratio = out["floor_events_per_s"] / out["raw_broker_msgs_per_s"]
    assert out["floor_ratio"] > 0 and abs(out["floor_ratio"] - ratio) <= 0.001
    assert out["echo_cpu_ms_per_event"] > 0  # the echo processes did the work, not this one
    # The baseline is the better of the free and the one-core raw runs, and the one-core
    # run gives the process its cores back.
    assert out["raw_free_msgs_per_s"] > 0 and out["raw_one_core_msgs_per_s"] > 0
    assert out["raw_broker_msgs_per_s"] == max(out["raw_free_msgs_per_s"],
                                               out["raw_one_core_msgs_per_s"])
    assert os.sched_getaffinity(0) == cores


def test_the_one_core_raw_run_pins_its_clients_and_gives_the_cores_back(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bench import rawpaho
    from smartgate.broker import MosquittoBroker

    cores = os.sched_getaffinity(0)
    seen: list[set[int]] = []
    real = os.sched_setaffinity

    def spy(pid: int, mask: set[int]) -> None:
        seen.append(set(mask))
        real(pid, mask)

    monkeypatch.setattr(rawpaho.os, "sched_setaffinity", spy)
    broker = MosquittoBroker(tmp_path / "mosquitto").start()
    try:
        raws = rawpaho.raw_baseline(broker, 200, 300)
    finally:
        broker.stop()
    assert seen == [cores, {max(cores)}, cores]  # free run: restore only; one-core: pin, restore
    assert raws["raw_broker_msgs_per_s"] == max(raws["raw_free_msgs_per_s"],
                                                raws["raw_one_core_msgs_per_s"])
    assert os.sched_getaffinity(0) == cores
