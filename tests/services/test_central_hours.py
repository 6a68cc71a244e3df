"""The central service honours gate hours and the extensions supervisors record in the console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from centralhelpers import GATE, LANE

from domain import topics
from domain.hours import GATE_TZ
from services import officers


def _closed_now_reference(tmp_path: Path) -> Path:
    """The packaged gates, every gate open only for one hour that starts two hours from now."""
    local = datetime.now(GATE_TZ)
    opens = (local + timedelta(hours=2)).strftime("%H:00")
    closes = (local + timedelta(hours=3)).strftime("%H:00")
    src = (Path(__file__).parents[2] / "domain/data/gates.toml").read_text(encoding="utf-8")
    out = []
    for line in src.splitlines():
        key = line.split("=")[0].strip()
        value = {"opens": opens, "closes": closes}.get(key)
        out.append(f'{key} = "{value}"' if value else line)
    path = tmp_path / "gates-closed.toml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_closed_gate_holds_until_a_supervisor_records_an_extension(db_url, start_central,
                                                                   tmp_path):
    h = start_central(db_url, reference_path=_closed_now_reference(tmp_path))
    h.trip("12C-123.45")
    h.device.publish(h.device.read("12C12345"))
    first = h.observer.wait(topics.decisions(LANE))[0]
    assert first.outcome != "open"
    assert "GATE_CLOSED" in {r.code for r in first.reasons}

    now = datetime.now(UTC)
    with h.sessions() as s, s.begin():
        sup = officers.create_officer(s, username="sup.hours", full_name="Supervisor",
                                      role="supervisor", password="long-enough-pass-1",
                                      now=now)
        officers.add_extension(s, gate_id=GATE, starts_at=now - timedelta(minutes=5),
                               ends_at=now + timedelta(hours=2), reference="CV 123/2026",
                               officer_id=sup.id, now=now)

    h.trip("12C-555.66")
    h.device.publish(h.device.read("12C55566"))
    second = h.observer.wait(topics.decisions(LANE), lambda d: d.plate == "12C55566")[0]
    assert second.outcome == "open"
    assert "GATE_CLOSED" not in {r.code for r in second.reasons}
