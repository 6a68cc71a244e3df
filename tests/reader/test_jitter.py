"""A frame that reads nothing reads its likeliest candidate's quad moved a pixel or two,
and the plate most looks read stands at LONE (``jitter``; docs/reader-journal.md, round 19).

Why these tests: 桂U2A539's found quad (IoU 0.92 with the plate's) read nothing, where the
quad moved two pixels up, or warped with a 0.08 margin, read it; 12 of its 26 neighbours read
桂U2A539 and 4 read 吉U2A539. One look is a coin, the vote is not; but the looks are one
crop's neighbours, so the plate stays at LONE, and a frame that read anything keeps it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from scriptedreader import FRAME, scripted_read

from edge.reader import jitter, lastlooks
from edge.reader.base import Frame
from edge.reader.claims import LONE, CropRead
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.segment import Lines
from edge.reader.tesseract import TesseractPlateReader

QUAD = np.array([[10, 10], [50, 12], [50, 30], [10, 28]], np.float32)


def test_the_looks_move_the_quad_by_pixels_and_grow_its_margin() -> None:
    got = list(jitter.looks(QUAD))
    assert len(got) == len(jitter.LOOKS)
    assert got[0][1] == 0.08 and np.allclose(got[0][0], QUAD)
    assert np.allclose(got[1][0], QUAD + np.array([0, -2], np.float32))  # two pixels up
    for moved, _ in got:
        assert np.abs(moved - QUAD).max() <= 2.1  # never far from the found quad


def test_a_plate_needs_three_votes_and_twice_the_others_together() -> None:
    assert jitter.winner(Counter({"12DA885": 3}), 5) == "12DA885"
    assert jitter.winner(Counter({"12DA885": 3, "32D8885": 1}), 0) == "12DA885"
    assert jitter.winner(Counter({"12DA885": 3, "32D8885": 2}), 3) is False  # not yet
    assert jitter.winner(Counter({"12DA885": 3, "32D8885": 2}), 0) is None
    # 桂F930XD's looks: a wrong plate three times, five others once each (round 19).
    scattered = Counter({"桂F930X8": 3, "桂F930X6": 1, "甘F930X8": 1, "甘F936X5": 1,
                         "甘F930K5": 1, "甘F93635": 1})
    assert jitter.winner(scattered, 0) is None
    assert jitter.winner(Counter({"桂F930X8": 2, "桂F930X6": 1, "甘F930X8": 1,
                                  "甘F936X5": 1}), 3) is None  # 2 + 3 < 2 * 3: hopeless
    assert jitter.winner(Counter({"12DA885": 2}), 1) is False
    assert jitter.winner(Counter({"12DA885": 1}), 1) is None  # three can no longer be reached
    assert jitter.winner(Counter(), 2) is None
    assert jitter.winner(Counter(), len(jitter.LOOKS) - 2) is False
    assert jitter.winner(Counter(), len(jitter.LOOKS) - jitter.FIRST) is None  # none voted


def test_a_repaired_or_classifier_province_look_votes_not() -> None:
    assert jitter.counted(scripted_read("12DA885", 0.2)) == "12DA885"
    read = scripted_read("12DA885", 0.45)
    assert jitter.counted(CropRead(replace(read.cand, corrections=1), 0.45, "", "1-line")) is None
    assert jitter.counted(CropRead(read.cand, 0.6, "", "1-line", classified=True)) is None
    assert jitter.counted(None) is None


class _Jittered(TesseractPlateReader):
    """One plate-sized candidate that reads ``first``; its jittered looks read ``looks``."""

    def __init__(self, first: CropRead | None, looks: list[CropRead | None]) -> None:
        super().__init__(ResidentEngine(DEFAULT_TESSDATA))
        self.first, self.looks, self.calls = first, looks, 0

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        lines = Lines("1-line", [], [], 7)
        self._segmented.append((0.5, QUAD, lines))
        yield QUAD, frame, lines

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        self.calls += 1
        if self.calls == 1:
            return self.first
        return self.looks[self.calls - 2] if self.calls - 2 < len(self.looks) else None


@pytest.fixture
def sized(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lastlooks, "segment", lambda crop: Lines("1-line", [], [], 7))
    monkeypatch.setattr(lastlooks, "text_quad", lambda quad, lines, pad: None)


@pytest.mark.usefixtures("sized")
def test_a_frame_that_reads_nothing_reads_the_plate_its_looks_vote_for_at_lone() -> None:
    right, other = scripted_read("12DA885", 0.25), scripted_read("32D8885", 0.45)
    reader = _Jittered(None, [right, None, other, right, right])
    got = reader.read(FRAME)
    assert got.plate == "12DA885" and got.confidence == LONE
    assert reader.calls == 1 + 5  # stops at the third vote


@pytest.mark.usefixtures("sized")
def test_three_looks_reading_nothing_end_the_looks() -> None:
    right = scripted_read("12DA885", 0.45)
    reader = _Jittered(None, [None, None, None, right, right, right])
    assert reader.read(FRAME).plate is None
    assert reader.calls == 1 + jitter.FIRST


@pytest.mark.usefixtures("sized")
def test_looks_split_between_plates_read_nothing() -> None:
    a, b = scripted_read("12DA885", 0.45), scripted_read("32D8885", 0.45)
    assert _Jittered(None, [a, b, a, b, a, b, a, None]).read(FRAME).plate is None


@pytest.mark.usefixtures("sized")
def test_a_frame_that_read_a_plate_looks_not_again() -> None:
    right = scripted_read("12DA885", 0.45)
    reader = _Jittered(scripted_read("12DA886", LONE), [right] * 8)
    assert reader.read(FRAME).plate == "12DA886"
    assert reader.calls == 1


class _Dropped(_Jittered):
    """As ``_Jittered``, but each look's read is dropped (an evened crop's lone read)."""

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        got = super()._read_lines_all(lines)
        if self.calls == 1:
            return got
        self._dropped = got
        return None


def test_an_evened_looks_dropped_lone_read_votes(monkeypatch: pytest.MonkeyPatch) -> None:
    # 11V76298 (round 20): each look's crop evened out, its lone binary read dropped.
    monkeypatch.setattr(lastlooks, "segment",
                        lambda crop: Lines("1-line", [], [], 8, evened=True))
    monkeypatch.setattr(lastlooks, "text_quad", lambda quad, lines, pad: None)
    right = scripted_read("11V76298", 0.66)
    got = _Dropped(None, [right, None, right, right]).read(FRAME)
    assert got.plate == "11V76298" and got.confidence == LONE


def test_a_dropped_read_of_a_crop_not_evened_or_of_a_noise_row_votes_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    plain = Lines("1-line", [], [], 8)
    evened = Lines("1-line", [], [], 8, evened=True)
    read = scripted_read("11V76298", 0.66)
    assert jitter.dropped_vote(read, evened) is read
    assert jitter.dropped_vote(read, plain) is None
    assert jitter.dropped_vote(replace(read, kept=True), evened) is None
    assert jitter.dropped_vote(None, evened) is None
    monkeypatch.setattr(lastlooks, "segment", lambda crop: plain)
    monkeypatch.setattr(lastlooks, "text_quad", lambda quad, lines, pad: None)
    assert _Dropped(None, [read] * 8).read(FRAME).plate is None

