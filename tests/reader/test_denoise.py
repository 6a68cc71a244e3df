"""A dark, noisy frame's plate regions denoised before the deblur's deconvolution (round 26,
``edge/reader/denoise.py`` and ``deblur._night``): the gate is measured on the frame, and
the denoised crops are made only where every plain deconvolution read nothing believed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hardscene import hard_vn_scene

from domain.plate_candidates import Candidate
from edge.reader import deblur, denoise, make_reader
from edge.reader.claims import LONE, CropRead
from edge.reader.localise import candidates
from edge.reader.segment import Lines


def test_the_noise_is_measured_on_the_flattest_blocks() -> None:
    """Noise of sigma 8 on a flat level of 40 with a sharp edge: the flattest blocks say 8,
    the edge's blocks are not the measure."""
    grey = np.full((160, 320), 40.0)
    grey[:, 160:] = 200.0
    noisy = np.clip(grey + np.random.default_rng(0).normal(0, 8, grey.shape), 0, 255)
    level, noise = denoise.noise_of(noisy.astype(np.uint8))
    assert 115 < level < 125 and 7 < noise < 9
    assert denoise.noise_of(np.full((160, 320), 40, np.uint8)) == (40.0, 0.0)


def test_a_night_frame_is_dark_and_noisy_a_day_frame_is_not() -> None:
    """Wide pool 3101's hard 12R-753.50 (night, alpha 0.51, noise 10) against 20C-789.29
    (by day, the same motion blur's kind)."""
    night, _, _ = hard_vn_scene(310209337, "1-line")
    day, _, _ = hard_vn_scene(310209307, "2-line")
    assert denoise.noisy_dark(night)
    assert not denoise.noisy_dark(day)


def _none(_lines: Lines) -> CropRead | None:
    return None


def recorded_cleans(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For every crop ``deblur.crop_of`` makes from now on, whether it was denoised first."""
    made: list[bool] = []
    crop_of = deblur.crop_of

    def recorded(frame: np.ndarray, quad: np.ndarray, kernel: tuple[str, int],
                 nsr: float = deblur.NSR, clean: Callable[[np.ndarray], np.ndarray] | None = None
                 ) -> np.ndarray:
        made.append(clean is not None)
        return crop_of(frame, quad, kernel, nsr, clean)
    monkeypatch.setattr(deblur, "crop_of", recorded)
    return made


def test_denoised_crops_only_on_a_dark_noisy_frame_after_every_plain_try(
        monkeypatch: pytest.MonkeyPatch) -> None:
    night, _, _ = hard_vn_scene(310209337, "1-line")
    quads = candidates(night, limit=12)
    made = recorded_cleans(monkeypatch)
    assert deblur.reread(night, quads, _none) is None
    assert any(made)
    assert made.index(True) > 0 and all(made[made.index(True):])  # the plain tries first
    made.clear()  # a frame the first tries read: nothing denoised
    first = CropRead(Candidate("12A34561", "VN", 0, 0), 0.79, "12A34561", "1-line")
    assert deblur.reread(night, quads, lambda _lines: first) is not None
    assert made and not any(made)
    made.clear()  # by day: nothing denoised
    day, _, _ = hard_vn_scene(310209307, "2-line")
    assert deblur.reread(day, candidates(day, limit=12), _none) is None
    assert made and not any(made)
    made.clear()
    monkeypatch.setattr(deblur, "NIGHT_NSR", None)
    assert deblur.reread(night, quads, _none) is None
    assert made and not any(made)


def test_the_reader_reads_a_night_blurred_plate_only_denoised(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide pool 3101's hard 12R-753.50 (night: alpha 0.51, noise sigma 10; a horizontal box
    of 5 px, glare): no plain deconvolution reads it at any length or NSR; its region
    smoothed first, the sixth quad reads it at 0.7, capped at `LONE`."""
    image, _, truth = hard_vn_scene(310209337, "1-line")
    assert truth == "12R75350"
    reader = make_reader(engine="resident")
    got = reader.read(image)
    assert got.plate == truth and got.confidence <= LONE
    monkeypatch.setattr(deblur, "NIGHT_NSR", None)
    assert reader.read(image).plate is None
