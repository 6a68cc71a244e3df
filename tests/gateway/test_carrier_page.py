"""The carrier page: sign in, declare (errors in the chosen language), follow, fix a plate."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from gwhelpers import Gateway


def test_declare_follow_and_amend_through_the_page(gateway: Gateway) -> None:
    a = gateway.carrier()
    r = a.request("POST", "/api/v1/users", json={"email": "dieu.phoi@vt.vn", "full_name": "An",
                                                  "password": "mat-khau-dai-1"})
    assert r.status_code == 201, r.text
    client = gateway.client
    client.cookies.clear()
    assert client.get("/carrier/", follow_redirects=False).status_code == 303
    bad = client.post("/carrier/login", data={"email": "dieu.phoi@vt.vn", "password": "wrong!!"})
    assert bad.status_code == 401
    ok = client.post("/carrier/login", data={"email": "dieu.phoi@vt.vn",
                                             "password": "mat-khau-dai-1"})
    assert ok.status_code == 200 and "Khai báo chuyến mới" in ok.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', ok.text)
    assert csrf
    now = datetime.now(UTC)
    form = {"csrf": csrf.group(1), "plate": "12C-12", "gate_id": "huu-nghi-1119",
            "direction": "export", "window_start": (now + timedelta(hours=1)).isoformat(),
            "window_end": (now + timedelta(hours=5)).isoformat(), "fee_paid": "on",
            "cargo_hs_code": "08109010", "cargo_description": "Thanh long",
            "cargo_weight_kg": "20000"}
    refused = client.post("/carrier/trips?lang=zh", data=form)
    assert refused.status_code == 422 and 'data-field="plate"' in refused.text
    assert "不是有效的越南或中国车牌" in refused.text
    assert client.post("/carrier/trips", data={**form, "csrf": "forged"}).status_code == 404
    made = client.post("/carrier/trips", data={**form, "plate": "12C-123.45"})
    assert made.status_code == 200 and 'id="status">submitted' in made.text
    trip_url = str(made.url)
    trip_id = trip_url.rsplit("/", 1)[1]
    amended = client.post(trip_url, data={"csrf": csrf.group(1), "action": "amend",
                                          "plate": "12C-123.54", "trailer_plate": ""})
    assert amended.status_code == 200 and "12C-123.54" in amended.text
    assert "12C12345 → 12C12354" in amended.text
    api_view = a.request("GET", f"/api/v1/trips/{trip_id}").json()
    assert api_view["plate"] == "12C12354"
    # Another carrier's user cannot open it.
    b = gateway.carrier("B")
    b.request("POST", "/api/v1/users", json={"email": "b@b.cn", "full_name": "B",
                                             "password": "another-pass-1"})
    client.cookies.clear()
    client.post("/carrier/login", data={"email": "b@b.cn", "password": "another-pass-1"})
    assert client.get(f"/carrier/trips/{trip_id}").status_code == 404
