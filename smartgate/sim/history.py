"""Synthetic arrivals history for a Hữu Nghị-like gate: weekday, seasons, weather, noise.

Why synthetic: there is no public per-hour series of the gate. The shape follows
the seeds: 1,100-1,500 trucks a day, fruit-season peaks (lychee, longan and dragon
fruit in June-July), the year-end peak before Tết, quieter Sundays, trucks
arriving from 06:00 with a morning peak. Tests hold back a day of it to check the
forecast; the demo and the simulator use it as "last year".
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta, tzinfo

import numpy as np

from domain.flow.forecast import WEATHER_FACTORS
from domain.hours import GATE_TZ

#: Share of a day's arrivals per local hour (the yard fills from 06:00, peaks 08-11).
HOUR_SHAPE = (0, 0, 0, 0, 0, 1, 4, 8, 10, 10, 9, 8, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2, 0, 0)
WEEKDAY = (1.03, 1.02, 1.02, 1.03, 1.05, 0.98, 0.87)  # Monday first


def season(day: date) -> float:
    """Fruit season (peak late June) and the year-end peak (mid January), as factors."""
    doy = day.timetuple().tm_yday
    fruit = 0.25 * math.exp(-(((doy - 178) / 22) ** 2))
    year_end = 0.2 * math.exp(-(((doy - 15) / 14) ** 2)) + 0.2 * math.exp(
        -(((doy - 380) / 14) ** 2))
    return 1.0 + fruit + year_end


def daily_mean(day: date, base: float, growth: float, origin: date) -> float:
    years = (day - origin).days / 365.0
    return base * (1 + growth) ** years * WEEKDAY[day.weekday()] * season(day)


def synthetic_weather(*, start: date, days: int, seed: int) -> dict[date, str]:
    """A weather log (one condition a day): mostly clear, rainy in summer, a few storms."""
    rng = np.random.default_rng(seed + 1)
    out: dict[date, str] = {}
    for i in range(days):
        day = start + timedelta(days=i)
        wet = 5 <= day.month <= 9
        r = rng.random()
        out[day] = ("storm" if r < 0.03 else "heavy_rain" if r < (0.12 if wet else 0.05)
                    else "rain" if r < (0.35 if wet else 0.15) else "clear")
    return out


def synthetic_history(*, start: date, days: int, seed: int, base: float = 1250.0,
                      growth: float = 0.08, tz: tzinfo = GATE_TZ,
                      weather: dict[date, str] | None = None) -> dict[datetime, int]:
    """Arrivals per local hour (aware datetimes) for ``days`` days from ``start``.

    ``weather`` (default: :func:`synthetic_weather` of the same seed) scales each day
    by the forecast's own weather factors: the truth the forecast is tested against.
    """
    rng = np.random.default_rng(seed)
    log = weather if weather is not None else synthetic_weather(start=start, days=days, seed=seed)
    shape = np.array(HOUR_SHAPE, dtype=float)
    shape /= shape.sum()
    out: dict[datetime, int] = {}
    for i in range(days):
        day = start + timedelta(days=i)
        mean = daily_mean(day, base, growth, start)
        mean *= float(rng.lognormal(0.0, 0.04))
        mean *= WEATHER_FACTORS[log.get(day, "clear")]
        counts = rng.poisson(mean * shape)
        for h, n in enumerate(counts):
            out[datetime.combine(day, time(h), tzinfo=tz)] = int(n)
    return out
