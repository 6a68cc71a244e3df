"""A thin, safe wrapper around paho-mqtt 2.x shared by the edge, the centre and the gateway.

Rules it enforces so application code cannot get them wrong:

* paho callbacks only parse and hand over: ``on_message`` turns paho's object
  into a frozen :class:`Received` and puts it on a bounded queue (:class:`Inbox`). A
  worker thread does the work; the network thread blocks only when that queue is full.
* Subscriptions are (re)made in ``on_connect``, so they survive reconnects.
* With ``manual_ack=True`` the broker's PUBACK is sent only when the worker
  calls :meth:`MqttLink.ack` after its database commit; a crash before that
  makes the broker redeliver.
* Clean session off (persistent session) with a stable client id, so QoS 1
  messages queued while we were away are delivered when we return.
* ``TCP_NODELAY`` on our socket unless ``no_delay=False`` (paho leaves Nagle's
  algorithm on): see :func:`_no_delay`.
"""

from __future__ import annotations

import logging
import queue
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

log = logging.getLogger(__name__)

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _no_delay(client: paho.Client, userdata: object, sock: object) -> None:
    """Turn Nagle's algorithm off on a freshly opened connection (paho's ``on_socket_open``).

    Why: a lane's one connection both publishes reads and acknowledges the commands it
    receives. With Nagle on, a read published right after a command's PUBACK waited for
    the TCP acknowledgement of that PUBACK, which the broker delays (~40 ms) when it has
    nothing to send back: publish -> command at 50 reads/s went from ~13 to ~40 ms at
    p50 (``bench/messaging.py``). The broker's side has ``set_tcp_nodelay true``. The
    centre keeps Nagle (``no_delay=False``): it writes ~3 small packets per read in bursts
    of a batch, which Nagle coalesces, and with Nagle off its CPU per event rose (bench).
    """
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # type: ignore[attr-defined]
    except (AttributeError, OSError) as exc:  # not a TCP socket (a test double): harmless
        log.debug("mqtt: TCP_NODELAY not set: %r", exc)


class Inbox:
    """A bounded first-in first-out hand-over from paho's network thread to a worker.

    Why not ``queue.Queue``: its ``put`` and ``get`` are Python around a lock and two
    conditions, paid once per message received by every link (the centre's reads, the
    lane's commands and acks). ``queue.SimpleQueue`` does both in C (the hand-over with
    ``on_message``: 2.8 -> 1.5 us a message, messaging journal round 20);
    the bound ``queue.Queue`` gave is kept here: ``put`` blocks while ``maxsize`` items
    wait (back-pressure with manual ack: nothing is acknowledged until processed), polling
    every millisecond, which happens only when the worker is far behind. One producer (paho's
    network thread) is assumed: two could each pass the size check and go one over the bound.
    """

    __slots__ = ("_q", "maxsize")

    def __init__(self, maxsize: int) -> None:
        self._q: queue.SimpleQueue[Received] = queue.SimpleQueue()
        self.maxsize = maxsize

    def put(self, item: Received) -> None:
        while self.maxsize > 0 and self._q.qsize() >= self.maxsize:
            time.sleep(0.001)
        self._q.put(item)

    def get(self, timeout: float | None = None) -> Received:
        """The oldest item; ``queue.Empty`` after ``timeout`` seconds (0: do not wait)."""
        return self._q.get(timeout=timeout)

    def qsize(self) -> int:
        return self._q.qsize()


class MqttError(RuntimeError):
    """Connection or publish failure that the caller should see (never silently dropped)."""


@dataclass(frozen=True, slots=True)
class Received:
    """What application code sees of an MQTT message (never paho's object)."""

    topic: str
    payload: bytes
    qos: int
    retain: bool
    mid: int
    received_at: float = field(default_factory=time.time)


@dataclass(frozen=True, slots=True)
class BrokerUrl:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @classmethod
    def parse(cls, url: str) -> BrokerUrl:
        """``mqtt://user:pass@host:1883`` or ``mqtts://...`` (TLS, default port 8883)."""
        u = urlparse(url)
        if u.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
            raise ValueError(f"unsupported broker URL scheme {u.scheme!r} (use mqtt:// or mqtts://)")
        tls = u.scheme in ("mqtts", "ssl")
        return cls(
            host=u.hostname or "127.0.0.1",
            port=u.port or (8883 if tls else 1883),
            username=unquote(u.username) if u.username else None,
            password=unquote(u.password) if u.password else None,
            tls=tls,
        )


@dataclass(frozen=True, slots=True)
class Will:
    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = True


