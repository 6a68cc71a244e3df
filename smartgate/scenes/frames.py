"""Camera-like 1280x720 lane frames: a truck, its plate, clutter, and the camera's faults.

Why clutter and negatives matter: the reader must report *no plate* for a truck
without one, even when the cab carries a painted phone number or a company
name, so the trucks here carry such text. Hard frames add what lane cameras
really suffer: +/-20 degree tilt, perspective, motion blur, night with
headlight glare, sensor noise and strong JPEG compression.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw

from domain.plates import parse_plate
from smartgate.scenes.plates import LATIN_FONTS, _font, render_plate

Layout = Literal["1-line", "2-line"]
Difficulty = Literal["easy", "hard"]
W, H = 1280, 720
_CLUTTER = ("VAN TAI", "HOANG LONG", "0912 345 678", "LOGISTICS", "HOTLINE 1900 6868",
            "TAI TRONG 15T", "CONTAINER", "物流运输", "CHUYEN TUYEN", "LS-HN")


@dataclass(frozen=True, slots=True)
class Scene:
    image: np.ndarray  # BGR uint8, 1280x720
    plate: str  # canonical
    layout: Layout
    country: str
    quad: tuple[tuple[int, int], ...]  # plate corners in the frame (tl, tr, br, bl)


def _background(rng: random.Random) -> np.ndarray:
    frame = np.zeros((H, W, 3), np.uint8)
    horizon = rng.randint(220, 360)
    sky = np.array([rng.randint(110, 220) for _ in range(3)], np.float32)
    road = rng.randint(50, 120)
    ramp = np.linspace(1.0, 0.8, horizon)[:, None, None]
    frame[:horizon] = np.clip(sky[None, None, :] * ramp, 0, 255).astype(np.uint8)
    frame[horizon:] = (road, road, road + rng.randint(-5, 5))
    for _ in range(rng.randint(2, 7)):  # buildings, booths, poles
        x, w = rng.randint(0, W), rng.randint(40, 260)
        top = rng.randint(40, horizon)
        c = tuple(rng.randint(40, 220) for _ in range(3))
        cv2.rectangle(frame, (x, top), (x + w, horizon), c, -1)
    for x in range(rng.randint(0, 200), W, rng.randint(180, 320)):  # lane markings
        cv2.line(frame, (x, H), (W // 2 + (x - W // 2) // 4, horizon), (200, 200, 190), 5)
    gen = np.random.default_rng(rng.randrange(2**32))
    return np.asarray(cv2.add(frame, gen.integers(0, 20, frame.shape, np.uint8)), np.uint8)


def _text(frame: np.ndarray, text: str, org: tuple[int, int], size: int,
          colour: tuple[int, int, int], rng: random.Random) -> np.ndarray:
    """Draw clutter text (company names, phone numbers) with PIL fonts."""
    img = Image.fromarray(frame)
    font = _font(LATIN_FONTS[4] if any(ord(c) > 255 for c in text) else rng.choice(LATIN_FONTS),
                 size)
    ImageDraw.Draw(img).text(org, text, font=font, fill=colour)
    return np.asarray(img).copy()


def _truck(rng: random.Random) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A truck front on a background; returns the frame and the bumper box for the plate."""
    frame = _background(rng)
    cx = W // 2 + rng.randint(-60, 60)
    half = rng.randint(330, 400)
    top, bottom = rng.randint(60, 160), rng.randint(640, 700)
    colour = tuple(int(c) for c in rng.choice(((40, 40, 160), (160, 160, 160), (30, 100, 30),
                                               (200, 200, 210), (30, 30, 30), (20, 120, 200),
                                               (150, 40, 40), (235, 235, 235))))
    cv2.rectangle(frame, (cx - half, top), (cx + half, bottom), colour, -1)
    wy = top + rng.randint(30, 60)
    cv2.rectangle(frame, (cx - half + 60, wy), (cx + half - 60, wy + rng.randint(160, 230)),
                  tuple(rng.randint(50, 120) for _ in range(3)), -1)  # windscreen
    gy0 = wy + 250
    style = rng.randint(0, 2)
    grille = tuple(rng.randint(10, 60) for _ in range(3))
    for i, y in enumerate(range(gy0, gy0 + 110, rng.randint(12, 24))):
        if style == 0:
            cv2.line(frame, (cx - 220, y), (cx + 220, y), grille, 4)
        elif style == 1 and i % 2 == 0:
            cv2.rectangle(frame, (cx - 230, y), (cx + 230, y + 8), grille, -1)
    if style == 2:
        for x in range(cx - 220, cx + 220, 22):
            cv2.line(frame, (x, gy0), (x, gy0 + 100), grille, 5)
    for sx in (-1, 1):  # headlights
        hx = cx + sx * (half - 70)
        cv2.rectangle(frame, (hx - 45, gy0 + 10), (hx + 45, gy0 + 60), (230, 230, 220), -1)
    bumper_y = gy0 + 140
    cv2.rectangle(frame, (cx - half, bumper_y), (cx + half, bottom), (35, 35, 35), -1)
    if rng.random() < 0.8:  # painted clutter text on the cab
        text = rng.choice(_CLUTTER)
        ink = (255, 255, 255) if sum(colour) < 400 else (20, 20, 120)
        frame = _text(frame, text, (cx - half + 30, wy - 45 if wy > 100 else wy + 190),
                      rng.randint(24, 40), ink, rng)
    if rng.random() < 0.4:
        frame = _text(frame, rng.choice(_CLUTTER), (cx + 60, bumper_y - 40), rng.randint(18, 28),
                      (240, 240, 240), rng)
    return frame, (cx - half, bumper_y, cx + half, bottom)


