"""``/api/v1/vehicles`` and ``/api/v1/drivers``: the carrier's fleet (thin over services)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from gateway.api.errors import ERROR_RESPONSES
from gateway.deps import CallerDep, SessionDep, now
from services.trips import fleet

router = APIRouter(responses=ERROR_RESPONSES)
NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.post("/vehicles", response_model=fleet.VehicleRead, status_code=201, tags=["vehicles"],
             summary="Register a vehicle")
def create_vehicle(data: fleet.VehicleCreate, caller: CallerDep,
                   session: SessionDep) -> fleet.VehicleRead:
    with session.begin():
        row = fleet.create_vehicle(session, carrier_id=caller.carrier_id, data=data, now=now())
        return fleet.VehicleRead.model_validate(row)


@router.get("/vehicles", response_model=list[fleet.VehicleRead], tags=["vehicles"])
def list_vehicles(caller: CallerDep, session: SessionDep) -> list[fleet.VehicleRead]:
    with session.begin():
        return [fleet.VehicleRead.model_validate(v)
                for v in fleet.list_vehicles(session, carrier_id=caller.carrier_id)]


@router.get("/vehicles/{vehicle_id}", response_model=fleet.VehicleRead, tags=["vehicles"])
def get_vehicle(vehicle_id: str, caller: CallerDep, session: SessionDep) -> fleet.VehicleRead:
    with session.begin():
        return fleet.VehicleRead.model_validate(
            fleet.get_vehicle(session, carrier_id=caller.carrier_id, vehicle_id=vehicle_id))


@router.patch("/vehicles/{vehicle_id}", response_model=fleet.VehicleRead, tags=["vehicles"])
def update_vehicle(vehicle_id: str, data: fleet.VehicleUpdate, caller: CallerDep,
                   session: SessionDep) -> fleet.VehicleRead:
    with session.begin():
        return fleet.VehicleRead.model_validate(fleet.update_vehicle(
            session, carrier_id=caller.carrier_id, vehicle_id=vehicle_id, data=data))


@router.delete("/vehicles/{vehicle_id}", status_code=NO_CONTENT, tags=["vehicles"])
def delete_vehicle(vehicle_id: str, caller: CallerDep, session: SessionDep) -> Response:
    with session.begin():
        fleet.delete_vehicle(session, carrier_id=caller.carrier_id, vehicle_id=vehicle_id)
    return Response(status_code=NO_CONTENT)


@router.post("/drivers", response_model=fleet.DriverRead, status_code=201, tags=["drivers"],
             summary="Register a driver")
def create_driver(data: fleet.DriverCreate, caller: CallerDep,
                  session: SessionDep) -> fleet.DriverRead:
    with session.begin():
        row = fleet.create_driver(session, carrier_id=caller.carrier_id, data=data, now=now())
        return fleet.DriverRead.model_validate(row)


@router.get("/drivers", response_model=list[fleet.DriverRead], tags=["drivers"])
def list_drivers(caller: CallerDep, session: SessionDep) -> list[fleet.DriverRead]:
    with session.begin():
        return [fleet.DriverRead.model_validate(d)
                for d in fleet.list_drivers(session, carrier_id=caller.carrier_id)]


@router.get("/drivers/{driver_id}", response_model=fleet.DriverRead, tags=["drivers"])
def get_driver(driver_id: str, caller: CallerDep, session: SessionDep) -> fleet.DriverRead:
    with session.begin():
        return fleet.DriverRead.model_validate(
            fleet.get_driver(session, carrier_id=caller.carrier_id, driver_id=driver_id))


@router.patch("/drivers/{driver_id}", response_model=fleet.DriverRead, tags=["drivers"])
def update_driver(driver_id: str, data: fleet.DriverUpdate, caller: CallerDep,
                  session: SessionDep) -> fleet.DriverRead:
    with session.begin():
        return fleet.DriverRead.model_validate(fleet.update_driver(
            session, carrier_id=caller.carrier_id, driver_id=driver_id, data=data))


@router.delete("/drivers/{driver_id}", status_code=NO_CONTENT, tags=["drivers"])
def delete_driver(driver_id: str, caller: CallerDep, session: SessionDep) -> Response:
    with session.begin():
        fleet.delete_driver(session, carrier_id=caller.carrier_id, driver_id=driver_id)
    return Response(status_code=NO_CONTENT)
