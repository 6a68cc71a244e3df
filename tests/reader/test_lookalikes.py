"""A 6 the LSTM read where the glyph is an open G (its runner-up G), and a G where the glyph
closes a 6's lower bowl (its runner-up 6), are read by the glyph's shape, with no lead over
the runner-up; without that runner-up, or on a glyph of neither shape, nothing changes
(round 12, Chinese tails)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge.reader.base import Frame
from edge.reader.chinese import _two_row
from edge.reader.engines import LineRead
from edge.reader.lookalikes import reread_lookalikes, shape_says

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
    return g


@pytest.mark.parametrize(("kind", "says"), [("G", "G"), ("6", "6"), ("filled 6", None),
                                            ("8", None)])
def test_the_glyph_says_g_or_6_only_when_plainly_so(kind: str, says: str | None) -> None:
    assert shape_says(_glyph(kind)) == says


@pytest.mark.parametrize(("kind", "says"), [("T", "T"), ("7", "7")])
def test_the_glyph_says_t_or_7_by_its_stem(kind: str, says: str | None) -> None:
    assert shape_says(_glyph(kind), "T7") == says


def _row(kinds: list[str]) -> tuple[Frame, list[float]]:
    """Glyphs side by side in a binary row image (dark ink on white), and their x centres."""
    row = np.full((H + 24, 12 + 46 * len(kinds)), 255, np.uint8)
    xs = []
    for i, kind in enumerate(kinds):
        x = 12 + 46 * i
        row[12:12 + H, x:x + W][_glyph(kind) == 1] = 0
        xs.append(x + W / 2)
    return row, xs


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
    # by shape). Both cost nothing; by character code the digit won.
    before = _two_row("云", "云Z/24633", ["Z", "24G33"], 0.9, 0.9)
    assert before is not None and before[0].plate == "云Z24633"
    got = _two_row("云", "云Z/24633", ["Z", "24G33"], 0.9, 0.9, latin_first=True)
    assert got is not None and got[0].plate == "云Z24G33" and got[4] == "云Z24633"
    assert got[1] == before[1] and not got[3]  # the same confidence: the models disagree


def test_nothing_changes_without_the_runner_up_or_the_shape() -> None:
    row, xs = _row(["G", "6", "filled 6"])
    got = _read("666", xs, "S")  # the LSTM did not hesitate towards G
    assert reread_lookalikes(got, row) is got
    got = _read("G66", xs, "G")  # the glyphs are a G, a closed 6 and a filled 6
    assert reread_lookalikes(got, row) is got
