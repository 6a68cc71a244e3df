"""Officers' accounts: creation, password check, roles.

Why argon2id: officers' passwords guard the power to open a barrier by hand; a
leaked table must not be cheap to brute-force. Roles are ordered (officer <
supervisor < admin) so a page states the least role it needs and every higher
role passes. A wrong username and a wrong password take the same path (a dummy
verification), so sign-in timing does not reveal which usernames exist.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.hours import HoursExtension
from domain.messages import CommandAction, LaneCommandV1
from domain.trips import CLEARABLE_STATUSES, TripStatus
from services.audit import record
from services.commands import create_command
from services.db.models import Decision, GateHoursExtension, Officer, Trip

Role = Literal["officer", "supervisor", "admin"]
ROLES: tuple[Role, ...] = ("officer", "supervisor", "admin")
_RANK = {role: i for i, role in enumerate(ROLES)}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 8

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


class OfficerError(ValueError):
    """Bad input for an officer account; ``field`` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True, slots=True)
class OfficerRead:
    id: str
    username: str
    full_name: str
    role: Role
    disabled: bool
    created_at: datetime


def role_at_least(role: str, needed: Role) -> bool:
    """Whether ``role`` may do what ``needed`` may (unknown roles may do nothing)."""
    return role in _RANK and _RANK[role] >= _RANK[needed]


def _read(row: Officer) -> OfficerRead:
    role: Role = row.role if row.role in _RANK else "officer"
    return OfficerRead(row.id, row.username, row.full_name, role, row.disabled, row.created_at)


def create_officer(
    session: Session, *, username: str, full_name: str, role: str, password: str, now: datetime
) -> OfficerRead:
    """Add an officer; raise :class:`OfficerError` for a bad or taken username, role, password."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise OfficerError("username", "3-64 characters: a-z, 0-9, '.', '_', '-'")
    if role not in _RANK:
        raise OfficerError("role", f"one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise OfficerError("password", f"at least {MIN_PASSWORD} characters")
    if not full_name.strip():
        raise OfficerError("full_name", "required")
    if session.scalar(select(Officer.id).where(Officer.username == username)) is not None:
        raise OfficerError("username", "already taken")
    row = Officer(username=username, full_name=full_name.strip(), role=role,
                  password_hash=_hasher.hash(password), created_at=now)
    session.add(row)
    session.flush()
    return _read(row)


def authenticate(session: Session, *, username: str, password: str) -> OfficerRead | None:
    """The officer when ``password`` is right and the account enabled, else None."""
    row = session.scalar(select(Officer).where(Officer.username == username.strip().lower()))
    if row is None or row.disabled:
        with contextlib.suppress(VerificationError):  # same time as a real check
            _hasher.verify(_DUMMY_HASH, password)
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return _read(row)


def get_officer(session: Session, *, officer_id: str) -> OfficerRead | None:
    row = session.get(Officer, officer_id)
    return None if row is None else _read(row)


def list_officers(session: Session) -> list[OfficerRead]:
    return [_read(r) for r in session.scalars(select(Officer).order_by(Officer.username))]


def set_disabled(session: Session, *, officer_id: str, disabled: bool) -> OfficerRead:
    row = session.get(Officer, officer_id)
    if row is None:
        raise OfficerError("officer_id", "unknown officer")
    row.disabled = disabled
    return _read(row)


# -- what officers do: resolve exceptions, manage gate hours --------------------

#: An officer's choice on an exception -> the command the lane receives.
ACTIONS: dict[str, CommandAction] = {"open": "open", "refuse": "hold", "inspect": "inspect"}
MIN_REASON = 5


class ResolveError(ValueError):
    """The exception cannot be resolved as asked; ``code`` is stable for the UI and tests."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def resolve_exception(
    session: Session, *, decision_id: str, officer_id: str, action: str, reason: str,
    now: datetime, ttl: timedelta, signing_key: str, key_id: str,
) -> LaneCommandV1:
    """Close an exception with a signed command (stored; publish after commit) and an audit row.

    Runs in the caller's transaction. The decision row keeps the machine's outcome;
    ``resolved_at`` marks it handled and the audit trail says who chose what and why.
    A refusal also marks a still-clearable trip ``refused``.
    """
    reason = reason.strip()
    if action not in ACTIONS:
        raise ResolveError("bad_action", f"action must be one of {', '.join(ACTIONS)}")
    if len(reason) < MIN_REASON:
        raise ResolveError("reason_required", f"a reason of at least {MIN_REASON} characters")
    if not signing_key:
        raise ResolveError("no_signing_key", "the gateway has no centre signing key configured")
    decision = session.get(Decision, decision_id, with_for_update=True)
    if decision is None:
        raise ResolveError("not_found", f"no decision {decision_id}")
    if decision.resolved_at is not None:
        raise ResolveError("already_resolved", "another officer already resolved it")
    command = create_command(
        session, lane_id=decision.lane_id, action=ACTIONS[action], plate=decision.plate,
        trip_id=decision.trip_id, decision_id=decision.id, now=now, ttl=ttl,
        signing_key=signing_key, key_id=key_id, reason_codes=("OFFICER_DECISION",))
    decision.resolved_at = now
    trip = session.get(Trip, decision.trip_id) if decision.trip_id else None
    if action == "refuse" and trip is not None and trip.status in CLEARABLE_STATUSES:
        trip.status = TripStatus.REFUSED.value
        trip.updated_at = now
    record(session, actor=f"officer:{officer_id}", action=f"exception.{action}",
           subject_type="decision", subject_id=decision.id,
           data={"reason": reason, "command_id": command.command_id,
                 "command_action": command.action, "lane_id": decision.lane_id,
                 "plate": decision.plate, "trip_id": decision.trip_id,
                 "machine_outcome": decision.outcome, "attention": decision.attention},
           now=now)
    return command


