"""The forecast's history is counted by the database per local hour, the same on both engines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from domain.hours import GATE_TZ
from services.db.session import make_session_factory
from services.yard.checkin import seq_of
from services.yard.models import YardEntry
from services.yard.queries import arrivals_history


def test_check_ins_per_local_hour(db_url: str, engine_for: Callable[[str], Engine]) -> None:
    sessions = make_session_factory(engine_for(db_url))
    base = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 07:30 in Lạng Sơn
    times = [base + timedelta(minutes=37 * i) for i in range(50)]
    with sessions() as s, s.begin():
        for i, at in enumerate(times):
            s.add(YardEntry(gate_id="huu-nghi-1088", direction="export", plate=f"12C{i:05d}",
                            priority="ordinary", state="arrived", seq=seq_of(at),
                            lane_id="hn1088-yard", checked_in_at=at, calls=0, updated_at=at))
        s.add(YardEntry(gate_id="huu-nghi-1119", direction="export", plate="12C99999",
                        priority="ordinary", state="waiting", seq=seq_of(base),
                        lane_id="hn1119-yard", checked_in_at=base, calls=0, updated_at=base))
    with sessions() as s:
        hours = arrivals_history(s, gate_id="huu-nghi-1088", since=base - timedelta(days=1))
    expected: dict[datetime, int] = {}
    for at in times:
        local = at.astimezone(GATE_TZ).replace(minute=0)
        expected[local] = expected.get(local, 0) + 1
    assert {h: n for h, n in hours.items() if n} == expected
    assert min(hours) == datetime(2026, 12, 1, 7, 0, tzinfo=GATE_TZ)
    assert len(hours) == 31 and sum(hours.values()) == 50  # empty hours present as zeros
    assert all(b - a == timedelta(hours=1) for a, b in zip(hours, list(hours)[1:], strict=False))
