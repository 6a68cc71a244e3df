"""A last look's read naming more glyphs than its crop's blobs is read again from the crop
counted again (``lookcount.recounted``, round 20), as the search's candidates are: the
recount's read replaces it only where it fits, as confident up to ``REJOINED``."""

from __future__ import annotations

import numpy as np
import pytest
from hardscene import hard_vn_scene

from domain.plate_candidates import Candidate
from edge.reader import lookcount, make_reader
from edge.reader.base import Frame
from edge.reader.claims import REJOINED, CropRead
from edge.reader.segment import Lines

SEVEN = Lines("1-line", [], [], 7, (7,))
EIGHT = Lines("1-line", [], [], 8, (8,), evened=True, recounted=True)
CROP: Frame = np.zeros((4, 4), np.uint8)


def _read(plate: str, raw: str, conf: float, *, fits: bool = True) -> CropRead:
    return CropRead(Candidate(plate, "VN", 0, 0), conf, raw, "1-line", agreed=True, fits=fits)


def _recounts(monkeypatch: pytest.MonkeyPatch, *found: Lines) -> None:
    monkeypatch.setattr(lookcount, "recount", lambda crop, lines, want: list(found))


def test_a_short_looks_read_is_replaced_by_its_recounts_fitting_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _recounts(monkeypatch, EIGHT)
    short = _read("18Z55433", "18Z554.33", 0.72, fits=False)  # 8 named from 7 blobs
    whole = _read("98Z55433", "98Z554.33", 0.75)
    got, lines = lookcount.recounted(lambda ln: whole, CROP, SEVEN, short)
    assert got.cand.plate == "98Z55433" and got.conf == REJOINED and lines is EIGHT


def test_a_recount_reading_worse_or_unfit_leaves_the_looks_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _recounts(monkeypatch, EIGHT)
    short = _read("18Z55433", "18Z554.33", 0.72, fits=False)
    for other in (_read("98Z55433", "98Z554.33", 0.6), _read("98Z5543", "98Z554.3", 0.9,
                                                                fits=False), None):
        got, lines = lookcount.recounted(lambda ln, o=other: o, CROP, SEVEN, short)
        assert got is short and lines is SEVEN


def test_a_read_naming_no_more_than_its_blobs_is_not_recounted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def never(crop: Frame, lines: Lines, want: int) -> list[Lines]:
        raise AssertionError("recounted without evidence")

    monkeypatch.setattr(lookcount, "recount", never)
    fitting = _read("12X5214", "12X-5214", 0.72)
    assert lookcount.recounted(lambda ln: None, CROP, SEVEN, fitting) == (fitting, SEVEN)


def test_the_reader_reads_a_looks_recount() -> None:
    """Check seed 31337's hard 98Z-554.33 (main read 18Z55433 at 0.70): its candidates read
    nothing; a text-fitted look read '18Z554.33' from 7 blobs (the 9 and 8 merged), agreed;
    its crop counted again by the evened threshold finds 8 and reads 98Z55433 agreed."""
    image, _, truth = hard_vn_scene(3133894021, "1-line")
    assert truth == "98Z55433"
    got = make_reader(engine="resident").read(image)
    assert got.plate == "98Z55433" and got.confidence <= REJOINED
