"""The yard queue and the flow forecast in the console: roles, weather feed, and the chart
drawn in Debian's chromium (Playwright)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from consolehelpers import PASSWORD, Console, Served, sign_in
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect
from test_console_browser import SHOTS, browser  # the Debian-chromium fixture

from domain.hours import GATE_TZ
from services.yard.checkin import seq_of
from services.yard.models import YardEntry
from smartgate.sim.history import synthetic_history

GATE = "huu-nghi-1119"
__all__ = ["browser"]


def seed_yard(console: Console, *, days: int = 35) -> None:
    """Past check-ins (a small gate: ~120 trucks/day) and a live queue of three trucks."""
    today = datetime.now(UTC).astimezone(GATE_TZ).date()
    start = today - timedelta(days=days)
    history = synthetic_history(start=start, days=days, seed=11, base=120.0, weather={})
    rows = []
    for hour, n in history.items():
        for k in range(n):
            at = (hour + timedelta(minutes=(k * 7) % 60)).astimezone(UTC)
            rows.append(YardEntry(gate_id=GATE, direction="export", plate=f"12C{len(rows):05d}",
                                  priority="ordinary", state="arrived", seq=seq_of(at),
                                  lane_id="hn1119-yard", checked_in_at=at, calls=1, updated_at=at))
    now = datetime.now(UTC)
    for i, (plate, prio, state) in enumerate([("12C77701", "perishable", "called"),
                                              ("12C77702", "ordinary", "waiting"),
                                              ("29C77703", "ordinary", "unmatched")]):
        rows.append(YardEntry(gate_id=GATE, direction="export", plate=plate, priority=prio,
                              state=state, seq=seq_of(now) + i, lane_id="hn1119-yard",
                              checked_in_at=now, calls=1 if state == "called" else 0,
                              call_deadline=now + timedelta(minutes=30) if state == "called"
                              else None, eta_at=now + timedelta(minutes=12)
                              if state == "waiting" else None, updated_at=now))
    with console.sessions() as s, s.begin():
        s.add_all(rows)


@pytest.fixture
def weather_file(tmp_path: Path) -> Path:
    today = datetime.now(UTC).astimezone(GATE_TZ).date()
    path = tmp_path / "weather.json"
    path.write_text(json.dumps({today.isoformat(): "clear",
                                (today + timedelta(days=1)).isoformat(): "storm"}))
    return path


def test_roles_and_a_broken_weather_feed(make_console: Callable[..., Console], sqlite_url: str,
                                         tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"2026-12-01": "snow"}')
    console = make_console(sqlite_url, weather_source=str(bad))
    seed_yard(console, days=20)
    with TestClient(console.app) as client:
        assert client.get("/console/yard", follow_redirects=False).status_code == 303
        sign_in(client, "lan")
        page = client.get("/console/yard")
        assert page.status_code == 200 and "12C77702" in page.text and "29C77703" in page.text
        assert client.get("/console/forecast").status_code == 403  # officers: no planning
    with TestClient(console.app) as client:
        sign_in(client, "minh")
        page = client.get("/console/forecast?lang=en")
        assert page.status_code == 200
        assert "Weather feed error" in page.text and "unknown condition &#39;snow&#39;" in page.text
        assert 'id="c-forecast"' in page.text  # still forecast, without the weather


def test_no_history_says_so(make_console: Callable[..., Console], sqlite_url: str) -> None:
    console = make_console(sqlite_url)
    with TestClient(console.app) as client:
        sign_in(client, "minh")
        page = client.get("/console/forecast?lang=en")
        assert page.status_code == 200 and 'id="no-forecast"' in page.text
        assert "no arrivals history" in page.text


@pytest.mark.browser
def test_yard_queue_and_forecast_chart_in_chromium(
        make_console: Callable[..., Console], serve: Callable[[Console], Served],
        sqlite_url: str, weather_file: Path, browser: Browser) -> None:
    console = make_console(sqlite_url, weather_source=str(weather_file))
    seed_yard(console)
    served = serve(console)
    page = browser.new_page()
    page.goto(f"{served.url}/console/login")
    page.fill("input[name=username]", "minh")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{served.url}/console/yard?lang=en")
    queue = page.locator(f'section.yard-queue[data-gate="{GATE}"][data-direction="export"]')
    expect(queue.locator(".waiting")).to_have_text("1")
    rows = queue.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_have_attribute("data-plate", "12C77701")  # called first
    expect(rows.nth(0)).to_contain_text("Perishable")
    expect(rows.nth(1)).to_have_attribute("data-plate", "12C77702")
    expect(rows.nth(2)).to_contain_text("No matching trip")
    page.screenshot(path=str(SHOTS / "yard.png"), full_page=True)

    page.click("nav >> text=Flow forecast")
    expect(page.locator("body")).to_have_attribute("data-chart", "ready")
    points = page.evaluate("document.getElementById('c-forecast').chart.data.datasets[2]"
                           ".data.length")
    assert points == 48  # two days, hour by hour
    totals = [int(t) for t in page.locator("#days td.total").all_inner_texts()]
    assert len(totals) == 2 and 60 < totals[0] < 200  # a ~120-truck/day gate
    assert totals[1] < totals[0]  # tomorrow: storm (x0.6), more than any weekday effect
    expect(page.locator("#days")).to_contain_text("storm (0.6)")
    page.screenshot(path=str(SHOTS / "forecast.png"), full_page=True)
