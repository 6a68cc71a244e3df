"""Console queries and officers' actions on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from domain.hours import gate_is_open
from domain.reasons import reason
from domain.reference import load_reference
from domain.signing import generate_signing_key
from services import console_queries as q
from services import officers
from services.db.models import Carrier, Decision, LaneCommand, PlateRead, Trip
from services.db.session import make_engine, make_session_factory

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _trip(s: Session, plate: str, carrier: str) -> Trip:
    c = Carrier(name=carrier, country="VN", created_at=NOW)
    s.add(c)
    s.flush()
    t = Trip(reference=f"T-{uuid.uuid4().hex[:8]}", carrier_id=c.id, plate=plate,
             gate_id="huu-nghi-1119", direction="export", window_start=NOW,
             window_end=NOW + timedelta(hours=4), status="submitted",
             declaration_no=f"30{uuid.uuid4().int % 10**10:010d}", created_at=NOW,
             updated_at=NOW)
    s.add(t)
    s.flush()
    return t


def _decision(s: Session, *, lane: str, plate: str, outcome: str, trip: Trip | None,
              code: str, at: datetime) -> Decision:
    ev = uuid.uuid4().hex
    s.add(PlateRead(event_id=ev, lane_id=lane, device_id=f"{lane}-cam1", pass_id=ev,
                    grade="pass", captured_at=at - timedelta(seconds=40), received_at=at,
                    plate=plate, confidence=0.9, frames=3))
    d = Decision(event_id=ev, lane_id=lane, gate_id="huu-nghi-1119", plate=plate,
                 trip_id=trip.id if trip else None, outcome=outcome,
                 reasons=[reason(code).model_dump()], rules_version="t", decided_at=at)
    s.add(d)
    s.flush()
    return d


@pytest.mark.postgres
def test_an_offline_open_in_conflict_is_queued_for_review(db_url: str) -> None:
    """A lane opened on its own for a trip revoked meanwhile (issue 10): an officer reviews it."""
    from domain.preclearance import offline_reason

    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    with sessions() as s, s.begin():
        trip = _trip(s, "12C24680", "Vận tải offline")
        trip.status = "cancelled"
        d = _decision(s, lane="hn1119-x1", plate="12C24680", outcome="open", trip=trip,
                      code="MATCHED", at=NOW)
        d.reasons = [offline_reason(c).model_dump()
                     for c in ("MATCHED", "PRECLEARED_OFFLINE", "OFFLINE_TRIP_REVOKED")]
        d.decided_by, d.attention, d.attention_at = "lane:hn1119-x1-cam1", "offline_conflict", NOW
    with sessions() as s:
        row = next(r for r in q.exceptions(s) if r["decision_id"] == d.id)
        assert row["kind"] == "offline_conflict"
        assert [r["code"] for r in row["reasons"]][-1] == "OFFLINE_TRIP_REVOKED"
    engine.dispose()


def test_queue_search_dashboard_and_hours(db_url: str) -> None:
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    tag = uuid.uuid4().hex[:6]
    private, _ = generate_signing_key()
    with sessions() as s, s.begin():
        cleared = _trip(s, "12C12345", f"Vận tải {tag}")
        cleared.status, cleared.cleared_at = "cleared", NOW + timedelta(minutes=5)
        _decision(s, lane="hn1119-x1", plate="12C12345", outcome="open", trip=cleared,
                  code="MATCHED", at=NOW)
        manual = _decision(s, lane="hn1119-x2", plate="12C99999", outcome="manual", trip=None,
                           code="UNREGISTERED", at=NOW + timedelta(minutes=1))
        opened = _decision(s, lane="hn1119-n1", plate="12C88888", outcome="open", trip=None,
                           code="MATCHED", at=NOW + timedelta(minutes=2))
        s.add(LaneCommand(decision_id=opened.id, lane_id="hn1119-n1", action="open",
                          issued_at=NOW, expires_at=NOW + timedelta(seconds=30), payload="{}",
                          state="expired"))
        officer = officers.create_officer(s, username=f"o{tag}", full_name="Cán bộ",
                                          role="officer", password="mat-khau-dai", now=NOW)
    with sessions() as s, s.begin():
        queue = {row["decision_id"]: row["kind"] for row in q.exceptions(s)}
        assert queue[manual.id] == "manual" and queue[opened.id] == "expired_command"
        # Look-alike tolerant: O for 0, B for 8, I for 1.
        hits = q.search_trips(s, plate="I2C-I234S", carrier=tag)
        assert [h.id for h in hits] == [cleared.id]
        assert q.search_trips(s, declaration=cleared.declaration_no or "")[0].id == cleared.id
        detail = q.trip_detail(s, trip_id=cleared.id)
        assert detail is not None and [i["kind"] for i in detail.timeline] == ["read", "decision"]
        assert detail.province == "12 Lạng Sơn"  # the code's province since the 2025 merger
        stats = q.dashboard(s, reference=load_reference(), now=NOW + timedelta(hours=1))
        assert stats["median_clearance_s"] is not None
        assert stats["modes"]["manual"] >= 1 and stats["reasons"]["UNREGISTERED"] >= 1
    with sessions() as s, s.begin(), pytest.raises(officers.ResolveError):
        officers.resolve_exception(s, decision_id=manual.id, officer_id=officer.id,
                                   action="open", reason="ok", now=NOW,
                                   ttl=timedelta(seconds=60), signing_key=private,
                                   key_id="k")
    with sessions() as s, s.begin():
        cmd = officers.resolve_exception(s, decision_id=manual.id, officer_id=officer.id,
                                         action="refuse", reason="Không có tờ khai", now=NOW,
                                         ttl=timedelta(seconds=60), signing_key=private,
                                         key_id="k")
        assert cmd.action == "hold"
    with sessions() as s, s.begin():
        assert manual.id not in {row["decision_id"] for row in q.exceptions(s)}
        with pytest.raises(officers.ResolveError):
            officers.resolve_exception(s, decision_id=manual.id, officer_id=officer.id,
                                       action="open", reason="lần hai nữa", now=NOW,
                                       ttl=timedelta(seconds=60), signing_key=private,
                                       key_id="k")
    gate = load_reference().gate("huu-nghi-1119")
    late = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)  # 22:30 in Hanoi: closed
    with sessions() as s, s.begin():
        assert not gate_is_open(gate=gate, at=late,
                                extensions=officers.active_extensions(s, gate_id=gate.id, at=late))
        ext = officers.add_extension(s, gate_id=gate.id, starts_at=late - timedelta(minutes=30),
                                     ends_at=late + timedelta(hours=2), reference="CV 12/UBND",
                                     officer_id=officer.id, now=NOW)
        assert gate_is_open(gate=gate, at=late,
                            extensions=officers.active_extensions(s, gate_id=gate.id, at=late))
        officers.revoke_extension(s, extension_id=ext.id, officer_id=officer.id, now=NOW)
        assert officers.active_extensions(s, gate_id=gate.id, at=late) == []
    engine.dispose()
