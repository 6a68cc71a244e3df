"""FastAPI dependencies: the database session, settings, and the authenticated caller.

Why the caller is resolved in its own short transaction: route handlers own
their transaction (``with session.begin():``) and must start with a clean
session. Rate limiting happens here too, per API key (or per signed-in user),
with the ``limits`` library's moving window: a burst from one carrier's buggy
integration must not starve the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session, sessionmaker

from domain.reference import Reference
from gateway.api.errors import ApiError
from gateway.settings import GatewaySettings
from services.carriers import Caller, authenticate_key
from services.trips import TripPolicy

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="the carrier's API key (sgk_...)")


class RateLimiter:
    """Per-caller limit. ``storage`` is a ``limits`` URI: ``memory://`` counts per process
    (with N workers or instances the effective limit is N x), ``redis://host:6379`` is
    shared by every worker and instance (production, several workers)."""

    def __init__(self, spec: str, *, storage: str = "memory://") -> None:
        self.limit = parse(spec)
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage))

    def check(self, key: str) -> None:
        if not self._limiter.hit(self.limit, key):
            reset = self._limiter.get_window_stats(self.limit, key).reset_time
            retry = max(1, int(reset - datetime.now(UTC).timestamp()) + 1)
            raise ApiError(429, "rate_limited", headers={"Retry-After": str(retry)},
                           retry_after=retry)


def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def get_reference(request: Request) -> Reference:
    reference: Reference = request.app.state.reference
    return reference


def get_policy(request: Request) -> TripPolicy:
    policy: TripPolicy = request.app.state.policy
    return policy


def get_session(request: Request) -> Iterator[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session:
        yield session


def now() -> datetime:
    return datetime.now(UTC)


def get_caller(request: Request,
               api_key: Annotated[str | None, Security(api_key_header)] = None) -> Caller:
    """The carrier behind ``X-API-Key``; 401 when absent, unknown or revoked."""
    if not api_key:
        raise ApiError(401, "unauthorized", "X-API-Key", headers={"WWW-Authenticate": "ApiKey"})
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session, session.begin():
        caller = authenticate_key(session, plaintext=api_key.strip())
    if caller is None:
        raise ApiError(401, "unauthorized", "X-API-Key", headers={"WWW-Authenticate": "ApiKey"})
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.check(caller.key_id or caller.user_id or caller.carrier_id)
    return caller


SessionDep = Annotated[Session, Depends(get_session)]
CallerDep = Annotated[Caller, Depends(get_caller)]
SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
ReferenceDep = Annotated[Reference, Depends(get_reference)]
PolicyDep = Annotated[TripPolicy, Depends(get_policy)]
