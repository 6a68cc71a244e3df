"""A frame that reads nothing is read again through motion-blur deconvolutions; a plate two
kernels read is believed at ``LONE`` (round 22, ``edge/reader/deblur.py``)."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from hardscene import hard_vn_scene

from edge.reader import deblur, make_reader, tesseract
from edge.reader.base import FrameRead
from edge.reader.claims import LONE


def _bars() -> np.ndarray:
    img = np.full((120, 200), 230, np.uint8)
    for x in range(20, 180, 16):
        img[30:90, x:x + 6] = 30
    return img


def test_a_box_blur_is_undone_along_its_direction_only() -> None:
    sharp = _bars()
    kernel = np.zeros((7, 7), np.float32)
    kernel[3, :] = 1 / 7  # a horizontal box of 7 px (a truck moving across the image)
    blurred = np.asarray(cv2.filter2D(sharp, -1, kernel), np.uint8)
    err = np.abs(blurred.astype(int) - sharp).mean()
    along = np.abs(deblur.deconvolved(blurred, "H", 7).astype(int) - sharp).mean()
    across = np.abs(deblur.deconvolved(blurred, "V", 7).astype(int) - sharp).mean()
    assert along < 0.85 * err < across  # the other way it only adds ringing
    colour = deblur.deconvolved(np.asarray(cv2.cvtColor(blurred, cv2.COLOR_GRAY2BGR), np.uint8),
                                "H", 7)
    assert colour.shape == (120, 200, 3)
    assert np.array_equal(colour[:, :, 1], deblur.deconvolved(blurred, "H", 7))


def test_a_lone_read_is_believed_only_when_two_kernels_read_it() -> None:
    def reading(*plates: str | None, conf: float = LONE) -> Callable[[object], FrameRead]:
        out = iter(plates)
        return lambda _frame: FrameRead(next(out), conf)
    frame = _bars()
    assert deblur.agreed(frame, reading(None, "12A34567", None, "12A34561", None, None)) is None
    got = deblur.agreed(frame, reading(None, "12A34567", "12A34567", None, None, None))
    assert got is not None and got.plate == "12A34567" and got.confidence == deblur.CAP
    # one kernel's read above a lone read's (agreed, sure) stands, capped
    got = deblur.agreed(frame, reading(None, "12A34561", conf=0.79))
    assert got is not None and got.plate == "12A34561" and got.confidence == deblur.CAP


def test_the_reader_reads_a_motion_blurred_plate_where_the_frame_read_nothing() -> None:
    """Wide pool 3101's hard 20C-789.29: a horizontal blur of 5 px merged its top row's glyphs
    (rows (2, 5)), and main read nothing; deblurred it reads 20C78929."""
    image, _, truth = hard_vn_scene(310209307, "2-line")
    assert truth == "20C78929"
    reader = make_reader(engine="resident")
    got = reader.read(image)
    assert got.plate == truth and got.confidence <= LONE
    tesseract.DEBLUR = False
    try:
        assert reader.read(image).plate is None
    finally:
        tesseract.DEBLUR = True
