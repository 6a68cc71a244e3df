"""A subscription the broker refuses is noticed (counted, logged, retried), never silent.

NATS's MQTT listener answers a subscription outside the user's permissions with a
failure SUBACK (Mosquitto 2.0 grants it and filters at delivery instead), so the
test runs a real nats-server with a lane device's permissions.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain import topics
from mqttio import MqttLink
from smartgate.broker import free_port, wait_port


@pytest.fixture
def nats_mqtt(tmp_path: Path) -> Iterator[str]:
    port, mqtt_port = free_port(), free_port()
    allowed = topics.nats_subject(topics.commands("hn1119-x1"))
    conf = tmp_path / "nats.conf"
    conf.write_text(f"""
listen: 127.0.0.1:{port}
server_name: sub-test
jetstream {{ store_dir: "{tmp_path / 'js'}" }}
authorization {{ users: [ {{user: "cam", password: "pw", permissions: {{
  publish: [">"], subscribe: ["{allowed}", "$MQTT.>"] }} }} ] }}
mqtt {{ listen: 127.0.0.1:{mqtt_port} }}
""")
    proc = subprocess.Popen(["nats-server", "-c", str(conf)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_port(mqtt_port)
        yield f"mqtt://cam:pw@127.0.0.1:{mqtt_port}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_refused_subscription_is_counted_and_retried(nats_mqtt: str) -> None:
    own = MqttLink(nats_mqtt, f"own-{uuid.uuid4().hex[:6]}",
                   subscriptions=[(topics.commands("hn1119-x1"), 1)]).start()
    other = MqttLink(nats_mqtt, f"other-{uuid.uuid4().hex[:6]}",  # another lane's commands
                     subscriptions=[(topics.commands("hn1119-x2"), 1)]).start()
    try:
        deadline = time.monotonic() + 10
        while other.subscribe_failures < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert other.subscribe_failures >= 2, "refused, then refused again on the retry"
        assert own.subscribe_failures == 0
        assert own.subscribed.is_set(), "granted: the link says it hears its topics"
        assert not other.subscribed.is_set(), "refused: it must not say so"
    finally:
        own.stop()
        other.stop()
