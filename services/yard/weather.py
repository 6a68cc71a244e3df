"""The weather feed of the forecast: a JSON file or an HTTP endpoint, same shape.

Shape: ``{"YYYY-MM-DD": "clear" | "cloudy" | "rain" | "heavy_rain" | "fog" | "storm"}``
(what the provincial hydro-meteorological bulletin says per day for the road to the
gate). Why an adapter: the planners' source changes (a file they drop, a national
service), the forecast only needs conditions per day. A broken feed never breaks the
page: :class:`WeatherError` says what is wrong and the forecast runs without weather.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx

from domain.flow.forecast import WEATHER_FACTORS


class WeatherError(ValueError):
    """The feed could not be read or holds something else than days and known conditions."""


def parse_weather(data: object) -> dict[date, str]:
    if not isinstance(data, dict):
        raise WeatherError("the weather feed must be a JSON object {date: condition}")
    out: dict[date, str] = {}
    for key, value in data.items():
        try:
            day = date.fromisoformat(str(key))
        except ValueError:
            raise WeatherError(f"not a date: {key!r}") from None
        if value not in WEATHER_FACTORS:
            raise WeatherError(f"{key}: unknown condition {value!r}; known: "
                               f"{', '.join(sorted(WEATHER_FACTORS))}")
        out[day] = str(value)
    return out


def load_weather(source: str | None, *, timeout: float = 5.0) -> dict[date, str]:
    """From ``http(s)://...`` (GET) or a file path; ``{}`` when no source is configured."""
    if not source:
        return {}
    try:
        if source.startswith(("http://", "https://")):
            response = httpx.get(source, timeout=timeout, follow_redirects=False)
            response.raise_for_status()
            data = response.json()
        else:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError, httpx.HTTPError) as exc:
        raise WeatherError(f"weather feed {source}: {exc}") from exc
    return parse_weather(data)
