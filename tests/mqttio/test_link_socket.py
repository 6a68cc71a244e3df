"""How an MqttLink uses its connection: Nagle off, publishes never held behind a limit.

Why it matters: a lane publishes reads and acknowledges commands on one connection;
with Nagle on (paho's default), a read published right after a PUBACK waits for the
broker's delayed TCP acknowledgement (~40 ms), which showed as publish -> command
latency. The centre publishes ~1,000 messages a batch; paho's in-flight limit made
each PUBACK walk the table of those waiting.
"""

from __future__ import annotations

import socket
import uuid

from mqttio import MqttLink
from smartgate.broker import MosquittoBroker


def test_the_connection_has_tcp_nodelay(mosquitto: MosquittoBroker) -> None:
    link = MqttLink(mosquitto.url("admin"), f"nodelay-{uuid.uuid4().hex[:6]}",
                    clean_session=True).start()
    try:
        assert link.connected.is_set()
        sock = link._client.socket()
        assert sock is not None
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        link.stop()


def test_the_centre_may_keep_nagle(mosquitto: MosquittoBroker) -> None:
    link = MqttLink(mosquitto.url("admin"), f"nagle-{uuid.uuid4().hex[:6]}",
                    clean_session=True, no_delay=False).start()
    try:
        sock = link._client.socket()
        assert sock is not None
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
    finally:
        link.stop()


def test_a_burst_of_publishes_goes_out_at_once_not_queued_behind_an_inflight_limit(
        mosquitto: MosquittoBroker) -> None:
    """A batch's 1,000 commands and notices are all handed to the socket as published.

    Why: with paho's in-flight limit, the messages beyond it wait in paho's table, and every
    PUBACK walks that table to release the next one (O(limit) per ack).
    """
    from paho.mqtt.client import mqtt_ms_queued

    link = MqttLink(mosquitto.url("admin"), f"burst-{uuid.uuid4().hex[:6]}",
                    clean_session=True).start()
    try:
        for i in range(300):
            link.publish("smartgate/v1/bench/burst", b"x" * 100 + str(i).encode(), qos=1)
        queued = [m for m in list(link._client._out_messages.values())
                  if m.state == mqtt_ms_queued]
        assert queued == []
    finally:
        link.stop()
