"""Lane device identities as the centre knows them: id, lane, HMAC secret, enabled.

The centre verifies every device message with the secret stored here and checks
that the device belongs to the lane it publishes for; disabling a device makes
the centre refuse its messages at once (the broker credentials are revoked
separately, see ``smartgate devices``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.topics import check_id
from services.db.models import Device


class DeviceError(ValueError):
    """A device that cannot be registered (bad id, already registered)."""


def register_device(session: Session, *, device_id: str, lane_id: str, secret: str,
                    now: datetime) -> Device:
    """Register a new device (inside the caller's transaction)."""
    check_id(device_id, "device id")
    check_id(lane_id, "lane id")
    if len(secret) < 16:
        raise DeviceError("device secret too short (>= 16 characters)")
    if session.get(Device, device_id) is not None:
        raise DeviceError(f"device {device_id!r} is already registered")
    device = Device(id=device_id, lane_id=lane_id, secret=secret, enabled=True, created_at=now)
    session.add(device)
    session.flush()
    return device


def get_device(session: Session, *, device_id: str) -> Device | None:
    return session.get(Device, device_id)


def list_devices(session: Session, *, lane_id: str | None = None) -> list[Device]:
    stmt = select(Device).order_by(Device.id)
    if lane_id is not None:
        stmt = stmt.where(Device.lane_id == lane_id)
    return list(session.execute(stmt).scalars())


def set_enabled(session: Session, *, device_id: str, enabled: bool) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise DeviceError(f"unknown device {device_id!r}")
    device.enabled = enabled
    return device
