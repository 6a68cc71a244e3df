"""An MQTT link with no network thread: the thread that consumes it also drives paho.

Why: :class:`~mqttio.client.MqttLink` runs paho's network thread beside the worker, and
every message crosses between the two (a queue's lock and condition on the way in, a
socket-pair byte per packet on the way out, the interpreter lock handed back and forth).
In the central under ``bench/messaging.py`` that thread used ~15-19 % of the process's
CPU (docs/messaging.md, rounds 10 and 12). Here paho's external loop (``loop_read``,
``loop_write``, ``loop_misc`` around one ``select``) runs inside :meth:`DrivenMqttLink.get`,
on the consumer's own thread: ``on_message`` still only parses and hands over, to a
local deque; publishes and acks are queued in paho and written by the next ``get``.

What stays as in ``MqttLink``: manual ack only when :meth:`ack` is called, persistent
session and stable client id, subscriptions (re)made in ``on_connect``, reconnect with
backoff (1-10 s), the will, publishes from other threads (they wake the driver through
a socket pair of our own, so a command retry is not held until the next ``get``).

The keeper: a thread that sleeps while the consumer drives, and drives in its place when
it has not for ``stall_s`` (a database outage keeps the worker away for minutes; without
this the broker would drop us after 1.5 keepalives and publish our will). It then also
reads, up to ``queue_size`` waiting messages, as the network thread did.
Use it with manual ack: the broker's in-flight window then bounds what is read ahead.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as paho

from mqttio.client import MqttError, MqttLink, Received

log = logging.getLogger(__name__)

#: Longest a driver waits in one ``select``: ``loop_misc`` (keepalive) runs at least this often.
_PASS_S = 0.25


class DrivenMqttLink(MqttLink):
    """An :class:`MqttLink` whose consumer thread drives the connection in :meth:`get`."""

    def __init__(self, url: str, client_id: str, *, stall_s: float = 5.0,
                 **options: object) -> None:
        super().__init__(url, client_id, **options)  # type: ignore[arg-type]
        self._pending: deque[Received] = deque()
        self._read_max = self.inbox.maxsize
        self._drive = threading.Lock()  # one driver at a time: the consumer or the keeper
        self._driver = 0  # thread id of the driver in its pass
        self._consumer = 0  # thread id of the last caller of get(): its publishes need no wake
        self._driven_at = 0.0  # monotonic; when the consumer last drove
        self._stall_s = stall_s
        self._started = False
        self._closed = False  # stopped or killed: never reconnect
        self._next_connect = 0.0
        self._connect_failures = 0
        #: Passes the keeper made while the consumer was away (tests, bench).
        self.keeper_passes = 0
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._keeper_stop = threading.Event()
        self._keeper: threading.Thread | None = None
        # Set, it stops paho from writing inside publish(): the driver writes in its pass.
        self._client.on_socket_register_write = self._on_register_write

    # -- paho callbacks -----------------------------------------------------
    def _on_message(self, client, userdata, msg):
        self._pending.append(Received(msg.topic, bytes(msg.payload), msg.qos,
                                      bool(msg.retain), msg.mid))

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if not reason_code.is_failure:
            self._connect_failures = 0
        super()._on_connect(client, userdata, flags, reason_code, properties)

    def _on_register_write(self, client: object, userdata: object, sock: object) -> None:
        self._wake()

    def _wake(self) -> None:
        """Break the driver's select for a packet queued by another thread (a retry, a status).

        The consumer's own publishes and acks need none: its next :meth:`get` writes them.
        """
        if threading.get_ident() in (self._consumer, self._driver):
            return
        with contextlib.suppress(OSError):  # full (the driver wakes anyway) or closed
            self._wake_w.send(b"w")

    # -- lifecycle ------------------------------------------------------------
    def start(self, wait: float | None = 10.0) -> DrivenMqttLink:
        """Connect now (retried by the driver with backoff) and start the keeper."""
        self._client.connect_async(self.broker.host, self.broker.port, keepalive=self._keepalive)
        with self._drive:
            self._started = True
            self._connect()
        self._keeper = threading.Thread(target=self._keep, name=f"mqtt-keeper-{self.client_id}",
                                        daemon=True)
        self._keeper.start()
        if wait and not self._drive_until(self.connected.is_set, wait):
            log.warning("mqtt %s: not connected after %.0fs, still retrying", self.client_id, wait)
        return self

    def _drive_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Drive (taking turns with the consumer, who may be driving too) until ``done()``."""
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            if self._drive.acquire(timeout=0.05):
                try:
                    self._driver = threading.get_ident()
                    self._pass(0.05)
                finally:
                    self._driver = 0
                    self._drive.release()
        return done()

    def stop(self) -> None:
        """DISCONNECT (no will) after what is queued is written; call once the consumer is done."""
        self._stop_keeper()
        with self._drive:
            self._driver = threading.get_ident()
            self._closed = True
            self._client.disconnect()
            deadline = time.monotonic() + 2.0
            while self._client.socket() is not None and time.monotonic() < deadline:
                self._pass(0.05)
        self._close_wake()

    def kill(self) -> None:
        """Drop the connection without DISCONNECT, as a crash would (the will fires)."""
        self._closed = True
        self._stop_keeper()
        got = self._drive.acquire(timeout=2.0)
        try:
            sock = self._client.socket()
            if sock is not None:
                sock.close()
        finally:
            if got:
                self._drive.release()
        self._close_wake()

    def _stop_keeper(self) -> None:
        self._keeper_stop.set()
        if self._keeper is not None and self._keeper is not threading.current_thread():
            self._keeper.join(5.0)

    def _close_wake(self) -> None:
        self._wake_r.close()
        self._wake_w.close()

    # -- the consumer's calls ----------------------------------------------------
    def get(self, timeout: float | None = None) -> Received | None:
        """The next message; drives the connection (writes, reads, keepalive) meanwhile."""
        if self._pending:
            return self._pending.popleft()
        self._consumer = threading.get_ident()
        if self._closed:
            time.sleep(timeout or 0.0)
            return None
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._drive:
            self._driver = threading.get_ident()
            try:
                while not self._closed:
                    left = _PASS_S if deadline is None else deadline - time.monotonic()
                    readable = self._pass(min(max(left, 0.0), _PASS_S))
                    while not self._pending and readable:  # PUBACKs only: read on
                        readable = self._pass(0.0)
                    if self._pending or left <= 0:
                        break
            finally:
                self._driver = 0
                self._driven_at = time.monotonic()
        return self._pending.popleft() if self._pending else None

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False,
                wait: float | None = None) -> None:
        """Queue in paho; the driver writes it. With ``wait``, drive until the broker has it
        if no one else does (a stop's last status), else wait for the driver."""
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc not in (paho.MQTT_ERR_SUCCESS, paho.MQTT_ERR_NO_CONN):
            raise MqttError(f"publish to {topic} failed: {paho.error_string(info.rc)}")
        self._wake()
        if not wait:
            return
        if not self._drive_until(info.is_published, wait):
            raise MqttError(f"publish to {topic} not acknowledged within {wait}s")

    # -- driving ---------------------------------------------------------------
    def _pass(self, timeout: float, *, read: bool = True) -> bool:
        """One select, then paho's read, write and keepalive work; holds ``_drive``.

        Returns whether the socket was readable (more may be waiting).
        """
        client = self._client
        sock = client.socket()
        if sock is None or not self._started:
            if self._started and not self._closed and time.monotonic() >= self._next_connect:
                self._connect()
            else:
                time.sleep(timeout)
            return False
        rlist: list[Any] = [sock, self._wake_r] if read else [self._wake_r]
        wlist = [sock] if client.want_write() else []
        try:
            ready_r, ready_w, _ = select.select(rlist, wlist, [], timeout)
        except (OSError, ValueError):  # closed under us (kill) or lost
            return False
        if self._wake_r in ready_r:
            with contextlib.suppress(OSError):
                self._wake_r.recv(4096)
            if client.want_write():
                ready_w = [sock]
        readable = sock in ready_r
        if readable:
            client.loop_read()
        if ready_w and client.socket() is not None:
            client.loop_write()
        if client.socket() is not None:
            client.loop_misc()
        return readable and client.socket() is not None

    def _connect(self) -> None:
        """One connection attempt; on failure the next after 1, 2, 4 ... 10 s (as paho's)."""
        try:
            self._client.reconnect()
        except (OSError, ValueError) as exc:
            self._connect_failures += 1
            delay = min(10.0, 2.0 ** (self._connect_failures - 1))
            self._next_connect = time.monotonic() + delay
            log.warning("mqtt %s: connect failed (%r); next attempt in %.0fs",
                        self.client_id, exc, delay)
            return
        self._connect_failures += 1  # reset by a successful CONNACK
        self._next_connect = time.monotonic() + min(10.0, 2.0 ** (self._connect_failures - 1))

    def _keep(self) -> None:
        """Drive while the consumer is away for longer than ``stall_s`` (see module doc)."""
        while not self._keeper_stop.wait(self._stall_s / 4):
            if time.monotonic() - self._driven_at < self._stall_s:
                continue
            if not self._drive.acquire(blocking=False):
                continue
            try:
                if self._closed:
                    return
                self._driver = threading.get_ident()
                self.keeper_passes += 1
                self._pass(0.0, read=len(self._pending) < self._read_max)
            finally:
                self._driver = 0
                self._drive.release()
