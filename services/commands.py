"""Signed lane commands: minted and stored in the caller's transaction, published after commit.

Why store before publish: the ``lane_commands`` row (with the exact signed JSON)
is what the retry loop republishes until the lane acknowledges it, and what an
auditor compares with the barrier's report. A command that was published but
never stored could not be retried, expired or explained.

Both the central worker (automatic decisions) and the officers' console
(manual opens) call :func:`create_command`; each publishes the returned message
on ``domain.topics.commands(lane_id)`` only after its transaction committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.messages import CommandAction, LaneCommandV1, Outcome
from domain.signing import sign_command
from domain.wirejson import command_draft_dump
from services.db.models import LaneCommand, new_id

#: Decision outcome -> what the barrier is told.
ACTION_FOR_OUTCOME: dict[Outcome, CommandAction] = {
    "open": "open", "manual": "hold", "inspect": "inspect",
}
OPEN_STATES = ("sent",)


def aware(dt: datetime) -> datetime:
    """SQLite returns naive datetimes (stored as UTC): make every comparison aware."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def create_command(
    session: Session, *, lane_id: str, action: CommandAction, plate: str | None,
    trip_id: str | None, decision_id: str | None, now: datetime, ttl: timedelta,
    signing_key: str, key_id: str, reason_codes: Sequence[str] = (),
    expires_at: datetime | None = None, flush: bool = True,
) -> LaneCommandV1:
    """Sign a command and add its row (state ``sent``) to the caller's transaction.

    ``expires_at`` overrides ``now + ttl`` (the worker bounds it by the read's
    capture time, so a late read never yields a command that opens for whoever
    is at the lane now). ``flush=False`` leaves the row to the caller's next flush.
    """
    signed, row = new_command(
        lane_id=lane_id, action=action, plate=plate, trip_id=trip_id, decision_id=decision_id,
        now=now, ttl=ttl, signing_key=signing_key, key_id=key_id, reason_codes=reason_codes,
        expires_at=expires_at)
    session.add(LaneCommand(**row))
    if flush:
        session.flush()
    return signed


def new_command(
    *, lane_id: str, action: CommandAction, plate: str | None, trip_id: str | None,
    decision_id: str | None, now: datetime, ttl: timedelta, signing_key: str, key_id: str,
    reason_codes: Sequence[str] = (), expires_at: datetime | None = None,
) -> tuple[LaneCommandV1, dict[str, Any]]:
    """A signed command and its ``lane_commands`` row as column values, not yet stored."""
    signed = sign_command(draft_command(
        lane_id=lane_id, action=action, plate=plate, trip_id=trip_id, decision_id=decision_id,
        now=now, ttl=ttl, key_id=key_id, reason_codes=reason_codes, expires_at=expires_at,
    ), signing_key)
    return signed, command_row(signed)


def draft_command(
    *, lane_id: str, action: CommandAction, plate: str | None, trip_id: str | None,
    decision_id: str | None, now: datetime, ttl: timedelta, key_id: str,
    reason_codes: Sequence[str] = (), expires_at: datetime | None = None,
) -> LaneCommandV1:
    """A new command, not yet signed, as a model (:func:`new_command`; the central worker
    drafts its commands as :class:`CommandDraft` instead, :func:`draft_command_dump`)."""
    return LaneCommandV1(
        command_id=new_id(), lane_id=lane_id, action=action, plate=plate, trip_id=trip_id,
        decision_id=decision_id, issued_at=now, expires_at=expires_at or now + ttl,
        reason_codes=tuple(reason_codes), key_id=key_id,
    )


@dataclass(frozen=True, slots=True)
class CommandDraft:
    """A command not yet signed, as the JSON dump its signature covers, and its two times.

    Why not a ``LaneCommandV1``: the central worker only signs, publishes and stores a
    command's JSON, and building, validating and dumping the model was ~6 % of its CPU per
    read (docs/messaging-journal.md, round 17). The dump is the model's, byte for byte
    (:func:`domain.wirejson.command_draft_dump`); its ``sig`` and ``proof`` are added by
    :func:`domain.signing.signed_dump_payloads`.
    """

    dump: dict[str, Any]
    issued_at: datetime
    expires_at: datetime

    @property
    def command_id(self) -> str:
        return str(self.dump["command_id"])

    @property
    def lane_id(self) -> str:
        return str(self.dump["lane_id"])

    @property
    def action(self) -> CommandAction:
        return self.dump["action"]

    @property
    def plate(self) -> str | None:
        return self.dump["plate"]

    @property
    def trip_id(self) -> str | None:
        return self.dump["trip_id"]

    @property
    def decision_id(self) -> str | None:
        return self.dump["decision_id"]


