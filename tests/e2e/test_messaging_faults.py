"""Fault tests of edge <-> centre messaging: real Mosquitto (started from infra/), PostgreSQL.

Nothing lost, nothing done twice, nothing acted on that the right party did not
sign: a broker killed with SIGKILL mid-flow, a central process killed between
receive and commit, a lane cut off for ten minutes of captures, the same event
delivered up to 1,000 times to two consumers, late reads, and forgeries.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from faultrig import DEVICE, LANE, Rig, since
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import select

from domain import topics
from domain.messages import (
    EventAckV1,
    LaneCommandsV1,
    LaneCommandV1,
    commands_of,
    parse_message,
)
from domain.signing import generate_signing_key, hmac_sign, sign_centre
from edge.reader.base import PlateReader
from mqttio import MqttLink
from mqttio.client import BrokerUrl
from services.db.models import Decision, LaneCommand, PlateRead
from services.db.session import make_engine, make_session_factory
from smartgate.broker import MosquittoBroker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reader() -> PlateReader:
    from edge.reader import make_reader

    return make_reader()


@pytest.fixture
def rig(tmp_path: Path, make_pg_url: Callable[[], str], mosquitto: MosquittoBroker,
        reader: PlateReader) -> Iterator[Rig]:
    db_url = make_pg_url()
    engine = make_engine(db_url)
    r = Rig(tmp_path, mosquitto, engine, make_session_factory(engine), reader, db_url)
    yield r
    r.close()
    engine.dispose()


@pytest.mark.slow
def test_broker_killed_with_sigkill_while_10000_events_flow_stores_each_once(rig: Rig) -> None:
    central = rig.start_central()
    agent = rig.edge()
    reads = []
    for i in range(10_000):  # a pass read closes every tenth vehicle's frames
        pass_id = f"p{i // 10:08d}"
        reads.append(rig.read(i, grade="pass" if i % 10 == 9 else "frame", pass_id=pass_id))

    def feed() -> None:
        for i, msg in enumerate(reads):
            rig.capture(agent, msg)
            if i % 500 == 499:
                time.sleep(0.05)

    feeder = threading.Thread(target=feed)
    feeder.start()
    rig.wait(lambda: rig.count(PlateRead) >= 2_000, 60, "first 2,000 stored")
    rig.broker.kill()  # SIGKILL: no clean shutdown, in-flight QoS 1 state in the air
    stored_at_kill = rig.count(PlateRead)
    time.sleep(1.0)
    rig.broker.start()
    feeder.join()
    rig.wait(lambda: rig.count(PlateRead) == 10_000 and agent.outbox.depth == 0, 150,
             "every event stored and acknowledged")
    time.sleep(1.0)  # a late redelivery would show now
    ids = rig.stored_ids()
    assert len(ids) == len(set(ids)) == 10_000
    assert set(ids) == {m.event_id for m in reads}
    decisions, commands, doubled = rig.decisions_and_commands()
    assert (decisions, commands, doubled) == (1_000, 1_000, 0)
    assert stored_at_kill < 10_000, "the kill happened while events were still flowing"
    assert agent.refused_acks == 0
    assert central.metrics.get("rejected") == 0


def _central_process(rig: Rig) -> subprocess.Popen[bytes]:
    s = rig.central_settings()
    env = {**os.environ, "DATABASE_URL": rig.db_url, "MQTT_URL": s.mqtt_url,
           "CENTRE_SIGNING_KEY": rig.keys[0], "CENTRE_KEY_ID": "centre-fault",
           "SMARTGATE_REFERENCE": str(rig.reference), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "smartgate.cli", "central", "--client-id",
                             rig.central_client_id, "--log-level", "WARNING"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _children(pid: int) -> list[int]:
    """Child processes started through multiprocessing's spawn (not its resource tracker)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):  # a thread that just ended
            found += [int(c) for c in (task / "children").read_text().split()]
    spawned = []
    for child in found:
        with contextlib.suppress(FileNotFoundError):
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                spawned.append(child)
    return spawned


