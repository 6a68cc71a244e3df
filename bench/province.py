"""Benchmark: the province-glyph classifier against Tesseract chi_sim, on generator glyphs.

Data (fixed seed, :mod:`smartgate.scenes`, drawn in Noto CJK, which the classifier never
trains on): Chinese plates of both layouts, every one of the 31 provinces in turn, as
``clean`` flat plates (render_plate), ``easy`` and ``hard`` camera frames (render_frame, cut
flat with the ground-truth quad). The top text row is cut by edge.reader.glyphcut.top_row
and read by read_province (every candidate cut classified, the most confident kept;
``*_acc_first_cut`` is the first cut alone); plates where no row or glyph is found are
counted (``*_unsegmented``), not dropped silently. The classifier and Tesseract (the reader's
ResidentEngine: ``glyph``, chi_sim single character with the province whitelist; and its
CJK line read) read the same glyphs.

Negatives: Latin letters and digits cut from generated VN and CN plate rows (segment's
rows; every letter-sized blob right of the province cut) plus the first-glyph cut of VN
rows: ``false_accept_at*`` is the share the classifier calls a province at a confidence;
``false_accept_rows_at*`` the same for read_province on whole VN top rows (a plate with no
province handed to the province reader).

    .venv/bin/python bench/province.py [--per-province 6] [--negatives 300] [--seed 2026]

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2
import numpy as np

from domain.plates import CN_PROVINCES
from edge.reader.glyphcut import cut_province, read_province, top_row
from edge.reader.localise import rectify
from edge.reader.province import ProvinceClassifier
from edge.reader.segment import segment
from smartgate.scenes import random_plate, render_frame, render_plate

THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


def _crop(kind: str, plate: str, layout: str, rng: random.Random) -> np.ndarray:
    """The flat plate (clean) or the frame's plate cut flat with the ground-truth quad, BGR."""
    if kind == "clean":
        return np.asarray(cv2.cvtColor(render_plate(plate, layout, rng),  # type: ignore[arg-type]
                                       cv2.COLOR_RGB2BGR), np.uint8)
    scene = render_frame(plate=plate, layout=layout, difficulty=kind,  # type: ignore[arg-type]
                         rng=rng)
    return rectify(scene.image, np.array(scene.quad, np.float32), pad=0.04)


def _rows(kind: str, plate: str, layout: str, rng: random.Random) -> list[np.ndarray] | None:
    """Segmented rows (grey, dark on light) of one generated plate, top row first."""
    lines = segment(_crop(kind, plate, layout, rng))
    return None if lines is None else list(lines.gray)


def _plate(kind: str, plate: str, layout: str, rng: random.Random) -> np.ndarray:
    """The plate of :func:`_crop`, grey."""
    return np.asarray(cv2.cvtColor(_crop(kind, plate, layout, rng), cv2.COLOR_BGR2GRAY), np.uint8)


def province_glyphs(kind: str, per_province: int, seed: int
                    ) -> tuple[list[tuple[str, str, np.ndarray, np.ndarray]], int]:
    """(truth, layout, first cut, row) for every province ``per_province`` times; and the
    plates where no row or no glyph was found."""
    rng = random.Random(f"{seed}-{kind}")
    out: list[tuple[str, str, np.ndarray, np.ndarray]] = []
    failed = 0
    for i in range(per_province):
        for ch in CN_PROVINCES:
            layout = "1-line" if (i + CN_PROVINCES.index(ch)) % 2 else "2-line"
            plate = ch + random_plate(rng, country="CN", layout=layout)[1:]
            row = top_row(_plate(kind, plate, layout, rng), layout)
            glyph = cut_province(row) if row is not None else None
            if row is None or glyph is None or glyph.size == 0:
                failed += 1
                continue
            out.append((ch, layout, glyph, row))
    return out, failed


