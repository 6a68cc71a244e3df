"""``smartgate simulate`` as a planner runs it: deterministic per seed, contactless beats manual."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ARGS = ["--trucks", "300", "--seed", "7"]


def run(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smartgate.cli", "simulate", *ARGS, *extra],
                          capture_output=True, text=True, timeout=240, cwd=tmp_path)


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, str, Path]:
    tmp = tmp_path_factory.mktemp("sim")
    first = run(tmp, "--chart", str(tmp / "a.html"))
    second = run(tmp, "--chart", str(tmp / "b.html"), "--no-progress")
    assert first.returncode == 0, first.stderr[-2000:]
    assert second.returncode == 0, second.stderr[-2000:]
    return (json.loads(first.stdout.strip().splitlines()[-1]),
            json.loads(second.stdout.strip().splitlines()[-1]), first.stderr, tmp)


def test_same_seed_same_result_and_every_scenario_reported(twice) -> None:
    a, b, _, _ = twice
    assert a["scenarios"] == b["scenarios"]
    names = [s["name"] for s in a["scenarios"]]
    assert names == ["contactless", "manual", "contactless_plus_2h", "contactless_plus_1_lane",
                     "contactless_priority_off"]
    for s in a["scenarios"]:
        assert {"name", "cleared", "median_wait_min", "p95_wait_min", "max_queue"} <= set(s)
        assert 0 < s["cleared"] <= s["trucks"] == 300
        assert s["p95_wait_min"] >= s["median_wait_min"] > 0
    # the real rules decided: manual lanes hand everyone to an officer, contactless mostly open
    by = {s["name"]: s for s in a["scenarios"]}
    assert set(by["manual"]["outcomes"]) == {"manual"}
    assert by["contactless"]["outcomes"]["open"] > 0.6 * 300


def test_contactless_beats_manual_on_median_wait(twice) -> None:
    a, _, _, _ = twice
    by = {s["name"]: s for s in a["scenarios"]}
    assert by["contactless"]["median_wait_min"] < by["manual"]["median_wait_min"]
    assert by["contactless"]["p95_wait_min"] < by["manual"]["p95_wait_min"]


def test_progress_bar_on_stderr_and_chart_written(twice) -> None:
    _, _, stderr, tmp = twice
    assert "simulating" in stderr and "truck" in stderr
    chart = (tmp / "a.html").read_text(encoding="utf-8")
    assert "new Chart(" in chart and "contactless_plus_1_lane" in chart


def test_a_different_seed_gives_a_different_day(twice, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "smartgate.cli", "simulate", "--trucks", "300",
                          "--seed", "8", "--scenario", "contactless", "--no-progress",
                          "--chart", str(tmp_path / "c.html")],
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    other = json.loads(out.stdout.strip().splitlines()[-1])["scenarios"][0]
    assert other["name"] == "contactless" and other["trucks"] == 300
    seven = twice[0]["scenarios"][0]
    assert (other["median_wait_min"], other["p95_wait_min"], other["outcomes"]) != (
        seven["median_wait_min"], seven["p95_wait_min"], seven["outcomes"])


@pytest.mark.parametrize(("args", "message"), [
    (["--trucks", "0"], "between 1 and 20000"),
    (["--trucks", "many"], "invalid _positive value"),
    (["--scenario", "teleport"], "invalid choice"),
    (["--day", "2026-13-01"], "invalid fromisoformat value"),
    (["--perishable-share", "2"], "between 0 and 1"),
])
def test_bad_arguments_get_a_clear_error(args: list[str], message: str, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "smartgate.cli", "simulate", *args],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 2 and message in out.stderr
    assert not (tmp_path / "artifacts").exists()  # nothing half-written
