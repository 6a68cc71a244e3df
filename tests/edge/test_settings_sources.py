"""Settings refuse demo defaults in production; sources group, order and survive bad input."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
from pydantic import ValidationError

from edge.settings import EdgeSettings
from edge.sources import Captured, FolderSource, PassEnd, VideoSource, make_source


def test_production_refuses_demo_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as exc:
        EdgeSettings(env="production")
    text = str(exc.value)
    assert "SG_EDGE_DEVICE_SECRET" in text and "SG_EDGE_CENTRE_PUBLIC_KEYS" in text
    monkeypatch.setenv("SG_EDGE_ENV", "production")
    monkeypatch.setenv("SG_EDGE_DEVICE_SECRET", "a-real-secret-of-enough-length")
    monkeypatch.setenv("SG_EDGE_CENTRE_PUBLIC_KEYS", '{"centre-1": "abc"}')
    monkeypatch.setenv("SG_EDGE_MQTT_URL", "mqtt://cam:pw@broker:1883")
    monkeypatch.setenv("SG_EDGE_LANE_ID", "hn1119-n1")
    s = EdgeSettings()
    assert s.env == "production" and s.centre_public_keys == {"centre-1": "abc"}
    assert s.lane_id == "hn1119-n1"
    with pytest.raises(ValidationError):
        EdgeSettings(lane_id="lane/+/#")


def _jpeg(value: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", np.full((40, 60, 3), value, np.uint8))
    assert ok
    return buf.tobytes()


def test_folder_groups_passes_in_frame_order_and_skips_corrupt_files(tmp_path: Path) -> None:
    for name in ("b_10.jpg", "b_9.jpg", "a_1.jpg", "a_0.jpg", "loose.jpg"):
        (tmp_path / name).write_bytes(_jpeg(100))
    (tmp_path / "bad_0.jpg").write_bytes(b"nope")
    (tmp_path / ".half_0.jpg.tmp").write_bytes(b"partial")
    (tmp_path / "a.end").write_bytes(b"")
    src = FolderSource(tmp_path)
    items = list(src.frames(threading.Event()))
    names = [i.name if isinstance(i, Captured) else f"END:{i.group}" for i in items]
    assert names == ["END:a", "a_0.jpg", "a_1.jpg", "b_9.jpg", "b_10.jpg", "loose.jpg"]
    assert [i.group for i in items if isinstance(i, Captured)] == ["a", "a", "b", "b", None]
    assert src.skipped == ["bad_0.jpg"]
    assert all(i.encoded for i in items if isinstance(i, Captured))
    assert isinstance(items[0], PassEnd)


def test_watched_folder_files_processed_frames_away(tmp_path: Path) -> None:
    src = FolderSource(tmp_path, watch=True, poll_s=0.02)
    stop = threading.Event()
    got: list[str] = []

    def consume() -> None:
        for item in src.frames(stop):
            if isinstance(item, Captured):
                got.append(item.name)

    t = threading.Thread(target=consume)
    t.start()
    (tmp_path / "p_0.jpg").write_bytes(_jpeg(10))
    (tmp_path / "junk_0.jpg").write_bytes(b"\xff\xd8\xff broken")
    for _ in range(100):
        if len(list((tmp_path / "rejected").iterdir())) and got:
            break
        threading.Event().wait(0.05)
    stop.set()
    t.join(2)
    assert got == ["p_0.jpg"]
    assert [p.name for p in (tmp_path / "done").iterdir()] == ["p_0.jpg"]
    assert [p.name for p in (tmp_path / "rejected").iterdir()] == ["junk_0.jpg"]


def test_video_file_source_reads_every_nth_frame(tmp_path: Path) -> None:
    path = tmp_path / "lane.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for i in range(9):
        writer.write(np.full((48, 64, 3), i * 20, np.uint8))
    writer.release()
    src = make_source(str(path), frame_step=3)
    assert isinstance(src, VideoSource) and not src.live
    items = list(src.frames(threading.Event()))
    assert [i.name for i in items if isinstance(i, Captured)] == \
        ["lane.avi#1", "lane.avi#4", "lane.avi#7"]
    with pytest.raises(FileNotFoundError):
        make_source(str(tmp_path / "missing.mp4"))


def test_cli_refuses_bad_production_settings_without_echoing_secrets(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from edge.cli import main

    monkeypatch.setenv("SMARTGATE_ENV", "production")
    monkeypatch.setenv("SG_EDGE_DEVICE_SECRET", "short-but-secret")
    assert main(["--lane", "hn1119-x1"]) == 2
    err = capsys.readouterr().err
    assert "SG_EDGE_CENTRE_PUBLIC_KEYS is empty" in err
    assert "short-but-secret" not in err


def test_evidence_store_prunes_oldest_first_within_its_budget(tmp_path: Path) -> None:
    import hashlib

    from edge.evidence import EvidenceStore

    store = EvidenceStore(tmp_path / "ev", max_bytes=2500)
    blobs = [bytes([i]) * 1000 for i in range(4)]
    shas = [store.put(b) for b in blobs]
    assert shas == [hashlib.sha256(b).hexdigest() for b in blobs]
    assert store.get(shas[0]) is None and store.get(shas[1]) is None
    assert store.get(shas[3]) == blobs[3] and store.bytes_used == 2000 and store.pruned == 2
    reopened = EvidenceStore(tmp_path / "ev", max_bytes=2500)
    assert reopened.bytes_used == 2000
