"""Two gateway instances, each with two uvicorn workers, behind no sticky routing.

Any instance serves any request: a trip created on one is read and retried
(idempotently) on the other, the carrier's rate limit holds across both
(shared ``limits`` storage in Redis), and each instance's ``/metrics`` sums its
workers (Prometheus multiprocess mode).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from gwhelpers import trip_body
from prometheus_client.parser import text_string_to_metric_families

from services.carriers import create_carrier
from services.db.session import make_engine, make_session_factory
from smartgate.broker import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


@pytest.fixture
def start_gateway(tmp_path: Path) -> Iterator[Callable[..., str]]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(db_url: str, **env: str) -> str:
        port = free_port()
        log = (tmp_path / f"gateway-{port}.log").open("wb")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "smartgate.cli", "gateway", "--port", str(port),
             "--workers", "2", "--log-level", "warning"], cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "DATABASE_URL": db_url, "GATEWAY_WEBHOOKS_ENABLED": "false",
                 "PROMETHEUS_MULTIPROC_DIR": "", **env}))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    return base
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"gateway on {port} not ready: "
                             f"{(tmp_path / f'gateway-{port}.log').read_text()[-2000:]}")

    yield start
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(20)


def requests_total(base: str, route: str) -> float:
    text = httpx.get(f"{base}/metrics").text
    return sum(s.value for fam in text_string_to_metric_families(text) for s in fam.samples
               if s.name == "smartgate_gateway_requests_total" and s.labels["route"] == route)


def test_any_instance_serves_any_request_and_limits_are_shared(
        make_pg_url: Callable[[], str], start_gateway: Callable[..., str]) -> None:
    db_url = make_pg_url()
    engine = make_engine(db_url)
    with make_session_factory(engine)() as s, s.begin():
        _, key = create_carrier(s, name="Vận tải Đồng Đăng", country="VN", now=datetime.now(UTC))
    engine.dispose()
    env = {"GATEWAY_RATE_LIMIT": "8/minute", "GATEWAY_RATE_LIMIT_STORAGE":
           "redis://127.0.0.1:6379/0"}
    a, b = start_gateway(db_url, **env), start_gateway(db_url, **env)
    headers = {"X-API-Key": key, "Connection": "close"}  # a new connection, any worker

    body = trip_body()
    created = httpx.post(f"{a}/api/v1/trips", json=body,
                         headers={**headers, "Idempotency-Key": "scale-1"})
    assert created.status_code == 201, created.text
    trip_id = created.json()["id"]
    assert httpx.get(f"{b}/api/v1/trips/{trip_id}", headers=headers).json()["id"] == trip_id
    retried = httpx.post(f"{b}/api/v1/trips", json=body,
                         headers={**headers, "Idempotency-Key": "scale-1"})
    assert retried.status_code in (200, 201) and retried.json()["id"] == trip_id

    codes = [httpx.get(f"{(a, b)[i % 2]}/api/v1/trips", headers=headers).status_code
             for i in range(10)]
    # 3 calls above + 5 here = the 8 allowed across both instances; then 429 on either.
    assert codes == [200] * 5 + [429] * 5, codes
    assert requests_total(a, "/api/v1/trips") == 1 + 5  # the POST + its 5 GETs, all workers
    assert requests_total(b, "/api/v1/trips") == 1 + 5
    for base in (a, b):
        assert httpx.get(f"{base}/livez").json()["status"] == "ok"
        assert httpx.get(f"{base}/readyz").json()["database"] == "ok"
