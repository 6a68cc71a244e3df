"""The forecast's weather feed from a file and from a real HTTP endpoint; bad feeds say why."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from services.yard.weather import WeatherError, load_weather

FEED = {"2026-12-02": "clear", "2026-12-03": "heavy_rain"}


@pytest.fixture
def feed_url() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(FEED).encode() if self.path == "/weather" else b"gone"
            self.send_response(200 if self.path == "/weather" else 404)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_http_and_file_feeds_give_the_same_days(feed_url: str, tmp_path: Path) -> None:
    expected = {date(2026, 12, 2): "clear", date(2026, 12, 3): "heavy_rain"}
    assert load_weather(f"{feed_url}/weather") == expected
    path = tmp_path / "w.json"
    path.write_text(json.dumps(FEED))
    assert load_weather(str(path)) == expected
    assert load_weather(None) == {}


@pytest.mark.parametrize(("content", "message"), [
    ('["clear"]', "JSON object"),
    ('{"tomorrow": "clear"}', "not a date"),
    ('{"2026-12-02": "snow"}', "unknown condition"),
    ("{not json", "weather feed"),
])
def test_bad_feeds_are_refused_with_the_reason(content: str, message: str,
                                               tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text(content)
    with pytest.raises(WeatherError, match=message):
        load_weather(str(path))


def test_unreachable_or_failing_endpoints(feed_url: str, tmp_path: Path) -> None:
    with pytest.raises(WeatherError, match="404"):
        load_weather(f"{feed_url}/nowhere")
    with pytest.raises(WeatherError, match="weather feed"):
        load_weather(str(tmp_path / "missing.json"))
