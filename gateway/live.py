"""The console's live feed: one MQTT subscription per gateway process, fanned out to browsers.

Why one subscriber per process and not one per browser: the broker sees a
single, well-behaved client with the gateway's credentials however many
officers are watching, and each browser gets its events over SSE from an
in-process queue. The hub also remembers the last status, barrier state,
decision and command of every lane: lane status is retained on the broker and
never stored in the database, so this memory (seeded by the retained messages
when the subscription starts) is where the board's online/offline comes from.

Threads: mqttio's network thread hands messages to ``MqttLink.inbox``; one hub
thread parses them and schedules ``put_nowait`` on each subscriber's asyncio
loop. A browser that stops reading is dropped (its queue is bounded) rather
than slowing the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from fastapi import FastAPI

from domain import topics
from domain.messages import (
    BarrierStateV1,
    DecisionBatchV1,
    DecisionV1,
    LaneCommandsV1,
    LaneCommandV1,
    LaneStatusV1,
    MessageError,
    commands_of,
    decisions_of,
    parse_message,
)
from gateway.settings import GatewaySettings
from mqttio.client import MqttError, MqttLink

log = logging.getLogger(__name__)

Event = dict[str, Any]
_KINDS: dict[str, tuple[type[LaneStatusV1 | DecisionV1 | DecisionBatchV1 | BarrierStateV1
                             | LaneCommandV1 | LaneCommandsV1], ...]] = {
    "status": (LaneStatusV1,), "decisions": (DecisionV1, DecisionBatchV1),
    "barrier": (BarrierStateV1,), "commands": (LaneCommandV1, LaneCommandsV1)}
_EVENT_KIND = {"status": "status", "decisions": "decision", "barrier": "barrier",
               "commands": "command"}


class LiveUnavailable(RuntimeError):
    """No broker link: the console can show the board from the database but not command."""


@dataclass
class _Subscriber:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Event | None]
    dropped: bool = False


@dataclass
class LiveHub:
    """Subscribes to lanes' status, barrier, decisions and commands; fans events out."""

    mqtt_url: str | None
    client_id: str = field(default_factory=lambda: f"gateway-console-{secrets.token_hex(4)}")
    queue_size: int = 500
    _link: MqttLink | None = None
    _thread: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _subs: list[_Subscriber] = field(default_factory=list)
    _state: dict[str, dict[str, Event]] = field(default_factory=dict)
    received: int = 0
    rejected: int = 0

    # -- life cycle ---------------------------------------------------------
    def start(self) -> LiveHub:
        if self.mqtt_url is None or self._link is not None:
            return self
        subs = [(topics.all_lanes(cast(topics.LaneTopicKind, kind)), 1) for kind in _KINDS]
        self._link = MqttLink(self.mqtt_url, self.client_id, subscriptions=subs,
                              clean_session=True)
        self._link.start(wait=None)  # connects in the background; never blocks startup
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="console-live", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._link is not None:
            self._link.stop()
        self._link = None
        self._thread = None
        with self._lock:
            subs, self._subs = self._subs, []
        for sub in subs:
            self._deliver(sub, None)

    @property
    def enabled(self) -> bool:
        return self.mqtt_url is not None

    @property
    def connected(self) -> bool:
        return self._link is not None and self._link.connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._link is not None and self._link.connected.wait(timeout)

    # -- the hub thread -----------------------------------------------------
    def _run(self) -> None:
        assert self._link is not None
        while not self._stop.is_set():
            item = self._link.get(timeout=0.3)
            if item is None:
                continue
            for event in self.ingest(item.topic, item.payload):
                self.broadcast(event)

    def ingest(self, topic: str, payload: bytes) -> list[Event]:
        """Parse one broker message into board events and remember them; none if refused.

        A ``DecisionBatchV1`` (several decisions of a lane committed together) becomes one
        event per decision, a ``LaneCommandsV1`` one per command, so browsers see the same
        events however the centre sent them.
        """
        try:
            lane = topics.parse_lane_topic(topic)
            message = parse_message(payload)
        except (topics.TopicError, MessageError) as exc:
            self.rejected += 1
            log.warning("console live: refused message on %s: %s", topic, exc)
            return []
        expected = _KINDS.get(lane.kind)
        lane_of = getattr(message, "lane_id", None)
        if expected is None or not isinstance(message, expected) or lane_of != lane.lane_id:
            self.rejected += 1
            log.warning("console live: %s does not belong on %s", message.type, topic)
            return []
        self.received += 1
        kind = _EVENT_KIND[lane.kind]
        parts: tuple[Any, ...] = decisions_of(message) \
            if isinstance(message, DecisionV1 | DecisionBatchV1) \
            else commands_of(message) if isinstance(message, LaneCommandV1 | LaneCommandsV1) \
            else (message,)
        events: list[Event] = [{"lane_id": lane.lane_id, "kind": kind,
                                "data": part.model_dump(mode="json", exclude={"sig"})}
                               for part in parts]
        with self._lock:
            self._state.setdefault(lane.lane_id, {})[kind] = events[-1]
        return events

    # -- fan-out ------------------------------------------------------------
    def broadcast(self, event: Event) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            self._deliver(sub, event)

    def _deliver(self, sub: _Subscriber, event: Event | None) -> None:
        def put() -> None:
            if sub.dropped:
                return
            try:
                sub.queue.put_nowait(event)
            except asyncio.QueueFull:
                sub.dropped = True  # a stalled browser: it reconnects and reloads the board
                with contextlib.suppress(asyncio.QueueEmpty):
                    sub.queue.get_nowait()
                sub.queue.put_nowait(None)

        with contextlib.suppress(RuntimeError):  # loop already closed
            sub.loop.call_soon_threadsafe(put)

    @asynccontextmanager
    async def subscription(self) -> AsyncIterator[asyncio.Queue[Event | None]]:
        """A queue of events for one browser (``None`` means: reconnect)."""
        sub = _Subscriber(asyncio.get_running_loop(), asyncio.Queue(self.queue_size))
        with self._lock:
            self._subs.append(sub)
        try:
            yield sub.queue
        finally:
            with self._lock:
                if sub in self._subs:
                    self._subs.remove(sub)

    def snapshot(self) -> dict[str, dict[str, Event]]:
        """The last event of each kind per lane, as received since start (incl. retained)."""
        with self._lock:
            return {lane: dict(kinds) for lane, kinds in self._state.items()}

    def subscribers(self) -> int:
        with self._lock:
            return len(self._subs)

    # -- officers' commands -------------------------------------------------
    def publish_command(self, command: LaneCommandV1, *, wait: float = 5.0) -> None:
        """Publish a signed command on its lane topic and wait for the broker's PUBACK."""
        if self._link is None or not self.connected:
            raise LiveUnavailable("the gateway is not connected to the broker")
        try:
            self._link.publish(topics.commands(command.lane_id), command.to_json(), qos=1,
                               wait=wait)
        except (MqttError, RuntimeError, ValueError) as exc:
            raise LiveUnavailable(str(exc)) from exc


def install(app: FastAPI, settings: GatewaySettings) -> LiveHub:
    """Put a (not yet started) hub on ``app.state.live``; idempotent."""
    hub: LiveHub | None = getattr(app.state, "live", None)
    if hub is None:
        hub = LiveHub(settings.mqtt_url if settings.console_live else None)
        app.state.live = hub
    return hub


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the hub with the app and stop it on shutdown (entered by ``create_app``)."""
    hub = install(app, app.state.settings)
    hub.start()
    try:
        yield
    finally:
        await asyncio.to_thread(hub.stop)


@contextlib.contextmanager
def running(hub: LiveHub) -> Iterator[LiveHub]:
    """For scripts and tests that drive a hub without an app."""
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()
