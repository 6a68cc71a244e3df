"""Fixtures shared by the reader's tests."""

from __future__ import annotations

import pytest

from edge.reader import lastlooks, textquad
from edge.reader.segment import Lines


@pytest.fixture
def plate_sized(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every crop the last looks cut segments as one plate-sized row (8 characters), and the
    text blobs rank in the order given: the looks' rules tested on scripted reads."""
    for module in (lastlooks, textquad):
        monkeypatch.setattr(module, "segment", lambda crop: Lines("1-line", [], [], 8, (8,)))
    monkeypatch.setattr(textquad, "likeness", lambda lines, crop, i: 0.5 - 0.1 * i)
