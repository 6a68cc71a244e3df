"""The lanes board in a real browser (Debian chromium via Playwright) fed by a real broker."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import expect, sync_playwright

from domain import topics
from domain.messages import DecisionV1, LaneStatusV1
from domain.reasons import reason
from gateway.app import create_app
from gateway.settings import GatewaySettings
from mqttio import MqttLink
from services.db.session import make_engine, make_session_factory
from services.officers import create_officer
from smartgate.broker import MosquittoBroker, free_port, wait_port

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def gateway(sqlite_url: str, mosquitto: MosquittoBroker) -> Iterator[str]:
    engine = make_engine(sqlite_url)
    with make_session_factory(engine)() as s, s.begin():
        create_officer(s, username="lan", full_name="Trần Thị Lan", role="officer",
                       password="mat-khau-dai-123", now=datetime.now(UTC))
    app = create_app(GatewaySettings(database_url=sqlite_url, mqtt_url=mosquitto.url("gateway")),
                     engine=engine)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_port(port)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    engine.dispose()


def test_sign_in_and_watch_a_lane_update_live(gateway: str, mosquitto: MosquittoBroker) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    centre = MqttLink(mosquitto.url("central"), f"c-{uuid.uuid4().hex[:6]}").start()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{gateway}/console")
        assert page.locator("html").get_attribute("lang") == "vi"
        expect(page.locator("h1")).to_have_text("Đăng nhập")
        page.fill("input[name=username]", "lan")
        page.fill("input[name=password]", "sai-mat-khau")
        page.click("button[type=submit]")
        expect(page.locator("p.manual")).to_contain_text("Sai tên đăng nhập")
        page.fill("input[name=username]", "lan")
        page.fill("input[name=password]", "mat-khau-dai-123")
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Bảng làn xe")
        row = page.locator("#lane-hn1119-x1")
        expect(row.locator(".dec")).to_have_text("-")
        time.sleep(0.5)  # the page's EventSource is connected
        now = datetime.now(UTC)
        centre.publish(topics.status("hn1119-x1"), LaneStatusV1(
            lane_id="hn1119-x1", device_id="hn1119-x1-cam1", state="online", at=now).to_json(),
            wait=5)
        centre.publish(topics.decisions("hn1119-x1"), DecisionV1(
            decision_id=uuid.uuid4().hex, event_id=uuid.uuid4().hex, lane_id="hn1119-x1",
            gate_id="huu-nghi-1119", plate="12C12345", trip_id=uuid.uuid4().hex, outcome="open",
            reasons=(reason("MATCHED"),), decided_at=now).to_json(), wait=5)
        expect(row.locator(".dec")).to_have_text("Mở barie", timeout=10_000)
        expect(row.locator(".plate")).to_have_text("12C12345")
        expect(row.locator(".st")).to_have_text("online")
        page.screenshot(path=str(SHOTS / "console-board.png"), full_page=True)
        browser.close()
    centre.stop()


def test_the_live_feed_needs_a_session(sqlite_url: str) -> None:
    app = create_app(GatewaySettings(database_url=sqlite_url, console_live=False))
    with TestClient(app) as client:
        assert client.get("/console/events").status_code == 401
        page = client.get("/console")
        assert page.status_code == 200 and 'name="password"' in page.text
        forged = client.post("/console/login", data={"username": "x", "password": "y",
                                                     "token": "0" * 32})
        assert forged.status_code == 401
