"""Trip search and detail, dashboard, audit trail, gate hours, officers' accounts.

Role per page: officers search trips and see the dashboard; supervisors see
the audit trail (who did what, and whether the chain is intact) and manage
gate-hours extensions; admins manage accounts. Every handler checks its role
first (``page_user``), before reading anything.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from domain.hours import GATE_TZ
from domain.reference import Reference
from gateway.console import auth
from gateway.console.common import evidence_base, page_user, render
from services import audit, officers
from services import console_queries as q
from services.db.models import AuditEvent, Officer

router = APIRouter(include_in_schema=False)


def now() -> datetime:
    return datetime.now(UTC)


@router.get("/trips", response_class=HTMLResponse)
def trips(request: Request, plate: str = "", carrier: str = "", declaration: str = "") -> Response:
    user = page_user(request, "officer")
    if isinstance(user, Response):
        return user
    with request.app.state.sessions() as session, session.begin():
        hits = q.search_trips(session, plate=plate[:32], carrier=carrier[:100],
                              declaration=declaration[:40])
    return render(request, "trips.html", hits=hits, plate=plate, carrier=carrier,
                  declaration=declaration)


@router.get("/trips/{trip_id}", response_class=HTMLResponse)
def trip(request: Request, trip_id: str) -> Response:
    user = page_user(request, "officer")
    if isinstance(user, Response):
        return user
    with request.app.state.sessions() as session, session.begin():
        detail = q.trip_detail(session, trip_id=trip_id)
    if detail is None:
        raise HTTPException(404, "no such trip")
    for item in detail.timeline:
        item["evidence"] = evidence_base(item.get("lane_id") or "")
    return render(request, "trip.html", d=detail)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request) -> Response:
    user = page_user(request, "officer")
    if isinstance(user, Response):
        return user
    reference: Reference = request.app.state.reference
    with request.app.state.sessions() as session, session.begin():
        stats = q.dashboard(session, reference=reference, now=now())
    return render(request, "dashboard.html", stats=stats)


def _names(session: object, actors: set[str]) -> dict[str, str]:
    ids = [a.split(":", 1)[1] for a in actors if a.startswith("officer:")]
    rows = session.execute(select(Officer.id, Officer.username)  # type: ignore[attr-defined]
                           .where(Officer.id.in_(ids or [""])))
    return {f"officer:{i}": u for i, u in rows}


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, actor: str = "", action: str = "") -> Response:
    user = page_user(request, "supervisor")
    if isinstance(user, Response):
        return user
    with request.app.state.sessions() as session, session.begin():
        status = audit.verify_chain(session)
        stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(300)
        if action:
            stmt = stmt.where(AuditEvent.action.startswith(action[:64]))
        if actor:
            found = session.scalar(select(Officer.id).where(Officer.username == actor.lower()))
            stmt = stmt.where(AuditEvent.actor == (f"officer:{found}" if found else actor[:64]))
        events = list(session.scalars(stmt))
        names = _names(session, {e.actor for e in events})
    return render(request, "audit.html", status=status, events=events, names=names,
                  actor=actor, action=action)


@router.get("/hours", response_class=HTMLResponse)
def hours(request: Request, error: str | None = None) -> Response:
    user = page_user(request, "supervisor")
    if isinstance(user, Response):
        return user
    with request.app.state.sessions() as session, session.begin():
        extensions = officers.list_extensions(session, since=now() - timedelta(days=7))
    return render(request, "hours.html", gates=request.app.state.reference.gates,
                  extensions=extensions, error=error, tz=GATE_TZ,
                  today=now().astimezone(GATE_TZ).date().isoformat())


@router.post("/hours/extensions")
def add_extension(request: Request, user: auth.SupervisorUser, gate_id: Annotated[str, Form()],
                  day: Annotated[str, Form()], start: Annotated[str, Form()],
                  end: Annotated[str, Form()], reference: Annotated[str, Form()] = "",
                  csrf: Annotated[str, Form()] = "") -> Response:
    auth.check_csrf(request, csrf)
    ref: Reference = request.app.state.reference
    try:
        ref.gate(gate_id)
        starts = datetime.fromisoformat(f"{day}T{start}").replace(tzinfo=GATE_TZ)
        ends = datetime.fromisoformat(f"{day}T{end}").replace(tzinfo=GATE_TZ)
        if ends <= starts:
            ends += timedelta(days=1)  # past midnight
        with request.app.state.sessions() as session, session.begin():
            officers.add_extension(session, gate_id=gate_id, starts_at=starts, ends_at=ends,
                                   reference=reference, officer_id=user.id, now=now())
    except (KeyError, ValueError) as exc:
        field = exc.field if isinstance(exc, officers.OfficerError) else "input"
        return RedirectResponse(f"/console/hours?error={field}", status_code=303)
    return RedirectResponse("/console/hours", status_code=303)


@router.post("/hours/extensions/{extension_id}/revoke")
def revoke_extension(request: Request, extension_id: str, user: auth.SupervisorUser,
                     csrf: Annotated[str, Form()] = "") -> Response:
    auth.check_csrf(request, csrf)
    try:
        with request.app.state.sessions() as session, session.begin():
            officers.revoke_extension(session, extension_id=extension_id, officer_id=user.id,
                                      now=now())
    except officers.OfficerError as exc:
        return RedirectResponse(f"/console/hours?error={exc.field}", status_code=303)
    return RedirectResponse("/console/hours", status_code=303)


@router.get("/admin/officers", response_class=HTMLResponse)
def officers_page(request: Request, error: str | None = None) -> Response:
    user = page_user(request, "admin")
    if isinstance(user, Response):
        return user
    with request.app.state.sessions() as session, session.begin():
        rows = officers.list_officers(session)
    return render(request, "officers.html", officers=rows, roles=officers.ROLES, error=error)


@router.post("/admin/officers")
def create_officer(request: Request, user: auth.AdminUser, username: Annotated[str, Form()],
                   full_name: Annotated[str, Form()], role: Annotated[str, Form()],
                   password: Annotated[str, Form()],
                   csrf: Annotated[str, Form()] = "") -> Response:
    auth.check_csrf(request, csrf)
    try:
        with request.app.state.sessions() as session, session.begin():
            made = officers.create_officer(session, username=username, full_name=full_name,
                                           role=role, password=password, now=now())
            audit.record(session, actor=user.actor, action="officer.create",
                         subject_type="officer", subject_id=made.id,
                         data={"username": made.username, "role": made.role}, now=now())
    except officers.OfficerError as exc:
        return RedirectResponse(f"/console/admin/officers?error={exc.field}", status_code=303)
    return RedirectResponse("/console/admin/officers", status_code=303)
