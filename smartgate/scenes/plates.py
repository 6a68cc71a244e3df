"""Random plates and flat plate images, drawn in several styles on purpose.

Why the variety: a reader tuned on one font, one spacing and one colour reads
its own generator's output and nothing else (measured: 99% fell to under 40%
on scenes drawn differently). So every plate draws its font, stroke weight,
letter spacing, horizontal stretch, colour shade, border, screws and dirt from
the random generator it is given.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from domain.plates import CN_PROVINCES, VN_SERIES, parse_plate

Layout = Literal["1-line", "2-line"]

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
LATIN_FONTS = (FONT_DIR + "DejaVuSansCondensed-Bold.ttf", FONT_DIR + "DejaVuSans-Bold.ttf",
               FONT_DIR + "DejaVuSansCondensed.ttf", FONT_DIR + "DejaVuSansMono-Bold.ttf",
               "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
               "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
VN_PROVINCES = ("12", "12", "12", "11", "24", "21", "29", "51", "14", "20", "98", "36")
#: Special series drawn by the generator (the Đ ones are left out: eng Tesseract has no Đ).
VN_SPECIALS = ("LD", "KT", "DA", "HC", "MK", "NG", "NN", "QT", "CV")
CN_GEN_PROVINCES = "桂桂桂桂云云粤湘川贵"
_DIGITS = "0123456789"
_CN_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def random_plate(rng: random.Random, *, country: str | None = None, kind: str | None = None,
                 layout: str | None = None) -> str:
    """A canonical plate that fits the grammar (``domain.plates``).

    ``kind``: ``ordinary`` / ``trailer`` / ``special`` (VN) / ``new_energy`` (CN, 1-line only);
    ``None`` draws one with field-like frequencies. ``layout`` only steers CN new-energy plates
    (which exist as 1-line plates only).
    """
    country = country or rng.choice(("VN", "VN", "CN"))
    if country == "VN":
        if kind is None:
            kind = rng.choices(("ordinary", "trailer", "special"), (0.85, 0.1, 0.05))[0]
        serial_len = rng.choice((4, 5, 5, 5))
        series = {"trailer": "R", "special": rng.choice(VN_SPECIALS)}.get(
            kind, rng.choice(VN_SERIES))
        if kind == "special":
            serial_len = rng.choice((3, 4, 5))
        text = rng.choice(VN_PROVINCES) + series + "".join(
            rng.choice(_DIGITS) for _ in range(serial_len))
    else:
        if kind is None:
            kind = "new_energy" if layout != "2-line" and rng.random() < 0.2 else "ordinary"
        province = rng.choice(CN_GEN_PROVINCES)
        letter = rng.choice(_CN_LETTERS.replace("I", "").replace("O", ""))
        alnum = _DIGITS * 3 + "ABCDEFGHJKLMNPRSTUVWXYZ"
        if kind == "new_energy":
            digits = "".join(rng.choice(_DIGITS) for _ in range(4))
            tail = (rng.choice("DF") + rng.choice(alnum) + digits if rng.random() < 0.5
                    else digits + rng.choice(_DIGITS) + rng.choice("DF"))
        else:
            tail = "".join(rng.choice(alnum) for _ in range(5))
        text = province + letter + tail
    return parse_plate(text).canonical


def plate_colours(country: str, kind: str, layout: Layout, rng: random.Random
                  ) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(background, ink) RGB, with a shade drawn around the nominal colour."""
    def shade(c: tuple[int, int, int], d: int = 18) -> tuple[int, int, int]:
        return tuple(int(min(255, max(0, v + rng.randint(-d, d)))) for v in c)  # type: ignore[return-value]

    black, white = (15, 15, 15), (245, 245, 245)
    if country == "VN":
        bg = rng.choices([(245, 200, 20), (240, 240, 235), (25, 70, 165)], (0.6, 0.3, 0.1))[0]
        return shade(bg), shade(white if bg[2] > 150 and bg[0] < 100 else black, 10)
    if kind == "new_energy":
        return shade((120, 210, 140)), shade(black, 10)
    if layout == "2-line":
        return shade((240, 190, 10)), shade(black, 10)
    return shade((20, 70, 200)), shade(white, 10)


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _draw_line(img: Image.Image, text: str, box: tuple[int, int, int, int], ink: tuple[int, ...],
               rng: random.Random, *, cjk_font: str, latin_font: str) -> None:
    """Draw ``text`` char by char centred in ``box`` with drawn spacing and stretch."""
    x0, y0, x1, y1 = box
    height = y1 - y0
    size = int(height * rng.uniform(0.86, 0.98))
    spacing = rng.uniform(0.02, 0.16)
    stretch = rng.uniform(0.8, 1.05)
    glyphs: list[Image.Image] = []
    for ch in text:
        is_cjk = ch in CN_PROVINCES or ch == "挂"
        font = _font(cjk_font if is_cjk else latin_font, size)
        left, t, r, b = font.getbbox(ch)
        g = Image.new("L", (max(1, int(r - left)), max(1, int(b - t))), 0)
        ImageDraw.Draw(g).text((-left, -t), ch, font=font, fill=255)
        w = max(1, int(g.width * stretch))
        gh = int(height * (0.72 if ch in "-.·" else (0.86 if is_cjk else 0.8)))
        if ch in "-.·":
            gh = max(2, int(g.height * 0.8 * height / size))
        glyphs.append(g.resize((w, max(1, gh))))
    gap = int(height * spacing)
    total = sum(g.width for g in glyphs) + gap * (len(glyphs) - 1)
    avail = x1 - x0
    if total > avail:  # shrink to fit the plate
        k = avail / total
        glyphs = [g.resize((max(1, int(g.width * k)), max(1, int(g.height * k)))) for g in glyphs]
        gap = int(gap * k)
        total = sum(g.width for g in glyphs) + gap * (len(glyphs) - 1)
    x = x0 + (avail - total) // 2
    base = y0 + height // 2
    tall = max(g.height for g in glyphs)
    for ch, g in zip(text, glyphs, strict=True):
        y = base - tall // 2 + (tall - g.height if ch == "." else 0)
        if ch in "-·":
            y = base - g.height // 2
        img.paste(Image.new("RGB", g.size, ink), (x, y), g)
        x += g.width + gap


