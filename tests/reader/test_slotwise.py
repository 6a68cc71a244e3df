"""A crop's three preprocessings naming three plates, but each character two by two
(``slotwise``; docs/reader-journal.md, round 18b).

Why these tests: the easy 桂Y0V1V6's outline look read 桂Y0V1VG (grey), 桂Y0V1V6 (binary) and
桂Y0VAV6 (adaptive), every read at 0.467, and the frame read nothing; the binary read's every
character is another preprocessing's too. The rule is the frame's last word: at LONE, only
where nothing read, repair-free and fitting, and a Chinese province only the classifier's.
"""

from __future__ import annotations

import pytest
from scriptedreader import FRAME, ScriptedCrop, ScriptedReader

from domain.plate_candidates import Candidate
from edge.reader import slotwise
from edge.reader.claims import LONE, CropRead
from edge.reader.province import ProvinceGuess
from edge.reader.segment import Lines

LINES = Lines("2-line", [], [], 7, (2, 5))


def _read(plate: str, conf: float = 0.467, *, cost: int = 0, fits: bool = True) -> CropRead:
    country = "VN" if plate[0].isdigit() else "CN"
    return CropRead(Candidate(plate, country, cost, 0), conf, plate, "2-line", fits=fits)


def test_the_read_every_slot_of_which_another_read_holds_stands_at_lone() -> None:
    got = slotwise.majority([_read("桂Y0V1VG"), _read("桂Y0V1V6", 0.6), _read("桂Y0VAV6")])
    assert got is not None and got.cand.plate == "桂Y0V1V6" and got.conf == LONE
    assert not got.sure


@pytest.mark.parametrize("reads", [
    ["桂Y0V1VG", "桂Y0V1V6"],  # two reads: no third to break a slot
    ["桂Y0V1VG", "桂Y0V1V6", "桂Y0V1V6"],  # two agree: the pair rule's, not this one's
    ["桂Y0V1VG", "桂Y0V1V6", "桂Y0V1V"],  # lengths differ: the slots do not line up
    ["桂Y0V1VG", "桂Y0V2V6", "桂Y0VAV8"],  # slot 5 three ways
    ["桂Y0V1VG", "桂Y1V1V6", "桂Y0VAV6"],  # the voted 桂Y0V1V6 is no read's own
])
def test_no_majority_read(reads: list[str]) -> None:
    assert slotwise.majority([_read(p) for p in reads]) is None


def test_a_repaired_unfitting_or_unconfident_majority_read_stands_not() -> None:
    assert slotwise.majority([_read("桂Q5LEXU", 0.0), _read("桂Q5LEXL", 0.0),
                              _read("桂QSLEXU", 0.0)]) is None
    assert slotwise.majority([_read("桂Y0V1VG"), _read("桂Y0V1V6", cost=1),
                              _read("桂Y0VAV6")]) is None
    assert slotwise.majority([_read("桂Y0V1VG"), _read("桂Y0V1V6", fits=False),
                              _read("桂Y0VAV6")]) is None


@pytest.mark.parametrize(("guess", "kept"), [
    (ProvinceGuess("桂", 1.0, 0.9), True),
    (None, False),  # no province glyph seen: the three reads share one chi_sim province
    (ProvinceGuess("粤", 0.9, 0.8), False),
    (ProvinceGuess("桂", 0.6, 0.3), False),  # under CLASSIFIER_MARGIN
])
def test_a_chinese_majority_needs_the_classifier_to_name_its_province(
        monkeypatch: pytest.MonkeyPatch, guess: ProvinceGuess | None, kept: bool) -> None:
    monkeypatch.setattr("edge.reader.slotwise.classified", lambda lines, cache: guess)
    got = slotwise.chosen([(_read("桂Y0V1V6", LONE), LINES)])
    assert (got is not None) == kept


def test_two_crops_majorities_of_two_plates_name_none() -> None:
    vn = Lines("1-line", [], [], 8)
    assert slotwise.chosen([(_read("29Z54090", LONE), vn), (_read("29Z54098", LONE), vn)]) is None
    assert slotwise.chosen([(_read("29Z54090", LONE), vn), (_read("29Z54090", LONE), vn)])


def test_the_crop_logs_its_majority_and_returns_its_lone_read() -> None:
    crop = ScriptedCrop({"gray": _read("12Y0V1VG"), "binary": _read("12Y0V1V6", 0.5),
                         "adaptive": _read("12Y0VAV6", 0.6)})
    got = crop._read_lines_all(LINES)
    assert got is not None and got.cand.plate == "12Y0VAV6" and got.conf == LONE
    assert [r.cand.plate for r, _ in crop._slotwise] == ["12Y0V1V6"]


def test_the_floor_is_the_frames_least_plate() -> None:
    from edge.reader.tesseract import MIN_CONFIDENCE
    assert slotwise.FLOOR == MIN_CONFIDENCE


class _Voted(ScriptedReader):
    """Scripted candidates, each logging a slot-majority read as ``_judged`` would."""

    def __init__(self, reads: list[CropRead | None], voted: list[CropRead | None]) -> None:
        super().__init__(reads)  # type: ignore[arg-type]
        self.voted = voted

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        got = super()._read_lines_all(lines)
        if (v := self.voted[self.read_count - 1]) is not None:
            self._slotwise.append((v, lines))
        return got


@pytest.mark.usefixtures("plate_sized")
def test_a_frame_that_reads_nothing_reads_its_crops_slot_majority_at_lone() -> None:
    lines = [Lines("1-line", [], [], 8) for _ in range(2)]
    voted = _read("29Z54090", LONE)
    reader = _Voted([None, None], [None, voted])
    reader.lines_of = lines.__getitem__
    got = reader.read(FRAME)
    assert got.plate == "29Z54090" and got.confidence == LONE
    # A read under MIN_CONFIDENCE is no plate: the frame still reads nothing (云Q5LEXL).
    reader = _Voted([_read("29Z54098", 0.1), None], [None, voted])
    reader.lines_of = lines.__getitem__
    assert reader.read(FRAME).plate == "29Z54090"
    # A frame that read a plate keeps it, even a lone one.
    reader = _Voted([_read("29Z54098", LONE), None], [None, voted])
    reader.lines_of = lines.__getitem__
    assert reader.read(FRAME).plate == "29Z54098"
