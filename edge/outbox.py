"""The edge outbox: nothing the lane saw or did is lost to a network, broker or power cut.

Why an application-level outbox: paho keeps QoS 1 in-flight state in memory
only, so a PUBACK proves the broker had the message, not that the centre stored
it, and a restart forgets everything unacknowledged. Every read and barrier
state is therefore committed here (SQLite WAL, ``synchronous=FULL``) *before*
it is published, and deleted only when the centre's ``EventAckV1`` names it.

Rows hold the *unsigned* message: each (re)send is signed afresh with a new
nonce and ``sent_at`` (see ``edge.agent``), so a read replayed after ten
minutes offline is not refused as stale by the centre's replay window; the
centre de-duplicates on ``event_id``, which never changes.

Bound and policy (``max_rows``): frame-grade reads are evidence, pass-grade
reads and barrier states are what the centre acts and audits on. When the
outbox is full a new frame-grade row evicts the oldest frame-grade row; a
pass-grade read or barrier state is always accepted (they are few and small)
and nothing of theirs is ever evicted. ``full`` is raised from the moment the
bound is reached until the depth falls below 90 % of it; the heartbeat reports
the lane ``degraded`` meanwhile and ``evicted`` counts what was given up.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id   TEXT NOT NULL UNIQUE,
    topic      TEXT NOT NULL,
    body       BLOB NOT NULL,
    evictable  INTEGER NOT NULL,
    created_at REAL NOT NULL,
    sent_at    REAL,
    attempts   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_evictable ON outbox (evictable, seq);
"""


@dataclass(frozen=True, slots=True)
class OutboxRow:
    seq: int
    event_id: str
    topic: str
    body: bytes
    attempts: int


def connect(path: Path) -> sqlite3.Connection:
    """A WAL connection usable from several threads (callers serialise with a lock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # a lane box may lose power, not just crash
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class Outbox:
    """Durable queue of events waiting for the centre's acknowledgement."""

    def __init__(self, path: Path, *, max_rows: int = 100_000) -> None:
        self.max_rows = max_rows
        self.evicted = 0
        self.full = False
        self._lock = threading.Lock()
        self._conn = connect(path)
        self._conn.executescript(_SCHEMA)
        self._depth = int(self._conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
        self._update_full()

    # -- writing -------------------------------------------------------------
    def add(self, *, event_id: str, topic: str, body: bytes, evictable: bool) -> bool:
        """Commit one event; False when ``event_id`` was already there (nothing changes)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if evictable and self._depth >= self.max_rows:
                    evicted = self._evict_oldest_evictable()
                    if not evicted:  # only must-keep rows left: refuse the evidence instead
                        self._conn.execute("COMMIT")
                        self.evicted += 1
                        self._update_full(force=True)
                        return False
                cur = self._conn.execute(
                    "INSERT OR IGNORE INTO outbox (event_id, topic, body, evictable, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (event_id, topic, body, int(evictable), time.time()),
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            added = cur.rowcount == 1
            self._depth += int(added)
            self._update_full()
            return added

    def _evict_oldest_evictable(self) -> bool:
        cur = self._conn.execute(
            "DELETE FROM outbox WHERE seq = (SELECT seq FROM outbox WHERE evictable = 1"
            " ORDER BY seq LIMIT 1)")
        if cur.rowcount:
            self._depth -= 1
            self.evicted += 1
            self._update_full(force=True)
            return True
        return False

    def ack(self, event_ids: list[str] | tuple[str, ...]) -> int:
        """Delete acknowledged events; unknown ids (already acked, other device) are ignored."""
        if not event_ids:
            return 0
        with self._lock:
            marks = ",".join("?" * len(event_ids))
            cur = self._conn.execute(f"DELETE FROM outbox WHERE event_id IN ({marks})",
                                     tuple(event_ids))
            self._depth -= cur.rowcount
            self._update_full()
            return int(cur.rowcount)

    # -- sending -------------------------------------------------------------
    def get(self, event_id: str) -> OutboxRow | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT seq, event_id, topic, body, attempts FROM outbox WHERE event_id = ?",
                (event_id,)).fetchone()
        return OutboxRow(*row) if row else None

    def due(self, *, now: float, resend_after: float, limit: int) -> list[OutboxRow]:
        """Oldest first: never sent, or sent ``resend_after`` seconds ago without an ack."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, event_id, topic, body, attempts FROM outbox"
                " WHERE sent_at IS NULL OR sent_at < ? ORDER BY seq LIMIT ?",
                (now - resend_after, limit)).fetchall()
        return [OutboxRow(*r) for r in rows]

    def in_flight(self, *, now: float, resend_after: float) -> int:
        """Events sent recently and not yet acknowledged (the replay window's occupancy)."""
        with self._lock:
            return int(self._conn.execute(
                "SELECT count(*) FROM outbox WHERE sent_at >= ?", (now - resend_after,)
            ).fetchone()[0])

    def mark_sent(self, seqs: list[int], *, now: float) -> None:
        if not seqs:
            return
        with self._lock:
            marks = ",".join("?" * len(seqs))
            self._conn.execute(
                f"UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE seq IN ({marks})",
                (now, *seqs))

    def reset_sent(self) -> None:
        """After a reconnect nothing in flight can be trusted: replay everything, oldest first."""
        with self._lock:
            self._conn.execute("UPDATE outbox SET sent_at = NULL WHERE sent_at IS NOT NULL")

    # -- state ---------------------------------------------------------------
    @property
    def depth(self) -> int:
        return self._depth

    def event_ids(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT event_id FROM outbox ORDER BY seq")]

    def _update_full(self, force: bool = False) -> None:
        if force or self._depth >= self.max_rows:
            self.full = True
        elif self._depth < int(self.max_rows * 0.9):
            self.full = False

    def close(self) -> None:
        with self._lock:
            self._conn.close()
