"""The central service end to end on a real Mosquitto, on SQLite and on PostgreSQL."""

from __future__ import annotations

import time

from centralhelpers import LANE
from sqlalchemy import func, select

from domain import topics
from domain.messages import DecisionV1, EventAckV1, LaneCommandV1
from domain.plates import normalise
from domain.signing import verify_centre, verify_command
from services.audit import events_for, verify_chain
from services.db.models import AuditEvent, BarrierEvent, Decision, LaneCommand, PlateRead, Trip


def test_declared_truck_opens_then_barrier_ack_clears_trip(db_url, start_central):
    h = start_central(db_url)
    trip_id = h.trip("12C-123.45")
    read = h.device.read("12C12345")
    h.device.publish(read)

    cmds = h.observer.wait(topics.commands(LANE))
    assert len(cmds) == 1
    cmd = cmds[0]
    assert isinstance(cmd, LaneCommandV1)
    assert cmd.action == "open" and cmd.trip_id == trip_id and cmd.lane_id == LANE
    assert cmd.plate == normalise("12C-123.45")
    verify_command(cmd, {h.key_id: h.public_key})  # raises unless the centre's Ed25519 signed it
    assert cmd.expires_at > cmd.issued_at
    notices = h.observer.wait(topics.decisions(LANE))
    assert isinstance(notices[0], DecisionV1) and notices[0].outcome == "open"
    assert "CLEARED_CONTACTLESS" in {r.code for r in notices[0].reasons}
    acks = h.observer.wait(topics.device_acks(h.device.device_id))
    assert isinstance(acks[0], EventAckV1) and acks[0].event_ids == (read.event_id,)

    with h.sessions() as s:
        stored = s.execute(select(PlateRead).where(PlateRead.event_id == read.event_id)
                           ).scalar_one()
        assert stored.plate == "12C12345" and stored.device_id == h.device.device_id
        decision = s.execute(select(Decision).where(Decision.event_id == read.event_id)
                             ).scalar_one()
        assert (decision.outcome, decision.trip_id) == ("open", trip_id)
        row = s.get(LaneCommand, cmd.command_id)
        assert row is not None and row.state == "sent" and row.decision_id == decision.id
        assert LaneCommandV1.model_validate_json(row.payload) == cmd  # stored exactly as sent
        sent = [i.payload for i in h.observer.seen if i.topic == topics.commands(LANE)]
        assert sent == [row.payload.encode()]  # byte for byte: what a retry re-sends
        assert [e.action for e in events_for(s, subject_id=decision.id)] == ["decision.made"]
        assert s.get(Trip, trip_id).status == "submitted"  # not cleared before the barrier says so

    h.device.publish(h.device.barrier(cmd.command_id), topics.barrier(LANE))
    assert h.wait_until(lambda: _trip_status(h, trip_id) == "cleared")
    with h.sessions() as s:
        row = s.get(LaneCommand, cmd.command_id)
        assert row.state == "acked" and row.acked_at is not None
        assert s.execute(select(func.count()).select_from(BarrierEvent)).scalar_one() == 1
        assert s.get(Trip, trip_id).cleared_at is not None
        assert [e.action for e in events_for(s, subject_id=trip_id)] == ["trip.cleared"]
        assert verify_chain(s).ok
    snap = h.service.metrics_snapshot()
    assert snap["decided.open"] == 1 and snap["barrier"] == 1


def _trip_status(h, trip_id: str) -> str:
    with h.sessions() as s:
        return s.get(Trip, trip_id).status


def test_unregistered_plate_never_gets_open(db_url, start_central):
    h = start_central(db_url)
    h.trip("12C-123.45")
    for plate in ("29C99887", "12C12399", None):  # unknown, one digit off, unreadable
        h.device.publish(h.device.read(plate))
    cmds = h.observer.wait(topics.commands(LANE), count=3)
    assert [c.action for c in cmds] == ["hold", "hold", "hold"]
    with h.sessions() as s:
        outcomes = s.execute(select(Decision.outcome, Decision.trip_id)).all()
        assert sorted(outcomes) == [("manual", None)] * 3
        assert s.execute(select(func.count()).select_from(LaneCommand)
                         .where(LaneCommand.action == "open")).scalar_one() == 0
    assert h.service.metrics_snapshot()["decided.manual"] == 3


def test_same_event_many_times_gives_one_decision(db_url, start_central):
    h = start_central(db_url)
    h.trip("12C-123.45")
    read = h.device.read("12C12345")
    for _ in range(40):  # broker/outbox redeliveries of the very same bytes
        h.device.publish(read)
    for _ in range(5):  # the outbox re-signs a resend with a fresh nonce and sent_at
        h.device.publish(h.device.read("12C12345", event_id=read.event_id))
    # Every copy is handled and acknowledged (so the outbox drops it); copies handled in one
    # batch share one signed ack naming the event once.
    assert h.wait_until(lambda: h.service.metrics.get("received") == 45, timeout=20)
    time.sleep(0.3)
    acks = h.observer.wait(topics.device_acks(h.device.device_id))
    assert acks and all(a.event_ids == (read.event_id,) for a in acks)
    for ack in acks:
        verify_centre(ack, {h.key_id: h.public_key})
    cmds = h.observer.on(topics.commands(LANE))
    assert len(cmds) == 1 and cmds[0].action == "open"
    with h.sessions() as s:
        assert s.execute(select(func.count()).select_from(Decision)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(PlateRead)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(LaneCommand)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "decision.made")).scalar_one() == 1
    snap = h.service.metrics_snapshot()
    assert snap["duplicate"] == 44 and snap.get("rejected.replayed_nonce", 0) == 0
