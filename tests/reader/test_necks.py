"""A white plate the bright mask joined to a light body it touches is cut from it at the
join, and read as a last look where the frame read nothing trusted (``necks``;
docs/reader-journal.md, round 20).

Why these tests: tuning's 14A8331 hangs tilted on a dark bumper, its top corner touching the
truck's light body: the bright mask holds plate and body in one blob (fill 0.31 of its
rectangle), the plate's edge ring runs into the bumper's edge, and no found quad lies near
the plate (best IoU 0.28) though the plate's own quad reads it at 0.90. Eroded by a few
pixels, the blob parts at the corner; the plate's part, grown back, is the plate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import cv2
import numpy as np
import pytest
from hardscene import hard_vn_scene, unfound_scene
from scriptedreader import FRAME as PLAIN
from scriptedreader import QUAD, ScriptedReader, scripted_read

from edge.reader import lastlooks, make_reader, necks
from edge.reader.base import ACT, Frame
from edge.reader.claims import CropRead
from edge.reader.localise import _iou, candidates
from edge.reader.segment import Lines
from edge.reader.textquad import Blobs

#: Tuning hard 14A8331 (999): no found quad near the plate on main (best IoU 0.28).
SCENE = (100003070, "1-line")


def test_the_bright_blob_is_parted_at_the_plates_corner() -> None:
    _, truth, blobs = unfound_scene(*SCENE)
    got = necks.necked(blobs.small, *blobs.args)
    assert got and len(got) <= necks.NECKS
    assert max(_iou(q, truth) for q in got) >= 0.9
    # Uneroded, the same mask holds no part near the plate.
    assert max((_iou(q, truth) for q in necks.necked(blobs.small, *blobs.args, radius=0)),
               default=0.0) < 0.5


def test_a_part_that_is_a_chosen_quads_box_is_not_looked_at_again() -> None:
    image, _, _ = hard_vn_scene(*SCENE)
    blobs = Blobs()
    candidates(image, limit=12, blobs=blobs)
    boxes, strong, k = blobs.args
    first = necks.necked(blobs.small, boxes, strong, k)[0]
    taken = cv2.boundingRect(first.astype(np.int32))
    again = necks.necked(blobs.small, [*boxes, taken], strong, k)
    assert all(not np.array_equal(q, first) for q in again)


def test_the_parted_plate_reads_under_the_band() -> None:
    image, _, plate = hard_vn_scene(*SCENE)
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence < ACT


class _Necked(ScriptedReader):
    """One candidate, as scripted, then the bright mask's parts (two quads), as scripted;
    every read heard, as the real reader hears it (``plurality``'s votes)."""

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        self._blobs.quads = lambda: []  # type: ignore[method-assign]
        yield QUAD, frame, self.lines_of(0)

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        got = super()._read_lines_all(lines)
        if got is not None:
            self._heard.append((got, lines))
        return got


@pytest.fixture
def two_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lastlooks.necks, "necked", lambda *a, **k: [QUAD, QUAD + 1])


def _sure(plate: str, conf: float) -> CropRead:
    return replace(scripted_read(plate, conf), sure=True)


@pytest.mark.usefixtures("plate_sized", "two_parts")
def test_a_sure_part_read_stands_under_the_band_and_ends_the_looks() -> None:
    none: CropRead | None = None
    reader = _Necked([none, _sure("14A8331", 0.92), _sure("14A8381", 0.99)])  # type: ignore[list-item]
    got = reader.read(PLAIN)
    assert reader.read_count == 2 and got.plate == "14A8331" and got.confidence == ACT - 0.01


@pytest.mark.usefixtures("plate_sized", "two_parts")
def test_an_agreed_or_capped_part_read_is_not_believed_nor_heard() -> None:
    # 14K84294 (tuning): a part read 14K24294 agreed at 0.69; 12R5750 (check): a sure read
    # capped at LONE. Believed, or left as votes for the plurality, each read a wrong plate.
    none: CropRead | None = None
    agreed = scripted_read("14K24294", 0.75, agreed=True)
    capped_sure = _sure("14K24294", 0.45)
    reader = _Necked([none, agreed, capped_sure])  # type: ignore[list-item]
    got = reader.read(PLAIN)
    assert reader.read_count == 3 and got.plate is None


@pytest.mark.usefixtures("plate_sized", "two_parts")
def test_a_frame_that_read_its_plate_looks_at_no_part() -> None:
    reader = _Necked([scripted_read("14A8331", 0.62), _sure("14A8381", 0.99)])
    got = reader.read(PLAIN)
    assert reader.read_count == 1 and got.plate == "14A8331"
