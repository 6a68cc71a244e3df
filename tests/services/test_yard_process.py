"""``smartgate yard`` as an operator runs it: bad settings refused, then a real run that calls a
waiting truck forward and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from services.db.session import make_engine, make_session_factory
from services.yard.checkin import seq_of
from services.yard.models import YardEntry


def _yard(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "smartgate.cli", "yard", *args],
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_bad_priority_settings_are_refused(sqlite_url: str) -> None:
    proc = _yard({"YARD_PRIORITY_RATIO": '{"vip": 3}'}, "--database-url", sqlite_url)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "unknown priority classes ['vip']" in err
    proc = _yard({"YARD_PRIORITY_MODE": "lottery"}, "--database-url", sqlite_url)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "priority_mode" in err


def test_the_worker_calls_a_waiting_truck_and_stops_on_sigterm(
        sqlite_url: str, round_the_clock_reference: Path) -> None:
    ref = round_the_clock_reference  # every gate open: the test runs at any hour
    engine = make_engine(sqlite_url)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    with sessions() as s, s.begin():
        s.add(YardEntry(gate_id="huu-nghi-1119", direction="export", plate="12C55501",
                        priority="ordinary", state="waiting", seq=seq_of(now),
                        lane_id="hn1119-yard", checked_in_at=now, calls=0, updated_at=now))
    proc = _yard({"SMARTGATE_REFERENCE": str(ref)}, "--database-url", sqlite_url, "--tick", "0.2")
    try:
        deadline = time.monotonic() + 30
        state = "waiting"
        while time.monotonic() < deadline and state == "waiting":
            time.sleep(0.2)
            with sessions() as s:
                state = s.scalar(select(YardEntry.state)) or ""
        assert state == "called"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        engine.dispose()
    assert proc.returncode == 0, err[-2000:]
