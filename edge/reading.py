"""Frames -> plate reads -> messages for the outbox: the reader thread's work.

Why apart from :mod:`edge.agent`: the agent owns threads, the link and the
lifecycle; this owns what one frame becomes - a frame-grade read (evidence),
and when a pass is decided (or ends undecided) one pass-grade read, or, while
the centre is lost, a local decision (issue 10). It never touches MQTT: every
message goes through ``commit`` (the outbox first).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from domain import topics
from domain.messages import LocalDecisionV1, PlateReadV1
from domain.signing import new_nonce
from edge.evidence import EvidenceStore
from edge.offline import OfflineLane
from edge.passes import PassTracker
from edge.passtypes import Decided, FrameInPass, LookFn, PassReadLike, new_id
from edge.reader.base import FrameRead, ImageError, PlateReader
from edge.reader.second_look import rescaled_reads
from edge.sources import Captured

log = logging.getLogger(__name__)

#: (message, topic, evictable): the agent's outbox-first commit.
Commit = Callable[[PlateReadV1 | LocalDecisionV1, str, bool], None]


class LaneReading:
    """Reads frames, keeps their evidence, groups them into passes, emits reads."""

    def __init__(self, *, lane_id: str, device_id: str, reader: PlateReader,
                 evidence: EvidenceStore, tracker: PassTracker, offline: OfflineLane,
                 commit: Commit, on_local: Callable[[], None],
                 second_look: bool = True) -> None:
        self.lane_id, self.device_id = lane_id, device_id
        self.reader, self.evidence, self.tracker, self.offline = reader, evidence, tracker, offline
        self._commit, self._on_local = commit, on_local
        #: An undecided pass's frames read again at other scales before an officer hears of
        #: it (``PassTracker.second_look``); ``None``: off.
        self._look: LookFn | None = (
            (lambda frame, scales: rescaled_reads(self.reader, frame, scales))
            if second_look else None)
        self.frames_read = 0
        self.frames_skipped = 0

    def process(self, item: Captured, *, clock: Callable[[], float] = time.monotonic) -> None:
        """One captured frame: read it, keep evidence, publish what it decides.

        The pass tracker hears when the frame was *captured* (on its monotonic clock): a
        truck is in view when the camera saw it, however long the reads took. Timed at the
        read, one slow read (the province classifier's training on the first Chinese plate,
        ~2 s, before or in the middle of a pass) made the next frame of the same truck look
        a pass timeout later, and split the pass in two.
        """
        try:
            read = self.reader.read(item.frame)
        except ImageError as exc:
            log.warning("edge: frame %s not usable: %s", item.name, exc)
            self.frames_skipped += 1
            return
        age = (datetime.now(UTC) - item.captured_at).total_seconds()
        now = clock() - max(age, 0.0)  # when the camera saw it, on the tracker's clock
        self.frames_read += 1
        crop_sha = frame_sha = None
        if read.plate is not None:
            try:
                frame_sha = (self.evidence.put(item.encoded) if item.encoded
                             else self.evidence.put_image(item.frame))
                if read.crop is not None and read.crop.size:
                    crop_sha = self.evidence.put_image(read.crop)
            except (OSError, ValueError) as exc:  # disk full: the read still goes out
                log.error("edge: evidence for %s not kept: %s", item.name, exc)
        vp, decided = self.tracker.feed(read=read, group=item.group, captured_at=item.captured_at,
                                        now=now, crop_sha256=crop_sha, frame_sha256=frame_sha,
                                        image=item.frame if self._look is not None else None,
                                        look=self._look)
        if read.plate is not None:
            frame = FrameInPass(read, item.captured_at, crop_sha, frame_sha)
            self._emit(vp.pass_id, frame, grade="frame", frames=1)
        if decided is not None:
            best = decided.best or FrameInPass(decided.result.best, item.captured_at, None, None)
            self._emit(vp.pass_id, best, grade="pass", frames=decided.result.frames,
                       result=decided.result)

    def emit_ended(self) -> None:
        """What passes that just ended say: a contested pass decided on all its frames, and
        a pass without consensus, which still reaches the centre (an officer decides).

        The latter claims one frame: its best single read (or no plate), never an agreement.
        Before that, its frames are read again at other scales (``PassTracker.second_look``):
        a pass that then holds its plate is published as decided, under the band.
        """
        for decided in self.tracker.take_late():
            self._emit_decided(decided)
        for vp in self.tracker.take_undecided():
            if not vp.frames:
                continue
            looked = self.tracker.second_look(vp, self._look) if self._look else None
            if looked is not None:
                self._emit_decided(looked)
                log.info("edge: pass %s decided by a second look at its frames", vp.pass_id)
                continue
            read = [f for f in vp.frames if f.read.plate]
            best = max(read, key=lambda f: f.read.confidence) if read else vp.frames[0]
            self._emit(vp.pass_id, best, grade="pass", frames=1)
            log.info("edge: pass %s ended without consensus (%d frames); sent to the centre",
                     vp.pass_id, len(vp.frames))

    def _emit_decided(self, decided: Decided) -> None:
        """A pass decided at its end (on all its frames, or by their second look)."""
        vp = decided.vehicle_pass
        best = decided.best or FrameInPass(decided.result.best, vp.frames[-1].captured_at,
                                           None, None)
        self._emit(vp.pass_id, best, grade="pass", frames=decided.result.frames,
                   result=decided.result)

    def _emit(self, pass_id: str, f: FrameInPass, *, grade: str, frames: int,
              result: PassReadLike | None = None) -> None:
        read: FrameRead = f.read
        msg = PlateReadV1(
            device_id=self.device_id, sent_at=datetime.now(UTC), nonce=new_nonce(),
            event_id=new_id(), lane_id=self.lane_id, pass_id=pass_id,
            grade=grade,
            captured_at=f.captured_at,
            plate=result.plate if result is not None else read.plate,
            raw_text=read.raw_text[:64],
            confidence=min(1.0, max(0.0, float(result.confidence if result else read.confidence))),
            layout=result.layout if result is not None else read.layout,
            country=result.country if result is not None else read.country,
            frames=max(1, frames), crop_sha256=f.crop_sha256, frame_sha256=f.frame_sha256,
        )
        local = self.offline.on_pass(msg) if grade == "pass" else None
        if local is not None:  # decided here (the centre is lost): the read travels inside
            self._commit(local, topics.local_decisions(self.lane_id), False)
            self._on_local()  # the uplink thread publishes the new count of waiting trucks
            return
        self._commit(msg, topics.reads(self.lane_id), grade == "frame")
        if grade == "pass":
            log.info("edge: pass %s read %s (%d frames agree, conf %.2f)", pass_id, msg.plate,
                     frames, msg.confidence)
