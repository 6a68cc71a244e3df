"""chi_sim's habit province searched past (round 26, ``cnhabit.held``): a Chinese read whose
two models agree on the tail (chi_sim's tail seconding eng's, or two preprocessings) but whose
province is chi_sim's row-read 吉, named by no second look, is contested: the best so far,
never the end of the search. Any other unconfirmed province ends it as before.

Why: on new easy seeds (5417-5440) five 粤 plates read 吉 at 0.72-0.79 because that read,
agreed, ended the search at the frame's first crop; on three the next crop's row read named 粤,
confirmed by the province classifier at margin 1.0 (docs/reader-journal.md, round 26).
"""

from __future__ import annotations

import random

import pytest
from scriptedreader import ScriptedCrop

from domain.plate_candidates import Candidate
from edge.reader import make_reader
from edge.reader.base import ACT
from edge.reader.claims import CropRead
from edge.reader.cnhabit import held
from edge.reader.segment import Lines
from edge.reader.tesseract import _ends
from smartgate.scenes import random_plate, render_frame

LINES = Lines("1-line", [], [], 8, (8,))


def _cn(plate: str, conf: float, *, seconded: bool = False) -> CropRead:
    return CropRead(Candidate(plate, "CN", 0, 0), conf, plate, "1-line", fits=True,
                    margin=0.5, seconded=seconded)


@pytest.mark.parametrize(("plate", "conf", "confirmed", "want"), [
    ("吉A12345", 0.83, False, (ACT - 0.01, True)),  # capped and contested
    ("吉A12345", 0.72, False, (0.72, True)),  # under ACT already: contested all the same
    ("吉A12345", 0.83, True, (0.83, False)),  # a second look names 吉: as before
    ("粤A12345", 0.83, False, (ACT - 0.01, False)),  # another province: capped, as before
])
def test_held(plate: str, conf: float, confirmed: bool, want: tuple[float, bool]) -> None:
    assert held(plate, conf, lambda: confirmed) == want


def test_another_province_under_act_asks_no_second_look() -> None:
    def asked() -> bool:
        raise AssertionError("province_confirmed asked under ACT")
    assert held("粤A12345", 0.72, asked) == (0.72, False)


@pytest.mark.parametrize(("province", "contested"), [("吉", True), ("粤", False)])
def test_two_preprocessings_on_an_unconfirmed_habit_province_search_on(
        monkeypatch: pytest.MonkeyPatch, province: str, contested: bool) -> None:
    monkeypatch.setattr("edge.reader.agreement.province_confirmed", lambda *a: False)
    plate = province + "M5WM26"
    reader = ScriptedCrop({"gray": _cn(plate, 0.6), "binary": _cn(plate, 0.6)})
    got = reader._read_lines_all(LINES)
    assert got is not None and got.agreed and got.conf == ACT - 0.01
    assert got.contested is contested and _ends(got) is not contested


@pytest.mark.parametrize(("province", "contested"), [("吉", True), ("粤", False)])
def test_a_seconded_read_on_an_unconfirmed_habit_province_searches_on(
        monkeypatch: pytest.MonkeyPatch, province: str, contested: bool) -> None:
    monkeypatch.setattr("edge.reader.cropread.province_confirmed", lambda *a: False)
    plate = province + "M5WM26"
    reader = ScriptedCrop({"gray": _cn(plate, 0.6, seconded=True)})
    got = reader._read_lines_all(LINES)
    assert got is not None and got.agreed and got.conf == ACT - 0.01
    assert got.contested is contested and _ends(got) is not contested


def test_the_easy_frame_reads_its_province() -> None:
    rng = random.Random(542516364)  # scan seed 5425: read 吉M5WM26 at 0.79 before
    truth = random_plate(rng, country="CN", layout="1-line")
    scene = render_frame(plate=truth, layout="1-line", difficulty="easy", rng=rng)
    assert scene.plate == "粤M5WM26"
    got = make_reader(engine="resident").read(scene.image)
    assert got.plate == "粤M5WM26" and got.confidence >= ACT
