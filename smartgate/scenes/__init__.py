"""Labelled camera frames of truck plates, for the demo, the tests and the benchmarks.

Renders Vietnamese (1-line 520x110, 2-line 330x165; yellow commercial, white,
blue) and Chinese (blue 440x140, yellow 2-row truck 440x220, green new-energy)
plates with real fonts, puts them on the front of a truck in a 1280x720 frame
and degrades the frame like a lane camera does (angle, perspective, blur, low
light, JPEG). Deterministic for a given ``random.Random``. Ground truth comes
with every frame.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from domain.plates import CN_PROVINCES, VN_SERIES, parse_plate

Layout = Literal["1-line", "2-line"]
Difficulty = Literal["easy", "hard"]
FONT_LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"
FONT_CJK = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
VN_PROVINCES = ("12", "12", "12", "11", "24", "21", "29", "51", "14", "20")
_CN_DIGITS = "0123456789"


@dataclass(frozen=True, slots=True)
class Scene:
    image: np.ndarray  # BGR uint8, 1280x720
    plate: str  # canonical
    layout: Layout
    country: str
    quad: tuple[tuple[int, int], ...]  # plate corners in the frame


def random_plate(rng: random.Random, *, country: str | None = None, kind: str | None = None,
                 layout: str | None = None) -> str:
    """A canonical plate that fits the grammar (``domain.plates``)."""
    country = country or rng.choice(("VN", "VN", "CN"))
    if country == "VN":
        series = "R" if kind == "trailer" else rng.choice(VN_SERIES)
        serial = "".join(rng.choice(_CN_DIGITS) for _ in range(rng.choice((4, 5, 5, 5))))
        text = f"{rng.choice(VN_PROVINCES)}{series}{serial}"
    else:
        province = rng.choice("桂桂桂云" if kind is None else CN_PROVINCES)
        letter = rng.choice("ABCDEFGHJKLMNP")
        tail = "".join(rng.choice(_CN_DIGITS + "ABCDEFGHJKLMN" if i == 0 else _CN_DIGITS)
                       for i in range(5))
        text = f"{province}{letter}{tail}"
    return parse_plate(text).canonical


@lru_cache(maxsize=32)
def _font(size: int, cjk: bool) -> ImageFont.FreeTypeFont:
    if cjk:
        for path in FONT_CJK:
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return ImageFont.truetype(FONT_LATIN, size)


def render_plate(plate: str, layout: Layout, rng: random.Random) -> np.ndarray:
    """The plate itself, flat, as an RGB image with its border."""
    p = parse_plate(plate)
    if p.country == "VN":
        bg, fg = rng.choice((((250, 210, 0), (0, 0, 0)), ((250, 210, 0), (0, 0, 0)),
                              ((245, 245, 245), (0, 0, 0)), ((20, 60, 170), (255, 255, 255))))
        lines = ([f"{p.province}{p.series}", _vn_serial(p.serial)] if layout == "2-line"
                 else [p.display])
        size = (330, 165) if layout == "2-line" else (520, 110)
    else:
        green = p.kind == "new_energy"
        bg, fg = ((90, 200, 120), (0, 0, 0)) if green else (
            ((250, 200, 0), (0, 0, 0)) if layout == "2-line" else ((20, 70, 200), (255, 255, 255)))
        lines = ([f"{p.province} {p.series}", p.serial] if layout == "2-line"
                 else [f"{p.province}{p.series}·{p.serial}"])
        size = (440, 220) if layout == "2-line" else (440, 140)
    img = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(img)
    draw.rectangle([4, 4, size[0] - 5, size[1] - 5], outline=fg, width=5)
    n = len(lines)
    for i, text in enumerate(lines):
        fsize = int(size[1] / n * 0.72)
        font = _font(fsize, p.country == "CN")
        box = draw.textbbox((0, 0), text, font=font)
        tw, th = box[2] - box[0], box[3] - box[1]
        while tw > size[0] - 30 and fsize > 10:
            fsize -= 2
            font = _font(fsize, p.country == "CN")
            box = draw.textbbox((0, 0), text, font=font)
            tw, th = box[2] - box[0], box[3] - box[1]
        cy = size[1] * (2 * i + 1) / (2 * n)
        draw.text(((size[0] - tw) / 2 - box[0], cy - th / 2 - box[1]), text, font=font, fill=fg)
    return np.asarray(img)


def _vn_serial(serial: str) -> str:
    return f"{serial[:3]}.{serial[3:]}" if len(serial) == 5 else serial


def _truck(rng: random.Random) -> np.ndarray:
    frame = np.zeros((720, 1280, 3), np.uint8)
    sky, road = rng.randint(120, 200), rng.randint(60, 110)
    frame[:300] = (sky, sky, sky - 10)
    frame[300:] = (road, road, road)
    noise = np.random.default_rng(rng.randrange(2**32)).integers(0, 25, frame.shape, np.uint8)
    frame = np.asarray(cv2.add(frame, noise), np.uint8)
    colour = tuple(int(c) for c in rng.choice(((40, 40, 160), (160, 160, 160), (30, 100, 30),
                                               (200, 200, 210), (30, 30, 30))))
    cv2.rectangle(frame, (260, 120), (1020, 660), colour, -1)
    cv2.rectangle(frame, (330, 160), (950, 360), (70, 90, 110), -1)  # windscreen
    for y in range(400, 520, 18):  # grille
        cv2.line(frame, (400, y), (880, y), (20, 20, 20), 4)
    return frame


def render_frame(*, plate: str, layout: Layout, difficulty: Difficulty,
                 rng: random.Random, scale: float = 1.0) -> Scene:
    """One camera frame of a truck showing ``plate``."""
    flat = cv2.cvtColor(render_plate(plate, layout, rng), cv2.COLOR_RGB2BGR)
    frame = _truck(rng)
    ph, pw = flat.shape[:2]
    s = scale * rng.uniform(0.55, 0.75) * (0.9 if layout == "1-line" else 1.0)
    w, h = pw * s, ph * s
    cx, cy = 640 + rng.uniform(-60, 60), 590 + rng.uniform(-20, 20) - h / 2
    tilt = rng.uniform(-6, 6) if difficulty == "easy" else rng.uniform(-18, 18)
    skew = rng.uniform(-0.03, 0.03) if difficulty == "easy" else rng.uniform(-0.12, 0.12)
    base = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    base[:, 1] += base[:, 0] * skew
    a = np.deg2rad(tilt)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    quad = (base @ rot.T + [cx, cy]).astype(np.float32)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(flat, m, (1280, 720))
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), m, (1280, 720))
    frame[mask > 0] = warped[mask > 0]
    frame = _degrade(frame, difficulty, rng)
    corners = tuple((int(x), int(y)) for x, y in quad)
    return Scene(frame, parse_plate(plate).canonical, layout, parse_plate(plate).country, corners)


def _degrade(frame: np.ndarray, difficulty: Difficulty, rng: random.Random) -> np.ndarray:
    hard = difficulty == "hard"
    k = rng.choice((1, 3) if not hard else (3, 5, 7))
    if k > 1:
        frame = cv2.GaussianBlur(frame, (k, k), 0)
    if hard and rng.random() < 0.4:  # night
        frame = cv2.convertScaleAbs(frame, alpha=rng.uniform(0.3, 0.55), beta=0)
    gen = np.random.default_rng(rng.randrange(2**32))
    sigma = 4 if not hard else 12
    noisy = frame.astype(np.int16) + gen.normal(0, sigma, frame.shape).astype(np.int16)
    frame = np.clip(noisy, 0, 255).astype(np.uint8)
    quality = rng.randint(70, 92) if not hard else rng.randint(25, 60)
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else None
    return np.asarray(decoded if decoded is not None else frame, np.uint8)


def render_pass(*, plate: str, layout: Layout, difficulty: Difficulty, rng: random.Random,
                frames: int = 5) -> list[Scene]:
    """The same truck approaching the camera: the plate grows frame after frame."""
    return [render_frame(plate=plate, layout=layout, difficulty=difficulty, rng=rng,
                         scale=0.85 + 0.3 * i / max(frames - 1, 1)) for i in range(frames)]


def render_negative(rng: random.Random) -> np.ndarray:
    """A lane frame with a truck and no plate."""
    return _degrade(_truck(rng), "easy", rng)