def render_plate(plate: str, layout: Layout, rng: random.Random) -> np.ndarray:
    """The plate itself, flat, as an RGB image with its border (sizes in mm, 1 px per mm)."""
    p = parse_plate(plate)
    bg, ink = plate_colours(p.country, p.kind, layout, rng)
    latin = rng.choice(LATIN_FONTS)
    cjk = rng.choice(CJK_FONTS)
    if p.country == "VN":
        serial = f"{p.serial[:3]}.{p.serial[3:]}" if len(p.serial) == 5 else p.serial
        size = (330, 165) if layout == "2-line" else (520, 110)
        lines = ([p.province + p.series, serial] if layout == "2-line"
                 else [f"{p.province}{p.series}{rng.choice(('-', '-', ' '))}{serial}"])
    else:
        wide = p.kind == "new_energy"
        size = (440, 220) if layout == "2-line" else ((480, 140) if wide else (440, 140))
        dot = rng.choice(("·", "·", " "))
        lines = ([p.province + " " + p.series, p.serial] if layout == "2-line"
                 else [f"{p.province}{p.series}{dot}{p.serial}"])
    img = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(img)
    if p.kind == "new_energy":  # green-to-white gradient of new-energy plates
        ramp = np.linspace(1.0, 0.45, size[1])[:, None, None]
        grad = np.asarray(img).astype(np.float64) * ramp + 255 * (1 - ramp)
        img = Image.fromarray(np.clip(grad, 0, 255).astype(np.uint8))
        draw = ImageDraw.Draw(img)
    border = rng.randint(2, 7)
    inset = rng.randint(3, 8)
    draw.rectangle([inset, inset, size[0] - 1 - inset, size[1] - 1 - inset], outline=ink,
                   width=border)
    margin_x = inset + border + rng.randint(8, 22)
    top = inset + border + rng.randint(6, 14)
    bottom = size[1] - inset - border - rng.randint(6, 14)
    n = len(lines)
    row_gap = rng.randint(6, 16) if n == 2 else 0
    row_h = (bottom - top - row_gap * (n - 1)) // n
    for i, text in enumerate(lines):
        y = top + i * (row_h + row_gap)
        _draw_line(img, text, (margin_x, y, size[0] - margin_x, y + row_h), ink, rng,
                   cjk_font=cjk, latin_font=latin)
    if rng.random() < 0.6:  # mounting screws
        for sx in (size[0] * 0.2, size[0] * 0.8):
            r = rng.randint(3, 6)
            cy = inset + border + r + 2 if n == 1 else size[1] // 2
            draw.ellipse([sx - r, cy - r, sx + r, cy + r], fill=tuple(v // 2 + 60 for v in bg))
    arr: np.ndarray = np.asarray(img).astype(np.int16)
    if rng.random() < 0.5:  # dirt and wear
        gen = np.random.default_rng(rng.randrange(2**32))
        blot: np.ndarray = gen.normal(0, 1, (size[1] // 10 + 1, size[0] // 10 + 1))
        blot = np.asarray(np.kron(blot, np.ones((10, 10))))[: size[1], : size[0]]
        arr = arr - (np.clip(blot, 0, None) * rng.uniform(5, 30))[:, :, None].astype(np.int16)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if rng.random() < 0.3:
        out = out.filter(ImageFilter.GaussianBlur(0.6))
    return np.asarray(out)
