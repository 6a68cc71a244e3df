"""Pass consensus replayed from logged frame reads, as the benchmark decides and as the agent does.

Why: ``bench/ocr.py``'s ``run_passes`` asks ``consensus()`` once, with all five frames of a
pass; the agent (``edge/passes.py``) asks it after every frame with a plate and keeps the
first decision. The two can differ (a pass decided on frames 1-3 that frames 4-5 would
have contested), and a consensus rule is cheap to replay from the frames' reads, with no
Tesseract. ``--dump`` reads the benchmark's kind of hard passes on tuning seeds (never the
benchmark's 2028: its passes are the specs of seed + 2) and writes one JSON line per pass;
``--replay`` decides each logged pass both ways, under main's rule and a lower ratio, and as
the lane now does (``edge/passes.py``: a contested pass waits; docs/reader-journal.md, round 7).

    .venv/bin/python scripts/pass_replay.py --dump 1001 --out p1001.jsonl   # ~4 min
    .venv/bin/python scripts/pass_replay.py --dump 1001 --out p1001.jsonl --scales 0.7 1.5 0.85 1.25
    .venv/bin/python scripts/pass_replay.py --replay p1001.jsonl [--ratio 1.5]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from ocr import _specs, lane_decisions, truck_outcome  # the benchmark's specs and lane

from edge.reader import make_reader
from edge.reader.base import FrameRead
from edge.reader.consensus import PassRead, consensus
from edge.reader.second_look import rescaled_reads
from smartgate.scenes import random_plate, render_pass

Rule = Callable[[Sequence[FrameRead]], PassRead | None]


def _row(r: FrameRead) -> list[Any]:
    return [r.plate, r.confidence, r.layout, r.country, r.rival]


def dump(seed: int, n: int, out: Path, scales: Sequence[float] = ()) -> None:
    """``scales``: a pass the lane's first look does not decide right (undecided or wrong),
    or whose decision the lane checks by reading frames again (a thin one, round 18:
    ``PassTracker._doubted``), also logs each frame read again at each scale
    (``looks[scale][frame]``), so that the second look (``edge.reader.second_look``) and the
    check can be replayed without Tesseract."""
    reader = make_reader(engine="resident")
    with out.open("w") as fh:
        for country, layout, s in _specs(n, seed):
            rng = random.Random(s)
            plate = random_plate(rng, country=country, layout=layout)
            scenes = render_pass(plate=plate, layout=layout, difficulty="hard",
                                 rng=rng, frames=5)
            reads = [reader.read(sc.image) for sc in scenes]
            row: dict[str, Any] = {"spec": s, "truth": scenes[0].plate,
                                   "reads": [_row(r) for r in reads]}
            first = truck_outcome([d.plate for d in lane_decisions(reads)], row["truth"])
            if scales and (first != "right" or _checked(reads)):
                row["looks"] = {str(sc): [_row(r) for im in scenes
                                          for r in rescaled_reads(reader, im.image, (sc,))]
                                for sc in scales}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _checked(reads: list[FrameRead]) -> bool:
    """Whether the lane reads some frame of this pass again while it is under way (a thin
    decision's check, ``PassTracker._doubted``), asked with a look that reads nothing."""
    asked: list[Any] = []

    def look(image: Any, scales: Sequence[float]) -> list[FrameRead]:
        asked.append(image)
        return []
    return bool(lane_decisions(reads, images=list(range(len(reads))), look=look)) and bool(asked)


def _reads(row: dict[str, Any]) -> list[FrameRead]:
    """A logged pass's frame reads; the rival (round 9) when the log has it."""
    return [FrameRead(r[0], r[1], "", r[2], r[3], rival=r[4] if len(r) > 4 else None)
            for r in row["reads"]]


def with_ratio(ratio: float) -> Rule:
    """``consensus`` with the whole-plate winner needing ``ratio`` x the runner-up's support
    (main: 2); the position vote is main's."""
    return lambda reads: consensus(reads, min_agree=2, ratio=ratio)


def replay(rows: list[dict[str, Any]], rule: Rule, *, live: bool) -> dict[str, Any]:
    """Right / wrong / undecided passes; ``live``: the first decision after any frame."""
    ok = wrong = undecided = 0
    wrongs: list[str] = []
    for row in rows:
        reads = _reads(row)
        got = None
        for k in range(1, len(reads) + 1) if live else [len(reads)]:
            if live and reads[k - 1].plate is None:
                continue  # the agent asks only after a frame with a plate
            got = rule(reads[:k])
            if got is not None:
                break
        if got is None:
            undecided += 1
        elif got.plate == row["truth"]:
            ok += 1
        else:
            wrong += 1
            wrongs.append(f"{got.plate} for {row['truth']}")
    return {"right": ok, "wrong": wrong, "undecided": undecided, "wrong_plates": wrongs}


def _logged_look(row: dict[str, Any]) -> Callable[[Any, Sequence[float]], list[FrameRead]]:
    """The lane's second look (``PassTracker.second_look``) answered from a dump's ``looks``:
    frame ``i`` (its image is its index here) read at each asked scale that was logged."""
    looks = row.get("looks", {})

    def look(i: Any, scales: Sequence[float]) -> list[FrameRead]:
        return [_reads({"reads": [looks[str(s)][int(i)]]})[0] for s in scales
                if str(s) in looks]
    return look


def as_lane(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Right / wrong / undecided as the lane publishes (``bench/ocr.py``'s ``lane_decisions``
    and ``truck_outcome``: a truck is wrong when any of its pass reads names another plate).
    With the lane's second look at an undecided pass (round 13) where the dump logged the
    frames read again (``--scales``; a pass without them: no second look)."""
    counts = {"right": 0, "wrong": 0, "undecided": 0}
    wrongs: list[str] = []
    for row in rows:
        reads = _reads(row)
        published = [d.plate for d in lane_decisions(
            reads, images=list(range(len(reads))), look=_logged_look(row))]
        got = truck_outcome(published, row["truth"])
        counts[got] += 1
        if got == "wrong":
            wrongs.append(f"{'/'.join(published)} for {row['truth']}")
    return {**counts, "wrong_plates": wrongs}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dump", type=int, metavar="SEED", help="pass spec seed to read")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--scales", type=float, nargs="*", default=(),
                    help="with --dump: log second looks at these scales (passes not right)")
    ap.add_argument("--replay", type=Path, nargs="+")
    ap.add_argument("--ratio", type=float, default=1.5)
    args = ap.parse_args()
    if args.dump is not None:
        if 2024 <= args.dump <= 2031:
            ap.error("the benchmark's seeds (2026-2029 and their passes): tune elsewhere")
        if args.out is None:
            ap.error("--dump needs --out")
        dump(args.dump, args.n, args.out, args.scales)
    rows = [json.loads(line) for path in args.replay or [] for line in
            path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if rows:
        rules: dict[str, Rule] = {"main": lambda rs: consensus(rs, min_agree=2),
                                  f"ratio {args.ratio}": with_ratio(args.ratio)}
        for name, rule in rules.items():
            for live in (False, True):
                print(json.dumps({"rule": name, "as": "first agreement" if live else
                                  "all frames", **replay(rows, rule, live=live)},
                                 ensure_ascii=False))
        print(json.dumps({"rule": "the lane's (edge.passes)", "as": "lane",
                          **as_lane(rows)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
