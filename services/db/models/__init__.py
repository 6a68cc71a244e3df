"""Typed SQLAlchemy 2.0 models: the central database of the smart gate, one module per area.

``base`` (the declarative base, naming convention, id minting), ``carriers`` (who may declare
trips), ``trips`` (what reads are matched against), ``lanes`` (what lanes send and the centre
answers) and ``gate`` (officers, the audit chain, hours extensions). Importing this package
registers every table on ``Base.metadata``, which Alembic and the tests rely on; callers import
models from here, not from the area modules.
"""

from services.db.models.base import NAMING_CONVENTION, Base, new_id
from services.db.models.carriers import (
    ApiKey,
    Carrier,
    CarrierUser,
    Driver,
    Vehicle,
    WebhookDelivery,
    WebhookEndpoint,
)
from services.db.models.gate import AuditEvent, GateHoursExtension, Officer
from services.db.models.lanes import (
    BarrierEvent,
    Decision,
    Device,
    DeviceNonce,
    LaneCommand,
    LocalDecision,
    PlateRead,
    PreclearanceList,
    RejectedMessage,
)
from services.db.models.trips import CargoLine, Trip, TripAmendment, TripDocument

__all__ = [
    "NAMING_CONVENTION",
    "ApiKey",
    "AuditEvent",
    "BarrierEvent",
    "Base",
    "CargoLine",
    "Carrier",
    "CarrierUser",
    "Decision",
    "Device",
    "DeviceNonce",
    "Driver",
    "GateHoursExtension",
    "LaneCommand",
    "LocalDecision",
    "Officer",
    "PlateRead",
    "PreclearanceList",
    "RejectedMessage",
    "Trip",
    "TripAmendment",
    "TripDocument",
    "Vehicle",
    "WebhookDelivery",
    "WebhookEndpoint",
    "new_id",
]
