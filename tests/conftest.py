"""Shared fixtures: real PostgreSQL, SQLite, Mosquitto and the embedded broker.

Nothing here skips: a missing PostgreSQL or Mosquitto is a broken set-up and
fails loudly (``make test`` / ``.ci/run`` install and start them).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine

from services.db.session import make_engine, migrate
from smartgate.broker import EmbeddedBroker, MosquittoBroker

PG_ADMIN_URL = os.environ.get("SMARTGATE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_admin() -> psycopg.Connection:
    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise RuntimeError(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}. "
            "Run `make services` (or .ci/run) to install and start it."
        ) from exc


@pytest.fixture(scope="session")
def make_pg_url() -> Iterator[Callable[[], str]]:
    """Factory: a fresh, migrated PostgreSQL database per call (dropped at the end)."""
    created: list[str] = []
    base = PG_ADMIN_URL.rsplit("/", 1)[0]

    def make() -> str:
        name = f"sg_test_{uuid.uuid4().hex[:12]}"
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        url = f"{base}/{name}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        return url

    yield make
    with _pg_admin() as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url(make_pg_url: Callable[[], str]) -> str:
    """One migrated PostgreSQL database shared by the session (use unique ids in tests)."""
    return make_pg_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh migrated SQLite (WAL) database file for this test."""
    url = f"sqlite:///{tmp_path / 'smartgate.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, make_pg_url: Callable[[], str]) -> str:
    """Parametrised over both engines: the test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'smartgate.db'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        return url
    return make_pg_url()


@pytest.fixture
def engine_for() -> Iterator[Callable[[str], Engine]]:
    engines: list[Engine] = []

    def make(url: str) -> Engine:
        engine = make_engine(url)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[MosquittoBroker]:
    """A real Mosquitto with the project's configuration (auth, ACLs, persistence)."""
    if not MosquittoBroker.available():
        raise RuntimeError("mosquitto is not installed: run `make services` or .ci/run")
    broker = MosquittoBroker(tmp_path / "mosquitto").start()
    yield broker
    broker.stop()


@pytest.fixture
def embedded_broker(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    """The in-process amqtt broker the demo falls back to (register devices before start)."""
    broker = EmbeddedBroker(tmp_path / "amqtt")
    yield broker
    broker.stop()
