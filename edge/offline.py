"""Degraded mode: the lane keeps clearing pre-cleared trucks while it cannot reach the centre.

Three parts, each with one job:

* :class:`PreclearanceStore` keeps the centre's signed list and the trips already
  used at this lane in the edge SQLite (``synchronous=FULL``), so a restart in the
  middle of an outage neither forgets the list nor lets a pre-clearance be used twice;
  a tampered, stale, foreign or older list is refused (:func:`domain.preclearance.check_list`)
  and the list is verified again when loaded from disk.
* :class:`CentreWatch` decides whether the lane has "lost the centre": no centre
  heartbeat for ``centre_timeout_s``, every instance's retained status says offline,
  or a pass-grade read unacknowledged for ``ack_timeout_s`` (the centre is up but
  cannot decide, e.g. its database is down).
* :class:`OfflineLane` turns a pass-grade read into a local decision while the centre
  is lost: open once for a valid pre-clearance (same matching rules and margins as the
  centre, :func:`domain.preclearance.decide_offline`), otherwise keep the barrier
  down and count the truck as waiting for an officer. The decision goes to the centre
  through the outbox as a :class:`domain.messages.LocalDecisionV1`.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain import topics
from domain.messages import (
    MAX_LIST_BYTES,
    CentreStatusV1,
    LocalDecisionV1,
    MessageError,
    PlateReadV1,
    PreclearanceListV1,
    parse_message,
)
from domain.preclearance import PreclearanceError, check_list, decide_offline
from domain.signing import new_nonce
from edge.barrier import Barrier
from edge.outbox import connect
from edge.passtypes import new_id
from mqttio import Received

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS preclearance_list (
    lane_id     TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    body        BLOB NOT NULL,
    received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS preclearance_used (
    trip_id  TEXT PRIMARY KEY,
    pass_id  TEXT NOT NULL,
    version  INTEGER NOT NULL,
    used_at  TEXT NOT NULL
);
"""


