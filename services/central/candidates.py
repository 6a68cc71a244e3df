"""Candidate trips for a gate, kept across ingest batches and refreshed by what changed.

Why: a gate has a day's worth of declared trips (1,500 at Hữu Nghị) and every
decision looks at all of them. Loading them with their cargo and documents took
0.3-0.9 s per batch on the 2-core machine, more than deciding 100 reads. Each
batch now reads only ``(id, status, updated_at)`` of the gate's trips in the
window, in its own transaction, and reloads in full just the trips that are new
or whose status or ``updated_at`` moved (every writer of trips sets
``updated_at``: declaration, amendment, submission, cancellation, officers,
barrier clearance). Trips that left the window are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.trips import TripFacts
from services.central.facts import trip_facts
from services.db.models import Trip


@dataclass
class TripCache:
    """Per gate: trip id -> ((status, updated_at), facts or None when unusable)."""

    _rows: dict[str, dict[str, tuple[tuple[str, datetime], TripFacts | None]]] = field(
        default_factory=dict)
    reloaded: int = 0

    def load(self, session: Session, *, gate_id: str, at: datetime, around: timedelta
             ) -> list[TripFacts]:
        """Trips of ``gate_id`` whose window is within ``around`` of ``at`` (any status)."""
        marks = {
            trip_id: (status, updated_at) for trip_id, status, updated_at in session.execute(
                select(Trip.id, Trip.status, Trip.updated_at)
                .where(Trip.gate_id == gate_id, Trip.window_end >= at - around,
                       Trip.window_start <= at + around))
        }
        known = self._rows.setdefault(gate_id, {})
        stale = [i for i, mark in marks.items() if i not in known or known[i][0] != mark]
        for i in set(known) - set(marks):
            del known[i]
        for start in range(0, len(stale), 500):
            for row in session.execute(
                select(Trip).where(Trip.id.in_(stale[start:start + 500]))
                .options(selectinload(Trip.cargo), selectinload(Trip.documents))
            ).scalars():
                try:
                    facts: TripFacts | None = trip_facts(row)
                except ValueError:  # unknown direction/status: never a match
                    facts = None
                known[row.id] = ((row.status, row.updated_at), facts)
                self.reloaded += 1
        return [facts for i in marks if i in known and (facts := known[i][1]) is not None]
