"""Gateway fixtures: an app per test on SQLite or PostgreSQL, carriers with API keys.

PostgreSQL tests share the session's migrated database (``pg_url``); each test
makes its own carriers, and every query is carrier-scoped, so tests do not see
each other's data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from gwhelpers import Gateway
from sqlalchemy import Engine

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.db.session import make_engine, migrate


@pytest.fixture(params=["sqlite", "postgresql"])
def gw_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gateway.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def make_gateway(tmp_path: Path) -> Iterator[Callable[..., Gateway]]:
    """Factory: a gateway app on ``db_url`` with settings overrides (lifespan entered)."""
    opened: list[tuple[TestClient, Engine]] = []

    def make(db_url: str, **overrides: Any) -> Gateway:
        values: dict[str, Any] = {"database_url": db_url, "webhooks_enabled": False,
                                  "rate_limit": "100000/minute", **overrides}
        settings = GatewaySettings(**values)
        engine = make_engine(db_url)
        migrate(engine)
        app = create_app(settings, engine=engine)
        client = TestClient(app)
        client.__enter__()
        opened.append((client, engine))
        return Gateway(client, app.state.sessions, engine)

    yield make
    for client, engine in opened:
        client.__exit__(None, None, None)
        engine.dispose()


@pytest.fixture
def gateway(make_gateway: Callable[..., Gateway], gw_db_url: str) -> Gateway:
    return make_gateway(gw_db_url)