class PreclearanceStore:
    """The lane's current list and the pre-clearances it has used (survive restarts)."""

    def __init__(self, path: Path, *, lane_id: str, public_keys: dict[str, str]) -> None:
        self.lane_id, self.public_keys = lane_id, public_keys
        self._lock = threading.Lock()
        self._conn = connect(path)
        self._conn.executescript(_SCHEMA)
        self.current: PreclearanceListV1 | None = self._load()
        self.refused: dict[str, int] = {}

    def _load(self) -> PreclearanceListV1 | None:
        row = self._conn.execute("SELECT body FROM preclearance_list WHERE lane_id = ?",
                                 (self.lane_id,)).fetchone()
        if row is None:
            return None
        try:
            lst = parse_message(row[0], max_bytes=MAX_LIST_BYTES)
            assert isinstance(lst, PreclearanceListV1)
            # Verified again: a list edited on disk must not open anything.
            check_list(lst, lane_id=self.lane_id, public_keys=self.public_keys,
                       now=lst.issued_at, held=None)
        except (MessageError, PreclearanceError, AssertionError) as exc:
            log.error("edge: stored pre-clearance list refused (%s): ignored", exc)
            return None
        return lst

    def offer(self, payload: bytes, *, now: datetime) -> PreclearanceListV1 | None:
        """Adopt a list from the centre; None (and a counted refusal) when it is not acceptable."""
        try:
            lst = parse_message(payload, max_bytes=MAX_LIST_BYTES)
            if not isinstance(lst, PreclearanceListV1):
                raise PreclearanceError("not_a_list", f"a {lst.type} on the list topic")
            with self._lock:
                check_list(lst, lane_id=self.lane_id, public_keys=self.public_keys, now=now,
                           held=self.current)
                self._conn.execute(
                    "INSERT OR REPLACE INTO preclearance_list VALUES (?, ?, ?, ?)",
                    (self.lane_id, lst.version, payload, time.time()))
                self.current = lst
        except (MessageError, PreclearanceError) as exc:
            code = getattr(exc, "reason", "malformed")
            self.refused[code] = self.refused.get(code, 0) + 1
            level = logging.DEBUG if code == "same_version" else logging.WARNING
            log.log(level, "edge: pre-clearance list refused: %s", exc)
            return None
        log.info("edge: pre-clearance list v%d adopted (%d trucks, expires %s)", lst.version,
                 len(lst.entries), lst.expires_at.isoformat())
        return lst

    def used(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT trip_id FROM preclearance_used")}

    def claim(self, trip_id: str, *, pass_id: str, version: int, now: datetime) -> bool:
        """Record the use before the barrier moves; False when it was used before."""
        with self._lock:
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO preclearance_used VALUES (?, ?, ?, ?)",
                (trip_id, pass_id, version, now.astimezone(UTC).isoformat()))
            return cur.rowcount == 1

    def forget_used(self, *, before: datetime) -> None:
        """Uses older than any list still valid can go (their trips left every list)."""
        with self._lock:
            self._conn.execute("DELETE FROM preclearance_used WHERE used_at < ?",
                               (before.astimezone(UTC).isoformat(),))

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class CentreWatch:
    """Whether this lane still hears a centre that decides (monotonic clock)."""

    def __init__(self, *, centre_timeout_s: float, ack_timeout_s: float) -> None:
        self.centre_timeout_s, self.ack_timeout_s = centre_timeout_s, ack_timeout_s
        self._lock = threading.Lock()
        self._instances: dict[str, tuple[str, float]] = {}
        self._heard = time.monotonic()  # a fresh lane gives the centre one timeout to speak
        self._pending: dict[str, float] = {}
        self._stuck = False  # a read went unanswered: lost until the centre answers again

    def heard(self, status: CentreStatusV1 | None = None, *, retained: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if status is None:  # an ack or a command: the centre is deciding
                self._heard, self._stuck = now, False
                return
            age = (datetime.now(UTC) - status.at).total_seconds()
            if retained and status.state == "online" and age > self.centre_timeout_s:
                return  # an old retained "online" of an instance that died without its will
            self._instances[status.instance] = (status.state, now)
            if status.state == "online":
                self._heard = now

    def instances(self) -> dict[str, str]:
        """The last state heard from each central instance (for the status and tests)."""
        with self._lock:
            return {name: state for name, (state, _) in self._instances.items()}

    def sent(self, event_id: str) -> None:
        with self._lock:
            self._pending[event_id] = time.monotonic()

    def acked(self, event_ids: tuple[str, ...] | list[str]) -> None:
        with self._lock:
            for e in event_ids:
                self._pending.pop(e, None)
            self._heard, self._stuck = time.monotonic(), False

    def lost(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._heard > self.centre_timeout_s:
                return True
            if self._instances and all(s == "offline" for s, _ in self._instances.values()):
                return True
            if any(now - t > self.ack_timeout_s for t in self._pending.values()):
                self._stuck = True
                self._pending.clear()
            return self._stuck


class OfflineLane:
    """Local decisions while the centre is lost; see the module docstring."""

    def __init__(self, *, lane_id: str, device_id: str, store: PreclearanceStore,
                 watch: CentreWatch, barrier: Barrier) -> None:
        self.lane_id, self.device_id = lane_id, device_id
        self.store, self.watch, self.barrier = store, watch, barrier
        self.list_topic = topics.preclearance(lane_id)
        self.opened = 0
        self.waiting = 0  # in the current outage (the console shows it)
        self.waiting_total = 0
        self._was_lost = False

    def subscriptions(self) -> list[tuple[str, int]]:
        return [(self.list_topic, 1), (topics.ALL_CENTRE_STATUS, 1)]

    def on_message(self, item: Received) -> bool:
        """Handle a list or a centre status; False for any other topic."""
        if item.topic == self.list_topic:
            self.store.offer(item.payload, now=datetime.now(UTC))
            return True
        if item.topic.startswith(f"{topics.PREFIX}/centre/"):
            try:
                msg = parse_message(item.payload)
            except MessageError as exc:
                log.warning("edge: malformed centre status refused: %s", exc)
                return True
            if isinstance(msg, CentreStatusV1):
                self.watch.heard(msg, retained=item.retain)
            return True
        return False

    def lost(self) -> bool:
        lost = self.watch.lost()
        if lost != self._was_lost:
            self._was_lost = lost
            log.warning("edge: lane %s %s", self.lane_id,
                        "lost the centre: clearing pre-cleared trucks on its own" if lost
                        else "hears the centre again")
            if not lost:
                self.waiting = 0
        return lost

    def on_pass(self, read: PlateReadV1) -> LocalDecisionV1 | None:
        """None while the centre decides; otherwise decide here (opening at most once per trip)."""
        if not self.lost():
            self.watch.sent(read.event_id)
            return None
        now = datetime.now(UTC)
        lst = self.store.current
        d = decide_offline(plate=read.plate, confidence=read.confidence, frames=read.frames,
                           trailer_plate=read.trailer_plate, lst=lst, used=self.store.used(),
                           now=now)
        outcome, codes, executed, detail = d.outcome, d.codes, False, "kept closed: officer"
        if outcome == "open" and d.entry is not None and lst is not None:
            if not self.store.claim(d.entry.trip_id, pass_id=read.pass_id, version=lst.version,
                                    now=now):
                outcome, codes = "manual", ("MATCHED", "PRECLEARANCE_USED")
            else:
                try:
                    self.barrier.open()
                    executed, detail = True, "opened offline (pre-cleared)"
                    self.opened += 1
                except Exception as exc:  # hardware fault: report it, never pretend it moved
                    log.exception("edge: barrier failed on an offline open")
                    detail = f"barrier fault: {exc}"[:200]
        if outcome != "open" or not executed:
            self.waiting += 1
            self.waiting_total += 1
        log.info("edge: offline decision for pass %s (%s): %s %s", read.pass_id, read.plate,
                 outcome, ",".join(codes))
        return LocalDecisionV1(
            device_id=self.device_id, sent_at=now, nonce=new_nonce(), event_id=new_id(),
            lane_id=self.lane_id, read=read, outcome="open" if outcome == "open" else "manual",
            trip_id=d.entry.trip_id if d.entry is not None else None, plate=d.plate,
            reason_codes=codes, list_id=lst.list_id if lst else None,
            list_version=lst.version if lst else None, decided_at=now, executed=executed,
            detail=detail)

    def status_fields(self) -> dict[str, object]:
        lst = self.store.current
        return {"centre": "lost" if self.lost() else "ok",
                "list_version": lst.version if lst else 0, "waiting": self.waiting}

    def upkeep(self) -> None:
        self.store.forget_used(before=datetime.now(UTC) - timedelta(days=2))
