"""Role checks on every console endpoint (TestClient), CSRF, and sign-in behaviour."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from consolehelpers import USERS, Console, sign_in
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from gateway.console import api, evidence, flow, more, pages

# Least role per console path (method, path template) -> role; every route must be listed.
LEAST: dict[tuple[str, str], str | None] = {
    ("GET", "/console/login"): None, ("POST", "/console/login"): None,
    ("POST", "/console/logout"): "officer", ("GET", "/console/static/{path:path}"): None,
    ("GET", "/console/"): "officer", ("GET", "/console/events"): "officer",
    ("GET", "/console/exceptions"): "officer",
    ("POST", "/console/exceptions/{decision_id}/resolve"): "officer",
    ("GET", "/console/trips"): "officer", ("GET", "/console/trips/{trip_id}"): "officer",
    ("GET", "/console/dashboard"): "officer", ("GET", "/console/audit"): "supervisor",
    ("GET", "/console/hours"): "supervisor", ("POST", "/console/hours/extensions"): "supervisor",
    ("POST", "/console/hours/extensions/{extension_id}/revoke"): "supervisor",
    ("GET", "/console/admin/officers"): "admin", ("POST", "/console/admin/officers"): "admin",
    ("GET", "/console/api/me"): "officer", ("GET", "/console/api/lanes"): "officer",
    ("GET", "/console/api/exceptions"): "officer",
    ("POST", "/console/api/exceptions/{decision_id}/resolve"): "officer",
    ("GET", "/console/api/trips"): "officer", ("GET", "/console/api/trips/{trip_id}"): "officer",
    ("GET", "/console/api/dashboard"): "officer", ("GET", "/console/api/audit"): "supervisor",
    ("GET", "/console/api/extensions"): "supervisor",
    ("POST", "/console/api/extensions"): "supervisor",
    ("GET", "/console/api/officers"): "admin", ("POST", "/console/api/officers"): "admin",
    ("GET", "/console/lanes/{lane_id}/evidence/{name}"): "officer",
    ("GET", "/console/yard"): "officer", ("GET", "/console/forecast"): "supervisor",
}
RANK = {"officer": 0, "supervisor": 1, "admin": 2}
GET_PAGES = [p for (m, p), r in LEAST.items() if m == "GET" and r and "{" not in p]


def _concrete(path: str) -> str:
    return (path.replace("{decision_id}", "d" * 32).replace("{trip_id}", "t" * 32)
            .replace("{extension_id}", "e" * 32))


@pytest.fixture
def console(make_console: Callable[..., Console], sqlite_url: str) -> Console:
    return make_console(sqlite_url, console_live=False)


def test_every_console_route_has_a_declared_role() -> None:
    mounted = [("/console", pages.router), ("/console", more.router),
               ("/console", evidence.router), ("/console", flow.router),
               ("/console/api", api.router)]
    routes = {(m, prefix + r.path) for prefix, router in mounted for r in router.routes
              if isinstance(r, APIRoute) for m in (r.methods or set()) - {"HEAD"}}
    assert routes == set(LEAST)


@pytest.mark.parametrize("path", GET_PAGES)
def test_signed_out_is_refused_everywhere(console: Console, path: str) -> None:
    with TestClient(console.app) as client:
        resp = client.get(path, follow_redirects=False)
        if path.startswith("/console/api") or path == "/console/events":
            assert resp.status_code == 401
        else:
            assert resp.status_code == 303
            assert resp.headers["location"].startswith("/console/login")


@pytest.mark.parametrize("username", list(USERS))
def test_roles_on_every_endpoint(console: Console, username: str) -> None:
    role = USERS[username]
    with TestClient(console.app) as client:
        csrf = sign_in(client, username)
        for (method, path), least in LEAST.items():
            if least is None or path in ("/console/events", "/console/logout"):
                continue
            allowed = RANK[role] >= RANK[least]
            url = _concrete(path)
            if method == "GET":
                resp = client.get(url, follow_redirects=False)
            elif path.startswith("/console/api"):
                resp = client.post(url, json={}, headers={"X-CSRF-Token": csrf})
            else:
                resp = client.post(url, data={"csrf": csrf}, follow_redirects=False)
            if allowed:
                assert resp.status_code not in (401, 403), (method, path, role, resp.text)
            else:
                assert resp.status_code == 403, (method, path, role, resp.status_code)


def test_posts_need_the_csrf_token(console: Console) -> None:
    with TestClient(console.app) as client:
        sign_in(client, "hoa")
        body = {"username": "tuan", "full_name": "Lê Tuấn", "role": "officer",
                "password": "mot-mat-khau-dai"}
        assert client.post("/console/api/officers", json=body).status_code == 403
        assert client.post("/console/api/officers", json=body,
                           headers={"X-CSRF-Token": "f" * 40}).status_code == 403
        csrf = client.get("/console/api/me").json()["csrf"]
        made = client.post("/console/api/officers", json=body, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201 and made.json()["role"] == "officer"
        form = client.post("/console/admin/officers", data={**body, "username": "tuan2"},
                           follow_redirects=False)
        assert form.status_code == 403


def test_sign_in_is_vietnamese_first_and_refuses_wrong_passwords(console: Console) -> None:
    with TestClient(console.app) as client:
        page = client.get("/console/", follow_redirects=True)
        assert '<html lang="vi">' in page.text and 'name="password"' in page.text
        assert "Đăng nhập" in page.text
        en = client.get("/console/login?lang=en")
        assert '<html lang="en">' in en.text and "Sign in" in en.text
        token = client.cookies.get("sg_console_pre")
        bad = client.post("/console/login", data={"username": "lan", "password": "sai-mat-khau",
                                                  "token": token})
        assert bad.status_code == 401
        forged = client.post("/console/login", data={"username": "lan", "password": "x" * 9,
                                                      "token": "0" * 32})
        assert forged.status_code == 403
        audit = client.get("/console/api/audit")
        assert audit.status_code == 401
    with TestClient(console.app) as sup:
        sign_in(sup, "minh")
        events = sup.get("/console/api/audit").json()
        actions = [e["action"] for e in events["events"]]
        assert "officer.sign_in_failed" in actions and "officer.sign_in" in actions
        assert events["integrity"]["ok"] is True
