"""A frame's last looks (round 16): an agreed look believed when another crop of the frame read
its plate too, an outline behind a never-read text box, a yellow plate parted from an orange
truck (docs/reader-journal.md, round 16).

Why these tests: on the tuning, check and fresh seeds' hard misses of the "localisation" and
"fragile" classes, the looks (text-fitted quads, blobs) found the plate and read it right,
agreed at >= SURE, where one look alone is not believed (贵L19968F 0.93 then 0.81, 桂FTCW39
0.99 over the candidates' 0.23, 21F26809); an outline (IoU 0.96) that reads 36Y37046 sure was
dropped behind a black-hat box that segmented no rows, so its second look never came; and
12X29880's yellow plate touches an orange truck, whose body the yellow mask (hue from 14)
takes in, so no quad of it is the plate's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from hardscene import hard_vn_scene
from scriptedreader import FRAME, QUAD, Blobbed, ScriptedReader, scripted_read

from domain.plate_candidates import Candidate
from edge.reader import make_reader
from edge.reader.base import ACT, Frame
from edge.reader.claims import CropRead
from edge.reader.localise import _iou, candidates
from edge.reader.segment import Lines
from edge.reader.textquad import Blobs


class _Suppressed(ScriptedReader):
    """One candidate, a text box whose outline the overlap rule dropped, never read itself."""

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        self._seconds = {12345: QUAD + 3}  # by a box quad's id: that box had no rows
        self._blobs.quads = lambda: []  # type: ignore[method-assign]
        yield QUAD, frame, self.lines_of(0)


def _cn(plate: str, conf: float) -> CropRead:
    return CropRead(Candidate(plate, "CN", 0, 0), conf, plate, "2-line", agreed=True)


@pytest.mark.usefixtures("plate_sized")
def test_an_agreed_blob_read_of_the_frames_plate_is_believed_under_the_band() -> None:
    # 桂FTCW39: its candidates read it at 0.23, a blob agreed at 0.99 (round 14 believed a
    # blob's read only when sure: one agreed blob named 宁THDVDU for 湘DMDVDU, alone).
    reader = Blobbed([scripted_read("12R5433", 0.45), scripted_read("12R5433", 0.77, agreed=True)])
    got = reader.read(FRAME)
    assert reader.read_count == 2 and got.plate == "12R5433" and got.confidence == 0.77
    # Seconded by an earlier look too, and then another plate than the frame's lone read.
    none: CropRead | None = None
    reader = Blobbed([scripted_read("12R5438", 0.45), scripted_read("12R5433", 0.44),
                       scripted_read("12R5433", 0.9, agreed=True)])
    got = reader.read(FRAME)
    assert got.plate == "12R5433" and got.confidence == ACT - 0.01
    reader = Blobbed([none, scripted_read("12R5433", 0.9, agreed=True), none])  # type: ignore[list-item]
    assert reader.read(FRAME).plate is None  # alone: not believed, as before


@pytest.mark.usefixtures("plate_sized")
def test_a_seconded_chinese_look_counts_only_with_its_province_confirmed() -> None:
    # Three looks read 粤U413Y7 as 吉U413Y7 (chi_sim's province, shared by the crops): agreed
    # at 0.79, the band's cap of an unconfirmed province.
    none: CropRead | None = None
    reader = Blobbed([_cn("吉U413Y7", 0.2), _cn("吉U413Y7", ACT - 0.01), none])  # type: ignore[list-item]
    assert reader.read(FRAME).plate is None
    reader = Blobbed([_cn("贵L19968F", 0.2), _cn("贵L19968F", 0.81)])
    got = reader.read(FRAME)
    assert got.plate == "贵L19968F" and got.confidence == ACT - 0.01


@pytest.mark.usefixtures("plate_sized")
def test_an_outline_behind_a_never_read_box_is_a_last_look() -> None:
    sure = replace(scripted_read("36Y37046", 0.99), sure=True)
    none: CropRead | None = None
    reader = _Suppressed([none, sure])  # type: ignore[list-item]
    got = reader.read(FRAME)
    assert reader.read_count == 2 and got.plate == "36Y37046" and got.confidence == ACT - 0.01


@pytest.mark.usefixtures("plate_sized")
def test_a_frame_that_read_its_plate_reads_no_suppressed_outline() -> None:
    reader = _Suppressed([scripted_read("36Y37046", 0.62), scripted_read("36Y37040", 0.99)])
    assert reader.read(FRAME).plate == "36Y37046" and reader.read_count == 1


def test_a_yellow_plate_touching_an_orange_truck_is_parted_from_it() -> None:
    # Fresh hard frame 12X-298.80 (seed 8080): tilted 25 degrees, its top-left corner on the
    # truck's orange body; no chosen quad near it (best IoU 0.27).
    image, truth, plate = hard_vn_scene(808124272, "1-line")
    blobs = Blobs()
    chosen = candidates(image, limit=12, blobs=blobs)
    assert max(_iou(q, truth) for q in chosen) < 0.5
    assert max(_iou(q, truth) for q in blobs.yellow()) >= 0.7
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence < ACT


def test_the_outline_behind_a_box_with_no_rows_reads_the_plate() -> None:
    # Check hard frame 36Y-370.46 (seed 555): its yellow outline (IoU 0.96) behind a black-hat
    # box (IoU 0.63) that segmented no rows.
    image, _, plate = hard_vn_scene(55601715, "1-line")
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence < ACT
