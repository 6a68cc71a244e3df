"""Two carriers: neither can read, change or delete the other's objects; no mass assignment."""

from __future__ import annotations

from gwhelpers import Gateway, trip_body


def test_every_cross_tenant_access_is_404(gateway: Gateway) -> None:
    a, b = gateway.carrier("A"), gateway.carrier("B")
    trip = a.request("POST", "/api/v1/trips", json=trip_body()).json()
    draft = a.request("POST", "/api/v1/trips", json=trip_body("12C-222.22", draft=True)).json()
    vehicle = a.request("POST", "/api/v1/vehicles", json={"plate": "12C-333.33"}).json()
    driver = a.request("POST", "/api/v1/drivers",
                       json={"full_name": "Lê Văn C", "document_no": "B1234567"}).json()
    hook = a.request("POST", "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/x"}).json()
    user = a.request("POST", "/api/v1/users", json={"email": "a@a.vn", "full_name": "A",
                                                    "password": "correct horse battery"}).json()
    key_id = a.request("GET", "/api/v1/keys").json()[0]["id"]
    attempts = [
        ("GET", f"/api/v1/trips/{trip['id']}", None),
        ("PATCH", f"/api/v1/trips/{trip['id']}", {"plate": "12C-999.99"}),
        ("POST", f"/api/v1/trips/{trip['id']}/cancel", None),
        ("POST", f"/api/v1/trips/{draft['id']}/submit", None),
        ("DELETE", f"/api/v1/trips/{draft['id']}", None),
        ("GET", f"/api/v1/trips/{trip['id']}/amendments", None),
        ("GET", f"/api/v1/vehicles/{vehicle['id']}", None),
        ("PATCH", f"/api/v1/vehicles/{vehicle['id']}", {"trailer_plate": "12R-111.11"}),
        ("DELETE", f"/api/v1/vehicles/{vehicle['id']}", None),
        ("GET", f"/api/v1/drivers/{driver['id']}", None),
        ("PATCH", f"/api/v1/drivers/{driver['id']}", {"full_name": "X"}),
        ("DELETE", f"/api/v1/drivers/{driver['id']}", None),
        ("DELETE", f"/api/v1/webhooks/{hook['id']}", None),
        ("GET", f"/api/v1/webhooks/{hook['id']}/deliveries", None),
        ("DELETE", f"/api/v1/users/{user['id']}", None),
        ("DELETE", f"/api/v1/keys/{key_id}", None),
    ]
    for method, url, body in attempts:
        r = b.request(method, url, json=body)
        assert r.status_code == 404, (method, url, r.status_code, r.text)
        assert r.json()["detail"][0]["type"] == "not_found"
    # Nothing leaked into B's lists, and nothing of A's changed.
    for path in ("trips", "vehicles", "drivers", "webhooks", "users"):
        listed = b.request("GET", f"/api/v1/{path}").json()
        items = listed["items"] if isinstance(listed, dict) else listed
        assert items == [], path
    assert len(b.request("GET", "/api/v1/keys").json()) == 1
    assert a.request("GET", f"/api/v1/trips/{trip['id']}").json()["plate"] == "12C12345"
    assert a.request("GET", f"/api/v1/trips/{draft['id']}").json()["status"] == "draft"
    assert a.request("GET", f"/api/v1/vehicles/{vehicle['id']}").json()["trailer_plate"] is None
    assert a.request("GET", "/api/v1/trips").status_code == 200  # A's key still valid
    # B cannot attach A's vehicle or driver to its own trip either.
    r = b.request("POST", "/api/v1/trips", json=trip_body(
        None, vehicle_id=vehicle["id"], driver_id=driver["id"]))
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["detail"]} == {"vehicle_id", "driver_id"}


def test_server_owned_fields_cannot_be_mass_assigned(gateway: Gateway) -> None:
    a = gateway.carrier()
    for field, value in [("status", "cleared"), ("decision", {"outcome": "open"}),
                         ("id", "0" * 32), ("carrier_id", "0" * 32), ("reference", "SG1"),
                         ("cleared_at", "2026-11-22T10:00:00Z"), ("notified_status", "x")]:
        body = trip_body()
        body[field] = value
        r = a.request("POST", "/api/v1/trips", json=body)
        assert r.status_code == 422, field
        assert r.json()["detail"][0]["field"] == field
        assert r.json()["detail"][0]["type"] == "extra_forbidden"
    assert a.request("GET", "/api/v1/trips").json()["items"] == []
    trip = a.request("POST", "/api/v1/trips", json=trip_body()).json()
    for field, value in [("status", "cleared"), ("decision", "open"), ("carrier_id", "x"),
                         ("gate_id", "chi-ma")]:
        r = a.request("PATCH", f"/api/v1/trips/{trip['id']}", json={field: value})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == field
    after = a.request("GET", f"/api/v1/trips/{trip['id']}").json()
    assert after["status"] == "submitted" and after["decision"] is None
    assert after["gate_id"] == "huu-nghi-1119"
