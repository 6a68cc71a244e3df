"""A scratch PostgreSQL database for one benchmark run, created fresh and dropped after it.

Why one module: the benchmarks on PostgreSQL (messaging, scale, central_batch,
preclearance) each wrote the same create / drop pair.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping

import psycopg

#: The server the benchmarks create their scratch databases on, unless the environment says.
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url(env: Mapping[str, str] | None = None) -> str:
    """The admin URL of the benchmarks' PostgreSQL: ``SMARTGATE_BENCH_PG``, else the tests'
    ``SMARTGATE_TEST_PG``, else the local server. Read when a run starts, not at import."""
    env = os.environ if env is None else env
    return env.get("SMARTGATE_BENCH_PG") or env.get("SMARTGATE_TEST_PG") or DEFAULT_ADMIN_URL


def create_database(admin_url: str, prefix: str) -> tuple[str, str]:
    """A new database on the server of ``admin_url``: (its name, its URL)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name, f"{admin_url.rsplit('/', 1)[0]}/{name}"


def drop_database(admin_url: str, name: str) -> None:
    """Drop it, even with connections still open (a benchmark that failed half-way)."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
