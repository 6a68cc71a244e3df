"""A 6 the LSTM read where the glyph is an open G (its runner-up G), and a G where the glyph
closes a 6's lower bowl (its runner-up 6), are read by the glyph's shape, with no lead over
the runner-up; without that runner-up, or on a glyph of neither shape, nothing changes
(round 12, Chinese tails)."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from glyphrow import glyph_row

from edge.reader.base import Frame
from edge.reader.cntails import two_row as _two_row
from edge.reader.engines import LineRead
from edge.reader.lookalikes import CN_TAILS, reread_lookalikes, shape_says, tail_judge

H, W = 64, 36  # a glyph's box at the ~60 px the rows are scaled to


def _glyph(kind: str) -> np.ndarray:
    """One glyph's ink (1) in its box, drawn as the binarised rows show them."""
    g = np.zeros((H, W), np.uint8)
    c = (W // 2, H // 2)
    if kind == "G":  # a ring open on the upper right, a bar in and a spur down
        cv2.ellipse(g, c, (W // 2 - 3, H // 2 - 3), 0, 0, 310, 1, 6)
        cv2.rectangle(g, (W // 2, H // 2), (W - 4, H // 2 + 5), 1, -1)
        cv2.rectangle(g, (W - 9, H // 2), (W - 4, H // 2 + 12), 1, -1)
    elif kind == "6":  # a ring low, its hook open at the top right
        cv2.circle(g, (W // 2, H - 19), 16, 1, -1)
        cv2.circle(g, (W // 2, H - 19), 9, 0, -1)
        cv2.ellipse(g, (W // 2 + 6, H // 2), (W // 2 + 4, H // 2 - 2), 0, 180, 270, 1, 7)
    elif kind == "filled 6":  # blur filled its bowl: no hole, its middle ink
        cv2.ellipse(g, c, (W // 2 - 2, H // 2 - 2), 0, 0, 360, 1, -1)
    elif kind == "T":  # a bar on top, an upright stem under its middle
        cv2.rectangle(g, (1, 1), (W - 2, 7), 1, -1)
        cv2.rectangle(g, (W // 2 - 3, 1), (W // 2 + 3, H - 2), 1, -1)
    elif kind == "7":  # a bar on top, a stem leaning from its right end down to the left
        cv2.rectangle(g, (1, 1), (W - 2, 7), 1, -1)
        cv2.line(g, (W - 5, 4), (W // 3, H - 3), 1, 7)
    elif kind == "8":  # two stacked rings
        for cy, r in ((18, 15), (H - 19, 16)):
            cv2.circle(g, (W // 2, cy), r, 1, -1)
            cv2.circle(g, (W // 2, cy), r - 6, 0, -1)
    else:
        _glyph2(g, kind)
    return g


def _glyph2(g: np.ndarray, kind: str) -> None:
    """Round 13's glyphs: Q/0, A/4, J/3, S (drawn into ``g``)."""
    c = (W // 2, H // 2)
    if kind in ("0", "barred 0"):  # a narrow oval ring (a bar across it: DejaVu Mono's)
        cv2.ellipse(g, c, (W // 2 - 2, H // 2 - 2), 0, 0, 360, 1, 6)
        if kind == "barred 0":
            cv2.rectangle(g, (6, H // 2 - 3), (W - 7, H // 2 + 3), 1, -1)
    elif kind == "Q":  # the oval shorter, its tail out under the lower right
        cv2.ellipse(g, (W // 2, H // 2 - 5), (W // 2 - 2, H // 2 - 8), 0, 0, 360, 1, 6)
        cv2.line(g, (W // 2 + 2, H - 18), (W - 2, H - 2), 1, 6)
    elif kind == "A":  # two legs to the bottom corners, a crossbar
        cv2.line(g, (W // 2, 2), (3, H - 2), 1, 6)
        cv2.line(g, (W // 2, 2), (W - 4, H - 2), 1, 6)
        cv2.rectangle(g, (10, H // 2 + 6), (W - 11, H // 2 + 11), 1, -1)
    elif kind == "4":  # a closed triangle on a crossbar, one stem down to the bottom
        cv2.line(g, (W - 12, 2), (2, H - 22), 1, 6)
        cv2.rectangle(g, (1, H - 25), (W - 2, H - 19), 1, -1)
        cv2.rectangle(g, (W - 15, 1), (W - 9, H - 2), 1, -1)
    elif kind == "J":  # a bar on top to the left, a stem on the right, a hook at its foot
        cv2.rectangle(g, (4, 1), (W - 6, 7), 1, -1)
        cv2.rectangle(g, (W - 16, 1), (W - 9, H - 14), 1, -1)
        cv2.ellipse(g, (W // 2 - 4, H - 15), (9, 11), 0, 0, 180, 1, 7)
    elif kind == "3":  # two bowls open on the left, joined by a middle arm
        cv2.ellipse(g, (W // 2, 16), (W // 2 - 3, 14), 0, -150, 90, 1, 6)
        cv2.ellipse(g, (W // 2, H - 18), (W // 2 - 2, 16), 0, -90, 150, 1, 6)
    elif kind == "S":  # two arcs the other way round: no hole
        cv2.ellipse(g, (W // 2, 16), (W // 2 - 3, 14), 0, 90, 330, 1, 6)
        cv2.ellipse(g, (W // 2, H - 18), (W // 2 - 2, 16), 0, -90, 150, 1, 6)
    elif kind in ("1", "serif 1"):  # one stem, a flag out left at its top (a base serif)
        cv2.rectangle(g, (W // 2 - 3, 1), (W // 2 + 3, H - 2), 1, -1)
        cv2.line(g, (W // 2, 3), (W // 2 - 11, 12), 1, 5)
        if kind == "serif 1":
            cv2.rectangle(g, (W // 2 - 11, H - 7), (W // 2 + 11, H - 2), 1, -1)
    elif kind == "L":  # a stem on the left, its foot running right along the bottom
        cv2.rectangle(g, (4, 1), (10, H - 2), 1, -1)
        cv2.rectangle(g, (4, H - 8), (W - 3, H - 2), 1, -1)


@pytest.mark.parametrize(("kind", "says"), [("G", "G"), ("6", "6"), ("filled 6", None),
                                            ("8", None)])
def test_the_glyph_says_g_or_6_only_when_plainly_so(kind: str, says: str | None) -> None:
    assert shape_says(_glyph(kind)) == says


@pytest.mark.parametrize(("kind", "says"), [("T", "T"), ("7", "7")])
def test_the_glyph_says_t_or_7_by_its_stem(kind: str, says: str | None) -> None:
    assert shape_says(_glyph(kind), "T7") == says


@pytest.mark.parametrize(("kind", "pair", "says"), [
    ("0", "Q0", "0"), ("barred 0", "Q0", "0"), ("Q", "Q0", "Q"),
    ("A", "A4", "A"), ("4", "A4", "4"), ("J", "J3", "J"), ("3", "J3", "3"),
    ("S", "S8", "S"), ("8", "S8", "8"), ("G", "Q0", None), ("S", "Q0", None),
    ("1", "1L", "1"), ("serif 1", "1L", "1"), ("L", "1L", "L"), ("0", "1L", None)])
def test_the_glyph_says_which_of_a_chinese_tails_pair(kind: str, pair: str,
                                                       says: str | None) -> None:
    # Round 13: a 0 is symmetric top to bottom (a Q's tail is not), an A stands on two legs
    # (a 4 on one stem), a J's stem keeps its left edge (a 3's arm moves it), an S has no
    # hole (an 8 two). A glyph without a hole is neither a 0 nor a Q (a G, an S). A 1 has
    # ink out left of its stem (its flag, a base serif), an L's foot runs right (round 13,
    # 1/L); a 0 has neither a foot nor a flag past its sides: neither.
    assert shape_says(_glyph(kind), pair) == says


def _row(kinds: list[str]) -> tuple[Frame, list[float]]:
    """Glyphs side by side in a binary row image (dark ink on white), and their x centres."""
    return glyph_row([_glyph(kind) for kind in kinds])


def _read(text: str, xs: list[float], runner_up: str) -> LineRead:
    alts = tuple(((ch, 0.9), (runner_up, 0.6)) for ch in text)
    return LineRead(text, 0.9, tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True)),
                    (0.3,) * len(text), alts)


def test_a_6_over_an_open_g_is_read_g_with_no_lead() -> None:
    row, xs = _row(["8", "G"])
    fixed = reread_lookalikes(_read("86", xs, "G"), row)
    assert fixed.text == "8G" and [ch for ch, _, _ in fixed.chars] == ["8", "G"]
    assert fixed.margins == (0.3, 0.0) and fixed.margin == 0.0


def test_a_g_over_a_closed_6_is_read_6() -> None:
    row, xs = _row(["G", "6"])
    assert reread_lookalikes(_read("GG", xs, "6"), row).text == "G6"


def test_a_t_over_a_leaning_7_is_read_7_and_a_7_over_a_t_read_t() -> None:
    row, xs = _row(["7", "T"])
    assert reread_lookalikes(_read("TT", xs, "7"), row).text == "7T"
    assert reread_lookalikes(_read("77", xs, "T"), row).text == "7T"


def test_a_shaped_latin_tail_leads_a_two_row_tie_the_other_its_rival() -> None:
    # Tuning seed 777's hard 云Z24G33: chi_sim's bottom row 24633, eng's 24G33 (its 6 read G
    # by shape). Both cost nothing; by character code the digit won until round 21, where
    # eng's tail leads every tie.
    before = _two_row("云", "云Z/24633", ["Z", "24G33"], 0.9, 0.9)
    assert before is not None and before[0].plate == "云Z24G33"
    got = _two_row("云", "云Z/24633", ["Z", "24G33"], 0.9, 0.9, latin_first=True)
    assert got is not None and got[0].plate == "云Z24G33" and got[4] == "云Z24633"
    assert got[1] == before[1] and not got[3]  # the same confidence: the models disagree


def test_nothing_changes_without_the_runner_up_or_the_shape() -> None:
    row, xs = _row(["G", "6", "filled 6"])
    got = _read("666", xs, "S")  # the LSTM did not hesitate towards G
    assert reread_lookalikes(got, row) is got
    got = _read("G66", xs, "G")  # the glyphs are a G, a closed 6 and a filled 6
    assert reread_lookalikes(got, row) is got


@pytest.mark.parametrize(("glyphs", "read", "runner_up", "fixed"), [
    (["Q", "0"], "QQ", "0", "Q0"), (["A", "4"], "AA", "4", "A4"),
    (["J", "3"], "33", "J", "J3"), (["S", "8"], "88", "S", "S8")])
def test_a_chinese_tails_lookalike_is_read_by_its_glyph_with_no_lead(
        glyphs: list[str], read: str, runner_up: str, fixed: str) -> None:
    # Round 13: tuning seed 999's easy 桂J9320J read 桂J93203 (its last J read 3, runner-up J
    # 0.73; the stem's left edge straight). Only on Chinese tails (``CN_TAILS``): the read
    # of every plate (G/6 only) leaves them.
    row, xs = _row(glyphs)
    got = _read(read, xs, runner_up)
    assert reread_lookalikes(got, row) is got
    shaped = reread_lookalikes(got, row, CN_TAILS)
    assert shaped.text == fixed
    assert shaped.margins == tuple(0.0 if a != b else 0.3 for a, b in zip(read, fixed,
                                                                         strict=True))


def test_a_1_over_an_l_is_not_reread_by_its_runner_up() -> None:
    # Round 13, 1/L: judged only between two models' plates. Read by eng's runner-up, the
    # letter slot's 1 of tuning seed 777's hard 桂L2S833 ('42125833') became an L, eng's
    # tail cost nothing and its 5 led chi_sim's right S: a wrong read main did not make.
    row, xs = _row(["L", "1"])
    assert reread_lookalikes(_read("11", xs, "L"), row, CN_TAILS).text == "11"


def _recording(verdict: str | None, asked: list[tuple[int, str]]
               ) -> Callable[[int, str], str | None]:
    """A glyph judge that answers ``verdict`` to every question and records it in ``asked``."""
    def judge(k: int, pair: str) -> str | None:
        asked.append((k, pair))
        return verdict
    return judge


@pytest.mark.parametrize(("verdict", "plate"), [("J", "桂J9320J"), ("3", "桂J93203"),
                                                (None, "桂J9320J")])
def test_the_glyphs_shape_breaks_a_two_row_tie_between_the_models(
        verdict: str | None, plate: str) -> None:
    # Round 13: tuning seed 999's easy 桂J9320J as a JPEG: eng's bottom row 9320J, chi_sim's
    # 93203; both cost nothing and the character code put 3 first. The glyph (a J's straight
    # stem) names J: eng's tail leads, chi_sim's is its rival, at the same confidence; a 3
    # takes chi_sim's; no verdict leaves eng's (round 21: eng's tail leads a tie).
    asked: list[tuple[int, str]] = []
    plain = _two_row("桂", "桂J/93203", ["J", "9320J"], 0.9, 0.9)
    got = _two_row("桂", "桂J/93203", ["J", "9320J"], 0.9, 0.9,
                   judge=_recording(verdict, asked))
    assert plain is not None and got is not None and asked == [(4, "J3")]
    assert got[0].plate == plate and got[1] == plain[1] and not got[3]
    assert got[4] == ({"桂J9320J", "桂J93203"} - {plate}).pop()


def test_a_tie_in_characters_of_no_pair_is_eng_s() -> None:
    got = _two_row("桂", "桂J/93208", ["J", "9320J"], 0.9, 0.9, judge=lambda k, p: "3")
    assert got is not None and got[0].plate == "桂J9320J" and got[4] == "桂J93208"


def test_the_tail_judge_counts_the_bottom_rows_last_five() -> None:
    row, xs = _row(["A", "4", "J", "3", "S", "8", "0"])  # "A" the top row, then six below
    got = _read("A4J3S80", xs, "-")
    judge = tail_judge(got, row, [(xs[0] + xs[1]) / 2])
    assert [judge(k, p) for k, p in enumerate(("J3", "J3", "S8", "S8", "Q0"))] == [
        "J", "3", "S", "8", "0"]
    assert judge(5, "Q0") is None and judge(-1, "A4") is None
