"""Pydantic schemas of the carriers' trip API (requests and responses).

Why here and not in ``gateway``: the service functions take these schemas
(``create_trip(data=TripCreate)``) and ``services`` may not import the gateway.
Requests forbid unknown fields: a carrier cannot set server-owned fields such as
``status`` or ``decision`` by mass assignment; it gets a 422 naming the field.
Custom errors carry stable ``type`` codes (``plate_invalid``...) that the
gateway translates into Vietnamese, English and Chinese.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from domain.plates import Plate, PlateError, UnissuedProvince, parse_plate
from domain.reference import Direction
from domain.trips import Channel, DocumentKind, TripStatus


def _as_utc(value: datetime) -> datetime:
    """Rows from SQLite come back naive; every stored time is UTC, so say so on the wire."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: A datetime in responses: always timezone-aware (RFC 3339), whatever the database.
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]

_HS = re.compile(r"^\d{4}(?:\d{2}){0,3}$")
_DECLARATION = re.compile(r"^\d{12}$")


def _parsed(value: str) -> Plate | None:
    """The plate, ``None`` if it fits no format; a 422 of its own for a VN plate whose
    province code is not issued (91L65235): the carrier learns which part to fix, and no trip
    is declared for a plate that cannot exist."""
    try:
        return parse_plate(value)
    except UnissuedProvince as exc:
        raise PydanticCustomError(
            "plate_province_unissued", "province code {province} is not issued: {value}",
            {"province": exc.code, "value": value},
        ) from None
    except PlateError:
        return None


def canonical_plate(value: str) -> str:
    plate = _parsed(value)
    if plate is None:
        raise PydanticCustomError(
            "plate_invalid", "not a Vietnamese or Chinese plate: {value}", {"value": value}
        )
    return plate.canonical


def canonical_trailer(value: str) -> str:
    plate = _parsed(value)
    if plate is None or plate.kind != "trailer":
        raise PydanticCustomError(
            "trailer_invalid",
            "not a trailer plate (VN series R, e.g. 12R-012.34; CN ending in 挂): {value}",
            {"value": value},
        )
    return plate.canonical


def _hs_code(value: str) -> str:
    digits = value.replace(".", "").replace(" ", "")
    if not _HS.match(digits):
        raise PydanticCustomError("hs_code_invalid", "HS code must be 4, 6, 8 or 10 digits")
    return digits


def _declaration(value: str) -> str:
    if not _DECLARATION.match(value):
        raise PydanticCustomError("declaration_invalid",
                                  "a customs declaration number has 12 digits")
    return value


PlateIn = Annotated[
    str, Field(min_length=4, max_length=20, examples=["12C-123.45"]),
    AfterValidator(canonical_plate),
]
TrailerIn = Annotated[
    str, Field(min_length=4, max_length=20, examples=["12R-012.34"]),
    AfterValidator(canonical_trailer),
]
HsCode = Annotated[str, Field(min_length=4, max_length=13, examples=["08109010"]),
                   AfterValidator(_hs_code)]
DeclarationNo = Annotated[str, Field(min_length=12, max_length=12, examples=["105123456789"]),
                          AfterValidator(_declaration)]
RowId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[0-9a-f]{1,32}$")]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]

_IN = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CargoLineCreate(BaseModel):
    model_config = _IN

    hs_code: HsCode
    description: Annotated[str, Field(min_length=1, max_length=300, examples=["Dragon fruit"])]
    weight_kg: Annotated[float, Field(gt=0, le=60000, examples=[24000])]
    perishable: bool = False
    preferential_claim: bool = Field(False, description="e.g. ACFTA certificate of origin form E")


class DocumentCreate(BaseModel):
    model_config = _IN

    kind: DocumentKind
    number: Annotated[str, Field(min_length=1, max_length=64, examples=["PC-2026-001234"])]
    issuer: Annotated[str | None, Field(max_length=200, examples=["Plant Protection Dept."])] = None
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> DocumentCreate:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise PydanticCustomError("document_dates", "valid_to is before valid_from")
        return self


_TRIP_EXAMPLE: dict[str, Any] = {
    "plate": "12C-123.45",
    "trailer_plate": "12R-012.34",
    "gate_id": "huu-nghi-1119",
    "direction": "export",
    "window_start": "2026-11-23T08:00:00+07:00",
    "window_end": "2026-11-23T12:00:00+07:00",
    "declaration_no": "105123456789",
    "channel": "green",
    "fee_paid": True,
    "cargo": [{"hs_code": "08109010", "description": "Thanh long / dragon fruit",
               "weight_kg": 24000, "perishable": True, "preferential_claim": True}],
    "documents": [{"kind": "phytosanitary", "number": "PC-2026-001234",
                   "issuer": "Chi cục Kiểm dịch thực vật vùng VII", "valid_from": "2026-11-22",
                   "valid_to": "2026-12-22"}],
}


