"""The resident engine with its line reads counted by script (tests of how many Tesseract
calls a read costs: test_one_call.py, test_cn_vouched_bottom.py)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from edge.reader.engines import DEFAULT_TESSDATA, LineRead, ResidentEngine, Script


class CountedEngine(ResidentEngine):
    """Real Tesseract; ``calls[script]`` counts each line read ("latin" eng, "cjk" chi_sim)."""

    def __init__(self) -> None:
        super().__init__(DEFAULT_TESSDATA)
        self.calls: Counter[str] = Counter()

    def read(self, img: np.ndarray, *, script: Script = "latin") -> LineRead:
        self.calls[script] += 1
        return super().read(img, script=script)
