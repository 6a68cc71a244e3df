"""The uplink worker: outbox -> broker, signed afresh on every send, live traffic first.

Why a separate worker with two lanes of traffic: after a partition the outbox
may hold thousands of events. Dumping them all into paho would queue every new
read behind the backlog (paho sends in order), so a truck at the barrier would
wait for yesterday's evidence. Instead:

* live events (just committed) are published at once;
* the backlog is replayed oldest first, but at most ``replay_window`` events
  may be sent-and-unacknowledged at a time, so replay advances at the pace of
  the centre's acknowledgements and live events never wait behind more than
  that window;
* an event unacknowledged for ``resend_after`` seconds is sent again; after a
  reconnect everything unacknowledged is replayed from the oldest.

Nothing is published while disconnected (it would only pile up in paho's
memory); it waits in the outbox instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import takewhile

from domain.messages import DeviceSigned, MessageError, parse_message
from domain.signing import hmac_sign, new_nonce
from edge.outbox import Outbox, OutboxRow
from mqttio import MqttError, MqttLink

log = logging.getLogger(__name__)


class Uplink:
    """Publishes outbox rows; call :meth:`notify` after committing a live event."""

    def __init__(self, *, link: MqttLink, outbox: Outbox, secret: str, replay_window: int = 200,
                 resend_after: float = 20.0, batch: int = 100,
                 on_idle: Callable[[], None] | None = None) -> None:
        self.link = link
        self.outbox = outbox
        self.secret = secret
        self.replay_window = replay_window
        self.resend_after = resend_after
        self.batch = batch
        self.on_idle = on_idle
        self.sent = 0
        self.replayed = 0
        self._live: deque[str] = deque(maxlen=10_000)  # overflow is harmless: replayed
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="edge-uplink", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(10)

    def notify(self, event_id: str) -> None:
        self._live.append(event_id)
        self._wake.set()

    def sign(self, body: bytes) -> bytes:
        """The stored (unsigned) message with a fresh ``sent_at``, nonce and HMAC."""
        msg = parse_message(body)
        if not isinstance(msg, DeviceSigned):
            raise MessageError("invalid", f"outbox holds a {msg.type}, not a device message")
        fresh = msg.model_copy(update={"sent_at": datetime.now(UTC), "nonce": new_nonce()})
        return hmac_sign(fresh, self.secret).to_json()

    def _run(self) -> None:
        was_connected = False
        while not self._stop.is_set():
            self._wake.wait(0.1)
            self._wake.clear()
            connected = self.link.connected.is_set()
            if connected and not was_connected:
                # In-flight state from before cannot be trusted: replay it, oldest first. Live
                # events never sent stay live (a truck at the barrier now must not wait for
                # the backlog); ones sent before are replayed with the backlog.
                self.outbox.reset_sent()
                log.info("uplink: connected; replaying %d outbox events", self.outbox.depth)
            was_connected = connected
            try:
                if connected:
                    self._send_live()
                    self._send_backlog()
            except Exception:  # keep the uplink alive whatever one row does
                log.exception("uplink: send failed; will retry")
                self._stop.wait(1.0)
            if self.on_idle is not None:
                self.on_idle()

    def _publish(self, rows: list[OutboxRow]) -> None:
        sent: list[int] = []
        try:
            for row in rows:
                try:
                    payload = self.sign(row.body)
                except MessageError as exc:  # a corrupt row must not block the queue forever
                    log.error("uplink: outbox row %s unreadable (%s): dropped", row.event_id, exc)
                    self.outbox.ack([row.event_id])
                    continue
                self.link.publish(row.topic, payload, qos=1)
                sent.append(row.seq)
        except MqttError:
            log.warning("uplink: publish failed; will replay")
        finally:
            self.outbox.mark_sent(sent, now=time.time())
            self.sent += len(sent)

    def _send_live(self) -> None:
        rows: list[OutboxRow] = []
        while self._live and len(rows) < self.batch:
            row = self.outbox.get(self._live.popleft())
            if row is not None and row.attempts == 0:  # not acked, not sent by the replay
                rows.append(row)
        self._publish(rows)
        if self._live:
            self._wake.set()

    def _send_backlog(self) -> None:
        now = time.time()
        room = self.replay_window - self.outbox.in_flight(now=now, resend_after=self.resend_after)
        if room <= 0:
            return
        # Up to the first row still waiting on the live path, never past it: a row stored
        # after that one (its notify not yet taken, or after the snapshot) would overtake it,
        # and a lane's barrier states for one lane_commands message arrived out of order.
        live = set(self._live)
        rows = list(takewhile(lambda r: r.event_id not in live, self.outbox.due(
            now=now, resend_after=self.resend_after, limit=min(room, self.batch))))
        if not rows:
            return
        self.replayed += sum(1 for r in rows if r.attempts > 0)
        self._publish(rows)
        self._wake.set()  # more may be due: come back without sleeping
