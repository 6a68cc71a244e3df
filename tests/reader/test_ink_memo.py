"""A row's ink labelled once (``edge/reader/inkmemo.py``, round 25, speed): the glyph
columns, the province cutter, a glyph window's components and a Latin classifier batch are
computed once for an identical input and answered again from what was kept, the same
answers as computing them afresh; another input is computed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import pytest

from edge.reader import dropped, glyphcut, inkmemo, rowcut
from edge.reader.glyphs import LATIN
from edge.reader.latin import LatinClassifier, blob_image, training_set
from smartgate.scenes.plates import LATIN_FONTS


def _row(text: str = "51D74311") -> np.ndarray:
    """A binary line image of dark glyphs on white, 60 px characters."""
    img = np.full((90, 60 * len(text) + 40), 255, np.uint8)
    cv2.putText(img, text, (20, 75), cv2.FONT_HERSHEY_SIMPLEX, 2.4, 0, 7)
    return img


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    for memo in (dropped._COLUMNS, glyphcut._CUTS, rowcut._WINDOWS):
        memo.clear()
    yield


def _counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """A list that grows by one at each call of OpenCV's ``name`` (which still runs)."""
    calls: list[int] = []
    real = getattr(cv2, name)

    def counted(*a: Any, **k: Any) -> Any:
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(cv2, name, counted)
    return calls


@pytest.fixture
def labels(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts OpenCV's connected-components calls (every memo above labels through it)."""
    return _counted(monkeypatch, "connectedComponentsWithStats")


def test_a_row_s_columns_are_labelled_once_and_read_the_same(
        labels: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    row = _row()
    first = dropped.columns(row, 0, row.shape[1])
    again = dropped.columns(row.copy(), 0, row.shape[1])  # another array, the same bytes
    assert len(labels) == 1
    assert first == again and len(first) == 8
    with monkeypatch.context() as m:
        m.setattr(inkmemo, "ENABLED", False)
        assert dropped.columns(row, 0, row.shape[1]) == first  # computed afresh: the same
    assert len(labels) == 2
    dropped.columns(row, 0, row.shape[1] // 2)  # other bounds: labelled
    dropped.columns(_row("51D74312"), 0, row.shape[1])  # another row: labelled
    assert len(labels) == 4


def test_a_caller_cannot_change_what_the_next_one_gets(labels: list[int]) -> None:
    row = _row()
    cols = dropped.columns(row, 0, row.shape[1])
    cols.clear()
    assert len(dropped.columns(row, 0, row.shape[1])) == 8
    found = glyphcut._cuts(row)
    assert found is not None and not found[0].flags.writeable
    assert glyphcut._cuts(row) is found
    assert glyphcut.province_edge(row) == found[3][0]
    assert len(labels) == 2  # the columns once, the cutter once


def test_a_glyph_window_is_labelled_once(labels: list[int]) -> None:
    row = _row()
    cx = 20 + 30
    blobs = [b.copy() for b in rowcut.glyphs_at(row, cx)]
    again = list(rowcut.glyphs_at(row, cx))
    assert len(labels) == 1 and len(blobs) == 1
    assert all(np.array_equal(a, b) for a, b in zip(blobs, again, strict=True))


def test_a_latin_batch_asked_again_is_not_searched_again(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    clf = LatinClassifier()
    norms, ys = training_set([LATIN_FONTS[0]], 1, 3)
    blobs = [blob_image((n < 128).astype(np.uint8)) for n in norms[:8]]
    searched = _counted(monkeypatch, "batchDistance")
    first = clf.classify(blobs)
    again = clf.classify([b.copy() for b in blobs])
    assert len(searched) == 1 and again == first
    assert [g.char for g in first] == [LATIN[y] for y in ys[:8]]
    assert clf.classify(blobs[::-1]) == first[::-1]  # the same glyphs in another order:
    assert len(searched) == 1  # each glyph kept on its own since round 28 (test_glyph_memo)
