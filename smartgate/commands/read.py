"""``smartgate read PATH...``: read plates in image files, one JSON line per image.

Why it keeps going: an officer or a test feeding a folder of camera dumps must
learn which files are bad without losing the reads of the good ones, so a
corrupt, empty, huge or non-image file prints a JSON line with an ``error``
field, and the exit code is 1 at the end if any file failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from edge.reader.base import MAX_PIXELS, ImageError

MAX_BYTES = 50 * 2**20
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm"}


def load_image(path: Path) -> np.ndarray:
    """Decode an image file, or raise :class:`ImageError` saying why it is unusable."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImageError(f"cannot open: {exc.strerror or exc}") from exc
    if size == 0:
        raise ImageError("empty file")
    if size > MAX_BYTES:
        raise ImageError(f"file too large: {size} bytes (limit {MAX_BYTES})")
    # Refuse decompression bombs before decoding: the header gives the pixel count.
    try:
        with Image.open(path) as header:
            w, h = header.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        w = h = 0  # not for PIL to judge; OpenCV decides below
    if w * h > MAX_PIXELS:
        raise ImageError(f"image too large: {w}x{h} pixels (limit {MAX_PIXELS})")
    data = np.fromfile(str(path), np.uint8)
    img = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if img is None:
        raise ImageError("not a decodable image")
    return np.asarray(img, np.uint8)


def _expand(paths: list[str]) -> Iterator[Path]:
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*")
                              if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
        else:
            yield p


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="smartgate read", description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", help="image files or folders")
    ap.add_argument("--engine", choices=("resident", "subprocess"), default="resident")
    ap.add_argument("--tessdata", default=None, help="Tesseract tessdata directory")
    args = ap.parse_args(argv)
    from edge.reader import make_reader

    reader = make_reader(engine=args.engine, tessdata=args.tessdata)
    failed = False
    for path in _expand(args.paths):
        started = time.perf_counter()
        row: dict[str, object] = {"image": str(path)}
        try:
            read = reader.read(load_image(path))
        except ImageError as exc:
            failed = True
            row.update(error=str(exc), plate=None,
                       ms=round((time.perf_counter() - started) * 1000, 2))
        else:
            row.update(plate=read.plate, confidence=read.confidence, layout=read.layout,
                       country=read.country, raw=read.raw_text,
                       ms=round((time.perf_counter() - started) * 1000, 2))
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
