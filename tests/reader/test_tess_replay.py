"""scripts/tess_replay.py: captured Tesseract calls replayed under a setting tell which reads
move (none with the default), and the setting is put back afterwards."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "tess_replay.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tess_replay", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["tess_replay"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _row(text: str) -> np.ndarray:
    img = np.full((60, 40 + 32 * len(text)), 255, np.uint8)
    cv2.putText(img, text, (20, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3, cv2.LINE_AA)
    return img


@pytest.fixture(scope="module")
def recorded() -> tuple[ModuleType, ResidentEngine, list]:
    tool = _tool()
    engine = tool.Recording(ResidentEngine(DEFAULT_TESSDATA))
    engine.frame = "test"
    for text in ("51A12345", "29C98765"):
        engine.read(_row(text), script="latin")
    return tool, engine.inner, engine.calls


def test_recording_keeps_each_call(recorded: tuple[ModuleType, ResidentEngine, list]
                                   ) -> None:
    _, _, calls = recorded
    assert [(frame, script) for frame, script, _, _ in calls] == [("test", "latin")] * 2
    assert all(got.text for _, _, _, got in calls)


def test_a_setting_that_moves_reads_is_seen_and_put_back(
        recorded: tuple[ModuleType, ResidentEngine, list]) -> None:
    tool, engine, calls = recorded
    got = tool.replay(engine, calls, "tessedit_char_whitelist", "0123456789", reps=2)
    assert got["latin"].calls == 2
    assert got["latin"].unstable == 0  # the default reads as captured
    assert got["latin"].differ == 2  # no letter allowed: every plate reads otherwise
    assert got["latin"].default_ms > 0 and got["latin"].changed_ms > 0
    assert [engine.read(img, script=s) for _, s, img, _ in calls] == [c[3] for c in calls]


def test_the_default_moves_nothing(recorded: tuple[ModuleType, ResidentEngine, list]
                                   ) -> None:
    tool, engine, calls = recorded
    default = engine._get("latin").GetVariableAsString("tessedit_do_invert")  # type: ignore[attr-defined]
    got = tool.replay(engine, calls, "tessedit_do_invert", default, reps=1)
    assert (got["latin"].differ, got["latin"].unstable) == (0, 0)
