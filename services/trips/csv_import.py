"""Bulk CSV import of trips for large carriers, with a per-row error report.

Why each row in its own savepoint: one bad row (a mistyped plate) must not
sink the other 999; the good rows are created, the bad ones come back with the
column and the reason, so the carrier fixes only those and re-uploads the file.
Re-uploading is safe: a row's ``external_ref`` is its idempotency key, so rows
already imported are replayed, not duplicated.

One row is one trip with at most one cargo line (the common case at these
gates: one commodity per truck); richer trips use the JSON API.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from domain.reference import Reference
from services.db.models import Trip
from services.trips.errors import FieldProblem, TripInputError, TripStateError
from services.trips.schemas import TripCreate
from services.trips.service import TripPolicy, create_or_replay_trip

COLUMNS = ("external_ref", "plate", "trailer_plate", "gate_id", "direction", "window_start",
           "window_end", "declaration_no", "channel", "fee_paid", "hs_code", "description",
           "weight_kg", "perishable", "preferential_claim")
REQUIRED = ("plate", "gate_id", "direction", "window_start", "window_end")
_CARGO = ("hs_code", "description", "weight_kg", "perishable", "preferential_claim")
_TRUE = {"1", "true", "yes", "y", "x", "có", "co", "是"}
_FALSE = {"", "0", "false", "no", "n", "không", "khong", "否"}


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (encoding, header): nothing is imported."""


@dataclass
class RowResult:
    row: int  # 1-based line number in the file, header = 1
    external_ref: str | None
    trip: Trip | None = None
    created: bool = False
    problems: list[FieldProblem] = field(default_factory=list)


def _flag(value: str) -> bool | str:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return value  # let validation name it


def row_to_payload(raw: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the JSON body ``POST /api/v1/trips`` would receive."""
    data: dict[str, Any] = {}
    for name in ("plate", "trailer_plate", "gate_id", "direction", "window_start", "window_end",
                 "declaration_no", "channel"):
        value = (raw.get(name) or "").strip()
        if value or name in REQUIRED:
            data[name] = value if value else None
    data["fee_paid"] = _flag(raw.get("fee_paid") or "")
    if any((raw.get(c) or "").strip() for c in _CARGO):
        data["cargo"] = [{
            "hs_code": (raw.get("hs_code") or "").strip(),
            "description": (raw.get("description") or "").strip(),
            "weight_kg": (raw.get("weight_kg") or "").strip().replace(",", "."),
            "perishable": _flag(raw.get("perishable") or ""),
            "preferential_claim": _flag(raw.get("preferential_claim") or ""),
        }]
    return data


def parse_csv(content: bytes, *, max_rows: int) -> list[tuple[int, dict[str, str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFormatError("the file is not UTF-8") from exc
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": line ends stay for the csv module, which knows \r, \n and \r\n (a bare
    # \r otherwise made it raise "new-line character seen in unquoted field": a 500).
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        return _rows(reader, max_rows=max_rows)
    except csv.Error as exc:  # a field over the csv module's limit, a NUL byte, ...
        raise CsvFormatError(f"not a readable CSV file (line {reader.line_num}): {exc}") from exc


def _rows(reader: csv.DictReader[str], *, max_rows: int) -> list[tuple[int, dict[str, str]]]:
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvFormatError(f"missing column(s): {', '.join(missing)}")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise CsvFormatError(f"unknown column(s): {', '.join(unknown)}")
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, str]]] = []
    for raw in reader:
        if len(rows) >= max_rows:
            raise CsvFormatError(f"at most {max_rows} rows per file")
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        rows.append((reader.line_num, {k: v for k, v in raw.items() if isinstance(k, str)}))
    return rows


def _problems(exc: ValidationError) -> list[FieldProblem]:
    out = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        ctx = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, str | int)}
        out.append(FieldProblem(loc, str(err.get("type")), str(err.get("msg")), ctx))
    return out


def import_trips(
    session: Session, *, carrier_id: str, content: bytes, now: datetime, reference: Reference,
    policy: TripPolicy, trusted: bool = False, max_rows: int = 5000,
) -> list[RowResult]:
    """Create a trip per valid row; report every invalid row. Caller owns the transaction."""
    results = []
    for line, raw in parse_csv(content, max_rows=max_rows):
        ref = (raw.get("external_ref") or "").strip() or None
        result = RowResult(row=line, external_ref=ref)
        results.append(result)
        if ref is not None and len(ref) > 64:
            result.problems = [FieldProblem(("external_ref",), "string_too_long",
                                            "at most 64 characters", {"max_length": 64})]
            continue
        try:
            data = TripCreate.model_validate(row_to_payload(raw))
            with session.begin_nested():
                result.trip, result.created = create_or_replay_trip(
                    session, carrier_id=carrier_id, data=data, now=now, idempotency_key=ref,
                    reference=reference, policy=policy, trusted=trusted)
        except ValidationError as exc:
            result.problems = _problems(exc)
        except TripInputError as exc:
            result.problems = exc.problems
        except TripStateError as exc:
            result.problems = [FieldProblem((exc.field or "",), exc.code, str(exc), exc.params)]
    return results
