"""The central worker: MQTT in, one transaction per batch, publish after commit, then ack.

Why this order: the broker's PUBACK (manual ack, :class:`mqttio.MqttLink`) is
sent only after the database commit and the outbound publishes, so a crash at
any point makes the broker redeliver, and the ``event_id`` unique constraint
turns the redelivery into a harmless duplicate.

Why batches: one commit (and its fsync) per message capped the worker near
110 messages/s on PostgreSQL. The worker drains what has arrived (up to
``batch_max``) and hands it to :class:`services.central.applier.BatchApplier`, which
applies it in one transaction (and says what happens when that fails), then publishes
and acks all of it after the commit. While the database is down the message is retried
and never acknowledged; on stop it stays with the broker. Bad input never stops the
worker: it is stored as rejected, audited, counted, logged and acknowledged.

Threads: the paho network thread (only hands messages over), one worker
(ingest), one upkeep loop (command retries and expiry, nonce pruning) and the
heartbeat; the lanes' pre-clearance lists are built in a child process
(:mod:`services.central.listproc`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from domain import topics
from domain.reference import load_reference
from mqttio.client import MqttLink, Received
from services.central.applier import BatchApplier
from services.central.candidates import TripCache
from services.central.dbretry import Stopping
from services.central.leader import ListLeader
from services.central.link import Link
from services.central.listproc import ListProcess, list_config
from services.central.metrics import Metrics
from services.central.offline import OfflineSupport
from services.central.outcomes import (
    Handled,
    IngestConfig,
    Publication,
    ack_publications,
    command_publications,
    notice_publications,
)
from services.central.retry import run_upkeep
from services.db.session import make_engine, make_session_factory, migrate
from services.settings import CentralSettings

log = logging.getLogger("services.central")


class CentralService:
    """Start with :meth:`start`, stop with :meth:`stop`; :attr:`metrics` counts everything."""

    #: The list child publishes over MQTT; a transport without it keeps the lists in-process.
    lists_in_child = True

    def __init__(self, settings: CentralSettings, *, engine: Engine | None = None,
                 batch_max: int | None = None) -> None:
        self.settings = settings
        self.batch_max = batch_max or settings.batch_max
        self.trips = TripCache()  # candidate trips kept across batches (refreshed by changes)
        self._own_engine = engine is None
        self.engine = engine or make_engine(settings.database_url)
        self.sessions = make_session_factory(self.engine)
        self.metrics = Metrics()
        self.config = IngestConfig(
            reference=load_reference(settings.reference_path),
            signing_key=settings.signing_key(), key_id=settings.centre_key_id,
            command_ttl=timedelta(seconds=settings.command_ttl_s),
            replay_window=timedelta(seconds=settings.replay_window_s),
            candidate_window=timedelta(hours=settings.candidate_window_h),
            command_batch=settings.command_sign_batch,
            commands_per_message=settings.commands_per_message,
        )
        #: The lanes' pre-clearance lists: a child process (the default), else the loop below.
        self.lists = ListProcess(settings) if settings.preclearance_process \
            and self.lists_in_child else None
        self.offline = OfflineSupport(
            sessions=self.sessions, reference=self.config.reference,
            client_id=settings.mqtt_client_id, signing_key=self.config.signing_key,
            key_id=settings.centre_key_id, refresh_s=settings.preclearance_refresh_s,
            heartbeat_s=settings.heartbeat_s, config=list_config(settings),
            lists=self.lists is None,
            leader=ListLeader(self.engine) if self.lists is None else None)
        self._stop = threading.Event()
        self.applier = BatchApplier(sessions=self.sessions, config=self.config, trips=self.trips,
                                    metrics=self.metrics, stopping=self._stop,
                                    db_retry_max_s=settings.db_retry_max_s)
        self._threads: list[threading.Thread] = []
        self.link: Link | None = None
        #: Called after each ack with what was handled (metrics, decision logs).
        self.observers: list[Callable[[Sequence[Received], Sequence[Handled]], None]] = []

    # -- lifecycle -------------------------------------------------------------
    def subscriptions(self) -> list[tuple[str, int]]:
        filters = [topics.all_lanes("reads"), topics.all_lanes("barrier"),
                   topics.all_lanes("local")]
        if self.settings.shared_subscription:
            filters = [topics.shared(f) for f in filters]
        return [(f, 1) for f in filters]

    def start(self, wait: float = 10.0) -> CentralService:
        if self.settings.migrate_on_start:
            self.applier.db_retry(lambda: migrate(self.engine))
        link = self._make_link()
        self.link = link
        if self.lists is not None:
            self.lists.start()
        self._stop.clear()
        for name, target in (("central-ingest", self._ingest_loop),
                             ("central-upkeep", self._upkeep_loop),
                             ("central-preclearance", self._preclearance_loop)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        link.start(wait=wait)
        log.info("central %s: started (client id %s, subscriptions %s)",
                 self.settings.instance_id, self.settings.mqtt_client_id, self.subscriptions())
        return self

    def _make_link(self) -> Link:
        """The transport; :class:`~services.central.jetstream.JetStreamCentral` swaps it."""
        return MqttLink(
            self.settings.mqtt_url, self.settings.mqtt_client_id,
            subscriptions=self.subscriptions(), manual_ack=True, clean_session=False,
            ca_file=self.settings.mqtt_ca_file, will=self.offline.will(datetime.now(UTC)),
            online=self.offline.online(datetime.now(UTC)),
            no_delay=False,  # Nagle coalesces a batch's burst of publishes and acks (mqttio)
        )

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self.lists is not None:
            self.lists.stop(timeout)
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        if self.link is not None:
            self.offline.goodbye(self.link, datetime.now(UTC))
            self.link.stop()
            self.link = None
        if self._own_engine:
            self.engine.dispose()
        log.info("central %s: stopped %s", self.settings.instance_id, self.metrics.snapshot())

    def kill(self) -> None:
        """Drop everything as a crash would (tests): no DISCONNECT, nothing flushed."""
        self._stop.set()
        if self.lists is not None:
            self.lists.kill()
        if self.link is not None:
            self.link.kill()
        for thread in self._threads:
            thread.join(5)
        self._threads.clear()
        self.link = None

    def metrics_snapshot(self) -> dict[str, int]:
        return self.metrics.snapshot()

    # -- ingest ----------------------------------------------------------------
    def _ingest_loop(self) -> None:
        while not self._stop.is_set():
            link = self.link
            item = link.get(timeout=0.2) if link is not None else None
            if item is None or link is None:
                continue
            items = [item]
            while len(items) < self.batch_max and (more := link.get(timeout=0)) is not None:
                items.append(more)
            try:
                self.process_batch(items)
            except Stopping:
                log.warning("central: stopping with %d messages unacknowledged (database "
                            "down): the broker redelivers them", len(items))
            except Exception:
                log.exception("central: %d messages left unacknowledged", len(items))

    def process(self, item: Received) -> Handled:
        """Handle one message end to end; the MQTT ack is the very last step."""
        return self.process_batch([item])[0]

    def process_batch(self, items: list[Received]) -> list[Handled]:
        """Apply, commit, publish, then ack every item (in arrival order)."""
        self.metrics.inc("received", n=len(items))
        started = time.monotonic()
        results = self.applier.apply(items)
        tally: Counter[str] = Counter(h.status for h in results)  # inc(status) and
        tally.update(f"decided.{h.outcome}" for h in results if h.outcome)  # inc("decided",
        self.metrics.add(tally)  # outcome) per message gave these counts; one lock a batch
        assert self.link is not None
        now = datetime.now(UTC)
        pubs = command_publications(  # commands first: lanes wait; a lane's together
            (p for h in results for p in h.publications),
            per_message=self.config.commands_per_message)
        pubs += notice_publications(h.notice for h in results if h.notice is not None)
        pubs += ack_publications((a for h in results for a in h.acks), now=now,
                                 config=self.config)
        for pub in pubs:
            self.link.publish(pub.topic, pub.payload, qos=pub.qos)
        for item in items:
            self.link.ack(item)
        for observe in self.observers:  # per batch: the metrics' locks once, not per message
            observe(items, results)
        if any(h.status in ("decided", "barrier") for h in results):
            self.wake_lists()  # a trip may have been used: its lane's list changes
        self.metrics.inc("batches")
        log.debug("central: batch of %d in %.1f ms", len(items), (time.monotonic() - started) * 1e3)
        return results

    def wake_lists(self) -> None:
        (self.lists or self.offline).wake()

    def _preclearance_loop(self) -> None:
        self.offline.run(self._stop, lambda: self.link, lambda: datetime.now(UTC),
                         each=self._supervise_lists)

    def _supervise_lists(self) -> None:
        if self.lists is not None and self.lists.revive():
            self.metrics.inc("list_process_restarts")

    # -- upkeep ----------------------------------------------------------------
    def _upkeep_loop(self) -> None:
        run_upkeep(self._stop, self.sessions, self.settings, self._publish, self.metrics)

    def _publish(self, pubs: list[Publication]) -> None:
        if self.link is None:
            return
        for pub in pubs:
            self.link.publish(pub.topic, pub.payload, qos=pub.qos)
