"""Gate operating hours and the extensions agreed with the Chinese side.

Why extensions are data, not a setting: the provinces agree them case by case
(the seeds report 2-hour extensions 23 times in 2024), for one gate and one
evening. A truck arriving inside an agreed extension is as welcome as one in
regular hours; one arriving when the gate is closed goes to an officer.

Hours in ``gates.toml`` are local (Asia/Ho_Chi_Minh, no daylight saving);
every instant handled here is timezone-aware.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from domain.reference import Gate

GATE_TZ: tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True, slots=True)
class HoursExtension:
    """An agreed extension: the gate also clears between ``starts_at`` and ``ends_at``."""

    gate_id: str
    starts_at: datetime
    ends_at: datetime
    reference: str = ""  # the agreement or order that granted it

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("extension times must be timezone-aware")
        if self.ends_at <= self.starts_at:
            raise ValueError("an extension must end after it starts")

    def covers(self, gate_id: str, at: datetime) -> bool:
        return gate_id == self.gate_id and self.starts_at <= at < self.ends_at


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def in_regular_hours(gate: Gate, at: datetime, tz: tzinfo = GATE_TZ) -> bool:
    """Whether ``at`` falls in the gate's regular hours (a window may wrap past midnight)."""
    local = _aware(at).astimezone(tz).time()
    if gate.opens == gate.closes:
        return True  # round the clock
    if gate.opens < gate.closes:
        return gate.opens <= local < gate.closes
    return local >= gate.opens or local < gate.closes


def gate_is_open(
    *, gate: Gate, at: datetime, extensions: Sequence[HoursExtension] = (), tz: tzinfo = GATE_TZ
) -> bool:
    """Regular hours or any agreed extension for this gate."""
    aware = _aware(at)
    return in_regular_hours(gate, aware, tz) or any(e.covers(gate.id, aware) for e in extensions)


def extension_after_closing(
    *, gate: Gate, day: date, hours: float = 2.0, reference: str = "", tz: tzinfo = GATE_TZ
) -> HoursExtension:
    """The usual form of extension: ``hours`` more after the gate's closing time on ``day``."""
    closes = datetime.combine(day, gate.closes, tzinfo=tz)
    if gate.closes <= gate.opens and gate.closes != time(0):
        closes += timedelta(days=1)  # the regular window wraps past midnight
    return HoursExtension(gate.id, closes, closes + timedelta(hours=hours), reference)
