"""A scratch PostgreSQL database for one benchmark run, created fresh and dropped after it.

Why one module: the benchmarks on PostgreSQL (messaging, scale, central_batch,
preclearance) each wrote the same create / drop pair.
"""

from __future__ import annotations

import uuid

import psycopg


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
