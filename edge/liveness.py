"""What a lane says about itself: retained online/degraded/offline status and heartbeats.

Why apart from :mod:`edge.agent`: the status is computed from several parts
(reader rate, outbox, disk, barrier, the offline watch) and has its own timing
rule - every ``heartbeat_s``, and at once when the centre is lost or found or
a local decision changes the count of waiting trucks. The agent only publishes it.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime

from domain.messages import LaneStatusV1
from edge.barrier import Barrier
from edge.offline import OfflineLane
from edge.outbox import Outbox
from edge.settings import EdgeSettings


class Liveness:
    """The lane's status message and when the next heartbeat is due."""

    def __init__(self, settings: EdgeSettings, *, barrier: Barrier, outbox: Outbox,
                 offline: OfflineLane, frames_read: Callable[[], int]) -> None:
        self.settings, self.barrier, self.outbox, self.offline = settings, barrier, outbox, offline
        self._frames_read = frames_read
        self._at = 0.0
        self._frames = 0
        self._lost = False
        self._force = False

    def status(self, state: str, **extra: object) -> LaneStatusV1:
        return LaneStatusV1(lane_id=self.settings.lane_id, device_id=self.settings.device_id,
                            state=state, at=datetime.now(UTC), **extra)

    def force(self) -> None:
        """Publish at the next chance, whatever the interval."""
        self._force = True

    def due(self) -> bool:
        """Interval elapsed, or the centre was lost/found, or :meth:`force` was called."""
        lost = self.offline.lost()
        changed, self._lost = lost != self._lost, lost
        force, self._force = self._force, False
        return force or changed or time.monotonic() - self._at >= self.settings.heartbeat_s

    def heartbeat(self) -> LaneStatusV1:
        """The current lane status (also published, retained, every ``heartbeat_s``)."""
        now = time.monotonic()
        frames = self._frames_read()
        elapsed = max(1e-3, now - self._at) if self._at else None
        fps = (frames - self._frames) / elapsed if elapsed else 0.0
        self._at, self._frames = now, frames
        try:
            free_mb = shutil.disk_usage(self.settings.data_dir).free // 2**20
        except OSError:
            free_mb = 0
        barrier = self.barrier.state()
        offline = self.offline.status_fields()
        degraded = self.outbox.full or barrier == "fault" or offline["centre"] == "lost"
        return self.status("degraded" if degraded else "online", fps=round(fps, 2),
                           outbox_depth=self.outbox.depth, disk_free_mb=int(free_mb),
                           barrier=barrier, **offline)
