"""What the central worker needs of its transport, so MQTT and JetStream are interchangeable.

Why a protocol: :class:`mqttio.MqttLink` (Mosquitto, EMQX, any MQTT broker) and
:class:`services.central.jetstream.JetStreamLink` (a NATS cluster) feed the very
same ingest worker; the worker must not know which one it has.
"""

from __future__ import annotations

import threading
from typing import Protocol

from mqttio.client import Received


class Link(Protocol):
    connected: threading.Event

    def start(self, wait: float | None = 10.0) -> object: ...

    def get(self, timeout: float | None = None) -> Received | None: ...

    def ack(self, item: Received) -> None: ...

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False,
                wait: float | None = None) -> None: ...

    def stop(self) -> None: ...

    def kill(self) -> None: ...
