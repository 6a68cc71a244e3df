"""``POST /api/v1/trips/import``: bulk CSV with a per-row error report."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from gateway.api.errors import ERROR_RESPONSES, ApiError, ErrorItem, item
from gateway.deps import CallerDep, PolicyDep, ReferenceDep, SessionDep, SettingsDep, now
from services.trips.csv_import import COLUMNS, CsvFormatError, import_trips

router = APIRouter(tags=["trips"], responses=ERROR_RESPONSES)

EXAMPLE_CSV = (
    ",".join(COLUMNS) + "\n"
    "PO-1001,12C-123.45,12R-012.34,huu-nghi-1119,export,2026-11-23T08:00:00+07:00,"
    "2026-11-23T12:00:00+07:00,105123456789,green,yes,08109010,Thanh long,24000,yes,no\n"
)


class ImportRow(BaseModel):
    row: int = Field(description="line number in the file (the header is line 1)")
    external_ref: str | None
    trip_id: str | None
    reference: str | None
    created: bool = Field(description="false for a row already imported (same external_ref)")
    errors: list[ErrorItem]


class ImportReport(BaseModel):
    total: int
    imported: int
    failed: int
    rows: list[ImportRow]


def _column(loc: tuple[str | int, ...]) -> list[str | int]:
    # Cargo errors come as ("cargo", 0, "hs_code"): the CSV column is "hs_code".
    return [loc[-1]] if loc and loc[0] == "cargo" else list(loc)


@router.post(
    "/trips/import", response_model=ImportReport, summary="Import trips from CSV",
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
        "schema": {"type": "string"}, "example": EXAMPLE_CSV}}}},
)
async def import_csv(request: Request, caller: CallerDep, settings: SettingsDep,
                     reference: ReferenceDep, policy: PolicyDep) -> ImportReport:
    """Upload a UTF-8 CSV (comma, semicolon or tab separated) with the columns
    ``{}``. Good rows are created, bad rows are reported with the column and a
    vi/en/zh message; ``external_ref`` makes a re-upload safe (no duplicates)."""
    content = await request.body()
    if len(content) > 10 * 1024 * 1024:
        raise ApiError(413, "csv_invalid", reason="larger than 10 MB")
    sessions = request.app.state.sessions
    with sessions() as session, session.begin():
        return _run(session, content, caller, settings, reference, policy)


def _run(session: SessionDep, content: bytes, caller: CallerDep, settings: SettingsDep,
         reference: ReferenceDep, policy: PolicyDep) -> ImportReport:
    try:
        results = import_trips(session, carrier_id=caller.carrier_id, content=content,
                               now=now(), reference=reference, policy=policy,
                               trusted=caller.trusted, max_rows=settings.csv_max_rows)
    except CsvFormatError as exc:
        raise ApiError(422, "csv_invalid", "body", reason=str(exc)) from exc
    rows = [
        ImportRow(
            row=r.row, external_ref=r.external_ref,
            trip_id=r.trip.id if r.trip else None,
            reference=r.trip.reference if r.trip else None, created=r.created,
            errors=[ErrorItem.model_validate(item(_column(p.loc), p.code, p.message, **p.params))
                    for p in r.problems],
        )
        for r in results
    ]
    failed = sum(1 for r in rows if r.errors)
    return ImportReport(total=len(rows), imported=len(rows) - failed, failed=failed, rows=rows)


import_csv.__doc__ = (import_csv.__doc__ or "").format(", ".join(COLUMNS))
