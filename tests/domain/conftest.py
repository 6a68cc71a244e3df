"""Shared builders for the domain tests: a gate, its lanes, a clean trip, a read.

Session-scoped so hypothesis tests may use them (no per-example fixture state).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from domain.clearance import DecisionResult, PassEvidence, decide
from domain.hours import HoursExtension
from domain.reference import Direction, Gate, Lane, Reference, load_reference
from domain.trips import CargoLine, Channel, Document, DocumentKind, TripFacts, TripStatus

#: 10:00 local time at the gates (UTC+7), inside every gate's regular hours.
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)


@dataclass(frozen=True)
class World:
    ref: Reference
    gate: Gate
    export_lane: Lane
    import_lane: Lane
    now: datetime = NOW

    def trip(self, trip_id: str = "trip-1", plate: str = "12C12345", **kw: Any) -> TripFacts:
        """A clean trip: green channel, declaration, fee paid, expected now at this gate."""
        base = TripFacts(
            trip_id=trip_id,
            carrier_id="carrier-1",
            plate=plate,
            gate_id=self.gate.id,
            direction=Direction.EXPORT,
            window_start=self.now - timedelta(hours=1),
            window_end=self.now + timedelta(hours=1),
            status=TripStatus.SUBMITTED,
            declaration_no="100000000001",
            channel=Channel.GREEN,
            cargo=(CargoLine("44123100", "plywood", 20000.0),),
            fee_paid=True,
        )
        return replace(base, **kw)

    @staticmethod
    def doc(kind: DocumentKind, valid_to: date | None = None) -> Document:
        """A document valid from ten days ago (until ``valid_to``, if given)."""
        return Document(kind, f"{kind.value}-1", TODAY - timedelta(days=10), valid_to)

    def read(
        self, plate: str | None, frames: int = 3, confidence: float = 0.92, **kw: Any
    ) -> PassEvidence:
        return PassEvidence("hn1119-x1", plate, confidence, frames, self.now, **kw)

    def decide(
        self,
        read: PassEvidence | str | None,
        trips: Sequence[TripFacts],
        *,
        lane: Lane | None = None,
        gate: Gate | None = None,
        now: datetime | None = None,
        extensions: Sequence[HoursExtension] = (),
        frame_reads: Sequence[PassEvidence] = (),
    ) -> DecisionResult:
        ev = read if isinstance(read, PassEvidence) else self.read(read)
        return decide(
            evidence=ev,
            lane=lane or self.export_lane,
            gate=gate or self.gate,
            candidates=trips,
            now=now or self.now,
            extensions=extensions,
            frame_reads=frame_reads,
        )


@pytest.fixture(scope="session")
def world() -> World:
    ref = load_reference()
    return World(ref, ref.gate("huu-nghi-1119"), ref.lane("hn1119-x1"), ref.lane("hn1119-n1"))