def _degrade(frame: np.ndarray, difficulty: Difficulty, rng: random.Random,
             plate_centre: tuple[float, float] | None = None) -> np.ndarray:
    hard = difficulty == "hard"
    gen = np.random.default_rng(rng.randrange(2**32))
    if hard and rng.random() < 0.35:  # motion blur along the driving direction
        k = rng.choice((5, 7, 9))
        kernel = np.zeros((k, k), np.float32)
        kernel[:, k // 2] = 1.0 / k if rng.random() < 0.6 else 0
        if kernel.sum() == 0:
            kernel[k // 2, :] = 1.0 / k
        frame = cv2.filter2D(frame, -1, kernel)
    k = rng.choice((1, 3) if not hard else (1, 3, 5))
    if k > 1:
        frame = cv2.GaussianBlur(frame, (k, k), 0)
    night = hard and rng.random() < 0.35
    if night:
        frame = cv2.convertScaleAbs(frame, alpha=rng.uniform(0.3, 0.55), beta=0)
    elif rng.random() < 0.3:
        frame = cv2.convertScaleAbs(frame, alpha=rng.uniform(0.75, 1.15),
                                    beta=rng.uniform(-20, 25))
    if hard and plate_centre is not None and rng.random() < 0.3:  # glare near the plate
        glare = np.zeros(frame.shape[:2], np.float32)
        gx = int(plate_centre[0] + rng.uniform(-120, 120))
        gy = int(plate_centre[1] + rng.uniform(-60, 40))
        cv2.circle(glare, (gx, gy), rng.randint(25, 60), 1.0, -1)
        glare = cv2.GaussianBlur(glare, (0, 0), rng.uniform(15, 30)) * rng.uniform(90, 150)
        frame = np.clip(frame.astype(np.float32) + glare[:, :, None], 0, 255).astype(np.uint8)
    sigma = (4 if not hard else (14 if night else 9)) * rng.uniform(0.5, 1.0)
    noisy = frame.astype(np.float32) + gen.normal(0, sigma, frame.shape)
    frame = np.clip(noisy, 0, 255).astype(np.uint8)
    quality = rng.randint(70, 92) if not hard else rng.randint(25, 60)
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else None
    return np.asarray(decoded if decoded is not None else frame, np.uint8)


def _place(frame: np.ndarray, flat: np.ndarray, quad: np.ndarray) -> None:
    ph, pw = flat.shape[:2]
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(flat, m, (W, H), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), m, (W, H))
    frame[mask > 127] = warped[mask > 127]


def _compose(plate: str, layout: Layout, difficulty: Difficulty, look: random.Random,
             shot: random.Random, *, scale: float, shift: tuple[float, float]) -> Scene:
    """``look`` fixes the truck and plate style (same over a pass); ``shot`` the camera."""
    hard = difficulty == "hard"
    flat = cv2.cvtColor(render_plate(plate, layout, look), cv2.COLOR_RGB2BGR)
    frame, (bx0, by0, bx1, _) = _truck(look)
    ph, pw = flat.shape[:2]
    base_scale = look.uniform(0.42, 0.72) if hard else look.uniform(0.55, 0.75)
    s = scale * base_scale * (0.9 if pw > 500 else 1.0)
    w, h = pw * s, ph * s
    cx = (bx0 + bx1) / 2 + look.uniform(-80, 80) + shift[0]
    cy = by0 + h / 2 + look.uniform(5, 30) + shift[1]
    tilt = shot.uniform(-5, 5) if not hard else shot.uniform(-20, 20)
    skew = shot.uniform(-0.03, 0.03) if not hard else shot.uniform(-0.1, 0.1)
    persp = shot.uniform(0.95, 1.0) if not hard else shot.uniform(0.78, 1.0)
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    pts[:, 1] += pts[:, 0] * skew
    side = 1 if shot.random() < 0.5 else 0  # one vertical edge nearer the camera
    pts[[side, 3 - side], 1] *= persp
    a = np.deg2rad(tilt)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    quad = (pts @ rot.T + [cx, cy]).astype(np.float32)
    # Keep the whole plate in the picture. Why: a tall 2-row plate low on the bumper used to
    # hang up to 45 px past the frame's bottom edge (7% of easy frames), its second row cut
    # in half, yet labelled with the full plate: a frame no reader, person or camera could
    # read, which measured the generator, not the reader. Lane cameras are aimed so the
    # plate zone is in view; the plate moves up (or sideways) onto the truck by the overhang,
    # and keeps every degradation (tilt, perspective, blur, night, glare, JPEG).
    lo = quad.min(axis=0)
    hi = quad.max(axis=0)
    quad += np.array([max(0.0, 6 - lo[0]) - max(0.0, hi[0] - (W - 6)),
                      max(0.0, 6 - lo[1]) - max(0.0, hi[1] - (H - 6))], np.float32)
    _place(frame, flat, quad)
    image = _degrade(frame, difficulty, shot, (float(cx), float(cy)))
    p = parse_plate(plate)
    corners = tuple((int(x), int(y)) for x, y in quad)
    return Scene(image, p.canonical, layout, p.country, corners)


def render_frame(*, plate: str, layout: Layout, difficulty: Difficulty,
                 rng: random.Random, scale: float = 1.0) -> Scene:
    """One camera frame of a truck showing ``plate``."""
    look = random.Random(rng.randrange(2**32))
    return _compose(plate, layout, difficulty, look, rng, scale=scale, shift=(0.0, 0.0))


def render_pass(*, plate: str, layout: Layout, difficulty: Difficulty, rng: random.Random,
                frames: int = 5) -> list[Scene]:
    """The same truck approaching the camera: the plate grows and drifts frame after frame."""
    seed = rng.randrange(2**32)
    drift = rng.uniform(-40, 40)
    out = []
    for i in range(frames):
        t = i / max(frames - 1, 1)
        out.append(_compose(plate, layout, difficulty, random.Random(seed), rng,
                            scale=0.85 + 0.3 * t, shift=(drift * t, -30 * (1 - t))))
    return out


def render_negative(rng: random.Random, difficulty: Difficulty = "easy") -> np.ndarray:
    """A lane frame with a truck (and its painted clutter text) but no plate."""
    frame, _ = _truck(random.Random(rng.randrange(2**32)))
    return _degrade(frame, difficulty, rng)
