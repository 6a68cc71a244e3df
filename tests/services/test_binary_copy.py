"""Binary ``COPY`` (round 24) stores exactly what the text ``COPY`` stored, or is not used.

Why: the central worker's five rows per read now go in binary when every value has an
exact binary form (:mod:`services.db.binary_copy`). Each test writes the same rows through
``insert_rows`` twice, once as it now goes and once forced through the text ``COPY``, into
two tables of the same definition, and compares what PostgreSQL returns, column by column
as text: strings with escapes, tabs, newlines and non-ASCII, integers at their bounds,
floats at their extremes, times in several zones, JSON values, and NULLs. Values the binary
form would store differently (a naive time, read by the text ``COPY`` in the session's time
zone) or refuse (a string in a number column) send the call through the text ``COPY``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    text,
)

from services.db import binary_copy, bulk
from services.db.models import AuditEvent, Decision, DeviceNonce, LaneCommand, PlateRead
from services.db.session import make_engine, make_session_factory


def _table(name: str) -> Table:
    return Table(name, MetaData(), Column("id", Integer, primary_key=True),
                 Column("s", String(64)), Column("t", Text), Column("i", Integer),
                 Column("f", Float), Column("b", Boolean), Column("at", DateTime(timezone=True)),
                 Column("j", JSON))


@pytest.fixture(scope="module")
def tables(make_pg_url: Any) -> Iterator[tuple[Engine, Table, Table]]:
    engine = make_engine(make_pg_url())
    tag = uuid.uuid4().hex[:8]
    new, old = _table(f"bin_new_{tag}"), _table(f"bin_old_{tag}")
    new.create(engine)
    old.create(engine)
    yield engine, new, old
    engine.dispose()


def _write(engine: Engine, table: Table, rows: list[dict[str, Any]], *, binary: bool,
           monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as m:
        if not binary:
            m.setattr(bulk, "plan_for", lambda *a: None)
        with make_session_factory(engine)() as s, s.begin():
            bulk.insert_rows(s, table, rows)


def _raw(connection: Any) -> psycopg.Connection[Any]:
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    return raw


def _stored(engine: Engine, table: Table) -> list[tuple[str | None, ...]]:
    cols = [text(f"{c}::text") for c in ("id", "s", "t", "i", "f", "b", "at", "j")]
    with engine.connect() as c:
        return [tuple(r) for r in c.execute(select(*cols).select_from(table).order_by(
            table.c.id))]


zones = st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-3,
                         minutes=-30)), ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("Europe/Paris")])
times = st.builds(lambda d, z: d.replace(tzinfo=z),
                  st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)),
                  zones)
strings = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
                  max_size=40)
json_values = st.recursive(st.none() | st.booleans() | st.integers(-2**53, 2**53)
                           | st.floats(allow_nan=False, allow_infinity=False) | strings,
                           lambda c: st.lists(c, max_size=3)
                           | st.dictionaries(strings, c, max_size=3), max_leaves=6)
rows = st.lists(st.fixed_dictionaries({
    "s": st.none() | strings, "t": st.none() | strings,
    "i": st.none() | st.integers(-2**31, 2**31 - 1) | st.sampled_from([-2**31, 2**31 - 1]),
    "f": st.none() | st.floats(allow_nan=False) | st.sampled_from([5e-324, 1.7976931348623157e308]),
    "b": st.none() | st.booleans(), "at": st.none() | times, "j": st.none() | json_values,
}), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=rows)
def test_binary_copy_stores_what_the_text_copy_stores(
        tables: tuple[Engine, Table, Table], batch: list[dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    engine, new, old = tables
    start = len(_stored(engine, new)) + 1
    ids = [{"id": start + k, **row} for k, row in enumerate(batch)]
    with engine.connect() as c:  # the binary path is the one taken for these values
        raw = _raw(c)
        plan = binary_copy.plan_for(raw, new.name, tuple(ids[0]))
        assert plan is not None and binary_copy.binary_values(plan, ids, tuple(ids[0]))
    _write(engine, new, ids, binary=True, monkeypatch=monkeypatch)
    _write(engine, old, ids, binary=False, monkeypatch=monkeypatch)
    assert _stored(engine, new) == _stored(engine, old)


def test_values_without_an_exact_binary_form_go_through_the_text_copy(
        tables: tuple[Engine, Table, Table], monkeypatch: pytest.MonkeyPatch) -> None:
    engine, new, old = tables
    with engine.connect() as c:
        raw = _raw(c)
        names = ("id", "s", "i", "at")
        plan = binary_copy.plan_for(raw, new.name, names)
        assert plan is not None
        fine = {"id": 1, "s": "x", "i": 1, "at": datetime.now(UTC)}
        assert binary_copy.binary_values(plan, [fine], names) is not None
        for odd in ({"at": datetime(2026, 1, 1, 12)},  # naive: the session's zone in text
                    {"i": "7"}, {"i": True}, {"i": 2**31}, {"s": 7}):
            assert binary_copy.binary_values(plan, [fine, {**fine, **odd}], names) is None
    start = len(_stored(engine, new)) + 1000
    naive = [{"id": start, "s": "n", "i": 7, "at": datetime(2026, 1, 1, 12)}]
    _write(engine, new, naive, binary=True, monkeypatch=monkeypatch)
    _write(engine, old, naive, binary=False, monkeypatch=monkeypatch)
    assert _stored(engine, new) == _stored(engine, old)


def test_the_central_hot_tables_go_in_binary(pg_url: str) -> None:
    """The rows the worker writes per read: every column has an exact binary form."""
    engine = make_engine(pg_url)
    try:
        with engine.connect() as c:
            raw = _raw(c)
            for model in (PlateRead, DeviceNonce, Decision, LaneCommand, AuditEvent):
                names = tuple(col.name for col in model.__table__.c if col.name != "id"
                              or model in (Decision, LaneCommand))
                assert binary_copy.plan_for(raw, model.__tablename__, names) is not None
    finally:
        engine.dispose()
