"""A blurred frame's VN read under the band checked against its own crop deblurred (round 24,
``edge/reader/blurcheck.py``): a plate the deconvolved crop reads sure and uncontested
replaces the read, under the band; anything less, the same plate, a Chinese read, or a
frame showing no blur changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hardscene import hard_vn_scene
from test_deblur import recorded_nsrs

from domain.plate_candidates import Candidate
from edge.reader import blurcheck, deblur, make_reader
from edge.reader.base import ACT
from edge.reader.claims import LONE, CropRead
from edge.reader.localise import candidates
from edge.reader.segment import Lines

#: Wide pool 3202's hard 14X-366.41 (a vertical box of 7 px; main read 14X36642 at LONE).
SPEC = 320309676


def _read(plate: str, conf: float, *, cost: int = 0, sure: bool = True, fits: bool = True,
          contested: bool = False, country: str = "VN") -> CropRead:
    return CropRead(Candidate(plate, country, cost, 0), conf, plate, "2-line", sure=sure,
                    fits=fits, agreed=contested, contested=contested)


def _reads(got: CropRead | None) -> Callable[[Lines], CropRead | None]:
    return lambda _lines: got


@pytest.fixture(scope="module")
def blurred() -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    image, truth, _ = hard_vn_scene(SPEC, "2-line")
    return image, candidates(image, limit=12), truth


def test_a_sure_read_of_another_plate_replaces_the_read_under_the_band(
        blurred: tuple[np.ndarray, list[np.ndarray], np.ndarray]) -> None:
    image, quads, quad = blurred
    best = (_read("14X36642", LONE, sure=False), quad, image)
    got = blurcheck.checked(image, quads, best, _reads(_read("14X36641", 0.98)))
    assert got[0].cand.plate == "14X36641" and got[0].conf == blurcheck.CAP < ACT
    # a repaired, unfitting, unsure, contested (12R5750 read 12R5758 at 0.70, 12F45338
    # 12F45330 at 0.75: two preprocessings of three) or Chinese read does not
    for untrusted in (_read("14X36641", 0.98, cost=1), _read("14X36641", 0.98, fits=False),
                      _read("14X36641", 0.79), _read("14X36641", 0.98, sure=False),
                      _read("14X36641", 0.75, sure=False, contested=True),
                      _read("桂X36641", 0.98, country="CN"), None):
        assert blurcheck.checked(image, quads, best, _reads(untrusted)) is best
    # a Chinese read, or a read in the band, is not checked; nor a frame voting no blur
    cn = (_read("桂H04BX4", LONE, sure=False, country="CN"), quad, image)
    assert blurcheck.checked(image, quads, cn, _reads(_read("14X36641", 0.98))) is cn
    sure = (_read("14X36642", 0.85), quad, image)
    assert blurcheck.checked(image, quads, sure, _reads(_read("14X36641", 0.98))) is sure
    two = [quads[0], quads[0] + 1.0]  # two quads cannot reach the vote's three
    assert blurcheck.checked(image, two, best, _reads(_read("14X36641", 0.98))) is best


def test_the_reader_reads_the_plate_its_blurred_glyphs_hid(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """14X-366.41 under a vertical blur of 7 px: main read 14X36642 at `LONE`; its own quad
    deconvolved reads 14X36641 sure (0.98)."""
    image, _, truth = hard_vn_scene(SPEC, "2-line")
    reader = make_reader(engine="resident")
    got = reader.read(image)
    assert got.plate == truth and got.confidence == blurcheck.CAP
    monkeypatch.setattr(blurcheck, "checked", lambda _f, _q, best, _r: best)
    assert reader.read(image).plate == "14X36642"


def test_the_second_nsr_reads_the_plate_the_first_left_misread(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide pool 3202's hard 11C-96.84 (a horizontal box of 7 px): main read 11C9664 at
    `LONE`; its quad deconvolved at NSR 0.03 reads nothing trusted, at 0.1 11C9684 sure."""
    image, _, truth = hard_vn_scene(320309611, "2-line")
    assert truth == "11C9684"
    reader = make_reader(engine="resident")
    got = reader.read(image)
    assert got.plate == truth and got.confidence == blurcheck.CAP
    monkeypatch.setattr(blurcheck, "SECOND_NSR", None)
    assert reader.read(image).plate == "11C9664"


def test_the_second_nsr_only_where_the_first_reads_neither_the_plate_nor_a_trusted_one(
        blurred: tuple[np.ndarray, list[np.ndarray], np.ndarray],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Round 25: a crop at ``deblur.NSR`` reading the frame's own plate, or a trusted other,
    costs no second deconvolution."""
    image, quads, quad = blurred
    best = (_read("14X36642", LONE, sure=False), quad, image)
    made = recorded_nsrs(monkeypatch)
    for first in (_read("14X36642", LONE, sure=False), _read("14X36641", 0.98)):
        made.clear()
        blurcheck.checked(image, quads, best, _reads(first))
        assert made == [deblur.NSR]
    made.clear()
    assert blurcheck.checked(image, quads, best, _reads(None)) is best
    assert made == [deblur.NSR, blurcheck.SECOND_NSR]
