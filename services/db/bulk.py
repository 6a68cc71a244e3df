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

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from services.db.models import Base


class RowBuffer:
    """Column-value dicts per mapped class, written by :meth:`flush` in first-added order."""

    def __init__(self) -> None:
        self._rows: dict[type[Base], list[dict[str, Any]]] = {}

    def add(self, model: type[Base], row: dict[str, Any]) -> None:
        self._rows.setdefault(model, []).append(row)

    def flush(self, session: Session) -> None:
        """Insert every buffered row (inside the caller's transaction) and forget them."""
        connection = session.connection()  # Core: no ORM bulk bookkeeping per row
        for model, rows in self._rows.items():
            if rows:
                connection.execute(insert(cast(Table, model.__table__)), rows)
        self._rows.clear()
