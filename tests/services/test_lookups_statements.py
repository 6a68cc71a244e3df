"""The batch's lookups, built once with named parameters, read what the per-call queries read.

Why: round 18 replaced the ``select()`` each batch built (devices, a pass's frame reads,
hours extensions, the trips' fingerprint and marks, the audit chain's tail) by statements
built once per process. The same rows must come back, on both engines, including the
cases a query filters out: another pass, a pass-grade read, another gate, a revoked or
expired extension, a disabled or unknown device. Each test runs the query the old code
built, next to the new lookup, on the same data.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from domain.clearance import PassEvidence
from domain.messages import PlateReadV1
from services.audit import Entry, record_many, verify_chain
from services.central.candidates import TripCache
from services.central.lookups import KnownDevice, Lookups
from services.commands import aware
from services.db.models import (
    AuditEvent,
    Carrier,
    Device,
    GateHoursExtension,
    PlateRead,
    Trip,
)
from services.db.session import make_engine, make_session_factory


def _read(device: str, pass_id: str, grade: str, plate: str, at: datetime) -> PlateRead:
    return PlateRead(event_id=uuid.uuid4().hex, lane_id="hn1119-x1", device_id=device,
                     pass_id=pass_id, grade=grade, captured_at=at, received_at=at, plate=plate,
                     raw_text=plate, confidence=0.9, layout="1-line", country="VN", frames=1,
                     trailer_plate=None if plate.endswith("1") else "12R00001")


def test_devices_frames_and_extensions_as_the_per_call_queries_read_them(db_url: str) -> None:
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    tag = uuid.uuid4().hex[:8]
    on, off, unknown = f"cam-on-{tag}", f"cam-off-{tag}", f"cam-none-{tag}"
    passes = [uuid.uuid4().hex for _ in range(3)]
    gate, other = f"gate-{tag}", f"other-{tag}"  # the PostgreSQL database is shared
    try:
        with sessions() as s, s.begin():
            s.add_all([Device(id=on, lane_id="hn1119-x1", secret="s1", enabled=True,
                              created_at=now),
                       Device(id=off, lane_id="hn1119-x2", secret="s2", enabled=False,
                              created_at=now)])
            for k, p in enumerate(passes):
                for i in range(3):  # frames in insertion order, a pass-grade read, another pass
                    s.add(_read(on, p, "frame", f"12C0000{i}{k}", now - timedelta(seconds=i)))
                s.add(_read(on, p, "pass", "12C99999", now))
            s.add(_read(off, passes[0], "frame", "12C77777", now))  # same pass, other device
            s.add_all([GateHoursExtension(gate_id=g, starts_at=now + start, ends_at=now + end,
                                          reference=ref, created_by="t", created_at=now,
                                          revoked_at=revoked)
                       for g, start, end, ref, revoked in (
                           (gate, timedelta(hours=-1), timedelta(hours=1), "live", None),
                           (gate, timedelta(hours=-1), timedelta(hours=1), "gone", now),
                           (gate, timedelta(hours=-5), timedelta(hours=-3), "past", None),
                           (gate, timedelta(minutes=30), timedelta(hours=2), "soon", None),
                           (other, timedelta(hours=-1), timedelta(hours=1), "other", None))])

        with sessions() as s, s.begin():
            seen = Lookups(s, candidate_window=timedelta(hours=6))
            seen._load_devices([on, off, unknown])
            assert seen.devices == {on: KnownDevice(on, "hn1119-x1", "s1", True),
                                    off: KnownDevice(off, "hn1119-x2", "s2", False),
                                    unknown: None}
            for device_id in (on, off, unknown):  # as the ORM entity the old code loaded
                row = s.get(Device, device_id)
                known = seen.device(device_id)
                assert (known is None) == (row is None)
                if row is not None and known is not None:
                    assert (known.lane_id, known.secret, known.enabled) == (
                        row.lane_id, row.secret, row.enabled)
            assert Lookups(s, candidate_window=timedelta(hours=6)).device(off) == seen.devices[off]

            r = PlateRead.__table__.c
            old = s.connection().execute(select(
                r.device_id, r.pass_id, r.lane_id, r.plate, r.confidence, r.captured_at,
                r.trailer_plate, r.country).where(r.pass_id.in_(passes[:2]), r.grade == "frame")
                .order_by(r.id)).all()
            expected: dict[tuple[str, str], list[PassEvidence]] = {}
            for row in old:
                expected.setdefault((row.device_id, row.pass_id), []).append(PassEvidence(
                    lane_id=row.lane_id, plate=row.plate, confidence=row.confidence, frames=1,
                    captured_at=aware(row.captured_at), trailer_plate=row.trailer_plate,
                    country=row.country))
            msgs = [PlateReadV1(device_id=on, sent_at=now, nonce=uuid.uuid4().hex,
                                event_id=uuid.uuid4().hex, lane_id="hn1119-x1", pass_id=p,
                                grade="pass", captured_at=now, plate="12C99999",
                                confidence=0.9, frames=3) for p in passes[:2]]
            fresh = Lookups(s, candidate_window=timedelta(hours=6))
            fresh.prefetch(msgs, look_first=False)
            assert dict(fresh.frames) == expected
            assert sum(len(v) for v in expected.values()) == 7  # 3 + 3 frames, + the other device's

            assert [e.reference for e in fresh.active_extensions(gate, now)] == ["live"]
            assert [e.reference for e in fresh.active_extensions(gate, now + timedelta(hours=1))
                    ] == ["soon"]  # the batch's cached rows, filtered at the later time
            assert [e.reference for e in Lookups(s, candidate_window=timedelta(hours=6))
                    .active_extensions(other, now)] == ["other"]
    finally:
        engine.dispose()


def test_trip_fingerprint_and_marks_follow_every_change(db_url: str) -> None:
    """The cache's two statements, now with named parameters, still see a change."""
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    gate = f"gate-{uuid.uuid4().hex[:8]}"
    try:
        with sessions() as s, s.begin():
            carrier = Carrier(name="Stmt carrier", country="VN", created_at=now)
            s.add(carrier)
            s.flush()
            trips = [Trip(reference=f"S{uuid.uuid4().hex[:10]}", carrier_id=carrier.id,
                          plate=f"12C{i:05d}", vehicle_country="VN", gate_id=gate,
                          direction="export", window_start=now + timedelta(hours=h),
                          window_end=now + timedelta(hours=h + 2), status="submitted",
                          created_at=now, updated_at=now)
                     for i, h in enumerate((-1, 0, 30))]  # the last is outside the window
            s.add_all(trips)
            s.flush()
            ids = [t.id for t in trips]
        cache = TripCache(full_every=0.0)
        with sessions() as s, s.begin():
            first = cache.load(s, gate_id=gate, at=now, around=timedelta(hours=6))
        assert sorted(t.trip_id for t in first.trips) == sorted(ids[:2])
        assert first.window_span(default=now) == (
            min(t.window_end for t in first.trips), max(t.window_start for t in first.trips))
        with sessions() as s, s.begin():
            s.execute(update(Trip).where(Trip.id == ids[0]).values(
                status="cancelled", updated_at=now + timedelta(seconds=1)))
        with sessions() as s, s.begin():
            second = cache.load(s, gate_id=gate, at=now, around=timedelta(hours=6))
        assert second is not first
        assert {t.trip_id: t.status for t in second.trips}[ids[0]] == "cancelled"
    finally:
        engine.dispose()


def test_audit_tail_read_once_built_keeps_the_chain(db_url: str) -> None:
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    try:
        for k in range(3):  # three batches: each reads the tail the previous one wrote
            with sessions() as s, s.begin():
                record_many(s, [Entry("t", "stmt.test", "x", f"{k}-{i}", {"i": i}, now)
                                for i in range(2)])
        with sessions() as s:
            assert verify_chain(s).ok
            last = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(2)
                             ).scalars().all()
            assert last[0].prev_hash == last[1].hash
    finally:
        engine.dispose()
