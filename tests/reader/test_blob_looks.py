"""A frame that read nothing trusted reads its text blobs as they are, believed only when
sure by itself, under the band (docs/reader-journal.md, round 14).

Why these tests: a tilted white plate's text blob fills its rectangle too little to be a
candidate (``localise._quad_of``'s 0.6: its two rows differ in length, or a glare joins its
row), and the top-hat and bright blobs are grown past a plate they already cover; the
plate's border ring runs into the bumper's edge, so no outline is found either (tuning
12R5433, 12S43715). The blob's own rectangle reads the plate. Such a look is asked only when
the frame has read nothing over a lone read, and only a sure read of it is believed (an
agreed one named 宁THDVDU for 湘DMDVDU at 0.77 on tuning).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hardscene import hard_vn_scene
from scriptedreader import FRAME, Blobbed, scripted_read

from edge.reader import make_reader, textquad
from edge.reader.base import ACT
from edge.reader.claims import CropRead
from edge.reader.localise import _iou, candidates
from edge.reader.textquad import Blobs

#: Tuning hard frames with no found quad near the plate (best IoU 0.26 / 0.36 on main).
FRAMES = [(77802409, "2-line"),   # 12R-5433, tilted 15 degrees; black-hat blob fill 0.52
          (424312770, "1-line")]  # 12S-437.15, a glare at its right end joins the bright blob


@pytest.mark.parametrize(("seed", "layout"), FRAMES)
def test_a_tilted_plates_blob_is_recorded_where_no_candidate_is_near(seed: int, layout: str
                                                                     ) -> None:
    image, truth, _ = hard_vn_scene(seed, layout)
    blobs = Blobs()
    chosen = candidates(image, limit=12, blobs=blobs)
    assert max(_iou(q, truth) for q in chosen) < 0.5
    assert max(_iou(q, truth) for q in blobs.quads()) >= 0.6
    # Recording the blobs changes nothing the localiser chooses.
    plain = candidates(image, limit=12)
    assert len(plain) == len(chosen)
    assert all(np.array_equal(a, b) for a, b in zip(plain, chosen, strict=True))


@pytest.mark.parametrize(("seed", "layout"), FRAMES)
def test_the_blob_reads_the_plate_under_the_band(seed: int, layout: str) -> None:
    image, _, plate = hard_vn_scene(seed, layout)
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence < ACT


def _sure(plate: str, conf: float) -> CropRead:
    return replace(scripted_read(plate, conf), sure=True)


@pytest.mark.usefixtures("plate_sized")
def test_a_sure_blob_read_stands_under_the_band_and_ends_the_looks() -> None:
    none: CropRead | None = None
    reader = Blobbed([none, _sure("12R5433", 0.9), _sure("12R5438", 0.99)])  # type: ignore[list-item]
    got = reader.read(FRAME)
    assert reader.read_count == 2  # the second blob is not read
    assert got.plate == "12R5433" and got.confidence == ACT - 0.01


@pytest.mark.usefixtures("plate_sized")
def test_an_agreed_blob_read_is_not_believed() -> None:
    none: CropRead | None = None
    reader = Blobbed([none, scripted_read("12R5438", 0.77, agreed=True),  # type: ignore[list-item]
                       none])
    got = reader.read(FRAME)
    assert reader.read_count == 3 and got.plate is None


@pytest.mark.usefixtures("plate_sized")
def test_a_frame_that_read_its_plate_reads_no_blob() -> None:
    reader = Blobbed([scripted_read("12R5433", 0.62), _sure("12R5438", 0.99)])
    got = reader.read(FRAME)
    assert reader.read_count == 1 and got.plate == "12R5433"


@pytest.mark.usefixtures("plate_sized")
def test_a_blob_under_skip_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # Measured (plate-free frames): most blob looks were a sign's word or a grille, at a
    # likeness under SKIP; no blob look that read a plate was.
    monkeypatch.setattr(textquad, "likeness", lambda lines, crop, i: 0.01)
    none: CropRead | None = None
    reader = Blobbed([none, _sure("12R5433", 0.9)])  # type: ignore[list-item]
    assert reader.read(FRAME).plate is None and reader.read_count == 1
