"""The centre's side of offline clearance (issue 10), on SQLite and PostgreSQL with Mosquitto.

Lists: signed, versioned, retained, re-issued only when their content changes (a
revocation at once). Local decisions: stored and audited exactly once however often
the lane's outbox re-sends them; a malformed one is refused and kept.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from centralhelpers import LANE, Harness
from sqlalchemy import func, select, text

from domain import topics
from domain.messages import LocalDecisionV1, PreclearanceListV1
from domain.signing import hmac_sign, new_nonce, verify_centre
from services.central.leader import LOCK_KEY
from services.db.models import AuditEvent, Decision, LocalDecision, RejectedMessage, Trip

FAST = {"preclearance_refresh_s": 0.2, "heartbeat_s": 0.5}


def _lists(h: Harness) -> list[PreclearanceListV1]:
    return [m for m in h.observer.on(topics.preclearance(LANE))
            if isinstance(m, PreclearanceListV1)]


def _trips(lst: PreclearanceListV1) -> set[str]:
    return {e.trip_id for e in lst.entries}


def test_lists_are_signed_versioned_and_reissued_only_on_change(
        db_url: str, start_central: Callable[..., Harness]) -> None:
    h = start_central(db_url, **FAST)
    # A window that ends (grace included) inside the 4 h horizon: the span's end is then
    # the trip's, not the horizon's, which moves with the 5-minute grid and would
    # legitimately re-issue the list if the test crossed a grid step.
    now = datetime.now(UTC)
    green = h.trip("12C-345.67", window_end=now + timedelta(minutes=30))
    yellow = h.trip("29C-111.22", channel="yellow")
    first = h.observer.wait(topics.preclearance(LANE), lambda m: green in _trips(m))[-1]
    verify_centre(first, {h.key_id: h.public_key}, what="list")
    assert yellow not in _trips(first) and first.lane_id == LANE
    time.sleep(1.0)
    assert _lists(h)[-1].version == first.version  # nothing changed: no new version
    with h.sessions() as s, s.begin():
        trip = s.get(Trip, green)
        assert trip is not None
        trip.status = "cancelled"
    revoked = h.observer.wait(topics.preclearance(LANE), lambda m: green not in _trips(m))
    assert revoked and revoked[-1].version > first.version
    # Heartbeat: the centre's retained status says online.
    beats = h.observer.on(topics.centre_status(h.service.offline.instance))
    assert beats and beats[-1].state == "online"


def _local(h: Harness, *, outcome: str, trip_id: str | None, list_: PreclearanceListV1 | None,
           read_lane: str = LANE) -> LocalDecisionV1:
    now = datetime.now(UTC)
    read = h.device.read("12C34567").model_copy(update={"sig": "", "lane_id": read_lane})
    return LocalDecisionV1(
        device_id=h.device.device_id, sent_at=now, nonce=new_nonce(),
        event_id=uuid.uuid4().hex, lane_id=LANE, read=read, outcome=outcome,  # type: ignore
        trip_id=trip_id, plate="12C34567",
        reason_codes=("MATCHED", "PRECLEARED_OFFLINE") if outcome == "open" else
        ("NOT_PRECLEARED",), list_id=list_.list_id if list_ else None,
        list_version=list_.version if list_ else None, decided_at=now,
        executed=outcome == "open")


def _count(h: Harness, model: type, *where: object) -> int:
    with h.sessions() as s:
        return int(s.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def test_a_local_decision_is_recorded_and_audited_exactly_once(
        db_url: str, start_central: Callable[..., Harness]) -> None:
    h = start_central(db_url, **FAST)
    trip_id = h.trip("12C-345.67")
    lst = h.observer.wait(topics.preclearance(LANE), lambda m: trip_id in _trips(m))[-1]
    local = _local(h, outcome="open", trip_id=trip_id, list_=lst)
    topic = topics.local_decisions(LANE)
    for _ in range(3):  # the outbox re-sends until acknowledged: fresh nonce each time
        h.device.publish(hmac_sign(local.model_copy(update={"nonce": new_nonce()}),
                                   h.device.secret), topic)
    # Every copy is handled and acknowledged; copies handled in one batch share one signed ack.
    assert h.wait_until(lambda: h.service.metrics.get("received") == 3, timeout=20)
    acks = h.observer.wait(topics.device_acks(h.device.device_id),
                           lambda m: local.event_id in m.event_ids)
    assert acks and all(a.event_ids == (local.event_id,) for a in acks)
    assert _count(h, LocalDecision) == 1
    with h.sessions() as s:
        row = s.get(LocalDecision, local.event_id)
        assert row is not None and row.conflicts == []
        decision = s.get(Decision, row.decision_id)
        assert decision is not None and decision.outcome == "open"
        assert decision.decided_by == f"lane:{h.device.device_id}"
        trip = s.get(Trip, trip_id)
        assert trip is not None and trip.status == "cleared"
    assert _count(h, AuditEvent, AuditEvent.action == "decision.offline") == 1
    assert _count(h, AuditEvent, AuditEvent.action == "trip.cleared") == 1
    # The same trip opened again offline (another lane, a replayed list): flagged.
    again = _local(h, outcome="open", trip_id=trip_id, list_=lst)
    h.device.publish(hmac_sign(again, h.device.secret), topic)
    assert h.wait_until(lambda: _count(h, LocalDecision) == 2)
    with h.sessions() as s:
        row = s.get(LocalDecision, again.event_id)
        assert row is not None and row.conflicts == ["OFFLINE_ALREADY_USED"]
        assert s.get(Decision, row.decision_id).attention == "offline_conflict"  # type: ignore
    assert _count(h, AuditEvent, AuditEvent.action == "offline.conflict") == 1


def test_a_held_truck_is_decided_by_the_centre_and_a_bad_decision_is_refused(
        db_url: str, start_central: Callable[..., Harness]) -> None:
    h = start_central(db_url, **FAST)
    topic = topics.local_decisions(LANE)
    held = _local(h, outcome="manual", trip_id=None, list_=None)
    h.device.publish(hmac_sign(held, h.device.secret), topic)
    assert h.wait_until(lambda: _count(h, LocalDecision) == 1)
    with h.sessions() as s:
        row = s.get(LocalDecision, held.event_id)
        assert row is not None
        decision = s.get(Decision, row.decision_id)
        assert decision is not None and decision.decided_by == "auto"  # the centre decided
    foreign = _local(h, outcome="open", trip_id=None, list_=None, read_lane="hn1119-x2")
    h.device.publish(hmac_sign(foreign, h.device.secret), topic)
    assert h.wait_until(lambda: _count(h, RejectedMessage,
                                       RejectedMessage.reason == "inconsistent") == 1)
    assert _count(h, LocalDecision) == 1


def test_an_open_on_a_list_older_than_an_amendment_is_flagged(
        db_url: str, start_central: Callable[..., Harness]) -> None:
    h = start_central(db_url, **FAST)
    trip_id = h.trip("12C-345.67")
    old = h.observer.wait(topics.preclearance(LANE), lambda m: trip_id in _trips(m))[-1]
    with h.sessions() as s, s.begin():  # amended (still green): a new version, same truck
        trip = s.get(Trip, trip_id)
        assert trip is not None
        trip.declaration_no, trip.updated_at = "10599999999", datetime.now(UTC)
    newer = h.observer.wait(topics.preclearance(LANE), lambda m: m.version > old.version)
    assert newer and trip_id in _trips(newer[-1])
    # The lane, cut off, never heard the new version and opened on the old one.
    stale = _local(h, outcome="open", trip_id=trip_id, list_=old)
    h.device.publish(hmac_sign(stale, h.device.secret), topics.local_decisions(LANE))
    assert h.wait_until(lambda: _count(h, LocalDecision) == 1)
    with h.sessions() as s:
        row = s.get(LocalDecision, stale.event_id)
        assert row is not None and row.conflicts == ["OFFLINE_TRIP_AMENDED"]
        trip = s.get(Trip, trip_id)
        assert trip is not None and trip.status == "held"  # nothing opens for it again
    assert _count(h, AuditEvent, AuditEvent.action == "trip.held") == 1


def _running(pid: int) -> bool:
    """A process that exists and is not a zombie (a container's init may never reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_lists_come_from_a_child_process_that_a_crash_takes_down(
        db_url: str, start_central: Callable[..., Harness]) -> None:
    """By default the lists are built in a process of their own (their CPU would stall the
    decisions); killing the central as a crash does must not leave it publishing."""
    h = start_central(db_url, **FAST)
    lists = h.service.lists
    assert lists is not None and lists.pid is not None and _running(lists.pid)
    green = h.trip("12C-345.67", window_end=datetime.now(UTC) + timedelta(minutes=30))
    assert h.observer.wait(topics.preclearance(LANE), lambda m: green in _trips(m))
    pid = lists.pid
    h.service.kill()
    assert h.wait_until(lambda: not _running(pid), timeout=5.0)
    assert h.service.lists is not None and not h.service.lists.alive()


