"""Console sign-in: a signed session cookie, CSRF tokens and role checks.

Why a stateless HMAC cookie: the gateway may run several uvicorn workers and
no shared session store; the cookie carries only the officer id, role, expiry
and a random session nonce, and every request re-reads the officer row, so a
disabled account or a changed role takes effect at once. CSRF tokens are an
HMAC of the session nonce (forms send a hidden ``csrf`` field, scripts the
``X-CSRF-Token`` header); the cookie is also ``SameSite=Lax`` and ``HttpOnly``.
Sign-in itself uses a double-submit token (a pre-session cookie echoed in the
form), so a foreign page cannot sign an officer in to an attacker's account.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response

from gateway.settings import GatewaySettings
from services import officers
from services.officers import Role

COOKIE = "sg_console"
PRE_COOKIE = "sg_console_pre"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    id: str
    username: str
    full_name: str
    role: Role
    nonce: str

    @property
    def actor(self) -> str:
        return f"officer:{self.id}"


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def _mac(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def session_cookie(settings: GatewaySettings, *, officer_id: str) -> str:
    body = {"uid": officer_id, "exp": int(time.time() + settings.console_session_hours * 3600),
            "n": secrets.token_hex(12)}
    raw = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()
    return f"{raw}.{_mac(settings.console_secret, raw)}"


def _parse_cookie(settings: GatewaySettings, value: str) -> tuple[str, str] | None:
    raw, _, mac = value.partition(".")
    if not raw or not hmac.compare_digest(mac, _mac(settings.console_secret, raw)):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(raw.encode()))
        if int(body["exp"]) < time.time():
            return None
        return str(body["uid"]), str(body["n"])
    except (ValueError, KeyError, TypeError):
        return None


def current_user(request: Request) -> ConsoleUser | None:
    """The signed-in officer (re-read from the database), or None."""
    cached: ConsoleUser | None = getattr(request.state, "console_user", None)
    if cached is not None:
        return cached
    parsed = _parse_cookie(_settings(request), request.cookies.get(COOKIE, ""))
    if parsed is None:
        return None
    with request.app.state.sessions() as session, session.begin():
        officer = officers.get_officer(session, officer_id=parsed[0])
    if officer is None or officer.disabled:
        return None
    user = ConsoleUser(officer.id, officer.username, officer.full_name, officer.role, parsed[1])
    request.state.console_user = user
    return user


def csrf_token(request: Request) -> str:
    user = current_user(request)
    if user is None:
        return ""
    return _mac(_settings(request).console_secret, f"csrf:{user.nonce}")[:40]


def check_csrf(request: Request, token: str | None) -> None:
    """403 unless ``token`` (form field or header) is this session's CSRF token."""
    expected = csrf_token(request)
    if not expected or not token or not hmac.compare_digest(token, expected):
        raise HTTPException(403, "csrf")


def login_token(request: Request) -> str:
    """The pre-session token for the sign-in form (kept or minted)."""
    value = request.cookies.get(PRE_COOKIE, "")
    return value if len(value) == 32 else secrets.token_hex(16)


def check_login_token(request: Request, token: str) -> bool:
    value = request.cookies.get(PRE_COOKIE, "")
    return bool(value) and hmac.compare_digest(value, token)


def set_session(response: Response, settings: GatewaySettings, *, officer_id: str) -> None:
    response.set_cookie(COOKIE, session_cookie(settings, officer_id=officer_id), httponly=True,
                        samesite="lax", secure=settings.env == "production", path="/console",
                        max_age=settings.console_session_hours * 3600)
    response.delete_cookie(PRE_COOKIE, path="/console")


def clear_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/console")


def require(role: Role) -> object:
    """Dependency for JSON endpoints: 401 without a session, 403 below ``role``."""

    def dep(request: Request) -> ConsoleUser:
        user = current_user(request)
        if user is None:
            raise HTTPException(401, "sign in first")
        if not officers.role_at_least(user.role, role):
            raise HTTPException(403, f"needs role {role}")
        return user

    return Depends(dep)


def require_csrf(request: Request) -> None:
    check_csrf(request, request.headers.get(CSRF_HEADER))


OfficerUser = Annotated[ConsoleUser, require("officer")]
SupervisorUser = Annotated[ConsoleUser, require("supervisor")]
AdminUser = Annotated[ConsoleUser, require("admin")]
Csrf = Annotated[None, Depends(require_csrf)]
