"""Sign-in, the live lanes board (with its SSE feed) and the exceptions queue.

Why the board is drawn by the browser from JSON: the same function draws a
card from the database rows embedded at page load and from each live event,
so the two paths cannot disagree. Officers' commands are stored and signed in
one transaction (:func:`services.officers.resolve_exception`) and published
only after it commits, through the gateway's broker link.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sse_starlette.sse import EventSourceResponse

from domain.messages import LaneCommandV1
from domain.reference import Reference
from gateway.console import auth
from gateway.console.common import (
    STATIC_DIR,
    evidence_base,
    page_user,
    render,
    safe_next,
    settings_of,
)
from gateway.live import LiveHub, LiveUnavailable
from services import console_queries as q
from services import officers
from services.audit import record

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


def now() -> datetime:
    return datetime.now(UTC)


def hub_of(request: Request) -> LiveHub | None:
    return getattr(request.app.state, "live", None)


@router.get("/static/{path:path}")
def static(path: str) -> FileResponse:
    """The console's own CSS/JS and vendored Chart.js (the router cannot carry a mount)."""
    target = (STATIC_DIR / path).resolve()
    if not target.is_file() or STATIC_DIR.resolve() not in target.parents:
        raise HTTPException(404)
    return FileResponse(target)


# -- sign-in ------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    token = auth.login_token(request)
    response = render(request, "login.html", token=token, next=safe_next(next), error=False)
    response.set_cookie(auth.PRE_COOKIE, token, httponly=True, samesite="strict",
                        path="/console", max_age=3600)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=200)], token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/console/") -> Response:
    if not auth.check_login_token(request, token):
        raise HTTPException(403, "csrf")
    with request.app.state.sessions() as session, session.begin():
        officer = officers.authenticate(session, username=username, password=password)
        record(session, actor=f"officer:{officer.id}" if officer else "anonymous",
               action="officer.sign_in" if officer else "officer.sign_in_failed",
               subject_type="officer", subject_id=officer.id if officer else username[:64],
               data={"username": username[:64]}, now=now())
    if officer is None:
        return render(request, "login.html", 401, token=token, next=safe_next(next),
                      error=True)
    redirect = RedirectResponse(safe_next(next), status_code=303)
    auth.set_session(redirect, settings_of(request), officer_id=officer.id)
    return redirect


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    auth.check_csrf(request, csrf)
    response = RedirectResponse("/console/login", status_code=303)
    auth.clear_session(response)
    return response


# -- the live lanes board -------------------------------------------------------

def board_state(request: Request) -> list[dict[str, Any]]:
    """Every lane with its stored rows and what the live hub heard (status is only live)."""
    reference: Reference = request.app.state.reference
    lanes = reference.lanes()
    with request.app.state.sessions() as session, session.begin():
        stored = q.lane_board(session, lanes=lanes)
    hub = hub_of(request)
    live = hub.snapshot() if hub else {}
    out = []
    for gate in reference.gates:
        for lane in gate.lanes:
            heard = {k: v["data"] for k, v in live.get(lane.id, {}).items()}
            out.append({"lane_id": lane.id, "gate_id": gate.id, "gate_vi": gate.name_vi,
                        "gate_en": gate.name_en, "direction": lane.direction.value,
                        "mode": lane.mode.value, "evidence": evidence_base(lane.id),
                        "db": stored[lane.id], "live": heard})
    return out


@router.get("/", response_class=HTMLResponse)
def board(request: Request) -> Response:
    user = page_user(request, "officer")
    if isinstance(user, Response):
        return user
    hub = hub_of(request)
    return render(request, "board.html", lanes=board_state(request),
                  live_enabled=bool(hub and hub.enabled))


@router.get("/events")
async def events(request: Request, user: auth.OfficerUser) -> EventSourceResponse:
    """Server-sent events: one ``lane`` event per status/decision/barrier/command heard."""
    hub = hub_of(request)

    async def stream() -> AsyncIterator[dict[str, str]]:
        yield {"event": "hello", "data": json.dumps({"live": bool(hub and hub.connected)})}
        if hub is None:
            return
        async with hub.subscription() as queue:
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=10)
                except TimeoutError:
                    yield {"event": "hub", "data": json.dumps({"live": hub.connected})}
                    continue
                if event is None:
                    yield {"event": "reconnect", "data": "{}"}
                    return
                data = event["data"]
                if event["kind"] == "decision" and data.get("trip_id"):
                    data = {**data, "trip_reference": await asyncio.to_thread(
                        _trip_ref, request, data["trip_id"])}
                yield {"event": "lane",
                       "data": json.dumps({**event, "data": data}, ensure_ascii=False)}

    return EventSourceResponse(stream(), ping=15)


def _trip_ref(request: Request, trip_id: str) -> str | None:
    with request.app.state.sessions() as session, session.begin():
        return q.trip_reference(session, trip_id=trip_id)


# -- exceptions -----------------------------------------------------------------

@router.get("/exceptions", response_class=HTMLResponse)
def exceptions_page(request: Request, done: str | None = None,
                    error: str | None = None) -> Response:
    user = page_user(request, "officer")
    if isinstance(user, Response):
        return user
    with request.app.state.sessions() as session, session.begin():
        items = q.exceptions(session)
    for item in items:
        item["evidence"] = evidence_base(item["lane_id"])
    return render(request, "exceptions.html", items=items, done=done, error=error,
                  min_reason=officers.MIN_REASON)


def resolve_and_publish(request: Request, *, user: auth.ConsoleUser, decision_id: str,
                        action: str, reason: str) -> LaneCommandV1:
    """Store + sign + audit in one transaction, then publish; raise ResolveError/LiveUnavailable."""
    hub = hub_of(request)
    if hub is None or not hub.connected:
        raise LiveUnavailable("the gateway is not connected to the broker: nothing was sent")
    settings = settings_of(request)
    with request.app.state.sessions() as session, session.begin():
        command = officers.resolve_exception(
            session, decision_id=decision_id, officer_id=user.id, action=action, reason=reason,
            now=now(), ttl=timedelta(seconds=settings.command_ttl_seconds),
            signing_key=settings.centre_signing_key, key_id=settings.centre_key_id)
    try:
        hub.publish_command(command)
    except LiveUnavailable:
        # Stored and signed: the centre's retry loop republishes it until it expires.
        log.warning("console: command %s stored but not yet published", command.command_id)
    return command


@router.post("/exceptions/{decision_id}/resolve")
def resolve(request: Request, decision_id: str, user: auth.OfficerUser,
            action: Annotated[str, Form()], reason: Annotated[str, Form(max_length=500)] = "",
            csrf: Annotated[str, Form()] = "") -> Response:
    auth.check_csrf(request, csrf)
    try:
        command = resolve_and_publish(request, user=user, decision_id=decision_id,
                                      action=action, reason=reason)
    except officers.ResolveError as exc:
        return RedirectResponse(f"/console/exceptions?error={exc.code}", status_code=303)
    except LiveUnavailable:
        return RedirectResponse("/console/exceptions?error=broker_down", status_code=303)
    return RedirectResponse(f"/console/exceptions?done={command.command_id}", status_code=303)
