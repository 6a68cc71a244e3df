"""``smartgate scenes --out DIR --count N --seed S``: write labelled generated frames.

Why: a reproducible data set (JPEGs + ``labels.jsonl`` with the plate, layout,
country and plate corners) lets anyone re-run the reader or another OCR on
exactly the frames the benchmark used. ``--passes`` writes vehicle passes of
5 frames (``<n>_<frame>.jpg``) as the edge agent's folder source expects.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import cv2

from smartgate.scenes import random_plate, render_frame, render_negative, render_pass

KINDS = (("VN", "1-line"), ("VN", "2-line"), ("CN", "1-line"), ("CN", "2-line"))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="smartgate scenes", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--difficulty", choices=("easy", "hard"), default="easy")
    ap.add_argument("--passes", action="store_true", help="write 5-frame vehicle passes")
    ap.add_argument("--negatives", type=int, default=0, help="plate-free frames to add")
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("--count must be >= 0")
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    with (args.out / "labels.jsonl").open("w", encoding="utf-8") as labels:
        for i in range(args.count):
            country, layout = rng.choices(KINDS, (0.4, 0.25, 0.2, 0.15))[0]
            plate = random_plate(rng, country=country, layout=layout)
            scenes = (render_pass(plate=plate, layout=layout, difficulty=args.difficulty,  # type: ignore[arg-type]
                                  rng=rng) if args.passes else
                      [render_frame(plate=plate, layout=layout, difficulty=args.difficulty,  # type: ignore[arg-type]
                                    rng=rng)])
            for j, scene in enumerate(scenes):
                name = f"{i:05d}_{j}.jpg" if args.passes else f"{i:05d}.jpg"
                cv2.imwrite(str(args.out / name), scene.image, [cv2.IMWRITE_JPEG_QUALITY, 92])
                labels.write(json.dumps({"image": name, "plate": scene.plate,
                                         "layout": scene.layout, "country": scene.country,
                                         "quad": scene.quad, "pass": i if args.passes else None,
                                         "difficulty": args.difficulty},
                                        ensure_ascii=False) + "\n")
        for k in range(args.negatives):
            name = f"neg_{k:05d}.jpg"
            cv2.imwrite(str(args.out / name), render_negative(rng, args.difficulty))
            labels.write(json.dumps({"image": name, "plate": None}) + "\n")
    print(json.dumps({"out": str(args.out), "count": args.count, "passes": args.passes}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
