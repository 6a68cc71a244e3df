"""Every MqttLink connection has Nagle's algorithm off (paho leaves it on).

Why it matters: a lane publishes reads and acknowledges commands on one connection;
with Nagle on, a read published right after a PUBACK waits for the broker's delayed
TCP acknowledgement (~40 ms), which showed as publish -> command latency.
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
