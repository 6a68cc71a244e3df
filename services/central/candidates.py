"""Candidate trips for a gate, kept across ingest batches and refreshed by what changed.

Why: a gate has a day's worth of declared trips (1,500 at Hữu Nghị) and every
decision looks at all of them. Loading them with their cargo and documents took
0.3-0.9 s per batch on the 2-core machine, more than deciding 100 reads. Each
batch now reads only ``(id, status, updated_at)`` of the gate's trips in the
window, in its own transaction, and reloads in full just the trips that are new
or whose status or ``updated_at`` moved (every writer of trips sets
``updated_at``: declaration, amendment, submission, cancellation, officers,
barrier clearance). Trips that left the window are dropped.

Between full refreshes (at most ``full_every`` apart) a batch first asks only
``count(*)`` and ``max(updated_at)`` of the window: unchanged, the cached trips
are used as they are. A write is missed by that check only if it kept the
count and stamped an ``updated_at`` not later than the newest one already there
(a writer whose clock runs behind another's), or a trip entered the window as
another left it; the next full refresh catches it. Either way only for seconds,
and a trip missing from the candidates makes the read a manual hand-off, never
an open.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from domain.candidate_index import CandidateIndex
from domain.trips import TripFacts
from services.central.facts import trip_facts
from services.db.models import Trip

_T = Trip.__table__.c
_IN_WINDOW = (_T.gate_id == bindparam("gate"), _T.window_end >= bindparam("after"),
              _T.window_start <= bindparam("before"))
#: Built once with named parameters: building a ``select()`` and its cache key cost ~3x
#: its execution, and the fingerprint runs in every batch (see ``lookups._statements``).
_FINGERPRINT = select(func.count(), func.max(_T.updated_at)).where(*_IN_WINDOW)
_MARKS = select(_T.id, _T.status, _T.updated_at).where(*_IN_WINDOW)


@dataclass
class TripCache:
    """Per gate: trip id -> ((status, updated_at), facts or None when unusable)."""

    full_every: float = 5.0
    _rows: dict[str, dict[str, tuple[tuple[str, datetime], TripFacts | None]]] = field(
        default_factory=dict)
    #: gate -> (fingerprint of the window, monotonic time of the full refresh, trips indexed)
    _last: dict[str, tuple[Any, float, CandidateIndex]] = field(default_factory=dict)
    reloaded: int = 0

    def load(self, session: Session, *, gate_id: str, at: datetime, around: timedelta
             ) -> CandidateIndex:
        """Trips of ``gate_id`` whose window is within ``around`` of ``at`` (any status).

        Indexed for :func:`domain.clearance.decide` once per change, not once per read.
        """
        window = {"gate": gate_id, "after": at - around, "before": at + around}
        core = session.connection()  # the per-batch check as a Core statement: no ORM overhead
        fingerprint = tuple(core.execute(_FINGERPRINT, window).one())
        last = self._last.get(gate_id)
        if (last is not None and last[0] == fingerprint
                and time.monotonic() - last[1] < self.full_every):
            return last[2]
        session.flush()  # as the ORM query this replaced did (autoflush): pending trip edits
        marks = {trip_id: (status, updated_at)
                 for trip_id, status, updated_at in core.execute(_MARKS, window)}
        known = self._rows.setdefault(gate_id, {})
        stale = [i for i, mark in marks.items() if i not in known or known[i][0] != mark]
        gone = set(known) - set(marks)
        if last is not None and not stale and not gone:
            # The same trips as the last load: keep its index (built once, decide() ignores
            # the order of the candidates), just restart the full-refresh clock.
            self._last[gate_id] = (fingerprint, time.monotonic(), last[2])
            return last[2]
        for i in gone:
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
        trips = CandidateIndex(
            facts for i in marks if i in known and (facts := known[i][1]) is not None)
        self._last[gate_id] = (fingerprint, time.monotonic(), trips)
        return trips
