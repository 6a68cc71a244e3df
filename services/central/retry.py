"""Lane command upkeep: republish unacknowledged commands, expire them, prune old nonces.

Why a loop and not a timer per command: the state lives in ``lane_commands``,
so any central instance (or a restarted one) picks up where another left off.
Row locks with ``SKIP LOCKED`` (PostgreSQL) keep two instances from expiring
the same command twice; SQLite serializes writers anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from domain import topics
from services.audit import record
from services.central.barrier import flag_decision
from services.central.dbretry import db_unavailable
from services.central.metrics import Metrics
from services.central.outcomes import Publication
from services.commands import due_for_resend, expire_due
from services.db.models import DeviceNonce
from services.settings import CentralSettings

log = logging.getLogger(__name__)
ACTOR = "central"


def command_upkeep(session: Session, *, now: datetime, retry_every: timedelta
                   ) -> tuple[list[Publication], int]:
    """One pass in the caller's transaction: (payloads to republish after commit, expired)."""
    expired = expire_due(session, now=now)
    for command in expired:
        record(session, actor=ACTOR, action="command.expired", subject_type="command",
               subject_id=command.id,
               data={"lane_id": command.lane_id, "action": command.action,
                     "attempts": command.attempts, "decision_id": command.decision_id,
                     "trip_id": command.trip_id, "plate": command.plate}, now=now)
        flag_decision(session, decision_id=command.decision_id, why="command_expired", now=now)
        log.warning("lane %s: command %s (%s) expired unacknowledged after %d attempts: "
                    "flagged for an officer", command.lane_id, command.id, command.action,
                    command.attempts)
    resend = [Publication(topics.commands(r.lane_id), r.payload)
              for r in due_for_resend(session, now=now, every=retry_every)]
    return resend, len(expired)


def prune_nonces(session: Session, *, now: datetime, window: timedelta) -> int:
    """Forget nonces older than twice the replay window (such messages are refused as stale)."""
    result = session.execute(delete(DeviceNonce).where(DeviceNonce.sent_at < now - 2 * window))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def run_upkeep(stop: threading.Event, sessions: sessionmaker[Session],
               settings: CentralSettings, publish: Callable[[list[Publication]], None],
               metrics: Metrics) -> None:
    """The worker's upkeep thread: :func:`command_upkeep` every tick, nonce pruning a minute."""
    tick = min(1.0, settings.command_retry_s / 2)
    retry_every = timedelta(seconds=settings.command_retry_s)
    window = timedelta(seconds=settings.replay_window_s)
    last_prune = 0.0
    while not stop.wait(tick):
        try:
            now = datetime.now(UTC)
            with sessions() as session, session.begin():
                resend, expired = command_upkeep(session, now=now, retry_every=retry_every)
            publish(resend)
            metrics.inc("commands_resent", n=len(resend))
            metrics.inc("commands_expired", n=expired)
            if time.monotonic() - last_prune > 60:
                with sessions() as session, session.begin():
                    prune_nonces(session, now=now, window=window)
                last_prune = time.monotonic()
        except Exception as exc:
            log.log(logging.WARNING if db_unavailable(exc) else logging.ERROR,
                    "central: command upkeep failed: %r", exc, exc_info=not db_unavailable(exc))
