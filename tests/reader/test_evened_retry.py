"""The second segmentation with the light evened out (``segment(crop, evened=True)``), which
the reader asks for when a candidate's first segmentation read nothing it could trust."""

from __future__ import annotations

import numpy as np

from edge.reader.segment import FLAT_RETRY, evened_again, segment
from tests.reader.test_read_rules import _plate_image


def _shadowed(level: float) -> np.ndarray:
    """A plate whose left end lies in a shadow (the first 100 px at ``level`` of the light)."""
    plate = _plate_image("29C12345", (520, 110), (25, 15), 80).astype(np.float32)
    light = np.where(np.arange(plate.shape[1]) < 100, level, 1.0)[None, :]
    return np.clip(plate * light, 0, 255).astype(np.uint8)


def test_evened_segmentation_finds_what_one_threshold_lost() -> None:
    """The shadow costs one global threshold the two characters in it, and 6 characters are
    not few enough for segment's own fallback: only the evened segmentation sees all 8."""
    image = _shadowed(0.3)
    first = segment(image)
    assert first is not None and not first.evened
    assert FLAT_RETRY <= first.chars < 8
    again = segment(image, evened=True)
    assert again is not None and again.evened and again.chars == 8
    assert again.layout == "1-line" and again.row_chars == (8,)


def test_evened_segmentation_of_an_evenly_lit_plate_is_the_same_plate() -> None:
    image = _shadowed(1.0)
    first, again = segment(image), segment(image, evened=True)
    assert first is not None and again is not None
    assert (first.chars, first.row_chars, first.evened) == (8, (8,), False)
    assert (again.chars, again.row_chars, again.evened) == (8, (8,), True)


def test_the_second_look_is_offered_only_when_it_finds_a_count_nearer_a_plate() -> None:
    shadowed = _shadowed(0.3)
    first = segment(shadowed)
    assert first is not None
    alt = evened_again(shadowed, first)
    assert alt is not None and alt.evened and alt.chars == 8
    assert evened_again(shadowed, alt) is None  # already evened: nothing to look at again
    lit = _shadowed(1.0)
    whole = segment(lit)
    assert whole is not None and whole.chars == 8
    assert evened_again(lit, whole) is None  # 8 found: no count is closer
