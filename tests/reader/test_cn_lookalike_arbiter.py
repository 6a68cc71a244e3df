"""Round 18b: a Chinese tail's look-alike dispute between the two models arbitrated by the
Latin classifier where the glyph's shape says nothing, and a glyph eng read twice read once
(``edge/reader/cnlook.py``)."""

from __future__ import annotations

from glyphrow import bold_glyph, glyph_row

from domain.plate_candidates import Candidate
from edge.reader import cnlook
from edge.reader.cntails import two_row
from edge.reader.engines import LineRead
from edge.reader.lookalikes import names, pair_of


def _read(text: str, xs: list[float]) -> LineRead:
    return LineRead(text, 0.9, tuple((ch, 0.9, x) for ch, x in zip(text, xs, strict=True)),
                    (0.5,) * len(text), tuple(((ch, 0.9),) for ch in text))


def test_the_classifier_names_a_pair_no_shape_separates() -> None:
    # S/5 has no shape judge (round 13): the classifier's S on an S glyph, 5 on a 5
    row, xs = glyph_row([bold_glyph(ch) for ch in "X7S602"])
    judge = cnlook.judge(_read("X7S602", xs), row, [], two_rows=False)
    assert judge(-4, "S5") == "S"
    assert judge(-3, "S5") is None  # the 6: neither of the pair
    assert judge(-6, "S5") is None  # the X
    assert judge(0, "S5") is None  # a 1-row judge counts from the line's end only
    row5, xs5 = glyph_row([bold_glyph(ch) for ch in "X75602"])
    assert cnlook.judge(_read("X75602", xs5), row5, [], two_rows=False)(-4, "S5") == "5"


def test_the_classifiers_clear_verdict_comes_before_the_shapes() -> None:
    # check 1234's easy 粤QR0D6F: the Q/0 shape called a plain narrow 0 a Q; the classifier
    # names a plain 0 and a Q at 1.0, and the pair's other characters not at all
    row, xs = glyph_row([bold_glyph(ch) for ch in "QR0D6F"])
    judge = cnlook.judge(_read("QRQD6F", xs), row, [], two_rows=False)
    assert judge(-4, "Q0") == "0" and judge(-6, "Q0") == "Q"
    assert judge(-3, "D0") == "D" and judge(-2, "G6") == "6"


def test_a_two_row_judge_counts_the_bottom_rows_last_five() -> None:
    row, xs = glyph_row([bold_glyph(ch) for ch in "XB8S02"])
    judge = cnlook.judge(_read("XB8S02", xs), row, [xs[1] - 1], two_rows=True)
    assert judge(1, "B8") == "8"
    assert judge(2, "S5") == "S"
    assert judge(5, "S5") is None


def test_the_classifiers_pairs_decide_a_tie_of_the_two_models_tails() -> None:
    assert pair_of("S", "5") == "S5" and pair_of("8", "B") == "B8" and pair_of("D", "0") == "D0"
    eng, chi = Candidate("桂X7S602", "CN", 0, 0), Candidate("桂X75602", "CN", 0, 0)
    assert names(lambda k, pair: "S" if pair == "S5" else None, eng, chi, 5)
    # chi_sim's 5 first by the character code; the glyph's S takes eng's tail, chi_sim's the
    # frame's rival still, under the band
    got = two_row("桂", "桂X/75602", ["X", "7S602"], 0.9, 1.0,
                  judge=lambda k, pair: "S" if (k, pair) == (1, "S5") else None)
    assert got is not None and got[0].plate == "桂X7S602" and got[4] == "桂X75602"
    assert got[1] < 0.8 and not got[3]


def test_a_glyph_read_twice_is_read_once_as_the_classifier_names_it() -> None:
    # fresh 5150's easy 桂V72G05: eng read 'V72G605', its G and a 6 on one glyph
    row, xs = glyph_row([bold_glyph(ch) for ch in "V72G05"])
    twice = _read("V72G605", [*xs[:3], xs[3] - 7, xs[3] + 7, *xs[4:]])
    once = cnlook.single(twice, row)
    assert once.text == "V72G05" and len(once.chars) == len(once.margins) == 6
    assert once.margins[3] == 0.0  # the classifier's character: never sure alone
    # vouch.reread had named the 6 as its runner-up G: the same character twice
    assert cnlook.single(_read("V72GG05", [x for _, _, x in twice.chars]), row).text == "V72G05"


def test_two_glyphs_of_a_pair_are_both_kept() -> None:
    row, xs = glyph_row([bold_glyph(ch) for ch in "V7G605"])
    got = _read("V7G605", xs)
    assert cnlook.single(got, row) is got
