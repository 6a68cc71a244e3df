"""A plate whose end a headlight's glare washed out is segmented whole by its local contrast,
and what such a crop reads never ends the search nor reaches the band (round 11)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from scriptedreader import ScriptedReader, scripted_read

from edge.reader import segment as seg
from edge.reader.claims import REJOINED
from edge.reader.contrast import local_mask
from edge.reader.segment import Lines, segment


def _glared_plate() -> np.ndarray:
    """12S-437.15's characters dark on a light plate, glare added over the last three (as on
    tuning seed 4242's hard frame: ink there a light grey, one threshold loses it)."""
    h, w = 120, 560
    img = np.full((h, w), 225, np.uint8)
    cv2.rectangle(img, (6, 6), (w - 7, h - 7), 30, 4)
    for i, ch in enumerate("12S43715"):
        cv2.putText(img, ch, (40 + 62 * i, 92), cv2.FONT_HERSHEY_SIMPLEX, 2.6, 35, 9,
                    cv2.LINE_AA)
    yy, xx = np.mgrid[0:h, 0:w]
    glare = 150.0 * np.exp(-((xx - 470) ** 2 + 0.3 * (yy - 60) ** 2) / (2 * 80.0 ** 2))
    grey = np.clip(img.astype(np.float32) + glare, 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), np.uint8)


def test_the_glared_end_is_found_by_the_local_contrast_look() -> None:
    lines = segment(_glared_plate())
    assert lines is not None and lines.row_chars == (8,)
    assert lines.local and lines.evened


def test_without_the_local_look_the_glared_end_is_lost(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setattr(seg, "LOCAL_FROM", seg.LOCAL_TO)  # never asked
    lines = segment(_glared_plate())
    assert lines is not None and lines.chars < 8 and not lines.local


def test_a_plain_margin_is_no_ink() -> None:
    # A crop of paper with faint texture only: its local contrast is under the floor
    # everywhere, so no pixel is ink (noise is not blown up into characters).
    rng = np.random.default_rng(7)
    paper = np.clip(200 + rng.normal(0, 3, (120, 400)), 0, 255).astype(np.uint8)
    paper[:, :40] = 20  # a dark strip: the crop's strong contrast, far from the texture
    for dark_text in (True, False):
        _, mask, _ = local_mask(paper, dark_text=dark_text)
        assert cv2.countNonZero(mask[:, 120:]) == 0


def _local_first(i: int) -> Lines:
    """The first candidate was segmented by the local-contrast look."""
    return Lines("1-line", [], [], 7, evened=i == 0, local=i == 0)


def test_a_local_contrast_read_never_ends_the_search_nor_reaches_the_band() -> None:
    # Measured (round 11): a quad cutting off a plate's last character, segmented by the
    # local look as 7 characters, read 11L9356 at 0.96 for 11L93569, where a plainly
    # segmented candidate read it right at 0.75.
    frame = np.full((64, 64, 3), 128, np.uint8)
    reader = ScriptedReader([scripted_read("11L9356", 0.96, agreed=True),
                             scripted_read("11L93569", 0.75, agreed=True)], _local_first)
    got = reader.read(frame)
    assert reader.read_count == 2
    assert got.plate == "11L93569" and got.confidence == 0.75
    alone = ScriptedReader([scripted_read("11L9356", 0.96, agreed=True)], _local_first).read(frame)
    assert alone.plate == "11L9356" and alone.confidence == REJOINED
