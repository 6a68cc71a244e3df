"""Signed webhooks to carriers on trip status changes: queue, retry with backoff, log.

Why a status watermark (``trips.notified_status``) instead of hooks in every
writer: the central service, officers and carriers all change ``trips.status``,
in other processes. The worker compares ``status`` with the last status it
queued, so no writer has to know webhooks exist, and a crash between the two
loses nothing (the difference is still there on the next poll).

Delivery is at-least-once: a row is leased (``next_attempt_at`` pushed ahead)
in a short transaction, POSTed outside any transaction (a slow receiver must
not hold a database lock), then the outcome is recorded. Receivers dedupe on
the event ``id``. Signature (Stripe-like, so carriers know the pattern):
``X-Smartgate-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import secrets
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from services.db.models import Trip, WebhookDelivery, WebhookEndpoint, new_id
from services.trips.errors import NotFound

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Smartgate-Signature"
EVENT_TYPE = "trip.status_changed"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(*, secret: str, body: bytes, header: str, now: datetime,
                     tolerance: timedelta = timedelta(minutes=5)) -> bool:
    """What a receiver runs: the MAC matches and the timestamp is fresh (no replays)."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs(now.timestamp() - timestamp) > tolerance.total_seconds():
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def create_endpoint(session: Session, *, carrier_id: str, url: str, now: datetime,
                    description: str = "") -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret (shown once)."""
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(carrier_id=carrier_id, url=url, secret=secret,
                               description=description[:200], active=True, created_at=now)
    session.add(endpoint)
    session.flush()
    return endpoint, secret


def list_endpoints(session: Session, *, carrier_id: str) -> list[WebhookEndpoint]:
    return list(session.scalars(select(WebhookEndpoint)
                                .where(WebhookEndpoint.carrier_id == carrier_id)
                                .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)))


def get_endpoint(session: Session, *, carrier_id: str, endpoint_id: str) -> WebhookEndpoint:
    endpoint = session.scalar(select(WebhookEndpoint).where(
        WebhookEndpoint.id == endpoint_id, WebhookEndpoint.carrier_id == carrier_id))
    if endpoint is None:
        raise NotFound(endpoint_id)
    return endpoint


def delete_endpoint(session: Session, *, carrier_id: str, endpoint_id: str) -> None:
    session.delete(get_endpoint(session, carrier_id=carrier_id, endpoint_id=endpoint_id))
    session.flush()


def list_deliveries(session: Session, *, carrier_id: str, endpoint_id: str,
                    limit: int = 100) -> list[WebhookDelivery]:
    get_endpoint(session, carrier_id=carrier_id, endpoint_id=endpoint_id)
    return list(session.scalars(select(WebhookDelivery)
                                .where(WebhookDelivery.endpoint_id == endpoint_id)
                                .order_by(WebhookDelivery.created_at.desc(),
                                          WebhookDelivery.id.desc()).limit(limit)))


def enqueue_status_changes(session: Session, *, now: datetime, batch: int = 200) -> int:
    """Queue one delivery per active endpoint for each trip whose status moved; count them."""
    query = (select(Trip).where(or_(Trip.notified_status.is_(None),
                                    Trip.notified_status != Trip.status))
             .order_by(Trip.updated_at).limit(batch))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Trip)
    trips = list(session.scalars(query))
    if not trips:
        return 0
    carrier_ids = {t.carrier_id for t in trips}
    endpoints: dict[str, list[WebhookEndpoint]] = {}
    for ep in session.scalars(select(WebhookEndpoint).where(
            WebhookEndpoint.carrier_id.in_(carrier_ids), WebhookEndpoint.active.is_(True))):
        endpoints.setdefault(ep.carrier_id, []).append(ep)
    queued = 0
    for trip in trips:
        data = {"trip_id": trip.id, "reference": trip.reference, "status": trip.status,
                "previous_status": trip.notified_status, "plate": trip.plate,
                "gate_id": trip.gate_id}
        queued += _queue(session, endpoints.get(trip.carrier_id, []), carrier_id=trip.carrier_id,
                         event_type=EVENT_TYPE, trip_id=trip.id, data=data, now=now)
        trip.notified_status = trip.status
    session.flush()
    return queued


def _queue(session: Session, endpoints: list[WebhookEndpoint], *, carrier_id: str,
           event_type: str, trip_id: str | None, data: Mapping[str, object], now: datetime) -> int:
    event_id = new_id()
    body = json.dumps({"id": event_id, "type": event_type, "created_at": now.isoformat(),
                       "data": data}, ensure_ascii=False, separators=(",", ":"), default=str)
    for ep in endpoints:
        session.add(WebhookDelivery(
            endpoint_id=ep.id, carrier_id=carrier_id, event_id=event_id, event_type=event_type,
            trip_id=trip_id, payload=body, state="pending", attempts=0, next_attempt_at=now,
            created_at=now))
    return len(endpoints)


def enqueue_event(session: Session, *, carrier_id: str, event_type: str, trip_id: str | None,
                  data: Mapping[str, object], now: datetime) -> int:
    """Queue one event (``yard.called``...) to each active endpoint of a carrier; count them.

    Delivered, signed and retried by :class:`WebhookWorker` like status changes.
    """
    endpoints = list(session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.carrier_id == carrier_id, WebhookEndpoint.active.is_(True))))
    queued = _queue(session, endpoints, carrier_id=carrier_id, event_type=event_type,
                    trip_id=trip_id, data=data, now=now)
    session.flush()
    return queued


def backoff(attempts: int, *, base: float, cap: float) -> timedelta:
    """Exponential backoff with +-20 % jitter, so failed receivers are not hit in lockstep."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))