def draft_command_dump(
    *, lane_id: str, action: CommandAction, plate: str | None, trip_id: str | None,
    decision_id: str | None, now: datetime, ttl: timedelta, key_id: str,
    reason_codes: Sequence[str] = (), expires_at: datetime | None = None,
) -> CommandDraft:
    """:func:`draft_command` as a :class:`CommandDraft` (the central worker's, per read)."""
    expires = expires_at or now + ttl
    return CommandDraft(command_draft_dump(
        command_id=new_id(), lane_id=lane_id, action=action, plate=plate, trip_id=trip_id,
        decision_id=decision_id, issued_at=now, expires_at=expires, reason_codes=reason_codes,
        key_id=key_id), now, expires)


def command_row(signed: LaneCommandV1 | CommandDraft, payload: bytes | None = None
                ) -> dict[str, Any]:
    """The ``lane_commands`` row of a signed command, as column values.

    Why a dict: the central worker inserts a whole batch's commands with one bulk
    ``INSERT`` (:class:`services.db.bulk.RowBuffer`) instead of one ORM object each; the
    console stores its single command through :func:`create_command`. ``payload``: the
    signed bytes, which a :class:`CommandDraft` needs (the worker signs a batch straight to
    bytes, :func:`domain.signing.signed_dump_payloads`); a signed model gives its own.
    """
    if payload is None:
        if not isinstance(signed, LaneCommandV1):
            raise TypeError("a command draft's row needs its signed payload")
        payload = signed.to_json()
    return {"id": signed.command_id, "decision_id": signed.decision_id,
            "lane_id": signed.lane_id, "action": signed.action, "plate": signed.plate,
            "trip_id": signed.trip_id, "issued_at": signed.issued_at,
            "expires_at": signed.expires_at,
            "payload": payload.decode(),
            "state": "sent", "attempts": 1, "acked_at": None, "last_sent_at": signed.issued_at,
            "ack_detail": None}


@dataclass(frozen=True, slots=True)
class Resend:
    command_id: str
    lane_id: str
    payload: bytes


def due_for_resend(session: Session, *, now: datetime, every: timedelta, limit: int = 500
                   ) -> list[Resend]:
    """Unacknowledged, unexpired commands last sent more than ``every`` ago; marks them re-sent.

    Runs in the caller's transaction; publish the returned payloads after commit.
    """
    # Filtered in SQL: on a busy gate hundreds of commands wait for their lane's report at any
    # moment; loading and locking all of them every tick starved the ingest worker.
    rows = session.execute(
        select(LaneCommand)
        .where(LaneCommand.state == "sent", LaneCommand.expires_at > now,
               func.coalesce(LaneCommand.last_sent_at, LaneCommand.issued_at) <= now - every)
        .order_by(LaneCommand.issued_at).limit(limit)
        .with_for_update(skip_locked=True)
    ).scalars().all()
    due: list[Resend] = []
    for row in rows:
        last = aware(row.last_sent_at or row.issued_at)
        if now - last < every:
            continue
        row.attempts += 1
        row.last_sent_at = now
        due.append(Resend(row.id, row.lane_id, row.payload.encode()))
    return due


def expire_due(session: Session, *, now: datetime, limit: int = 500) -> list[LaneCommand]:
    """Mark ``sent`` commands past their expiry as ``expired`` and return them."""
    rows = session.execute(
        select(LaneCommand)
        .where(LaneCommand.state == "sent", LaneCommand.expires_at <= now)
        .order_by(LaneCommand.expires_at).limit(limit)
        .with_for_update(skip_locked=True)
    ).scalars().all()
    for row in rows:
        row.state = "expired"
    return list(rows)
