"""Reads whose own evidence says they may be wrong, however confident (``edge.reader.doubts``;
docs/reader-journal.md, round 22: the wide pool's wrong reads, each traced to its rule).

Why these tests: a wrong read at >= 0.8 may open a lane for the wrong truck. Each test is a
wrong read of the pool, scripted as the trace showed it: a crop's preprocessings agreeing on
a plate the grammar repaired twice, a sure grey read with a thin lead, a dotted four-digit read
that ended the search, a Chinese read whose eng tail took the province glyph for a letter;
and (round 23) a four-digit VN read from a row whose blobs are spaced round a lost glyph's dot.
"""

from __future__ import annotations

from dataclasses import replace

from scriptedreader import FRAME, ScriptedCrop, ScriptedReader

from domain.plate_candidates import Candidate
from edge.reader import choose
from edge.reader.base import ACT
from edge.reader.claims import UNFIT, CropRead
from edge.reader.doubts import lost_to_dot
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.segment import Lines
from edge.reader.tesseract import TesseractPlateReader

ROW = Lines("1-line", [], [], 7)


def _vn(plate: str, conf: float, raw: str, *, corrections: int = 0, margin: float = 0.0,
        sure: bool = False) -> CropRead:
    return CropRead(Candidate(plate, "VN", corrections, 0), conf, raw, "1-line", sure=sure,
                    margin=margin)


def test_two_preprocessings_agreeing_on_a_twice_repaired_vn_plate_are_no_read() -> None:
    # 12R-753.50 (pool seed 3101): grey and adaptive read 'AQR753.50', the grammar made both
    # 40R75350 (A -> 4, Q -> 0): one misread twice, reported at 0.70.
    grey = _vn("40R75350", 0.56, "AQR753.50", corrections=2)
    binary = _vn("41R75350", 0.47, "ALR753.50", corrections=2)
    adaptive = _vn("40R75350", 0.50, "AQR753.50.", corrections=2)
    crop = ScriptedCrop({"gray": grey, "binary": binary, "adaptive": adaptive})
    assert crop._read_lines_all(Lines("1-line", [], [], 8)) is None
    # One repair, agreed, is still an agreement.
    once = replace(grey, cand=Candidate("40R75350", "VN", 1, 0))
    crop = ScriptedCrop({"gray": once, "binary": binary, "adaptive": replace(adaptive,
                                                                        cand=once.cand)})
    got = crop._read_lines_all(Lines("1-line", [], [], 8))
    assert got is not None and got.agreed


def test_a_sure_grey_read_with_a_thin_lead_is_checked_by_the_binary_image() -> None:
    # 36R-0209 (pool seed 3404): grey '36R/6269' sure at 0.97, its lead 0.22: it stood alone.
    grey = _vn("36R6269", 0.97, "36R/6269", margin=0.22, sure=True)
    binary = _vn("36R0209", 0.93, "36R/0209", margin=0.5, sure=True)
    crop = ScriptedCrop({"gray": grey, "binary": binary})
    got = crop._read_lines_all(ROW)
    assert got is not None and got.conf <= 0.45  # no agreement: a lone read
    # A clear lead stands alone, as before.
    clear = replace(grey, margin=0.35)
    assert ScriptedCrop({"gray": clear, "binary": binary})._read_lines_all(ROW) is clear


def test_a_dotted_four_digit_read_is_doubted_even_where_it_would_end_the_search() -> None:
    # 29L-900.70 (pool seed 3202, easy): grey '29L-900.7' from 7 blobs, sure at 0.97; a
    # four-digit number has no dot: the read says its crop lost a glyph.
    short = _vn("29L9007", 0.97, "29L-900.7", margin=0.83, sure=True)
    got = ScriptedReader([short], lambda i: ROW).read(FRAME)
    assert got.plate == "29L9007" and got.confidence == UNFIT
    whole = _vn("29L90070", 0.75, "29L-900.70", margin=0.5, sure=True)
    reader = ScriptedReader([short, whole], lambda i: Lines("1-line", [], [], 7 + i))
    got = reader.read(FRAME)
    assert got.plate == "29L90070" and reader.read_count == 2  # the search went on


def test_a_chinese_read_whose_eng_tail_took_the_province_for_a_letter_stays_under_the_band(
        ) -> None:
    # 云DV6321 (pool seed 3404, easy): chi_sim's row '云DV6321', eng's 'ADV6321' on 7 blobs:
    # 云ADV6321 agreed at 0.87.
    read = CropRead(Candidate("云ADV6321", "CN", 0, 0), 0.87, "云DV6321|ADV6321", "1-line",
                    agreed=True)
    got = choose.capped(read, ROW)
    assert got.conf == ACT - 0.01 and got.contested
    # An 8-character plate on 8 blobs, or chi_sim's tail the plate's, is as it was.
    assert choose.capped(read, Lines("1-line", [], [], 8)).conf == 0.87
    right = replace(read, raw="贵L19968F|L19968F", cand=Candidate("贵L19968F", "CN", 0, 0))
    assert choose.capped(right, ROW).conf == 0.87


def _boxes(xs: list[float], y: float = 10.0) -> tuple[tuple[float, float, float, float], ...]:
    return tuple((x, y, 30.0, 60.0) for x in xs)


#: 12H-650.3 as a crop that lost its last 3 holds it: the number's blobs step 40 px, and 70
#: px over the dot; 12H-6503, a four-digit number, steps 40 px throughout.
DOTTED = Lines("1-line", [], [], 7, boxes=(_boxes([0, 40, 80, 140, 180, 220, 290]),))
EVEN = Lines("1-line", [], [], 7, boxes=(_boxes([0, 40, 80, 140, 180, 220, 260]),))


def test_a_four_digit_vn_read_whose_blobs_are_spaced_round_a_dot_lost_a_glyph() -> None:
    # 12H65033 read 12H6503 at 0.99 (unseen seeds): the crop ended at its last 3 but one and
    # eng read no dot; the blobs' spacing still shows the five-digit number's dot.
    four = Candidate("12H6503", "VN", 0, 0)
    assert lost_to_dot(DOTTED, four)
    assert not lost_to_dot(EVEN, four)
    assert not lost_to_dot(DOTTED, Candidate("12H65033", "VN", 0, 0))  # not a 4-digit read
    # A 2-row plate: its number is the lower row's four blobs.
    top = _boxes([30, 70, 110])
    two = Lines("2-line", [], [], 7, boxes=(top, _boxes([0, 40, 80, 150], y=80)))
    assert lost_to_dot(two, Candidate("36R0209", "VN", 0, 0))
    assert not lost_to_dot(replace(two, boxes=(top, _boxes([0, 40, 80, 120], y=80))),
                           Candidate("36R0209", "VN", 0, 0))


def test_a_read_from_a_row_that_lost_a_glyph_to_its_dot_is_not_sure() -> None:
    reader = TesseractPlateReader(ResidentEngine(DEFAULT_TESSDATA))
    four = Candidate("12H6503", "VN", 0, 0)
    even = reader._graded(EVEN, four, 0.99, "12H-6503", 0.6)
    assert even.fits and even.sure
    dotted = reader._graded(DOTTED, four, 0.99, "12H-6503", 0.6)
    assert not dotted.fits and not dotted.sure  # two agreeing on it stay at UNFIT
