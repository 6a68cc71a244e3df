"""Signed webhooks to a real HTTP receiver on 127.0.0.1: signature, retry, delivery log."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from gwhelpers import Gateway, trip_body
from sqlalchemy import update

from services.db.models import Trip
from services.webhooks import verify_signature


class Receiver:
    """A carrier's webhook endpoint: records every request; fails the first ``fail_first``."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_first = fail_first
        self._calls = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver._calls += 1
                if receiver._calls <= receiver.fail_first:
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/smartgate"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, n: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= n, f"got {len(self.received)} of {n} webhooks"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory() -> Iterator[Callable[..., Receiver]]:
    made: list[Receiver] = []

    def make(**kwargs: Any) -> Receiver:
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


def _webhook_gateway(make_gateway: Callable[..., Gateway], url: str) -> Gateway:
    return make_gateway(url, webhooks_enabled=True, webhook_poll_seconds=0.05,
                        webhook_backoff_base_seconds=0.1, webhook_timeout_seconds=2)


def test_status_changes_arrive_signed(make_gateway: Callable[..., Gateway], gw_db_url: str,
                                      receiver_factory: Callable[..., Receiver]) -> None:
    gw = _webhook_gateway(make_gateway, gw_db_url)
    receiver = receiver_factory()
    a = gw.carrier()
    hook = a.request("POST", "/api/v1/webhooks", json={"url": receiver.url}).json()
    trip = a.request("POST", "/api/v1/trips", json=trip_body()).json()
    receiver.wait(1)
    with gw.sessions() as session, session.begin():  # the centre clears the truck
        session.execute(update(Trip).where(Trip.id == trip["id"]).values(status="cleared"))
    receiver.wait(2)
    events = []
    for headers, body in receiver.received:
        signature = headers["x-smartgate-signature"]
        # Verify independently of the project's helper, as a carrier would.
        parts = dict(p.split("=", 1) for p in signature.split(","))
        mac = hmac.new(hook["secret"].encode(), f"{parts['t']}.".encode() + body,
                       hashlib.sha256).hexdigest()
        assert hmac.compare_digest(mac, parts["v1"])
        assert abs(int(parts["t"]) - time.time()) < 60
        now = datetime.now(UTC)
        assert verify_signature(secret=hook["secret"], body=body, header=signature, now=now)
        assert not verify_signature(secret=hook["secret"], body=body + b" ", header=signature,
                                    now=now)
        assert not verify_signature(secret="whsec_wrong", body=body, header=signature, now=now)
        assert not verify_signature(secret=hook["secret"], body=body, header=signature,
                                    now=now + timedelta(hours=1))  # replayed later
        events.append(json.loads(body))
    mine = [e for e in events if e["data"]["trip_id"] == trip["id"]]
    assert [(e["data"]["previous_status"], e["data"]["status"]) for e in mine] == [
        (None, "submitted"), ("submitted", "cleared")]
    log = a.request("GET", f"/api/v1/webhooks/{hook['id']}/deliveries").json()
    assert {d["state"] for d in log} == {"delivered"} and len(log) == 2


def test_failed_delivery_is_retried_with_backoff(make_gateway: Callable[..., Gateway],
                                                 tmp_path: object,
                                                 receiver_factory: Callable[..., Receiver]) -> None:
    gw = _webhook_gateway(make_gateway, f"sqlite:///{tmp_path}/wh.db")
    receiver = receiver_factory(fail_first=2)
    a = gw.carrier()
    hook = a.request("POST", "/api/v1/webhooks", json={"url": receiver.url}).json()
    a.request("POST", "/api/v1/trips", json=trip_body())
    receiver.wait(1)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        log = a.request("GET", f"/api/v1/webhooks/{hook['id']}/deliveries").json()
        if log and log[0]["state"] == "delivered":
            break
        time.sleep(0.05)
    assert len(log) == 1 and log[0]["state"] == "delivered"
    assert log[0]["attempts"] == 3 and log[0]["last_error"] is None
