"""The edge outbox: durable until the centre's app-level ack, bounded, fair to live traffic."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from edgehelpers import DEVICE, LANE, Centre, Lane

from domain import topics
from domain.messages import PlateReadV1
from domain.signing import hmac_verify, new_nonce
from edge.outbox import Outbox
from edge.uplink import Uplink
from mqttio import MqttLink


def _read(grade: str = "frame", plate: str = "12C12345") -> PlateReadV1:
    now = datetime.now(UTC)
    return PlateReadV1(device_id=DEVICE, sent_at=now, nonce=new_nonce(), event_id=uuid.uuid4().hex,
                       lane_id=LANE, pass_id=uuid.uuid4().hex, grade=grade,  # type: ignore[arg-type]
                       captured_at=now, plate=plate, confidence=0.9)


def _add(box: Outbox, msg: PlateReadV1) -> bool:
    return box.add(event_id=msg.event_id, topic=topics.reads(LANE), body=msg.to_json(),
                   evictable=msg.grade == "frame")


def test_bound_evicts_oldest_evidence_first_and_never_pass_reads(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "edge.db", max_rows=10)
    passes = [_read("pass") for _ in range(4)]
    frames = [_read("frame") for _ in range(6)]
    for p, f in zip(passes, frames, strict=False):
        assert _add(box, p) and _add(box, f)
    for f in frames[4:]:
        assert _add(box, f)
    assert box.depth == 10 and box.full
    late = [_read("frame") for _ in range(3)]
    for f in late:
        assert _add(box, f)  # each evicts the oldest frame-grade row
    kept = set(box.event_ids())
    assert {p.event_id for p in passes} <= kept
    assert not {f.event_id for f in frames[:3]} & kept
    assert {f.event_id for f in late} <= kept and box.evicted == 3
    # Must-keep rows are accepted beyond the bound, and a new frame still evicts an old one.
    more = [_read("pass") for _ in range(8)]
    for p in more:
        assert _add(box, p)
    assert box.depth == 18 and box.full
    must_keep = {p.event_id for p in passes + more}
    assert _add(box, _read("frame")) and box.depth == 18
    # With no evidence left to evict, new evidence is refused: the must-keep rows stay.
    box.ack([e for e in box.event_ids() if e not in must_keep])
    assert box.depth == 12 and box.full
    assert not _add(box, _read("frame"))
    assert set(box.event_ids()) == must_keep
    assert not _add(box, passes[0]), "an event id is stored once"
    box.ack(box.event_ids())
    assert box.depth == 0 and not box.full
    box.close()


def test_rows_survive_reopen_and_come_out_oldest_first(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "edge.db")
    msgs = [_read("pass") for _ in range(5)]
    for m in msgs:
        _add(box, m)
    box.mark_sent([r.seq for r in box.due(now=time.time(), resend_after=60, limit=2)],
                  now=time.time())
    box.close()
    box = Outbox(tmp_path / "edge.db")
    assert box.depth == 5
    assert [r.event_id for r in box.due(now=time.time(), resend_after=60, limit=10)] == \
        [m.event_id for m in msgs[2:]]
    box.reset_sent()
    assert [r.event_id for r in box.due(now=time.time(), resend_after=60, limit=10)] == \
        [m.event_id for m in msgs]
    assert box.ack([msgs[0].event_id, "unknown-id-xyz"]) == 1 and box.depth == 4
    box.close()


def test_event_ack_removes_rows(lane: Lane, centre: Centre, make_agent) -> None:
    agent = make_agent()
    for _ in range(3):
        centre.send(centre.command())
    centre.wait(lambda: len(centre.states()) == 3)
    assert agent.outbox.depth == 3, "nothing leaves the outbox on PUBACK alone"
    centre.ack([s.event_id for s in centre.states()[:2]])
    centre.wait(lambda: agent.outbox.depth == 1, timeout=5)
    assert agent.outbox.event_ids() == [centre.states()[2].event_id]


def test_unacked_rows_are_replayed_after_restart_oldest_first(
        lane: Lane, centre: Centre, make_agent) -> None:
    agent = make_agent()
    for _ in range(4):
        centre.send(centre.command(action="hold"))
    centre.wait(lambda: len(centre.states()) == 4)
    first_round = [s.event_id for s in centre.states()]
    agent.stop()
    centre.messages.clear()
    again = make_agent(resend_after_s=60.0)
    centre.wait(lambda: len(centre.states()) >= 4, timeout=15)
    replayed = [s.event_id for s in centre.states()]
    assert replayed[:4] == first_round, "replayed in capture order"
    for s in centre.states():
        hmac_verify(s, lane.secret)  # re-signed with a fresh nonce, still the device's signature
    centre.ack(replayed)
    centre.wait(lambda: again.outbox.depth == 0, timeout=5)


def test_rows_wait_out_a_broker_outage_then_arrive(
        lane: Lane, centre: Centre, make_agent) -> None:
    agent = make_agent()
    centre.auto_ack = True
    centre.send(centre.command(action="hold"))
    centre.wait(lambda: len(centre.states()) == 1)
    centre.wait(lambda: agent.outbox.depth == 0, timeout=5)
    lane.broker.kill()
    time.sleep(0.5)
    assert not agent.link.connected.is_set()
    # Captured while the broker is down: committed to the outbox, nothing lost.
    offline = [_read("pass", plate=f"12C1234{i}") for i in range(5)]
    for m in offline:
        assert agent.outbox.add(event_id=m.event_id, topic=topics.reads(LANE), body=m.to_json(),
                                evictable=False)
        agent.uplink.notify(m.event_id)
    time.sleep(0.5)
    assert agent.outbox.depth == 5
    lane.broker.start()
    centre.wait(lambda: {r.event_id for r in centre.reads()} >= {m.event_id for m in offline},
                timeout=30)
    got = [r.event_id for r in centre.reads() if r.event_id in {m.event_id for m in offline}]
    assert got[:5] == [m.event_id for m in offline]
    centre.wait(lambda: agent.outbox.depth == 0, timeout=10)


def test_live_events_are_not_starved_by_a_replay_backlog(
        lane: Lane, centre: Centre, make_agent) -> None:
    backlog = [_read("pass", plate="12C12345") for _ in range(1000)]
    box = Outbox(lane.root / "data" / "edge.db")
    for m in backlog:
        _add(box, m)
    box.close()
    agent = make_agent(replay_window=50, resend_after_s=60.0)
    centre.wait(lambda: len(centre.reads()) >= 50, timeout=15)
    time.sleep(0.5)
    assert len(centre.reads()) == 50, "replay waits for acks beyond its window"
    t0 = time.monotonic()
    centre.send(centre.command())
    centre.wait(lambda: len(centre.states()) == 1, timeout=5)
    live_latency = time.monotonic() - t0
    assert live_latency < 2.0
    # Now the centre acks as it goes: the whole backlog drains, in capture order.
    centre.auto_ack = True
    centre.ack([r.event_id for r in centre.reads()] + [s.event_id for s in centre.states()])
    centre.wait(lambda: agent.outbox.depth == 0, timeout=30)
    seen: list[str] = []
    for r in centre.reads():
        if r.event_id not in seen:
            seen.append(r.event_id)
    assert seen == [m.event_id for m in backlog]


class _Recorder:
    """Stands in for the MQTT link only to see, deterministically, the order the uplink
    publishes in (the race below needs the committing thread stopped between two steps)."""

    def __init__(self) -> None:
        self.connected = threading.Event()
        self.connected.set()
        self.published: list[bytes] = []

    def publish(self, topic: str, payload: bytes, qos: int = 1) -> None:
        self.published.append(payload)


def test_the_backlog_never_sends_a_row_ahead_of_an_older_live_one(tmp_path: Path) -> None:
    """A row stored but not yet notified (the committing thread between ``add`` and
    ``notify``) must wait behind an older row still on the live path: the lane's barrier
    states for one lane_commands message once reached the centre out of order."""
    box = Outbox(tmp_path / "edge.db")
    link = _Recorder()
    up = Uplink(link=cast(MqttLink, link), outbox=box, secret="s" * 32)
    older, newer = _read("pass"), _read("pass")
    _add(box, older)
    up.notify(older.event_id)
    _add(box, newer)  # its notify still to come
    up._send_backlog()
    assert link.published == []
    up._send_live()
    up._send_backlog()
    sent = [PlateReadV1.model_validate_json(p).event_id for p in link.published]
    assert sent == [older.event_id, newer.event_id]
    box.close()
