"""The lane agent: camera -> plate reads -> outbox -> MQTT; signed commands -> barrier.

Threads, each with one job (the paho network thread only hands messages over):

* ``capture``  - pulls frames from the source into a small queue (a live camera
  drops the oldest frame when the reader is behind; files wait);
* ``reader``   - reads plates, keeps evidence, groups frames into passes and
  commits frame- and pass-grade reads to the outbox;
* ``inbound``  - lane commands (verified, executed, answered with a barrier
  state through the outbox) and the centre's acks (delete outbox rows);
* ``uplink``   - outbox -> broker (see ``edge.uplink``) and the heartbeat.

``EdgeAgent`` is used in-process by tests and the demo, and by ``edge.cli``.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import cast

from domain import topics
from domain.messages import (
    BarrierStateV1,
    EventAckV1,
    LaneStatusV1,
    LocalDecisionV1,
    MessageError,
    PlateReadV1,
    parse_message,
)
from domain.signing import SignatureError, new_nonce, verify_centre
from domain.verified_roots import VerifiedRoots
from edge.barrier import Barrier
from edge.commands import CommandLedger, CommandOutcome, handle_commands
from edge.evidence import EvidenceServer, EvidenceStore
from edge.liveness import Liveness
from edge.offline import CentreWatch, OfflineLane, PreclearanceStore
from edge.outbox import Outbox
from edge.passes import PassTracker
from edge.passtypes import ConsensusFn, new_id
from edge.reader.base import PlateReader
from edge.reading import LaneReading
from edge.settings import EdgeSettings
from edge.sources import Captured, FrameSource, PassEnd
from edge.uplink import Uplink
from mqttio import MqttLink, Received, Will

log = logging.getLogger(__name__)


def _default_consensus() -> ConsensusFn:
    from edge.reader.consensus import consensus

    return cast(ConsensusFn, consensus)


class EdgeAgent:
    """One lane: ``start()`` / ``stop()``, or ``run()`` until :meth:`stop` is called."""

    def __init__(self, settings: EdgeSettings, *, reader: PlateReader, barrier: Barrier,
                 source: FrameSource, consensus: ConsensusFn | None = None,
                 link_keepalive: int = 15) -> None:
        self.settings = s = settings
        self.reader, self.barrier, self.source = reader, barrier, source
        s.data_dir.mkdir(parents=True, exist_ok=True)
        self.outbox = Outbox(s.db_path, max_rows=s.outbox_max_rows)
        self.ledger = CommandLedger(s.db_path)
        self.verified_roots = VerifiedRoots()  # a batch's commands: one Ed25519 check
        self.evidence = EvidenceStore(s.evidence_dir, max_bytes=s.evidence_max_mb * 2**20)
        self.evidence_server = (EvidenceServer(self.evidence, host=s.evidence_host,
                                               port=s.evidence_port) if s.evidence_port else None)
        self.tracker = PassTracker(consensus=consensus or _default_consensus(),
                                   timeout_s=s.pass_timeout_s, min_agree=s.min_agree,
                                   contested_frames=s.contested_frames)
        self.status_topic = topics.status(s.lane_id)
        self.commands_topic = topics.commands(s.lane_id)
        self.acks_topic = topics.device_acks(s.device_id)
        self.offline = OfflineLane(
            lane_id=s.lane_id, device_id=s.device_id, barrier=barrier,
            store=PreclearanceStore(s.db_path, lane_id=s.lane_id,
                                    public_keys=s.centre_public_keys),
            watch=CentreWatch(centre_timeout_s=s.centre_timeout_s,
                              ack_timeout_s=s.ack_timeout_s))
        self.liveness = Liveness(s, barrier=barrier, outbox=self.outbox, offline=self.offline,
                                 frames_read=lambda: self.reading.frames_read)
        self.link = MqttLink(
            s.mqtt_url, s.device_id,
            subscriptions=[(self.commands_topic, 1), (self.acks_topic, 1),
                           *self.offline.subscriptions()],
            will=Will(self.status_topic, self.liveness.status("offline").to_json()),
            online=(self.status_topic, self.liveness.status("online").to_json()),
            ca_file=s.mqtt_ca_file, keepalive=link_keepalive,
        )
        self.uplink = Uplink(link=self.link, outbox=self.outbox, secret=s.secret,
                             replay_window=s.replay_window, resend_after=s.resend_after_s,
                             on_idle=self._maybe_heartbeat)
        self.reading = LaneReading(
            lane_id=s.lane_id, device_id=s.device_id, reader=reader, evidence=self.evidence,
            tracker=self.tracker, offline=self.offline,
            commit=lambda msg, topic, evictable: self._commit(msg, topic, evictable=evictable),
            on_local=self.liveness.force, second_look=s.second_look)
        self.refused_acks = 0
        self.outcomes: deque[CommandOutcome] = deque(maxlen=1000)  # recent, for tests/debug
        self.on_outcome: Callable[[CommandOutcome], None] | None = None
        # Files wait on disk, so only a camera's frames are held ahead of the reader here.
        self._frames: queue.Queue[Captured | PassEnd] = queue.Queue(
            maxsize=32 if source.live else 2)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._shutdown_lock = threading.Lock()
        self._closed = False

    @property
    def frames_read(self) -> int:
        return self.reading.frames_read

    @property
    def frames_skipped(self) -> int:
        return self.reading.frames_skipped

    def heartbeat(self) -> LaneStatusV1:
        """The current lane status (also published, retained, every ``heartbeat_s``)."""
        return self.liveness.heartbeat()

    # -- lifecycle -----------------------------------------------------------
    def start(self, wait: float | None = 10.0) -> EdgeAgent:
        if self.evidence_server is not None:
            self.evidence_server.start()
        self.link.start(wait=wait)
        self.uplink.start()
        for name, target in (("capture", self._capture), ("reader", self._read_loop),
                             ("inbound", self._inbound)):
            t = threading.Thread(target=target, name=f"edge-{name}", daemon=True)
            t.start()
            self._threads.append(t)
        log.info("edge %s on lane %s started", self.settings.device_id, self.settings.lane_id)
        return self

    def run(self) -> None:
        """Start and block until :meth:`request_stop` or :meth:`stop` (e.g. from a signal)."""
        self.start()
        while not self._stop.wait(0.5):
            pass
        self._shutdown(graceful=True)

    def stop(self) -> None:
        """Finish in-hand work, mark the lane offline (retained) and disconnect."""
        self._stop.set()
        self._shutdown(graceful=True)

    def request_stop(self) -> None:
        """Signal-safe: make :meth:`run` return."""
        self._stop.set()

    def kill(self) -> None:
        """Die as a crash would: no offline status, the broker publishes the last will."""
        self._stop.set()
        self.link.kill()
        self._shutdown(graceful=False)

    def _shutdown(self, *, graceful: bool) -> None:
        with self._shutdown_lock:
            if self._closed:
                return
            self._closed = True
            self._shutdown_now(graceful=graceful)

    def _shutdown_now(self, *, graceful: bool) -> None:
        threads, self._threads = self._threads, []
        for t in threads:
            t.join(10)
        self.uplink.stop()
        if graceful:
            with contextlib.suppress(Exception):
                if self.link.connected.is_set():
                    self.link.publish(self.status_topic, self.liveness.status("offline").to_json(),
                                      qos=1, retain=True, wait=3.0)
            self.link.stop()
        if self.evidence_server is not None:
            self.evidence_server.stop()
        shutdown = getattr(self.barrier, "shutdown", None)
        if callable(shutdown):
            shutdown()
        self.outbox.close()
        self.ledger.close()
        self.offline.store.close()

    # -- capture and reading -------------------------------------------------
    def _capture(self) -> None:
        try:
            for item in self.source.frames(self._stop):
                while not self._stop.is_set():
                    try:
                        self._frames.put(item, timeout=0.2)
                        break
                    except queue.Full:
                        if self.source.live:  # a camera: stale frames are worthless
                            with contextlib.suppress(queue.Empty):
                                self._frames.get_nowait()
                                self.reading.frames_skipped += 1
        except Exception:
            log.exception("edge: frame source failed; no more frames from %s",
                          self.settings.source)
        log.info("edge: frame source finished")

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            try:
                item = self._frames.get(timeout=0.1)
            except queue.Empty:
                self.tracker.tick(time.monotonic())
                self.reading.emit_ended()
                continue
            try:
                if isinstance(item, PassEnd):
                    self.tracker.end_group(item.group)
                else:
                    self.reading.process(item)
                self.reading.emit_ended()
            except Exception:  # one bad frame must never stop the lane
                log.exception("edge: frame %s failed", getattr(item, "name", "?"))
                self.reading.frames_skipped += 1

    def _commit(self, msg: PlateReadV1 | BarrierStateV1 | LocalDecisionV1, topic: str, *,
                evictable: bool) -> None:
        """Outbox first (durable), then hand to the uplink."""
        if self.outbox.add(event_id=msg.event_id, topic=topic, body=msg.to_json(),
                           evictable=evictable):
            self.uplink.notify(msg.event_id)
        elif evictable:
            log.warning("edge: outbox full: frame evidence %s not queued", msg.event_id)

    # -- inbound: commands and acks -----------------------------------------
    def _inbound(self) -> None:
        while not self._stop.is_set():
            item = self.link.get(timeout=0.2)
            if item is None:
                continue
            try:
                self._dispatch(item)
            except Exception:
                log.exception("edge: inbound message on %s failed", item.topic)

    def _dispatch(self, item: Received) -> None:
        if item.topic == self.acks_topic:
            self._event_ack(item.payload)
            return
        if self.offline.on_message(item):
            return
        if item.topic != self.commands_topic:
            log.warning("edge: message on unexpected topic %s ignored", item.topic)
            return
        now = datetime.now(UTC)
        for outcome in handle_commands(  # one command, or a lane_commands message of several
                item.payload, lane_id=self.settings.lane_id,
                public_keys=self.settings.centre_public_keys, ledger=self.ledger,
                barrier=self.barrier, now=now, roots=self.verified_roots,
                max_skew=timedelta(seconds=self.settings.command_max_skew_s)):
            if outcome.executed:
                self.offline.watch.heard()  # the centre is deciding
            self.outcomes.append(outcome)
            state = BarrierStateV1(
                device_id=self.settings.device_id, sent_at=now, nonce=new_nonce(),
                event_id=new_id(), lane_id=self.settings.lane_id,
                command_id=outcome.command_id, state=outcome.state,
                executed=outcome.executed, detail=outcome.detail[:200], at=now)
            self._commit(state, topics.barrier(self.settings.lane_id), evictable=False)
            if self.on_outcome is not None:
                self.on_outcome(outcome)

    def _event_ack(self, payload: bytes) -> None:
        """Delete acknowledged events, only on an ack the centre signed for this device.

        An ack deletes events for good: a forged one (any client that can publish
        on the acks topic) would lose reads, so it is refused, counted and logged.
        """
        try:
            ack = parse_message(payload)
            if not isinstance(ack, EventAckV1) or ack.device_id != self.settings.device_id:
                raise MessageError("wrong_type", "not an event ack for this device")
            verify_centre(ack, self.settings.centre_public_keys)
        except (MessageError, SignatureError) as exc:
            self.refused_acks += 1
            log.warning("edge: event ack refused (%s): outbox unchanged", exc)
            return
        self.outbox.ack(ack.event_ids)
        self.offline.watch.acked(ack.event_ids)

    # -- liveness --------------------------------------------------------------
    def _maybe_heartbeat(self) -> None:
        if not self.liveness.due():
            return
        status = self.liveness.heartbeat()
        # An id of a command expired a day ago can go: it would be refused as expired anyway.
        self.ledger.forget_expired(before=datetime.now(UTC) - timedelta(days=1))
        self.offline.upkeep()
        if status.state == "degraded":
            log.warning("edge: lane degraded: outbox %d/%d full=%s, barrier %s",
                        self.outbox.depth, self.outbox.max_rows, self.outbox.full, status.barrier)
        if self.link.connected.is_set():
            with contextlib.suppress(Exception):
                self.link.publish(self.status_topic, status.to_json(), qos=1, retain=True)
