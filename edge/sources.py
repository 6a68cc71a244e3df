"""Where lane frames come from: a folder (optionally watched), a video file, a camera.

Why one iterator shape: the agent's capture thread does ``for item in
source.frames(stop)`` and never knows which kind it has. Corrupt inputs are
logged and skipped (watched folders move them to ``rejected/`` so nothing is
lost and nothing is retried forever); a camera that drops is reopened with
back-off. None of it may crash the agent.

Pass grouping convention for folders (documented in ``edge/README.md``):
a file named ``<pass>_<n>.<ext>`` (``<pass>`` any name without ``_``-suffix
number, ``<n>`` the frame number) belongs to pass ``<pass>``; frames of one pass
are processed in ``<n>`` order and a different ``<pass>`` ends the previous
pass. An empty file ``<pass>.end`` ends that pass at once. Files without the
``_<n>`` suffix carry no pass hint: the pass ends on a plate change or after the
pass timeout, as for a camera. Names starting with ``.`` or ending ``.tmp`` are
ignored (writers create them and then rename, so a half-written file is never read).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, cast

import cv2
import numpy as np

from edge.reader.base import Frame

log = logging.getLogger(__name__)

IMAGE_EXTS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
VIDEO_EXTS = frozenset({".mp4", ".avi", ".mkv", ".mov", ".m4v", ".webm", ".mjpeg", ".mjpg"})
MAX_FILE_BYTES = 25 * 1024 * 1024
_GROUPED = re.compile(r"^(?P<group>.+)_(?P<n>\d{1,6})$")


@dataclass(frozen=True, slots=True)
class Captured:
    """One decoded frame. ``encoded`` is the original JPEG when there was one (kept as evidence)."""

    frame: Frame
    name: str
    group: str | None
    captured_at: datetime
    encoded: bytes | None = None


@dataclass(frozen=True, slots=True)
class PassEnd:
    """The source knows the vehicle has gone (a ``<pass>.end`` marker)."""

    group: str | None


SourceItem = Captured | PassEnd


class FrameSource(Protocol):
    #: True for live cameras: when the reader is behind, old frames are dropped, not queued.
    live: bool

    def frames(self, stop: threading.Event) -> Iterator[SourceItem]: ...


def decode_image(data: bytes) -> Frame | None:
    """BGR frame, or ``None`` for bytes that are not a decodable image."""
    if not data or len(data) > MAX_FILE_BYTES:
        return None
    frame = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if frame is None or frame.size == 0:
        return None
    return cast(Frame, frame)


def split_name(path: Path) -> tuple[str | None, int]:
    """``(pass group, frame number)`` from ``<pass>_<n>.jpg``; ``(None, 0)`` without the suffix."""
    m = _GROUPED.match(path.stem)
    return (m["group"], int(m["n"])) if m else (None, 0)


def _natural_key(path: Path) -> tuple[object, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name))


class FolderSource:
    """Image files of a folder; with ``watch`` it waits for new files and files them in done/."""

    live = False

    def __init__(self, folder: Path, *, watch: bool = False, poll_s: float = 0.1,
                 keep_done: int = 2000) -> None:
        self.folder = Path(folder)
        self.watch = watch
        self.poll_s = poll_s
        self.keep_done = keep_done
        self.skipped: list[str] = []  # corrupt / unreadable files, for the heartbeat and tests
        if not self.folder.is_dir():
            raise FileNotFoundError(f"frame folder {self.folder} does not exist")
        if watch:
            (self.folder / "done").mkdir(exist_ok=True)
            (self.folder / "rejected").mkdir(exist_ok=True)

    def _pending(self) -> list[Path]:
        files = [p for p in self.folder.iterdir()
                 if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".tmp")
                 and (p.suffix.lower() in IMAGE_EXTS or p.suffix == ".end")]
        if not self.watch:
            return sorted(files, key=_natural_key)
        # Arrival order (writers rename complete files into place), then frame number.
        def key(p: Path) -> tuple[object, ...]:
            try:
                mtime = p.stat().st_mtime_ns
            except FileNotFoundError:
                mtime = 0
            return (mtime, split_name(p)[1], p.name)
        return sorted(files, key=key)

    def frames(self, stop: threading.Event) -> Iterator[SourceItem]:
        while not stop.is_set():
            pending = self._pending()
            for path in pending:
                if stop.is_set():
                    return
                item = self._load(path)
                if item is not None:
                    yield item
                if self.watch:
                    self._file_away(path, "done" if item is not None else "rejected")
            if not self.watch:
                return
            if not pending:
                stop.wait(self.poll_s)

    def _load(self, path: Path) -> SourceItem | None:
        if path.suffix == ".end":
            return PassEnd(path.stem)
        try:
            data = path.read_bytes()
            written = path.stat().st_mtime
        except OSError as exc:
            log.warning("frame %s unreadable (%s): skipped", path.name, exc)
            self.skipped.append(path.name)
            return None
        frame = decode_image(data)
        if frame is None:
            log.warning("frame %s is not a decodable image (%d bytes): skipped", path.name,
                        len(data))
            self.skipped.append(path.name)
            return None
        is_jpeg = data[:3] == b"\xff\xd8\xff"
        group, _ = split_name(path)
        # Captured when the file was written, not when a lane that fell behind got to it: the
        # pass tracker times frames by it (a late frame must not split its truck's pass) and
        # the centre judges a read's age by it (a stale read opens no barrier).
        now = datetime.now(UTC)
        captured = min(now, datetime.fromtimestamp(written, UTC))
        return Captured(frame, path.name, group, captured, data if is_jpeg else None)

    def _file_away(self, path: Path, sub: str) -> None:
        target = self.folder / sub / path.name
        try:
            path.replace(target)
        except FileNotFoundError:
            return
        except OSError as exc:  # never loop on a file we cannot move
            log.error("could not move %s to %s/: %s; deleting it", path.name, sub, exc)
            path.unlink(missing_ok=True)
        if sub == "done":
            self._prune_done()

    def _prune_done(self) -> None:
        done = self.folder / "done"
        files = list(done.iterdir())
        if len(files) <= self.keep_done:
            return
        files.sort(key=lambda p: p.stat().st_mtime_ns)
        for old in files[: len(files) - self.keep_done]:
            old.unlink(missing_ok=True)


class VideoSource:
    """Frames of a video file or a live camera (OpenCV ``VideoCapture``).

    For a camera (``live=True``) a failed read closes and reopens the stream
    with back-off (cameras and their RTSP servers do drop), and the agent drops
    stale frames rather than falling behind real time.
    """

    def __init__(self, target: str, *, live: bool, frame_step: int = 1,
                 reopen_max_s: float = 30.0) -> None:
        self.target = target
        self.live = live
        self.frame_step = max(1, frame_step)
        self.reopen_max_s = reopen_max_s
        if not live and not Path(target).is_file():
            raise FileNotFoundError(f"video file {target} does not exist")

    def _open(self) -> cv2.VideoCapture:
        arg: str | int = int(self.target) if self.target.isdigit() else self.target
        return cv2.VideoCapture(arg)

    def frames(self, stop: threading.Event) -> Iterator[SourceItem]:
        delay = 1.0
        n = 0
        name = Path(self.target).name if not self.live else self.target
        while not stop.is_set():
            cap = self._open()
            if not cap.isOpened():
                if not self.live:
                    log.error("video %s cannot be opened", self.target)
                    return
                log.warning("camera %s unavailable; retrying in %.0fs", self.target, delay)
                stop.wait(delay)
                delay = min(delay * 2, self.reopen_max_s)
                continue
            delay = 1.0
            try:
                while not stop.is_set():
                    ok, frame = cap.read()
                    if not ok or frame is None:
                        break
                    n += 1
                    if (n - 1) % self.frame_step:
                        continue
                    yield Captured(cast(Frame, frame), f"{name}#{n}", None, datetime.now(UTC))
            finally:
                cap.release()
            if not self.live:
                return
            log.warning("camera %s stream ended; reopening", self.target)
            stop.wait(0.5)


def make_source(source: str, *, watch: bool = False, frame_step: int = 1) -> FrameSource:
    """A folder, a video file, or a camera URL / device index, from one string."""
    if "://" in source or source.isdigit():
        return VideoSource(source, live=True, frame_step=frame_step)
    path = Path(source)
    if path.is_dir():
        return FolderSource(path, watch=watch)
    if path.suffix.lower() in VIDEO_EXTS:
        return VideoSource(str(path), live=False, frame_step=frame_step)
    if watch:
        path.mkdir(parents=True, exist_ok=True)
        return FolderSource(path, watch=True)
    raise FileNotFoundError(f"source {source!r} is neither a folder, a video file nor a camera URL")


def wait_quiet(folder: Path, *, timeout: float) -> bool:
    """True once a watched folder holds no pending frame (test and demo helper)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(p.is_file() and p.suffix.lower() in IMAGE_EXTS for p in folder.iterdir()):
            return True
        time.sleep(0.05)
    return False


