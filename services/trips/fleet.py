"""A carrier's vehicles and drivers, declared once and referenced by trips.

Why keep vehicles at all when a trip can carry a bare plate: a registered
vehicle's plate was validated once and is reused, so the "one digit off"
mistakes happen less; a trip that names a ``vehicle_id`` copies its plate and
trailer at declaration time (amendable until arrival).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.plates import parse_plate
from services.db.models import Driver, Trip, Vehicle
from services.trips.errors import NotFound, TripInputError, TripStateError
from services.trips.schemas import PlateIn, TrailerIn, UtcDatetime
from services.trips.service import owned

_IN = ConfigDict(extra="forbid", str_strip_whitespace=True)
Name = Annotated[str, Field(min_length=1, max_length=200, examples=["Nguyễn Văn Bình"])]
DocNo = Annotated[str, Field(min_length=3, max_length=50, examples=["B1234567"])]
Phone = Annotated[str, Field(min_length=6, max_length=32, pattern=r"^\+?[0-9 .-]{6,31}$",
                             examples=["+84 912 345 678"])]


class VehicleCreate(BaseModel):
    model_config = _IN

    plate: PlateIn
    trailer_plate: TrailerIn | None = None


class VehicleUpdate(BaseModel):
    model_config = _IN

    trailer_plate: TrailerIn | None = None


class VehicleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    plate: str
    country: str
    trailer_plate: str | None
    created_at: UtcDatetime


class DriverCreate(BaseModel):
    model_config = _IN

    full_name: Name
    document_no: DocNo = Field(description="passport or border pass number")
    phone: Phone | None = None


class DriverUpdate(BaseModel):
    model_config = _IN

    full_name: Name | None = None
    document_no: DocNo | None = None
    phone: Phone | None = None


class DriverRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    full_name: str
    document_no: str
    phone: str | None
    created_at: UtcDatetime


def create_vehicle(session: Session, *, carrier_id: str, data: VehicleCreate,
                   now: datetime) -> Vehicle:
    vehicle = Vehicle(carrier_id=carrier_id, plate=data.plate,
                      country=parse_plate(data.plate).country, trailer_plate=data.trailer_plate,
                      created_at=now)
    try:
        with session.begin_nested():
            session.add(vehicle)
            session.flush()
    except IntegrityError:
        raise TripStateError("vehicle_exists", "this plate is already registered",
                             field="plate") from None
    return vehicle


def get_vehicle(session: Session, *, carrier_id: str, vehicle_id: str) -> Vehicle:
    vehicle = owned(session, Vehicle, carrier_id, vehicle_id)
    if vehicle is None:
        raise NotFound(vehicle_id)
    return vehicle


def list_vehicles(session: Session, *, carrier_id: str) -> list[Vehicle]:
    return list(session.scalars(select(Vehicle).where(Vehicle.carrier_id == carrier_id)
                                .order_by(Vehicle.plate)))


def update_vehicle(session: Session, *, carrier_id: str, vehicle_id: str,
                   data: VehicleUpdate) -> Vehicle:
    vehicle = get_vehicle(session, carrier_id=carrier_id, vehicle_id=vehicle_id)
    if "trailer_plate" in data.model_fields_set:
        vehicle.trailer_plate = data.trailer_plate
    session.flush()
    return vehicle


def delete_vehicle(session: Session, *, carrier_id: str, vehicle_id: str) -> None:
    vehicle = get_vehicle(session, carrier_id=carrier_id, vehicle_id=vehicle_id)
    if session.scalar(select(Trip.id).where(Trip.vehicle_id == vehicle.id).limit(1)):
        raise TripStateError("vehicle_in_use", "trips refer to this vehicle")
    session.delete(vehicle)
    session.flush()


def create_driver(session: Session, *, carrier_id: str, data: DriverCreate,
                  now: datetime) -> Driver:
    driver = Driver(carrier_id=carrier_id, full_name=data.full_name,
                    document_no=data.document_no, phone=data.phone, created_at=now)
    session.add(driver)
    session.flush()
    return driver


def get_driver(session: Session, *, carrier_id: str, driver_id: str) -> Driver:
    driver = owned(session, Driver, carrier_id, driver_id)
    if driver is None:
        raise NotFound(driver_id)
    return driver


def list_drivers(session: Session, *, carrier_id: str) -> list[Driver]:
    return list(session.scalars(select(Driver).where(Driver.carrier_id == carrier_id)
                                .order_by(Driver.full_name, Driver.id)))


def update_driver(session: Session, *, carrier_id: str, driver_id: str,
                  data: DriverUpdate) -> Driver:
    driver = get_driver(session, carrier_id=carrier_id, driver_id=driver_id)
    for name in data.model_fields_set:
        value = getattr(data, name)
        if value is None and name != "phone":
            raise TripInputError.one(name, "missing", f"{name} cannot be empty")
        setattr(driver, name, value)
    session.flush()
    return driver


def delete_driver(session: Session, *, carrier_id: str, driver_id: str) -> None:
    driver = get_driver(session, carrier_id=carrier_id, driver_id=driver_id)
    if session.scalar(select(Trip.id).where(Trip.driver_id == driver.id).limit(1)):
        raise TripStateError("driver_in_use", "trips refer to this driver")
    session.delete(driver)
    session.flush()

