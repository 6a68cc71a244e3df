"""The central worker: MQTT in, one transaction per message, publish after commit, then ack.

Why this order: the broker's PUBACK (manual ack, :class:`mqttio.MqttLink`) is
sent only after the database commit and the outbound publishes, so a crash at
any point makes the broker redeliver, and the ``event_id`` unique constraint
turns the redelivery into a harmless duplicate. While the database is down the
message is retried with exponential backoff (tenacity) and never acknowledged;
on stop it stays with the broker. Bad input never stops the worker: it is
stored as rejected, audited, counted, logged and acknowledged.

Threads: the paho network thread (only hands messages over), one worker
(ingest) and one upkeep loop (command retries and expiry, nonce pruning).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from tenacity import Retrying, retry_if_exception, wait_exponential

from domain import topics
from domain.reference import load_reference
from mqttio.client import MqttLink, Received
from services.central.ingest import (
    Handled,
    IngestConfig,
    Publication,
    Refused,
    handle_message,
    store_rejection,
)
from services.central.link import Link
from services.central.metrics import Metrics
from services.central.retry import command_upkeep, prune_nonces
from services.db.session import make_engine, make_session_factory, migrate
from services.settings import CentralSettings

log = logging.getLogger("services.central")
T = TypeVar("T")


def db_unavailable(exc: BaseException) -> bool:
    """Errors worth waiting out (connection lost, database locked), not bugs or bad data."""
    if isinstance(exc, IntegrityError):
        return False
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class Stopping(RuntimeError):
    """The service is stopping while the database is unavailable: leave the message unacked."""


class CentralService:
    """Start with :meth:`start`, stop with :meth:`stop`; :attr:`metrics` counts everything."""

    def __init__(self, settings: CentralSettings, *, engine: Engine | None = None) -> None:
        self.settings = settings
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
        )
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.link: Link | None = None
        #: Called after each ack with what was handled (metrics, decision logs).
        self.observers: list[Callable[[Received, Handled], None]] = []

    # -- lifecycle -------------------------------------------------------------
    def subscriptions(self) -> list[tuple[str, int]]:
        filters = [topics.all_lanes("reads"), topics.all_lanes("barrier")]
        if self.settings.shared_subscription:
            filters = [topics.shared(f) for f in filters]
        return [(f, 1) for f in filters]

    def start(self, wait: float = 10.0) -> CentralService:
        if self.settings.migrate_on_start:
            self._db_retry(lambda: migrate(self.engine))
        link = self._make_link()
        self.link = link
        self._stop.clear()
        for name, target in (("central-ingest", self._ingest_loop),
                             ("central-upkeep", self._upkeep_loop)):
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
            ca_file=self.settings.mqtt_ca_file,
        )

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        if self.link is not None:
            self.link.stop()
            self.link = None
        if self._own_engine:
            self.engine.dispose()
        log.info("central %s: stopped %s", self.settings.instance_id, self.metrics.snapshot())

    def kill(self) -> None:
        """Drop everything as a crash would (tests): no DISCONNECT, nothing flushed."""
        self._stop.set()
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
            if item is None:
                continue
            try:
                self.process(item)
            except Stopping:
                log.warning("central: stopping with %s unacknowledged (database down): the "
                            "broker redelivers it", item.topic)
            except Exception:
                log.exception("central: message on %s left unacknowledged", item.topic)

    def process(self, item: Received) -> Handled:
        """Handle one message end to end; the MQTT ack is the very last step."""
        self.metrics.inc("received")
        received_at = datetime.fromtimestamp(item.received_at, UTC)
        handled = self._db_retry(lambda: self._apply(item, received_at))
        assert self.link is not None
        for pub in handled.publications:
            self.link.publish(pub.topic, pub.payload, qos=pub.qos)
        self.link.ack(item)
        for observe in self.observers:
            observe(item, handled)
        return handled

    def _apply(self, item: Received, received_at: datetime) -> Handled:
        for attempt in range(3):
            now = datetime.now(UTC)
            with self.sessions() as session:
                try:
                    with session.begin():
                        handled = handle_message(session, topic=item.topic, payload=item.payload,
                                                 now=now, received_at=received_at,
                                                 config=self.config)
                except Refused as refused:
                    return self._reject(session, item, refused, now)
                except IntegrityError:
                    # Another instance stored the same event (or nonce) concurrently: the
                    # next pass sees it and answers as a duplicate.
                    self.metrics.inc("integrity_retries")
                    if attempt == 2:
                        raise
                    continue
                except Exception as exc:
                    if db_unavailable(exc):
                        raise
                    log.exception("central: internal error on %s", item.topic)
                    return self._reject(session, item, Refused("internal_error", repr(exc)), now)
            self.metrics.inc(handled.status)
            if handled.outcome:
                self.metrics.inc("decided", handled.outcome)
            return handled
        raise AssertionError("unreachable")

    def _reject(self, session: Session, item: Received, refused: Refused, now: datetime
                ) -> Handled:
        with session.begin():
            row_id = store_rejection(session, topic=item.topic, payload=item.payload,
                                     refused=refused, now=now)
        self.metrics.inc("rejected", refused.reason)
        log.warning("central: refused message on %s (%s): %s [rejected_messages.id=%s]",
                    item.topic, refused.reason, refused.detail[:300], row_id)
        return Handled("rejected", [])

    def _db_retry(self, fn: Callable[[], T]) -> T:
        def on_retry(state: object) -> None:
            self.metrics.inc("db_retries")
            log.warning("central: database unavailable, retrying: %r",
                        getattr(getattr(state, "outcome", None), "exception", lambda: None)())

        def stop(_state: object) -> bool:
            return self._stop.is_set()

        def sleep(seconds: float) -> None:
            self._stop.wait(seconds)  # a stop request cuts the backoff short

        retrying = Retrying(
            retry=retry_if_exception(db_unavailable),
            wait=wait_exponential(multiplier=0.2, max=self.settings.db_retry_max_s),
            stop=stop, sleep=sleep, before_sleep=on_retry, reraise=True,
        )
        try:
            return retrying(fn)
        except Exception as exc:
            if db_unavailable(exc) and self._stop.is_set():
                raise Stopping(str(exc)) from exc
            raise

    # -- upkeep ----------------------------------------------------------------
    def _upkeep_loop(self) -> None:
        tick = min(1.0, self.settings.command_retry_s / 2)
        retry_every = timedelta(seconds=self.settings.command_retry_s)
        window = timedelta(seconds=self.settings.replay_window_s)
        last_prune = 0.0
        while not self._stop.wait(tick):
            try:
                now = datetime.now(UTC)
                with self.sessions() as session, session.begin():
                    resend, expired = command_upkeep(session, now=now, retry_every=retry_every)
                self._publish(resend)
                self.metrics.inc("commands_resent", n=len(resend))
                self.metrics.inc("commands_expired", n=expired)
                if time.monotonic() - last_prune > 60:
                    with self.sessions() as session, session.begin():
                        prune_nonces(session, now=now, window=window)
                    last_prune = time.monotonic()
            except Exception as exc:
                log.log(logging.WARNING if db_unavailable(exc) else logging.ERROR,
                        "central: command upkeep failed: %r", exc,
                        exc_info=not db_unavailable(exc))

    def _publish(self, pubs: list[Publication]) -> None:
        if self.link is None:
            return
        for pub in pubs:
            self.link.publish(pub.topic, pub.payload, qos=pub.qos)
