"""A VN read checked slot by slot on its crop's glyphs (``glyphslots``, round 19): a character
with no glyph of its own is dropped, a repaired or unreadable slot is read as the Latin
classifier names its glyph (>= ``latin.TRUST``), a repair the classifier opposes elsewhere is
refused, and such a read is never sure alone and stays under the band."""

from __future__ import annotations

import random

import numpy as np
from glyphrow import bold_glyph, glyph_row

from domain.plate_candidates import Candidate
from edge.reader import choose, glyphslots, make_reader
from edge.reader.claims import LONE, UNFIT, CropRead
from edge.reader.engines import LineRead
from edge.reader.latin import LatinGuess
from edge.reader.segment import Lines
from smartgate.scenes import random_plate, render_frame


def _read(chars: list[tuple[str, float]]) -> LineRead:
    text = "".join(ch for ch, _ in chars)
    return LineRead(text, 0.9, tuple((ch, 0.9, x) for ch, x in chars),
                    tuple(0.5 for _ in chars), tuple(((ch, 0.9),) for ch, _ in chars))


def _naming(text: str, share: float = 0.9):  # type: ignore[no-untyped-def]
    def classify(glyphs: list[np.ndarray]) -> list[LatinGuess]:
        assert len(glyphs) == len(text)
        return [LatinGuess(ch, share, share, {ch: share}) for ch in text]
    return classify


def _row(text: str) -> tuple[np.ndarray, list[float], Lines]:
    row, xs = glyph_row([bold_glyph(c) for c in text])
    return row, xs, Lines("1-line", [row], [row], len(text), (len(text),))


def test_a_character_on_no_glyph_of_its_own_is_dropped_and_a_repair_named() -> None:
    """Check seed 555's 36Z-7526: binary '4367-7526', a speck read 4 at the 3's left edge,
    the Z read 7; the classifier names the Z."""
    row, xs, lines = _row("36Z7526")
    got = _read([("4", xs[0] - 20), ("3", xs[0]), ("6", xs[1]), ("7", xs[2]),
                 ("-", (xs[2] + xs[3]) / 2), ("7", xs[3]), ("5", xs[4]), ("2", xs[5]),
                 ("6", xs[6])])
    out = glyphslots.checked(got, row, [], lines, _naming("36Z7526"))
    assert out is not None
    cand, new, texts = out
    assert cand.plate == "36Z7526" and cand.cost == 0 and texts == ["36Z-7526"]
    assert new.margin == 0.0 and new.conf <= LONE


def test_a_repair_the_classifier_does_not_name_is_refused() -> None:
    row, xs, lines = _row("36Z7526")
    got = _read([("3", xs[0]), ("6", xs[1]), ("7", xs[2]), ("7", xs[3]), ("5", xs[4]),
                 ("2", xs[5]), ("6", xs[6])])
    assert glyphslots.checked(got, row, [], lines, _naming("36Z7526", 0.7)) is None
    assert glyphslots.checked(got, row, [], lines, _naming("3617526")) is None  # no letter
    assert glyphslots.checked(got, row, [], lines, _naming("36Z7526")) is not None


def test_a_repair_is_refused_where_the_classifier_opposes_another_character() -> None:
    """36Z-7526's grey read '467-7526': its 4 on the 3's glyph, which the classifier calls 3."""
    row, xs, lines = _row("36Z7526")
    got = _read([("4", xs[0]), ("6", xs[1]), ("7", xs[2]), ("7", xs[3]), ("5", xs[4]),
                 ("2", xs[5]), ("6", xs[6])])
    assert glyphslots.checked(got, row, [], lines, _naming("36Z7526")) is None


