"""The declarative base of the central database: naming convention, id minting, types.

Conventions: string primary keys minted by the application (uuid4 hex), so ids
can be created at the edge or in a request before any database round trip;
timestamps are timezone-aware UTC; enums are stored as their string values so
the tables stay readable from psql. Idempotency lives in unique constraints
(``plate_reads.event_id``, ``barrier_events.event_id``): a redelivered MQTT
message hits the constraint and changes nothing.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """``uuid.uuid4().hex``, bit for bit, without building a ``UUID`` (the central worker mints
    two ids per plate read, and the object was most of their cost)."""
    n = int.from_bytes(os.urandom(16), "big")
    n = (n & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    n = (n & ~(0xF000 << 64)) | (4 << 76)  # version 4
    return f"{n:032x}"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }
