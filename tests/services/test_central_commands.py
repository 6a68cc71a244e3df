"""Lane commands: retried within their expiry, expired with an audit event and an officer flag."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from centralhelpers import LANE
from sqlalchemy import select

from domain import topics
from domain.signing import generate_signing_key, public_key_of, verify_command
from services.audit import events_for, verify_chain
from services.db.models import Decision, LaneCommand, Trip


def test_unacked_command_is_retried_then_expires_and_flags_an_officer(db_url, start_central):
    h = start_central(db_url, command_ttl_s=3.0, command_retry_s=0.8)
    trip_id = h.trip("12C-123.45")
    h.device.publish(h.device.read("12C12345"))
    first = h.observer.wait(topics.commands(LANE))[0]
    assert first.action == "open"
    with h.sessions() as s:
        decision_id = s.get(LaneCommand, first.command_id).decision_id

    def expired() -> bool:
        with h.sessions() as s:
            return s.get(LaneCommand, first.command_id).state == "expired"

    assert h.wait_until(expired, timeout=8)
    sent = h.observer.on(topics.commands(LANE))
    assert {c.command_id for c in sent} == {first.command_id}  # the same signed command
    assert 3 <= len(sent) <= 5  # first send + resends every 0.8 s within 3 s
    assert all(c == first for c in sent)
    for c in sent:
        verify_command(c, {h.key_id: h.public_key})
    time.sleep(1.0)
    assert len(h.observer.on(topics.commands(LANE))) == len(sent)  # never resent after expiry
    with h.sessions() as s:
        row = s.get(LaneCommand, first.command_id)
        assert row.attempts == len(sent)
        decision = s.get(Decision, decision_id)
        assert decision.outcome == "open"  # what was decided stays; an officer now owns it
        assert decision.attention == "command_expired" and decision.resolved_at is None
        assert [e.action for e in events_for(s, subject_id=first.command_id)] == [
            "command.expired"]
        assert s.get(Trip, trip_id).status == "submitted"
        assert verify_chain(s).ok
    assert h.service.metrics_snapshot()["commands_expired"] == 1


def test_refused_command_is_flagged_and_a_late_read_is_never_opened(sqlite_url, start_central):
    h = start_central(sqlite_url, command_ttl_s=30.0, command_retry_s=0.5)
    h.trip("12C-123.45")
    h.device.publish(h.device.read("12C12345"))
    cmd = h.observer.wait(topics.commands(LANE))[0]
    h.device.publish(h.device.barrier(cmd.command_id, executed=False, state="closed",
                                      detail="refused: expired: expired at ..."),
                     topics.barrier(LANE))

    def state() -> str:
        with h.sessions() as s:
            return s.get(LaneCommand, cmd.command_id).state

    assert h.wait_until(lambda: state() == "refused")
    # Copies the upkeep chose before the refusal was stored are legitimate retries (on a
    # loaded machine the refusal can take longer than one retry interval; the upkeep
    # publishes after its own commit, so one may land just after): none may follow them.
    time.sleep(0.3)
    sent_before = len(h.observer.on(topics.commands(LANE)))
    time.sleep(1.2)  # more than two retry intervals
    assert len(h.observer.on(topics.commands(LANE))) == sent_before  # a refused one is not resent
    with h.sessions() as s:
        assert s.get(Decision, cmd.decision_id).attention == "command_refused"

    # A read captured 2 minutes ago (an edge replaying after an outage, within the replay
    # window) is decided, but its command is born expired: never published, flagged.
    h.trip("12C-555.66")
    captured = datetime.now(UTC) - timedelta(minutes=2)
    late = h.device.read("12C55566", captured_at=captured)
    h.device.publish(late)
    h.observer.wait(topics.device_acks(h.device.device_id), lambda a: late.event_id in a.event_ids)
    with h.sessions() as s:
        d = s.execute(select(Decision).where(Decision.event_id == late.event_id)).scalar_one()
        late_cmd = s.execute(select(LaneCommand).where(LaneCommand.decision_id == d.id)
                             ).scalar_one()
        assert late_cmd.expires_at.replace(tzinfo=UTC) <= datetime.now(UTC)
    assert h.wait_until(lambda: _attention(h, d.id) == "command_expired", timeout=5)
    assert {c.command_id for c in h.observer.on(topics.commands(LANE))} == {cmd.command_id}


def _attention(h, decision_id: str) -> str | None:
    with h.sessions() as s:
        return s.get(Decision, decision_id).attention


def test_smartgate_central_process_runs_and_stops_cleanly_on_sigterm(tmp_path: Path, mosquitto,
                                                                     round_the_clock_reference):
    db = tmp_path / "central.db"
    private, _ = generate_signing_key()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "MQTT_URL": mosquitto.url("central"),
           "SMARTGATE_ENV": "demo", "CENTRE_SIGNING_KEY": private, "CENTRE_KEY_ID": "k1",
           "SMARTGATE_REFERENCE": str(round_the_clock_reference)}
    proc = subprocess.Popen([sys.executable, "-m", "smartgate.cli", "central",
                             "--instance-id", "proc-test"], env=env, stderr=subprocess.PIPE,
                            cwd=Path(__file__).parents[2])
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(
        ln.decode() for ln in iter(proc.stderr.readline, b"")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any("started" in ln for ln in lines):
            time.sleep(0.1)
        assert any("started" in ln for ln in lines), lines
        assert db.exists()  # migrations were applied on start
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    assert any("central proc-test: stopped" in ln for ln in lines), lines
    assert public_key_of(private)


def test_production_refuses_demo_defaults():
    import pytest

    from services.settings import CentralSettings

    with pytest.raises(ValueError, match="CENTRE_SIGNING_KEY"):
        CentralSettings(env="production", database_url="postgresql://x/y",
                        mqtt_url="mqtt://central:pw@127.0.0.1:1883")
    with pytest.raises(ValueError, match="credentials"):
        CentralSettings(env="production", database_url="postgresql://x/y",
                        mqtt_url="mqtt://127.0.0.1:1883",
                        centre_signing_key=generate_signing_key()[0])
    with pytest.raises(ValueError, match="not an Ed25519 key"):
        CentralSettings(centre_signing_key="not-a-key")
    ok = CentralSettings(env="production", database_url="postgresql://x/y",
                         mqtt_url="mqtt://central:pw@127.0.0.1:1883",
                         centre_signing_key=generate_signing_key()[0])
    assert ok.mqtt_client_id.startswith("central-")


def test_a_batch_of_decisions_is_signed_once_and_every_lane_can_check_its_command(
        db_url, start_central):
    """Reads decided in one ingest batch: their commands share one Ed25519 signature over a
    Merkle root (``command_sign_batch``), each carries its proof, the bytes stored are the
    bytes published, and each verifies alone with the centre's public key."""
    from domain.messages import LaneCommandV1, parse_message
    from mqttio.client import Received

    # One command a message, as when this test was written: the notices' order below is read
    # right after the sixth command message arrives (a lane's commands together: the next test).
    h = start_central(db_url, command_sign_batch=4, commands_per_message=1)
    plates = [f"12C{12340 + i}" for i in range(6)]
    for plate in plates[:3]:
        h.trip(plate)
    items = [Received(topics.reads(LANE), h.device.read(p).to_json(), 0, False, i)
             for i, p in enumerate(plates)]
    handled = h.service.process_batch(items)  # the worker's own path, in one transaction
    assert [x.outcome for x in handled] == ["open"] * 3 + ["manual"] * 3
    cmds = h.observer.wait(topics.commands(LANE), count=6)
    assert len(cmds) == 6 and all(isinstance(c, LaneCommandV1) for c in cmds)
    for c in cmds:
        verify_command(c, {h.key_id: h.public_key})
    assert [c.proof.size if c.proof else 1 for c in cmds] == [4, 4, 4, 4, 2, 2]
    assert len({c.sig for c in cmds}) == 2  # two signatures for six commands
    with h.sessions() as s:
        stored = {r.id: r.payload for r in s.execute(select(LaneCommand)).scalars()}
    for c in cmds:
        assert parse_message(stored[c.command_id].encode()) == c
    # The decision notice follows its command on the wire, as before batching.
    notices = h.observer.on(topics.decisions(LANE))
    assert [n.command_id for n in notices] == [c.command_id for c in cmds]
    # ... as one message for the lane's six decisions (one publish and one PUBACK, not six).
    on_wire = [parse_message(i.payload) for i in h.observer.seen
               if i.topic == topics.decisions(LANE)]
    assert [type(m).__name__ for m in on_wire] == ["DecisionBatchV1"]


def test_a_batchs_commands_for_a_lane_leave_as_one_message_unless_told_one_each(
        db_url, start_central):
    """Six reads of one lane decided in one batch: their six commands leave the centre as one
    ``lane_commands`` message (one publish, one PUBACK, one delivery to the lane), each command
    in it the very bytes stored for it, in decision order; ``commands_per_message=1`` (lanes
    older than ``lane_commands``) sends six plain commands, as before."""
    from domain.messages import LaneCommandsV1, LaneCommandV1, parse_message
    from mqttio.client import Received

    for per_message, shapes in ((64, ["LaneCommandsV1"]), (1, ["LaneCommandV1"] * 6)):
        h = start_central(db_url, commands_per_message=per_message)
        plates = [f"12C{22340 + 10 * per_message + i}" for i in range(6)]
        for plate in plates[:3]:
            h.trip(plate)
        items = [Received(topics.reads(LANE), h.device.read(p).to_json(), 0, False, i)
                 for i, p in enumerate(plates)]
        handled = h.service.process_batch(items)
        assert [x.outcome for x in handled] == ["open"] * 3 + ["manual"] * 3
        cmds = h.observer.wait(topics.commands(LANE), count=6)
        on_wire = [parse_message(i.payload) for i in h.observer.seen
                   if i.topic == topics.commands(LANE)]
        assert [type(m).__name__ for m in on_wire] == shapes
        assert all(isinstance(c, LaneCommandV1) for c in cmds)
        assert [c.plate for c in cmds] == plates
        with h.sessions() as s:
            stored = {r.id: r.payload for r in s.execute(select(LaneCommand)).scalars()}
        for c in cmds:
            verify_command(c, {h.key_id: h.public_key})
            assert c.to_json() == stored[c.command_id].encode()  # the stored bytes, as sent
        if isinstance(on_wire[0], LaneCommandsV1):
            assert on_wire[0].lane_id == LANE
        h.service.stop()
