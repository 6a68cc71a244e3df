"""A frame whose candidates read nothing has its plate-sized candidates read again from quads
fitted to their own characters (``textquad``), those reads under the band (round 13: glare or
blur frames and quads cut short at one corner, which read nothing from 7-8 found characters)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import cv2
import numpy as np
import pytest
from scriptedreader import FRAME, ScriptedReader, scripted_read

from edge.reader import jitter, lastlooks
from edge.reader.base import ACT, Frame
from edge.reader.claims import CropRead
from edge.reader.localise import rectify
from edge.reader.outline import PAD
from edge.reader.segment import Lines, segment
from edge.reader.textquad import text_quad

#: The plate's corners in the generated frame: a plate seen obliquely (its right end nearer).
PLATE = np.array([[200, 210], [520, 190], [522, 262], [198, 268]], np.float32)


def _frame() -> Frame:
    """A light plate with 21A41964 in dark print, warped into a mid-grey frame at PLATE."""
    h, w = 120, 560
    plate = np.full((h, w), 215, np.uint8)
    cv2.rectangle(plate, (4, 4), (w - 5, h - 5), 40, 4)
    for i, ch in enumerate("21A41964"):
        cv2.putText(plate, ch, (40 + 62 * i, 92), cv2.FONT_HERSHEY_SIMPLEX, 2.6, 35, 9,
                    cv2.LINE_AA)
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(src, PLATE)
    frame = cv2.warpPerspective(plate, m, (720, 480), borderValue=110)
    return np.asarray(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR), np.uint8)


def _heights(lines: Lines) -> tuple[float, float]:
    """The first and the last character's height in the row (crop pixels)."""
    row = max(lines.boxes, key=len)
    return row[0][3], row[-1][3]


def test_a_quad_cut_at_a_corner_is_fitted_to_the_characters_top_and_bottom_lines() -> None:
    frame = _frame()
    cut = PLATE.copy()
    cut[0] = (200, 230)  # the top-left corner 20 px down the plate's side (glare ate it)
    crop = rectify(frame, cut, pad=PAD)
    lines = segment(crop)
    assert lines is not None and lines.chars == 8
    first, last = _heights(lines)
    assert first / last > 1.25  # the cut quad stretches the near end's characters
    fitted = text_quad(cut, lines, PAD)
    assert fitted is not None
    again = segment(rectify(frame, fitted, pad=PAD))
    assert again is not None and again.chars == 8
    first, last = _heights(again)
    assert abs(first / last - 1) < 0.12  # upright and even, end to end
    # The fitted quad covers the plate's text: every character's centre lies inside it.
    for x in np.linspace(235, 490, 6):
        y = float(np.interp(x, [200, 520], [240, 228]))
        assert cv2.pointPolygonTest(fitted.reshape(-1, 1, 2), (float(x), y), False) > 0


def test_too_few_characters_fit_no_lines() -> None:
    assert text_quad(PLATE, Lines("1-line", [], [], 3, (3,), boxes=(((1, 1, 5, 9),) * 3,)),
                     PAD) is None
    assert text_quad(PLATE, Lines("1-line", [], [], 8, (8,)), PAD) is None  # no boxes


class _Segmented(ScriptedReader):
    """One candidate, recorded as a plate-sized segmented one; the reads as scripted (the
    candidate's, then the text looks')."""

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        quad = np.array([[0, 0], [9, 0], [9, 9], [0, 9]], np.float32)
        lines = Lines("1-line", [], [], 8, (8,))
        self._segmented.append((0.5, quad, lines))
        yield quad, frame, lines


def _looked(monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    """Text quads fitted by the reader (recorded), each segmented as 8 characters."""
    fitted: list[np.ndarray] = []

    def fit(quad: np.ndarray, lines: Lines, pad: float) -> np.ndarray:
        fitted.append(quad)
        return quad

    monkeypatch.setattr(lastlooks, "text_quad", fit)
    monkeypatch.setattr(lastlooks, "segment", lambda crop: Lines("1-line", [], [], 8, (8,)))
    return fitted


def test_a_frame_that_read_nothing_reads_its_candidates_text_quads_under_the_band(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fitted = _looked(monkeypatch)
    none: CropRead | None = None
    reader = _Segmented([none, scripted_read("12KT662", 0.99, agreed=True)])  # type: ignore[list-item]
    got = reader.read(FRAME)
    assert len(fitted) == 1 and reader.read_count == 2
    assert got.plate == "12KT662" and got.confidence == ACT - 0.01


def test_a_frame_that_read_its_plate_pays_no_text_look(monkeypatch: pytest.MonkeyPatch) -> None:
    fitted = _looked(monkeypatch)
    got = _Segmented([scripted_read("21A41964", 0.62)]).read(FRAME)
    assert got.plate == "21A41964" and fitted == []


def test_a_looks_lone_doubted_read_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    # Measured (round 13, tuning): the looks' lone, unsure reads named 11V76258 for
    # 11V76298 and 桂S936X5 for 桂F930XD; a plate-free frame's look read 川NTUYEN.
    _looked(monkeypatch)
    none: CropRead | None = None
    # ... then, the frame reading nothing, its candidate's jittered looks (round 19) read
    # nothing either: the frame still reads nothing.
    looks = [none] * jitter.FIRST
    got = _Segmented([none, scripted_read("11V76258", 0.45), *looks]).read(FRAME)  # type: ignore[list-item]
    assert got.plate is None


def test_only_a_sure_look_replaces_the_frames_lone_read(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    _looked(monkeypatch)
    lone = scripted_read("桂FTCW39", 0.41)
    agreed = scripted_read("桂FECW39", 0.77, agreed=True)  # measured: a right read replaced
    assert _Segmented([lone, agreed]).read(FRAME).plate == "桂FTCW39"
    sure = replace(scripted_read("11U43067", 0.99), sure=True)
    got = _Segmented([scripted_read("川UUUTAL", 0.45), sure]).read(FRAME)
    assert got.plate == "11U43067" and got.confidence == ACT - 0.01
