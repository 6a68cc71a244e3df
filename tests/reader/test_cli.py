"""``smartgate read`` and ``smartgate scenes``: JSON lines, bad files reported, nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from smartgate.commands import read, scenes


def test_scenes_then_read_a_folder_with_bad_files(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "set"
    assert scenes.main(["--out", str(out), "--count", "3", "--seed", "4", "--negatives", "1"]) == 0
    labels = [json.loads(line) for line in (out / "labels.jsonl").read_text().splitlines()]
    assert len(labels) == 4 and labels[-1]["plate"] is None
    (out / "empty.jpg").write_bytes(b"")
    (out / "text.png").write_text("hello")
    (out / "trunc.jpg").write_bytes((out / "00000.jpg").read_bytes()[:3000])
    bomb = np.zeros((7000, 7000), np.uint8)  # 49 Mpx, compresses to a few kB
    cv2.imwrite(str(out / "bomb.png"), bomb)
    capsys.readouterr()
    assert read.main([str(out), str(tmp_path / "missing.jpg")]) == 1
    rows = {Path(r["image"]).name: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    for name in ("empty.jpg", "text.png", "trunc.jpg", "bomb.png", "missing.jpg"):
        assert rows[name]["error"] and rows[name]["plate"] is None
    assert "too large" in rows["bomb.png"]["error"]
    good = [r for r in rows.values() if "error" not in r]
    assert len(good) == 4  # every readable image still got its line
    for row in good:
        assert set(row) >= {"image", "plate", "confidence", "layout", "country", "ms"}
    truth = {lab["image"]: lab["plate"] for lab in labels}
    assert rows["neg_00000.jpg"]["plate"] is None
    assert sum(rows[n]["plate"] == truth[n] for n in truth) >= 3


def test_scenes_passes_write_five_frames_each(tmp_path: Path) -> None:
    assert scenes.main(["--out", str(tmp_path), "--count", "2", "--seed", "1", "--passes",
                        "--difficulty", "hard"]) == 0
    labels = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert len(labels) == 10 and {lab["pass"] for lab in labels} == {0, 1}
    assert len({lab["plate"] for lab in labels if lab["pass"] == 0}) == 1
