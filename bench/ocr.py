"""Benchmark: the edge plate reader on generated lane frames, against the naive baseline.

Data (fixed seed, :mod:`smartgate.scenes`): an easy set and a hard set (stronger
angle, perspective, blur, night, glare, noise, JPEG), both 1- and 2-line, VN and
CN, plus plate-free frames of trucks carrying painted clutter text; hard
vehicle passes of 5 frames decided by multi-frame consensus.

Latency is per frame on one core (the process is pinned to one CPU). The naive
baseline is what the issue names: pytesseract on the whole frame, then the
plate grammar; the subprocess engine (same pipeline, pytesseract per line) is
measured too so the cost of a process per call shows.

    .venv/bin/python bench/ocr.py [--easy 200] [--hard 200] [--passes 100] [--negatives 60]

Last line: one JSON object (easy_exact, hard_exact, hard_vehicle_exact,
negatives_false_reads, median_ms, p95_ms, baseline_easy_exact, baseline_median_ms,
speedup, per-layout and per-country figures, subprocess_median_ms, and the same latencies as
CPU time, median_cpu_ms, baseline_median_cpu_ms, speedup_cpu, which the shared machine's
load does not inflate).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from domain.plate_candidates import vn_candidates
from edge.passes import PassTracker
from edge.passtypes import LookFn, PassReadLike
from edge.reader import make_reader
from edge.reader.base import FrameRead, PlateReader
from edge.reader.consensus import consensus
from edge.reader.second_look import rescaled_reads
from edge.settings import EdgeSettings
from smartgate.scenes import random_plate, render_frame, render_negative, render_pass

#: The lane's own pass settings (their defaults): the benchmark decides passes as it does.
EDGE = EdgeSettings.model_construct()
KINDS = (("VN", "1-line"), ("VN", "2-line"), ("CN", "1-line"), ("CN", "2-line"))
WEIGHTS = (0.4, 0.25, 0.2, 0.15)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the tesseract processes).

    Why besides wall time: the machine is shared, and a pinned core's wall time grows with
    other people's load (the same run measured 400 and 890 ms for the baseline); CPU time is
    what a frame costs on an idle core, for the reader and the baseline alike.
    """
    t = os.times()  # children: clock ticks; this process: process_time's finer clock
    return time.process_time() + t.children_user + t.children_system


def _pct(xs: list[float], q: float) -> float:
    return round(float(np.percentile(xs, q)), 2) if xs else 0.0


