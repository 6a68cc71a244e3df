"""Helpers for the gateway tests: the app wrapper, carriers, a valid trip body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.carriers import create_carrier


@dataclass
class Gateway:
    client: TestClient
    sessions: sessionmaker[Session]
    engine: Engine

    def carrier(self, name: str = "Vận tải Lạng Sơn", *, trusted: bool = False) -> Carrier:
        with self.sessions() as session, session.begin():
            carrier, key = create_carrier(session, name=name, country="VN",
                                          now=datetime.now(UTC), trusted=trusted)
            carrier_id = carrier.id
        return Carrier(carrier_id, key, self.client)


@dataclass
class Carrier:
    id: str
    key: str
    client: TestClient

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.key}

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)


def trip_body(plate: str | None = "12C-123.45", **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "plate": plate,
        "gate_id": "huu-nghi-1119",
        "direction": "export",
        "window_start": (now + timedelta(hours=1)).isoformat(),
        "window_end": (now + timedelta(hours=4)).isoformat(),
        "declaration_no": "105123456789",
        "channel": "green",
        "fee_paid": True,
        "cargo": [{"hs_code": "0810.90.10", "description": "Thanh long", "weight_kg": 24000,
                   "perishable": True, "preferential_claim": True}],
        "documents": [{"kind": "phytosanitary", "number": "PC-1", "issuer": "PPD",
                       "valid_from": "2026-01-01", "valid_to": "2027-01-01"}],
    }
    body.update(overrides)
    return body


