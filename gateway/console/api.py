"""The console's JSON endpoints (``/console/api``), for scripts, the board and tests.

Same roles as the pages: every endpoint declares its least role through
:data:`gateway.console.auth.OfficerUser` (or Supervisor/Admin); 401 without a
session, 403 below the role. State-changing calls also need the session's
CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select

from domain.reference import Reference
from gateway.console import auth
from gateway.console.pages import board_state, resolve_and_publish
from gateway.live import LiveUnavailable
from services import audit, officers
from services import console_queries as q
from services.db.models import AuditEvent

router = APIRouter(tags=["console"], include_in_schema=False)  # not the carriers API


def now() -> datetime:
    return datetime.now(UTC)


class ResolveCreate(BaseModel):
    action: str = Field(pattern="^(open|refuse|inspect)$")
    reason: str = Field(min_length=officers.MIN_REASON, max_length=500)


class ExtensionCreate(BaseModel):
    gate_id: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reference: str = Field("", max_length=200)


class OfficerCreate(BaseModel):
    username: str
    full_name: str
    role: str
    password: str = Field(min_length=officers.MIN_PASSWORD, max_length=200)


@router.get("/me")
def me(user: auth.OfficerUser, request: Request) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "full_name": user.full_name,
            "role": user.role, "csrf": auth.csrf_token(request)}


@router.get("/lanes")
def lanes(request: Request, user: auth.OfficerUser) -> list[dict[str, Any]]:
    return board_state(request)


@router.get("/exceptions")
def exceptions(request: Request, user: auth.OfficerUser) -> list[dict[str, Any]]:
    with request.app.state.sessions() as session, session.begin():
        return q.exceptions(session)


@router.post("/exceptions/{decision_id}/resolve")
def resolve(request: Request, decision_id: str, body: ResolveCreate, user: auth.OfficerUser,
            _: auth.Csrf) -> dict[str, Any]:
    try:
        command = resolve_and_publish(request, user=user, decision_id=decision_id,
                                      action=body.action, reason=body.reason)
    except officers.ResolveError as exc:
        status = 404 if exc.code == "not_found" else 409
        raise HTTPException(status, {"code": exc.code, "msg": str(exc)}) from None
    except LiveUnavailable as exc:
        raise HTTPException(503, {"code": "broker_down", "msg": str(exc)}) from None
    return command.model_dump(mode="json")


@router.get("/trips")
def trips(request: Request, user: auth.OfficerUser, plate: str = "", carrier: str = "",
          declaration: str = "") -> list[dict[str, Any]]:
    with request.app.state.sessions() as session, session.begin():
        hits = q.search_trips(session, plate=plate[:32], carrier=carrier[:100],
                              declaration=declaration[:40])
    return [asdict(h) for h in hits]


@router.get("/trips/{trip_id}")
def trip(request: Request, trip_id: str, user: auth.OfficerUser) -> dict[str, Any]:
    with request.app.state.sessions() as session, session.begin():
        detail = q.trip_detail(session, trip_id=trip_id)
        if detail is None:
            raise HTTPException(404, "no such trip")
        t = detail.trip
        return {"id": t.id, "reference": t.reference, "plate": t.plate,
                "province": detail.province, "status": t.status,
                "carrier": detail.carrier, "gate_id": t.gate_id, "direction": t.direction,
                "declaration_no": t.declaration_no, "channel": t.channel,
                "timeline": detail.timeline}


@router.get("/dashboard")
def dashboard(request: Request, user: auth.OfficerUser) -> dict[str, Any]:
    reference: Reference = request.app.state.reference
    with request.app.state.sessions() as session, session.begin():
        return q.dashboard(session, reference=reference, now=now())


@router.get("/audit")
def audit_events(request: Request, user: auth.SupervisorUser, limit: int = 200
                 ) -> dict[str, Any]:
    with request.app.state.sessions() as session, session.begin():
        status = audit.verify_chain(session)
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())
                               .limit(max(1, min(limit, 1000))))
        events = [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                   "subject_type": e.subject_type, "subject_id": e.subject_id, "data": e.data}
                  for e in rows]
    return {"integrity": asdict(status), "events": events}


@router.get("/extensions")
def extensions(request: Request, user: auth.SupervisorUser) -> list[dict[str, Any]]:
    with request.app.state.sessions() as session, session.begin():
        rows = officers.list_extensions(session, since=now() - timedelta(days=7))
    return [asdict(r) for r in rows]


@router.post("/extensions", status_code=201)
def add_extension(request: Request, body: ExtensionCreate, user: auth.SupervisorUser,
                  _: auth.Csrf) -> dict[str, Any]:
    reference: Reference = request.app.state.reference
    try:
        reference.gate(body.gate_id)
    except KeyError:
        raise HTTPException(422, {"field": "gate_id", "msg": "unknown gate"}) from None
    try:
        with request.app.state.sessions() as session, session.begin():
            made = officers.add_extension(session, gate_id=body.gate_id,
                                          starts_at=body.starts_at, ends_at=body.ends_at,
                                          reference=body.reference, officer_id=user.id,
                                          now=now())
    except officers.OfficerError as exc:
        raise HTTPException(422, {"field": exc.field, "msg": str(exc)}) from None
    return asdict(made)


@router.get("/officers")
def list_officers(request: Request, user: auth.AdminUser) -> list[dict[str, Any]]:
    with request.app.state.sessions() as session, session.begin():
        return [asdict(o) for o in officers.list_officers(session)]


@router.post("/officers", status_code=201)
def create_officer(request: Request, body: OfficerCreate, user: auth.AdminUser,
                   _: auth.Csrf) -> dict[str, Any]:
    try:
        with request.app.state.sessions() as session, session.begin():
            made = officers.create_officer(session, username=body.username,
                                           full_name=body.full_name, role=body.role,
                                           password=body.password, now=now())
            audit.record(session, actor=user.actor, action="officer.create",
                         subject_type="officer", subject_id=made.id,
                         data={"username": made.username, "role": made.role}, now=now())
    except officers.OfficerError as exc:
        raise HTTPException(422, {"field": exc.field, "msg": str(exc)}) from None
    return asdict(made)
