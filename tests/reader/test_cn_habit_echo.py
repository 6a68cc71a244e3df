"""chi_sim's habit 吉 against the classifier's clear province (round 28).

``cnhabit.echoed``: where the classifier names another province at ``CLASSIFIER_ONLY`` against
the row read's 吉, chi_sim's glyph read of 吉 under ``GLYPH_SURE`` is the same model's habit
again, not a second look that keeps the 吉. ``cnhabit.yields``: an agreed 吉 no second look
names yields to its tail under the classifier's clear province on another crop of the frame.
"""

from __future__ import annotations

import random

import pytest
from test_cn_habit_province import misnamed_read

from domain.plate_candidates import Candidate
from edge.reader import make_reader
from edge.reader.chinese import CLASSIFIER_ONLY
from edge.reader.choose import better
from edge.reader.claims import CropRead
from edge.reader.cnhabit import echoed, yields
from edge.reader.province import ProvinceGuess
from edge.reader.provlooks import GLYPH_SURE
from smartgate.scenes import random_plate, render_frame


@pytest.mark.parametrize(("row", "margin", "glyph", "plate", "overruled"), [
    ("吉", 1.0, ("吉", 0.39), "粤A12345", True),  # scan 546316415's crop: 吉 twice, 粤 at 1.0
    ("吉", CLASSIFIER_ONLY, ("吉", GLYPH_SURE - 0.01), "粤A12345", True),
    ("吉", 1.0, ("吉", GLYPH_SURE), "吉A12345", False),  # a sure glyph read still keeps it
    ("吉", 0.67, ("吉", 0.39), "吉A12345", False),  # under CLASSIFIER_ONLY: as round 25
    ("湘", 1.0, ("湘", 0.39), "湘A12345", False),  # another province named twice: kept
])
def test_a_weak_glyph_read_of_the_habit_keeps_no_habit_province(
        monkeypatch: pytest.MonkeyPatch, row: str, margin: float, glyph: tuple[str, float],
        plate: str, overruled: bool) -> None:
    guess = ProvinceGuess("粤", 0.9, margin)
    read, cache = misnamed_read(monkeypatch, guess, row, glyph)
    assert read == plate
    assert echoed(guess, row, glyph, CLASSIFIER_ONLY) is overruled
    # chi_sim never named the classifier's province: CLASSIFIED, never reused; not weak (>= 0.9)
    assert cache["classifier_only"] is overruled and cache["classifier_weak"] is False


def test_no_echo_without_the_classifiers_other_province() -> None:
    assert not echoed(ProvinceGuess(None, 0.9, 1.0), "吉", ("吉", 0.4), CLASSIFIER_ONLY)
    assert not echoed(ProvinceGuess("吉", 0.9, 1.0), "吉", ("吉", 0.4), CLASSIFIER_ONLY)
    assert not echoed(ProvinceGuess("粤", 0.9, 1.0), "吉", ("", 0.0), CLASSIFIER_ONLY)


def _cn(plate: str, conf: float, *, agreed: bool = False, seconded: bool = False,
        contested: bool = False, habit: bool = False, classified: bool = False,
        weak: bool = False) -> CropRead:
    return CropRead(Candidate(plate, "CN", 0, 0), conf, plate, "1-line", agreed=agreed,
                    seconded=seconded, contested=contested, habit=habit,
                    classified=classified, weak=weak)


HELD = _cn("吉L4KC2Z", 0.79, agreed=True, seconded=True, contested=True, habit=True)


@pytest.mark.parametrize(("other", "wins"), [
    (_cn("粤L4KC2Z", 0.70, classified=True), True),  # scan 547216490: the classifier's 粤 at 1.0
    (_cn("粤L4KC2Z", 0.70, classified=True, weak=True), False),  # its 粤 under 0.9
    (_cn("粤L4KC2Z", 0.70), False),  # chi_sim's own 粤, no clear classifier province
    (_cn("粤L4KC2B", 0.70, classified=True), False),  # another tail
    (_cn("吉L4KC2Z", 0.70, classified=True), False),  # the classifier's own 吉
])
def test_an_unconfirmed_habit_read_yields_to_the_classifiers_clear_province(
        other: CropRead, wins: bool) -> None:
    assert yields(HELD, other) is wins
    assert better(other, HELD) is wins  # whichever crop was read first
    assert better(HELD, other) is not wins
    assert not yields(other, HELD)


def test_a_habit_read_confirmed_yields_to_nothing() -> None:
    confirmed = _cn("吉L4KC2Z", 0.79, agreed=True, seconded=True)  # held: not contested
    assert not yields(confirmed, _cn("粤L4KC2Z", 0.70, classified=True))
    assert better(confirmed, _cn("粤L4KC2Z", 0.70, classified=True))


@pytest.mark.parametrize(("frame", "layout", "truth"), [
    (546316415, "1-line", "粤QFS2115"),  # read 吉QFS2115 at 0.75 before (echoed)
    (547416535, "1-line", "粤ND27347"),  # read 吉ND27347 at 0.75 before (echoed)
    (547216490, "1-line", "粤L4KC2Z"),  # read 吉L4KC2Z at 0.79 before (yields)
    (551816619, "1-line", "粤HBY81V"),  # read 吉HBY81V at 0.79 before (yields)
])
def test_the_scan_frames_read_their_province(frame: int, layout: str, truth: str) -> None:
    rng = random.Random(frame)  # easy scan frames (round 27's seeds 5463-5474, 5518)
    plate = random_plate(rng, country="CN", layout=layout)
    scene = render_frame(plate=plate, layout=layout, difficulty="easy", rng=rng)  # type: ignore[arg-type]
    assert scene.plate == truth
    got = make_reader(engine="resident").read(scene.image)
    assert got.plate == truth
