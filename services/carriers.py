"""Carrier accounts, their API keys and their users.

Why keys look like ``sgk_<prefix>_<secret>``: the prefix is stored in clear and
indexed, so a request finds its key row in one lookup; only a SHA-256 of the
whole key is stored (the secret has 256 bits of entropy, so a slow hash buys
nothing and would cost every request). The plaintext is returned once, at
creation or rotation. Users' passwords are low-entropy, so they get argon2.

Every function here is keyword-only and never commits: the caller owns the
transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.db.models import ApiKey, Carrier, CarrierUser
from services.trips.errors import NotFound

KEY_PREFIX = "sgk"
_hasher = PasswordHasher()
#: Verified against when the e-mail is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class CarrierError(ValueError):
    """A carrier-level request that cannot be done; ``code`` and ``field`` name why and where."""

    def __init__(self, code: str, field: str | None, detail: str) -> None:
        super().__init__(detail)
        self.code, self.field = code, field


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the carrier every query is scoped to, and the key or user behind it."""

    carrier_id: str
    key_id: str | None
    user_id: str | None
    trusted: bool

    @property
    def actor(self) -> str:
        who = f"key:{self.key_id}" if self.key_id else f"user:{self.user_id}"
        return f"carrier:{self.carrier_id}:{who}"


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _mint_key() -> tuple[str, str]:
    prefix = secrets.token_hex(6)
    return prefix, f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


def create_carrier(
    session: Session, *, name: str, country: str, now: datetime, tax_code: str | None = None,
    trusted: bool = False,
) -> tuple[Carrier, str]:
    """Create a carrier and its first API key; returns the plaintext key (shown once)."""
    name = name.strip()
    if not name:
        raise CarrierError("required", "name", "a carrier needs a name")
    if country not in ("VN", "CN"):
        raise CarrierError("country_invalid", "country", f"country must be VN or CN: {country!r}")
    carrier = Carrier(name=name, country=country, tax_code=tax_code or None, trusted=trusted,
                      created_at=now)
    session.add(carrier)
    session.flush()
    _, plaintext = issue_api_key(session, carrier_id=carrier.id, now=now, label="initial")
    return carrier, plaintext


def issue_api_key(
    session: Session, *, carrier_id: str, now: datetime, label: str = ""
) -> tuple[ApiKey, str]:
    """Add a key to a carrier (rotation is: issue a new one, deploy it, revoke the old one)."""
    prefix, plaintext = _mint_key()
    key = ApiKey(carrier_id=carrier_id, prefix=prefix, secret_hash=hash_key(plaintext),
                 label=label[:100], created_at=now, revoked_at=None)
    session.add(key)
    session.flush()
    return key, plaintext


def revoke_api_key(session: Session, *, carrier_id: str, key_id: str, now: datetime) -> ApiKey:
    """Revoke one of the carrier's keys; another carrier's key id is simply not found."""
    key = session.scalar(select(ApiKey).where(ApiKey.id == key_id,
                                              ApiKey.carrier_id == carrier_id))
    if key is None:
        raise NotFound(key_id)
    if key.revoked_at is None:
        key.revoked_at = now
    return key


def list_api_keys(session: Session, *, carrier_id: str) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).where(ApiKey.carrier_id == carrier_id)
                                .order_by(ApiKey.created_at, ApiKey.id)))


def authenticate_key(session: Session, *, plaintext: str) -> Caller | None:
    """The caller behind an ``X-API-Key`` value, or ``None`` (unknown, malformed, revoked)."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1]:
        return None
    row = session.execute(
        select(ApiKey, Carrier.trusted).join(Carrier, Carrier.id == ApiKey.carrier_id)
        .where(ApiKey.prefix == parts[1])
    ).first()
    if row is None:
        return None
    key, trusted = row
    if key.revoked_at is not None or not hmac.compare_digest(key.secret_hash, hash_key(plaintext)):
        return None
    return Caller(carrier_id=key.carrier_id, key_id=key.id, user_id=None, trusted=bool(trusted))


def get_carrier(session: Session, *, carrier_id: str) -> Carrier:
    carrier = session.get(Carrier, carrier_id)
    if carrier is None:
        raise NotFound(carrier_id)
    return carrier


def create_user(
    session: Session, *, carrier_id: str, email: str, full_name: str, password: str,
    now: datetime, role: str = "member",
) -> CarrierUser:
    """Add a person who may sign in to the carrier page for this carrier."""
    email = email.strip().lower()
    if len(password) < 10:
        raise CarrierError("password_too_short", "password", "passwords need 10+ characters")
    if session.scalar(select(CarrierUser.id).where(CarrierUser.email == email)) is not None:
        raise CarrierError("email_taken", "email", "this e-mail already has an account")
    user = CarrierUser(carrier_id=carrier_id, email=email, full_name=full_name.strip(),
                       role=role, password_hash=_hasher.hash(password), created_at=now,
                       disabled=False)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session, *, carrier_id: str) -> list[CarrierUser]:
    return list(session.scalars(select(CarrierUser).where(CarrierUser.carrier_id == carrier_id)
                                .order_by(CarrierUser.created_at, CarrierUser.id)))


def disable_user(session: Session, *, carrier_id: str, user_id: str) -> CarrierUser:
    user = session.scalar(select(CarrierUser).where(CarrierUser.id == user_id,
                                                    CarrierUser.carrier_id == carrier_id))
    if user is None:
        raise NotFound(user_id)
    user.disabled = True
    return user


def authenticate_user(session: Session, *, email: str, password: str) -> Caller | None:
    """The caller for a carrier-page sign-in, or ``None`` (same timing either way)."""
    row = session.execute(
        select(CarrierUser, Carrier.trusted).join(Carrier, Carrier.id == CarrierUser.carrier_id)
        .where(CarrierUser.email == email.strip().lower())
    ).first()
    try:
        _hasher.verify(row[0].password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row[0].disabled:
        return None
    user, trusted = row
    return Caller(carrier_id=user.carrier_id, key_id=None, user_id=user.id, trusted=bool(trusted))


def user_caller(session: Session, *, user_id: str) -> Caller | None:
    """Re-load a signed-in user's caller from a session cookie (disabled users drop out)."""
    row = session.execute(
        select(CarrierUser, Carrier.trusted).join(Carrier, Carrier.id == CarrierUser.carrier_id)
        .where(CarrierUser.id == user_id)
    ).first()
    if row is None or row[0].disabled:
        return None
    return Caller(carrier_id=row[0].carrier_id, key_id=None, user_id=user_id,
                  trusted=bool(row[1]))
