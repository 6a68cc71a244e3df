"""The lane barrier behind one small interface.

Why a Protocol: the agent only needs open / close / state. The simulated relay
below is what the demo and tests drive; a GPIO or Modbus relay driver for a real
boom barrier implements the same three methods and is chosen in
:func:`make_barrier` from the settings, so nothing else in the agent changes.

A real boom closes by itself after the vehicle passes (loop detector or timer);
the simulated relay models that with an auto-close timer, so a barrier opened
for one truck never stays open for the next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

BarrierState = Literal["open", "closed", "fault"]


class Barrier(Protocol):
    def open(self) -> None:
        """Raise the boom (idempotent); raise an exception if the hardware fails."""
        ...

    def close(self) -> None:
        """Lower the boom (idempotent)."""
        ...

    def state(self) -> BarrierState: ...


@dataclass(frozen=True, slots=True)
class Movement:
    at: float  # time.time()
    state: BarrierState
    why: str


class SimulatedRelay:
    """A relay that opens on command and closes itself after ``auto_close_s``; keeps history.

    Tests inspect :attr:`history` to prove that a refused command never moved it.
    """

    def __init__(self, *, auto_close_s: float = 8.0,
                 on_change: Callable[[BarrierState], None] | None = None) -> None:
        self.auto_close_s = auto_close_s
        self.history: list[Movement] = []
        self._state: BarrierState = "closed"
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._on_change = on_change

    def open(self) -> None:
        with self._lock:
            self._cancel_timer()
            if self._state != "open":
                self._move("open", "command")
            self._timer = threading.Timer(self.auto_close_s, self._auto_close)
            self._timer.daemon = True
            self._timer.start()

    def close(self) -> None:
        with self._lock:
            self._cancel_timer()
            if self._state != "closed":
                self._move("closed", "command")

    def state(self) -> BarrierState:
        return self._state

    @property
    def opens(self) -> int:
        return sum(1 for m in self.history if m.state == "open")

    def shutdown(self) -> None:
        with self._lock:
            self._cancel_timer()

    def _auto_close(self) -> None:
        with self._lock:
            self._timer = None
            if self._state == "open":
                self._move("closed", "auto-close")

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _move(self, state: BarrierState, why: str) -> None:
        self._state = state
        self.history.append(Movement(time.time(), state, why))
        if self._on_change is not None:
            self._on_change(state)


def make_barrier(kind: str, *, auto_close_s: float) -> Barrier:
    """The barrier driver named in the settings (``simulated`` only on this build)."""
    if kind == "simulated":
        return SimulatedRelay(auto_close_s=auto_close_s)
    raise ValueError(f"unknown barrier kind {kind!r} (available: simulated)")
