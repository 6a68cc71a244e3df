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
from datetime import datetime
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.db.models import Officer

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
