"""Frames of a generated truck pass -> signed frame reads + exactly one pass read, with evidence."""

from __future__ import annotations

import hashlib
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from edgehelpers import DEVICE, LANE, Centre, Lane, write_pass

from domain.signing import hmac_verify
from edge.agent import EdgeAgent
from edge.barrier import SimulatedRelay
from edge.reader.base import Frame, FrameRead, PlateReader
from edge.sources import FolderSource


def test_a_pass_gives_frame_reads_and_exactly_one_signed_pass_read(
        lane: Lane, centre: Centre, make_agent, evidence_port: int) -> None:
    # A centre that acks, as the real one does: unacked, a pass read makes the lane take the
    # centre for lost after ack_timeout_s, which a loaded machine's slow reads reach.
    centre.auto_ack = True
    agent = make_agent(evidence_port=evidence_port)
    write_pass(lane.inbox, name="truck1", plate="12C12345", seed=11)
    write_pass(lane.inbox, name="truck2", plate="29C67890", seed=12)
    centre.wait(lambda: len(centre.reads("pass")) >= 2, timeout=30)
    centre.wait(lambda: agent.frames_read == 10, timeout=10)
    time.sleep(0.5)  # a late, extra pass read would arrive by now
    passes = centre.reads("pass")
    frames = centre.reads("frame")
    assert sorted(p.plate for p in passes) == sorted(["12C12345", "29C67890"])
    assert len(passes) == 2, "exactly one pass-grade read per vehicle pass"
    per_pass = Counter(f.pass_id for f in frames)
    for p in passes:
        hmac_verify(p, lane.secret)
        assert p.device_id == DEVICE and p.lane_id == LANE
        assert p.frames >= 2 and per_pass[p.pass_id] >= p.frames
        assert p.crop_sha256 and p.frame_sha256
    assert {p.pass_id for p in passes} == set(per_pass), "frame reads belong to the two passes"
    for f in frames:
        hmac_verify(f, lane.secret)
        assert f.plate is not None and f.frames == 1
    assert len({m.nonce for m in passes + frames}) == len(passes) + len(frames)
    # Evidence: the hashes name JPEGs the lane serves over HTTP.
    for sha in (passes[0].crop_sha256, passes[0].frame_sha256):
        with urllib.request.urlopen(f"http://127.0.0.1:{evidence_port}/evidence/{sha}.jpg") as r:
            body = r.read()
            assert r.headers["Content-Type"] == "image/jpeg"
        assert hashlib.sha256(body).hexdigest() == sha
    assert len(list((lane.inbox / "done").glob("*.jpg"))) == 10


class _SlowRead:
    """The real reader, with one read slowed past the pass timeout (as the province
    classifier's training once made the first Chinese plate's read: ~2 s)."""

    def __init__(self, inner: PlateReader, delay_s: float, which: int = 1) -> None:
        self.inner, self.delay_s, self.which, self.reads = inner, delay_s, which, 0

    def read(self, frame: Frame) -> FrameRead:
        self.reads += 1
        if self.reads == self.which:
            time.sleep(self.delay_s)
        return self.inner.read(frame)


@pytest.mark.parametrize("which", [1, 3], ids=["first read", "a read mid-pass"])
def test_a_slow_read_does_not_split_the_pass(lane: Lane, centre: Centre, reader: PlateReader,
                                             which: int) -> None:
    """The tracker times a frame by its capture, not by when its read finished."""
    settings = lane.settings(pass_timeout_s=1.0)
    agent = EdgeAgent(settings, reader=_SlowRead(reader, 1.5, which),
                      barrier=SimulatedRelay(auto_close_s=settings.barrier_open_s),
                      source=FolderSource(lane.inbox, watch=True)).start()
    try:
        write_pass(lane.inbox, name="truck", plate="29C67890", seed=12)
        centre.wait(lambda: agent.frames_read == 5, timeout=30)
        time.sleep(1.5)  # past the pass timeout: an undecided second pass would be out now
    finally:
        agent.stop()
    passes = centre.reads("pass")
    assert [(p.plate, p.frames >= 2) for p in passes] == [("29C67890", True)]