def test_lists_in_the_central_thread_when_asked(
        db_url: str, start_central: Callable[..., Harness]) -> None:
    """``preclearance_process=False`` (and the JetStream transport): one process, same lists."""
    h = start_central(db_url, preclearance_process=False, **FAST)
    assert h.service.lists is None
    green = h.trip("12C-345.67", window_end=datetime.now(UTC) + timedelta(minutes=30))
    first = h.observer.wait(topics.preclearance(LANE), lambda m: green in _trips(m))[-1]
    verify_centre(first, {h.key_id: h.public_key}, what="list")
    assert _cancel_and_wait_for_revocation(h, green)


def _cancel_and_wait_for_revocation(h: Harness, trip_id: str) -> list[PreclearanceListV1]:
    """Cancel the trip (as the carriers' API would) and wait for the list without it."""
    with h.sessions() as s, s.begin():
        trip = s.get(Trip, trip_id)
        assert trip is not None
        trip.status = "cancelled"
    return h.observer.wait(topics.preclearance(LANE), lambda m: trip_id not in _trips(m),
                           timeout=15.0)


def _list_lock_holders(h: Harness) -> int:
    with h.engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) = :key"),
            {"key": LOCK_KEY}).scalar_one())


def test_one_instance_builds_the_lists_and_another_takes_over_when_it_dies(
        pg_url: str, start_central: Callable[..., Harness]) -> None:
    """PostgreSQL: one list builder among the instances (an advisory lock), not one each."""
    h = start_central(pg_url, **FAST)
    green = h.trip("12C-345.67", window_end=datetime.now(UTC) + timedelta(minutes=30))
    first = h.observer.wait(topics.preclearance(LANE), lambda m: green in _trips(m))[-1]
    h.spawn()  # started after the first instance's list process took the lock
    assert h.wait_until(lambda: _list_lock_holders(h) == 1)
    time.sleep(1.0)
    assert _list_lock_holders(h) == 1, "the second instance must stand by"
    h.service.kill()  # the builder crashes: its database session, and the lock, end with it
    revoked = _cancel_and_wait_for_revocation(h, green)
    assert revoked and revoked[-1].version == first.version + 1
    assert _list_lock_holders(h) == 1


def test_a_list_process_that_dies_is_started_again(
        db_url: str, start_central: Callable[..., Harness]) -> None:
    h = start_central(db_url, **FAST)
    lists = h.service.lists
    assert lists is not None and lists.pid is not None
    green = h.trip("12C-345.67", window_end=datetime.now(UTC) + timedelta(minutes=30))
    first = h.observer.wait(topics.preclearance(LANE), lambda m: green in _trips(m))[-1]
    dead = lists.pid
    os.kill(dead, signal.SIGKILL)
    time.sleep(0.2)
    lists.wake()  # the ingest worker's call after a decision: never hangs on a dead child
    assert h.wait_until(lambda: lists.pid not in (None, dead) and lists.alive(), timeout=10.0)
    assert h.service.metrics.get("list_process_restarts") == 1
    revoked = _cancel_and_wait_for_revocation(h, green)
    assert revoked and revoked[-1].version > first.version
