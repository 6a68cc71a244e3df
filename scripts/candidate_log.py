"""Every candidate of every frame, read and logged, so candidate orders can be replayed.

For each frame of the benchmark's kind (``bench/ocr.py``'s specs: easy frames of seed S,
hard frames of S+1; or ``--passes``: the 5-frame hard passes of seed S+2) this logs, per
localiser candidate: its segmentation features, what ``_read_lines_all`` made of it alone
(plate, confidence, cost, agreed) and the Tesseract calls that cost (eng, chi_sim row,
chi_sim glyph); and for the frame the reader's own read and calls. A candidate's read does
not depend on the others (its chi_sim cache is its own), so any order or skip rule over
candidates can be replayed from this log exactly, without Tesseract.

Why: the reader spends most of its calls on candidates that read as nothing (Round 5);
which rule would skip them without losing a plate is answered by replaying, on tuning
seeds (never the benchmark's 2026).

    .venv/bin/python scripts/candidate_log.py --seeds 999 777 4242 --out cands.jsonl
    .venv/bin/python scripts/candidate_log.py --fit cands.jsonl   # likeness.WEIGHTS
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import cv2
import numpy as np
from ocr import _specs  # the benchmark's own frame specs

from edge.reader.base import Frame
from edge.reader.engines import DEFAULT_TESSDATA, LineRead, ResidentEngine, Script
from edge.reader.likeness import feature_vector
from edge.reader.localise import candidates, rectify
from edge.reader.segment import segment
from edge.reader.tesseract import TesseractPlateReader
from smartgate.scenes import random_plate, render_frame, render_pass


class Counting:
    """A LineEngine that counts its calls by kind."""

    def __init__(self, inner: ResidentEngine) -> None:
        self.inner = inner
        self.calls = {"latin": 0, "cjk": 0, "glyph": 0}

    def read(self, img: Frame, *, script: Script = "latin") -> LineRead:
        self.calls[script] += 1
        return self.inner.read(img, script=script)

    def glyph(self, img: Frame) -> tuple[str, float]:
        self.calls["glyph"] += 1
        return self.inner.glyph(img)

    def take(self) -> dict[str, int]:
        got, self.calls = self.calls, {"latin": 0, "cjk": 0, "glyph": 0}
        return got


def features(crop: Frame) -> dict[str, Any]:
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV) if crop.ndim == 3 else None
    out: dict[str, Any] = {"cw": int(crop.shape[1]), "ch": int(crop.shape[0])}
    if hsv is not None:
        out["hue"], out["sat"], out["val"] = (round(float(np.median(hsv[..., i])), 1)
                                              for i in range(3))
    return out


def log_frame(reader: TesseractPlateReader, eng: Counting, image: Frame,
              meta: dict[str, Any]) -> dict[str, Any]:
    eng.take()
    read = reader.read(image)
    row = {**meta, "read": read.plate, "conf": read.confidence, "calls": eng.take(), "cands": []}
    for i, quad in enumerate(candidates(image, limit=12)):
        crop = rectify(image, quad, pad=0.04)
        lines = segment(crop)
        c: dict[str, Any] = {"i": i, **features(crop)}
        if lines is not None:
            got = reader._read_lines_all(lines)
            c.update(layout=lines.layout, chars=lines.chars, row_chars=list(lines.row_chars),
                     evened=lines.evened, text_px=round(lines.text_px, 1),
                     widths=[int(g.shape[1]) for g in lines.gray],
                     plate=got.cand.plate if got else None,
                     pconf=round(got.conf, 4) if got else 0.0,
                     cost=got.cand.cost if got else None,
                     agreed=bool(got and got.agreed), calls=eng.take())
        row["cands"].append(c)
    return row


def logged_features(c: dict[str, Any]) -> list[float]:
    """``likeness.features`` from a logged candidate (the same inputs, as logged)."""
    return list(feature_vector(chars=c["chars"], layout=c["layout"], text_px=c["text_px"],
                               width=c["cw"], height=c["ch"], value=c.get("val", 0.0),
                               evened=c["evened"], rank=c["i"]))


def fit(path: Path, l2: float = 1e-2) -> list[float]:
    """Logistic regression (Newton steps): does this candidate alone read the true plate?"""
    xs, ys = [], []
    for line in path.open():
        frame = json.loads(line)
        for c in frame["cands"]:
            if "chars" in c:
                xs.append(logged_features(c))
                ys.append(float(c["plate"] == frame["truth"]))
    x, y = np.array(xs), np.array(ys)
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, x.T @ (p - y) + l2 * w)
    return [round(float(v), 3) for v in w]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fit", type=Path, help="print likeness weights fitted on this log")
    ap.add_argument("--seeds", type=int, nargs="+", default=[999, 777, 4242])
    ap.add_argument("--n", type=int, default=80)
    ap.add_argument("--passes", type=int, default=0, help="log N hard passes of seed S+2 instead")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.fit:
        print(fit(args.fit))
        return 0
    if args.out is None:
        ap.error("--out is needed")
    if {2026, 2027, 2028, 2029} & set(args.seeds):
        ap.error("2026-2029 are the benchmark's seeds: tune elsewhere")
    eng = Counting(ResidentEngine(DEFAULT_TESSDATA))
    reader = TesseractPlateReader(eng)  # type: ignore[arg-type]
    with args.out.open("w") as fh:
        for seed in args.seeds:
            if args.passes:
                for country, layout, s in _specs(args.passes, seed + 2):
                    rng = random.Random(s)
                    plate = random_plate(rng, country=country, layout=layout)
                    scenes = render_pass(plate=plate, layout=layout, difficulty="hard",  # type: ignore[arg-type]
                                         rng=rng, frames=5)
                    for k, sc in enumerate(scenes):
                        meta = {"seed": seed, "frame": s, "k": k, "difficulty": "pass",
                                "country": country, "layout": layout, "truth": sc.plate}
                        fh.write(json.dumps(log_frame(reader, eng, sc.image, meta),
                                            ensure_ascii=False) + "\n")
                continue
            for difficulty, s0 in (("easy", seed), ("hard", seed + 1)):
                for country, layout, s in _specs(args.n, s0):
                    rng = random.Random(s)
                    plate = random_plate(rng, country=country, layout=layout)
                    scene = render_frame(plate=plate, layout=layout,  # type: ignore[arg-type]
                                         difficulty=difficulty, rng=rng)
                    meta = {"seed": seed, "frame": s, "difficulty": difficulty,
                            "country": country, "layout": layout, "truth": scene.plate}
                    fh.write(json.dumps(log_frame(reader, eng, scene.image, meta),
                                        ensure_ascii=False) + "\n")
            print(f"seed {seed} done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