def test_corrupt_files_are_skipped_and_the_lane_keeps_reading(
        lane: Lane, centre: Centre, make_agent) -> None:
    agent = make_agent()
    jpeg_head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
    (lane.inbox / "garbage_0.jpg").write_bytes(b"this is not an image at all")
    (lane.inbox / "empty_0.jpg").write_bytes(b"")
    (lane.inbox / "truncated_0.jpg").write_bytes(jpeg_head + b"\x00" * 50)
    (lane.inbox / "notes.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    write_pass(lane.inbox, name="after", plate="24C56789", seed=3)
    centre.wait(lambda: len(centre.reads("pass")) >= 1, timeout=30)
    assert centre.reads("pass")[0].plate == "24C56789"
    rejected = sorted(p.name for p in (lane.inbox / "rejected").iterdir())
    assert rejected == ["empty_0.jpg", "garbage_0.jpg", "notes.png", "truncated_0.jpg"]
    assert all(t.is_alive() for t in agent._threads)


def test_http_evidence_is_read_only_and_refuses_other_paths(
        lane: Lane, make_agent, evidence_port: int, tmp_path: Path) -> None:
    import urllib.error

    agent = make_agent(evidence_port=evidence_port)
    sha = agent.evidence.put(b"\xff\xd8\xff fake jpeg bytes for the route test")
    base = f"http://127.0.0.1:{evidence_port}"
    with urllib.request.urlopen(f"{base}/evidence/{sha}.jpg") as r:
        assert r.status == 200
    for path in (f"/evidence/{'0' * 64}.jpg", "/evidence/../edge.db", "/", f"/evidence/{sha}"):
        try:
            urllib.request.urlopen(base + path)
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
        else:
            raise AssertionError(f"{path} should be 404")
    req = urllib.request.Request(f"{base}/evidence/{sha}.jpg", data=b"x", method="PUT")
    try:
        urllib.request.urlopen(req)
    except urllib.error.HTTPError as exc:
        assert exc.code == 405
    else:
        raise AssertionError("PUT must be refused")


def test_a_truck_no_frame_of_which_agrees_still_reaches_the_centre(
        lane: Lane, centre: Centre, make_agent) -> None:
    """Plate-free frames of a triggered capture: one pass read with no plate, claiming 1 frame."""
    import cv2

    from smartgate.scenes import render_negative

    make_agent()
    rng = __import__("random").Random(4)
    for i in range(3):
        ok, buf = cv2.imencode(".jpg", render_negative(rng))
        assert ok
        (lane.inbox / f".blank_{i}.tmp").write_bytes(buf.tobytes())
        (lane.inbox / f".blank_{i}.tmp").rename(lane.inbox / f"blank_{i}.jpg")
    (lane.inbox / "blank.end").write_text("")
    centre.wait(lambda: len(centre.reads("pass")) >= 1, timeout=30)
    [p] = centre.reads("pass")
    hmac_verify(p, lane.secret)
    assert p.plate is None and p.frames == 1 and p.grade == "pass"


class _OneMisread:
    """The real reader, with its second read of the pass replaced by a look-alike plate (as a
    blurred frame reads 8 for 3): the pass is contested."""

    def __init__(self, inner: PlateReader, misread: str) -> None:
        self.inner, self.misread, self.reads = inner, misread, 0

    def read(self, frame: Frame) -> FrameRead:
        self.reads += 1
        got = self.inner.read(frame)
        if self.reads == 2 and got.plate:
            return FrameRead(self.misread, 0.5, self.misread, got.layout, got.country, got.crop)
        return got


def test_a_contested_pass_is_decided_at_its_end_on_all_its_frames(
        lane: Lane, centre: Centre, reader: PlateReader) -> None:
    """Three frames, one of them read as another plate: the agreement of the other two is not
    taken early; the pass's end marker decides it on all three, with one pass read."""
    import random

    from smartgate.scenes import render_pass

    for scene in render_pass(plate="29C67890", layout="1-line", difficulty="easy",
                             rng=random.Random(3), frames=3):
        reader.read(scene.image)  # warm (lazy models): the agent's three reads are quick
    settings = lane.settings(contested_frames=4, pass_timeout_s=4.0)
    agent = EdgeAgent(settings, reader=_OneMisread(reader, "29C87890"),
                      barrier=SimulatedRelay(auto_close_s=settings.barrier_open_s),
                      source=FolderSource(lane.inbox, watch=True)).start()
    try:
        write_pass(lane.inbox, name="truck", plate="29C67890", seed=3, frames=3)
        centre.wait(lambda: len(centre.reads("frame")) == 3, timeout=30)
        time.sleep(0.5)
        assert centre.reads("pass") == [], "2 of 3 frames agree, but one contests: no early read"
        centre.wait(lambda: len(centre.reads("pass")) >= 1, timeout=10)  # the pass timeout
        time.sleep(0.5)  # a second pass read would be out by now
    finally:
        agent.stop()
    frames = centre.reads("frame")
    assert sorted(f.plate or "" for f in frames) == ["29C67890", "29C67890", "29C87890"]
    [p] = centre.reads("pass")
    hmac_verify(p, lane.secret)
    assert (p.plate, p.frames) == ("29C67890", 2) and p.crop_sha256
    assert {f.pass_id for f in frames} == {p.pass_id}
    assert agent.tracker.passes_decided == 1 and agent.tracker.take_late() == []


class _HeldRead:
    """The real reader, held at its first read until released (a lane far behind)."""

    def __init__(self, inner: PlateReader) -> None:
        self.inner, self.started, self.release = inner, threading.Event(), threading.Event()

    def read(self, frame: Frame) -> FrameRead:
        self.started.set()
        self.release.wait(30)
        return self.inner.read(frame)


def test_a_lane_behind_leaves_the_waiting_frames_on_disk(
        lane: Lane, centre: Centre, reader: PlateReader) -> None:
    """Files wait in the watched folder, not in memory: only the frame being read and two
    queued have left it, so whoever feeds the folder (the demo's trucks, an uploader) sees
    the lane's backlog; released, the lane reads every frame."""
    held = _HeldRead(reader)
    centre.auto_ack = True  # a centre that acks: the lane must not take its wait for an outage
    settings = lane.settings(centre_timeout_s=300.0)  # this centre sends no heartbeats
    agent = EdgeAgent(settings, reader=held,
                      barrier=SimulatedRelay(auto_close_s=settings.barrier_open_s),
                      source=FolderSource(lane.inbox, watch=True)).start()
    try:
        write_pass(lane.inbox, name="truck1", plate="12C12345", seed=11)
        write_pass(lane.inbox, name="truck2", plate="29C67890", seed=12)
        assert held.started.wait(20)
        # Held past the pass timeout (2 s): frames timed by when they left the disk would
        # split truck1's pass in two (frames 4-5 seem to come 2.5 s after frames 1-3).
        time.sleep(2.5)
        assert len(list((lane.inbox / "done").glob("*.jpg"))) <= 3
        assert len(list(lane.inbox.glob("*.jpg"))) >= 7
        held.release.set()
        centre.wait(lambda: agent.frames_read == 10, timeout=60)
        centre.wait(lambda: len(centre.reads("pass")) >= 2, timeout=30)
    finally:
        held.release.set()
        agent.stop()
    assert sorted(p.plate for p in centre.reads("pass")) == ["12C12345", "29C67890"]
    assert len({f.pass_id for f in centre.reads("frame")}) == 2
