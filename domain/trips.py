"""What the clearance logic knows about a pre-declared trip, free of any storage.

The database rows (``services.db.models``) and the carriers' API schemas
(``gateway``) are converted to these plain, frozen facts before matching and
clearance rules run, so the rules are testable with nothing but Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.reference import Direction


class TripStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ARRIVED = "arrived"
    IN_YARD = "in_yard"
    CLEARED = "cleared"
    HELD = "held"
    REFUSED = "refused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


#: Statuses in which a truck may still be cleared at a lane.
CLEARABLE_STATUSES = frozenset({TripStatus.SUBMITTED, TripStatus.ARRIVED, TripStatus.IN_YARD})


class Channel(StrEnum):
    """Vietnamese customs risk channels."""

    GREEN = "green"  # release
    YELLOW = "yellow"  # document check by an officer
    RED = "red"  # physical inspection


class DocumentKind(StrEnum):
    PHYTOSANITARY = "phytosanitary"
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin"
    VEHICLE_SAFETY = "vehicle_safety"  # technical safety & environmental quality certificate
    CROSS_BORDER_PERMIT = "cross_border_permit"  # VN-CN road transport agreement
    FEE_RECEIPT = "fee_receipt"  # infrastructure-use fee
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class CargoLine:
    hs_code: str
    description: str
    weight_kg: float
    perishable: bool = False
    preferential_claim: bool = False  # e.g. ACFTA form E


@dataclass(frozen=True, slots=True)
class Document:
    kind: DocumentKind
    number: str
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)


@dataclass(frozen=True, slots=True)
class TripFacts:
    """Everything a clearance decision may depend on, for one declared trip."""

    trip_id: str
    carrier_id: str
    plate: str  # canonical (domain.plates.normalise)
    gate_id: str
    direction: Direction
    window_start: datetime
    window_end: datetime
    status: TripStatus
    trailer_plate: str | None = None
    declaration_no: str | None = None
    channel: Channel | None = None
    cargo: tuple[CargoLine, ...] = ()
    documents: tuple[Document, ...] = ()
    fee_paid: bool = False
    vehicle_country: str = "VN"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def perishable(self) -> bool:
        return any(line.perishable for line in self.cargo)
