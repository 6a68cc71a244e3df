"""Training glyphs for the province classifier, rendered from system CJK fonts at start-up.

Why render instead of shipping a data set: the 31 province characters are a closed set and
fonts are on every lane box already; rendering takes well under a second and keeps the
classifier reproducible from code (fixed seed) instead of from an opaque binary.

Why *these* fonts: the scene generator (``smartgate/scenes/plates.py``) draws plates in Noto
CJK; training on other fonts (WenQuanYi Zen Hei / Micro Hei, AR PL UKai / UMing) keeps the
benchmark an honest cross-font test rather than a look-up of the generator's own pixels.

Augmentation copies what a lane camera and a worn plate do to a glyph: stroke weight
(erode/dilate), horizontal stretch (plates squeeze characters), rotation and shear up to
10 degrees, scale and shift jitter, down-sampling to plate sizes, motion and focus blur,
sensor noise, contrast and JPEG.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from domain.plates import CN_PROVINCES

FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
#: Latin letters and digits a segmenter may hand over instead of the province glyph.
LATIN = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RENDER_SIZE = 64


def available_fonts() -> list[str]:
    return [f for f in FONT_FILES if os.path.exists(f)]


def render(ch: str, font: ImageFont.FreeTypeFont) -> np.ndarray:
    """``ch`` as dark ink on white, cropped to its ink with a small white margin."""
    left, top, right, bottom = font.getbbox(ch)
    w, h = max(1, int(right - left)), max(1, int(bottom - top))
    img = Image.new("L", (w + 8, h + 8), 255)
    ImageDraw.Draw(img).text((4 - left, 4 - top), ch, font=font, fill=0)
    return np.asarray(img, np.uint8)


def augment(glyph: np.ndarray, rng: random.Random) -> np.ndarray:
    """One camera-like variant of a clean glyph (dark on light, uint8)."""
    g = glyph
    stretch = rng.uniform(0.72, 1.12)  # the generator squeezes glyphs 0.8-1.05 and more
    g = cv2.resize(g, (max(4, int(g.shape[1] * stretch)), g.shape[0]),
                   interpolation=cv2.INTER_AREA)
    # Thinner / as drawn / bolder strokes: up to Noto Sans CJK Bold's weight, which merges
    # the strokes of 青 晋 吉 into blobs at plate sizes (the training fonts are regular).
    weight = rng.choice((-1, 0, 1, 1, 2, 2, 3))
    if weight:
        k = np.ones((abs(weight) + 1, abs(weight) + 1), np.uint8)
        g = cv2.dilate(g, k) if weight < 0 else cv2.erode(g, k)
    h, w = g.shape
    pad = int(0.25 * max(h, w))
    g = cv2.copyMakeBorder(g, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    angle = rng.uniform(-10, 10)
    shear = np.tan(np.deg2rad(rng.uniform(-10, 10)))
    scale = rng.uniform(0.85, 1.15)
    cx, cy = g.shape[1] / 2, g.shape[0] / 2
    m = cv2.getRotationMatrix2D((cx, cy), angle, scale)
    m[0, 1] += shear
    m[0, 2] -= shear * cy
    m[:, 2] += [rng.uniform(-0.04, 0.04) * w, rng.uniform(-0.04, 0.04) * h]
    g = cv2.warpAffine(g, m, (g.shape[1], g.shape[0]), flags=cv2.INTER_LINEAR,
                       borderValue=255)
    # Down to plate-like sizes (characters 14-60 px high in rectified frames) and back.
    target = rng.uniform(14, 48) / max(h, 1)
    if target < 1:
        small = cv2.resize(g, None, fx=target, fy=target, interpolation=cv2.INTER_AREA)
        if rng.random() < 0.35:  # motion blur: the truck moves, mostly up/down in the frame
            length = int(int(small.shape[0]) * rng.uniform(0.06, 0.16))
            kl = max(3, length + 1 - length % 2)  # odd, at least 3
            kernel = np.zeros((kl, kl), np.float32)
            if rng.random() < 0.6:
                kernel[:, kl // 2] = 1.0 / kl
            else:
                kernel[kl // 2, :] = 1.0 / kl
            small = cv2.filter2D(small, -1, kernel, borderType=cv2.BORDER_REPLICATE)
        g = cv2.resize(small, (g.shape[1], g.shape[0]), interpolation=cv2.INTER_CUBIC)
    if rng.random() < 0.5:
        sigma = rng.uniform(0.5, 2.0)
        g = cv2.GaussianBlur(g, (0, 0), sigma)
    lo, hi = rng.uniform(0, 90), rng.uniform(170, 255)  # contrast: ink and paper levels
    f = lo + g.astype(np.float32) * (hi - lo) / 255.0
    nrng = np.random.default_rng(rng.randrange(2**32))
    f += nrng.normal(0, rng.uniform(0, 14), f.shape)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if rng.random() < 0.4:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(25, 80)])
        dec = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else None
        out = out if dec is None else dec
    return np.asarray(out, np.uint8)


def _pair(a: str, b: str, font: ImageFont.FreeTypeFont, rng: random.Random) -> np.ndarray:
    """Two Latin characters side by side, as a province-sized cut of a plate row shows them."""
    ga, gb = render(a, font), render(b, font)
    h = max(ga.shape[0], gb.shape[0])
    ga, gb = (cv2.copyMakeBorder(x, h - x.shape[0], 0, 0, 0, cv2.BORDER_CONSTANT, value=255)
              for x in (ga, gb))
    gap = np.full((h, rng.randint(0, 8)), 255, np.uint8)
    return np.asarray(np.hstack([ga, gap, gb]), np.uint8)


def _clutter(rng: random.Random, clean: list[np.ndarray]) -> np.ndarray:
    """A blob that is not a province glyph: a fragment, noise, a bar, a screw, or blank."""
    kind = rng.randrange(6)
    if kind <= 1 and clean:  # a fragment: part of a province glyph (a cut gone wrong)
        g = rng.choice(clean)
        h, w = g.shape
        if rng.random() < 0.5:
            a = rng.randint(0, w // 2)
            return g[:, a:a + max(4, int(w * rng.uniform(0.2, 0.45)))].copy()
        a = rng.randint(0, h // 2)
        return g[a:a + max(4, int(h * rng.uniform(0.2, 0.45))), :].copy()
    s = RENDER_SIZE
    img = np.full((s, s), 255, np.uint8)
    if kind == 2:  # sensor noise / dirt
        n = np.random.default_rng(rng.randrange(2**32)).normal(200, 50, (s // 4, s // 4))
        img = np.asarray(cv2.resize(np.clip(n, 0, 255).astype(np.uint8), (s, s)), np.uint8)
    elif kind == 3:  # a piece of the plate border or a frame bar
        t = rng.randint(3, 12)
        if rng.random() < 0.5:
            cv2.rectangle(img, (rng.randint(0, s // 2), 0), (rng.randint(0, s // 2) + t, s), 0, -1)
        else:
            cv2.rectangle(img, (0, rng.randint(0, s // 2)), (s, rng.randint(0, s // 2) + t), 0, -1)
    elif kind == 4:  # a screw head or a dot
        cv2.circle(img, (s // 2, s // 2), rng.randint(5, 20), rng.randint(0, 120), -1)
    return img


def training_set(*, per_font: int = 14, seed: int = 7
                 ) -> Iterator[tuple[np.ndarray, int]]:
    """(glyph, label) pairs: label ``i`` is ``CN_PROVINCES[i]``, ``len(CN_PROVINCES)`` rejects.

    Rejects are Latin letters and digits in the same fonts, alone and in pairs (what a cut
    hands over when the row holds no province glyph: a Vietnamese plate), fragments of
    province glyphs, noise, bars, screws and blank.
    """
    rng = random.Random(seed)
    reject = len(CN_PROVINCES)
    clean: list[np.ndarray] = []
    for path in available_fonts():
        font = ImageFont.truetype(path, RENDER_SIZE)
        for label, ch in enumerate(CN_PROVINCES):
            g = render(ch, font)
            clean.append(g)
            for _ in range(per_font):
                yield augment(g, rng), label
        for ch in LATIN:
            g = render(ch, font)
            for _ in range(max(2, per_font // 3)):
                yield augment(g, rng), reject
        for _ in range(len(CN_PROVINCES) * per_font // 3):  # "29", "C1": a cut on a VN row
            yield augment(_pair(rng.choice(LATIN), rng.choice(LATIN), font, rng), rng), reject
    for _ in range(len(CN_PROVINCES) * per_font // 2):
        yield augment(_clutter(rng, clean), rng), reject
