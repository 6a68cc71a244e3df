"""Uninterrupted clearance (issue 10) on real parts: PostgreSQL, Mosquitto, Tesseract.

The centre is stopped mid-run (and, in the second test, the broker): pre-cleared
trucks keep passing, others wait; a revoked, already-used or forged pre-clearance
never opens; after reconnection every local decision is in the central database
and the audit trail exactly once, and what changed meanwhile is flagged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from offlinehelpers import LANE, OfflineRig, wait_for

from domain import topics
from domain.messages import LaneStatusV1, PreclearanceListV1, parse_message
from domain.signing import generate_signing_key, sign_centre
from mqttio import MqttLink
from services.db.models import Decision
from smartgate.broker import MosquittoBroker

pytestmark = [pytest.mark.postgres, pytest.mark.mosquitto, pytest.mark.slow]


@pytest.fixture
def rig(tmp_path: Path, make_pg_url: Callable[[], str]) -> Iterator[OfflineRig]:
    broker = MosquittoBroker(tmp_path / "mq").start()
    r = OfflineRig(tmp_path, make_pg_url(), broker)
    yield r
    r.close()
    broker.stop()


def _retained_status(broker: MosquittoBroker) -> LaneStatusV1:
    link = MqttLink(broker.url("admin"), "obs-status", clean_session=True,
                    subscriptions=[(topics.status(LANE), 1)]).start()
    try:
        item = link.get(timeout=5)
        assert item is not None
        msg = parse_message(item.payload)
        assert isinstance(msg, LaneStatusV1)
        return msg
    finally:
        link.stop()


def test_centre_down_pre_cleared_trucks_pass_others_wait_and_all_is_reconciled(
        rig: OfflineRig) -> None:
    kept = rig.register("12C-345.67")
    revoked = rig.register("29C-111.22")
    cancelled_meanwhile = rig.register("51D-246.80")
    yellow = rig.register("15C-777.88", channel="yellow")
    wait_for("the list with the green trips",
             lambda: {kept, revoked, cancelled_meanwhile} <= rig.listed())
    assert yellow not in rig.listed()
    rig.cancel(revoked)  # before the outage: the lane hears it (a new list version)
    wait_for("the revocation to reach the lane", lambda: revoked not in rig.listed())
    assert "online" in rig.edge.offline.watch.instances().values()  # heard through the ACL
    rig.stop_central()
    wait_for("the centre's own word that it stopped",
             lambda: "offline" in rig.edge.offline.watch.instances().values(), timeout=10)
    # Read once the centre is gone: a list it issued on its way out (a 5-minute grid step
    # renews the spans) is legitimately the lane's latest.
    held_version = rig.edge.offline.store.current.version  # type: ignore[union-attr]
    assert rig.edge.offline.lost()
    wait_for("the console status to say degraded",
             lambda: _retained_status(rig.broker).centre == "lost", timeout=10)
    status = _retained_status(rig.broker)
    assert status.state == "degraded"
    rig.cancel(cancelled_meanwhile)  # the lane cannot hear this one: reconciliation flags it

    # A forged list (another key) naming an undeclared truck is refused.
    other_key, _ = generate_signing_key()
    forged = sign_centre(PreclearanceListV1(
        list_id="f0f0f0f0f0f0f0f0", lane_id=LANE, version=held_version + 10,
        issued_at=datetime.now(UTC), expires_at=datetime.now(UTC) + timedelta(hours=1),
        rules_version="x", matching=rig.edge.offline.store.current.matching,  # type: ignore
        entries=(), key_id="centre-e2e"), other_key)
    admin = MqttLink(rig.broker.url("admin"), "forger", clean_session=True).start()
    admin.publish(topics.preclearance(LANE), forged.to_json(), qos=1, wait=5)
    wait_for("the forged list to be refused",
             lambda: rig.edge.offline.store.refused.get("bad_signature"))
    admin.stop()
    assert rig.edge.offline.store.current.version == held_version  # type: ignore[union-attr]

    rig.drive("12C34567", seed=11)  # pre-cleared: opens
    assert (rig.edge.offline.opened, rig.barrier.opens) == (1, 1)
    rig.drive("12C34567", seed=12)  # the same trip again: single use
    rig.drive("29C11122", seed=13)  # revoked before the outage
    rig.drive("15C77788", seed=14)  # yellow channel: never pre-cleared
    rig.drive("30E99911", seed=15)  # not declared at all
    assert (rig.edge.offline.opened, rig.barrier.opens) == (1, 1)
    rig.drive("51D24680", seed=16)  # cancelled during the outage: the lane cannot know
    assert rig.edge.offline.opened == 2
    assert rig.edge.offline.waiting >= 4
    local = rig.decided()

    rig.start_central()
    wait_for("every local decision at the centre", lambda: len(rig.local_decisions()) == local,
             timeout=60)
    wait_for("the lane to hear the centre again", lambda: not rig.edge.offline.lost())
    wait_for("the outbox to drain", lambda: rig.edge.outbox.depth == 0, timeout=30)
    rows = rig.local_decisions()
    assert len({r.read_event_id for r in rows}) == len(rows) == local
    by_trip = {r.trip_id: r for r in rows if r.outcome == "open"}
    assert set(by_trip) == {kept, cancelled_meanwhile}
    assert by_trip[kept].conflicts == []
    assert by_trip[cancelled_meanwhile].conflicts == ["OFFLINE_TRIP_REVOKED"]
    assert rig.trip_status(kept) == "cleared"
    assert rig.trip_status(cancelled_meanwhile) == "cancelled"
    with rig.sessions() as s:
        flagged = s.get(Decision, by_trip[cancelled_meanwhile].decision_id)
        assert flagged is not None and flagged.attention == "offline_conflict"
    for r in rows:
        assert rig.audit_count("decision.offline", r.decision_id) == 1
    assert rig.audit_count("offline.conflict", by_trip[cancelled_meanwhile].decision_id) == 1
    # The list the lane now holds no longer offers the used trip.
    wait_for("a list without the used trip", lambda: kept not in rig.listed())
    assert rig.barrier.opens == 2


def test_broker_down_the_lane_still_clears_and_reports_exactly_once(rig: OfflineRig) -> None:
    trip = rig.register("12C-456.78")
    later = rig.register("29C-333.44")
    wait_for("the list", lambda: {trip, later} <= rig.listed())
    rig.broker.stop()
    wait_for("the lane to notice", rig.edge.offline.lost, timeout=15)
    rig.cancel(later)  # while nobody can publish: the lane hears it when the broker is back
    rig.drive("12C45678", seed=21)
    rig.drive("30E12121", seed=22)  # undeclared: stays closed
    assert (rig.edge.offline.opened, rig.barrier.opens) == (1, 1)
    assert rig.edge.offline.waiting >= 1
    local = rig.decided()
    # The lane box restarts mid-outage: it keeps its list and what it has used.
    rig.restart_edge()
    wait_for("the restarted lane to give up on the centre", rig.edge.offline.lost, timeout=15)
    assert trip in rig.listed()
    rig.drive("12C45678", seed=23)  # the same truck again: single use survives the restart
    assert rig.barrier.opens == 1
    local += rig.decided()
    rig.broker.start()
    wait_for("every local decision at the centre", lambda: len(rig.local_decisions()) == local,
             timeout=60)
    wait_for("the outbox to drain", lambda: rig.edge.outbox.depth == 0, timeout=30)
    rows = rig.local_decisions()
    assert len({r.read_event_id for r in rows}) == len(rows) == local
    assert [r.outcome for r in rows].count("open") == 1
    assert all(r.conflicts == [] for r in rows)
    for r in rows:
        assert rig.audit_count("decision.offline", r.decision_id) == 1
    assert rig.trip_status(trip) == "cleared"
