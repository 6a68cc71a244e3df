"""A Chinese plate no model named the province of, its province leaned to by the crops that
read its tail, not by every crop of the frame (``cnvote.leaned``; docs/reader-journal.md,
round 24).

Why these tests: hard 湘EF55FK (extra seed 5303) read nothing: chi_sim named no province,
eng read 'HEF55FK' on crop after crop and the classifier leaned to 湘 on 13 crops, but to
浙, 藏 and 川 on three others (the lettering of the truck, a quad off the plate), so round
20's vote, which asks every crop naming a province to name one, never counted (湘GPT605 the
same: 湘 on five crops, 川 on a crop of painted words). The plate's own crops, those whose
texts read its tail, are the ones that saw its province glyph.
"""

from __future__ import annotations

import random

from scriptedreader import FRAME, QUAD
from test_cn_vote import _crop

from domain.plate_candidates import Candidate
from edge.reader import cnvote, make_reader
from edge.reader.claims import LONE, CropRead
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.tesseract import TesseractPlateReader
from smartgate.scenes import random_plate, render_frame

PLATE = ["HEF55FK", "WEF55FK", "HJEF55FK"]


def test_a_crop_of_other_text_leaning_elsewhere_does_not_block_the_vote() -> None:
    crops = [_crop([PLATE[0]], "湘"), _crop([PLATE[1], "WEFSSFK"], "湘"),
             _crop([PLATE[2]], "湘"), _crop(["CONTAINER"], "川"), _crop(["LTST"], "浙")]
    assert cnvote.voted(crops) is None  # round 20's vote: two provinces named
    got = cnvote.leaned(crops)
    assert got is not None and got[0].plate == "湘EF55FK" and got[0].cost == 0
    assert got[1] == PLATE[0]


def test_a_crop_reading_the_tail_with_no_province_votes_for_the_tail_only() -> None:
    crops = [_crop([text], "湘") for text in PLATE] + [_crop(["WEF55FK"], None)]
    got = cnvote.leaned(crops)
    assert got is not None and got[0].plate == "湘EF55FK"


def test_the_plate_s_own_crops_must_lean_twice_and_twice_any_other() -> None:
    three = [_crop([text], "湘") for text in PLATE]
    one = [three[0], _crop([PLATE[1]], None), _crop([PLATE[2]], None)]
    assert cnvote.leaned(one) is None  # one crop leaning: no province
    assert cnvote.leaned([*three[:2], _crop([PLATE[2]], None)]) is not None  # two: 湘L99XA4
    assert cnvote.leaned([*three, _crop([PLATE[0]], "川"), _crop([PLATE[1]], "川")]) is None
    assert cnvote.leaned([*three, _crop([PLATE[0]], "川")]) is not None  # 3 against 1
    split = [*three, _crop(["HEF55EK"], "湘"), _crop(["WEF55EK"], "湘")]
    assert cnvote.leaned(split) is None  # the tail itself not outvoted (F/E): no plate


def test_only_a_rival_read_of_the_plate_refuses_the_lean() -> None:
    reader = TesseractPlateReader(ResidentEngine(DEFAULT_TESSDATA))
    crops = [_crop([text], "湘") for text in PLATE] + [_crop(["LCTSTYES"], "川")]
    reader._crops = {id(cache): (cache, lines) for cache, lines in crops}
    reader._where = {id(lines): (QUAD, FRAME, lines) for _, lines in crops}
    sign = CropRead(Candidate("沪GTSTLC", "CN", 0, 0), 0.32, "", "1-line")
    reader._heard = [(sign, crops[3][1])]  # the truck's lettering read as a plate
    assert reader._province_voted() is None  # round 20's vote: two provinces named
    got = reader._province_voted(lean=True)
    assert got is not None and got[0].cand.plate == "湘EF55FK" and got[0].conf == LONE
    assert got[0].weak and got[0].classified and not got[0].sure
    rival = CropRead(Candidate("湘EF5SFK", "CN", 0, 0), 0.32, "", "1-line")
    reader._heard = [(rival, crops[0][1])]  # a crop read the plate otherwise: no lean
    assert reader._province_voted(lean=True) is None
    assert cnvote.near(Candidate("沪EFS5EK", "CN", 0, 0), Candidate("湘EF55FK", "CN", 0, 0))
    assert not cnvote.near(Candidate("沪GTSTLC", "CN", 0, 0), Candidate("湘EF55FK", "CN", 0, 0))


def test_the_hard_frame_reads_its_plate() -> None:
    rng = random.Random(531315958)  # extra seed 5313, frame 58: nothing read before
    truth = random_plate(rng, country="CN", layout="1-line")
    scene = render_frame(plate=truth, layout="1-line", difficulty="hard", rng=rng)
    assert scene.plate == "湘GPT605"
    got = make_reader(engine="resident").read(scene.image)
    assert got.plate == "湘GPT605" and got.confidence == 0.45
