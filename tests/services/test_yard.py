"""The staging yard end to end: a yard camera's read over Mosquitto checks a truck in, the
call-forward worker meters calls, texts the driver through a real HTTP SMS gateway and
queues a signed webhook, sees the truck arrive at the lane, re-queues a no-show."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from centralhelpers import LANE, Device, Harness
from sqlalchemy import func, select

from domain.reference import load_reference
from services.audit import events_for
from services.db.models import CargoLine, Driver, PlateRead, Trip, WebhookDelivery
from services.devices import register_device
from services.webhooks import create_endpoint
from services.yard.callforward import YardPolicy, utc
from services.yard.models import YardEntry, YardNotification
from services.yard.sms import HttpSmsGateway
from services.yard.worker import YardWorker

YARD_LANE = "hn1119-yard"


class SmsGateway:
    """A real HTTP server standing in for the SMS provider's endpoint; can refuse N calls."""

    def __init__(self, refuse: int = 0) -> None:
        self.received: list[dict[str, Any]] = []
        self.refuse = refuse
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                ok = self.headers.get("Authorization") == "Bearer tok" and outer.refuse <= 0
                outer.refuse -= 1
                if ok:
                    outer.received.append(body)
                self.send_response(202 if ok else 503)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def sms_gateway() -> Iterator[SmsGateway]:
    gw = SmsGateway()
    yield gw
    gw.close()


def yard_device(h: Harness) -> Device:
    device_id = f"yard-{uuid.uuid4().hex[:8]}"
    secret = uuid.uuid4().hex
    with h.sessions() as s, s.begin():
        register_device(s, device_id=device_id, lane_id=YARD_LANE, secret=secret,
                        now=datetime.now(UTC))
    return Device(device_id, YARD_LANE, secret, h.broker.add_device(device_id, YARD_LANE))


def with_driver(h: Harness, trip_id: str, phone: str, *, perishable: bool = False) -> None:
    with h.sessions() as s, s.begin():
        trip = s.get(Trip, trip_id)
        assert trip is not None
        driver = Driver(carrier_id=trip.carrier_id, full_name="Nguyễn Văn A", document_no="B1",
                        phone=phone, created_at=datetime.now(UTC))
        s.add(driver)
        s.flush()
        trip.driver_id = driver.id
        if perishable:
            trip.cargo = [CargoLine(position=1, hs_code="0810909200", description="dragon fruit",
                                    weight_kg=20000.0, perishable=True)]


def worker(h: Harness, sms: SmsGateway, **policy: Any) -> YardWorker:
    return YardWorker(h.sessions, reference=load_reference(h.settings.reference_path),
                      policy=YardPolicy(**policy),
                      sms=HttpSmsGateway(url=sms.url, token="tok"), tick_s=0.1)


def entry_of(h: Harness, trip_id: str) -> YardEntry:
    with h.sessions() as s:
        row = s.scalar(select(YardEntry).where(YardEntry.trip_id == trip_id))
        assert row is not None
        s.expunge(row)
        return row


def test_yard_read_checks_in_then_call_sms_webhook_and_arrival(db_url, start_central,
                                                               sms_gateway) -> None:
    h = start_central(db_url)
    cam = yard_device(h)
    fruit = h.trip("12C-111.22")
    with_driver(h, fruit, "+84912000111", perishable=True)
    with h.sessions() as s, s.begin():
        carrier_id = s.get(Trip, fruit).carrier_id
        create_endpoint(s, carrier_id=carrier_id, url="http://127.0.0.1:9/hook",
                        now=datetime.now(UTC))
    read = cam.read("12C11122")
    cam.publish(read)
    assert h.wait_until(lambda: _count(h, YardEntry) == 1)
    entry = entry_of(h, fruit)
    assert (entry.state, entry.gate_id, entry.direction, entry.priority) == (
        "waiting", "huu-nghi-1119", "export", "perishable")
    assert entry.event_id == read.event_id
    with h.sessions() as s:
        assert s.get(Trip, fruit).status == "in_yard"
        assert s.scalar(select(PlateRead.lane_id).where(PlateRead.event_id == read.event_id)
                        ) == YARD_LANE
    cam.publish(cam.read("12C11122"))  # a second pass at the entrance: still one stay
    assert h.wait_until(lambda: _count(h, PlateRead) == 2)
    assert _count(h, YardEntry) == 1

    w = worker(h, sms_gateway)
    w.run_once(now=datetime.now(UTC))
    entry = entry_of(h, fruit)
    assert entry.state == "called" and entry.calls == 1 and entry.call_deadline is not None
    assert [m["to"] for m in sms_gateway.received] == ["+84912000111"]
    assert "12C11122" in sms_gateway.received[0]["text"]
    with h.sessions() as s:
        hooks = s.scalars(select(WebhookDelivery).where(
            WebhookDelivery.event_type == "yard.called")).all()
        assert len(hooks) == 1 and json.loads(hooks[0].payload)["data"]["plate"] == "12C11122"
        assert s.scalar(select(YardNotification.state)) == "sent"

    h.device.publish(h.device.read("12C11122"))  # the truck reaches the gate lane
    assert h.wait_until(lambda: _count(h, PlateRead) == 3)
    assert h.wait_until(lambda: _decided(h))
    w.run_once(now=datetime.now(UTC))
    assert entry_of(h, fruit).state == "arrived"


