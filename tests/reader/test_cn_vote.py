"""A Chinese plate whose province no model named, voted by the frame's crops (``cnvote``;
docs/reader-journal.md, round 20).

Why these tests: fresh hard 桂P09347F was read as the VN 44P09347 at LONE (eng's
'44P09347F', its F trimmed); chi_sim named no province on any crop and the classifier leaned
to 桂 on every crop at margin 0.01-0.13. Three crops read the tail behind a junk prefix
('MP09347F', '44P09347F', '74P09347F'): the crops' vote names the plate, at LONE, where the
classifier names one province on its crops and no other.
"""

from __future__ import annotations

from dataclasses import replace

from scriptedreader import FRAME, QUAD

from domain.plate_candidates import Candidate
from edge.reader import cnvote
from edge.reader.claims import LONE, CropRead
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.province import ProvinceGuess
from edge.reader.segment import Lines
from edge.reader.tesseract import TesseractPlateReader

ONE = Lines("1-line", [], [], 8, (8,))
TWO = Lines("2-line", [], [], 7, (2, 5))


def _crop(texts: list[str], char: str | None = "桂", margin: float = 0.1,
          lines: Lines = ONE) -> tuple[dict[str, object], Lines]:
    cache: dict[str, object] = {"class": ProvinceGuess(char, 0.3, margin)}
    for text in texts:
        cnvote.heard(cache, text, False)
    return cache, lines


def test_a_tail_behind_junk_reads_as_a_chinese_plate() -> None:
    assert cnvote.tail_read("44P09347F", "桂").plate == "桂P09347F"  # type: ignore[union-attr]
    assert cnvote.tail_read("MM39X4V", "桂").plate == "桂M39X4V"  # type: ignore[union-attr]
    assert cnvote.tail_read("P09347F", "桂") is None  # no junk: the province glyph unread
    assert cnvote.tail_read("M0Y0X2", "桂") is None  # ... or the letter lost
    assert cnvote.tail_read("29A12345", "桂") is None  # a VN plate as it is: no junk
    assert cnvote.tail_read("MPO9347F", "桂") is None  # a repair (O in a digit slot)
    assert cnvote.tail_read("PECCLSFY", "川") is None  # painted words: a sign's read


def test_three_crops_vote_for_the_plate() -> None:
    crops = [_crop(["MP09347F", "44P09347F", "4P09347F"]), _crop(["P09347F", "P09347F"]),
             _crop(["MP09347F", "44P09347F"]), _crop(["74P09347F", "4P09347F"])]
    got = cnvote.voted(crops)
    assert got is not None and got[0].plate == "桂P09347F" and got[0].cost == 0
    assert got[1] == "MP09347F" and got[2] is ONE


def test_no_vote_without_three_crops_one_province_or_a_clear_lead() -> None:
    two = [_crop(["MP09347F"]), _crop(["44P09347F"])]
    assert cnvote.voted(two) is None
    assert cnvote.voted([*two, _crop(["MP09347F"], char="粤")]) is None  # two provinces
    assert cnvote.voted([*two, _crop(["MP09347F"], char=None)]) is None  # a crop not named
    split = [*two, _crop(["74P09347F"]), _crop(["MP09317F"]), _crop(["MP09317F"])]
    assert cnvote.voted(split) is None  # 3 crops against 2: not twice
    assert cnvote.voted([_crop(["MM39X4V"], lines=TWO)] * 3) is not None


def test_a_noise_row_retry_votes_not() -> None:
    cache: dict[str, object] = {}
    cnvote.heard(cache, "MP09347F", True)
    assert cache == {}
    cnvote.heard(cache, "SEER", False)
    cnvote.heard(cache, "MP09347F", False)
    assert cache == {"text": "SEER", "texts": ["SEER", "MP09347F"]}


def test_the_frame_reads_the_voted_plate_at_lone_from_its_first_voters_crop() -> None:
    reader = TesseractPlateReader(ResidentEngine(DEFAULT_TESSDATA))
    crops = [_crop(["MP09347F", "44P09347F"], lines=Lines("1-line", [], [], 8, (8,)))
             for _ in range(3)]
    reader._crops = {id(cache): (cache, lines) for cache, lines in crops}
    reader._where = {id(lines): (QUAD, FRAME, lines) for _, lines in crops}
    got = reader._province_voted()
    assert got is not None and got[0].cand.plate == "桂P09347F" and got[0].conf == LONE
    assert got[0].weak and got[0].classified and not got[0].sure and got[2] is FRAME
    other = CropRead(Candidate("桂P09317F", "CN", 0, 0), 0.3, "", "1-line")
    reader._heard = [(other, crops[0][1])]  # a crop read another Chinese plate: no vote
    assert reader._province_voted() is None
    reader._heard = [(replace(other, conf=0.27), crops[0][1])]  # under FLOOR: no plate
    assert reader._province_voted() is not None  # (check 桂L0Y0X2: a sign's 辽TALHLT at 0.27)
    # (a VN read of an issued code: 44P09347 is no plate since round 25, 44 is not issued)
    reader._heard = [(replace(other, cand=Candidate("74P09347", "VN", 0, 1)), crops[0][1])]
    assert reader._province_voted() is not None  # a VN read: the vote stands
    reader._where = {}  # a voter's crop the frame did not keep (a jittered look): none
    assert reader._province_voted() is None