def _running(pid: int) -> bool:
    """A process that exists and is not a zombie (a container's init may never reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_central_killed_between_receive_and_commit_loses_nothing_decides_once(rig: Rig
                                                                             ) -> None:
    agent = rig.edge()
    proc = _central_process(rig)
    reads = [rig.read(i, grade="pass") for i in range(800)]
    try:
        for msg in reads:
            rig.capture(agent, msg)
        rig.wait(lambda: rig.count(Decision) >= 150, 60, "the centre is deciding")
        lists = _children(proc.pid)  # the pre-clearance list process (services/central/listproc)
        proc.send_signal(signal.SIGKILL)  # mid-batch: received, maybe applied, not committed
        proc.wait(10)
        rig.wait(lambda: not any(map(_running, lists)), 10, "the list process ends with it")
        at_kill = rig.count(Decision)
        proc = _central_process(rig)  # same client id: its persistent session is redelivered
        rig.wait(lambda: rig.count(Decision) == 800 and agent.outbox.depth == 0, 120,
                 "every read decided and acknowledged after the restart")
        time.sleep(1.0)
    finally:
        proc.terminate()
        proc.wait(30)
    assert at_kill < 800
    assert len(lists) == 1, "the central runs its lists in one child process"
    decisions, commands, doubled = rig.decisions_and_commands()
    assert (decisions, commands, doubled) == (800, 800, 0)
    assert set(rig.stored_ids()) == {m.event_id for m in reads}


def test_edge_cut_off_for_ten_minutes_delivers_all_in_capture_order_without_starving_live(
        rig: Rig) -> None:
    central = rig.start_central(command_ttl_s=30.0)
    commands = rig.observe(topics.commands(LANE))
    agent = rig.edge(start=False, replay_window=100)
    backlog = [rig.read(i, grade="pass" if i % 5 == 4 else "frame",
                        captured_at=since(10 - i * 0.01)) for i in range(1_000)]
    for msg in backlog:  # ten minutes of captures, the uplink down
        rig.capture(agent, msg, live=False)
    assert agent.outbox.depth == 1_000
    late_pass = [m.event_id for m in backlog  # older than a command's 30 s life by far
                 if m.grade == "pass" and m.captured_at < datetime.now(UTC) - timedelta(seconds=45)]
    agent.start()
    live = []
    for i in range(20):  # trucks keep arriving while the backlog drains
        msg = rig.read(50_000 + i, grade="pass")
        rig.capture(agent, msg)
        live.append(msg)
        time.sleep(0.02)
    rig.wait(lambda: rig.count(PlateRead) == 1_020 and agent.outbox.depth == 0, 90,
             "backlog and live reads stored and acknowledged")
    ids = rig.stored_ids()
    backlog_ids = {m.event_id for m in backlog}
    assert [i for i in ids if i in backlog_ids] == [m.event_id for m in backlog], \
        "backlog stored in capture order"
    last_backlog = max(ids.index(m.event_id) for m in backlog)
    live_at = [ids.index(m.event_id) for m in live]
    assert all(i < last_backlog for i in live_at), \
        f"live reads stored at {live_at}, after the backlog finished at {last_backlog}"
    assert central.metrics.get("rejected") == 0  # re-signed on replay: none refused as stale
    # Late pass reads (captured minutes ago) are decided but their commands are born expired:
    # never published, never executed. The live ones (and the backlog's last half minute) are.
    time.sleep(0.5)
    sent: list[LaneCommandV1] = []
    while (item := commands.get(timeout=0.2)) is not None:
        heard = parse_message(item.payload)  # one command, or a lane's several together
        assert isinstance(heard, LaneCommandV1 | LaneCommandsV1)
        for cmd in commands_of(heard):
            assert isinstance(cmd, LaneCommandV1)
            sent.append(cmd)
    with rig.sessions() as s:
        late = set(s.execute(select(LaneCommand.id).join(
            Decision, Decision.id == LaneCommand.decision_id).where(
            Decision.event_id.in_(late_pass))).scalars())
    assert len(late) == len(late_pass) > 150 and not late & {c.command_id for c in sent}
    assert len({c.command_id for c in sent}) >= 20
    assert agent.barrier.opens == 0  # type: ignore[attr-defined]  # nothing declared


def test_duplicates_sent_concurrently_to_two_consumers_have_one_effect(rig: Rig) -> None:
    # No lane answers here: keep the centre's command retries out of the count on the wire.
    first = rig.start_central(command_retry_s=600.0)
    second = rig.start_central(client_id="central-fault-b", command_retry_s=600.0)
    commands = rig.observe(topics.commands(LANE))
    signed = [hmac_sign(rig.read(i, grade="pass"), rig.secret) for i in range(40)]
    copies = [(m, 1 + (i * 97) % 100) for i, m in enumerate(signed)]
    copies[0] = (signed[0], 1_000)  # one event 1,000 times
    payloads = [m.to_json() for m, n in copies for _ in range(n)]
    total = len(payloads)

    def publish(part: list[bytes], name: str) -> None:
        b = BrokerUrl.parse(rig.device_url)
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=name, protocol=paho.MQTTv311)
        client.username_pw_set(b.username, b.password)
        client.connect(b.host, b.port)
        client.loop_start()
        infos = [client.publish(topics.reads(LANE), p, qos=1) for p in part]
        for info in infos:
            info.wait_for_publish(30)
        client.disconnect()
        client.loop_stop()

    threads = [threading.Thread(target=publish, args=(payloads[k::2], f"{DEVICE}-dup{k}"))
               for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    def handled() -> int:
        return sum(c.metrics.get("decided") + c.metrics.get("duplicate")
                   for c in (first, second))

    rig.wait(lambda: handled() == total, 90, "every copy handled")
    time.sleep(0.5)
    assert first.metrics.get("received") > 0 and second.metrics.get("received") > 0
    decisions, lane_commands, doubled = rig.decisions_and_commands()
    assert (decisions, lane_commands, doubled) == (40, 40, 0)
    assert sum(c.metrics.get("decided") for c in (first, second)) == 40
    sent: Counter[str] = Counter()
    while (item := commands.get(timeout=0.3)) is not None:
        heard = parse_message(item.payload)  # one command, or a lane's several together
        assert isinstance(heard, LaneCommandV1 | LaneCommandsV1)
        for cmd in commands_of(heard):
            sent[cmd.command_id] += 1
    assert len(sent) == 40 and set(sent.values()) == {1}


def test_forged_and_unsigned_acks_never_empty_the_outbox(rig: Rig) -> None:
    agent = rig.edge()  # no central: nothing acknowledges for real
    msgs = [rig.read(i, grade="pass") for i in range(3)]
    for m in msgs:
        rig.capture(agent, m)
    ids = tuple(m.event_id for m in msgs)
    forger = MqttLink(rig.broker.url("admin"), "forger", clean_session=True).start()
    rig.links.append(forger)
    rogue_key, _ = generate_signing_key()
    now = datetime.now(UTC)
    ack = EventAckV1(device_id=DEVICE, event_ids=ids, at=now, key_id="centre-fault")
    attempts = [
        ack.to_json(),                                             # unsigned
        sign_centre(ack, rogue_key).to_json(),                     # signed by another key
        sign_centre(ack.model_copy(update={"key_id": "rogue"}), rogue_key).to_json(),
        sign_centre(ack, rig.keys[0]).model_copy(                  # genuine, then tampered
            update={"event_ids": (*ids, "tampered0001")}).to_json(),
        b"{not json",
    ]
    for payload in attempts:
        forger.publish(topics.device_acks(DEVICE), payload, qos=1, wait=5)
    rig.wait(lambda: agent.refused_acks == len(attempts), 10, "forged acks refused")
    assert agent.outbox.depth == 3
    forger.publish(topics.device_acks(DEVICE), sign_centre(ack, rig.keys[0]).to_json(), qos=1,
                   wait=5)
    rig.wait(lambda: agent.outbox.depth == 0, 10, "the genuine ack empties the outbox")


def test_broker_acl_and_client_ids_keep_a_device_in_its_lane(rig: Rig) -> None:
    """A device's own credentials: another lane's reads, any command topic, odd client ids."""
    other = "hn1119-x2"
    watch = rig.observe(f"{topics.PREFIX}/#")
    b = BrokerUrl.parse(rig.device_url)
    for client_id in (f"{DEVICE}-t", "+", "#", "lane/#"):
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                             protocol=paho.MQTTv311)
        client.username_pw_set(b.username, b.password)
        client.connect(b.host, b.port)
        client.loop_start()
        now = datetime.now(UTC)
        cmd = LaneCommandV1(command_id=f"forged{client_id.encode().hex():0<10}", lane_id=LANE,
                            action="open", issued_at=now, expires_at=now + timedelta(seconds=30))
        for topic, payload in ((topics.reads(other), b'{"v": 1}'),
                               (topics.commands(LANE), cmd.to_json()),
                               (topics.commands(other), cmd.to_json()),
                               (topics.device_acks("hn1119-x2-cam1"), b'{"v": 1}')):
            client.publish(topic, payload, qos=1).wait_for_publish(5)
        client.disconnect()
        client.loop_stop()
    time.sleep(0.5)
    leaked = []
    while (item := watch.get(timeout=0.2)) is not None:
        leaked.append(item.topic)
    assert leaked == [], "the broker's ACL delivered what the device may not publish"
    for bad in ("+", "#", "lane/#", "a b"):
        with pytest.raises(ValueError, match="invalid MQTT client id"):
            MqttLink(rig.device_url, bad)
