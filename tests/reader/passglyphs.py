"""Shared pieces of the pass tests whose frames' crops the Latin classifier judges
(``test_pass_rival_glyph``: round 19's coin flips; ``test_pass_tail_vote``: round 20's split
tails): a clean 2-row crop with a given tail, a scripted classifier, a scripted second look."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from edge.reader import latin
from edge.reader.base import FrameRead


def tail_crop(tail: str) -> np.ndarray:
    """A clean 2-row plate crop: two glyphs above, the five-glyph ``tail`` below."""
    img = np.full((140, 220, 3), 235, np.uint8)
    cv2.rectangle(img, (3, 3), (216, 136), (20, 20, 20), 2)
    cv2.putText(img, "GA", (75, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (15, 15, 15), 4)
    cv2.putText(img, tail, (18, 122), cv2.FONT_HERSHEY_SIMPLEX, 1.9, (15, 15, 15), 5)
    return img


def classifier(char: str, share: float = 1.0) -> Any:
    """A stand-in for ``latin.guesses`` naming every glyph ``char`` at ``share``."""
    def guesses(images: list[np.ndarray], classify: Any = None) -> list[latin.LatinGuess]:
        return [latin.LatinGuess(char, share, 2 * share - 1, {char: share}) for _ in images]
    return guesses


class SameLook:
    """A scripted look: each frame read again says what the frame said."""

    def __init__(self, reads: list[FrameRead]) -> None:
        self.reads = reads

    def __call__(self, image: Any, scales: Sequence[float]) -> list[FrameRead]:
        return [self.reads[int(image)] for _ in scales]
