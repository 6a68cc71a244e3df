"""One batch of inbound messages applied in one transaction, or one by one when it must be.

Why a class of its own: :class:`services.central.service.CentralService` owns the order
(apply, commit, publish, ack) and the threads; this owns what happens inside the
transaction and what to do when it fails.

A batch does not first ask the database which of its event ids and nonces are stored
already: the unique constraints refuse a second copy at insert, and only then is the
batch redone looking first (and the next batches too, for ``LOOK_FIRST_FOR_S``: a
redelivery or an outbox replay comes in bursts). Those two lookups cost ~4 % of the
central's CPU per event and ~5-8 % of PostgreSQL's (``bench/messaging.py``, round 9)
for a check that almost never finds anything. A batch that fails as a whole (another
instance stored the same event concurrently, or a bug) is rolled back and its messages
are applied one by one, so one bad message never blocks the others. Refused messages are
stored in their own transaction after the batch. While the database is down, a batch is
retried with exponential backoff (tenacity) until the service stops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from mqttio.client import Received
from services.central.candidates import TripCache
from services.central.dbretry import db_unavailable, retry_while_down
from services.central.ingest import Batch, parse_inbound
from services.central.metrics import Metrics
from services.central.outcomes import Handled, IngestConfig, Refused, store_rejection

log = logging.getLogger("services.central")
T = TypeVar("T")

#: After a batch met an event or nonce stored before, batches look first for this long.
LOOK_FIRST_FOR_S = 60.0


class _StoredBefore(Exception):
    """A batch applied without looking first hit a unique constraint: redo it looking first."""


def _at(item: Received) -> datetime:
    return datetime.fromtimestamp(item.received_at, UTC)


class BatchApplier:
    """Turns received messages into committed effects; :meth:`apply` is the one entry."""

    def __init__(self, *, sessions: sessionmaker[Session], config: IngestConfig,
                 trips: TripCache, metrics: Metrics, stopping: threading.Event,
                 db_retry_max_s: float) -> None:
        self.sessions = sessions
        self.config = config
        self.trips = trips  # candidate trips kept across batches (refreshed by changes)
        self.metrics = metrics
        self._stopping = stopping
        self._db_retry_max_s = db_retry_max_s
        self._look_first_until = 0.0  # monotonic; see LOOK_FIRST_FOR_S

    def apply(self, items: list[Received]) -> list[Handled]:
        """Every item's result, in order, all committed (the caller publishes and acks)."""
        look_first = time.monotonic() < self._look_first_until
        try:
            results = self.db_retry(lambda: self._apply_batch(items, look_first=look_first))
        except _StoredBefore:  # a redelivery, an outbox replay, a replayed nonce: look first
            self.metrics.inc("look_first_redos")
            self._look_first_until = time.monotonic() + LOOK_FIRST_FOR_S
            results = self.db_retry(lambda: self._apply_batch(items))
        if results is None:  # failed as a whole: one by one, each in its own transaction
            self.metrics.inc("batch_fallbacks")
            results = [self._one(item) for item in items]
        return results

    def _one(self, item: Received) -> Handled:
        return self.db_retry(lambda: self._apply_one(item))

    def _apply_batch(self, items: list[Received], *, look_first: bool = True
                     ) -> list[Handled] | None:
        """All items in one transaction; None when it must be redone one by one.

        Without ``look_first``, a unique constraint's refusal raises :class:`_StoredBefore`.
        """
        now = datetime.now(UTC)
        results: list[Handled | Refused] = []
        with self.sessions() as session:
            try:
                with session.begin():
                    batch = Batch(session, config=self.config, now=now, trips=self.trips)
                    parsed: list[tuple[int, Any, Any]] = []
                    for i, item in enumerate(items):
                        try:
                            parsed.append((i, *parse_inbound(item.topic, item.payload)))
                            results.append(Handled("stored"))  # placeholder, replaced below
                        except Refused as refused:
                            results.append(refused)
                    batch.prefetch([msg for _, _, msg in parsed], look_first=look_first)
                    for i, where, msg in parsed:
                        try:
                            results[i] = batch.apply(where, msg, received_at=_at(items[i]))
                        except Refused as refused:
                            results[i] = refused
                    batch.finish()
            except IntegrityError:
                if not look_first:
                    raise _StoredBefore from None
                # Another instance stored one of these events (or nonces) concurrently.
                self.metrics.inc("integrity_retries")
                return None
            except Exception as exc:
                if db_unavailable(exc) or len(items) == 1:
                    raise
                log.exception("central: batch of %d failed; applying one by one", len(items))
                return None
        return [self.reject(item, r, now) if isinstance(r, Refused) else r
                for item, r in zip(items, results, strict=True)]

    def _apply_one(self, item: Received) -> Handled:
        for attempt in range(3):
            try:
                results = self._apply_batch([item])
            except IntegrityError:
                raise
            except Exception as exc:
                if db_unavailable(exc):
                    raise
                log.exception("central: internal error on %s", item.topic)
                return self.reject(item, Refused("internal_error", repr(exc)),
                                   datetime.now(UTC))
            if results is not None:
                return results[0]
            if attempt == 2:  # the next pass normally sees the other instance's commit
                raise RuntimeError(f"message on {item.topic} conflicts on every attempt")
        raise AssertionError("unreachable")

    def reject(self, item: Received, refused: Refused, now: datetime) -> Handled:
        """Store, count and log a refused message in its own transaction."""
        with self.sessions() as session, session.begin():
            row_id = store_rejection(session, topic=item.topic, payload=item.payload,
                                     refused=refused, now=now)
        self.metrics.inc("rejected", refused.reason)
        log.warning("central: refused message on %s (%s): %s [rejected_messages.id=%s]",
                    item.topic, refused.reason, refused.detail[:300], row_id)
        return Handled("rejected", [])

    def db_retry(self, fn: Callable[[], T]) -> T:
        """``fn()``, retried with backoff while the database is down, until the service stops."""
        def on_retry(exc: BaseException | None) -> None:
            self.metrics.inc("db_retries")
            log.warning("central: database unavailable, retrying: %r", exc)

        return retry_while_down(fn, stopping=self._stopping, max_wait_s=self._db_retry_max_s,
                                on_retry=on_retry)
