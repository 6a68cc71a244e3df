"""Round 16, Chinese tails: a T/7 or A/4 slot the LSTM named with no choice at all judged by its
glyph's lean, a 2-row tie settled where eng's character is the Latin classifier's, and a
slot with no choice no hesitation for the province row's doubt. And four easy generated
frames main misread or read nothing on (check 31337's 桂A7CBB9 and 粤B4CL75, fresh 8080's
贵V66S44, fresh 5150's 桂FJJPJ0)."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from glyphrow import glyph_row

from edge.reader import make_reader
from edge.reader.cntails import two_row
from edge.reader.engines import LineRead
from edge.reader.lookalikes import (
    CN_TAILS,
    hesitations,
    named_places,
    reread_lookalikes,
    tail_of,
)
from smartgate.scenes import random_plate, render_frame

H, W = 64, 36


def _glyph(kind: str) -> np.ndarray:
    g = np.zeros((H, W), np.uint8)
    if kind == "4":  # a closed triangle on a crossbar, one stem down to the bottom
        cv2.line(g, (W - 12, 2), (2, H - 22), 1, 6)
        cv2.rectangle(g, (1, H - 25), (W - 2, H - 19), 1, -1)
        cv2.rectangle(g, (W - 15, 1), (W - 9, H - 2), 1, -1)
        return g
    cv2.rectangle(g, (1, 1), (W - 2, 7), 1, -1)  # the bar on top
    if kind == "T":  # an upright stem under its middle
        cv2.rectangle(g, (W // 2 - 3, 1), (W // 2 + 3, H - 2), 1, -1)
    else:  # "7": a stem leaning from the bar's right end down to the left
        cv2.line(g, (W - 5, 4), (W // 3, H - 3), 1, 7)
    return g


def _read(text: str, xs: list[float], alts: tuple[tuple[str, float], ...]) -> LineRead:
    return LineRead(text, 0.9, tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True)),
                    (0.3,) * len(text), tuple(alts for _ in text))


def test_a_t_with_no_choice_over_a_leaning_7_is_read_7_with_no_lead() -> None:
    # 桂A7CBB9's grey read 'ATCBB9': its T's choices all 0.0 (no runner-up to judge by), and
    # chi_sim's T agreed, for a plain 7 the binary read named at 0.93.
    row, xs = glyph_row([_glyph("7"), _glyph("T")])
    got = _read("TT", xs, (("T", 0.0), ("1", 0.0)))
    assert reread_lookalikes(got, row, CN_TAILS) is got  # no runner-up: round 12's judge
    fixed = reread_lookalikes(got, row, CN_TAILS, unknown=True)
    assert fixed.text == "7T" and fixed.margins == (0.0, 0.3)


@pytest.mark.parametrize("alts", [(("T", 0.9),), (("T", 0.0), ("7", 0.06))])
def test_a_slot_with_any_choice_is_not_judged_as_unknown(
        alts: tuple[tuple[str, float], ...]) -> None:
    row, xs = glyph_row([_glyph("7"), _glyph("T")])
    got = _read("TT", xs, alts)
    assert reread_lookalikes(got, row, CN_TAILS, unknown=True) is got


def test_an_a_with_no_choice_over_a_4_is_read_4() -> None:
    # 粤B4CL75's adaptive read 'SB/ACL75', its A's choices all 0.0, for a 4.
    row, xs = glyph_row([_glyph("4"), _glyph("T")])
    got = _read("AT", xs, (("A", 0.0),))
    assert reread_lookalikes(got, row, CN_TAILS, unknown=True).text == "4T"


def test_q_0_and_j_3_are_not_judged_on_unknown_slots() -> None:
    # Q/0 and J/3 on such slots took a right 0 to Q and a top-row J to 3 (tuning, check).
    row, xs = glyph_row([_glyph("7"), _glyph("T")])
    got = _read("QJ", xs, (("Q", 0.0),))
    assert reread_lookalikes(got, row, CN_TAILS, unknown=True) is got


def test_a_slot_with_no_choice_is_no_hesitation() -> None:
    got = LineRead("F5", 0.9, (("F", 0.5, 10.0), ("5", 0.9, 40.0)), (0.0, 0.1),
                   ((("F", 0.0), (".", 0.0)), (("5", 0.7), ("S", 0.6))))
    assert hesitations(got).margins == (1.0, 0.1)
    sure = LineRead("F", 0.9, (("F", 0.9, 10.0),), (0.5,), ((("F", 0.9),),))
    assert hesitations(sure) is sure


def test_the_places_the_classifier_named_are_counted_in_the_bottom_tail() -> None:
    xs = [10.0, 60.0, 90.0, 120.0, 150.0, 180.0]  # "V" on top, "66544" below from x = 50
    plain = LineRead("V66544", 0.9, tuple(zip("V66544", [0.9] * 6, xs, strict=True)))
    eng = LineRead("V66S44", 0.9, tuple(zip("V66S44", [0.9] * 6, xs, strict=True)))
    assert named_places(plain, eng, [50.0]) == frozenset({2})
    assert named_places(plain, plain, [50.0]) == frozenset()


@pytest.mark.parametrize(("cjk", "latin", "named", "plate", "rival"), [
    # 贵V66S44: eng's 5 named S by the classifier, chi_sim's 5 first by the character code
    ("贵V/66544", "66S44", {2}, "贵V66S44", "贵V66544"),
    # round 21: eng's tail leads every tie, named or not (the code gave chi_sim's 24653,
    # 00GV8, DH53L the tie over eng's right tails); easy 桂Q0E0MC still reads right as a
    # frame (its Q/0 judged by the glyph's shape, ``lookalikes.judged``), not in this table
    ("贵V/66544", "66S44", set(), "贵V66S44", "贵V66544"),
    ("贵V/66544", "66S44", {1}, "贵V66S44", "贵V66544"),
    ("桂Q/0E0MC", "0EQMC", {0}, "桂Q0EQMC", "桂Q0E0MC"),
])
def test_eng_s_tail_leads_a_tie(
        cjk: str, latin: str, named: set[int], plate: str, rival: str) -> None:
    got = two_row(cjk[0], cjk, [cjk[1], latin], 0.9, 0.9, named=frozenset(named))
    assert got is not None and got[0].plate == plate and got[4] == rival and not got[3]


@pytest.mark.parametrize(("seed", "layout", "truth"), [
    (3133794078, "2-line", "桂A7CBB9"),  # main: 桂ATCBB9 at 0.75
    (808024318, "2-line", "贵V66S44"),  # main: 贵V66544 at 0.75
    (515015475, "2-line", "桂FJJPJ0"),  # main: nothing (the top row's F with no choice)
    (3133794065, "2-line", "粤B4CL75"),  # main: nothing (the adaptive read's A for its 4)
])
def test_easy_frames_main_misread_are_read_right_under_the_band(
        seed: int, layout: str, truth: str) -> None:
    rng = random.Random(seed)
    plate = random_plate(rng, country="CN", layout=layout)
    scene = render_frame(plate=plate, layout=layout, difficulty="easy", rng=rng)
    assert scene.plate == truth
    got = make_reader(engine="resident").read(scene.image)
    assert got.plate == truth and got.confidence < 0.8  # one judge's guess: under the band


def test_a_chinese_tail_is_cut_from_the_line_as_the_plate_was_built() -> None:
    # 2 rows: the top row's letter (after eng's junk for the province) and the last five
    xs = [5.0, 20.0, 60.0, 80.0, 100.0, 120.0, 140.0, 160.0]
    text = "HA812345"
    got = LineRead(text, 0.9, tuple(zip(text, [0.9] * 8, xs, strict=True)), (0.5,) * 8,
                   tuple(((ch, 0.9),) for ch in text))
    two = tail_of(got, [50.0], True, 6, 0)
    assert "".join(ch for ch, _, _ in two.chars) == "A12345" and len(two.alts) == 6
    # 1 row: the tail before a trimmed end character
    one = tail_of(got, [], False, 6, 1)
    assert "".join(ch for ch, _, _ in one.chars) == "A81234"
