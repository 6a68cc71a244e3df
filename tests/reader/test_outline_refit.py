"""A turned quad refitted to the plate's border lines (round 11, the "fragile" class).

Why these tests: the localiser's quad is often a rotated rectangle around a plate seen
obliquely (a trapezoid); rectified, the plate comes out turned and its characters leaning, and
Tesseract misreads it, even "sure" (24Y2191 read 24Y2181 at 0.96, 云L90S76 read 云L90876 at
0.85), where the generator's own quad reads it right. ``outline.refined`` finds the plate's
top and bottom border lines in the crop and, when they turn, refits the quad to them; the
refit is read first, its source after it (``outline.crops``), and a refit's read under the
band takes its source's confidence when the source reads the same plate.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace

import cv2
import numpy as np
import pytest

from domain.plate_candidates import Candidate
from edge.reader import make_reader
from edge.reader import tesseract as tess
from edge.reader.base import ACT, Frame
from edge.reader.claims import CropRead
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.localise import order, rectify
from edge.reader.outline import crops, refined
from edge.reader.segment import Lines
from smartgate.scenes import random_plate, render_frame

#: A plate's true corners in a 640 x 360 frame: a trapezoid, its right end nearer the camera.
TRUE = np.array([[180, 150], [460, 120], [462, 200], [178, 212]], np.float32)


def _plate_frame() -> np.ndarray:
    """A white plate with a black border and a row of bars, warped onto ``TRUE``."""
    flat = np.full((60, 280), 255, np.uint8)
    cv2.rectangle(flat, (1, 1), (278, 58), 0, 2)
    for x in range(20, 260, 30):
        cv2.rectangle(flat, (x, 14), (x + 12, 46), 0, -1)
    src = np.array([[0, 0], [279, 0], [279, 59], [0, 59]], np.float32)
    m = cv2.getPerspectiveTransform(src, TRUE)
    frame = np.full((360, 640), 90, np.uint8)
    mask = cv2.warpPerspective(np.full_like(flat, 255), m, (640, 360))
    plate = cv2.warpPerspective(flat, m, (640, 360))
    frame[mask > 0] = plate[mask > 0]
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)


def test_a_turned_box_is_refitted_to_the_plates_corners() -> None:
    frame = _plate_frame()
    box = cv2.boxPoints(cv2.minAreaRect(TRUE)).astype(np.float32)  # the localiser's kind
    assert np.abs(order(box) - TRUE).max() > 8
    better = refined(box, rectify(frame, box), 0.04)
    assert better is not None
    assert np.abs(order(better) - TRUE).max() <= 3


def test_a_quad_on_the_plate_is_left_as_it_is() -> None:
    frame = _plate_frame()
    assert refined(TRUE, rectify(frame, TRUE), 0.04) is None


def test_the_refit_comes_first_and_records_its_source() -> None:
    frame = _plate_frame()
    box = cv2.boxPoints(cv2.minAreaRect(TRUE)).astype(np.float32)
    sources: dict[int, tuple[np.ndarray, Frame, Frame]] = {}
    got = list(crops(frame, [box], tight=False, sources=sources))
    assert [i for i, _, _ in got] == [0, 0]
    (_, refit_quad, refit), (_, quad, crop) = got
    assert quad is box and sources[id(refit)][0] is box and sources[id(refit)][1] is crop
    assert np.abs(order(refit_quad) - TRUE).max() <= 3


def _scene(seed: int, country: str, layout: str) -> tuple[np.ndarray, str]:
    rng = random.Random(seed)
    plate = random_plate(rng, country=country, layout=layout)
    scene = render_frame(plate=plate, layout=layout, difficulty="hard",  # type: ignore[arg-type]
                         rng=rng)
    return scene.image, scene.plate


@pytest.mark.parametrize(("seed", "country"), [
    (424312795, "VN"),   # tuning 4242: 20F-7857, main read 20F7851 (0.75)
    (55601675, "VN"),    # check 555: 24Y-2191, main read 24Y2181 (0.96, in the band)
    (3133894091, "CN"),  # check 31337: 云L-90S76, main read 云L90876 (0.85, in the band)
])
def test_turned_plates_read_right(seed: int, country: str) -> None:
    image, truth = _scene(seed, country, "1-line")
    assert make_reader(engine="resident").read(image).plate == truth


def _read(plate: str, conf: float, *, agreed: bool = True) -> CropRead:
    return CropRead(Candidate(plate, "VN", 0, 0), conf, plate, "1-line", agreed=agreed)


class _Refitted(tess.TesseractPlateReader):
    """One refit crop, read as scripted; its source crop reads ``source_read``."""

    def __init__(self, refit_read: CropRead, source_read: CropRead) -> None:
        super().__init__(ResidentEngine(DEFAULT_TESSDATA))
        self.script = [refit_read, source_read]
        self.read_count = 0

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        quad = np.array([[0, 0], [9, 0], [9, 9], [0, 9]], np.float32)
        refit, source = frame.copy(), frame.copy()
        self._sources[id(refit)] = (quad, source, refit)
        yield quad, refit, Lines("1-line", [], [], 8)

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        self.read_count += 1
        return self.script[self.read_count - 1]


FRAME = np.full((64, 64, 3), 128, np.uint8)


@pytest.fixture
def _segments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tess, "segment", lambda crop, **_: Lines("1-line", [], [], 8))


@pytest.mark.usefixtures("_segments")
def test_a_refits_read_takes_its_sources_confidence_for_the_same_plate() -> None:
    # Measured (tuning 4242): 98R86895's refit read it at 0.75 (agreeing), its quad at 0.99.
    reader = _Refitted(_read("98R86895", 0.75), _read("98R86895", 0.99, agreed=False))
    got = reader.read(FRAME)
    assert reader.read_count == 2 and got.plate == "98R86895" and got.confidence == 0.99


@pytest.mark.usefixtures("_segments")
def test_a_source_reading_another_plate_is_not_believed_over_the_refit() -> None:
    # Measured (check 555): 24Y2191's refit read it at 0.79, its turned quad 24Y2181 at 0.96.
    reader = _Refitted(_read("24Y2191", 0.79), _read("24Y2181", 0.96, agreed=False))
    got = reader.read(FRAME)
    assert got.plate == "24Y2191" and got.confidence == 0.79


@pytest.mark.usefixtures("_segments")
def test_a_refits_read_alone_stays_under_the_band() -> None:
    # Measured (round 11, the benchmark's hard passes): a refit read 桂VB4608 as 桂VB4668 at
    # 0.98 where its source read it right at 0.69, and the lane decided that truck wrong at
    # 0.99. A refit's read alone is capped under ACT, so its source is read as a second look.
    reader = _Refitted(_read("21K91671", 0.98, agreed=False), _read("21K81671", 0.99))
    got = reader.read(FRAME)
    assert reader.read_count == 2 and got.plate == "21K91671"
    assert got.confidence == pytest.approx(ACT - 0.01)


@pytest.mark.usefixtures("_segments")
def test_a_source_read_only_on_tesseracts_retry_does_not_lift_a_refit() -> None:
    # The source crop's row was read only once Tesseract's noise-row rejection was off
    # (``LineRead.kept``): such a read never reaches the band, as a second look either.
    kept = replace(_read("98R86895", 0.99, agreed=False), kept=True)
    reader = _Refitted(_read("98R86895", 0.75), kept)
    got = reader.read(FRAME)
    assert reader.read_count == 2 and got.plate == "98R86895"
    assert got.confidence == 0.75
