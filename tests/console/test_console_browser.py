"""The console in Debian's chromium (Playwright) against a real Mosquitto: board, queue, roles."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import cv2
import pytest
from consolehelpers import PASSWORD, Console, Served
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from domain import topics
from domain.messages import (
    BarrierStateV1,
    DecisionBatchV1,
    DecisionV1,
    LaneCommandV1,
    LaneStatusV1,
    parse_message,
)
from domain.reasons import reason
from domain.signing import new_nonce, verify_command
from edge.evidence import EvidenceStore
from mqttio import MqttLink
from services.audit import verify_chain
from services.db.models import AuditEvent, Decision, PlateRead
from smartgate.broker import MosquittoBroker
from smartgate.scenes import render_plate

pytestmark = [pytest.mark.browser, pytest.mark.mosquitto]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CROP = "ab" * 32


@pytest.fixture
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def served(make_console: Callable[..., Console], serve: Callable[[Console], Served],
           sqlite_url: str, mosquitto: MosquittoBroker,
           lane_evidence: tuple[EvidenceStore, str]) -> Served:
    console = make_console(sqlite_url, mqtt_url=mosquitto.url("gateway"),
                           evidence_urls={"hn1119-n1": lane_evidence[1]})
    return serve(console)


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/console")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def store_decision(console: Console, *, lane_id: str, plate: str, outcome: str,
                   codes: tuple[str, ...], crop: str = CROP) -> str:
    now = datetime.now(UTC)
    event_id = uuid.uuid4().hex
    with console.sessions() as s, s.begin():
        s.add(PlateRead(event_id=event_id, lane_id=lane_id, device_id=f"{lane_id}-cam1",
                        pass_id=uuid.uuid4().hex, grade="pass", captured_at=now, received_at=now,
                        plate=plate, raw_text=plate, confidence=0.81, layout="1-line",
                        country="VN", frames=3, crop_sha256=crop))
        d = Decision(event_id=event_id, lane_id=lane_id, gate_id="huu-nghi-1119", plate=plate,
                     outcome=outcome, reasons=[reason(c).model_dump() for c in codes],
                     rules_version="test", decided_at=now)
        s.add(d)
        s.flush()
        return d.id


def test_sign_in_and_watch_a_lane_update_live(served: Served, browser: Browser,
                                              mosquitto: MosquittoBroker) -> None:
    store_decision(served.console, lane_id="hn1119-x2", plate="12C67890", outcome="manual",
                   codes=("UNREGISTERED",))
    page = browser.new_page()
    page.goto(f"{served.url}/console")
    assert page.locator("html").get_attribute("lang") == "vi"
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    sign_in(page, served.url, "lan", "sai-mat-khau")
    expect(page.locator("p.err")).to_contain_text("Sai tên đăng nhập")
    sign_in(page, served.url, "lan")
    expect(page.locator("h1")).to_have_text("Làn xe trực tuyến")
    # The board starts from the database: a reload shows the last stored decision.
    stored = page.locator("#lane-hn1119-x2")
    expect(stored.locator(".plate")).to_have_text("12C67890")
    expect(stored.locator(".outcome")).to_have_attribute("data-outcome", "manual")
    expect(stored.locator(".crop .noimg")).to_be_visible()  # evidence server down: placeholder
    lane = page.locator("#lane-hn1119-x1")
    expect(lane.locator(".status")).to_have_attribute("data-status", "unknown")
    expect(page.locator("#live")).to_have_attribute("data-live", "yes", timeout=10_000)

    device = MqttLink(mosquitto.add_device("hn1119-x1-cam1", "hn1119-x1"), "hn1119-x1-cam1")
    centre = MqttLink(mosquitto.url("central"), f"c-{uuid.uuid4().hex[:6]}")
    device.start()
    centre.start()
    try:
        now = datetime.now(UTC)
        device.publish(topics.status("hn1119-x1"), LaneStatusV1(
            lane_id="hn1119-x1", device_id="hn1119-x1-cam1", state="online", at=now,
            barrier="closed").to_json(), retain=True, wait=5)
        expect(lane.locator(".status")).to_have_attribute("data-status", "online",
                                                         timeout=10_000)
        expect(lane.locator(".status")).to_have_text("Trực tuyến")
        # Decisions the centre committed together arrive as one batch: the board shows the last.
        centre.publish(topics.decisions("hn1119-x1"), DecisionBatchV1(
            lane_id="hn1119-x1", decisions=tuple(DecisionV1(
                decision_id=uuid.uuid4().hex, event_id=uuid.uuid4().hex, lane_id="hn1119-x1",
                gate_id="huu-nghi-1119", plate=plate, outcome="manual",
                reasons=(reason("UNREGISTERED"),), decided_at=now) for plate in
                ("12C22222", "12C33333"))).to_json(), wait=5)
        expect(lane.locator(".plate")).to_have_text("12C33333", timeout=10_000)
        expect(lane.locator('li[data-code="UNREGISTERED"]')).to_be_visible()
        trip_id = uuid.uuid4().hex
        centre.publish(topics.decisions("hn1119-x1"), DecisionV1(
            decision_id=uuid.uuid4().hex, event_id=uuid.uuid4().hex, lane_id="hn1119-x1",
            gate_id="huu-nghi-1119", plate="12C12345", trip_id=trip_id, outcome="open",
            reasons=(reason("MATCHED"), reason("CLEARED_CONTACTLESS")), decided_at=now,
            crop_sha256=CROP).to_json(), wait=5)
        expect(lane.locator(".outcome")).to_have_text("Mở barie", timeout=10_000)
        expect(lane.locator(".plate")).to_have_text("12C12345")
        expect(lane.locator(f'a[href="/console/trips/{trip_id}"]')).to_be_visible()
        expect(lane.locator('li[data-code="MATCHED"]')).to_be_visible()
        device.publish(topics.barrier("hn1119-x1"), BarrierStateV1(
            device_id="hn1119-x1-cam1", sent_at=now, nonce=new_nonce(),
            event_id=uuid.uuid4().hex, lane_id="hn1119-x1", state="open", executed=True,
            at=datetime.now(UTC)).to_json(), wait=5)
        expect(lane.locator(".barrier")).to_have_attribute("data-barrier", "open",
                                                          timeout=10_000)
        page.screenshot(path=str(SHOTS / "console-board-live.png"), full_page=True)
        # A lane that lost the centre (issue 10) says so, with the trucks it holds back.
        device.publish(topics.status("hn1119-x1"), LaneStatusV1(
            lane_id="hn1119-x1", device_id="hn1119-x1-cam1", state="degraded",
            at=datetime.now(UTC), barrier="closed", centre="lost", list_version=7,
            waiting=2).to_json(), retain=True, wait=5)
        expect(lane.locator(".status")).to_have_attribute("data-status", "degraded",
                                                         timeout=10_000)
        expect(lane.locator(".status")).to_have_text("Suy giảm")
        expect(lane.locator(".offline-mode")).to_contain_text("Mất liên lạc trung tâm")
        expect(lane.locator(".offline-mode .waiting")).to_have_attribute("data-waiting", "2")
        page.screenshot(path=str(SHOTS / "console-board-degraded.png"), full_page=True)
        device.publish(topics.status("hn1119-x1"), LaneStatusV1(
            lane_id="hn1119-x1", device_id="hn1119-x1-cam1", state="online",
            at=datetime.now(UTC), barrier="closed", centre="ok").to_json(), retain=True, wait=5)
        expect(lane.locator(".status")).to_have_attribute("data-status", "online",
                                                         timeout=10_000)
        expect(lane.locator(".offline-mode")).to_have_count(0)
        # A lane going dark (the broker publishes the device's will) shows offline.
        device.publish(topics.status("hn1119-x1"), LaneStatusV1(
            lane_id="hn1119-x1", device_id="hn1119-x1-cam1", state="offline").to_json(),
            retain=True, wait=5)
        expect(lane.locator(".status")).to_have_attribute("data-status", "offline",
                                                         timeout=10_000)
        # English on demand; the retained status is known to the gateway after a reload.
        page.goto(f"{served.url}/console/?lang=en")
        assert page.locator("html").get_attribute("lang") == "en"
        expect(page.locator("#lane-hn1119-x1 .status")).to_have_text("Offline")
        expect(page.locator("h1")).to_have_text("Live lanes")
    finally:
        device.stop()
        centre.stop()


def test_resolve_an_exception_and_the_lane_gets_a_signed_command(
        served: Served, browser: Browser, mosquitto: MosquittoBroker,
        lane_evidence: tuple[EvidenceStore, str]) -> None:
    console = served.console
    rgb = render_plate("12C-555.55", "1-line", random.Random(3))
    ok, crop_jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    crop = lane_evidence[0].put(crop_jpeg.tobytes())
    decision_id = store_decision(console, lane_id="hn1119-n1", plate="12C55555",
                                 outcome="manual", codes=("READ_UNCERTAIN",), crop=crop)
    lane = MqttLink(mosquitto.add_device("hn1119-n1-cam1", "hn1119-n1"), "hn1119-n1-cam1",
                    subscriptions=[(topics.commands("hn1119-n1"), 1)], clean_session=True)
    lane.start()
    try:
        page = browser.new_page()
        sign_in(page, served.url, "lan")
        page.goto(f"{served.url}/console/exceptions")
        card = page.locator(f'article[data-decision="{decision_id}"]')
        expect(card.locator(".plate")).to_have_text("12C55555")
        expect(card.locator('li[data-code="READ_UNCERTAIN"]')).to_be_visible()
        # The plate crop, fetched from the lane through the console's hash-checked proxy.
        img = card.locator(".crop img")
        expect(img).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=img.element_handle())
        page.screenshot(path=str(SHOTS / "console-exceptions.png"), full_page=True)
        # The reason is mandatory: the browser refuses to submit without one.
        card.locator("button[value=open]").click()
        assert page.url.endswith("/console/exceptions")
        card.locator("input[name=reason]").fill("Đã kiểm tra giấy tờ, biển số đúng")
        card.locator("button[value=open]").click()
        expect(page.locator("#done")).to_be_visible()
        expect(page.locator(f'article[data-decision="{decision_id}"]')).to_have_count(0)
        item = lane.get(timeout=10)
        assert item is not None, "no command reached the lane"
        command = parse_message(item.payload)
        assert isinstance(command, LaneCommandV1)
        assert (command.action, command.lane_id, command.decision_id) == (
            "open", "hn1119-n1", decision_id)
        verify_command(command, {"centre-test": console.signing_public})
        # The lane executes it; the officer sees the barrier open on the live board.
        page.goto(f"{served.url}/console/")
        expect(page.locator("#live")).to_have_attribute("data-live", "yes", timeout=10_000)
        lane.publish(topics.barrier("hn1119-n1"), BarrierStateV1(
            device_id="hn1119-n1-cam1", sent_at=datetime.now(UTC), nonce=new_nonce(),
            event_id=uuid.uuid4().hex, lane_id="hn1119-n1", state="open", executed=True,
            command_id=command.command_id, at=datetime.now(UTC)).to_json(), wait=5)
        expect(page.locator("#lane-hn1119-n1 .barrier")).to_have_attribute(
            "data-barrier", "open", timeout=10_000)
        page.screenshot(path=str(SHOTS / "console-lane-opened.png"), full_page=True)
        with console.sessions() as s, s.begin():
            assert s.get(Decision, decision_id).resolved_at is not None  # type: ignore[union-attr]
            ev = s.scalars(select(AuditEvent).where(AuditEvent.subject_id == decision_id)).one()
            assert ev.action == "exception.open" and "giấy tờ" in ev.data["reason"]
            assert verify_chain(s).ok
        # A supervisor sees who did what.
        page.click("header form button")
        sign_in(page, served.url, "minh")
        page.goto(f"{served.url}/console/audit?action=exception")
        expect(page.locator("#integrity")).to_have_attribute("data-ok", "yes")
        row = page.locator('#audit-events tr[data-action="exception.open"]')
        expect(row).to_contain_text("lan")
        expect(row).to_contain_text(command.command_id)
        page.screenshot(path=str(SHOTS / "console-audit.png"), full_page=True)
    finally:
        lane.stop()


def test_an_officer_cannot_reach_admin_pages(served: Served, browser: Browser) -> None:
    page = browser.new_page()
    sign_in(page, served.url, "lan")
    expect(page.locator("header nav a[href='/console/audit']")).to_have_count(0)
    for path in ("/console/admin/officers", "/console/audit", "/console/hours"):
        resp = page.goto(f"{served.url}{path}")
        assert resp is not None and resp.status == 403, path
        expect(page.locator("#forbidden")).to_have_text("403")
    page.screenshot(path=str(SHOTS / "console-forbidden.png"), full_page=True)
    page.goto(f"{served.url}/console/dashboard")
    expect(page.locator("canvas#c-hour")).to_be_visible()
    assert page.evaluate("typeof Chart") == "function"
    assert page.evaluate("Chart.getChart(document.getElementById('c-mode')) !== undefined")
    page.screenshot(path=str(SHOTS / "console-dashboard.png"), full_page=True)
    admin = browser.new_page()
    sign_in(admin, served.url, "hoa")
    resp = admin.goto(f"{served.url}/console/admin/officers")
    assert resp is not None and resp.status == 200
    expect(admin.locator("#officers")).to_contain_text("lan")