def test_a_misfit_slot_is_the_classifiers_and_eng_reads_as_it_is_are_left() -> None:
    """Check seed 1234's 51QT-716.36 read '519T716.36': a 9 no series slot takes."""
    row, xs, lines = _row("51QT71636")
    got = _read([("5", xs[0]), ("1", xs[1]), ("9", xs[2]), ("T", xs[3]), ("7", xs[4]),
                 ("1", xs[5]), ("6", xs[6]), (".", (xs[6] + xs[7]) / 2), ("3", xs[7]),
                 ("6", xs[8])])
    out = glyphslots.checked(got, row, [], lines, _naming("51QT71636"))
    assert out is not None and out[0].plate == "51QT71636"
    same = _read([(ch, x) for ch, x in zip("51QT71636", xs, strict=True)])
    assert glyphslots.checked(same, row, [], lines, _naming("51QT71636")) is None


def test_two_strays_or_a_strays_own_glyph_leave_the_read() -> None:
    row, xs, lines = _row("36Z7526")
    far = _read([("3", xs[0]), ("6", xs[1]), ("Z", xs[2]), ("7", xs[3]), ("5", xs[4]),
                 ("2", xs[5]), ("6", xs[6]), ("1", xs[6] + 20)])  # past the last 6: 8 on 7
    assert glyphslots.checked(far, row, [], lines, _naming("36Z7526")) is not None
    both = _read([("4", xs[0] - 20), ("3", xs[0]), ("6", xs[1]), ("Z", xs[2]), ("7", xs[3]),
                  ("5", xs[4]), ("2", xs[5]), ("6", xs[6]), ("1", xs[6] + 20)])
    assert glyphslots.checked(both, row, [], lines, _naming("36Z7526")) is None


def test_a_checked_read_is_capped_under_the_band() -> None:
    _, _, lines = _row("36Z7526")
    read = CropRead(Candidate("36Z7526", "VN", 0, 0), 0.9, "36Z-7526", "1-line",
                    checked=True)
    assert choose.capped(read, lines).conf == UNFIT


def test_the_reader_reads_a_series_eng_misread_as_a_digit() -> None:
    """Check seed 1234's hard 51QT-716.36: main read 19T71636 at 0.7 (two unfit reads
    agreeing); its crops' '519T716.36', the series' Q read 9, checked on its 9 glyphs."""
    rng = random.Random(123503763)
    plate = random_plate(rng, country="VN", layout="1-line")
    scene = render_frame(plate=plate, layout="1-line", difficulty="hard", rng=rng)
    assert scene.plate == "51QT71636"
    got = make_reader(engine="resident").read(scene.image)
    assert got.plate == "51QT71636" and got.confidence <= UNFIT


def test_two_characters_inside_one_glyph_are_no_stray() -> None:
    """Fresh seed 5150's 12R-454.06 (round 19 v1): '12R454.06' on 7 blobs, its 06 one merged
    blob; the 0 dropped as a stray made the wrong 12R4546."""
    row, xs, lines = _row("12R4546")
    got = _read([("1", xs[0]), ("2", xs[1]), ("R", xs[2]), ("4", xs[3]), ("5", xs[4]),
                 ("4", xs[5]), (".", xs[5] + 23), ("0", xs[6] - 8), ("6", xs[6] + 4)])
    assert glyphslots.checked(got, row, [], lines, _naming("12R4546")) is None


def test_a_character_between_two_glyphs_is_no_stray() -> None:
    """The same plate's local look: 7 blobs, its 0 lost from the mask, read '12R454.06'."""
    row, xs, _ = _row("12R454 6")
    lines = Lines("1-line", [row], [row], 7, (7,))
    got = _read([("1", xs[0]), ("2", xs[1]), ("R", xs[2]), ("4", xs[3]), ("5", xs[4]),
                 ("4", xs[5]), (".", xs[5] + 23), ("0", xs[6]), ("6", xs[7])])
    assert glyphslots.checked(got, row, [], lines, _naming("12R4546")) is None


def test_a_row_of_digits_only_is_not_checked() -> None:
    """A painted number: the classifier naming its third glyph a letter is no series letter
    the LSTM offered (v3 read a plate-free frame's digits as 19D06868 at 0.70)."""
    row, xs, lines = _row("19D06868")
    got = _read([(ch, x) for ch, x in zip("19006868", xs, strict=True)])
    vn, new, _, checked = glyphslots.vn_read(None, got, ["19006868"], row, [], lines)
    assert vn is None and new is got and not checked
