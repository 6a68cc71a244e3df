"""``COPY ... FROM STDIN (FORMAT BINARY)`` for rows whose values binary COPY writes exactly.

Why: the central worker writes five rows per plate read with ``COPY`` (services.db.bulk).
In text format psycopg formats every value as text (a timestamp, a float, each string
escaped) and PostgreSQL parses it back; in binary format a string is its UTF-8 bytes and a
timestamp eight bytes. Measured on a plate read's row (16 columns, psycopg's C
implementation): ~4.0 us of client CPU a row as text, ~1.1 us as binary (round 24).

Binary COPY is strict where text is lenient: each value must have the column's exact wire
type. So it is used only when every column is of a type listed in ``_WIRE`` (the central's
hot tables are: varchar, text, json, integer, double precision, timestamptz) and every
value of the call is of a Python type whose binary form is what the text form would store:
``str`` for text columns (json columns get their JSON text, as before), ``int`` within the
column's range, ``float`` for double precision, ``bool``, an *aware*
``datetime`` for timestamptz, or ``None``. Anything else (a naive datetime, which text
COPY reads in the session's time zone; a string in a number column; an unknown column
type) sends the whole call through the text ``COPY`` as before. Same rows, same order,
same constraints, same transaction (``tests/services/test_binary_copy.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql

from domain.canonical import json_text

#: Column type OID -> (the type psycopg writes it as, the Python types taken, int range).
_INT = (int,)
_WIRE: dict[int, tuple[str, tuple[type, ...], tuple[int, int] | None]] = {
    25: ("text", (str,), None),  # text
    1043: ("text", (str,), None),  # varchar: its binary input is text's, length checked
    114: ("text", (), None),  # json: its JSON text (json_text), as the text COPY sends it
    21: ("int2", _INT, (-(2**15), 2**15 - 1)),
    23: ("int4", _INT, (-(2**31), 2**31 - 1)),
    20: ("int8", _INT, (-(2**63), 2**63 - 1)),
    701: ("float8", (float,), None),
    16: ("bool", (bool,), None),
    1184: ("timestamptz", (datetime,), None),
}
_JSON = 114
_MAX_SHAPES = 256


@dataclass(slots=True)
class Plan:
    """How one (table, columns) is written in binary."""

    statement: bytes
    types: list[str]
    takes: tuple[tuple[type, ...], ...]  # per column: the Python types taken (json: any)
    json_at: tuple[int, ...]
    when_at: tuple[int, ...]  # timestamptz columns: aware values only
    ranges: tuple[tuple[int, int, int], ...]  # (position, low, high) of integer columns
    shapes: set[tuple[type, ...]] = field(default_factory=set)  # value types seen fit

    def fits(self, shape: tuple[type, ...]) -> bool:
        if shape in self.shapes:
            return True
        ok = all(kind is type(None) or not takes or kind in takes
                 for kind, takes in zip(shape, self.takes, strict=True))
        if ok and len(self.shapes) < _MAX_SHAPES:
            self.shapes.add(shape)
        return ok


#: (database, table, columns) -> its plan, or None when a column's type has no exact binary
#: form here.
_PLANS: dict[tuple[str, str, tuple[str, ...]], Plan | None] = {}


def plan_for(raw: psycopg.Connection[Any], table: str, names: tuple[str, ...]) -> Plan | None:
    """The binary plan of these columns (asked of the server once per process), or None."""
    key = (raw.info.dbname, table, names)
    if key in _PLANS:
        return _PLANS[key]
    ident = sql.Identifier(table)
    oids = dict(raw.execute(
        "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass"
        " AND attname = ANY(%s) AND attnum > 0 AND NOT attisdropped",
        [ident.as_string(raw), list(names)]).fetchall())
    plan: Plan | None = None
    if all(oids.get(n) in _WIRE for n in names):
        wire = [_WIRE[oids[n]] for n in names]
        columns = sql.SQL(", ").join(sql.Identifier(n) for n in names)
        plan = Plan(
            statement=sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
                ident, columns).as_bytes(raw),
            types=[w[0] for w in wire], takes=tuple(w[1] for w in wire),
            json_at=tuple(i for i, n in enumerate(names) if oids[n] == _JSON),
            when_at=tuple(i for i, w in enumerate(wire) if w[0] == "timestamptz"),
            ranges=tuple((i, *w[2]) for i, w in enumerate(wire) if w[2] is not None))
    _PLANS[key] = plan
    return plan


def binary_values(plan: Plan, rows: list[dict[str, Any]], names: tuple[str, ...]
                  ) -> list[list[Any]] | None:
    """Each row's values ready for binary COPY, or None when one would not be exact."""
    out = []
    shapes, fits = plan.shapes, plan.fits
    when_at, ranges, json_at = plan.when_at, plan.ranges, plan.json_at
    for row in rows:
        values = list(map(row.__getitem__, names))
        shape = tuple(map(type, values))
        if shape not in shapes and not fits(shape):
            return None
        for i in when_at:
            when = values[i]
            if when is not None and when.tzinfo is not UTC and when.utcoffset() is None:
                return None  # naive: text COPY reads it in the session's time zone
        for i, low, high in ranges:
            number = values[i]
            if number is not None and not low <= number <= high:
                return None
        for i in json_at:
            if values[i] is not None:
                values[i] = json_text(values[i])
        out.append(values)
    return out


def copy_binary(raw: psycopg.Connection[Any], plan: Plan, values: list[list[Any]]) -> None:
    """Write the rows (psycopg errors propagate as they would from the text ``COPY``)."""
    with raw.cursor() as cursor, cursor.copy(plan.statement) as copy:
        copy.set_types(plan.types)
        for row in values:
            copy.write_row(row)
