"""Round 19: a pass whose frames share one rival coin flip (a 2-row Chinese tail the two
models read apart at one glyph) judged across the frames by the Latin classifier on their
crops (``edge.reader.rivalglyph``), at the end of the second look."""

from __future__ import annotations

import numpy as np
import pytest
from passglyphs import SameLook, classifier, tail_crop

from bench.ocr import lane_decisions
from edge.reader import latin, rivalglyph
from edge.reader.base import FrameRead
from edge.reader.consensus import UNCONFIRMED
from edge.reader.second_look import decide

PLATE, RIVAL = "川Q7ET84", "川QTET84"


def _crop() -> np.ndarray:
    return tail_crop("Q7ET8")


def _cn(plate: str | None, conf: float = 0.0, rival: str | None = None) -> FrameRead:
    return FrameRead(plate, conf if plate else 0.0, plate or "", "2-line" if plate else None,
                     "CN" if plate else None, crop=_crop() if plate else None, rival=rival)


def _reads() -> list[FrameRead]:
    """Seed 1002's 川Q7ET84: three frames of it (0.69-0.75) and one of 川QPET84, each with the
    other model's 川QTET84 as its rival; the fifth frame read nothing."""
    return [_cn(PLATE, 0.75, RIVAL), _cn(PLATE, 0.69, RIVAL), _cn("川QPET84", 0.75, RIVAL),
            _cn(PLATE, 0.70, RIVAL), _cn(None)]


def test_the_crop_tail_is_five_glyphs() -> None:
    assert len(rivalglyph.tail_glyphs(_crop())) == 5


def test_a_shared_coin_flip_the_classifier_settles_is_decided(
        monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads()
    looks = [[r, r] for r in reads]
    assert decide(reads, looks) is None, "the rival halves every frame"
    monkeypatch.setattr(latin, "guesses", classifier("7"))
    got = rivalglyph.decided(reads, looks, min_agree=2)
    assert got is not None and got.plate == PLATE and got.confidence <= UNCONFIRMED


def test_the_lane_decides_it_at_the_second_look_end(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads()
    images = list(range(len(reads)))
    assert lane_decisions(reads, images=images, look=SameLook(reads)) == []
    monkeypatch.setattr(latin, "guesses", classifier("7"))
    got = lane_decisions(reads, images=images, look=SameLook(reads))
    assert [d.plate for d in got] == [PLATE] and got[0].confidence <= UNCONFIRMED


def test_a_hesitant_or_opposing_classifier_decides_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads()
    looks = [[r, r] for r in reads]
    monkeypatch.setattr(latin, "guesses", classifier("7", 0.7))
    assert rivalglyph.decided(reads, looks, min_agree=2) is None, "under latin.TRUST"
    monkeypatch.setattr(latin, "guesses", classifier("T"))
    assert rivalglyph.judged(reads) is None, "the rival's character: a coin flip after all"


def test_one_judged_frame_is_not_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = [_cn(PLATE, 0.75, RIVAL), _cn(PLATE, 0.75), _cn(RIVAL, 0.75), _cn(None),
             _cn(None)]
    monkeypatch.setattr(latin, "guesses", classifier("7"))
    assert rivalglyph.judged(reads) is None
