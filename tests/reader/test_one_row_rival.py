"""A 1-row Chinese plate whose chi_sim and eng tails differ (round 13): where they differ only
in look-alikes, eng's glyphs' shapes choose; where they tie one character apart, the other
model's plate goes with the read as its rival, and the pass's consensus lets it contest.

Why: the lane decided 桂N29WR6 as 桂N29WRE (check seed 31337's hard pass, eng's E for a 6,
chi_sim right in both frames that went wrong) and 桂E0WL4U as 桂EQWL4U (check seed 1234, eng's
Q for chi_sim's 0 in three frames): eng's tail led every 1-row tie, and the frame's two
preprocessings agreed on it (they share one chi_sim read), so nothing stood against it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_lookalikes import _read, _recording, _row

from domain.plate_candidates import Candidate
from edge.reader import make_reader
from edge.reader.base import FrameRead
from edge.reader.cntails import one_row as _one_row
from edge.reader.cntails import province_rival
from edge.reader.consensus import consensus
from edge.reader.lookalikes import line_judge
from smartgate.commands.read import load_image

PASSES = Path(__file__).parent / "regression" / "passes"


@pytest.mark.parametrize(("cjk", "latin", "plate", "agree", "rival"), [
    # One character apart, not look-alikes: eng leads, chi_sim's plate is the rival.
    ("桂N29WR6", "HEN29WRE", "桂N29WRE", False, "桂N29WR6"),
    # The models agree: no rival, the confidence as it was.
    ("桂N29WR6", "KEN29WR6", "桂N29WR6", True, None),
    # Several characters apart: chi_sim's row read garbled the tail, no second story
    # (check seed 5150's 云DJ9926: eng 云D99926, chi_sim 'DRWJ9926').
    ("云DRWJ9926", "5D99926", "云D99926", False, None),
    # chi_sim's plate needs a repair eng's does not (a trimmed X): eng's stands alone.
    ("桂N29WR6X", "HEN29WRE", "桂N29WRE", False, None),
    # chi_sim's plate is shorter (a dropped character): no rival.
    ("桂D43139", "FEGD43139", "桂GD43139", False, None),
])
def test_a_one_row_tie_carries_the_other_models_plate(
        cjk: str, latin: str, plate: str, agree: bool, rival: str | None) -> None:
    got = _one_row(plate[0], cjk, latin, 0.9)
    assert got is not None
    cand, conf, got_agree, got_rival = got
    assert (cand.plate, got_agree, got_rival) == (plate, agree, rival)
    assert conf == pytest.approx(0.9 if agree else 0.63)


@pytest.mark.parametrize(("verdict", "plate", "rival"), [
    ("0", "桂E0WL4U", None),  # the glyph is a 0: chi_sim's tail; the shape settled it
    ("Q", "桂EQWL4U", None),  # a Q: eng's, as before; settled, no rival
    (None, "桂EQWL4U", "桂E0WL4U"),  # neither shape: eng's leads, chi_sim's the rival
])
def test_eng_glyphs_choose_a_one_row_tie_of_look_alikes(
        verdict: str | None, plate: str, rival: str) -> None:
    # Check seed 1234's hard 桂E0WL4U: chi_sim read '桂E0WL4U', eng 'FEE-QWL4U' (no 0 among
    # the Q's choices, so round 13's runner-up rule never looked at it). The judge is asked
    # for eng's Q counted from the line's end: the tail's 2nd of 6 characters.
    asked: list[tuple[int, str]] = []
    got = _one_row("桂", "桂E0WL4U", "FEE-QWL4U", 0.9, judge=_recording(verdict, asked))
    assert got is not None and set(asked) == {(-5, "Q0")}
    assert (got[0].plate, got[2], got[3]) == (plate, False, rival)


@pytest.mark.parametrize(("verdict", "plate", "rival"), [
    ("1", "湘AT1PMR", None),  # eng's glyph is a 1: its read stands, no rival
    ("L", "湘ATLPMR", None),  # an L: chi_sim's tail, settled by the shape
    (None, "湘AT1PMR", "湘ATLPMR"),  # neither: chi_sim's plate contests the pass
])
def test_eng_glyphs_settle_a_one_row_1_against_chi_sims_l(
        verdict: str | None, plate: str, rival: str | None) -> None:
    # Check seed 31337's hard 湘AT1PMR (frame 2): chi_sim read 'ATLPMR', eng 'HA-T1PMR'. The
    # rival vetoed a right pass (round 13) until a 1/L judge looked at eng's 4th from last.
    asked: list[tuple[int, str]] = []
    got = _one_row("湘", "ATLPMR", "HA-T1PMR", 0.9, judge=_recording(verdict, asked))
    assert got is not None and set(asked) == {(-4, "1L")}
    assert (got[0].plate, got[3]) == (plate, rival)


@pytest.mark.parametrize(("verdict", "plate"), [
    ("6", "桂N29WR6"),  # the classifier names chi_sim's 6: chi_sim's tail
    ("E", "桂N29WRE"),  # it names eng's E: eng's tail
    (None, "桂N29WRE"),  # it names neither: the tie stays eng's, as before round 22
])
def test_a_one_row_tie_in_characters_of_no_pair_is_the_classifiers_alone(
        verdict: str | None, plate: str) -> None:
    # E/6 is no look-alike pair (no shape judge): since round 22 the Latin classifier's
    # verdict on the disputed glyph decides such a tie too (docs/reader-journal.md, round 22,
    # Chinese hard frames); until then it was never asked.
    asked: list[tuple[int, str]] = []
    got = _one_row("桂", "桂N29WR6", "HEN29WRE", 0.9, judge=_recording(verdict, asked))
    assert got is not None and got[0].plate == plate
    assert asked and all(pair in ("6E", "E6") for _, pair in asked)


def test_the_line_judge_counts_from_the_lines_end() -> None:
    row, xs = _row(["A", "4", "J", "3", "S", "8", "0"])
    judge = line_judge(_read("A4J3S80", xs, "-"), row)
    assert [judge(k, p) for k, p in zip(range(-7, 0), ("A4", "A4", "J3", "J3", "S8", "S8",
                                                        "Q0"), strict=True)] == [
        "A", "4", "J", "3", "S", "8", "0"]
    assert judge(-8, "A4") is None and judge(0, "A4") is None


def _f(plate: str | None, conf: float, rival: str | None = None) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "1-line" if plate else None,
                     "CN" if plate else None, rival=rival)


@pytest.mark.parametrize(("reads", "want"), [
    # Check seed 31337's hard pass of 桂N29WR6 as main's frames read it (main: 桂N29WRE).
    ([_f(None, 0.0), _f(None, 0.0), _f("桂N29WRE", 0.7695, "桂N29WR6"), _f("桂N29WR6", 0.9294),
      _f("桂N29WRE", 0.69, "桂N29WR6")], None),
    ([_f(None, 0.0), _f(None, 0.0), _f("桂N29WRE", 0.7695), _f("桂N29WR6", 0.9294),
      _f("桂N29WRE", 0.69)], "桂N29WRE"),
    # Check seed 1234's 桂E0WL4U as main's frames read it (main: 桂EQWL4U), with the rivals
    # its three Q frames carry where the glyph names neither: undecided.
    ([_f("桂EQWL4U", 0.58, "桂E0WL4U"), _f("桂EQWL4U", 0.71, "桂E0WL4U"),
      _f("桂EQWL4U", 0.71, "桂E0WL4U"), _f("桂E0WL4U", 0.69), _f("桂E0WL4U", 0.73)], None),
])
def test_one_row_rivals_contest_a_pass(reads: list[FrameRead], want: str | None) -> None:
    got = consensus(reads)
    assert (got.plate if got else None) == want


def test_a_real_one_row_frame_carries_chi_sims_plate_as_its_rival() -> None:
    """Check seed 31337's hard pass of 桂N29WR6 (bench/ocr.py's pass specs: spec seed
    3133794103, frame 2, JPEG quality 92): eng read 'HEN29WRE', chi_sim '桂N29WR6'. The
    frame read eng's plate, with chi_sim's as its rival, so two such frames no longer decide
    it. Since round 14 both the province glyph of a 1-row plate read from its cut and the
    Latin classifier (eng's last glyph named 6, its runner-up) make the frame read the true
    plate, with no rival left."""
    reader = make_reader(engine="resident")
    read = reader.read(load_image(PASSES / "pass_3133794103_2.jpg"))
    assert (read.plate, read.rival) == ("桂N29WR6", None)


def test_a_real_one_row_1_its_glyph_names_carries_no_rival() -> None:
    """Check seed 31337's hard pass of 湘AT1PMR (spec seed 3133794099, frame 2, JPEG quality
    92): eng read 'HA-T1PMR', chi_sim 'ATLPMR'. Main carried 湘ATLPMR as the frame's rival
    and the right pass went to an officer; eng's glyph is a 1 (a flag, a base serif, no
    foot), so the read stands alone (round 13, 1/L)."""
    reader = make_reader(engine="resident")
    read = reader.read(load_image(PASSES / "pass_3133794099_2.jpg"))
    assert (read.plate, read.rival) == ("湘AT1PMR", None)


def test_the_classifiers_other_province_is_the_reads_rival() -> None:
    """Round 15: 吉 for 粤 by chi_sim, unconfirmed, in two or three frames of a pass decided
    wrong; the classifier named 粤. Its plate goes with the read as the rival (a veto in the
    pass's consensus), unless the read has one already or the provinces agree."""
    read = (Candidate("吉E41WZ3", "CN", 0, 0), 0.79, "吉E41WZ3|SE-41WZ3", True, None)
    assert province_rival(read, "粤") == (*read[:4], "粤E41WZ3")
    assert province_rival(read, "吉") == read
    assert province_rival(read, None) == read
    tailed = (*read[:4], "吉E41W23")
    assert province_rival(tailed, "粤") == tailed
    assert province_rival(None, "粤") is None
