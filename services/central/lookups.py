"""What a batch of device messages looks up, loaded once per batch (``services.central.ingest``).

Why a separate object: each message would otherwise cost a dozen round trips
(its device, whether its event id or nonce was seen, the pass's frame reads,
the gate's candidate trips and hours extensions). Here they are loaded with a
few ``IN`` queries for the whole batch and kept up to date as the batch
applies messages, so the rows the batch adds are seen by its later messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, any_, bindparam, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from domain.candidate_index import CandidateIndex
from domain.clearance import PassEvidence
from domain.hours import HoursExtension
from domain.messages import BarrierStateV1, LocalDecisionV1, PlateReadV1
from services.central.candidates import TripCache
from services.central.facts import load_candidates
from services.commands import aware
from services.db.models import (
    BarrierEvent,
    Device,
    DeviceNonce,
    GateHoursExtension,
    LocalDecision,
    PlateRead,
)

DeviceMessage = PlateReadV1 | BarrierStateV1 | LocalDecisionV1
#: How far a batch's cached trips and extensions reach beyond the first read's time.
_CACHE_SLACK = timedelta(hours=1)


class Lookups:
    """Devices, seen event ids and nonces, frame reads, candidate trips, hours extensions."""

    def __init__(self, session: Session, *, candidate_window: timedelta,
                 trips: TripCache | None = None) -> None:
        self.session = session
        self.candidate_window = candidate_window
        self.trip_cache = trips
        self.devices: dict[str, Device | None] = {}
        self.owners: dict[tuple[str, str], str] = {}  # (kind, event_id) -> device
        self.nonces: dict[tuple[str, str], str | None] = {}  # (device, nonce) -> event_id
        self.frames: dict[tuple[str, str], list[PassEvidence]] = defaultdict(list)
        self._trips: dict[str, tuple[datetime, CandidateIndex]] = {}
        self._trip_span: dict[str, tuple[datetime, datetime]] = {}
        self._extensions: dict[str, tuple[datetime, list[HoursExtension]]] = {}

    def device(self, device_id: str) -> Device | None:
        if device_id in self.devices:
            return self.devices[device_id]
        return self.session.get(Device, device_id)

    def forget_trips(self) -> None:
        self._trips.clear()

    def prefetch(self, msgs: Sequence[DeviceMessage], *, look_first: bool = True) -> None:
        """Load what ``msgs`` will look up. Column lookups run as Core statements on the
        session's connection (same transaction): ORM entity handling cost more than the query.

        ``look_first=False`` skips asking which event ids and nonces are stored already: the
        unique constraints still refuse a second copy at insert, and the caller then redoes
        the batch looking first (see ``CentralService.process_batch``).
        """
        s = self.session
        core = s.connection()
        pg = core.dialect.name == "postgresql"
        devices = list({m.device_id for m in msgs} - set(self.devices))
        for chunk in _chunks(devices):
            self.devices.update({d: None for d in chunk})
            for device in s.execute(select(Device).where(Device.id.in_(chunk))).scalars():
                self.devices[device.id] = device
        tables: tuple[tuple[str, Any], ...] = () if not look_first else (
            ("reads", PlateRead), ("barrier", BarrierEvent), ("local", LocalDecision))
        for kind, model in tables:
            t = model.__table__.c
            ids = [m.event_id for m in msgs if kind_of(m) == kind]
            for chunk in _chunks(ids):
                for event_id, owner in core.execute(select(t.event_id, t.device_id)
                                                    .where(_among(t.event_id, chunk, pg))):
                    self.owners[(kind, event_id)] = owner
        keys = list({(m.device_id, m.nonce) for m in msgs}) if look_first else []
        n = DeviceNonce.__table__.c
        for chunk in _chunks(keys):
            wanted = set(chunk)
            where = (tuple_(n.device_id, n.nonce).in_(chunk) if not pg else
                     and_(_among(n.device_id, list({d for d, _ in chunk}), pg),
                          _among(n.nonce, [nonce for _, nonce in chunk], pg)))
            for device_id, nonce, event_id in core.execute(
                    select(n.device_id, n.nonce, n.event_id).where(where)):
                if (device_id, nonce) in wanted:  # the arrays' cross product is a superset
                    self.nonces[(device_id, nonce)] = event_id
        passes = list({m.pass_id for m in msgs if isinstance(m, PlateReadV1) and m.grade == "pass"})
        r = PlateRead.__table__.c
        for chunk in _chunks(passes):
            for row in core.execute(select(
                    r.device_id, r.pass_id, r.lane_id, r.plate, r.confidence, r.captured_at,
                    r.trailer_plate, r.country).where(_among(r.pass_id, chunk, pg),
                                                      r.grade == "frame")
                    .order_by(r.id)):
                self.frames[(row.device_id, row.pass_id)].append(PassEvidence(
                    lane_id=row.lane_id, plate=row.plate, confidence=row.confidence, frames=1,
                    captured_at=aware(row.captured_at), trailer_plate=row.trailer_plate,
                    country=row.country))

    def candidates(self, gate_id: str, at: datetime) -> CandidateIndex:
        """The gate's trips within ``candidate_window`` of ``at`` (as ``facts.load_candidates``)."""
        around = self.candidate_window
        cached = self._trips.get(gate_id)
        if cached is None or abs(at - cached[0]) > _CACHE_SLACK:
            facts = (self.trip_cache.load(self.session, gate_id=gate_id, at=at,
                                          around=around + _CACHE_SLACK)
                     if self.trip_cache is not None else
                     CandidateIndex(load_candidates(self.session, gate_id=gate_id, at=at,
                                                    around=around + _CACHE_SLACK)))
            cached = self._trips[gate_id] = (at, facts)
            self._trip_span[gate_id] = (min((t.window_end for t in facts.trips), default=at),
                                        max((t.window_start for t in facts.trips), default=at))
        earliest_end, latest_start = self._trip_span[gate_id]
        if earliest_end >= at - around and latest_start <= at + around:
            return cached[1]  # the usual case: every loaded trip is within the window
        return CandidateIndex(t for t in cached[1].trips
                              if t.window_end >= at - around and t.window_start <= at + around)

    def active_extensions(self, gate_id: str, at: datetime) -> list[HoursExtension]:
        cached = self._extensions.get(gate_id)
        if cached is None or abs(at - cached[0]) > _CACHE_SLACK:
            x = GateHoursExtension.__table__.c
            rows = self.session.connection().execute(select(
                x.gate_id, x.starts_at, x.ends_at, x.reference).where(
                x.gate_id == gate_id, x.revoked_at.is_(None),
                x.starts_at <= at + _CACHE_SLACK, x.ends_at > at - _CACHE_SLACK))
            cached = self._extensions[gate_id] = (at, [
                HoursExtension(r.gate_id, aware(r.starts_at), aware(r.ends_at), r.reference)
                for r in rows])
        return [e for e in cached[1] if e.starts_at <= at < e.ends_at]


def kind_of(msg: DeviceMessage) -> str:
    if isinstance(msg, LocalDecisionV1):
        return "local"
    return "reads" if isinstance(msg, PlateReadV1) else "barrier"


def _among(column: Any, values: Sequence[Any], pg: bool) -> Any:
    """``column IN (values)``; on PostgreSQL ``column = ANY(:array)``, one parameter.

    Why: an ``IN`` of 500 placeholders is a new statement text per batch size, which
    psycopg converts without its cache and PostgreSQL parses and plans afresh (a few
    percent of the worker's time); the array form is one short, reusable statement.
    """
    if not pg:
        return column.in_(values)
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
