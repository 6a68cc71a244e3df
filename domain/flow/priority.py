"""Priority classes of trucks waiting in the yard and the order they are called in.

Why a ratio and not strict priority: Ukraine's eCherha serves 1 trusted-or-transit
perishable : 1 perishable : 1 trusted : 5 ordinary trucks. Strict priority would
starve ordinary trucks on a fruit-season day; the ratio guarantees them 5 of every
8 calls while perishables still jump the queue. ``strict`` (perishables always
first) and ``fifo`` (priority off) are kept for the scenarios and for supervisors.

Within a class trucks are called in check-in order. The scheduler's position in
the cycle is state: the yard stores it per queue so a restart does not reset it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol, TypeVar


class PriorityClass(StrEnum):
    TRUSTED_PERISHABLE = "trusted_perishable"  # trusted trader or transit, perishable cargo
    PERISHABLE = "perishable"
    TRUSTED = "trusted"
    ORDINARY = "ordinary"


#: Strict order, highest first.
RANKED = (PriorityClass.TRUSTED_PERISHABLE, PriorityClass.PERISHABLE, PriorityClass.TRUSTED,
          PriorityClass.ORDINARY)
DEFAULT_RATIO: tuple[tuple[PriorityClass, int], ...] = (
    (PriorityClass.TRUSTED_PERISHABLE, 1), (PriorityClass.PERISHABLE, 1),
    (PriorityClass.TRUSTED, 1), (PriorityClass.ORDINARY, 5),
)
Mode = Literal["ratio", "strict", "fifo"]


def classify(*, perishable: bool, trusted: bool, transit: bool = False) -> PriorityClass:
    """The class of a truck from its trip: cargo, carrier's trusted status, transit."""
    if perishable:
        return PriorityClass.TRUSTED_PERISHABLE if trusted or transit else PriorityClass.PERISHABLE
    return PriorityClass.TRUSTED if trusted else PriorityClass.ORDINARY


@dataclass(frozen=True, slots=True)
class PriorityPolicy:
    """How the yard orders its calls (configuration: ``mode`` and the ratio weights)."""

    mode: Mode = "ratio"
    ratio: tuple[tuple[PriorityClass, int], ...] = DEFAULT_RATIO

    def __post_init__(self) -> None:
        if self.mode not in ("ratio", "strict", "fifo"):
            raise ValueError(f"unknown priority mode {self.mode!r}")
        if self.mode == "ratio":
            if any(w < 0 for _, w in self.ratio) or sum(w for _, w in self.ratio) == 0:
                raise ValueError("ratio weights must be >= 0 and not all zero")
            if {c for c, _ in self.ratio} != set(RANKED):
                raise ValueError("the ratio must give a weight to every priority class")

    @classmethod
    def from_weights(cls, weights: Mapping[str, int], mode: Mode = "ratio") -> PriorityPolicy:
        """From a mapping such as ``{"trusted_perishable": 1, ..., "ordinary": 5}``."""
        unknown = set(weights) - {c.value for c in RANKED}
        if unknown:
            raise ValueError(f"unknown priority classes {sorted(unknown)}")
        return cls(mode, tuple((c, int(weights.get(c.value, 0))) for c in RANKED))

    def cycle(self) -> tuple[PriorityClass, ...]:
        """One round of slots, interleaved (1:1:1:5 -> TP P T O O O O O): smooth, not bursty."""
        left = dict(self.ratio)
        slots: list[PriorityClass] = []
        while any(left.values()):
            for klass in RANKED:
                if left.get(klass, 0) > 0:
                    slots.append(klass)
                    left[klass] -= 1
        return tuple(slots)


class Waiting(Protocol):
    """What the scheduler needs to know of a waiting truck."""

    @property
    def seq(self) -> int: ...  # check-in order (a re-queued no-show gets a new one)

    @property
    def priority(self) -> PriorityClass: ...


W = TypeVar("W", bound=Waiting)


class Scheduler:
    """Picks the next truck to call; ``position`` is the slot of the ratio cycle reached."""

    def __init__(self, policy: PriorityPolicy, position: int = 0) -> None:
        self.policy = policy
        self._cycle = policy.cycle() if policy.mode == "ratio" else ()
        self.position = position % len(self._cycle) if self._cycle else 0

    def pick_class(self, waiting: Mapping[PriorityClass, int]) -> PriorityClass | None:
        """The class to serve next given how many wait in each (ratio and strict modes)."""
        if not any(waiting.get(c, 0) for c in RANKED):
            return None
        if self.policy.mode == "strict":
            return next(c for c in RANKED if waiting.get(c, 0))
        n = len(self._cycle)
        for step in range(n):
            klass = self._cycle[(self.position + step) % n]
            if waiting.get(klass, 0):
                self.position = (self.position + step + 1) % n
                return klass
        # Only classes with weight 0 wait: serve them rather than nobody, best first.
        return next(c for c in RANKED if waiting.get(c, 0))

    def order(self, queue: Iterable[W], limit: int | None = None) -> list[W]:
        """The call order of ``queue`` from the current position (advances the position)."""
        if self.policy.mode == "fifo":
            ordered = sorted(queue, key=lambda w: w.seq)
            return ordered if limit is None else ordered[:limit]
        lanes: dict[PriorityClass, list[W]] = {c: [] for c in RANKED}
        for item in sorted(queue, key=lambda w: w.seq, reverse=True):
            lanes[item.priority].append(item)  # reversed: pop() takes the oldest
        out: list[W] = []
        while limit is None or len(out) < limit:
            klass = self.pick_class({c: len(v) for c, v in lanes.items()})
            if klass is None:
                break
            out.append(lanes[klass].pop())
        return out


def plan(policy: PriorityPolicy, position: int, queue: Sequence[Waiting]) -> list[Waiting]:
    """The projected call order of the whole queue, without moving the stored position."""
    return Scheduler(policy, position).order(queue)
