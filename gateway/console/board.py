"""The console's first page: sign-in and the live lanes board (Vietnamese first).

The board is server-rendered from the database (last decision and read of
every lane) so a reload always shows the truth, then kept live by Server-Sent
Events from the gateway's single broker subscription (``gateway.live``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from html import escape
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sse_starlette.sse import EventSourceResponse

from gateway.console import auth
from gateway.live import install
from services import officers
from services.db.models import Decision, PlateRead

router = APIRouter(include_in_schema=False)  # pages for people, not the carriers API

_T = {
    "vi": {"title": "Bảng làn xe", "lane": "Làn", "dir": "Chiều", "mode": "Chế độ",
           "status": "Thiết bị", "plate": "Biển số", "decision": "Quyết định", "at": "Lúc",
           "signin": "Đăng nhập", "user": "Tên đăng nhập", "password": "Mật khẩu",
           "signout": "Đăng xuất", "bad": "Sai tên đăng nhập hoặc mật khẩu.",
           "open": "Mở barie", "manual": "Cán bộ xử lý", "inspect": "Khu kiểm hóa"},
    "en": {"title": "Lanes board", "lane": "Lane", "dir": "Direction", "mode": "Mode",
           "status": "Device", "plate": "Plate", "decision": "Decision", "at": "At",
           "signin": "Sign in", "user": "Username", "password": "Password",
           "signout": "Sign out", "bad": "Wrong username or password.",
           "open": "Barrier opened", "manual": "To an officer", "inspect": "Inspection bay"},
}

_STYLE = """body{font-family:system-ui,sans-serif;margin:1.5rem;background:#f4f6f8}
table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:.5rem;border-bottom:1px solid #ddd;text-align:left}
.open{color:#0a7d32;font-weight:600}.manual,.inspect{color:#b35c00;font-weight:600}
.online{color:#0a7d32}.offline{color:#b00020}form.login{max-width:20rem;background:#fff;padding:1rem}
input{display:block;width:100%;margin:.3rem 0 .8rem}header{display:flex;justify-content:space-between}"""


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("sg_lang", "vi")
    return lang if lang in _T else "vi"


def _page(lang: str, title: str, body: str) -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>")


def _login_form(request: Request, lang: str, error: bool = False) -> HTMLResponse:
    t, token = _T[lang], auth.login_token(request)
    body = (f"<h1>{t['signin']}</h1>" + (f'<p class="manual">{t["bad"]}</p>' if error else "")
            + f'<form class="login" method="post" action="/console/login">'
            f'<input type="hidden" name="token" value="{token}">'
            f"<label>{t['user']}<input name=\"username\" autocomplete=\"username\"></label>"
            f"<label>{t['password']}<input name=\"password\" type=\"password\"></label>"
            f'<button type="submit">{t["signin"]}</button></form>'
            f'<p><a href="?lang={"en" if lang == "vi" else "vi"}">'
            f'{"English" if lang == "vi" else "Tiếng Việt"}</a></p>')
    resp = HTMLResponse(_page(lang, t["signin"], body), status_code=401 if error else 200)
    resp.set_cookie(auth.PRE_COOKIE, token, httponly=True, samesite="strict", path="/console")
    return resp


def _board_rows(request: Request) -> list[dict[str, Any]]:
    ref = request.app.state.reference
    hub = install(request.app, request.app.state.settings)
    live = hub.snapshot()
    rows = []
    with request.app.state.sessions() as session:
        for lane in ref.lanes():
            dec = session.scalar(select(Decision).where(Decision.lane_id == lane.id)
                                 .order_by(Decision.decided_at.desc()).limit(1))
            read = session.scalar(select(PlateRead).where(PlateRead.lane_id == lane.id,
                                                          PlateRead.grade == "pass")
                                  .order_by(PlateRead.captured_at.desc()).limit(1))
            status = live.get(lane.id, {}).get("status", {}).get("data", {}).get("state", "offline")
            rows.append({"lane": lane.id, "gate": lane.gate_id, "direction": lane.direction.value,
                         "mode": lane.mode.value, "status": status,
                         "plate": (dec.plate if dec else None) or (read.plate if read else None),
                         "outcome": dec.outcome if dec else None,
                         "reasons": [r["code"] for r in dec.reasons] if dec else [],
                         "at": dec.decided_at.isoformat() if dec else None})
    return rows


@router.get("", response_class=HTMLResponse)
def board(request: Request) -> Response:
    lang = _lang(request)
    user = auth.current_user(request)
    if user is None:
        return _login_form(request, lang)
    t = _T[lang]
    head = "".join(f"<th>{t[k]}</th>" for k in ("lane", "dir", "mode", "status", "plate",
                                                  "decision", "at"))
    rows = "".join(
        f'<tr id="lane-{r["lane"]}"><td>{r["lane"]}</td><td>{r["direction"]}</td>'
        f'<td>{r["mode"]}</td><td class="st {r["status"]}">{r["status"]}</td>'
        f'<td class="plate">{escape(r["plate"] or "-")}</td>'
        f'<td class="dec {r["outcome"] or ""}" title="{escape(" ".join(r["reasons"]))}">'
        f'{t.get(r["outcome"] or "", "-")}</td><td class="at">{r["at"] or "-"}</td></tr>'
        for r in _board_rows(request))
    labels = json.dumps({k: t[k] for k in ("open", "manual", "inspect")}, ensure_ascii=False)
    script = f"""<script>
const L={labels};const es=new EventSource('/console/events');
es.addEventListener('lane',e=>{{const ev=JSON.parse(e.data);const tr=document.getElementById('lane-'+ev.lane_id);
if(!tr)return;const d=ev.data;
if(ev.kind==='decision'){{tr.querySelector('.plate').textContent=d.plate||'-';
const c=tr.querySelector('.dec');c.className='dec '+d.outcome;c.textContent=L[d.outcome]||d.outcome;
c.title=(d.reasons||[]).map(r=>r.code).join(' ');tr.querySelector('.at').textContent=d.decided_at;}}
if(ev.kind==='status'){{const s=tr.querySelector('.st');s.className='st '+d.state;s.textContent=d.state;}}}});
</script>"""
    body = (f"<header><h1>{t['title']}</h1><form method=\"post\" action=\"/console/logout\">"
            f"<span>{escape(user.full_name)} ({user.role})</span> "
            f'<input type="hidden" name="csrf" value="{auth.csrf_token(request)}">'
            f"<button>{t['signout']}</button></form></header>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{script}")
    return HTMLResponse(_page(lang, t["title"], body))


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""),
          token: str = Form("")) -> Response:
    lang = _lang(request)
    if not auth.check_login_token(request, token):
        return _login_form(request, lang, error=True)
    with request.app.state.sessions() as session, session.begin():
        officer = officers.authenticate(session, username=username, password=password)
    if officer is None:
        return _login_form(request, lang, error=True)
    resp = RedirectResponse("/console", status_code=303)
    auth.set_session(resp, request.app.state.settings, officer_id=officer.id)
    return resp


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    auth.check_csrf(request, csrf)
    resp = RedirectResponse("/console", status_code=303)
    auth.clear_session(resp)
    return resp


@router.get("/events")
async def events(request: Request, user: auth.OfficerUser) -> EventSourceResponse:
    hub = install(request.app, request.app.state.settings)

    async def stream() -> AsyncIterator[dict[str, str]]:
        async with hub.subscription() as queue:
            while True:
                event = await queue.get()
                if event is None:
                    return
                yield {"event": "lane", "data": json.dumps(event, ensure_ascii=False)}

    return EventSourceResponse(stream(), ping=15)
