"""Call-forward metering: release trucks from the yard at the rate the lanes can clear.

Why these rules (GoSwift's waiting areas size hourly quotas from the mean
processing time and give a called driver 20 minutes to reach the gate):

* **capacity** of a gate and direction = sum over its open lanes of
  3600 / (measured service time of the lane), trimmed mean of recent services so
  one long inspection does not halve the quota;
* **quota**: within any window of ``window`` length (10 minutes: short, so calls
  come as a steady trickle), the yard never calls more than the lanes clear in it;
  the count uses calls in ``(now - window, now]``, so the bound holds for *every*
  window, not only for the ticks the worker happens to run at;
* **open hours**: a truck is called only if the gate is open when it arrives
  (``now + travel``), counting agreed extensions;
* **estimated call time** for each waiting truck from its place in the planned
  order, the quota left now and the rate, skipping closed hours.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from domain.hours import GATE_TZ, HoursExtension
from domain.reference import Gate

Window = tuple[datetime, datetime]


def service_time(samples_s: Iterable[float], *, default_s: float, trim: float = 0.1,
                 min_samples: int = 5) -> float:
    """Trimmed mean of measured service times (seconds); ``default_s`` with too few samples."""
    values = sorted(s for s in samples_s if s > 0 and math.isfinite(s))
    if len(values) < min_samples:
        return default_s
    cut = int(len(values) * trim)
    kept = values[cut:len(values) - cut] or values
    return sum(kept) / len(kept)


def hourly_capacity(service_times_s: Sequence[float]) -> float:
    """Trucks per hour that lanes with these mean service times clear together."""
    return sum(3600.0 / s for s in service_times_s if s > 0)


def open_windows(*, gate: Gate, start: datetime, days: int = 2,
                 extensions: Sequence[HoursExtension] = (), tz: tzinfo = GATE_TZ
                 ) -> list[Window]:
    """The gate's open intervals from ``start``'s local day for ``days`` days, merged."""
    first = start.astimezone(tz).date()
    raw: list[Window] = []
    for offset in range(-1, days + 1):
        day = first + timedelta(days=offset)
        raw.append(_regular(gate, day, tz))
    raw += [(e.starts_at, e.ends_at) for e in extensions if e.gate_id == gate.id]
    raw.sort()
    merged: list[Window] = []
    for a, b in raw:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _regular(gate: Gate, day: date, tz: tzinfo) -> Window:
    opens = datetime.combine(day, gate.opens, tzinfo=tz)
    closes = datetime.combine(day, gate.closes, tzinfo=tz)
    if closes <= opens:
        closes += timedelta(days=1)  # round the clock, or wrapping past midnight
    return opens, closes


def is_open(windows: Sequence[Window], at: datetime) -> bool:
    return any(a <= at < b for a, b in windows)


@dataclass(frozen=True, slots=True)
class Meter:
    """The metering of one gate and direction at one instant."""

    rate_per_hour: float  # capacity of the open lanes
    window: timedelta = timedelta(minutes=10)  # quota window: short keeps releases smooth
    travel: timedelta = timedelta(minutes=20)  # from the yard to the gate (GoSwift: 20 min)

    @property
    def quota(self) -> int:
        """Calls allowed in any ``window``: what the lanes clear in it (at least one)."""
        if self.rate_per_hour <= 0:
            return 0
        return max(1, math.floor(self.rate_per_hour * self.window.total_seconds() / 3600))

    def allowance(self, *, now: datetime, recent_calls: Sequence[datetime],
                  windows: Sequence[Window]) -> int:
        """How many trucks may be called now, given the calls already made (any age)."""
        if not is_open(windows, now + self.travel):
            return 0
        since = now - self.window
        used = sum(1 for t in recent_calls if since < t <= now)
        return max(0, self.quota - used)

    def call_times(self, n: int, *, now: datetime, recent_calls: Sequence[datetime],
                   windows: Sequence[Window]) -> list[datetime | None]:
        """Estimated call time of the next ``n`` trucks in call order (None: not in sight).

        Replays the quota rule forward: a call may happen when the gate is open on
        arrival and fewer than ``quota`` calls fall in the trailing window.
        """
        quota = self.quota
        if quota == 0 or n <= 0:
            return [None] * max(n, 0)
        since = now - self.window
        calls = sorted(t for t in recent_calls if since < t <= now)
        out: list[datetime | None] = []
        t = now
        horizon = windows[-1][1] if windows else now
        while len(out) < n:
            nxt = self._next_open(t, windows)
            if nxt is None or nxt > horizon:
                out += [None] * (n - len(out))
                break
            t = nxt
            calls = [c for c in calls if c > t - self.window]
            if len(calls) < quota:
                calls.append(t)
                out.append(t)
            else:
                t = calls[-quota] + self.window  # when the oldest counted call leaves
        return out

    def _next_open(self, t: datetime, windows: Sequence[Window]) -> datetime | None:
        """The first instant >= t at which a called truck would arrive during open hours."""
        for a, b in windows:
            if t + self.travel < b:
                return max(t, a - self.travel)
        return None
