"""Train the small glyph CNNs (Latin plate characters; province glyphs + reject) and export
them to ONNX for ``cv2.dnn`` (docs/reader-journal.md, round 19).

Why a script and not start-up training: a CNN needs PyTorch to train, and the edge ships
without it; the data are the same cross-font renders as the k-NN classifiers
(``edge/reader/glyphs.py``, ``edge/reader/latin.py``: fonts the scene generator does not
draw with), with stronger augmentation (extra blur, noise, JPEG, stroke width, perspective,
partial crops, several binarisations), normalised exactly as the reader normalises its
glyphs (``latin.normalise``, ``province.normalise``).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch==2.13.0 numpy \
        opencv-python-headless pillow onnx
    PYTHONPATH=. /tmp/venv/bin/python scripts/train_glyph_cnn.py --which latin --out x.onnx

Reproducible: the seed, fonts, classes and sample counts are printed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2
import numpy as np
from PIL import ImageFont

from domain.plates import CN_PROVINCES
from edge.reader import latin, province
from edge.reader.glyphs import LATIN, RENDER_SIZE, augment, render
from edge.reader.glyphs import available_fonts as cjk_fonts
from edge.reader.glyphs import training_set as province_set


def _perspective(g: np.ndarray, rng: random.Random) -> np.ndarray:
    """A mild keystone: a plate seen from below or the side."""
    h, w = g.shape
    d = 0.08
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[x + rng.uniform(-d, d) * w, y + rng.uniform(-d, d) * h] for x, y in src])
    m = cv2.getPerspectiveTransform(src, dst)
    return np.asarray(cv2.warpPerspective(g, m, (w, h), borderValue=255), np.uint8)


def _partial(g: np.ndarray, rng: random.Random) -> np.ndarray:
    """A cut that lost a strip of an edge, or took in a sliver of the neighbour."""
    h, w = g.shape
    side = rng.randrange(4)
    f = rng.uniform(0.04, 0.15)
    if side == 0:
        return g[:, int(w * f):]
    if side == 1:
        return g[:, :w - int(w * f)]
    if side == 2:
        return g[int(h * f):, :]
    return g[:h - int(h * f), :]


def _extra(g: np.ndarray, rng: random.Random) -> np.ndarray:
    """The stronger augmentation on top of ``glyphs.augment``'s."""
    if rng.random() < 0.3:
        g = _perspective(g, rng)
    if rng.random() < 0.25:
        g = _partial(g, rng)
    if rng.random() < 0.3:
        g = cv2.GaussianBlur(g, (0, 0), rng.uniform(0.6, 1.8))
    return np.asarray(g, np.uint8)


def _binarised(g: np.ndarray, rng: random.Random) -> np.ndarray:
    """Binarised as the reader's masks are: Otsu after a blur, or a local threshold, then
    sometimes a stroke eroded or dilated by a pixel (the mask of a thin or bold glyph)."""
    g = cv2.GaussianBlur(g, (3, 3), 0)
    if rng.random() < 0.7:
        _, b = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    else:
        block = max(3, (min(g.shape) // 2) | 1)
        b = cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY,
                                  block, rng.uniform(2, 12))
    r = rng.random()
    k = np.ones((2, 2), np.uint8)
    if r < 0.15:
        b = cv2.erode(b, k)  # ink is dark: eroding white makes strokes bolder
    elif r < 0.3:
        b = cv2.dilate(b, k)
    return np.asarray(b, np.uint8)


def latin_data(per_font: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = random.Random(seed)
    fonts = latin.available_fonts()
    xs, ys = [], []
    for path in fonts:
        font = ImageFont.truetype(path, RENDER_SIZE)
        for label, ch in enumerate(LATIN):
            clean = render(ch, font)
            for _ in range(per_font):
                g = _extra(augment(clean, rng), rng)
                if g.shape[0] < 4 or g.shape[1] < 2:
                    continue
                n = latin.normalise(_binarised(g, rng))
                if n is not None:
                    xs.append(n)
                    ys.append(label)
    return np.stack(xs), np.asarray(ys, np.int64), fonts


def province_data(per_font: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = random.Random(seed + 1)
    xs, ys = [], []
    for g, label in province_set(per_font=per_font, seed=seed):
        g = _extra(g, rng)
        if g.shape[0] < 4 or g.shape[1] < 2:
            continue
        n = province.normalise(g)
        if n is not None:
            xs.append(n)
            ys.append(label)
    return np.stack(xs), np.asarray(ys, np.int64), cjk_fonts()


def build(classes: int, h: int, w: int):  # type: ignore[no-untyped-def]
    import torch.nn as nn

    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * (h // 8) * (w // 8), 128), nn.ReLU(),
        nn.Linear(128, classes))


def main() -> int:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--which", choices=("latin", "province"), required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-font", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=19)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    t = time.time()
    if args.which == "latin":
        x, y, fonts = latin_data(args.per_font or 120, args.seed)
        classes = list(LATIN)
    else:
        x, y, fonts = province_data(args.per_font or 100, args.seed)
        classes = [*CN_PROVINCES, "reject"]
    print(f"seed {args.seed}; fonts {fonts}; classes {''.join(classes[:40])} ({len(classes)});"
          f" samples {len(y)} ({time.time() - t:.0f} s)", flush=True)
    h, w = x.shape[1:]
    xt = torch.from_numpy(1.0 - x.astype(np.float32)[:, None] / 255.0)  # ink 1, paper 0
    yt = torch.from_numpy(y)
    net = build(len(classes), h, w)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 4e-3, total_steps=args.epochs * (
        (len(y) + 127) // 128))
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.05)
    gen = torch.Generator().manual_seed(args.seed)
    for epoch in range(args.epochs):
        net.train()
        perm = torch.randperm(len(y), generator=gen)
        total, right = 0.0, 0
        for i in range(0, len(y), 128):
            b = perm[i:i + 128]
            out = net(xt[b])
            loss = loss_fn(out, yt[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(b)
            right += int((out.argmax(1) == yt[b]).sum())
        print(f"epoch {epoch}: loss {total / len(y):.4f} train acc {right / len(y):.4f}"
              f" ({time.time() - t:.0f} s)", flush=True)
    net.eval()
    torch.onnx.export(net, torch.zeros(1, 1, h, w), args.out, input_names=["glyph"],
                      output_names=["logits"], dynamic_axes={"glyph": {0: "n"}, "logits": {0: "n"}},
                      opset_version=13, dynamo=False)
    print(f"wrote {args.out} ({Path(args.out).stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
