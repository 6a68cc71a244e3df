"""The central's trip cache: one index per set of trips, a new one as soon as a trip changes.

Why: decisions use the cached :class:`CandidateIndex` of the gate's trips. Reusing it while
nothing changed is what makes it cheap; missing a change (a cancelled trip) would let a
read match a trip that can no longer open, so both directions are checked here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from services.central.candidates import TripCache
from services.db.models import Carrier, Trip
from services.db.session import make_engine, make_session_factory

AROUND = timedelta(hours=48)


def _trips(url: str, gate: str, n: int) -> list[str]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    with sessions() as s, s.begin():
        carrier = Carrier(name="Cache carrier", country="VN", created_at=now)
        s.add(carrier)
        s.flush()
        rows = [Trip(reference=f"C{uuid.uuid4().hex[:10]}", carrier_id=carrier.id,
                     plate=f"12C{i:05d}", vehicle_country="VN", gate_id=gate,
                     direction="export", window_start=now - timedelta(hours=1),
                     window_end=now + timedelta(hours=3), status="submitted",
                     declaration_no="10512345678", channel="green", fee_paid=True,
                     created_at=now, updated_at=now) for i in range(n)]
        s.add_all(rows)
        s.flush()
        ids = [r.id for r in rows]
    engine.dispose()
    return ids


def test_an_unchanged_gate_keeps_its_index_and_a_change_replaces_it(db_url: str) -> None:
    gate = f"gate-{uuid.uuid4().hex[:8]}"
    ids = _trips(db_url, gate, 30)
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    cache = TripCache(full_every=0.0)  # every load compares the trips' marks
    now = datetime.now(UTC)
    try:
        with sessions() as s:
            first = cache.load(s, gate_id=gate, at=now, around=AROUND)
        with sessions() as s:
            again = cache.load(s, gate_id=gate, at=now, around=AROUND)
        assert again is first and len(first.trips) == 30

        with sessions() as s, s.begin():
            s.execute(update(Trip).where(Trip.id == ids[3]).values(
                status="cancelled", updated_at=now + timedelta(seconds=1)))
        with sessions() as s:
            changed = cache.load(s, gate_id=gate, at=now, around=AROUND)
        assert changed is not first
        assert {t.trip_id: str(t.status) for t in changed.trips}[ids[3]] == "cancelled"
        assert sorted(t.trip_id for t in changed.trips) == sorted(ids)

        with sessions() as s, s.begin():
            s.execute(update(Trip).where(Trip.id == ids[5]).values(
                window_start=now + timedelta(days=30), window_end=now + timedelta(days=31)))
        with sessions() as s:
            fewer = cache.load(s, gate_id=gate, at=now, around=AROUND)
        assert fewer is not changed  # a trip that left the window is gone from the index
        assert ids[5] not in {t.trip_id for t in fewer.trips} and len(fewer.trips) == 29
    finally:
        engine.dispose()
