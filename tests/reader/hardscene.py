"""One generated hard frame by its spec seed, as the tuning logs name it (for the tests of
the localiser's looks: tests/reader/test_second_look.py, test_blob_looks.py, test_cn_looks.py)."""

from __future__ import annotations

import random

import numpy as np

from smartgate.scenes import random_plate, render_frame


def hard_vn_scene(seed: int, layout: str, country: str = "VN"
                  ) -> tuple[np.ndarray, np.ndarray, str]:
    """The frame, the generator's own plate quad and the plate (``country`` "CN" for a
    Chinese one)."""
    rng = random.Random(seed)
    plate = random_plate(rng, country=country, layout=layout)
    scene = render_frame(plate=plate, layout=layout, difficulty="hard",  # type: ignore[arg-type]
                         rng=rng)
    return scene.image, np.array(scene.quad, np.float32), scene.plate
