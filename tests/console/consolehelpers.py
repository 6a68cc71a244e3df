"""Console helpers and fixtures (re-exported by conftest.py): an app with officers of
every role, and a browser-ready server."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from domain.signing import generate_signing_key
from edge.evidence import EvidenceServer, EvidenceStore
from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.db.session import make_engine, make_session_factory
from services.officers import create_officer
from smartgate.broker import free_port, wait_port

PASSWORD = "mat-khau-dai-123"
USERS = {"lan": "officer", "minh": "supervisor", "hoa": "admin"}


@dataclass
class Console:
    app: FastAPI
    sessions: sessionmaker[Session]
    engine: Engine
    signing_public: str


def seed_officers(sessions: sessionmaker[Session]) -> None:
    with sessions() as s, s.begin():
        for username, role in USERS.items():
            create_officer(s, username=username, full_name=f"Cán bộ {username}", role=role,
                           password=PASSWORD, now=datetime.now(UTC))


@pytest.fixture
def make_console(tmp_path: Any) -> Iterator[Callable[..., Console]]:
    engines: list[Engine] = []

    def make(db_url: str, **overrides: Any) -> Console:
        private, public = generate_signing_key()
        values: dict[str, Any] = {"database_url": db_url, "webhooks_enabled": False,
                                  "centre_signing_key": private, "centre_key_id": "centre-test",
                                  "evidence_base_url": "http://127.0.0.1:9/ev", **overrides}
        engine = make_engine(db_url)
        engines.append(engine)
        app = create_app(GatewaySettings(**values), engine=engine)
        sessions = make_session_factory(engine)
        seed_officers(sessions)
        return Console(app, sessions, engine, public)

    yield make
    for engine in engines:
        engine.dispose()


def sign_in(client: TestClient, username: str) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    page = client.get("/console/login")
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.text)
    assert token, page.text
    resp = client.post("/console/login", data={"username": username, "password": PASSWORD,
                                               "token": token.group(1), "next": "/console/"},
                       follow_redirects=False)
    assert resp.status_code == 303, resp.text
    me = client.get("/console/api/me")
    assert me.status_code == 200
    csrf: str = me.json()["csrf"]
    return csrf


@pytest.fixture
def lane_evidence(tmp_path: Path) -> Iterator[tuple[EvidenceStore, str]]:
    """A real edge evidence store and its HTTP server (what a lane device runs)."""
    store = EvidenceStore(tmp_path / "evidence", max_bytes=10_000_000)
    server = EvidenceServer(store).start()
    yield store, f"http://127.0.0.1:{server.port}"
    server.stop()


@dataclass
class Served:
    url: str
    console: Console


@pytest.fixture
def serve() -> Iterator[Callable[[Console], Served]]:
    """Run a console app under uvicorn in a thread on a free port (for the browser)."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(console: Console) -> Served:
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(console.app, host="127.0.0.1", port=port,
                                               log_level="warning", timeout_graceful_shutdown=2))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        wait_port(port)
        servers.append((server, thread))
        return Served(f"http://127.0.0.1:{port}", console)

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(10)
