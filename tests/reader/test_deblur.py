"""Motion blur undone cheaply (round 23, ``edge/reader/deblur.py``): a frame that read nothing
has its blur estimated from its candidates' regions, and only its likeliest crops are read
again through that one kernel's deconvolution; a lone read is believed only on two crops."""

from __future__ import annotations

import random
from collections.abc import Callable

import cv2
import numpy as np
import pytest
from hardscene import hard_vn_scene

from domain.plate_candidates import Candidate
from edge.reader import deblur, make_reader, tesseract
from edge.reader.claims import LONE, CropRead
from edge.reader.localise import candidates
from edge.reader.segment import Lines
from smartgate.scenes.plates import render_plate


def _bars() -> np.ndarray:
    img = np.full((120, 200), 230, np.uint8)
    for x in range(20, 180, 16):
        img[30:90, x:x + 6] = 30
    return img


def _blurred(img: np.ndarray, direction: str, length: int) -> np.ndarray:
    """A box blur as the generator draws it (``smartgate.scenes.frames._degrade``)."""
    kernel = np.zeros((length, length), np.float32)
    if direction == "V":
        kernel[:, length // 2] = 1 / length
    else:
        kernel[length // 2, :] = 1 / length
    return np.asarray(cv2.filter2D(img, -1, kernel), np.uint8)


def test_a_box_blur_is_undone_along_its_direction_only() -> None:
    sharp = _bars()
    blurred = _blurred(sharp, "H", 7)  # a truck moving across the image
    err = np.abs(blurred.astype(int) - sharp).mean()
    along = np.abs(deblur.deconvolved(blurred, "H", 7).astype(int) - sharp).mean()
    across = np.abs(deblur.deconvolved(blurred, "V", 7).astype(int) - sharp).mean()
    assert along < 0.85 * err < across  # the other way it only adds ringing
    colour = deblur.deconvolved(np.asarray(cv2.cvtColor(blurred, cv2.COLOR_GRAY2BGR), np.uint8),
                                "H", 7)
    assert colour.shape == (120, 200, 3)
    assert np.array_equal(colour[:, :, 1], deblur.deconvolved(blurred, "H", 7))


@pytest.mark.parametrize("kernel", deblur.KERNELS)
def test_the_estimate_names_the_blur_of_a_plate_crop(kernel: tuple[str, int]) -> None:
    """A 1-row plate at a hard frame's scale, blurred by each kernel with sensor noise: the
    derivative's autocorrelation names the box's direction and length; the sharp crop none
    (so a sharp frame pays no deconvolution)."""
    flat = cv2.cvtColor(render_plate("51F12345", "1-line", random.Random(1)), cv2.COLOR_RGB2BGR)
    plate = cv2.resize(flat, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
    plate = cv2.copyMakeBorder(plate, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=(35, 35, 35))
    assert deblur.estimate(np.asarray(plate, np.uint8)) is None
    noisy = _blurred(plate, *kernel) + np.random.default_rng(0).normal(0, 6, plate.shape)
    assert deblur.estimate(np.clip(noisy, 0, 255).astype(np.uint8)) == kernel


def test_the_frame_votes_its_blur_from_its_quads() -> None:
    """Wide pool 3101's hard 20C-789.29, drawn with a horizontal box of 5 px: the localiser's
    first quads (plate, lettering, grille) name it; six kernels are not tried."""
    image, _, _ = hard_vn_scene(310209307, "2-line")
    assert deblur.kernel_of(image, candidates(image, limit=12)) == ("H", 5)


def _reads(*plates: str | None, conf: float = LONE) -> Callable[[Lines], CropRead | None]:
    out = iter(plates)

    def read(_lines: Lines) -> CropRead | None:
        plate = next(out, None)
        return None if plate is None else CropRead(Candidate(plate, "VN", 0, 0), conf, plate,
                                                   "1-line")
    return read


def test_a_lone_read_is_believed_only_when_two_crops_read_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    image, _, _ = hard_vn_scene(310209307, "2-line")
    quads = candidates(image, limit=12)
    assert deblur.reread(image, quads, _reads("12A34567", "12A34561", None)) is None
    # where the voted length's crops read nothing believed, the other lengths' are read
    got = deblur.reread(image, quads, _reads(None, None, None, "12A34561", conf=0.79))
    assert got is not None and got[0].cand.plate == "12A34561"
    got = deblur.reread(image, quads, _reads("12A34567", None, "12A34567"))
    assert got is not None and got[0].cand.plate == "12A34567" and got[0].conf == deblur.CAP
    # one crop's read above a lone read's (agreed, sure) stands, capped
    got = deblur.reread(image, quads, _reads("12A34561", conf=0.79))
    assert got is not None and got[0].cand.plate == "12A34561" and got[0].conf == deblur.CAP
    # no blur named: no crop is read at all
    monkeypatch.setattr(deblur, "kernel_of", lambda _frame, _quads: None)
    assert deblur.reread(image, quads, _reads()) is None


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


def recorded_nsrs(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The NSR of every deconvolved crop ``deblur.crop_of`` makes from now on (it still
    makes them): which strengths a hook asked for, in order (round 25)."""
    made: list[float] = []
    crop_of = deblur.crop_of

    def recorded(frame: np.ndarray, quad: np.ndarray, kernel: tuple[str, int],
                 nsr: float = deblur.NSR, clean: Callable[[np.ndarray], np.ndarray] | None = None
                 ) -> np.ndarray:
        made.append(nsr)
        return crop_of(frame, quad, kernel, nsr, clean)
    monkeypatch.setattr(deblur, "crop_of", recorded)
    return made


def test_a_second_nsr_only_where_every_length_read_nothing_believed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Round 25: the crops are deconvolved at ``SECOND_NSR`` only once the three lengths at
    ``NSR`` read nothing believed (a frame read at the first costs nothing more)."""
    image, _, _ = hard_vn_scene(310209307, "2-line")
    quads = candidates(image, limit=12)
    made = recorded_nsrs(monkeypatch)
    assert deblur.reread(image, quads, _reads("12A34561", conf=0.79)) is not None
    assert made and set(made) == {deblur.NSR}
    made.clear()
    assert deblur.reread(image, quads, _reads()) is None
    assert deblur.SECOND_NSR in made
    assert deblur.NSR not in made[made.index(deblur.SECOND_NSR):]  # every length's first


def test_the_reader_reads_a_blurred_plate_only_the_second_nsr_believes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide pool 3101's hard 98D-688.75 (a horizontal box of 7 px, voted 9): at NSR 0.03 one
    crop reads it at `LONE` and nothing agrees; at 0.01 its crop reads it sure (0.99)."""
    image, _, truth = hard_vn_scene(310209370, "1-line")
    assert truth == "98D68875"
    reader = make_reader(engine="resident")
    got = reader.read(image)
    assert got.plate == truth and got.confidence == deblur.CAP
    monkeypatch.setattr(deblur, "SECOND_NSR", None)
    assert reader.read(image).plate is None
