"""A real 吉 (Jilin) plate still reads 吉 (round 26's guard on three 吉 rules).

Why: round 25 and round 26 each built a rule on chi_sim's habit of naming 吉 for a province
glyph it cannot read (``cnhabit``: a row read's 吉 overruled, an unconfirmed 吉 not ending the
search, a pass split between 吉 and another province; ``cnagree``'s 吉 guard). The generator
never draws 吉 plates, so the tuning seeds could not show these rules harming a true one.
These frames are 吉 plates rendered as the generator renders any Chinese plate; on 30 easy and
30 hard ones the merged reader reads the same plates as before the round (easy 30 of 30, the
band's confidences only higher: docs/reader-journal.md, round 26, the lead).
"""

from __future__ import annotations

import random

import pytest

from edge.reader import make_reader
from smartgate.scenes import random_plate, render_frame


@pytest.fixture(scope="module")
def reader():  # type: ignore[no-untyped-def]
    return make_reader(engine="resident")


@pytest.mark.parametrize(("index", "layout", "plate"), [
    (3, "2-line", "吉F080KD"), (9, "2-line", "吉EUUP31"), (17, "2-line", "吉EF1CJ3"),
    (4, "1-line", None)])
def test_a_true_jilin_plate_reads_jilin(reader, index: int, layout: str,  # type: ignore[no-untyped-def]
                                        plate: str | None) -> None:
    rng = random.Random(71000 + index)
    truth = "吉" + random_plate(rng, country="CN", layout=layout)[1:]
    if plate is not None:
        assert truth == plate  # the frame this test was written against
    scene = render_frame(plate=truth, layout=layout, difficulty="easy", rng=rng)  # type: ignore[arg-type]
    read = reader.read(scene.image)
    assert read.plate == truth
    assert read.confidence >= 0.75
