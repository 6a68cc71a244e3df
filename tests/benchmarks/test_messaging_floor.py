"""bench/messaging_floor.py answers every read through a real Mosquitto, and counts what it loses.

Why: its figure is the ceiling the docs compare ``bench/messaging.py`` against; an echo
that dropped reads or a count that missed them would make that ceiling a fiction.
"""

from __future__ import annotations

import argparse

from bench.messaging_floor import run


def test_every_read_is_answered_through_the_echo_centrals() -> None:
    out = run(argparse.Namespace(events=300, raw_messages=300, instances=2, warmup=10,
                                 batch=500))
    assert out["lost"] == 0
    assert isinstance(out["floor_events_per_s"], float) and out["floor_events_per_s"] > 0
    ratio = out["floor_events_per_s"] / out["raw_broker_msgs_per_s"]
    assert out["floor_ratio"] > 0 and abs(out["floor_ratio"] - ratio) <= 0.001
    assert out["echo_cpu_ms_per_event"] > 0  # the echo processes did the work, not this one
