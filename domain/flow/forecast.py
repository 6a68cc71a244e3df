"""Arrivals per hour for the next days: history, seasonal peaks, pre-registrations, weather.

Why this model (multiplicative, explainable to a border-guard planner):

    expected(day, hour) = level x weekday(day) x season(day) x weather(day) x profile(hour)

* ``level``: mean daily arrivals of the last 14 days, with the weekday and the
  past weather's effects taken out;
* ``weekday``: each weekday's mean over the last 8 weeks against the overall mean;
* ``season``: how much the same weeks last year rose above the weeks before them
  (the fruit seasons and the year-end peak repeat); 1 without a year of history;
* ``weather``: a factor per forecast condition (a storm closes mountain roads);
* ``profile``: the share of a day's trucks in each hour, from the last 4 weeks;
* an hour never forecasts fewer trucks than are already pre-registered for it.

The band (``low``/``high``, about 90 %) combines the model's recent day-level
error with Poisson noise per hour.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from statistics import fmean, pstdev

from domain.hours import GATE_TZ

WEATHER_FACTORS: dict[str, float] = {
    "clear": 1.0, "cloudy": 1.0, "rain": 0.95, "heavy_rain": 0.85, "fog": 0.9, "storm": 0.6,
}
Z90 = 1.645


class ForecastError(ValueError):
    """The inputs cannot support a forecast (for example no history at all)."""


@dataclass(frozen=True, slots=True)
class HourForecast:
    start: datetime  # local, timezone-aware
    expected: float
    low: float
    high: float
    preregistered: int


@dataclass(frozen=True, slots=True)
class DayModel:
    """The factors behind a day's forecast (shown to planners next to the chart)."""

    day: date
    level: float
    weekday: float
    season: float
    weather: float

    @property
    def total(self) -> float:
        return self.level * self.weekday * self.season * self.weather


def daily_totals(history: Mapping[datetime, int], tz: tzinfo = GATE_TZ) -> dict[date, int]:
    totals: dict[date, int] = defaultdict(int)
    for hour, n in history.items():
        totals[hour.astimezone(tz).date()] += n
    return dict(totals)


def hourly_profile(history: Mapping[datetime, int], *, last: date, days: int = 28,
                   tz: tzinfo = GATE_TZ) -> list[float]:
    counts = [0.0] * 24
    first = last - timedelta(days=days - 1)
    for hour, n in history.items():
        local = hour.astimezone(tz)
        if first <= local.date() <= last:
            counts[local.hour] += n
    total = sum(counts)
    return [c / total for c in counts] if total else [1 / 24] * 24


class Forecaster:
    """Fitted once on a history of arrivals per hour; ``day_model`` / ``hours`` forecast."""

    def __init__(self, history: Mapping[datetime, int], *,
                 weather_log: Mapping[date, str] | None = None, tz: tzinfo = GATE_TZ) -> None:
        """``weather_log``: the past days' conditions; their effect is taken out of the history
        (a stormy week must not lower next week's level)."""
        self.tz = tz
        log = weather_log or {}
        self.totals = {d: n / WEATHER_FACTORS.get(log.get(d, "clear"), 1.0)
                       for d, n in daily_totals(history, tz).items()}
        if not self.totals:
            raise ForecastError("no arrivals history: record a few days first")
        self.last = max(self.totals)
        self.profile = hourly_profile(history, last=self.last, tz=tz)
        # Days without any record (before the history starts) are unknown, not zero.
        recent = [d for d in (self.last - timedelta(days=i) for i in range(56))
                  if d in self.totals]
        mean56 = fmean(self.totals[d] for d in recent)
        by_wd: dict[int, list[float]] = defaultdict(list)
        for d in recent:
            by_wd[d.weekday()].append(self.totals[d])
        self.weekday = {wd: (fmean(v) / mean56 if mean56 and len(v) >= 2 else 1.0)
                        for wd, v in by_wd.items()}
        self.level = fmean(self.totals[d] / self.weekday.get(d.weekday(), 1.0)
                           for d in recent[:14])
        # Day-level error of the model on the last 4 weeks, relative.
        errs = [self.totals[d] / (self.level * self.weekday.get(d.weekday(), 1.0))
                for d in recent[:28] if self.level]
        self.rel_sd = pstdev(errs) if len(errs) > 1 else 0.2

    def season(self, day: date) -> float:
        """Same weeks last year against the two weeks before our last day, a year earlier."""
        year = timedelta(days=364)  # 52 weeks: weekdays line up
        target = [day - year + timedelta(days=i) for i in range(-7, 8)]
        base = [self.last - year - timedelta(days=i) for i in range(14)]
        have_t = [self.totals[d] for d in target if d in self.totals]
        have_b = [self.totals[d] for d in base if d in self.totals]
        if len(have_t) < 10 or len(have_b) < 10 or not fmean(have_b):
            return 1.0
        return fmean(have_t) / fmean(have_b)

    def day_model(self, day: date, weather: str | None = None) -> DayModel:
        factor = WEATHER_FACTORS.get(weather or "clear")
        if factor is None:
            raise ForecastError(f"unknown weather condition {weather!r}; "
                                f"known: {', '.join(sorted(WEATHER_FACTORS))}")
        return DayModel(day, self.level, self.weekday.get(day.weekday(), 1.0), self.season(day),
                        factor)

    def hours(self, *, start_day: date, days: int = 2,
              preregistered: Iterable[datetime] = (),
              weather: Mapping[date, str] | None = None) -> list[HourForecast]:
        pre: dict[datetime, int] = defaultdict(int)
        for at in preregistered:
            local = at.astimezone(self.tz)
            pre[local.replace(minute=0, second=0, microsecond=0)] += 1
        out: list[HourForecast] = []
        for offset in range(days):
            day = start_day + timedelta(days=offset)
            model = self.day_model(day, (weather or {}).get(day))
            for h in range(24):
                start = datetime.combine(day, time(h), tzinfo=self.tz)
                mean = model.total * self.profile[h]
                booked = pre.get(start, 0)
                expected = max(mean, float(booked))
                spread = Z90 * math.sqrt(expected + (self.rel_sd * expected) ** 2)
                out.append(HourForecast(start, round(expected, 2),
                                        round(max(float(booked), expected - spread), 2),
                                        round(expected + spread, 2), booked))
        return out
