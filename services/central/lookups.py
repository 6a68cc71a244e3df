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
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
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


@dataclass(frozen=True, slots=True)
class KnownDevice:
    """What ingest reads of a device row (a plain row, not an ORM entity per batch)."""

    id: str
    lane_id: str
    secret: str
    enabled: bool


#: How far a batch's cached trips and extensions reach beyond the first read's time.
_CACHE_SLACK = timedelta(hours=1)


class Lookups:
    """Devices, seen event ids and nonces, frame reads, candidate trips, hours extensions."""

    def __init__(self, session: Session, *, candidate_window: timedelta,
                 trips: TripCache | None = None) -> None:
        self.session = session
        self.candidate_window = candidate_window
        self.trip_cache = trips
        self.devices: dict[str, KnownDevice | None] = {}
        self.owners: dict[tuple[str, str], str] = {}  # (kind, event_id) -> device
        self.nonces: dict[tuple[str, str], str | None] = {}  # (device, nonce) -> event_id
        self.frames: dict[tuple[str, str], list[PassEvidence]] = defaultdict(list)
        self._trips: dict[str, tuple[datetime, CandidateIndex]] = {}
        self._extensions: dict[str, tuple[datetime, list[HoursExtension]]] = {}

    def device(self, device_id: str) -> KnownDevice | None:
        if device_id not in self.devices:
            self._load_devices([device_id])
        return self.devices[device_id]

    def _load_devices(self, device_ids: Sequence[str]) -> None:
        core = self.session.connection()
        stmt = _statements(core.dialect.name == "postgresql")
        for chunk in _chunks(device_ids):
            self.devices.update({d: None for d in chunk})
            for row in core.execute(stmt.devices, {"ids": list(chunk)}):
                self.devices[row.id] = KnownDevice(row.id, row.lane_id, row.secret,
                                                   bool(row.enabled))

    def forget_trips(self) -> None:
        self._trips.clear()

    def prefetch(self, msgs: Sequence[DeviceMessage], *, look_first: bool = True) -> None:
        """Load what ``msgs`` will look up. Column lookups run as Core statements on the
        session's connection (same transaction): ORM entity handling cost more than the query.

        ``look_first=False`` skips asking which event ids and nonces are stored already: the
        unique constraints still refuse a second copy at insert, and the caller then redoes
        the batch looking first (see ``CentralService.process_batch``).
        """
        core = self.session.connection()
        pg = core.dialect.name == "postgresql"
        stmt = _statements(pg)
        self._load_devices(list({m.device_id for m in msgs} - set(self.devices)))
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
        for chunk in _chunks(passes):
            for row in core.execute(stmt.frames, {"passes": list(chunk)}):
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
        earliest_end, latest_start = cached[1].window_span(default=cached[0])
        if earliest_end >= at - around and latest_start <= at + around:
            return cached[1]  # the usual case: every loaded trip is within the window
        return CandidateIndex(t for t in cached[1].trips
                              if t.window_end >= at - around and t.window_start <= at + around)

    def active_extensions(self, gate_id: str, at: datetime) -> list[HoursExtension]:
        cached = self._extensions.get(gate_id)
        if cached is None or abs(at - cached[0]) > _CACHE_SLACK:
            core = self.session.connection()
            rows = core.execute(_statements(core.dialect.name == "postgresql").extensions,
                                {"gate": gate_id, "before": at + _CACHE_SLACK,
                                 "after": at - _CACHE_SLACK})
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


def _among_param(column: Any, name: str, pg: bool) -> Any:
    """:func:`_among` with its values bound at execution, as parameter ``name``."""
    if not pg:
        return column.in_(bindparam(name, expanding=True))
    return column == any_(bindparam(name, type_=ARRAY(column.type)))


@dataclass(frozen=True, slots=True)
class _Statements:
    devices: Any
    frames: Any
    extensions: Any


@cache
def _statements(pg: bool) -> _Statements:
    """The per-batch lookups, built once per dialect with named parameters.

    Why: building a ``select()`` and its cache key costs ~4x its execution on a warm
    connection (~150 us against ~50 us each, measured); a batch ran four of them, which
    made up much of the fixed cost that small batches (the usual ones at a lane's pace)
    pay per event. Same SQL, same parameters, same transaction.
    """
    d, r, x = Device.__table__.c, PlateRead.__table__.c, GateHoursExtension.__table__.c
    return _Statements(
        devices=select(d.id, d.lane_id, d.secret, d.enabled).where(_among_param(d.id, "ids", pg)),
        frames=select(r.device_id, r.pass_id, r.lane_id, r.plate, r.confidence, r.captured_at,
                      r.trailer_plate, r.country)
        .where(_among_param(r.pass_id, "passes", pg), r.grade == "frame").order_by(r.id),
        extensions=select(x.gate_id, x.starts_at, x.ends_at, x.reference).where(
            x.gate_id == bindparam("gate"), x.revoked_at.is_(None),
            x.starts_at <= bindparam("before"), x.ends_at > bindparam("after")),
    )


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
