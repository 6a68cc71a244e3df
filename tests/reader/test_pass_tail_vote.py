"""Round 20: a pass whose frames read one glyph of a 2-row Chinese tail apart (川GNB0F0: 6, 9,
9, 6, 0) judged across the frames by the Latin classifier on their crops
(``edge.reader.tailvote``), at the end of the second look."""

from __future__ import annotations

import numpy as np
import pytest
from passglyphs import SameLook, classifier, tail_crop

from bench.ocr import lane_decisions
from edge.reader import latin, rivalglyph, tailvote
from edge.reader.base import FrameRead
from edge.reader.consensus import UNCONFIRMED

PLATE = "川GNB0F0"


def _crop() -> np.ndarray:
    return tail_crop("NB0F0")


def _cn(plate: str | None, conf: float = 0.75) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "2-line" if plate else None,
                     "CN" if plate else None, crop=_crop() if plate else None)


def _reads() -> list[FrameRead]:
    """Seed 1003's 川GNB0F0 (round 20): each frame at 0.75, the fourth glyph a coin."""
    return [_cn("川GNB6F0"), _cn("川GNB9F0"), _cn("川GNB9F0"), _cn("川GNB6F0"), _cn(PLATE)]


def test_the_crop_tail_is_five_glyphs() -> None:
    assert len(rivalglyph.tail_glyphs(_crop())) == 5


def test_the_lane_decides_the_split_glyph_the_classifier_names(
        monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads()
    images = list(range(len(reads)))
    monkeypatch.setattr(latin, "guesses", classifier("0", 0.7))
    assert lane_decisions(reads, images=images, look=SameLook(reads)) == [], "under latin.TRUST"
    monkeypatch.setattr(latin, "guesses", classifier("0"))
    got = lane_decisions(reads, images=images, look=SameLook(reads))
    assert [d.plate for d in got] == [PLATE] and got[0].confidence <= UNCONFIRMED


def test_a_character_no_frame_read_there_decides_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(latin, "guesses", classifier("8"))
    assert tailvote.voted(_reads(), min_agree=2) is None


def test_a_plate_no_frame_read_whole_decides_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = [_cn("川GNB6F0"), _cn("川GNB0F8"), _cn("川GNB6F8"), _cn(None), _cn(None)]
    monkeypatch.setattr(latin, "guesses", classifier("0"))
    assert tailvote.voted(reads, min_agree=2) is None


def test_a_sure_read_of_another_plate_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads()
    reads[0] = _cn("川GNB6F0", 0.9)
    monkeypatch.setattr(latin, "guesses", classifier("0"))
    assert tailvote.voted(reads, min_agree=2) == PLATE
    assert tailvote.decided(reads, min_agree=2) is None


def test_frames_of_other_rows_or_lengths_decide_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(latin, "guesses", classifier("0"))
    one_row = FrameRead("川GNB6F0", 0.75, "", "1-line", "CN", crop=_crop())
    assert tailvote.voted([*_reads()[:4], one_row], min_agree=2) is None
    assert tailvote.voted([_cn("川GNB6F0"), _cn("川GNB0F0"), _cn("川GNB0F00")],
                          min_agree=2) is None


def test_no_classifier_decides_nothing_and_raises_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A lane with no training fonts has no Latin classifier (``latin.guesses`` is None): the
    # split pass stays with the officer (it once indexed an empty list of names).
    monkeypatch.setattr(latin, "guesses", lambda images, classify=None: None)
    assert tailvote.voted(_reads(), min_agree=2) is None
    assert tailvote.decided(_reads(), min_agree=2) is None
