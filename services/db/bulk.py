"""Rows of a batch inserted with one bulk ``INSERT`` per table instead of one ORM object each.

Why: the central worker stores five rows per plate read (read, nonce, decision,
command, audit event). Through the ORM unit of work each row is an instance with
its own state tracking, and the flush sorts and groups them again; that was a
fifth of the worker's time. ``session.execute(insert(Model), [dicts])`` sends the
same rows, in the same transaction, with the same constraints, for a fraction of
the Python work. Every row of a table must carry the same keys (one statement per
table; the ORM's bulk path would split rows by which values are None).

Tables are written in the order their first row was added, which is the order of
their foreign keys when the caller adds parents first (a decision before its
command). Rows added here are invisible to queries until :meth:`RowBuffer.flush`:
callers that query the same tables mid-batch must flush first.
"""

from __future__ import annotations

from typing import Any, cast

import psycopg
from psycopg import sql
from sqlalchemy import JSON, Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from domain.canonical import json_text
from services.db.binary_copy import binary_values, copy_binary, plan_for
from services.db.models import Base


class RowBuffer:
    """Column-value dicts per mapped class, written by :meth:`flush` in first-added order."""

    def __init__(self) -> None:
        self._rows: dict[type[Base], list[dict[str, Any]]] = {}

    def add(self, model: type[Base], row: dict[str, Any]) -> None:
        self._rows.setdefault(model, []).append(row)

    def flush(self, session: Session) -> None:
        """Insert every buffered row (inside the caller's transaction) and forget them."""
        for model, rows in self._rows.items():
            if rows:
                insert_rows(session, cast(Table, model.__table__), rows)
        self._rows.clear()


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` ``rows`` (all with the same keys) into ``table`` in the session's transaction.

    On PostgreSQL (psycopg 3) a ``COPY ... FROM STDIN``: rows are sent as one stream
    and checked against every constraint like an ``INSERT``, in list order (a serial id
    follows it, which the audit chain relies on), for a fraction of an ``executemany``'s
    per-row work; in binary format when every value has an exact binary form
    (:mod:`services.db.binary_copy`), else in text. Elsewhere (SQLite) a Core ``executemany``.
    """
    connection = session.connection()
    raw = connection.connection.driver_connection
    if connection.dialect.name != "postgresql" or not isinstance(raw, psycopg.Connection):
        connection.execute(insert(table), rows)
        return
    names = tuple(rows[0])
    plan = plan_for(raw, table.name, names) if table.schema is None else None
    binary = binary_values(plan, rows, names) if plan is not None else None
    if plan is not None and binary is not None:  # every value exact in binary (binary_copy)
        try:
            copy_binary(raw, plan, binary)
        except psycopg.Error as exc:
            raise DBAPIError.instance(plan.statement.decode(), None, exc, psycopg.Error) from exc
        return
    statement, json_at = _copy_statement(table, names, raw)
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:  # per row: no per-column Python beyond the JSON columns
                values = [row[n] for n in names]
                for i in json_at:
                    if values[i] is not None:
                        values[i] = json_text(values[i])
                copy.write_row(values)
    except psycopg.Error as exc:
        # As SQLAlchemy would raise it: callers tell a concurrent duplicate (IntegrityError)
        # from a database outage (OperationalError) exactly as for any other statement.
        raise DBAPIError.instance(statement.decode(), None, exc, psycopg.Error) from exc


#: (table, columns) -> the ``COPY`` statement's text and the positions of its JSON columns.
_COPY: dict[tuple[str, tuple[str, ...]], tuple[bytes, tuple[int, ...]]] = {}


def _copy_statement(table: Table, names: tuple[str, ...], raw: psycopg.Connection[Any]
                    ) -> tuple[bytes, tuple[int, ...]]:
    """The ``COPY`` text for these columns, composed (and quoted) once per process.

    Why: composing it with ``psycopg.sql`` each time cost more than writing a small
    batch's rows; a central batch writes five tables. Identifiers are quoted as
    ``sql.Identifier`` quotes them, which depends on nothing but the names.
    """
    key = (table.name, names)
    found = _COPY.get(key)
    if found is None:
        columns = sql.SQL(", ").join(sql.Identifier(n) for n in names)
        text = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name), columns)
        json_at = tuple(i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON))
        found = _COPY[key] = (text.as_bytes(raw), json_at)
    return found
