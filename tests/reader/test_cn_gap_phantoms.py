"""Round 19, 2-row Chinese reads: a character eng read on the blank gap between the pasted
rows, with no LSTM choice, in a row read longer than its glyphs, is dropped
(``edge/reader/phantoms.py``: check 31337's hard 桂W2050D, binary 'W82056D'); eng's top-row
letter the Latin classifier clearly names stands against chi_sim's (``cntails.two_row_pool``)."""

from __future__ import annotations

import numpy as np
from glyphrow import bold_glyph, glyph_row

from edge.reader import cnlook, phantoms
from edge.reader.cntails import TOP, two_row
from edge.reader.engines import LineRead


def _line() -> np.ndarray:
    """Top row ink at 10-170, the gap, bottom row glyphs of 36 px from 330 (white, ink 0)."""
    img = np.full((60, 580), 255, np.uint8)
    img[10:50, 10:170] = 0
    for k in range(5):
        img[10:50, 330 + 48 * k: 366 + 48 * k] = 0
    return img


def _read(text: str, xs: list[float], unknown: set[int]) -> LineRead:
    alts = tuple(((ch, 0.0),) if i in unknown else ((ch, 0.9),) for i, ch in enumerate(text))
    return LineRead(text, 0.8, tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True)),
                    (0.5,) * len(text), alts)


BOTTOM = [348.0 + 48 * k for k in range(5)]


def test_an_unknown_character_on_the_blank_gap_of_a_long_row_is_dropped() -> None:
    got = _read("W82056D", [92, 272, *BOTTOM], {1})
    bare = phantoms.dropped(got, _line(), [250.0], (2, 5))
    assert bare.text == "W2056D" and len(bare.chars) == len(bare.margins) == len(bare.alts) == 6
    # without it the bottom row's six characters were trimmed as a repair, and chi_sim's tail
    # (no repair) beat eng's right one: 桂W2656D, two preprocessings sharing chi_sim's row
    assert two_row("桂", "桂/2656D", ["W", "82050D"], 0.9, 1.0)[0].plate == "桂W2656D"
    assert two_row("桂", "桂/2656D", ["W", "2050D"], 0.9, 1.0)[0].plate == "桂W2050D"


def test_a_rows_first_character_placed_in_the_gap_stays_when_the_count_is_right() -> None:
    # tuning 777's 桂H04BX4: its 0 read J at x 284, 46 px from the row's ink, no choice
    got = _read("HJ4BX4", [92, 284, *BOTTOM[1:]], {1})
    assert phantoms.dropped(got, _line(), [250.0], (2, 5)) is got


def test_a_known_character_or_one_near_ink_stays() -> None:
    line = _line()
    assert phantoms.dropped(_read("W82056D", [92, 272, *BOTTOM], set()), line, [250.0],
                            (2, 5)).text == "W82056D"  # the LSTM had a choice: a read
    near = _read("W82056D", [92, 320, *BOTTOM], {1})  # 10 px from the row's first glyph
    assert phantoms.dropped(near, line, [250.0], (2, 5)) is near
    one_row = _read("W82056D", [92, 272, *BOTTOM], {1})
    assert phantoms.dropped(one_row, line, [], (7,)) is one_row
    # check 31337's 川A86505: its 8 placed in the gap, the bottom row counted 4 (merged)
    short = _read("SA86505", [60, 100, 272, *BOTTOM[1:]], {2})
    assert phantoms.dropped(short, line, [250.0], (2, 4)) is short
    # the top row (the province's junk, its letter) is never touched
    top = _read("H8Q8U28LA", [60, 100, 171, 240, *BOTTOM], {3})
    assert phantoms.dropped(top, line, [250.0], (2, 5)) is top


def test_the_classifiers_clear_top_letter_stands_for_engs_against_chi_sims() -> None:
    # check 31337's hard 湘QU28LA: chi_sim's top row '湘C' in every preprocessing, eng's Q
    q_named = lambda k, pair: "Q" if (k, pair) == (TOP, "CQ") else None  # noqa: E731
    got = two_row("湘", "湘C/U28LA", ["HQ", "U28LA"], 0.9, 1.0, judge=q_named)
    assert got is not None and got[0].plate == "湘QU28LA"
    assert two_row("湘", "湘C/U28LA", ["HQ", "U28LA"], 0.9, 1.0,
                   judge=lambda k, pair: None)[0].plate == "湘CU28LA"  # unclear: chi_sim's
    # the judge asks the classifier about eng's top-row letter, the last glyph left of the gap
    row, xs = glyph_row([bold_glyph(ch) for ch in "HQ28LA"])
    judge = cnlook.judge(_read_plain("HQ28LA", xs), row, [xs[2] - 23], two_rows=True)
    assert judge(TOP, "CQ") == "Q" and judge(TOP, "CG") is None
    assert cnlook.judge(_read_plain("HQ28LA", xs), row, [], two_rows=False)(TOP, "CQ") is None


def _read_plain(text: str, xs: list[float]) -> LineRead:
    return LineRead(text, 0.9, tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True)),
                    (0.5,) * len(text), tuple(((ch, 0.9),) for ch in text))
