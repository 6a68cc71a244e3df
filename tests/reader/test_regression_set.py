"""The regression set: camera frames the reader once got wrong, kept as image files.

Why files and not seeds: a change to the scene generator would silently turn a seed into a
different (maybe easy) frame; the files pin the exact pixels that once failed. Each case in
``regression/cases.jsonl`` says what the frame shows and what went wrong before
(``was``). ``plate`` is what the reader must read now. A case with ``"must_not"`` lists reads
that were once reported (a painted phone number taken for a plate): the reader may report
the true plate or nothing, never those.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edge.reader import make_reader
from edge.reader.base import PlateReader
from smartgate.commands.read import load_image

HERE = Path(__file__).parent / "regression"
CASES: list[dict[str, Any]] = [json.loads(line) for line in
                               (HERE / "cases.jsonl").read_text(encoding="utf-8").splitlines()
                               if line.strip()]


@pytest.fixture(scope="module")
def reader() -> PlateReader:
    return make_reader(engine="resident")


def test_the_set_is_not_empty_and_every_image_exists() -> None:
    assert len(CASES) >= 10
    for case in CASES:
        assert (HERE / case["image"]).is_file(), case["image"]


@pytest.mark.parametrize("case", CASES, ids=[c["image"] for c in CASES])
def test_regression_case(reader: PlateReader, case: dict[str, Any]) -> None:
    read = reader.read(load_image(HERE / case["image"]))
    if case.get("must_not"):
        assert read.plate not in case["must_not"], case["was"]
        assert read.plate in (None, case["plate"])
    else:
        assert read.plate == case["plate"], f"{case['image']}: was {case['was']}"
        assert read.country == case["country"] and read.layout == case["layout"]
