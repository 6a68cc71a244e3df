"""A 2-row Chinese plate whose two models read two tails at one cost: eng's leads
(``cntails.two_row``; docs/reader-journal.md, round 21).

Why these tests: the pool was sorted by cost, then by the plate's characters, so a tie went
to whichever tail came first by character code. On the tuning and fresh seeds' hard frames
that was chi_sim's wrong tail three times (云Z24G33 read 云Z24653, 桂NJM53L read 桂NDH53L,
川N10GV8 read 川N00GV8), eng's right one the rival; eng leading every tie, as on one row,
changed no other Chinese frame of the three groups.
"""

from __future__ import annotations

import pytest
from hardscene import hard_vn_scene

from edge.reader import make_reader
from edge.reader.cntails import two_row


@pytest.mark.parametrize(("cjk", "latin", "plate", "rival"), [
    ("云/24653", ["BZ", "24G33"], "云Z24G33", "云Z24653"),  # chi_sim's 6 first by the code
    ("川/00GV8", ["JN", "10GV8"], "川N10GV8", "川N00GV8"),  # ... its 0 before eng's 1
    ("桂/DH53L", ["HN", "JM53L"], "桂NJM53L", "桂NDH53L"),  # ... its D before eng's J
])
def test_eng_s_tail_leads_a_tie_chi_sim_s_its_rival(cjk: str, latin: list[str], plate: str,
                                                     rival: str) -> None:
    got = two_row(cjk[0], cjk, latin, 0.9, 1.0)
    assert got is not None and got[0].plate == plate and got[4] == rival
    assert not got[3] and got[1] == pytest.approx(0.72)  # no agreement: capped as before


def test_a_cheaper_tail_still_wins_and_agreeing_tails_are_one() -> None:
    # eng's bottom row read six characters for five (a trim, one repair): chi_sim's stands
    got = two_row("桂", "桂/2656D", ["W", "82050D"], 0.9, 1.0)
    assert got is not None and got[0].plate == "桂W2656D"
    same = two_row("云", "云/24G33", ["BZ", "24G33"], 0.9, 1.0)
    assert same is not None and same[0].plate == "云Z24G33" and same[3] and same[4] is None


@pytest.mark.parametrize(("seed", "plate"), [
    (77802376, "云Z24G33"),  # tuning 777: main 云Z24653 at 0.75
    (515115529, "川N10GV8"),  # fresh 5150: main 川N00GV8 at 0.79
])
def test_the_hard_frames_read_eng_s_tail(seed: int, plate: str) -> None:
    image, _, truth = hard_vn_scene(seed, "2-line", "CN")
    assert truth == plate
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence < 0.8