class MqttLink:
    """One MQTT connection with a receive queue; start with :meth:`start`."""

    def __init__(
        self,
        url: str,
        client_id: str,
        *,
        subscriptions: Iterable[tuple[str, int]] = (),
        manual_ack: bool = False,
        clean_session: bool = False,
        will: Will | None = None,
        online: tuple[str, bytes] | None = None,
        queue_size: int = 10_000,
        ca_file: str | None = None,
        keepalive: int = 30,
        no_delay: bool = True,
    ) -> None:
        if not _CLIENT_ID.match(client_id):
            raise ValueError(f"invalid MQTT client id {client_id!r}")
        self.broker = BrokerUrl.parse(url)
        self.client_id = client_id
        self.subscriptions = tuple(subscriptions)
        self.manual_ack = manual_ack
        self.inbox = Inbox(queue_size)
        self.connected = threading.Event()
        #: Set once the broker granted every subscription of the current connection: only
        #: then is a message published by another client sure to reach this one.
        self.subscribed = threading.Event()
        #: SUBACKs that refused a subscription (an ACL, an overloaded cluster node): retried.
        self.subscribe_failures = 0
        self._pending_subs: dict[int, tuple[str, int, int]] = {}
        self._subs_lock = threading.Lock()  # a SUBACK may beat the bookkeeping of its mid
        self._online = online
        self._keepalive = keepalive
        self._client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=clean_session,
            protocol=paho.MQTTv311,
        )
        # No in-flight limit (0): with one, paho walks its whole table of in-flight messages
        # on every PUBACK to find a queued one to send (~5 % of the centre's CPU at 1,000
        # publishes a batch). What we publish is bounded upstream (a batch's commands and
        # acks, the edge's replay window); the broker bounds what it sends us.
        self._client.max_inflight_messages_set(0)
        self._client.max_queued_messages_set(0)  # 0 = unlimited local queue while offline
        self._client.reconnect_delay_set(min_delay=1, max_delay=10)
        if manual_ack:
            self._client.manual_ack_set(True)
        if self.broker.username:
            self._client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            self._client.tls_set(ca_certs=ca_file, cert_reqs=ssl.CERT_REQUIRED)
        if will:
            self._client.will_set(will.topic, will.payload, qos=will.qos, retain=will.retain)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        if no_delay:
            self._client.on_socket_open = _no_delay

    # -- paho callbacks: parse and hand over, nothing else ------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("mqtt %s: connect refused: %s", self.client_id, reason_code)
            return
        self.subscribed.clear()
        with self._subs_lock:
            self._pending_subs.clear()  # the SUBACKs of a dead connection never come
        for topic, qos in self.subscriptions:
            self._subscribe(topic, qos)
        if not self.subscriptions:
            self.subscribed.set()
        if self._online:
            client.publish(self._online[0], self._online[1], qos=1, retain=True)
        self.connected.set()
        log.info("mqtt %s: connected to %s:%s", self.client_id, self.broker.host, self.broker.port)

    def _subscribe(self, topic: str, qos: int, attempt: int = 0) -> None:
        with self._subs_lock:
            _, mid = self._client.subscribe(topic, qos=qos)
            if mid is not None:
                self._pending_subs[mid] = (topic, qos, attempt)

    def _on_subscribe(self, client, userdata, mid, reason_code_list, properties):
        """A refused subscription is not silent: logged, counted and retried with backoff.

        Why: a lane whose subscription to its acks or commands failed would look
        connected while never hearing the centre (seen under load on a NATS node).
        The retry runs on a timer thread so this callback never blocks.
        """
        with self._subs_lock:
            topic, qos, attempt = self._pending_subs.pop(mid, (None, 0, 0))
            refused = any(rc.is_failure for rc in reason_code_list)
            if not refused and not self._pending_subs:
                self.subscribed.set()
        if topic is None or not refused:
            return
        self.subscribe_failures += 1
        delay = min(30.0, 2.0 ** attempt)
        log.error("mqtt %s: subscription to %s refused (%s); retrying in %.0fs",
                  self.client_id, topic, reason_code_list[0], delay)
        timer = threading.Timer(delay, self._resubscribe, args=(topic, qos, attempt + 1))
        timer.daemon = True
        timer.start()

    def _resubscribe(self, topic: str, qos: int, attempt: int) -> None:
        if self.connected.is_set():
            self._subscribe(topic, qos, attempt)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        log.warning("mqtt %s: disconnected (%s)", self.client_id, reason_code)

    def _on_message(self, client, userdata, msg):
        item = Received(msg.topic, bytes(msg.payload), msg.qos, bool(msg.retain), msg.mid,
                        time.time())
        # Blocking here is deliberate back-pressure: with manual ack nothing is
        # acknowledged until processed, and the queue is large enough that this
        # only happens when the worker is far behind.
        self.inbox.put(item)

    # -- API for workers ----------------------------------------------------
    def start(self, wait: float | None = 10.0) -> MqttLink:
        """Connect (retrying in the background) and start the network thread."""
        self._client.connect_async(self.broker.host, self.broker.port, keepalive=self._keepalive)
        self._client.loop_start()
        if wait and not self.connected.wait(wait):
            log.warning("mqtt %s: not connected after %.0fs, still retrying", self.client_id, wait)
        return self

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def kill(self) -> None:
        """Drop the connection without DISCONNECT, as a crash would (the will fires)."""
        sock = self._client.socket()
        if sock is not None:
            sock.close()
        self._client.loop_stop()

    def ack(self, item: Received) -> None:
        """Acknowledge a QoS>0 message after it has been processed (manual-ack mode)."""
        if self.manual_ack and item.qos > 0:
            self._client.ack(item.mid, item.qos)

    def publish(
        self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False,
        wait: float | None = None,
    ) -> None:
        """Publish; with ``wait`` block until the broker has it (never call from a callback)."""
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc not in (paho.MQTT_ERR_SUCCESS, paho.MQTT_ERR_NO_CONN):
            raise MqttError(f"publish to {topic} failed: {paho.error_string(info.rc)}")
        if wait:
            info.wait_for_publish(wait)
            if not info.is_published():
                raise MqttError(f"publish to {topic} not acknowledged within {wait}s")

    def get(self, timeout: float | None = None) -> Received | None:
        try:
            return self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None
