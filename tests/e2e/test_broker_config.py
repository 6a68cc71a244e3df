"""infra/mosquitto/mosquitto.conf, started as is (ports and paths rewritten): what it promises.

Authentication on, TLS listener, queued QoS 1 messages surviving ``kill -9``, a
queue far above Mosquitto's default 1,000 for a consumer that is away, and
oversized packets refused by the broker.
"""

from __future__ import annotations

import datetime as dt
import ssl
import time
import uuid
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from paho.mqtt.enums import CallbackAPIVersion

from mqttio import MqttLink
from mqttio.client import BrokerUrl
from smartgate.broker import INFRA_CONFIG, MosquittoBroker

TOPIC = "smartgate/v1/lanes/hn1119-x1/reads"


def _cert(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
          signer: ec.EllipticCurvePrivateKey, *, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
    return builder.sign(signer, hashes.SHA256())


def _tls_dir(folder: Path) -> Path:
    folder.mkdir(parents=True)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smartgate test CA")])
    ca = _cert("smartgate test CA", ca_key, ca_name, ca_key, ca=True)
    server = _cert("localhost", key, ca_name, ca_key, ca=False)
    (folder / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.crt").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return folder


def _connect(url: str, client_id: str, *, port: int | None = None, tls_ca: Path | None = None,
             anonymous: bool = False) -> tuple[paho.Client, list[str]]:
    b = BrokerUrl.parse(url)
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=paho.MQTTv311)
    codes: list[str] = []
    client.on_connect = lambda c, u, f, rc, p: codes.append(str(rc))
    if not anonymous:
        client.username_pw_set(b.username, b.password)
    if tls_ca is not None:
        client.tls_set(ca_certs=str(tls_ca), cert_reqs=ssl.CERT_REQUIRED)
    client.connect("localhost" if tls_ca else b.host, port or b.port)
    client.loop_start()
    deadline = time.monotonic() + 5
    while not codes and time.monotonic() < deadline:
        time.sleep(0.02)
    return client, codes


def test_the_launcher_runs_the_infra_file(tmp_path: Path) -> None:
    text = MosquittoBroker(tmp_path / "b").config_text()
    infra = INFRA_CONFIG.read_text()
    for setting in ("allow_anonymous false", "persistence true", "autosave_interval 1",
                    "max_queued_messages 1000000", "max_inflight_messages 1000",
                    "max_packet_size 1048576"):
        assert setting in infra and setting in text.splitlines()


def test_auth_and_tls_listener(tmp_path: Path) -> None:
    tls = _tls_dir(tmp_path / "tls")
    broker = MosquittoBroker(tmp_path / "b", tls_dir=tls).start()
    try:
        device_url = broker.add_device("hn1119-x1-cam1", "hn1119-x1")
        anon, codes = _connect(device_url, "anon-1", anonymous=True)
        anon.loop_stop()
        assert codes and codes[0] != "Success", "anonymous clients are refused"
        client, codes = _connect(device_url, "tls-1", port=broker.tls_port, tls_ca=tls / "ca.crt")
        assert codes == ["Success"]
        info = client.publish(TOPIC, b"over tls", qos=1)
        info.wait_for_publish(5)
        assert info.is_published()
        client.disconnect()
        client.loop_stop()
        stranger = _tls_dir(tmp_path / "other-ca") / "ca.crt"
        with pytest.raises(ssl.SSLError):  # a client that does not trust our CA never talks
            _connect(device_url, "tls-2", port=broker.tls_port, tls_ca=stranger)
    finally:
        broker.stop()


def test_queued_messages_survive_sigkill_beyond_the_default_queue(tmp_path: Path) -> None:
    broker = MosquittoBroker(tmp_path / "b").start()
    try:
        consumer = f"central-{uuid.uuid4().hex[:6]}"
        away = MqttLink(broker.url("central"), consumer, subscriptions=[(TOPIC, 1)]).start()
        time.sleep(0.3)
        away.stop()  # persistent session: the broker queues for it
        publisher = MqttLink(broker.url("admin"), "pub-1", clean_session=True).start()
        sent = [f"m{i}".encode() for i in range(3_000)]  # > Mosquitto's default 1,000
        for payload in sent:
            publisher.publish(TOPIC, payload, qos=1)
        publisher.publish(TOPIC, b"last", qos=1, wait=30)
        acked = time.time()
        publisher.stop()
        # What is promised is what a snapshot holds: the last PUBACKs before a crash are
        # the applications' to re-send (docs/messaging.md, "Broker").
        assert broker.wait_for_snapshot(after=acked, timeout=10)
        broker.kill()
        broker.start()
        back = MqttLink(broker.url("central"), consumer, subscriptions=[(TOPIC, 1)],
                        queue_size=10_000).start()
        got = []
        while (item := back.get(timeout=3)) is not None:
            got.append(item.payload)
        back.stop()
        assert got == [*sent, b"last"]
    finally:
        broker.stop()


def test_oversized_packet_is_refused_by_the_broker(tmp_path: Path) -> None:
    broker = MosquittoBroker(tmp_path / "b").start()
    try:
        watcher = MqttLink(broker.url("admin"), "watch-1", subscriptions=[(TOPIC, 1)],
                           clean_session=True).start()
        # Connected is not subscribed: on a loaded machine "small" once beat the SUBSCRIBE.
        assert watcher.subscribed.wait(10)
        client, _ = _connect(broker.url("admin"), "big-1")
        client.publish(TOPIC, b"small", qos=1).wait_for_publish(5)
        client.publish(TOPIC, b"x" * (1024 * 1024 + 10), qos=1)
        time.sleep(1.0)
        client.loop_stop()
        got = []
        while (item := watcher.get(timeout=0.5)) is not None:
            got.append(len(item.payload))
        watcher.stop()
        assert got == [len(b"small")]  # the oversized packet never reached a subscriber
    finally:
        broker.stop()
