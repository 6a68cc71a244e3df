"""The central's one-thread link: its consumer drives paho, and nothing a thread did is lost.

Why these: ``DrivenMqttLink`` drops paho's network thread, so whatever that thread did for
free must now happen on the consumer's calls or the keeper's: reading and writing, manual
acks only when asked, the keepalive while the consumer is away, reconnecting, and
publishes from other threads (the central's command retries, its heartbeat).
"""

from __future__ import annotations

import threading
import time
import uuid

from mqttio import DrivenMqttLink, MqttLink, Received
from smartgate.broker import MosquittoBroker

TOPIC = "smartgate/v1/lanes/t1/reads"


def _link(broker: MosquittoBroker, client_id: str, **options: object) -> DrivenMqttLink:
    return DrivenMqttLink(broker.url("admin"), client_id, subscriptions=[(TOPIC, 1)],
                          manual_ack=True, clean_session=False, **options)


def _drain(link: DrivenMqttLink, n: int, timeout: float = 10.0) -> list[Received]:
    got: list[Received] = []
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        item = link.get(timeout=0.2)
        if item is not None:
            got.append(item)
    return got


def test_the_consumer_thread_drives_and_no_network_thread_runs(
        mosquitto: MosquittoBroker) -> None:
    link = _link(mosquitto, f"drv-{uuid.uuid4().hex[:6]}").start()
    sender = MqttLink(mosquitto.url("admin"), f"snd-{uuid.uuid4().hex[:6]}").start()
    try:
        assert link.connected.is_set()
        assert not [t for t in threading.enumerate() if t.name.startswith("paho-mqtt-client-")
                    and link.client_id in t.name]
        for i in range(300):
            sender.publish(TOPIC, f"m{i}".encode(), qos=1)
        got = _drain(link, 300)
        assert [g.payload for g in got] == [f"m{i}".encode() for i in range(300)]
        assert link.keeper_passes == 0  # the consumer drove throughout
    finally:
        sender.stop()
        link.stop()


def test_only_acked_messages_are_gone_after_a_crash(mosquitto: MosquittoBroker) -> None:
    """Manual ack: what was received but not acked is redelivered to the same session."""
    client_id = f"drv-{uuid.uuid4().hex[:6]}"
    link = _link(mosquitto, client_id).start()
    sender = MqttLink(mosquitto.url("admin"), f"snd-{uuid.uuid4().hex[:6]}").start()
    try:
        for i in range(20):
            sender.publish(TOPIC, f"m{i}".encode(), qos=1)
        got = _drain(link, 20)
        assert len(got) == 20
        for item in got[:10]:
            link.ack(item)
        link.get(timeout=0.5)  # the acks are written by the consumer's next call
        link.kill()
        again = _link(mosquitto, client_id).start()
        try:
            redelivered = _drain(again, 10)
            assert sorted(r.payload for r in redelivered) == sorted(g.payload for g in got[10:])
            assert again.get(timeout=1.0) is None
        finally:
            again.stop()
    finally:
        sender.stop()


def test_a_publish_from_another_thread_is_sent_while_the_consumer_waits(
        mosquitto: MosquittoBroker) -> None:
    """The central's upkeep thread retries commands while the worker waits in ``get``."""
    link = _link(mosquitto, f"drv-{uuid.uuid4().hex[:6]}").start()
    other = "smartgate/v1/lanes/t1/commands"
    watcher = MqttLink(mosquitto.url("admin"), f"w-{uuid.uuid4().hex[:6]}",
                       subscriptions=[(other, 1)], clean_session=True).start()
    time.sleep(0.3)
    try:
        waiting = threading.Thread(target=link.get, args=(5.0,))
        waiting.start()
        time.sleep(0.3)  # the consumer is in its select with nothing to read
        sent = time.monotonic()
        threading.Thread(target=link.publish, args=(other, b"retry")).start()
        item = watcher.get(timeout=3.0)
        assert item is not None and item.payload == b"retry"
        assert time.monotonic() - sent < 0.2, "waited for the consumer's select timeout"
        assert waiting.is_alive()  # still inside get: the wake did not need it to return
        waiting.join()
    finally:
        watcher.stop()
        link.stop()


def test_the_keeper_holds_the_connection_while_the_consumer_is_away(
        mosquitto: MosquittoBroker) -> None:
    """A worker stuck for longer than the keepalive (a database outage) keeps its session
    without its will firing, and what arrived meanwhile is handed over afterwards."""
    link = _link(mosquitto, f"drv-{uuid.uuid4().hex[:6]}", keepalive=1, stall_s=0.4).start()
    drops: list[object] = []
    on_disconnect = link._client.on_disconnect
    link._client.on_disconnect = lambda *a: (drops.append(a), on_disconnect(*a))
    sender = MqttLink(mosquitto.url("admin"), f"snd-{uuid.uuid4().hex[:6]}").start()
    try:
        assert link.get(timeout=0.3) is None
        time.sleep(4.0)  # > 1.5 keepalives without the consumer
        sender.publish(TOPIC, b"during", qos=1)
        time.sleep(1.0)
        assert drops == []
        assert link.keeper_passes > 0
        assert link.connected.is_set()
        got = link.get(timeout=0)
        assert got is not None and got.payload == b"during"
    finally:
        sender.stop()
        link.stop()


def test_it_reconnects_after_the_broker_restarts(mosquitto: MosquittoBroker) -> None:
    link = _link(mosquitto, f"drv-{uuid.uuid4().hex[:6]}").start()
    try:
        mosquitto.kill()
        assert _drain(link, 1, timeout=1.5) == []
        assert not link.connected.is_set()
        mosquitto.start()
        deadline = time.monotonic() + 15
        while not link.connected.is_set() and time.monotonic() < deadline:
            link.get(timeout=0.2)
        assert link.connected.is_set()
        sender = MqttLink(mosquitto.url("admin"), f"snd-{uuid.uuid4().hex[:6]}").start()
        try:
            sender.publish(TOPIC, b"after", qos=1)
            got = _drain(link, 1)
            assert [g.payload for g in got] == [b"after"]
        finally:
            sender.stop()
    finally:
        link.stop()


def test_stop_writes_what_was_queued_then_disconnects(mosquitto: MosquittoBroker) -> None:
    """The central's last status is published with ``wait`` once its worker has stopped."""
    status = "smartgate/v1/centre/t1/status"
    watcher = MqttLink(mosquitto.url("admin"), f"w-{uuid.uuid4().hex[:6]}",
                       subscriptions=[(status, 1)], clean_session=True).start()
    link = _link(mosquitto, f"drv-{uuid.uuid4().hex[:6]}").start()
    time.sleep(0.3)
    try:
        link.publish(status, b"offline", qos=1, retain=True, wait=2.0)
        link.stop()
        item = watcher.get(timeout=3.0)
        assert item is not None and item.payload == b"offline"
        assert link._client.socket() is None
    finally:
        watcher.stop()