def test_unknown_plate_at_the_yard_is_kept_for_an_officer(db_url, start_central) -> None:
    h = start_central(db_url)
    cam = yard_device(h)
    cam.publish(cam.read("29C99887"))
    assert h.wait_until(lambda: _count(h, YardEntry) == 1)
    with h.sessions() as s:
        row = s.scalar(select(YardEntry))
        assert (row.state, row.plate, row.trip_id) == ("unmatched", "29C99887", None)


def test_no_show_is_requeued_then_dropped_and_sms_retried(db_url, start_central) -> None:
    h = start_central(db_url)
    cam = yard_device(h)
    gw = SmsGateway(refuse=1)  # the provider refuses the first SMS: it is retried
    try:
        late = h.trip("12C-333.44")
        with_driver(h, late, "+84912000333")
        cam.publish(cam.read("12C33344"))
        assert h.wait_until(lambda: _count(h, YardEntry) == 1)
        w = worker(h, gw, max_calls=2, travel=timedelta(minutes=20),
                   grace=timedelta(minutes=10))
        t0 = datetime.now(UTC)
        w.run_once(now=t0)
        first = entry_of(h, late)
        assert first.state == "called" and gw.received == []
        with h.sessions() as s:
            note = s.scalar(select(YardNotification))
            assert note.state == "pending" and note.attempts == 1 and "503" in note.last_error
        w.send_sms(now=t0 + timedelta(minutes=5))
        assert [m["to"] for m in gw.received] == ["+84912000333"]

        w.run_once(now=t0 + timedelta(minutes=31))  # never reached the gate: re-queued
        again = entry_of(h, late)
        # back in the queue with a new place (seq), and - the quota being free - called again
        assert again.seq > first.seq and (again.state, again.calls) == ("called", 2)
        w.run_once(now=t0 + timedelta(minutes=62))  # missed the second call too: dropped
        gone = entry_of(h, late)
        assert (gone.state, gone.calls) == ("no_show", 2)
        with h.sessions() as s:
            flags = [e.data["requeued"] for e in events_for(s, subject_id=gone.id)
                     if e.action == "yard.no_show"]
            assert flags == [True, False]
        w.send_sms(now=t0 + timedelta(minutes=63))
        texts = [m["text"] for m in gw.received]
        assert any("xep lai" in t for t in texts)  # the driver was told of the re-queue
    finally:
        gw.close()


def test_calls_never_exceed_the_quota_and_everyone_waiting_has_an_eta(db_url, start_central,
                                                                        sms_gateway) -> None:
    h = start_central(db_url)
    cam = yard_device(h)
    plates = [f"12C{50000 + i * 7}" for i in range(25)]
    for p in plates:
        h.trip(p)
        cam.publish(cam.read(p))
    assert h.wait_until(lambda: _count(h, YardEntry) == 25, timeout=20)
    w = worker(h, sms_gateway, default_service_s=90.0, window=timedelta(minutes=10))
    now = datetime.now(UTC)
    reports = w.run_once(now=now)
    export = next(r for r in reports if "huu-nghi-1119/export" in r.rates)
    # two export lanes at 90 s each: 80 trucks/h, 13 in a 10-minute window
    assert export.rates["huu-nghi-1119/export"] == 80.0 and len(export.called) == 13
    w.run_once(now=now + timedelta(minutes=5))  # same window: nothing more
    with h.sessions() as s:
        assert s.scalar(select(func.count()).select_from(YardEntry).where(
            YardEntry.state == "called")) == 13
        waiting = s.scalars(select(YardEntry).where(YardEntry.state == "waiting")
                            .order_by(YardEntry.eta_at)).all()
        assert len(waiting) == 12 and all(e.eta_at is not None for e in waiting)
        assert min(utc(e.eta_at) for e in waiting) >= now + timedelta(minutes=10)
    w.run_once(now=now + timedelta(minutes=10, seconds=1))
    with h.sessions() as s:
        assert s.scalar(select(func.count()).select_from(YardEntry).where(
            YardEntry.state == "called")) == 25


def _count(h: Harness, model: Any) -> int:
    with h.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _decided(h: Harness) -> bool:
    from services.db.models import Decision

    with h.sessions() as s:
        return s.scalar(select(Decision.id).where(Decision.lane_id == LANE)) is not None
