"""Round 19: a character eng read on the blank gap between a 2-row plate's pasted rows,
with no LSTM choice, in a row read longer than its glyphs, is dropped
(``edge/reader/phantoms.py``: check 31337's hard 桂W2050D, binary 'W82056D')."""

from __future__ import annotations

import numpy as np

from edge.reader import phantoms
from edge.reader.cntails import two_row
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
