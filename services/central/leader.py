"""Which central instance builds the lanes' pre-clearance lists: one, chosen by PostgreSQL.

Why: every instance ran the same list build at every 5-minute grid step and after
decisions, and all but one lost the race for the version number (an ``IntegrityError``
after all the work): with two instances on two cores that doubled the CPU of a step,
taken from the decisions. The instance whose list process holds a session-level advisory
lock builds; the others stand by and ask again at each refresh, so when the leader dies
its database session ends, the lock goes with it and another instance builds within a
refresh period or two.

The lock's connection asks the server to probe it (TCP keepalives of a few seconds): a
leader cut off by the network would otherwise keep the lock, and the lists would go
stale, until the server's default keepalive of two hours noticed. SQLite (one machine,
the demo) has no such lock: every instance builds, and the version's unique constraint
still keeps two lists from sharing a version.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

#: The advisory lock's key: "SGPL" (smart gate pre-clearance lists) as an integer.
LOCK_KEY = int.from_bytes(b"SGPL", "big")


class ListLeader:
    """``holds()``: whether this process should build the lists now."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self.exclusive = engine.dialect.name == "postgresql"

    def holds(self) -> bool:
        if not self.exclusive:
            return True
        if self._conn is not None:
            try:  # still ours while its session lives
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except DBAPIError as exc:
                log.warning("central: lost the list lock's connection: %r", exc)
                self.release()
        conn = self.engine.connect()
        try:
            for setting in ("tcp_keepalives_idle = 5", "tcp_keepalives_interval = 2",
                            "tcp_keepalives_count = 3"):
                conn.execute(text(f"SET {setting}"))
            got = bool(conn.execute(select(func.pg_try_advisory_lock(LOCK_KEY))).scalar_one())
            conn.commit()  # a session-level lock outlives the transaction; no transaction idles
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        log.info("central: this instance now builds the pre-clearance lists")
        self._conn = conn
        return True

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()  # never back to the pool with the lock held
            finally:
                self._conn.close()
                self._conn = None