def latin_glyphs(n: int, seed: int) -> list[np.ndarray]:
    """Latin letters and digits cut from generated plate rows (easy frames and clean plates)."""
    rng = random.Random(f"{seed}-neg")
    out: list[np.ndarray] = []
    while len(out) < n:
        country = rng.choice(("VN", "CN"))
        layout = rng.choice(("1-line", "2-line"))
        plate = random_plate(rng, country=country, layout=layout)
        rows = _rows(rng.choice(("clean", "easy")), plate, layout, rng)
        if not rows:
            continue
        for r, row in enumerate(rows):
            first = cut_province(row)
            start = 0
            if country == "VN" and first is not None and first.size:
                out.append(first)  # the cutter on a plate with no province
            elif country == "CN" and r == 0 and first is not None:
                start = first.shape[1] + 4  # skip the province itself
            _, mask = cv2.threshold(row, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
            _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
            tall = max((int(s[3]) for s in stats[1:]), default=0)
            for s in stats[1:]:
                x, y, w, h = (int(v) for v in s[:4])
                if x >= start and h >= 0.6 * tall and w <= 1.2 * h and w >= 0.15 * h:
                    out.append(row[max(0, y - 4):y + h + 4, max(0, x - 4):x + w + 4].copy())
    return out[:n]


class _Tess:
    """The reader's own Tesseract calls on a glyph: ``glyph`` (chi_sim, one character, the
    province whitelist: the pipeline's province check) and ``read(script="cjk")`` (chi_sim
    RAW_LINE, provinces + letters + digits: how the pipeline reads a Chinese row)."""

    def __init__(self) -> None:
        from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine

        self.engine = ResidentEngine(DEFAULT_TESSDATA)

    def read(self, glyph: np.ndarray) -> tuple[str, str]:
        g = cv2.copyMakeBorder(glyph, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255)
        single, _ = self.engine.glyph(g)
        line = self.engine.read(g, script="cjk").text
        return single[:1], next((c for c in line if c in CN_PROVINCES), "")


def _cpu_ms(fn, *args):  # type: ignore[no-untyped-def]
    t = time.process_time()
    out = fn(*args)
    return out, (time.process_time() - t) * 1000


def _share(truths: list[str], chars: list[str | None]) -> float:
    return round(sum(t == c for t, c in zip(truths, chars, strict=True)) / max(len(truths), 1), 4)


def vn_rows(n: int, seed: int) -> list[np.ndarray]:
    """Top rows of Vietnamese plates (easy frames): what the province reader must refuse."""
    rng = random.Random(f"{seed}-vn")
    out: list[np.ndarray] = []
    while len(out) < n:
        layout = rng.choice(("1-line", "2-line"))
        plate = random_plate(rng, country="VN", layout=layout)
        row = top_row(_plate("easy", plate, layout, rng), layout)
        if row is not None:
            out.append(row)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-province", type=int, default=6)
    ap.add_argument("--negatives", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--no-tesseract", action="store_true")
    args = ap.parse_args()

    clf, train_ms = _cpu_ms(ProvinceClassifier)
    result: dict[str, object] = {"train_cpu_ms": round(train_ms), "train_samples": clf.size}
    tess = None if args.no_tesseract else _Tess()
    times: list[float] = []
    for kind in ("clean", "easy", "hard"):
        glyphs, failed = province_glyphs(kind, args.per_province, args.seed)
        truths = [t for t, _, _, _ in glyphs]
        guesses = []
        for _, _, _, row in glyphs:
            guess, ms = _cpu_ms(read_province, row, clf)
            guesses.append(guess)
            times.append(ms)
        n = len(glyphs)
        ok = [g.char == t for t, g in zip(truths, guesses, strict=True)]
        result[f"{kind}_glyphs"] = n
        result[f"{kind}_unsegmented"] = failed
        result[f"{kind}_acc"] = _share(truths, [g.char for g in guesses])
        result[f"{kind}_acc_first_cut"] = _share(truths, [clf.classify(g).char
                                                          for _, _, g, _ in glyphs])
        for lay in ("1-line", "2-line"):
            sel = [o for (_, lo, _, _), o in zip(glyphs, ok, strict=True) if lo == lay]
            result[f"{kind}_acc_{lay}"] = round(sum(sel) / max(len(sel), 1), 4)
        for t in THRESHOLDS:
            acc = [g.char is not None and g.confidence >= t for g in guesses]
            right = sum(a and o for a, o in zip(acc, ok, strict=True))
            result[f"{kind}_at{t}"] = {"right": round(right / max(n, 1), 4),
                                       "wrong": round((sum(acc) - right) / max(n, 1), 4)}
        misses = Counter(t + ">" + (g.char or "-")
                         for t, g, o in zip(truths, guesses, ok, strict=True) if not o)
        result[f"{kind}_misses"] = " ".join(f"{k}:{v}" for k, v in misses.most_common(8))
        if tess is not None:  # Tesseract reads the first cut (it has no confidence to pick by)
            reads = [tess.read(g) for _, _, g, _ in glyphs]
            result[f"{kind}_tess_char_acc"] = _share(truths, [r[0] for r in reads])
            result[f"{kind}_tess_line_acc"] = _share(truths, [r[1] for r in reads])
        result[f"{kind}_acc_of_all_plates"] = round(sum(ok) / max(n + failed, 1), 4)
    negs = [clf.classify(g) for g in latin_glyphs(args.negatives, args.seed)]
    rows = [read_province(r, clf) for r in vn_rows(args.negatives // 3, args.seed)]
    result["negatives"] = len(negs)
    result["negative_rows"] = len(rows)
    for t in THRESHOLDS:
        result[f"false_accept_at{t}"] = round(
            sum(g.char is not None and g.confidence >= t for g in negs) / max(len(negs), 1), 4)
        result[f"false_accept_rows_at{t}"] = round(
            sum(g.char is not None and g.confidence >= t for g in rows) / max(len(rows), 1), 4)
    result["median_cpu_ms"] = round(float(np.median(times)), 3)
    result["p95_cpu_ms"] = round(float(np.percentile(times, 95)), 3)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
