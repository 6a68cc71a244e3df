"""Round 25: a glyph eng read twice whose second character sits on no ink, in the gap beside
the glyph, read once as the Latin classifier names it (``edge/reader/cnlook.py``,
``single`` and ``gapped``)."""

from __future__ import annotations

import random

import numpy as np
from glyphrow import bold_glyph, glyph_row

from edge.reader import cnlook, make_reader
from edge.reader.engines import LineRead
from edge.reader.rowcut import glyphs_at
from smartgate.scenes import random_plate, render_frame


def _read(text: str, xs: list[float]) -> LineRead:
    return LineRead(text, 0.9, tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True)),
                    (0.5,) * len(text), tuple(((ch, 0.9),) for ch in text))


def _gap_right_of(row: np.ndarray, x: float) -> float:
    """The first column right of ``x`` with no ink: the gap after the glyph under ``x``."""
    col = int(x)
    while (row[:, col] < 128).any():
        col += 1
    return col + 1.0


def test_a_glyph_read_twice_the_second_on_the_gap_is_read_once() -> None:
    # scan 5401's easy 桂E7A876: eng '7TA876', the T on the gap between the 7 and the A
    row, xs = glyph_row([bold_glyph(ch) for ch in "E7A876"])
    gap = _gap_right_of(row, xs[1])
    assert next(glyphs_at(row, gap), None) is None and gap - xs[1] < 40
    twice = _read("E7TA876", [*xs[:2], gap, *xs[2:]])
    once = cnlook.single(twice, row)
    assert once.text == "E7A876" and len(once.chars) == len(once.margins) == 6
    assert once.chars[1][2] == xs[1] and once.margins[1] == 0.0  # never sure alone
    # eng's first character on the gap and the glyph's read second: the glyph's place stays
    first = _read("E" + "T7A876", [xs[0], xs[1] - (gap - xs[1]), *xs[1:]])
    assert next(glyphs_at(row, first.chars[1][2]), None) is None
    got = cnlook.single(first, row)
    assert got.text == "E7A876" and got.chars[1][2] == xs[1]


def test_the_glyph_takes_the_classifiers_character() -> None:
    # eng put T on the glyph and 7 on the gap: the glyph's character is the classifier's 7
    row, xs = glyph_row([bold_glyph(ch) for ch in "E7A876"])
    gap = _gap_right_of(row, xs[1])
    got = cnlook.single(_read("ET7A876", [*xs[:2], gap, *xs[2:]]), row)
    assert got.text == "E7A876" and got.chars[1] == ("7", 0.9, xs[1])


def test_far_or_inked_neighbours_are_two_glyphs() -> None:
    row, xs = glyph_row([bold_glyph(ch) for ch in "E7A876"])
    blob = next(glyphs_at(row, xs[1]))
    assert cnlook.gapped(blob, None, blob.shape[1] - 1)
    assert not cnlook.gapped(blob, None, blob.shape[1] + 1)  # a pitch apart: another glyph
    assert not cnlook.gapped(blob, blob, 5) and not cnlook.gapped(None, None, 5)
    # the second on the next glyph's ink (two blobs): both kept
    got = _read("E7TA876", [*xs[:2], xs[2] - 5, *xs[2:]])
    assert cnlook.single(got, row) is got
    # one character twice, the second on the gap: eng's junk on a province glyph (scan
    # 5415's 桂EM834B, 'FEE-M834B'), not a tail glyph read twice: kept as read
    row_e, xs_e = glyph_row([bold_glyph(ch) for ch in "EM834B"])
    junk = _read("EEM834B", [xs_e[0], _gap_right_of(row_e, xs_e[0]), *xs_e[1:]])
    assert cnlook.single(junk, row_e) is junk


def test_the_scan_frame_reads_right() -> None:
    # Real Tesseract: main after round 24 read scan 5401's easy 2-row 桂E7A876 as 桂ETA876
    # at 0.75 (eng's '7TA876' cut to its last five agreed with chi_sim's 'TA876').
    spec, truth = 540116244, "桂E7A876"
    rng = random.Random(spec)
    plate = random_plate(rng, country="CN", layout="2-line")
    scene = render_frame(plate=plate, layout="2-line", difficulty="easy", rng=rng)
    assert scene.plate == truth
    got = make_reader(engine="resident").read(scene.image)
    assert got.plate == truth and got.confidence < 0.8
