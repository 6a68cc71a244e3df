"""Rendering helpers shared by the console's pages: language, templates, page guards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from gateway.console import auth
from gateway.console.i18n import LANGS, t, table
from gateway.settings import GatewaySettings
from services import officers
from services.officers import Role

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "console"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "console"
LANG_COOKIE = "sg_console_lang"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _tojson_attr(value: Any) -> Markup:
    """JSON safe inside a ``<script type=application/json>`` block."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


templates.env.filters["jsonblock"] = _tojson_attr


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "vi"
    return lang if lang in LANGS else "vi"


def settings_of(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def evidence_base(lane_id: str) -> str:
    """What pages put before ``/evidence/<sha>.jpg``: the console's checked proxy
    (:mod:`gateway.console.evidence`), never the edge itself."""
    return f"/console/lanes/{lane_id}"


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    lang = lang_of(request)
    user = auth.current_user(request)
    context = {
        "lang": lang, "T": table(lang), "t": lambda key: t(key, lang), "user": user,
        "csrf": auth.csrf_token(request), "path": request.url.path,
        "is_supervisor": user is not None and officers.role_at_least(user.role, "supervisor"),
        "is_admin": user is not None and officers.role_at_least(user.role, "admin"), **ctx,
    }
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", path="/console",
                            max_age=365 * 86400)
    return response


def page_user(request: Request, role: Role) -> auth.ConsoleUser | Response:
    """The officer for an HTML page: the sign-in form when signed out, 403 below ``role``."""
    user = auth.current_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/console/login?next={quote(target)}", status_code=303)
    if not officers.role_at_least(user.role, role):
        return render(request, "forbidden.html", 403)
    return user


def safe_next(value: str | None) -> str:
    """Only same-console redirects after sign-in (no open redirect)."""
    if value and value.startswith("/console") and "//" not in value and "\\" not in value:
        return value
    return "/console/"