@dataclass(frozen=True, slots=True)
class ExtensionRead:
    id: str
    gate_id: str
    starts_at: datetime
    ends_at: datetime
    reference: str
    created_by: str
    revoked_at: datetime | None


def _ext(row: GateHoursExtension) -> ExtensionRead:
    return ExtensionRead(row.id, row.gate_id, _utc(row.starts_at), _utc(row.ends_at),
                         row.reference, row.created_by,
                         _utc(row.revoked_at) if row.revoked_at else None)


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def add_extension(session: Session, *, gate_id: str, starts_at: datetime, ends_at: datetime,
                  reference: str, officer_id: str, now: datetime) -> ExtensionRead:
    """Record an agreed extension (validated by :class:`domain.hours.HoursExtension`)."""
    try:
        HoursExtension(gate_id, starts_at, ends_at, reference)
    except ValueError as exc:
        raise OfficerError("ends_at", str(exc)) from None
    if ends_at - starts_at > timedelta(hours=24):
        raise OfficerError("ends_at", "an extension lasts at most 24 hours")
    row = GateHoursExtension(gate_id=gate_id, starts_at=starts_at, ends_at=ends_at,
                             reference=reference.strip()[:200], created_by=officer_id,
                             created_at=now)
    session.add(row)
    session.flush()
    record(session, actor=f"officer:{officer_id}", action="gate.extension.add",
           subject_type="gate", subject_id=gate_id,
           data={"extension_id": row.id, "starts_at": starts_at.isoformat(),
                 "ends_at": ends_at.isoformat(), "reference": row.reference}, now=now)
    return _ext(row)


def revoke_extension(session: Session, *, extension_id: str, officer_id: str, now: datetime
                     ) -> ExtensionRead:
    row = session.get(GateHoursExtension, extension_id)
    if row is None or row.revoked_at is not None:
        raise OfficerError("extension_id", "unknown or already revoked extension")
    row.revoked_at = now
    row.revoked_by = officer_id
    record(session, actor=f"officer:{officer_id}", action="gate.extension.revoke",
           subject_type="gate", subject_id=row.gate_id, data={"extension_id": row.id}, now=now)
    return _ext(row)


def list_extensions(session: Session, *, since: datetime) -> list[ExtensionRead]:
    rows = session.scalars(select(GateHoursExtension).where(GateHoursExtension.ends_at >= since)
                           .order_by(GateHoursExtension.starts_at))
    return [_ext(r) for r in rows]


def active_extensions(session: Session, *, gate_id: str, at: datetime) -> list[HoursExtension]:
    """Extensions in force for ``gate_id`` around ``at``, as :mod:`domain.hours` wants them.

    For the clearance rules (``domain.hours.gate_is_open(extensions=...)``).
    """
    rows = session.scalars(select(GateHoursExtension).where(
        GateHoursExtension.gate_id == gate_id, GateHoursExtension.revoked_at.is_(None),
        GateHoursExtension.starts_at <= at, GateHoursExtension.ends_at > at))
    return [HoursExtension(r.gate_id, _utc(r.starts_at), _utc(r.ends_at), r.reference)
            for r in rows]
