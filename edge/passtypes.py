"""The vehicle pass's data: its frames, its decision, and what the tracker is handed.

Why a module of its own: the lane's reading loop, its offline store and the benchmark
name these types without needing the tracker's rules (``edge.passes``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from edge.reader.base import Frame, FrameRead


class PassReadLike(Protocol):
    """What ``edge.reader.consensus.consensus`` returns (``PassRead``)."""

    plate: str
    confidence: float
    frames: int
    total_frames: int
    layout: Any
    country: Any
    best: FrameRead


ConsensusFn = Callable[..., PassReadLike | None]

#: Reads a frame again at the given scales (``edge.reader.second_look.rescaled_reads``).
LookFn = Callable[[Frame, Sequence[float]], Sequence[FrameRead]]


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class FrameInPass:
    read: FrameRead
    captured_at: datetime
    crop_sha256: str | None
    frame_sha256: str | None
    #: The frame itself, kept while its pass is undecided for the pass's second look
    #: (``PassTracker.second_look``); dropped once the pass is decided or looked at.
    image: Frame | None = None
    #: The frame's reads at other scales so far (``PassTracker._look_at``), by scale stage:
    #: a thin decision's check (``PassTracker._doubted``) reads a frame at the second look's
    #: first stage, and the second look at the pass's end would read it there again (the
    #: same image at the same scales: the same reads). Dropped with the image.
    looked: dict[tuple[float, ...], list[FrameRead]] = field(default_factory=dict)


@dataclass
class VehiclePass:
    pass_id: str
    group: str | None
    started: float
    last_plate_at: float
    frames: list[FrameInPass] = field(default_factory=list)
    decided: PassReadLike | None = None
    #: Started by a plate change after a decided pass (``feed``): its first frames may be the
    #: last truck's, so it is decided by the strict rule only (``_ask``).
    split: bool = False
    #: A thin decision whose frames, read again, named a plate one glyph apart (``_doubted``):
    #: the pass is not decided by its frames' reads, only by its second look at its end.
    doubted: bool = False

    def evidence_of(self, read: FrameRead) -> FrameInPass | None:
        """The frame (and its evidence hashes) that ``read`` came from."""
        for f in self.frames:
            if f.read is read:
                return f
        same = [f for f in self.frames if f.read.plate == read.plate]
        return max(same, key=lambda f: f.read.confidence) if same else None


@dataclass(frozen=True, slots=True)
class Decided:
    """The pass's decision-grade read, emitted once."""

    vehicle_pass: VehiclePass
    result: PassReadLike
    best: FrameInPass | None
