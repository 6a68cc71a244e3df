"""A plate whose Vietnamese province code is not issued: refused at the API and on the page,
and trips or vehicles stored before the codes were checked still load, list and show.

Why: the Ministry of Public Security never issues 10, 13, 42, 44-46, 87, 91 or 96, so
91L-652.35 is no plate; a carrier must not declare a trip for it, and must learn which part of
the plate is wrong. Rows stored earlier are data, not input: refusing to load them would
break the carrier's list and the console (domain/vn_provinces.py).
"""

from __future__ import annotations

import re

from gwhelpers import Gateway, trip_body
from sqlalchemy import update

from services.db.models import Trip, Vehicle


def _error(r: object, field: str) -> dict[str, object]:
    for item in r.json()["detail"]:  # type: ignore[attr-defined]
        if item["field"] == field:
            return dict(item)
    raise AssertionError(f"no error for field {field!r}: {r.json()}")  # type: ignore[attr-defined]


def test_an_unissued_code_is_a_422_naming_the_field_and_the_code(gateway: Gateway) -> None:
    a = gateway.carrier()
    for body, field in ((trip_body("91L-652.35"), "plate"),
                        (trip_body(trailer_plate="13R-012.34"), "trailer_plate")):
        r = a.request("POST", "/api/v1/trips", json=body)
        assert r.status_code == 422, r.text
        err = _error(r, field)
        assert err["type"] == "plate_province_unissued", err
        messages = err["messages"]
        assert isinstance(messages, dict) and len(set(messages.values())) == 3
        code = "91" if field == "plate" else "13"
        assert all(code in m for m in messages.values()), messages
    r = a.request("POST", "/api/v1/vehicles", json={"plate": "96C-123.45"})
    assert r.status_code == 422 and _error(r, "plate")["type"] == "plate_province_unissued"
    trip = a.request("POST", "/api/v1/trips", json=trip_body("51L-652.35")).json()
    assert trip["plate"] == "51L65235" and trip["plate_problem"] is None
    r = a.request("PATCH", f"/api/v1/trips/{trip['id']}", json={"plate": "42C-123.45"})
    assert r.status_code == 422 and _error(r, "plate")["type"] == "plate_province_unissued"
    assert a.request("GET", f"/api/v1/trips/{trip['id']}").json()["plate"] == "51L65235"


def test_the_carrier_page_shows_the_unissued_code(gateway: Gateway) -> None:
    a = gateway.carrier()
    a.request("POST", "/api/v1/users", json={"email": "an@vt.vn", "full_name": "An",
                                             "password": "mat-khau-dai-1"})
    client = gateway.client
    client.cookies.clear()
    ok = client.post("/carrier/login", data={"email": "an@vt.vn", "password": "mat-khau-dai-1"})
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', ok.text)
    assert csrf
    body = trip_body("91L-652.35")
    form = {"csrf": csrf.group(1), "plate": body["plate"], "gate_id": body["gate_id"],
            "direction": "export", "window_start": body["window_start"],
            "window_end": body["window_end"], "cargo_hs_code": "08109010",
            "cargo_description": "Thanh long", "cargo_weight_kg": "20000"}
    refused = client.post("/carrier/trips?lang=en", data=form)
    assert refused.status_code == 422 and 'data-field="plate"' in refused.text
    assert "Province code 91 is not issued" in refused.text


def test_rows_stored_with_an_unissued_code_still_load_and_are_flagged(gateway: Gateway) -> None:
    a = gateway.carrier()
    trip = a.request("POST", "/api/v1/trips", json=trip_body("51L-652.35")).json()
    vehicle = a.request("POST", "/api/v1/vehicles", json={"plate": "51C-123.45"}).json()
    with gateway.sessions() as session, session.begin():  # stored before the codes were checked
        session.execute(update(Trip).where(Trip.id == trip["id"]).values(plate="91L65235"))
        session.execute(update(Vehicle).where(Vehicle.id == vehicle["id"])
                        .values(plate="91C12345"))
    got = a.request("GET", f"/api/v1/trips/{trip['id']}")
    assert got.status_code == 200, got.text
    assert got.json()["plate"] == "91L65235" and got.json()["plate_display"] == "91L65235"
    assert got.json()["plate_problem"] == "province code 91 is not issued"
    listed = a.request("GET", "/api/v1/trips").json()["items"]
    assert [t["plate_problem"] for t in listed] == ["province code 91 is not issued"]
    # Other fields are still amended; the plate stays as stored until the carrier fixes it.
    amended = a.request("PATCH", f"/api/v1/trips/{trip['id']}", json={"fee_paid": False})
    assert amended.status_code == 200 and amended.json()["plate"] == "91L65235"
    fixed = a.request("PATCH", f"/api/v1/trips/{trip['id']}", json={"plate": "51L-652.35"})
    assert fixed.status_code == 200 and fixed.json()["plate_problem"] is None
    assert a.request("GET", "/api/v1/vehicles").json()[0]["plate"] == "91C12345"
    assert a.request("GET", f"/api/v1/vehicles/{vehicle['id']}").status_code == 200
    # No new trip for the stored vehicle's impossible plate: a 422 naming vehicle_id.
    r = a.request("POST", "/api/v1/trips", json=trip_body(None, vehicle_id=vehicle["id"]))
    assert r.status_code == 422, r.text
    assert _error(r, "vehicle_id")["type"] == "plate_province_unissued"
