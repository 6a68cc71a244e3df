"""Central instances consuming the lanes' MQTT traffic from a NATS JetStream cluster.

Why: one Mosquitto is one machine. With NATS (its MQTT listener enabled) the
lanes keep publishing MQTT 3.1.1 with paho, unchanged, to any node; NATS maps
``smartgate/v1/lanes/X/reads`` to the subject ``smartgate.v1.lanes.X.reads``,
which the replicated (R3) stream :data:`STREAM` stores. Every central instance
binds to the one durable pull consumer :data:`DURABLE`: JetStream hands each
message to one instance, and redelivers it (after ``ack_wait``) unless that
instance acknowledges it, which :class:`JetStreamLink.ack` does only after the
database commit, exactly where the MQTT path sends its PUBACK. A redelivery of
something already committed is a duplicate to ``handle_message`` (event_id),
so each event is decided once.

:class:`JetStreamLink` offers the same worker-facing calls as
:class:`mqttio.MqttLink` (``get``, ``ack``, ``publish``, ``start``, ``stop``,
``kill``, ``connected``), so :class:`JetStreamCentral` only swaps the link and
the ingest worker is the very one the MQTT path runs. nats-py is asyncio: it
runs on its own event-loop thread; the worker threads cross over with
``run_coroutine_threadsafe``.

Outbound messages (commands, decisions, acks) are core NATS publishes, which
NATS's MQTT listener delivers to the lanes' subscriptions at QoS 0. That is
enough because both are already protected end to end: an unacknowledged
command is republished by the upkeep loop and an unacknowledged read is
re-sent by the edge outbox, whose duplicate is acknowledged again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import queue
import ssl
import threading
from dataclasses import dataclass

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from domain import topics
from mqttio.client import Received
from services.central.link import Link
from services.central.service import CentralService

log = logging.getLogger("services.central.jetstream")

STREAM = "SMARTGATE_LANES"
DURABLE = "central"


def stream_subjects() -> list[str]:
    return [topics.nats_subject(topics.all_lanes("reads")),
            topics.nats_subject(topics.all_lanes("barrier")),
            topics.nats_subject(topics.all_lanes("local"))]


@dataclass(frozen=True, slots=True)
class JetStreamOptions:
    servers: tuple[str, ...]
    stream: str = STREAM
    durable: str = DURABLE
    replicas: int = 3
    ack_wait_s: float = 30.0
    max_ack_pending: int = 2000
    fetch_batch: int = 64
    max_age_s: float = 7 * 86400.0
    name: str = "central"
    user: str | None = None
    password: str | None = None
    ca_file: str | None = None


class JetStreamLink:
    """Pulls from the shared durable consumer; acks after commit; publishes core NATS."""

    def __init__(self, options: JetStreamOptions, *, queue_size: int | None = None) -> None:
        self.options = options
        # Hold little in hand: a message waiting here longer than ack_wait is redelivered
        # to another instance and handled twice (as a duplicate, but the work is wasted).
        self.inbox: queue.Queue[Received] = queue.Queue(
            maxsize=queue_size or 2 * options.fetch_batch)
        self.connected = threading.Event()
        self._pending: dict[int, Msg] = {}
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="central-nats",
                                        daemon=True)
        self._nc: NatsClient | None = None
        self._fetcher: asyncio.Future[None] | None = None
        self._closing = False

    # -- lifecycle -------------------------------------------------------------
    def start(self, wait: float | None = 10.0) -> JetStreamLink:
        self._thread.start()
        fut = asyncio.run_coroutine_threadsafe(self._connect(), self._loop)
        fut.result(timeout=max(wait or 30.0, 30.0))
        return self

    async def _connect(self) -> None:
        async def on_disconnect() -> None:
            self.connected.clear()
            log.warning("nats %s: disconnected", self.options.name)

        async def on_reconnect() -> None:
            self.connected.set()
            log.info("nats %s: reconnected to %s", self.options.name,
                     self._nc.connected_url.netloc if self._nc and self._nc.connected_url else "?")

        async def on_error(exc: Exception) -> None:
            log.warning("nats %s: %r", self.options.name, exc)

        tls = ssl.create_default_context(cafile=self.options.ca_file) if self.options.ca_file \
            else None
        self._nc = await nats.connect(
            servers=list(self.options.servers), name=self.options.name, tls=tls,
            user=self.options.user, password=self.options.password,
            max_reconnect_attempts=-1, reconnect_time_wait=0.5, connect_timeout=3,
            disconnected_cb=on_disconnect, reconnected_cb=on_reconnect, error_cb=on_error,
        )
        self.connected.set()
        await self._ensure_consumer()
        self._fetcher = asyncio.ensure_future(self._fetch_loop())

    async def _ensure_consumer(self) -> None:
        """Create the stream and the durable consumer if missing (idempotent, any instance)."""
        assert self._nc is not None
        js = self._nc.jetstream(timeout=10)
        o = self.options
        try:
            await js.stream_info(o.stream)
        except NotFoundError:
            await js.add_stream(StreamConfig(
                name=o.stream, subjects=stream_subjects(), num_replicas=o.replicas,
                storage=StorageType.FILE, max_age=o.max_age_s, duplicate_window=120.0))
        try:
            await js.consumer_info(o.stream, o.durable)
        except NotFoundError:
            await js.add_consumer(o.stream, ConsumerConfig(
                durable_name=o.durable, ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL, ack_wait=o.ack_wait_s,
                max_ack_pending=o.max_ack_pending, max_deliver=-1, num_replicas=o.replicas))

    async def _fetch_loop(self) -> None:
        assert self._nc is not None
        js = self._nc.jetstream(timeout=10)
        sub = None
        want = 1
        while not self._closing:
            try:
                if sub is None:
                    sub = await js.pull_subscribe_bind(self.options.durable, self.options.stream)
                room = self.inbox.maxsize - self.inbox.qsize()
                if room < self.options.fetch_batch:
                    await asyncio.sleep(0.02)
                    continue
                # fetch(n) returns at once what is stored, but when nothing is, it waits for
                # all n (or the timeout), holding a lone read that long. So ask for as many
                # as the consumer says are pending (num_pending of the last message), and
                # for one when idle. (A short timeout instead orphans late deliveries,
                # which then wait out ack_wait.)
                msgs = await sub.fetch(want, timeout=1.0)
                want = max(1, min(self.options.fetch_batch, msgs[-1].metadata.num_pending))
            except NatsTimeout:
                want = 1
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # cluster re-electing, node gone: keep pulling
                log.warning("nats %s: fetch failed (%r); retrying", self.options.name, exc)
                await asyncio.sleep(0.5)
                continue
            for msg in msgs:
                self._hand_over(msg)

    def _hand_over(self, msg: Msg) -> None:
        mid = next(self._ids)
        self._pending[mid] = msg
        stored_at = msg.metadata.timestamp.timestamp()
        # Freshness is measured from when the cluster stored the message (not when a
        # redelivery reached us), as the MQTT path measures it from broker hand-over.
        self.inbox.put_nowait(Received(topics.mqtt_topic(msg.subject), bytes(msg.data), 1,
                                       False, mid, received_at=stored_at))

    def stop(self) -> None:
        self._closing = True
        if self._nc is not None:
            fut = asyncio.run_coroutine_threadsafe(self._close(), self._loop)
            try:
                fut.result(15)
            except Exception as exc:
                log.warning("nats %s: close: %r", self.options.name, exc)
        self._end_loop()
        self.connected.clear()

    def _end_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    @staticmethod
    async def _cancel_rest() -> None:
        rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)

    async def _close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.cancel()
        if self._nc is not None:
            # Not drain(): anything in hand but unacked is simply redelivered to another
            # instance; only our own publishes (acks, commands) must be flushed out.
            with contextlib.suppress(Exception):
                await self._nc.flush(timeout=2)
            await self._nc.close()
        await self._cancel_rest()

    def kill(self) -> None:
        """Drop the connection without acking anything in hand (tests: a crash)."""
        self._closing = True
        self._pending.clear()
        if self._nc is not None:
            fut = asyncio.run_coroutine_threadsafe(self._abort(), self._loop)
            try:
                fut.result(5)
            except Exception as exc:
                log.debug("nats kill: %r", exc)
        self._end_loop()

    async def _abort(self) -> None:
        if self._fetcher is not None:
            self._fetcher.cancel()
        if self._nc is not None:
            await self._nc.close()
        await self._cancel_rest()

    # -- worker-facing calls (same as MqttLink) --------------------------------
    def get(self, timeout: float | None = None) -> Received | None:
        try:
            return self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    def ack(self, item: Received) -> None:
        """Acknowledge after the commit; a lost ack only means a harmless redelivery."""
        msg = self._pending.pop(item.mid, None)
        if msg is None:
            return
        fut = asyncio.run_coroutine_threadsafe(msg.ack(), self._loop)
        try:
            fut.result(5)
        except Exception as exc:
            log.warning("nats %s: ack of %s failed (%r): it will be redelivered and "
                        "answered as a duplicate", self.options.name, item.topic, exc)

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False,
                wait: float | None = None) -> None:
        if self._nc is None:
            raise RuntimeError("JetStreamLink not started")
        fut = asyncio.run_coroutine_threadsafe(
            self._nc.publish(topics.nats_subject(topic), payload), self._loop)
        fut.result(wait or 5)

    def in_hand(self) -> int:
        return len(self._pending)


class JetStreamCentral(CentralService):
    """The central service with its inbound traffic from JetStream instead of MQTT."""

    lists_in_child = False  # the child's link is MQTT; here the lists stay in a thread

    def _make_link(self) -> Link:
        servers = tuple(s.strip() for s in self.settings.nats_servers.split(",") if s.strip())
        return JetStreamLink(JetStreamOptions(
            servers=servers, stream=self.settings.jetstream_stream,
            durable=self.settings.jetstream_durable, replicas=self.settings.jetstream_replicas,
            name=self.settings.mqtt_client_id, user=self.settings.nats_user,
            password=self.settings.nats_password, ca_file=self.settings.nats_ca_file))
