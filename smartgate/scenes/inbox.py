"""Drop a generated vehicle pass into an edge's watched folder, as a camera's export does.

Why this exact dance: the edge's folder source reads any ``*.jpg`` it sees, so
each frame is written under a hidden temporary name and renamed (atomic on one
file system): the edge never reads half a file. Frames are named
``<pass>_<n>.jpg`` so the edge groups them into one pass (``edge/sources.py``).
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import cv2

from smartgate.scenes.frames import Difficulty, Layout, Scene, render_pass


def drop_pass(inbox: Path, *, plate: str, rng: random.Random, layout: Layout = "1-line",
              difficulty: Difficulty = "easy", frames: int = 5, name: str | None = None,
              quality: int = 85) -> list[Scene]:
    """Render one pass of ``plate`` and drop its frames in ``inbox``; returns the scenes."""
    scenes = render_pass(plate=plate, layout=layout, difficulty=difficulty, rng=rng,
                         frames=frames)
    name = name or uuid.uuid4().hex[:12]
    for i, scene in enumerate(scenes):
        ok, buf = cv2.imencode(".jpg", scene.image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise RuntimeError(f"could not encode frame {i} of pass {name}")
        tmp = inbox / f".{name}_{i}.jpg.tmp"
        tmp.write_bytes(buf.tobytes())
        tmp.rename(inbox / f"{name}_{i}.jpg")
    return scenes
