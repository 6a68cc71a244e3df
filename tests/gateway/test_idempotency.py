"""Idempotency keys: retries (sequential and concurrent) create exactly one trip."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from gwhelpers import Gateway, trip_body
from sqlalchemy import func, select

from services.db.models import Trip


def _count(gateway: Gateway, carrier_id: str) -> int:
    with gateway.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Trip)
                                  .where(Trip.carrier_id == carrier_id)) or 0)


def test_retry_with_same_key_returns_the_first_trip(gateway: Gateway) -> None:
    a = gateway.carrier()
    body = trip_body()
    headers = {"Idempotency-Key": "order-4711"}
    first = a.request("POST", "/api/v1/trips", json=body, headers=headers)
    second = a.request("POST", "/api/v1/trips", json=body, headers=headers)
    assert first.status_code == 201 and second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    assert _count(gateway, a.id) == 1
    changed = a.request("POST", "/api/v1/trips", json=trip_body("12C-999.88"), headers=headers)
    assert changed.status_code == 409
    assert changed.json()["detail"][0]["type"] == "idempotency_key_reused"
    assert _count(gateway, a.id) == 1
    # Keys are per carrier: another carrier may use the same key string.
    b = gateway.carrier("B")
    assert b.request("POST", "/api/v1/trips", json=body, headers=headers).status_code == 201


def test_concurrent_retries_create_one_trip(gateway: Gateway) -> None:
    a = gateway.carrier()
    body = trip_body("12C-444.44")

    def post(_: int) -> tuple[int, str]:
        r = a.request("POST", "/api/v1/trips", json=body, headers={"Idempotency-Key": "k-1"})
        return r.status_code, r.json()["id"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(post, range(12)))
    assert {code for code, _ in results} <= {200, 201}
    assert sorted(code for code, _ in results).count(201) == 1
    assert len({trip_id for _, trip_id in results}) == 1
    assert _count(gateway, a.id) == 1
