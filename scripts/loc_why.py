"""Why the localiser loses a hard frame's plate: every quad it scored, and what each read.

For each listed frame (``reader_misses.py``'s log: the localisation and fragile misses, or
``--frames``), this prints the quads of the localiser's scoring before the overlap rule
(mask, score, box IoU with the generator's quad), which of them were chosen and which
chosen quad suppressed a near one, the reader's order (eager / ranked / skipped, likeness)
and what each chosen candidate reads alone; when no scored quad is near the plate, the
mask contours near it and the test each failed (area, shape, fill, texture).

Why: issue 3's "localisation" class says only that the true quad reads right and no found
one did; which detector step loses the plate (or which ranking step loses its candidate)
decides what to fix. Tuning seeds only (never 2026-2029).

    .venv/bin/python scripts/loc_why.py --log misses.jsonl [--cls localisation fragile]
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

from edge.reader import localise as L
from edge.reader import make_reader
from edge.reader.likeness import EAGER as EAGER_LIKENESS
from edge.reader.likeness import likeness
from edge.reader.outline import crops
from edge.reader.segment import segment
from edge.reader.tesseract import SMALL_TEXT_PX, TesseractPlateReader
from smartgate.scenes import random_plate, render_frame

MASKS = ("edge", "yellow", "blue", "green", "blackhat", "tophat", "bright")


def scene_of(seed: int, frame: int) -> Any:
    """The hard (seed + 1) or easy (seed) frame ``frame`` of seed ``seed``."""
    for difficulty, s0 in (("easy", seed), ("hard", seed + 1)):
        for country, layout, s in _specs(80, s0):
            if s == frame:
                rng = random.Random(s)
                plate = random_plate(rng, country=country, layout=layout)
                return render_frame(plate=plate, layout=layout, difficulty=difficulty,  # type: ignore[arg-type]
                                    rng=rng)
    raise KeyError(frame)


def scored(frame: np.ndarray, truth: np.ndarray) -> tuple[list[dict[str, Any]],
                                                          list[dict[str, Any]]]:
    """``localise.candidates``' scoring, every quad kept with why; and near contours lost."""
    w = frame.shape[1]
    k = L.WORK_WIDTH / w if w > L.WORK_WIDTH else 1.0
    small = cv2.resize(frame, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else frame
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    sh, sw = gray.shape[:2]
    lo, hi = int(gray.min()), int(gray.max())
    levels = ((L._LEVELS - lo) * (255.0 / max(hi - lo, 1))).astype(np.uint8)
    norm = np.asarray(cv2.LUT(gray, levels), np.uint8)
    blur = cv2.GaussianBlur(norm, (3, 3), 0)
    masks = [cv2.dilate(cv2.Canny(blur, 40, 120), np.ones((3, 3), np.uint8))]
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 3))
    for c_lo, c_hi in L._COLOURS:
        masks.append(cv2.morphologyEx(cv2.inRange(hsv, np.array(c_lo), np.array(c_hi)),
                                      cv2.MORPH_CLOSE, kernel))
    n_outline = len(masks)
    masks.extend(L._text_masks(blur))
    strong = (np.abs(cv2.Sobel(norm, cv2.CV_16S, 1, 0, ksize=3)) > 60).view(np.uint8)
    tbox = cv2.boundingRect((truth * k).astype(np.int32))
    out: list[dict[str, Any]] = []
    lost: list[dict[str, Any]] = []
    for i, mask in enumerate(masks):
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            grown = False
            if i > n_outline and cv2.contourArea(c) > 0.0005 * sw * sh:
                c = L._grown(c)
                grown = True
            near = L._box_iou(cv2.boundingRect(c.astype(np.int32)), tbox)
            area = cv2.contourArea(c)
            why = ""
            if area < 0.0015 * sw * sh or area > 0.25 * sw * sh:
                why = f"area {area / (sw * sh):.4f}"
            got = None if why else L._quad_of(c)
            refit = not why and got is None and i == 0
            if refit:
                got = L._hull_quad(c)
            if got is None and not why:
                (_, _), (rw, rh), _ = cv2.minAreaRect(c)
                rw, rh = max(rw, rh), min(rw, rh)
                why = (f"quad_of: rh {rh:.0f} aspect {rw / max(rh, 1):.2f} "
                       f"fill {area / max(rw * rh, 1):.2f}")
            if got is not None:
                quad, aspect, fill = got
                texture = L._texture(strong, quad)
                if texture < L.MIN_TEXTURE:
                    why = f"texture {texture:.3f}"
                else:
                    full = quad / k
                    out.append({"score": L._score(texture, aspect, fill), "quad": full,
                                "box": cv2.boundingRect(full.astype(np.int32)),
                                "refit": refit, "mask": MASKS[i], "grown": grown,
                                "iou": L._iou(full, truth), "texture": texture, "fill": fill,
                                "aspect": aspect})
                    continue
            if near >= 0.3:
                lost.append({"mask": MASKS[i], "near": round(near, 2), "why": why})
    out.sort(key=lambda t: -t["score"])
    chosen: list[dict[str, Any]] = []
    refits = 0
    for j, s in enumerate(out):
        s["order"] = j
        if s["refit"] and refits >= L.MAX_REFITS:
            s["fate"] = "refit cap"
            continue
        if len(chosen) >= 12:
            s["fate"] = "limit"
            continue
        hit = [c for c in chosen if L._box_iou(s["box"], c["box"]) >= 0.5]
        if hit:
            h = hit[0]
            s["fate"] = f"suppressed by #{h['rank']} ({h['mask']}, IoU {h['iou']:.2f})"
            continue
        s["rank"] = len(chosen)
        s["fate"] = f"rank {s['rank']}"
        chosen.append(s)
        refits += s["refit"]
    return out, lost


