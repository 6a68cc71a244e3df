"""A Chinese plate the frame's crops read again and again, one of them surely, believed where
the frame reads nothing else (``cnagree``; docs/reader-journal.md, round 26).

Why these tests: hard 桂PFG2006 (extra seed 5313) read nothing, its plate read at 0.84 and
0.70 by two jittered looks (three must vote, ``jitter.VOTES``), and 湘R807TL (5302) at 0.75
and 0.74 by two neck parts' looks (each must be sure alone): the crops' agreement was never
weighed. The rule must not name a plate a rival reads on as many crops, a plate only the
classifier's province or a noise row's read vouches for, nor one crop's reads alone.
"""

from __future__ import annotations

from hardscene import hard_vn_scene
from scriptedreader import FRAME, QUAD

from domain.plate_candidates import Candidate
from edge.reader import cnagree, make_reader
from edge.reader.claims import LONE, CropRead
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.segment import Lines
from edge.reader.tesseract import TesseractPlateReader


def _lines() -> Lines:
    return Lines("1-line", [], [], 7, (7,))


def _read(plate: str, conf: float, *, classified: bool = False, kept: bool = False,
          weak: bool = False, repaired: bool = False) -> CropRead:
    return CropRead(Candidate(plate, "CN", int(repaired), 0), conf, "", "1-line",
                    classified=classified, kept=kept, weak=weak)


def test_two_crops_one_sure_make_the_plate() -> None:
    a, b = _lines(), _lines()
    reads = [(_read("桂PFG2006", 0.39), a), (_read("桂PFG2006", 0.84), a),
             (_read("桂PFG2006", 0.70), b)]
    got = cnagree.agreed(reads, {})
    assert got is not None and got[0].cand.plate == "桂PFG2006" and got[0].conf == 0.84
    assert [lines for _, lines in got[1]] == [a, a, b]
    assert cnagree.agreed(reads[:2], {}) is None  # one crop's preprocessings: one witness


def test_no_sure_chi_sim_read_no_plate() -> None:
    a, b = _lines(), _lines()
    assert cnagree.agreed([(_read("湘R807TL", 0.69), a), (_read("湘R807TL", 0.6), b)], {}) is None
    for sure in (_read("湘R807TL", 0.9, classified=True), _read("湘R807TL", 0.9, kept=True)):
        assert cnagree.agreed([(sure, a), (_read("湘R807TL", 0.6), b)], {}) is None
    weak = _read("湘R807TL", 0.9, classified=True, weak=True)
    assert cnagree.agreed([(weak, a), (_read("湘R807TL", 0.75), b)], {}) is None  # one crop left
    repaired = _read("湘R807TL", 0.9, repaired=True)
    assert cnagree.agreed([(repaired, a), (_read("湘R807TL", 0.75), b)], {}) is None
    low = _read("湘R807TL", 0.29)  # under FLOOR: no plate, no crop
    assert cnagree.agreed([(low, a), (_read("湘R807TL", 0.75), b)], {}) is None


def test_a_rival_on_as_many_crops_refuses_the_plate() -> None:
    a, b, c, d = _lines(), _lines(), _lines(), _lines()
    mine = [(_read("桂M9KWU5", 0.8), a), (_read("桂M9KWU5", 0.6), b)]
    assert cnagree.agreed(mine, {}) is not None
    rival = [(_read("桂M9KWUS", 0.5), c), (_read("桂M9KWUS", 0.5), d)]
    assert cnagree.agreed(mine + rival, {}) is None
    assert cnagree.agreed([*mine, (_read("桂M9KWU5", 0.4), d), rival[0]], {}) is not None
    vn = CropRead(Candidate("51F60608", "VN", 0, 0), 0.9, "", "1-line")
    assert cnagree.agreed([*mine, (vn, c), (vn, d), (vn, _lines())], {}) is not None


def test_chi_sim_s_habit_province_needs_the_classifier() -> None:
    a, b = _lines(), _lines()
    reads = [(_read("吉RHZ534", 0.76), a), (_read("吉RHZ534", 0.53), b)]
    assert cnagree.agreed(reads, {id(a): None, id(b): "云"}) is None  # 5503's 云RHZ534
    got = cnagree.agreed(reads, {id(a): None, id(b): "吉"})
    assert got is not None and got[0].cand.plate == "吉RHZ534"
    other = [(_read("云RHZ534", 0.76), a), (_read("云RHZ534", 0.53), b)]
    assert cnagree.agreed(other, {}) is not None  # any other province: as read


def test_the_reader_places_the_plate_on_a_known_crop_at_lone() -> None:
    reader = TesseractPlateReader(ResidentEngine(DEFAULT_TESSDATA))
    a, b = _lines(), _lines()
    reader._variants = [(_read("桂PFG2006", 0.84), a), (_read("桂PFG2006", 0.70), b)]
    reader._where, reader._jitter_where = {}, {}
    assert reader._crops_agreed() is None  # no crop of the plate placed: no read
    reader._jitter_where = {id(b): (QUAD, FRAME, b)}
    got = reader._crops_agreed()
    assert got is not None and got[0].cand.plate == "桂PFG2006" and got[0].conf == LONE
    assert not got[0].sure and got[1] is QUAD and got[2] is FRAME


def test_the_hard_frame_reads_its_plate() -> None:
    image, _, truth = hard_vn_scene(531315949, "1-line", "CN")  # extra seed 5313, frame 49:
    assert truth == "桂PFG2006"  # nothing read before
    got = make_reader(engine="resident").read(image)
    assert got.plate == "桂PFG2006" and got.confidence == LONE