class WebhookWorker:
    """Background thread in the gateway process: queue status changes, deliver, retry."""

    def __init__(self, sessions: sessionmaker[Session], *, timeout: float = 5.0,
                 poll_seconds: float = 1.0, max_attempts: int = 8, backoff_base: float = 2.0,
                 backoff_max: float = 3600.0) -> None:
        self._sessions, self._timeout, self._poll = sessions, timeout, poll_seconds
        self._max_attempts, self._base, self._cap = max_attempts, backoff_base, backoff_max
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self._timeout + 5)

    def _run(self) -> None:
        with httpx.Client(timeout=self._timeout, follow_redirects=False) as client:
            while not self._stop.is_set():
                try:
                    self.run_once(client, now=datetime.now(UTC))
                except Exception:  # keep the worker alive; the rows stay queued
                    log.exception("webhook worker iteration failed")
                self._stop.wait(self._poll)

    def run_once(self, client: httpx.Client, *, now: datetime) -> int:
        """One poll: queue new events, then deliver what is due. Returns deliveries tried."""
        with self._sessions() as session, session.begin():
            enqueue_status_changes(session, now=now)
        tried = 0
        for delivery_id, url, secret, payload in self._lease(now):
            self._deliver(client, delivery_id, url, secret, payload)
            tried += 1
        return tried

    def _lease(self, now: datetime, limit: int = 50) -> list[tuple[str, str, str, str]]:
        with self._sessions() as session, session.begin():
            query = (select(WebhookDelivery, WebhookEndpoint)
                     .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                     .where(WebhookDelivery.state == "pending",
                            WebhookDelivery.next_attempt_at <= now)
                     .order_by(WebhookDelivery.next_attempt_at).limit(limit))
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
            leased = []
            for delivery, endpoint in session.execute(query).all():
                delivery.attempts += 1
                delivery.next_attempt_at = now + timedelta(seconds=self._timeout + 30)
                leased.append((delivery.id, endpoint.url, endpoint.secret, delivery.payload))
            return leased

    def _deliver(self, client: httpx.Client, delivery_id: str, url: str, secret: str,
                 payload: str) -> None:
        body = payload.encode()
        sent_at = datetime.now(UTC)
        headers = {"Content-Type": "application/json", "User-Agent": "smartgate-webhooks/1",
                   SIGNATURE_HEADER: sign(secret, body, int(sent_at.timestamp()))}
        code: int | None = None
        error: str | None = None
        try:
            response = client.post(url, content=body, headers=headers)
            code = response.status_code
            if not 200 <= code < 300:
                error = f"HTTP {code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        with self._sessions() as session, session.begin():
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None:  # the endpoint was deleted meanwhile
                return
            now = datetime.now(UTC)
            delivery.last_status_code, delivery.last_error = code, error
            if error is None:
                delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
                    "delivered", now, None)
            elif delivery.attempts >= self._max_attempts:
                delivery.state, delivery.next_attempt_at = "failed", None
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts, base=self._base,
                                                         cap=self._cap)
        if error:
            log.info("webhook %s to %s failed (%s)", delivery_id, url, error)