def trace(reader: TesseractPlateReader, frame: np.ndarray, truth: np.ndarray) -> list[str]:
    """The reader's candidates in its own order, each read alone."""
    quads = L.candidates(frame, limit=12)
    rows = []
    for i, quad, crop in crops(frame, quads, tight=False, sources={}):
        lines = segment(crop)
        refit = "refit " if not np.array_equal(quad, quads[i]) else ""
        if lines is None:
            rows.append(f"    #{i} {refit}IoU {L._iou(quad, truth):.2f} no rows")
            continue
        p = likeness(lines, crop, i)
        eager = abs(lines.chars - 8) <= 1 and p >= EAGER_LIKENESS and lines.text_px >= SMALL_TEXT_PX
        got = reader._read_lines_all(lines)
        rd = f"{got.cand.plate} {got.conf:.2f}" if got else "-"
        rows.append(f"    #{i} {refit}IoU {L._iou(quad, truth):.2f} {lines.layout} "
                    f"{list(lines.row_chars)} px {lines.text_px:.0f} like {p:.3f}"
                    f"{' EAGER' if eager else ''} -> {rd}")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", type=Path, required=True)
    ap.add_argument("--cls", nargs="+", default=["localisation", "fragile"])
    ap.add_argument("--seeds", type=int, nargs="*")
    args = ap.parse_args()
    reader = make_reader(engine="resident")
    for line in args.log.open():
        r = json.loads(line)
        if r.get("cls") not in args.cls or (args.seeds and r["seed"] not in args.seeds):
            continue
        if r["seed"] in (2026, 2027, 2028, 2029):
            continue
        scene = scene_of(r["seed"], r["frame"])
        truth = np.array(scene.quad, np.float32)
        print(f"{r['seed']} {r['frame']} {r['truth']} read {r['read']} {r['conf']} "
              f"[{r['cls']}: {r['why']}]")
        out, lost = scored(scene.image, truth)
        near = sorted((s for s in out if s["iou"] >= 0.5), key=lambda s: -s["iou"])[:5]
        for s in near:
            print(f"  near: {s['mask']}{' grown' if s['grown'] else ''}"
                  f"{' hull' if s['refit'] else ''} IoU {s['iou']:.2f} score {s['score']:.3f} "
                  f"(order {s['order']}, tex {s['texture']:.2f} fill {s['fill']:.2f} "
                  f"asp {s['aspect']:.2f}) {s['fate']}")
        if not near:
            best = max((s["iou"] for s in out), default=0.0)
            print(f"  no scored quad at IoU >= 0.5 (best {best:.2f})")
        for x in sorted(lost, key=lambda x: -x["near"])[:4]:
            print(f"  lost contour: {x['mask']} near {x['near']} {x['why']}")
        for row in trace(reader, scene.image, truth):
            print(row)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
