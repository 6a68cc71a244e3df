"""A frame's last word: the plate most of its crops read, where it believed no read over LONE
(``choose.plurality``; docs/reader-journal.md, round 17).

Why these tests: on the tuning, check and fresh seeds' hard VN misses, two crops of one frame
read the plate right, each alone or agreed where its look was not believed (11U9591's two
evened crops at 0.91 and 0.86, dropped; 12R5750 read by a candidate and a look after a lone
12R5759; 36E3998, a look's agreement and a later look's lone read, after a lone 66E3996;
29V9565, a look's repair-free agreement alone); repaired lone reads and reads longer or
shorter than their blobs made three wrong plates as votes (14K24294, 46Z7526 (no plate since
round 25: 46 is not issued; 26Z7526 here), 12F42890), a
twice-repaired agreement outvoted a pass frame's right lone read, and a Chinese plate's crops
share chi_sim's province, so a Chinese read votes only where the province classifier names
its province on its own crop (粤U413Y7 read 吉U413Y7 by every crop, the classifier naming none).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hardscene import hard_vn_scene
from scriptedreader import FRAME, ScriptedReader, plain_lines

from domain.plate_candidates import Candidate
from edge.reader import cnvouch, make_reader
from edge.reader.base import ACT
from edge.reader.choose import plurality as voters
from edge.reader.choose import votes
from edge.reader.claims import LONE, CropRead
from edge.reader.province import ProvinceGuess
from edge.reader.segment import Lines


def _read(plate: str, conf: float = 0.9, *, cost: int = 0, fits: bool = True,
          agreed: bool = False, country: str = "VN") -> CropRead:
    return CropRead(Candidate(plate, country, cost, 0), conf, plate, "1-line", fits=fits,
                    agreed=agreed)


LINES = Lines("1-line", [], [], 7)


def test_a_vote_is_a_vn_read_fitting_its_blobs_repair_free_or_agreed() -> None:
    assert votes(_read("11U9591"), LINES) == 1
    assert votes(_read("29V9565", 0.75, agreed=True), LINES) == 2  # two preprocessings
    # A repaired agreement is one vote (a pass's frame: a look's 'STH/-82.4.86', 57H82486,
    # outvoted the frame's right lone 51H82486 with two).
    assert votes(_read("36E3998", 0.75, cost=1, agreed=True), LINES) == 1
    # An agreement of more or fewer characters than its blobs (a tuning pass's frame: two
    # local looks agreed on 12Z18456 for 12Z18450 from 6 blobs each).
    assert votes(_read("12Z18456", 0.7, fits=False, agreed=True), LINES) == 0
    assert votes(_read("26Z7526", 0.76, cost=1), LINES) == 0  # a repaired lone read
    assert votes(_read("14K24294", 0.45, fits=False), LINES) == 0  # not its blobs' count
    assert votes(_read("11U9591", LONE - 0.01), LINES) == 0
    # A crop that cut a character reads a shorter plate (11B7314 for 11B73140, round 12).
    assert votes(_read("11B7314", 0.75, agreed=True), replace(LINES, cut=True)) == 0


@pytest.mark.parametrize(("guess", "n"), [
    (None, 0),  # no province glyph seen: chi_sim's province alone (吉U413Y7 for 粤U413Y7)
    (ProvinceGuess("粤", 0.9, 0.8), 0),  # another province
    (ProvinceGuess("吉", 0.6, 0.3), 0),  # the same, under CLASSIFIER_MARGIN
    (ProvinceGuess("吉", 0.9, 0.8), 2),  # two models name it: an agreement's two votes
])
def test_a_chinese_vote_needs_the_classifier_to_name_its_province(
        monkeypatch: pytest.MonkeyPatch, guess: ProvinceGuess | None, n: int) -> None:
    monkeypatch.setattr("edge.reader.choose.classified", lambda lines, cache: guess)
    assert votes(_read("吉U413Y7", 0.79, agreed=True, country="CN"), LINES) == n


def _heard(*reads: CropRead) -> list[tuple[CropRead, Lines]]:
    return [(r, LINES) for r in reads]


def plurality(heard: list[tuple[CropRead, Lines]], best: CropRead | None) -> str | None:
    """The plate ``choose.plurality``'s voters read (None: no plurality)."""
    got = voters(heard, best)
    assert len({r.cand.plate for r, _ in got}) <= 1
    return got[0][0].cand.plate if got else None


def test_the_voters_are_the_plates_voting_reads_in_the_order_heard() -> None:
    # Round 18: the caller takes the first voter's crop, and votes are counted once.
    a, b = _read("11U9591", 0.91), _read("11U9591", 0.86)
    heard = _heard(_read("11U9597", 0.5, cost=1), a, _read("11U9591", LONE - 0.01), b)
    assert [r for r, _ in voters(heard, None)] == [a, b]
    assert voters(heard[:2], None) == []


def test_a_chinese_vote_runs_the_classifier_once(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Lines] = []

    def guess(lines: Lines, cache: dict[str, object]) -> ProvinceGuess:
        asked.append(lines)
        return ProvinceGuess("吉", 0.9, 0.8)

    monkeypatch.setattr("edge.reader.choose.classified", guess)
    got = voters(_heard(_read("吉U413Y7", 0.79, agreed=True, country="CN")), None)
    assert len(got) == 1 and len(asked) == 1


