"""One generated hard frame by its spec seed, as the tuning logs name it (for the tests of
the localiser's looks: tests/reader/test_second_look.py, test_blob_looks.py, test_cn_looks.py)."""

from __future__ import annotations

import random

import numpy as np

from edge.reader.localise import _iou, candidates
from edge.reader.textquad import Blobs
from smartgate.scenes import Scene, random_plate, render_frame


def hard_vn_scene(seed: int, layout: str, country: str = "VN"
                  ) -> tuple[np.ndarray, np.ndarray, str]:
    """The frame, the generator's own plate quad and the plate (``country`` "CN" for a
    Chinese one)."""
    scene = spec_scene(seed, layout, country)
    return scene.image, np.array(scene.quad, np.float32), scene.plate


def spec_scene(seed: int, layout: str, country: str = "VN", difficulty: str = "hard") -> Scene:
    """The generated scene of one spec seed, as ``bench/ocr.py`` and the tuning logs draw it."""
    rng = random.Random(seed)
    plate = random_plate(rng, country=country, layout=layout)
    return render_frame(plate=plate, layout=layout, difficulty=difficulty,  # type: ignore[arg-type]
                        rng=rng)


def unfound_scene(seed: int, layout: str) -> tuple[np.ndarray, np.ndarray, Blobs]:
    """A hard VN frame whose found quads all miss the plate (best IoU under 0.5: the premise
    of the last looks' tests, test_necks.py and test_yellow_looks.py), with the masks' blobs
    the localiser kept for those looks."""
    image, truth, _ = hard_vn_scene(seed, layout)
    blobs = Blobs()
    chosen = candidates(image, limit=12, blobs=blobs)
    assert max(_iou(q, truth) for q in chosen) < 0.5
    return image, truth, blobs
