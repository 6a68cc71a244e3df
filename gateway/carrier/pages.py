"""The carrier page: sign in, declare a trip, follow its status, fix a plate before arrival.

Server-rendered (Jinja2) on purpose: a dispatcher at a small haulier needs a
form and a table, not a single-page app; it calls the same service functions
as the API, so rules and error messages (vi / en / zh) are identical.
The session is an HMAC-signed cookie (``carrier_page_secret``), and every form
carries a CSRF token derived from it.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from domain.trips import TripStatus
from gateway.api.errors import item, validation_item
from gateway.deps import now
from gateway.settings import GatewaySettings
from services import carriers
from services import trips as svc
from services.trips.errors import NotFound

router = APIRouter()
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
templates.env.globals["T"] = {
    "title": ("Khai báo chuyến xe", "Trip declarations", "行程申报"),
    "login": ("Đăng nhập", "Sign in", "登录"),
    "logout": ("Đăng xuất", "Sign out", "退出"),
    "password": ("Mật khẩu", "Password", "密码"),
    "bad_login": ("Sai email hoặc mật khẩu.", "Wrong e-mail or password.", "邮箱或密码错误。"),
    "new": ("Khai báo chuyến mới", "Declare a trip", "申报新行程"),
    "plate": ("Biển số", "Plate", "车牌"),
    "trailer": ("Biển rơ-moóc", "Trailer plate", "挂车号牌"),
    "gate": ("Cửa khẩu", "Gate", "口岸"),
    "direction": ("Chiều", "Direction", "方向"),
    "from": ("Đến từ", "Arrive from", "到达开始"),
    "to": ("Đến trước", "Arrive by", "到达截止"),
    "declaration": ("Số tờ khai", "Declaration no.", "报关单号"),
    "channel": ("Luồng", "Channel", "通道"),
    "fee": ("Đã nộp phí", "Fee paid", "已缴费"),
    "hs": ("Mã HS", "HS code", "HS编码"),
    "goods": ("Hàng hóa", "Goods", "货物"),
    "weight": ("Khối lượng (kg)", "Weight (kg)", "重量（公斤）"),
    "perishable": ("Hàng tươi sống", "Perishable", "易腐"),
    "submit": ("Gửi", "Submit", "提交"),
    "status": ("Trạng thái", "Status", "状态"),
    "all": ("Tất cả", "All", "全部"),
    "reference": ("Mã chuyến", "Reference", "行程编号"),
    "amend": ("Sửa biển số / rơ-moóc", "Fix plate / trailer", "更正车牌/挂车"),
    "cancel": ("Hủy chuyến", "Cancel trip", "取消行程"),
    "history": ("Lịch sử thay đổi", "Change history", "修改记录"),
    "decision": ("Quyết định tại cửa khẩu", "Gate decision", "口岸决定"),
    "back": ("Quay lại", "Back", "返回"),
}
LANG_INDEX = {"vi": 0, "en": 1, "zh": 2}
COOKIE = "sg_carrier"
LANGS = ("vi", "en", "zh")


def _sign(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def _caller(request: Request) -> carriers.Caller | None:
    settings: GatewaySettings = request.app.state.settings
    raw = request.cookies.get(COOKIE, "")
    try:
        user_id, expires, mac = raw.split(".")
        if int(expires) < time.time():
            return None
    except ValueError:
        return None
    if not hmac.compare_digest(mac, _sign(settings.carrier_page_secret, f"{user_id}.{expires}")):
        return None
    with request.app.state.sessions() as session, session.begin():
        return carriers.user_caller(session, user_id=user_id)


def _csrf(request: Request) -> str:
    settings: GatewaySettings = request.app.state.settings
    return _sign(settings.carrier_page_secret, "csrf:" + request.cookies.get(COOKIE, ""))[:32]


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("sg_lang") or "vi"
    return lang if lang in LANGS else "vi"


def _render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    lang = _lang(request)
    response = templates.TemplateResponse(
        request, name, {"lang": lang, "li": LANG_INDEX[lang], "csrf": _csrf(request), **ctx},
        status_code=status_code)
    response.set_cookie("sg_lang", lang, samesite="lax")
    return response


def _check_csrf(request: Request, token: str) -> None:
    if not hmac.compare_digest(token, _csrf(request)):
        raise NotFound("csrf")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _render(request, "login.html", error=None)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, email: Annotated[str, Form(max_length=254)],
          password: Annotated[str, Form(max_length=200)]) -> Response:
    settings: GatewaySettings = request.app.state.settings
    with request.app.state.sessions() as session, session.begin():
        caller = carriers.authenticate_user(session, email=email, password=password)
    if caller is None or caller.user_id is None:
        return _render(request, "login.html", 401, error=True)
    expires = str(int(time.time() + settings.carrier_session_hours * 3600))
    value = f"{caller.user_id}.{expires}"
    response = RedirectResponse("/carrier/", status_code=303)
    response.set_cookie(COOKIE, f"{value}.{_sign(settings.carrier_page_secret, value)}",
                        httponly=True, samesite="lax", secure=settings.env == "production",
                        max_age=settings.carrier_session_hours * 3600)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/carrier/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def trips_page(request: Request, status: str | None = None) -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/carrier/login", status_code=303)
    filt = svc.TripFilter(status=TripStatus(status) if status in set(TripStatus) else None)
    with request.app.state.sessions() as session, session.begin():
        rows, _ = svc.list_trips(session, carrier_id=caller.carrier_id, filters=filt, limit=100)
        trips = svc.trip_reads(session, rows)
        carrier = carriers.get_carrier(session, carrier_id=caller.carrier_id)
    return _render(request, "trips.html", trips=trips, carrier=carrier, status=status,
                   statuses=[s.value for s in TripStatus],
                   gates=request.app.state.reference.gates, errors=[], form={})


@router.post("/trips", response_class=HTMLResponse)
async def declare(request: Request) -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/carrier/login", status_code=303)
    form = {k: str(v) for k, v in (await request.form()).items()}
    _check_csrf(request, form.pop("csrf", ""))
    body: dict[str, Any] = {k: v for k, v in form.items() if v and not k.startswith("cargo_")}
    if form.get("cargo_hs_code"):
        body["cargo"] = [{"hs_code": form["cargo_hs_code"],
                          "description": form.get("cargo_description", ""),
                          "weight_kg": form.get("cargo_weight_kg") or "0",
                          "perishable": "cargo_perishable" in form}]
    body["fee_paid"] = "fee_paid" in form
    errors: list[dict[str, Any]] = []
    try:
        data = svc.TripCreate.model_validate(body)
        with request.app.state.sessions() as session, session.begin():
            trip = svc.create_trip(session, carrier_id=caller.carrier_id, data=data,
                                   now=now(), reference=request.app.state.reference,
                                   policy=request.app.state.policy, trusted=caller.trusted)
            trip_id = trip.id
        return RedirectResponse(f"/carrier/trips/{trip_id}", status_code=303)
    except ValidationError as exc:
        errors = [validation_item(e) for e in exc.errors()]
    except svc.TripInputError as exc:
        errors = [item(list(p.loc), p.code, p.message, **p.params) for p in exc.problems]
    except svc.TripStateError as exc:
        errors = [item([exc.field or ""], exc.code, str(exc), **exc.params)]
    with request.app.state.sessions() as session, session.begin():
        rows, _ = svc.list_trips(session, carrier_id=caller.carrier_id, limit=100)
        trips = svc.trip_reads(session, rows)
        carrier = carriers.get_carrier(session, carrier_id=caller.carrier_id)
    return _render(request, "trips.html", 422, trips=trips, carrier=carrier, status=None,
                   statuses=[s.value for s in TripStatus],
                   gates=request.app.state.reference.gates, errors=errors, form=form)


@router.get("/trips/{trip_id}", response_class=HTMLResponse)
def trip_page(request: Request, trip_id: str) -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/carrier/login", status_code=303)
    with request.app.state.sessions() as session, session.begin():
        trip = svc.trip_reads(session, [svc.get_trip(session, carrier_id=caller.carrier_id,
                                                     trip_id=trip_id)])[0]
        history = svc.list_amendments(session, carrier_id=caller.carrier_id, trip_id=trip_id)
    return _render(request, "trip.html", trip=trip, history=history, errors=[])


@router.post("/trips/{trip_id}", response_class=HTMLResponse)
def amend_or_cancel(request: Request, trip_id: str, csrf: Annotated[str, Form()],
                    action: Annotated[str, Form()], plate: Annotated[str, Form()] = "",
                    trailer_plate: Annotated[str, Form()] = "") -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/carrier/login", status_code=303)
    _check_csrf(request, csrf)
    errors: list[dict[str, Any]] = []
    try:
        with request.app.state.sessions() as session, session.begin():
            if action == "cancel":
                svc.cancel_trip(session, carrier_id=caller.carrier_id, trip_id=trip_id,
                                now=now(), actor=caller.actor)
            else:
                change: dict[str, Any] = {"trailer_plate": trailer_plate or None}
                if plate:
                    change["plate"] = plate
                svc.update_trip(session, carrier_id=caller.carrier_id, trip_id=trip_id,
                                data=svc.TripUpdate.model_validate(change), now=now(),
                                actor=caller.actor, policy=request.app.state.policy,
                                trusted=caller.trusted)
        return RedirectResponse(f"/carrier/trips/{trip_id}", status_code=303)
    except ValidationError as exc:
        errors = [validation_item(e) for e in exc.errors()]
    except svc.TripStateError as exc:
        errors = [item([exc.field or ""], exc.code, str(exc), **exc.params)]
    except svc.TripInputError as exc:
        errors = [item(list(p.loc), p.code, p.message, **p.params) for p in exc.problems]
    with request.app.state.sessions() as session, session.begin():
        trip = svc.trip_reads(session, [svc.get_trip(session, carrier_id=caller.carrier_id,
                                                     trip_id=trip_id)])[0]
        history = svc.list_amendments(session, carrier_id=caller.carrier_id, trip_id=trip_id)
    return _render(request, "trip.html", 422, trip=trip, history=history, errors=errors)
