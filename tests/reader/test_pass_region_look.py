"""Round 21: an undecided pass's frames that named no plate read again in the region where
another of its frames found it (``edge.reader.regionlook``), at the end of the second look.
12CV43516 (pass seed 1001): one frame read it, the other four nothing at any scale."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from bench.ocr import lane_decisions
from edge.reader import deblur, make_reader, regionlook
from edge.reader.base import FrameRead
from edge.reader.consensus import UNCONFIRMED
from smartgate.scenes import random_plate, render_pass

PLATE = "12CV43516"
#: Where the pass's third frame found the plate (its own read's box, seed 1001's 12CV43516).
BOX = (482, 550, 221, 63)
SPEC = 100103031  # seed 1001's pass: a VN 1-line plate


def _pass() -> list[np.ndarray]:
    rng = random.Random(SPEC)
    plate = random_plate(rng, country="VN", layout="1-line")
    scenes = render_pass(plate=plate, layout="1-line", difficulty="hard", rng=rng, frames=5)
    assert scenes[0].plate == PLATE
    return [s.image for s in scenes]


def test_a_blank_frame_reads_the_plate_in_the_other_frames_region(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Real Tesseract: the second frame read whole finds nothing (round 20's main, at every
    # scale of the second look); the region around the third frame's plate box reads it.
    # Round 26: the night stage of the deblur (``deblur._night``) reads this dark frame
    # whole, wrong and under the band (20V43516 at LONE); the region look's premise is
    # the reader without it.
    monkeypatch.setattr(deblur, "NIGHT_NSR", None)
    reader = make_reader(engine="resident")
    second = _pass()[1]
    assert reader.read(second).plate is None
    part = regionlook.region(second, BOX)
    assert part is not None and part.shape[:2] == (63 + 2 * 90, 221 + 2 * 182)
    assert reader.read(part).plate == PLATE


def _read(plate: str | None, conf: float = 0.7) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "1-line" if plate else None,
                     "VN" if plate else None, bbox=BOX if plate else None)


FRAMES = [np.full((720, 1280, 3), 90, np.uint8) for _ in range(5)]


class RegionLook:
    """A scripted look: a whole frame (one of ``FRAMES``) reads what ``whole`` says of it, at
    every scale; any other image (a region) reads ``region``."""

    def __init__(self, whole: list[FrameRead], region: FrameRead) -> None:
        self.whole, self.region, self.regions = whole, region, 0

    def __call__(self, image: Any, scales: Sequence[float]) -> list[FrameRead]:
        for i, frame in enumerate(FRAMES):
            if image is frame:
                return [self.whole[i] for _ in scales]
        self.regions += 1
        return [self.region for _ in scales]


def _frames() -> list[np.ndarray]:
    return list(FRAMES)


def test_the_lane_decides_a_pass_its_blank_frames_regions_read() -> None:
    reads = [_read(None), _read(None), _read(PLATE), _read(None), _read(None)]
    look = RegionLook(reads, _read(PLATE, 0.75))
    got = lane_decisions(reads, images=_frames(), look=look)
    assert [d.plate for d in got] == [PLATE] and got[0].confidence <= UNCONFIRMED
    assert look.regions == 4  # each blank frame once, at one scale


def test_regions_reading_nothing_or_another_plate_decide_nothing() -> None:
    reads = [_read(None), _read(None), _read(PLATE), _read(None), _read(None)]
    assert lane_decisions(reads, images=_frames(), look=RegionLook(reads, _read(None))) == []
    other = RegionLook(reads, _read("12CV43518", 0.75))
    assert lane_decisions(reads, images=_frames(), look=other) == []


def test_frames_with_a_plate_or_no_box_are_not_read_again() -> None:
    reads = [_read(None), _read("12CV48516", 0.45), _read(PLATE), _read(None), _read(None)]
    look = RegionLook(reads, _read(None))
    lane_decisions(reads, images=_frames(), look=look)
    assert look.regions == 3  # not the frame that read a plate
    unboxed = [FrameRead(PLATE, 0.7, PLATE, "1-line", "VN"), *[_read(None)] * 4]
    look = RegionLook(unboxed, _read(PLATE))
    assert lane_decisions(unboxed, images=_frames(), look=look) == [] and look.regions == 0


def test_the_region_is_clipped_to_the_image_and_never_all_of_it() -> None:
    image = np.zeros((200, 300, 3), np.uint8)
    part = regionlook.region(image, (250, 150, 40, 20))
    assert part is not None and part.shape[:2] == (200 - 94, 300 - 176)
    assert regionlook.region(image, (0, 0, 300, 200)) is None


def test_a_replays_stand_in_image_is_no_region() -> None:
    # ``scripts/pass_replay.py`` and the other pass tests hand the lane frame indexes.
    reads = [_read(None), _read(PLATE)]
    assert regionlook.region_looks(reads, [0, 1], [[], []], RegionLook(reads, _read(PLATE))
                                   ) == [[], []]