def test_two_votes_for_one_plate_outvote_a_lone_read() -> None:
    two = _heard(_read("11U9591", 0.91), _read("11U9591", 0.86))
    assert plurality(two, None) == "11U9591"
    assert plurality(two[:1], None) is None  # one crop's lone read is no plurality
    assert plurality(_heard(_read("29V9565", 0.75, agreed=True)), None) == "29V9565"
    lone = _read("12R5759", LONE)
    assert plurality([*_heard(lone), *two], lone) == "11U9591"
    assert plurality(two, two[0][0]) is None  # the frame's best already
    # A tie, with another plate or with the frame's best, is no plurality.
    assert plurality([*two, *_heard(_read("11U9597"), _read("11U9597"))], None) is None
    assert plurality([*two, *_heard(lone, replace(lone))], lone) is None


def test_the_best_read_under_lone_of_the_plate_voted_for_is_lifted_to_lone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Round 21, fresh hard 湘VRJ71R: its best read, 湘VRJ71R at 0.26 (no plate), was the
    # plate two crops voted for; the plurality declined it as "the frame's best already",
    # and a jittered look's 湘VRJ7AR (0.45) took the frame.
    monkeypatch.setattr("edge.reader.choose.classified",
                        lambda lines, cache: ProvinceGuess("湘", 1.0, 1.0))
    two = _heard(_read("湘VRJ71R", LONE, country="CN"), _read("湘VRJ71R", LONE, country="CN"))
    low = _read("湘VRJ71R", 0.26, country="CN")
    assert plurality([*_heard(low), *two], low) == "湘VRJ71R"
    assert plurality(two, _read("湘VRJ71R", LONE, country="CN")) is None  # at LONE already
    assert plurality(two[:1], low) is None  # one vote is no plurality


def test_a_chinese_crop_alone_does_not_outvote_a_crop_the_frame_believed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("edge.reader.choose.classified",
                        lambda lines, cache: ProvinceGuess("桂", 1.0, 1.0))
    # An easy tuning frame: one crop agreed on 桂J93203 (two votes), the frame's right lone
    # 桂J9320J one vote: one crop against one, its chi_sim row read shared.
    lone = _read("桂J9320J", LONE, country="CN")
    one = _read("桂J93203", 0.75, agreed=True, country="CN")
    assert plurality(_heard(lone, one), lone) is None
    assert plurality(_heard(one), None) == "桂J93203"  # nothing believed: it stands
    # Two crops against one (云T7U75T over a lone 云ETU75T, an easy check frame).
    monkeypatch.setattr("edge.reader.choose.classified",
                        lambda lines, cache: ProvinceGuess("云", 1.0, 1.0))
    lone = _read("云ETU75T", LONE, country="CN")
    two = [_read("云T7U75T", 0.75, agreed=True, country="CN"),
           _read("云T7U75T", LONE, country="CN")]
    assert plurality(_heard(lone, *two), lone) == "云T7U75T"


class _Heard(ScriptedReader):
    """Scripted candidates whose reads are dropped (``None``) but heard as scripted."""

    def __init__(self, heard: list[CropRead]) -> None:
        super().__init__([None] * len(heard))  # type: ignore[list-item]
        self.heard = heard

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        got = super()._read_lines_all(lines)
        self._heard.append((self.heard[self.read_count - 1], lines))
        return got


@pytest.mark.usefixtures("plate_sized")
def test_a_frame_that_believed_nothing_reads_its_crops_plurality_at_lone() -> None:
    lines = [Lines("1-line", [], [], 8) for _ in range(3)]
    reader = _Heard([_read("11U9591", 0.91), _read("11U9597", 0.5), _read("11U9591", 0.86)])
    reader.lines_of = lines.__getitem__
    got = reader.read(FRAME)
    assert got.plate == "11U9591" and got.confidence == LONE
    reader = _Heard([_read("11U9591", 0.91), _read("11U9597", 0.5)])
    reader.lines_of = plain_lines
    assert reader.read(FRAME).plate is None


@pytest.mark.parametrize(("seed", "layout", "plate"), [
    (100003044, "2-line", "11U9591"),  # tuning: two evened crops' lone reads, dropped
    (77802349, "1-line", "36E3998"),  # tuning: a look's agreement, a later look's lone read
    (123503775, "2-line", "12R5750"),  # check: a candidate and a look, over a lone 12R5759
    (55601739, "2-line", "29V9565"),  # check: a look agreed at 0.75, nothing else read
])
def test_the_hard_frames_read_right_under_the_band(seed: int, layout: str, plate: str) -> None:
    image, _, truth = hard_vn_scene(seed, layout)
    assert truth == plate
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence == LONE


@pytest.mark.parametrize(("seed", "plate"), [
    (100003055, "云T0N459"),  # tuning: a blob agreed at 0.81, alone
    (123503735, "粤U413Y7"),  # check: three looks read 吉U413Y7 (no vote), a blob 粤 at 0.84
    (515115488, "桂B93021D"),  # fresh: two blobs agreed at 0.81 and 0.65
])
def test_the_hard_chinese_frames_read_right_under_the_band(seed: int, plate: str) -> None:
    image, _, truth = hard_vn_scene(seed, "1-line", "CN")
    assert truth == plate
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence == LONE


def test_a_hard_frame_whose_best_under_lone_is_the_plurality_reads_it_at_lone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    image, _, truth = hard_vn_scene(515115503, "2-line", "CN")  # fresh (round 21)
    assert truth == "湘VRJ71R"
    # Round 26: a crop's bottom row vouched by eng and the Latin classifier (``cnvouch``)
    # reads this frame right at 0.79 before the plurality is asked; the plurality's premise
    # is the reader without it (the vouched read is checked below).
    monkeypatch.setattr(cnvouch, "ENABLED", False)
    got = make_reader(engine="resident").read(image)
    assert got.plate == truth and got.confidence == LONE
    monkeypatch.setattr(cnvouch, "ENABLED", True)
    vouched = make_reader(engine="resident").read(image)
    assert vouched.plate == truth and LONE < vouched.confidence < ACT