class TripCreate(BaseModel):
    """A trip as a carrier declares it. Either ``plate`` or one of the carrier's ``vehicle_id``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"examples": [_TRIP_EXAMPLE]})

    plate: PlateIn | None = None
    vehicle_id: RowId | None = None
    trailer_plate: TrailerIn | None = None
    driver_id: RowId | None = None
    gate_id: Annotated[str, Field(min_length=1, max_length=64, examples=["huu-nghi-1119"])]
    direction: Direction
    window_start: AwareDatetime
    window_end: AwareDatetime
    declaration_no: DeclarationNo | None = None
    channel: Channel | None = None
    fee_paid: bool = False
    cargo: Annotated[list[CargoLineCreate], Field(max_length=50)] = []
    documents: Annotated[list[DocumentCreate], Field(max_length=20)] = []
    draft: bool = Field(False, description="keep as a draft (not visible to the gate) until submit")

    @model_validator(mode="after")
    def _plate_and_window(self) -> TripCreate:
        if self.plate is None and self.vehicle_id is None:
            raise PydanticCustomError("plate_required", "give a plate or a vehicle_id")
        if self.window_end <= self.window_start:
            raise PydanticCustomError("window_order", "window_end must be after window_start")
        return self


class TripUpdate(BaseModel):
    """An amendment before arrival; only the fields sent change (``null`` clears the trailer)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"examples": [{"plate": "12C-123.46"},
                                                              {"trailer_plate": None}]})

    plate: PlateIn | None = None
    trailer_plate: TrailerIn | None = None
    driver_id: RowId | None = None
    window_start: AwareDatetime | None = None
    window_end: AwareDatetime | None = None
    declaration_no: DeclarationNo | None = None
    channel: Channel | None = None
    fee_paid: bool | None = None
    cargo: Annotated[list[CargoLineCreate] | None, Field(max_length=50)] = None
    documents: Annotated[list[DocumentCreate] | None, Field(max_length=20)] = None


class CargoLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    hs_code: str
    description: str
    weight_kg: float
    perishable: bool
    preferential_claim: bool


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    position: int
    kind: str
    number: str
    issuer: str | None
    valid_from: date | None
    valid_to: date | None
    file_name: str | None = None
    file_sha256: str | None = None


class ReasonRead(BaseModel):
    code: str
    vi: str = ""
    en: str = ""


class DecisionRead(BaseModel):
    outcome: str
    lane_id: str
    decided_at: UtcDatetime
    decided_by: str
    reasons: list[ReasonRead]


class TripRead(BaseModel):
    """A trip as the carrier sees it; ``status`` and ``decision`` are owned by the gate."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str = Field(description="goods movement reference to quote at the gate")
    status: TripStatus
    plate: str = Field(description="canonical plate (separators removed)")
    plate_display: str
    plate_problem: str | None = Field(
        None, description="set on a trip stored before its plate's province code was refused")
    vehicle_country: str
    trailer_plate: str | None
    vehicle_id: str | None
    driver_id: str | None
    gate_id: str
    direction: Direction
    window_start: UtcDatetime
    window_end: UtcDatetime
    declaration_no: str | None
    channel: Channel | None
    fee_paid: bool
    cargo: list[CargoLineRead]
    documents: list[DocumentRead]
    created_at: UtcDatetime
    updated_at: UtcDatetime
    cleared_at: UtcDatetime | None
    decision: DecisionRead | None = None


class TripPage(BaseModel):
    items: list[TripRead]
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page")


class AmendmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: UtcDatetime
    actor: str
    field: str
    old_value: str | None
    new_value: str | None


def display_plate(canonical: str) -> str:
    try:
        return parse_plate(canonical).display
    except ValueError:
        return canonical


def plate_problem(canonical: str) -> str | None:
    """Why a stored plate is no longer taken (a trip declared before the province codes were
    checked: "province code 91 is not issued"), else ``None``. Such a trip still loads, lists
    and shows (its plate as stored); this flag says why the gate will never read it."""
    try:
        parse_plate(canonical)
    except UnissuedProvince as exc:
        return f"province code {exc.code} is not issued"
    except PlateError:
        return None
    return None
