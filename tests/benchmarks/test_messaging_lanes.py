"""``bench/messaging.py --lanes N``: N lane devices share the run's events, each tallied alone.

Why: the centre packs a lane's commands of one batch into one message, so the bench's one
lane was the batching's best case; a gate has 8-16 lanes. A lane bench that sent a lane's
reads from another device, or tallied one lane's commands against another's events, would
measure a gate that does not exist.
"""

from __future__ import annotations

import argparse
import tomllib
from collections import Counter
from pathlib import Path
from typing import cast

import pytest

from bench.messaging import run
from bench.messaging_lanes import GATE, LANE, Lanes, round_the_clock


def test_the_bench_reference_adds_export_lanes_at_the_bench_gate(tmp_path: Path) -> None:
    gates = tomllib.loads(round_the_clock(tmp_path / "g.toml", 4).read_text())["gates"]
    gate = next(g for g in gates if g["id"] == GATE)
    ours = [lane["id"] for lane in gate["lanes"]
            if lane["id"] == LANE or lane["id"].startswith("hn1119-b")]
    assert ours == [LANE, "hn1119-b02", "hn1119-b03", "hn1119-b04"]
    assert all(lane["direction"] == "export" and lane["mode"] == "contactless"
               for lane in gate["lanes"] if lane["id"] in ours)
    assert (gate["opens"], gate["closes"]) == ("00:00", "00:00")
    one = tomllib.loads(round_the_clock(tmp_path / "one.toml").read_text())["gates"]
    assert next(g["lanes"] for g in one if g["id"] == GATE)[0]["id"] == LANE
    assert sum(len(g["lanes"]) for g in one) == sum(len(g["lanes"]) for g in gates) - 3


def test_events_are_spread_evenly_and_shuffled_each_signed_by_its_lanes_device() -> None:
    lanes = Lanes(4)
    sent = lanes.signed(0, 102, declared=50)
    assert sorted(Counter(r.lane for r in sent).values()) == [25, 25, 26, 26]
    assert [r.lane for r in sent[:8]] != [0, 1, 2, 3, 0, 1, 2, 3]  # not lock-step
    for r in sent[:8]:
        d = lanes.devices[r.lane]
        assert f'"device_id":"{d.device_id}"'.encode() in r.payload
        assert f'"lane_id":"{d.lane_id}"'.encode() in r.payload
    assert len({d.device_id for d in lanes.devices}) == 4
    assert len({d.secret for d in lanes.devices}) == 4


@pytest.mark.slow
def test_a_small_run_over_three_lanes_tallies_each_lane_and_the_total() -> None:
    out = run(argparse.Namespace(
        events=300, raw_messages=200, rate=20.0, seconds=1.0, instances=1, warmup=6,
        trips=100, at_step=False, lanes=3))
    per_lane = out["per_lane"]
    assert isinstance(per_lane, list) and len(per_lane) == 3
    assert [p["lane"] for p in per_lane] == [LANE, "hn1119-b02", "hn1119-b03"]
    assert sum(p["events"] for p in per_lane) == 300 + 20 + 6
    assert all(p["events"] >= 100 for p in per_lane)
    for key, lane_key in (("lost", "lost"), ("duplicates", "duplicates"),
                          ("unverified_commands", "unverified"), ("unacked", "unacked")):
        assert out[key] == sum(p[lane_key] for p in per_lane) == 0
    assert out["lanes"] == 3
    # A burst of ~100 reads a lane: each lane hears its commands several to a message.
    assert isinstance(out["commands_per_message"], float) and out["commands_per_message"] > 1
    assert all(p["commands_per_message"] > 1 for p in per_lane)
    assert sum(cast(dict[str, int], out["decided"]).values()) == 326


def test_the_lane_verify_micro_bench_checks_a_root_once_and_counts_the_lanes() -> None:
    """``bench/lane_verify.py``: the lane's commands of one root, the centre's packing, one
    Ed25519 check with the cache; the lanes count is one check per lane and root."""
    from bench.lane_verify import checks_per_command
    from bench.lane_verify import run as verify_run

    out = verify_run(argparse.Namespace(commands=40, messages=2, batch=128))
    assert cast(int, out["messages_per_root"]) >= 2  # 40 commands with proofs do not fit 16 KiB
    assert out["ed25519_checks_after"] == 1 and out["ed25519_checks_before"] == 40
    assert cast(float, out["verify_cpu_ms_before"]) > cast(float, out["verify_cpu_ms_after"])
    assert checks_per_command(1, 128) == round(2 / 128, 3)  # two roots of 64
    assert checks_per_command(128, 128) == 1.0  # one command a lane: one check each
