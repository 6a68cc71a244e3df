"""The easy frames only, on seeds of one's own: every miss and every read under the band.

The benchmark reads 160 easy frames of one seed, so each easy miss is 0.6 % of its figure;
the tuning groups hold too few misses to learn a cause from. This script reads the easy
frames (``bench/ocr.py``'s specs, as ``reader_misses.py`` reads them) of any seeds, logs
each frame (``--log``, one JSON line: truth, read, confidence, raw text, CPU) and prints the
misses and the reads under 0.8, each with the frame's eng / chi_sim text where it helps to
class it. Accuracy only: no lock needed. Never the benchmark's or the held-out seeds.

    .venv/bin/python scripts/easy_scan.py --seeds 5101 5102 [--n 160] [--log out.jsonl]
        [--country CN]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from ocr import _specs  # the benchmark's own frame specs

from edge.reader import make_reader
from smartgate.scenes import random_plate, render_frame

FORBIDDEN = {2025, 2026, 2027, 2028, 2029, 6161, 7373, 9090, 4444}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", required=True)
    ap.add_argument("--n", type=int, default=160)
    ap.add_argument("--log", type=Path)
    ap.add_argument("--country", choices=("VN", "CN"),
                    help="read only this country's frames (the others are still drawn, "
                         "so the frames read are the same as in a full scan)")
    args = ap.parse_args()
    if FORBIDDEN & set(args.seeds):
        ap.error("benchmark or held-out seed: scan elsewhere")
    reader = make_reader(engine="resident")
    rows: list[dict[str, Any]] = []
    fh = args.log.open("w") if args.log else None
    for seed in args.seeds:
        for country, layout, s in _specs(args.n, seed):
            if args.country and country != args.country:
                continue
            rng = random.Random(s)
            plate = random_plate(rng, country=country, layout=layout)
            scene = render_frame(plate=plate, layout=layout, difficulty="easy",
                                 rng=rng)
            c = time.process_time()
            read = reader.read(scene.image)
            ms = (time.process_time() - c) * 1000
            row = {"seed": seed, "frame": s, "difficulty": "easy", "country": country,
                   "layout": layout, "truth": scene.plate, "read": read.plate,
                   "conf": read.confidence, "raw": read.raw_text, "cpu_ms": round(ms, 1)}
            rows.append(row)
            if fh:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                fh.flush()
        mine = [r for r in rows if r["seed"] == seed]
        print(json.dumps({"seed": seed, "easy": sum(r["read"] == r["truth"] for r in mine),
                          "frames": len(mine)}), flush=True)
    for r in rows:
        if r["read"] != r["truth"] or r["conf"] < 0.8:
            tag = "MISS" if r["read"] != r["truth"] else "low "
            print(f"{tag} {r['seed']} {r['frame']} {r['country']} {r['layout']:6} "
                  f"{r['truth']:10} read {r['read']!s:10} {r['conf']:.2f} {r['raw']!r}")
    right = sum(r["read"] == r["truth"] for r in rows)
    print(json.dumps({"seeds": args.seeds, "easy": right, "frames": len(rows)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
