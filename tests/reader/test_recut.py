"""A 1-line VN read whose length the segmentation's count misses fits its crop when the row,
cut again by pitch (a blob two glyphs wide is two glyphs), holds the read one character a
glyph and the Latin classifier names each glyph as read (``recut``, round 18); a short
remnant of the border ring at a row's end is no character (``rowcut.remnants_dropped``)."""

from __future__ import annotations

import random

import numpy as np
from glyphrow import bold_glyph, glyph_row

from domain.plate_candidates import Candidate
from edge.reader import dropped, make_reader, recut, rowcut
from edge.reader.claims import LONE, UNFIT
from edge.reader.engines import LineRead
from edge.reader.latin import LatinGuess
from edge.reader.segment import Lines
from smartgate.scenes import random_plate, render_frame


def _read(text: str, xs: list[float]) -> LineRead:
    chars = tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True))
    return LineRead(text, 0.9, chars, tuple(0.5 for _ in text),
                    tuple(((ch, 0.9),) for ch in text))


def _merged_row(text: str, bridge: int) -> tuple[np.ndarray, list[float]]:
    """``text`` drawn one glyph a box, the glyphs at ``bridge`` and ``bridge + 1`` joined by a
    bar of ink (two glyphs blur made one blob)."""
    row, xs = glyph_row([bold_glyph(c) for c in text])
    y = row.shape[0] // 2
    row[y - 3:y + 3, int(xs[bridge]):int(xs[bridge + 1])] = 0
    return row, xs


def _naming(text: str):  # type: ignore[no-untyped-def]
    def classify(glyphs: list[np.ndarray]) -> list[LatinGuess]:
        assert len(glyphs) == len(text)
        return [LatinGuess(ch, 0.9, 0.8, {ch: 0.9}) for ch in text]
    return classify


def test_a_merged_pair_is_two_glyphs() -> None:
    row, _ = _merged_row("12Z87808", 3)
    assert len(dropped.columns(row, 0, row.shape[1])) == 7
    assert len(recut.parts(row)) == 8


def test_a_read_the_recut_row_explains_fits() -> None:
    row, xs = _merged_row("12Z87808", 3)
    got = _read("12Z87808", xs)
    assert recut.fits(got, row, "12Z87808", _naming("12Z87808"))
    lines = Lines("1-line", [], [], 7, (7,))
    assert recut.explains(lines, got, row, Candidate("12Z87808", "VN", 0, 0))


def test_a_glyph_the_classifier_names_otherwise_is_no_fit() -> None:
    row, xs = _merged_row("29K70570", 0)  # the '29' blob, read '22' (29K-705.70's)
    got = _read("22K70570", xs)
    assert not recut.fits(got, row, "22K70570", _naming("29K70570"))


def test_a_glyph_named_otherwise_passes_only_with_the_reads_votes() -> None:
    row, xs = _merged_row("12Z87808", 3)  # the 8 and 7 at 3 and 4: split by the re-cut
    got = _read("12Z87808", xs)
    assert [split for _, split in recut.parts(row)] == [False] * 3 + [True, True] + [False] * 3

    def twin(at: int, votes: dict[str, float]):  # type: ignore[no-untyped-def]
        def classify(glyphs: list[np.ndarray]) -> list[LatinGuess]:
            out = [LatinGuess(ch, 0.9, 0.8, {ch: 0.9}) for ch in "12Z87808"]
            out[at] = LatinGuess("6", 0.85, 0.7, votes)  # blur's twin of the 8
            return out
        return classify

    # a glyph found whole (the last 8) may be named otherwise, not against the read
    assert recut.fits(got, row, "12Z87808", twin(7, {"6": 0.85, "8": 0.15}))
    assert not recut.fits(got, row, "12Z87808", twin(7, {"6": 1.0}))
    # a glyph only the re-cut made (the merged 87's 8) must be named as read
    assert not recut.fits(got, row, "12Z87808", twin(3, {"6": 0.85, "8": 0.15}))


def test_a_read_of_other_length_or_a_fitting_count_is_not_recut() -> None:
    row, xs = _merged_row("12Z87808", 3)
    assert not recut.fits(_read("12Z8780", xs[:7]), row, "12Z8780", _naming("12Z8780"))
    got = _read("12Z87808", xs)
    fitting = Lines("1-line", [], [], 8, (8,))
    assert not recut.explains(fitting, got, row, Candidate("12Z87808", "VN", 0, 0))
    two_rows = Lines("2-line", [], [], 7, (3, 4))
    assert not recut.explains(two_rows, got, row, Candidate("12Z87808", "VN", 0, 0))


def test_a_short_remnant_at_the_crops_end_is_dropped() -> None:
    glyphs = [(40 + 20 * i, 20, 12, 30) for i in range(8)]
    remnant = (4, 30, 4, 15)  # 14K-411.03's: half a glyph tall, in the outer 5 %
    assert rowcut.remnants_dropped([[remnant, *glyphs]], 240) == [glyphs]
    one = (4, 20, 8, 30)  # a full-height 1 there stays
    assert rowcut.remnants_dropped([[one, *glyphs]], 240) == [[one, *glyphs]]
    dot = (100, 44, 4, 5)  # short, but mid-plate
    row = sorted([*glyphs, dot])
    assert rowcut.remnants_dropped([row], 240) == [row]


def test_the_reader_reads_a_row_the_recut_explains() -> None:
    """Fresh seed 8080's hard 12Z-878.08 (main read nothing): its crop's local look counted 7
    (the leading 1's stem lost to glare), so its read '12Z-878.08' (0.94, the Z hesitant) was
    unfit and dropped; re-cut, its 8 glyphs hold the read and the classifier names the Z."""
    rng = random.Random(808124254)
    plate = random_plate(rng, country="VN", layout="1-line")
    scene = render_frame(plate=plate, layout="1-line", difficulty="hard", rng=rng)
    assert scene.plate == "12Z87808"
    got = make_reader(engine="resident").read(scene.image)
    assert got.plate == "12Z87808" and LONE < got.confidence <= UNFIT
