"""A read that names more characters than its crop's blobs has the crop counted again by the
other binarisations, whose read stays under the band; an evened crop's lone read stands at
LONE only when sure by itself (round 13: the "segmentation" and "no read" classes)."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest
from scriptedreader import FRAME, ScriptedReader

from domain.plate_candidates import Candidate
from edge.reader import tesseract as tess
from edge.reader.base import Frame
from edge.reader.claims import LONE, REJOINED, UNFIT, CropRead
from edge.reader.cropread import CropReader
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.rules import glyphs_named
from edge.reader.segment import Lines, recount, segment


def _faded_end(ink: int = 150) -> np.ndarray:
    """12X-521.47's characters dark on a light plate, the last one faded to a light grey (a
    glared end, as on tuning seed 999's hard frame): one threshold finds 7 characters."""
    h, w = 120, 560
    img = np.full((h, w), 225, np.uint8)
    cv2.rectangle(img, (6, 6), (w - 7, h - 7), 30, 4)
    for i, ch in enumerate("12X52147"):
        cv2.putText(img, ch, (40 + 62 * i, 92), cv2.FONT_HERSHEY_SIMPLEX, 2.6,
                    ink if i == 7 else 35, 9, cv2.LINE_AA)
    return np.asarray(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), np.uint8)


def test_a_read_names_the_blobs_a_dotted_four_digit_number_lost() -> None:
    def vn(plate: str) -> Candidate:
        return Candidate(plate, "VN", 0, 0)

    assert glyphs_named(vn("36C6586"), "36C/658.6") == 8  # a five-digit number's dot
    assert glyphs_named(vn("12K3225"), "12K/32.25") == 8
    assert glyphs_named(vn("36C6586"), "36C/6586") == 7  # four digits, printed so
    assert glyphs_named(vn("98H1174"), "98H/1174") == 7
    assert glyphs_named(vn("12X52147"), "12X-521.47") == 8  # five digits: nothing lost
    assert glyphs_named(vn("36C6586"), "36C.6/6586") == 7  # the dot on the top row only
    assert glyphs_named(Candidate("桂PPACSV", "CN", 0, 0), "桂PPACSV") == 6  # the tail


def test_the_faded_glyph_is_found_by_a_recount_up_to_the_wanted_count() -> None:
    plate = _faded_end()
    lines = segment(plate)
    assert lines is not None and lines.row_chars == (7,) and not lines.recounted
    again = recount(plate, lines, 8)
    assert [a.row_chars for a in again] == [(8,)]
    assert again[0].recounted and again[0].evened
    assert recount(plate, lines, 7) == []  # never past what the read named


def _short_read(raw: str = "36C/658.6", conf: float = 0.75) -> CropRead:
    """36C-658.66 read from 3 + 4 blobs as 36C6586 (measured: tuning seed 999, 0.75)."""
    return CropRead(Candidate("36C6586", "VN", 0, 0), conf, raw, "2-line", agreed=True,
                    contested=True)


def _rows(i: int) -> Lines:
    return Lines("2-line", [], [], 7, (3, 4))


class _OneCandidate(ScriptedReader):
    """One candidate, segmented as 3 + 4 blobs; its reads (the recount's too) as scripted."""

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        yield np.array([[0, 0], [9, 0], [9, 9], [0, 9]], np.float32), frame, _rows(0)


def _recounted_rows(crop: Frame, lines: Lines, want: int) -> list[Lines]:
    return [Lines("2-line", [], [], 8, (3, 5), evened=True, recounted=True)]


def test_a_short_read_is_read_again_from_the_recount_under_the_band(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tess, "recount", _recounted_rows)
    whole = CropRead(Candidate("36C65866", "VN", 0, 0), 0.99, "36C/658.66", "2-line",
                     agreed=True)
    reader = _OneCandidate([_short_read(), whole])
    got = reader.read(FRAME)
    assert reader.read_count == 2
    assert got.plate == "36C65866" and got.confidence == REJOINED


def test_a_recount_reading_worse_leaves_the_first_read(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setattr(tess, "recount", _recounted_rows)
    weak = CropRead(Candidate("36C65666", "VN", 0, 0), 0.45, "36C/656.66", "2-line")
    got = _OneCandidate([_short_read(), weak]).read(FRAME)
    # ... capped as a shorter plate's (round 15: choose.short_plate)
    assert got.plate == "36C6586" and got.confidence == UNFIT


def test_a_read_without_evidence_of_a_lost_glyph_is_not_recounted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def never(crop: Frame, lines: Lines, want: int) -> list[Lines]:
        raise AssertionError("recounted without evidence")

    monkeypatch.setattr(tess, "recount", never)
    assert ScriptedReader([_short_read("36C/6586")], _rows).read(FRAME).plate == "36C6586"
    # Evidence of another kind (a Chinese tail longer than the blobs), on a read that ends
    # the search, is not doubted; a dotted four-digit VN read is, even there (round 22:
    # 29L-900.7 sure at 0.97 from 7 blobs; test_doubts.py).
    cn = CropRead(Candidate("桂A123456", "CN", 0, 0), 0.99, "桂A123456", "1-line", agreed=True)
    assert ScriptedReader([cn], _rows).read(FRAME).confidence == 0.99


def _lone(sure: bool) -> CropReader:
    """A reader whose grey read is 98H1174 (sure or not) and whose others read nothing."""
    read = CropRead(Candidate("98H1174", "VN", 0, 0), 0.98, "98H/1174", "2-line", sure=sure)
    reader = CropReader(ResidentEngine(DEFAULT_TESSDATA))
    reader._read_lines = lambda lines, variant, cache: (  # type: ignore[method-assign]
        read if variant == "binary" else None)
    return reader


def test_an_evened_crops_lone_read_stands_at_lone_only_when_sure() -> None:
    # Measured (round 13): 98H-1174's binary rows read it right at 0.98, its evened grey
    # rows 'SH1174'; the lone read was dropped and the frame read nothing.
    evened = Lines("2-line", [], [], 7, (3, 4), evened=True)
    got = _lone(True)._read_lines_all(evened)
    assert got is not None and got.cand.plate == "98H1174" and got.conf == LONE
    assert _lone(False)._read_lines_all(evened) is None
    plain = _lone(False)._read_lines_all(Lines("2-line", [], [], 7, (3, 4)))
    assert plain is not None and plain.conf == LONE