def _specs(n: int, seed: int) -> list[tuple[str, str, int]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        country, layout = rng.choices(KINDS, WEIGHTS)[0]
        out.append((country, layout, seed * 100_003 + i))
    return out


def run_set(reader: PlateReader, n: int, difficulty: str, seed: int,
            log: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    hits: dict[str, list[int]] = defaultdict(list)
    times: list[float] = []
    cpu: list[float] = []
    wrong = 0
    for country, layout, s in _specs(n, seed):
        rng = random.Random(s)
        plate = random_plate(rng, country=country, layout=layout)
        scene = render_frame(plate=plate, layout=layout, difficulty=difficulty,  # type: ignore[arg-type]
                             rng=rng)
        t, c = time.perf_counter(), _cpu()
        read = reader.read(scene.image)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((_cpu() - c) * 1000)
        ok = int(read.plate == scene.plate)
        wrong += int(read.plate is not None and not ok)
        for key in ("all", layout, country, f"{country} {layout}"):
            hits[key].append(ok)
        if log is not None:
            log.append({"seed": s, "difficulty": difficulty, "truth": scene.plate,
                        "read": read.plate, "conf": read.confidence, "raw": read.raw_text})
    exact = {k: round(sum(v) / len(v), 4) for k, v in hits.items()}
    exact.setdefault("all", 0.0)
    return {"exact": exact, "wrong_reads": wrong, "times": times, "cpu": cpu}


def run_passes(reader: PlateReader, n: int, seed: int) -> dict[str, Any]:
    """Per-vehicle figures as the lane decides, and the decided passes' confidences.

    The lane decides frame by frame (``edge.passes.PassTracker``, the agent's own settings):
    it publishes the first agreement that nothing contests, waits when a frame read another
    plate, and decides a contested pass at its end. A truck counts right only if every
    pass read the lane published for it names its plate (one wrong read the centre would
    act on is a wrong decision). ``all_frames``: the same passes decided by consensus over
    all five frames at once, as this benchmark counted before round 7 (kept to compare).

    Why the bands: the frames of one pass are not independent (the same plate, light and
    blur: three frames read 桂V1GZ07 as 桂V16207 alike), so a pass's confidence needs its
    own check, not only the per-frame one.
    """
    lane = {"right": 0, "wrong": 0, "undecided": 0}
    batch, first = dict(lane), dict(lane)
    decided: list[dict[str, Any]] = []
    looks = {"passes": 0, "reads": 0, "cpu_ms": 0.0}

    def look(image: Any, scales: Sequence[float]) -> list[FrameRead]:
        started = _cpu()
        got = rescaled_reads(reader, image, scales)
        looks["reads"] += len(got)
        looks["cpu_ms"] += (_cpu() - started) * 1000
        return got

    for country, layout, s in _specs(n, seed):
        rng = random.Random(s)
        plate = random_plate(rng, country=country, layout=layout)
        scenes = render_pass(plate=plate, layout=layout, difficulty="hard", rng=rng,  # type: ignore[arg-type]
                             frames=5)
        reads: list[FrameRead] = [reader.read(sc.image) for sc in scenes]
        truth = scenes[0].plate
        once = consensus(reads, min_agree=EDGE.min_agree)
        batch[truck_outcome([once.plate] if once else [], truth)] += 1
        first[truck_outcome([d.plate for d in lane_decisions(reads)], truth)] += 1
        before = looks["reads"]
        published = lane_decisions(reads, images=[sc.image for sc in scenes], look=look)
        looks["passes"] += looks["reads"] > before
        lane[truck_outcome([d.plate for d in published], truth)] += 1
        if published:
            decided.append({"read": published[0].plate, "truth": truth,
                            "conf": published[0].confidence})
    return {"exact": round(lane["right"] / max(n, 1), 4), "wrong": lane["wrong"],
            "undecided": lane["undecided"],
            "bands": calibration(decided),
            "all_frames": {"exact": round(batch["right"] / max(n, 1), 4),
                           "wrong": batch["wrong"], "undecided": batch["undecided"]},
            "first_look": {"exact": round(first["right"] / max(n, 1), 4),
                           "wrong": first["wrong"], "undecided": first["undecided"]},
            "second_look": {**looks, "cpu_ms": round(looks["cpu_ms"], 1)}}


def truck_outcome(published: list[str], truth: str) -> str:
    """"right" when the lane published reads for the truck and all name its plate, "wrong"
    when any names another (the centre acts on every pass read), else "undecided"."""
    if not published:
        return "undecided"
    return "right" if all(p == truth for p in published) else "wrong"


def lane_decisions(reads: list[FrameRead], *, every_s: float = 0.2,
                   images: list[Any] | None = None,
                   look: LookFn | None = None) -> list[PassReadLike]:
    """The pass reads a lane publishes for these frames of one truck, in order. With the
    frames' ``images`` and a ``look``, an undecided pass gets the lane's second look
    (``edge.reading.LaneReading.emit_ended``, ``PassTracker.second_look``; round 13)."""
    tracker = PassTracker(consensus=consensus, timeout_s=EDGE.pass_timeout_s,
                          min_agree=EDGE.min_agree, contested_frames=EDGE.contested_frames)
    out: list[PassReadLike] = []
    at = datetime.now(UTC)
    for i, read in enumerate(reads):
        _, d = tracker.feed(read=read, group="truck", captured_at=at, now=i * every_s,
                            image=images[i] if images is not None and look else None,
                            look=look)
        if d is not None:
            out.append(d.result)
    tracker.end_group("truck")
    out += [d.result for d in tracker.take_late()]
    for vp in tracker.take_undecided():
        looked = tracker.second_look(vp, look) if look is not None else None
        if looked is not None:
            out.append(looked.result)
    return out


def baseline(n: int, seed: int) -> dict[str, Any]:
    """Naive path: pytesseract on the whole frame (sparse text), grammar-checked."""
    import cv2
    import pytesseract

    hits, times, cpu = [], [], []
    cfg = "--psm 11 --oem 1"
    for country, layout, s in _specs(n, seed):
        rng = random.Random(s)
        plate = random_plate(rng, country=country, layout=layout)
        scene = render_frame(plate=plate, layout=layout, difficulty="easy",  # type: ignore[arg-type]
                             rng=rng)
        t, c = time.perf_counter(), _cpu()
        gray = cv2.cvtColor(scene.image, cv2.COLOR_BGR2GRAY)
        text = pytesseract.image_to_string(gray, lang="eng+chi_sim" if country == "CN" else "eng",
                                           config=cfg)
        cands = vn_candidates(text.replace("\n", ""), max_trim=0)
        read = cands[0].plate if cands else None
        if country == "CN":
            flat = "".join(text.split())
            read = next((flat[i:i + 7] for i in range(len(flat)) if flat[i:i + 7] == scene.plate),
                        None)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((_cpu() - c) * 1000)
        hits.append(int(read == scene.plate))
    return {"exact": round(sum(hits) / max(len(hits), 1), 4), "times": times, "cpu": cpu}


def calibration(log: list[dict[str, Any]]) -> dict[str, Any]:
    bands: dict[str, list[int]] = defaultdict(list)
    for row in log:
        if row["read"] is None:
            continue
        c = row["conf"]
        band = "0.3-0.5" if c < 0.5 else ("0.5-0.8" if c < 0.8 else ">=0.8")
        bands[band].append(int(row["read"] == row["truth"]))
    return {b: {"reads": len(v), "exact": round(sum(v) / len(v), 4)} for b, v in
            sorted(bands.items())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--easy", type=int, default=160)
    ap.add_argument("--hard", type=int, default=160)
    ap.add_argument("--passes", type=int, default=100)  # 1 % steps: the target is 99 %
    ap.add_argument("--negatives", type=int, default=60)
    ap.add_argument("--baseline", type=int, default=20)
    ap.add_argument("--subprocess", type=int, default=10)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--failures", type=Path, help="write per-frame misses as JSON lines here")
    args = ap.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    reader = make_reader(engine="resident")
    reader.read(render_frame(plate="12C12345", layout="1-line", difficulty="easy",
                             rng=random.Random(0)).image)  # load models before timing
    log: list[dict[str, Any]] = []
    print(f"easy set: {args.easy} frames", flush=True)
    easy = run_set(reader, args.easy, "easy", args.seed, log)
    print(f"  exact {easy['exact']['all']}", flush=True)
    print(f"hard set: {args.hard} frames", flush=True)
    hard = run_set(reader, args.hard, "hard", args.seed + 1, log)
    print(f"  exact {hard['exact']['all']}", flush=True)
    print(f"hard passes: {args.passes} x 5 frames", flush=True)
    passes = run_passes(reader, args.passes, args.seed + 2)
    print(f"negatives: {args.negatives} frames", flush=True)
    rng = random.Random(args.seed + 3)
    false_reads = sum(
        reader.read(render_negative(rng, "hard" if i % 2 else "easy")).plate is not None
        for i in range(args.negatives))
    print(f"subprocess engine: {args.subprocess} frames", flush=True)
    slow = run_set(make_reader(engine="subprocess"), args.subprocess, "easy", args.seed)
    print(f"baseline (pytesseract on the whole frame): {args.baseline} frames", flush=True)
    base = baseline(args.baseline, args.seed)
    if args.failures:
        with args.failures.open("w") as fh:
            for row in log:
                if row["read"] != row["truth"]:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    times = easy["times"] + hard["times"]
    median = statistics.median(times)
    cpu = easy["cpu"] + hard["cpu"]
    cpu_median = statistics.median(cpu)
    result = {
        "easy_exact": easy["exact"]["all"], "hard_exact": hard["exact"]["all"],
        "hard_vehicle_exact": passes["exact"], "hard_vehicle_wrong": passes["wrong"],
        "hard_vehicle_undecided": passes["undecided"],
        "hard_vehicle_all_frames": passes["all_frames"],
        "hard_vehicle_first_look": passes["first_look"], "second_look": passes["second_look"],
        "negatives_false_reads": false_reads, "negatives": args.negatives,
        "wrong_reads_per_frame": easy["wrong_reads"] + hard["wrong_reads"],
        "median_ms": round(median, 2), "p95_ms": _pct(times, 95),
        "easy_median_ms": _pct(easy["times"], 50), "hard_median_ms": _pct(hard["times"], 50),
        "baseline_easy_exact": base["exact"], "baseline_median_ms": _pct(base["times"], 50),
        "speedup": round(_pct(base["times"], 50) / median, 1) if median else None,
        "median_cpu_ms": round(cpu_median, 2), "p95_cpu_ms": _pct(cpu, 95),
        "baseline_median_cpu_ms": _pct(base["cpu"], 50),
        "speedup_cpu": round(_pct(base["cpu"], 50) / cpu_median, 1) if cpu_median else None,
        "subprocess_engine_exact": slow["exact"]["all"],
        "subprocess_median_cpu_ms": _pct(slow["cpu"], 50),
        "subprocess_median_ms": _pct(slow["times"], 50),
        "easy_by_kind": {k: v for k, v in easy["exact"].items() if k != "all"},
        "hard_by_kind": {k: v for k, v in hard["exact"].items() if k != "all"},
        "confidence_bands": calibration(log),
        "vehicle_confidence_bands": passes["bands"],  # "reads" = decided passes
        "sizes": {"easy": args.easy, "hard": args.hard, "passes": args.passes,
                  "baseline": args.baseline, "subprocess": args.subprocess},
        "cores": 1,
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
