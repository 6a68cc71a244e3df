"""Trips over HTTP on SQLite and PostgreSQL: declare, validate, follow, amend, paginate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from gwhelpers import Gateway, trip_body
from sqlalchemy import update

from services.db.models import Trip


def test_declare_and_read_back_canonical(gateway: Gateway) -> None:
    a = gateway.carrier()
    r = a.request("POST", "/api/v1/trips", json=trip_body("12c 123.45", trailer_plate="12R-012.34"))
    assert r.status_code == 201, r.text
    trip = r.json()
    assert trip["status"] == "submitted"
    assert trip["plate"] == "12C12345" and trip["plate_display"] == "12C-123.45"
    assert trip["trailer_plate"] == "12R01234"
    assert trip["cargo"][0]["hs_code"] == "08109010"
    assert trip["documents"][0]["kind"] == "phytosanitary"
    assert trip["reference"].startswith("SG")
    got = a.request("GET", f"/api/v1/trips/{trip['id']}")
    assert got.status_code == 200 and got.json() == trip


def _error(r: object, field: str) -> dict[str, object]:
    body = r.json()  # type: ignore[attr-defined]
    for item in body["detail"]:
        if item["field"] == field:
            return dict(item)
    raise AssertionError(f"no error for field {field!r}: {body}")


def test_422_names_the_field_in_three_languages(gateway: Gateway) -> None:
    a = gateway.carrier()
    cases = [
        (trip_body("ABC"), "plate", None),
        (trip_body("12C-99999Q"), "plate", "plate_invalid"),
        (trip_body(gate_id="nowhere"), "gate_id", "gate_unknown"),
        (trip_body(gate_id="chi-ma", direction="transit"), "direction", "direction_not_at_gate"),
        (trip_body(trailer_plate="12C-123.46"), "trailer_plate", "trailer_invalid"),
        (trip_body(declaration_no="12345"), "declaration_no", None),
        (trip_body(cargo=[{"hs_code": "12", "description": "x", "weight_kg": 1}]),
         "cargo.0.hs_code", None),
        (trip_body(cargo=[{"hs_code": "1234", "description": "x", "weight_kg": -5}]),
         "cargo.0.weight_kg", "greater_than"),
    ]
    now = datetime.now(UTC)
    cases.append((trip_body(window_start=now.isoformat(),
                            window_end=(now - timedelta(hours=1)).isoformat()),
                  "window_end", "window_order"))
    cases.append((trip_body(window_start=now.isoformat(),
                            window_end=(now + timedelta(minutes=20)).isoformat()),
                  "window_end", "lead_time"))
    cases.append((trip_body(window_start="2026-11-23T08:00:00"), "window_start", "timezone_aware"))
    for body, field, code in cases:
        r = a.request("POST", "/api/v1/trips", json=body)
        assert r.status_code == 422, (field, r.text)
        err = _error(r, field)
        if code:
            assert err["type"] == code, err
        messages = err["messages"]
        assert isinstance(messages, dict)
        assert set(messages) == {"vi", "en", "zh"} and all(messages.values())
        assert len(set(messages.values())) == 3, messages  # really three languages
    assert a.request("GET", "/api/v1/trips").json()["items"] == []


def test_status_set_by_the_gate_is_readable(gateway: Gateway) -> None:
    a = gateway.carrier()
    trip = a.request("POST", "/api/v1/trips", json=trip_body()).json()
    with gateway.sessions() as session, session.begin():  # what the central service does
        session.execute(update(Trip).where(Trip.id == trip["id"]).values(status="cleared"))
    assert a.request("GET", f"/api/v1/trips/{trip['id']}").json()["status"] == "cleared"
    listed = a.request("GET", "/api/v1/trips", params={"status": "cleared"}).json()["items"]
    assert [t["id"] for t in listed] == [trip["id"]]


def test_pagination_and_filters(gateway: Gateway) -> None:
    a = gateway.carrier()
    ids = []
    for i in range(5):
        gate = "chi-ma" if i == 4 else "huu-nghi-1119"
        r = a.request("POST", "/api/v1/trips", json=trip_body(f"12C-555.0{i}", gate_id=gate))
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = a.request("GET", "/api/v1/trips", params=params).json()
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 5
    assert seen[0] == ids[-1]  # newest first
    chi_ma = a.request("GET", "/api/v1/trips", params={"gate_id": "chi-ma"}).json()["items"]
    assert [t["id"] for t in chi_ma] == [ids[4]]
    by_plate = a.request("GET", "/api/v1/trips", params={"plate": "12c555.01"}).json()["items"]
    assert [t["id"] for t in by_plate] == [ids[1]]
    bad = a.request("GET", "/api/v1/trips", params={"cursor": "not-a-cursor"})
    assert bad.status_code == 422 and _error(bad, "cursor")["type"] == "cursor_invalid"


def test_amend_plate_before_arrival_is_recorded_then_refused(gateway: Gateway) -> None:
    a = gateway.carrier()
    trip = a.request("POST", "/api/v1/trips", json=trip_body("12C-123.45")).json()
    r = a.request("PATCH", f"/api/v1/trips/{trip['id']}",
                  json={"plate": "12C-123.46", "trailer_plate": "12R-000.11"})
    assert r.status_code == 200, r.text
    assert r.json()["plate"] == "12C12346" and r.json()["trailer_plate"] == "12R00011"
    history = a.request("GET", f"/api/v1/trips/{trip['id']}/amendments").json()
    assert {(h["field"], h["old_value"], h["new_value"]) for h in history} == {
        ("plate", "12C12345", "12C12346"), ("trailer_plate", None, "12R00011")}
    with gateway.sessions() as session, session.begin():
        session.execute(update(Trip).where(Trip.id == trip["id"]).values(status="arrived"))
    late = a.request("PATCH", f"/api/v1/trips/{trip['id']}", json={"plate": "12C-123.47"})
    assert late.status_code == 409 and late.json()["detail"][0]["type"] == "not_amendable"
    assert a.request("GET", f"/api/v1/trips/{trip['id']}").json()["plate"] == "12C12346"


def test_draft_submit_cancel_delete(gateway: Gateway) -> None:
    a = gateway.carrier()
    draft = a.request("POST", "/api/v1/trips", json=trip_body(draft=True)).json()
    assert draft["status"] == "draft"
    sub = a.request("POST", f"/api/v1/trips/{draft['id']}/submit")
    assert sub.status_code == 200 and sub.json()["status"] == "submitted"
    assert a.request("DELETE", f"/api/v1/trips/{draft['id']}").status_code == 409
    cancel = a.request("POST", f"/api/v1/trips/{draft['id']}/cancel")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    other = a.request("POST", "/api/v1/trips", json=trip_body("12C-777.77", draft=True)).json()
    assert a.request("DELETE", f"/api/v1/trips/{other['id']}").status_code == 204
    assert a.request("GET", f"/api/v1/trips/{other['id']}").status_code == 404


def test_same_plate_twice_in_one_window_is_a_conflict(gateway: Gateway) -> None:
    a = gateway.carrier()
    assert a.request("POST", "/api/v1/trips", json=trip_body()).status_code == 201
    again = a.request("POST", "/api/v1/trips", json=trip_body())
    assert again.status_code == 409
    assert again.json()["detail"][0]["type"] == "plate_already_declared"


def test_keys_hashed_rotatable_and_revocable(gateway: Gateway) -> None:
    a = gateway.carrier()
    assert gateway.client.get("/api/v1/trips").status_code == 401
    assert gateway.client.get("/api/v1/trips",
                              headers={"X-API-Key": a.key + "x"}).status_code == 401
    new = a.request("POST", "/api/v1/keys", json={"label": "rotation"}).json()
    keys = a.request("GET", "/api/v1/keys").json()
    assert len(keys) == 2 and all("key" not in k for k in keys)
    old_id = next(k["id"] for k in keys if k["id"] != new["id"])
    assert gateway.client.get("/api/v1/trips", headers={"X-API-Key": new["key"]}).status_code == 200
    assert gateway.client.delete(f"/api/v1/keys/{old_id}",
                                 headers={"X-API-Key": new["key"]}).status_code == 200
    assert a.request("GET", "/api/v1/trips").status_code == 401
    from sqlalchemy import select

    from services.db.models import ApiKey
    with gateway.sessions() as session:
        stored = session.scalars(select(ApiKey.secret_hash).where(ApiKey.carrier_id == a.id)).all()
    assert new["key"] not in stored and a.key not in stored and len(stored[0]) == 64


def test_rate_limit_per_key(make_gateway: Callable[..., Gateway], tmp_path: object) -> None:
    gw = make_gateway(f"sqlite:///{tmp_path}/rl.db", rate_limit="5/minute")
    a, b = gw.carrier(), gw.carrier("Other")
    codes = [a.request("GET", "/api/v1/trips").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    limited = a.request("GET", "/api/v1/trips")
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["detail"][0]["type"] == "rate_limited"
    assert b.request("GET", "/api/v1/trips").status_code == 200  # per key, not global


def test_healthz_and_docs(gateway: Gateway) -> None:
    assert gateway.client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    assert gateway.client.get("/docs").status_code == 200
    spec = gateway.client.get("/openapi.json").json()
    create = spec["paths"]["/api/v1/trips"]["post"]
    assert "examples" in spec["components"]["schemas"]["TripCreate"]
    assert {"201", "401", "409", "422", "429"} <= set(create["responses"])
