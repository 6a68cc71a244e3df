"""The centre's side of offline clearance: signed pre-clearance lists and its own heartbeat.

Why a loop that recomputes and compares: trips change through the carriers' API,
the console and the centre's own decisions, in other processes. Every
``refresh_s`` (and at once after a decision or a barrier report) the centre
computes each lane's list from the database and signs a *new version* only when its
content changed or half its life has passed; the list is published **retained** on
the lane's topic, so a lane that reconnects hears the latest one (a revocation
included) before anything else. Versions are allocated in the database (unique per
lane), so several instances never publish two lists under one version.

The heartbeat (:class:`domain.messages.CentreStatusV1`, retained, ``offline`` as the
last will) is what lets a lane notice the centre is gone while the broker is not.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload, sessionmaker

from domain import topics
from domain.lookalikes import cached_skeleton
from domain.messages import CentreStatusV1, PreclearanceListV1, PreclearanceV1
from domain.preclearance import clearable_span, fingerprint, matching_of
from domain.reference import LaneKind, Reference
from domain.rules import RuleSet, default_rules
from domain.signing import sign_centre
from domain.trips import CLEARABLE_STATUSES
from mqttio import Will
from services.central.facts import trip_facts
from services.central.link import Link
from services.commands import aware
from services.db.models import Device, PreclearanceList, Trip, new_id
from services.officers import active_extensions

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ListConfig:
    horizon: timedelta = timedelta(hours=4)
    ttl: timedelta = timedelta(hours=4)
    candidate_window: timedelta = timedelta(hours=48)


def instance_name(client_id: str) -> str:
    """A topic-safe name for this central instance."""
    name = re.sub(r"[^a-z0-9-]+", "-", client_id.lower()).strip("-")[:60]
    return name or "central"


Built = tuple[list[PreclearanceV1], list[str], dict[str, str]]
SpanCache = dict[tuple[object, ...], tuple[datetime, datetime] | None]
#: Per trip (and lane, extensions, rules): its rule checks by instant, across grid steps.
VerdictCache = dict[tuple[object, ...], dict[datetime, bool]]


def build_entries(session: Session, *, reference: Reference, lane_id: str, now: datetime,
                  config: ListConfig, rules: RuleSet, cache: SpanCache | None = None,
                  verdicts: VerdictCache | None = None) -> Built:
    """(entries, nearby declared plates that are not pre-cleared, trip id -> fingerprint).

    Only trips that could be cleared within the horizon are loaded in full; the closed
    set (``others``) needs nothing but the plates declared at the gate around now, as
    the centre loads them for a decision. ``cache`` keeps each trip's span while the
    trip, the time grid and the extensions stay the same (the rules are the costly part);
    ``verdicts`` keeps its rule checks by instant across grid steps, so a step computes
    only the instants that are new (a step's rebuild for 1,500 trips: 607 -> 128 ms of
    CPU, ``bench/preclearance.py``).
    """
    lane = reference.lane(lane_id)
    gate = reference.gate(lane.gate_id)
    grace = rules.matching.window_grace
    rows = session.execute(
        select(Trip).where(
            Trip.gate_id == gate.id, Trip.direction == str(lane.direction),
            Trip.status.in_([str(s) for s in CLEARABLE_STATUSES]),
            Trip.window_end >= now - grace, Trip.window_start <= now + config.horizon + grace)
        .options(selectinload(Trip.cargo), selectinload(Trip.documents))).scalars().all()
    trips = []
    for row in rows:
        try:
            trips.append(trip_facts(row))
        except ValueError:  # unknown direction/status: never pre-cleared (facts.py logs it)
            continue
    extensions = active_extensions(session, gate_id=gate.id, at=now)
    expected: dict[str, int] = {}
    for t in trips:  # a plate with two live trips here is the centre's DUPLICATE_TRIPS: manual
        expected[t.plate] = expected.get(t.plate, 0) + 1
    grid = int(now.timestamp() // 300)
    ext_key = tuple(sorted((e.gate_id, e.starts_at, e.ends_at) for e in extensions))
    entries, prints = [], {}
    for t in sorted(trips, key=lambda t: t.trip_id):
        if expected.get(t.plate, 0) != 1:
            continue
        print_ = fingerprint(t)
        key = (t.trip_id, print_, str(t.status), lane.id, grid, ext_key, rules.version)
        if cache is not None and key in cache:
            span = cache[key]
        else:
            memo = None
            if verdicts is not None:
                if len(verdicts) > 20_000:  # trips x lanes, as many as the span cache's
                    verdicts.clear()  # (each holds at most a horizon's ~50 instants)
                memo = verdicts.setdefault(
                    (t.trip_id, print_, str(t.status), lane.id, ext_key, rules.version), {})
            span = clearable_span(t, lane=lane, gate=gate, now=now, horizon=config.horizon,
                                  rules=rules, extensions=extensions, verdicts=memo)
            if cache is not None:
                if len(cache) > 20_000:
                    cache.clear()
                cache[key] = span
        if span is None:
            continue
        entries.append(PreclearanceV1(trip_id=t.trip_id, plate=t.plate,
                                      trailer_plate=t.trailer_plate, valid_from=span[0],
                                      valid_until=span[1]))
        prints[t.trip_id] = print_
    plates = {e.plate for e in entries}
    near = {cached_skeleton(p) for p in plates}
    declared = session.execute(
        select(Trip.plate).where(Trip.gate_id == gate.id,
                                 Trip.window_end >= now - config.candidate_window,
                                 Trip.window_start <= now + config.candidate_window)
        .distinct()).scalars().all()
    others = sorted({p for p in declared if p not in plates and cached_skeleton(p) in near})
    return entries, others, prints


def _inputs(session: Session, *, reference: Reference, lane_id: str, now: datetime,
            config: ListConfig, rules: RuleSet) -> str:
    """Digest of everything a lane's list depends on: unchanged, the list need not be rebuilt.

    Cheap (counts per status and the latest ``updated_at``): every trip creation, status
    change and amendment moves one of them.
    """
    gate_id = reference.lane(lane_id).gate_id
    rows = session.execute(
        select(Trip.status, func.count(), func.max(Trip.updated_at)).where(
            Trip.gate_id == gate_id, Trip.window_end >= now - config.candidate_window,
            Trip.window_start <= now + config.candidate_window).group_by(Trip.status)).all()
    exts = active_extensions(session, gate_id=gate_id, at=now)
    text = repr((sorted(tuple(map(str, r)) for r in rows), int(now.timestamp() // 300),
                 sorted((str(e.starts_at), str(e.ends_at)) for e in exts), rules.version))
    return hashlib.sha256(text.encode()).hexdigest()


def refresh_lane(session: Session, *, reference: Reference, lane_id: str, now: datetime,
                 config: ListConfig, signing_key: str, key_id: str,
                 rules: RuleSet | None = None, cache: SpanCache | None = None,
                 verdicts: VerdictCache | None = None,
                 seen: dict[str, str] | None = None) -> PreclearanceListV1 | None:
    """A new signed version of the lane's list when needed (caller's transaction), else None.

    ``seen`` (lane -> digest of the inputs last built from) skips the rebuild when nothing
    the list depends on changed and the list is not due for renewal.
    """
    ruleset = rules or default_rules()
    inputs = _inputs(session, reference=reference, lane_id=lane_id, now=now, config=config,
                     rules=ruleset) if seen is not None else ""
    latest = session.execute(
        select(PreclearanceList.version, PreclearanceList.digest, PreclearanceList.expires_at)
        .where(PreclearanceList.lane_id == lane_id)
        .order_by(PreclearanceList.version.desc()).limit(1)).one_or_none()
    fresh = latest is not None and aware(latest.expires_at) - now > config.ttl / 2
    if seen is not None and fresh and seen.get(lane_id) == inputs:
        return None
    entries, others, prints = build_entries(session, reference=reference, lane_id=lane_id,
                                            now=now, config=config, rules=ruleset, cache=cache,
                                            verdicts=verdicts)
    if seen is not None:
        seen[lane_id] = inputs
    matching = matching_of(ruleset.matching)
    digest = hashlib.sha256(json.dumps(
        {"entries": [e.model_dump(mode="json") for e in entries], "others": others,
         "rules": ruleset.version, "matching": matching.model_dump(),
         "facts": prints},  # an amended trip gets a new version (reconciliation compares)
        sort_keys=True).encode()).hexdigest()
    if latest is not None and latest.digest == digest and fresh:
        return None
    lst = sign_centre(PreclearanceListV1(
        list_id=new_id(), lane_id=lane_id, version=(latest.version + 1) if latest else 1,
        issued_at=now, expires_at=now + config.ttl, rules_version=ruleset.version,
        matching=matching, entries=tuple(entries), others=tuple(others), key_id=key_id,
    ), signing_key)
    session.add(PreclearanceList(id=lst.list_id, lane_id=lane_id, version=lst.version,
                                 issued_at=now, expires_at=lst.expires_at, digest=digest,
                                 entries=prints, payload=lst.to_json().decode()))
    session.flush()
    return lst


def lanes_with_devices(session: Session) -> list[str]:
    return sorted(set(session.execute(
        select(Device.lane_id).where(Device.enabled.is_(True))).scalars()))


class OfflineSupport:
    """The centre's heartbeat and list publisher, one thread; see the module docstring."""

    def __init__(self, *, sessions: sessionmaker[Session], reference: Reference,
                 client_id: str, signing_key: str, key_id: str, config: ListConfig,
                 refresh_s: float = 2.0, heartbeat_s: float = 5.0) -> None:
        self.sessions, self.reference = sessions, reference
        self.signing_key, self.key_id, self.config = signing_key, key_id, config
        self.refresh_s, self.heartbeat_s = refresh_s, heartbeat_s
        self.instance = instance_name(client_id)
        self.status_topic = topics.centre_status(self.instance)
        self.published = 0
        self._wake = threading.Event()
        self._beat_at = 0.0
        self._pruned_at = 0.0
        self._spans: SpanCache = {}
        self._verdicts: VerdictCache = {}
        self._seen: dict[str, str] = {}

    def _status(self, state: str, now: datetime) -> bytes:
        return CentreStatusV1(instance=self.instance, state=state, at=now).to_json()

    def will(self, now: datetime) -> Will:
        return Will(self.status_topic, self._status("offline", now))

    def online(self, now: datetime) -> tuple[str, bytes]:
        return self.status_topic, self._status("online", now)

    def wake(self) -> None:
        self._wake.set()

    def goodbye(self, link: Link, now: datetime) -> None:
        """A graceful stop says so at once (a crash leaves it to the last will)."""
        try:
            link.publish(self.status_topic, self._status("offline", now), qos=1, retain=True,
                         wait=2.0)
        except Exception as exc:
            log.warning("central: could not publish offline status: %r", exc)

    def run(self, stop: threading.Event, link: Callable[[], Link | None],
            clock: Callable[[], datetime]) -> None:
        was_connected = False
        while not stop.is_set():
            current = link()
            connected = current is not None and current.connected.is_set()
            if current is not None and connected:
                try:
                    if not was_connected:  # a list signed while the broker was away
                        self.republish(current)
                    self.tick(current, clock())
                except Exception as exc:  # the database may be down: lanes keep their list
                    log.warning("central: pre-clearance refresh failed: %r", exc)
                    connected = False  # try the republish again
            was_connected = connected
            self._wake.wait(self.refresh_s)
            self._wake.clear()
            stop.wait(min(1.0, self.refresh_s))  # a burst of decisions yields one refresh

    def republish(self, link: Link) -> None:
        """Every lane's latest list again (retained): none may be lost with a broker outage."""
        newest = (select(PreclearanceList.lane_id, func.max(PreclearanceList.version).label("v"))
                  .group_by(PreclearanceList.lane_id).subquery())
        with self.sessions() as session:
            latest = session.execute(
                select(PreclearanceList.lane_id, PreclearanceList.payload).join(
                    newest, (PreclearanceList.lane_id == newest.c.lane_id)
                    & (PreclearanceList.version == newest.c.v))).all()
        for lane_id, payload in latest:
            link.publish(topics.preclearance(lane_id), payload.encode(), qos=1, retain=True)

    def tick(self, link: Link, now: datetime) -> list[PreclearanceListV1]:
        if time.monotonic() - self._beat_at >= self.heartbeat_s:
            link.publish(self.status_topic, self._status("online", now), qos=1, retain=True)
            self._beat_at = time.monotonic()
        issued = []
        if time.monotonic() - self._pruned_at > 600:
            with self.sessions() as session, session.begin():
                # Lists long expired can go (no lane opens with them), but never a lane's
                # newest: its version is where the next one counts from.
                newer = aliased(PreclearanceList)
                session.execute(delete(PreclearanceList).where(
                    PreclearanceList.expires_at < now - timedelta(days=7),
                    select(newer.id).where(newer.lane_id == PreclearanceList.lane_id,
                                           newer.version > PreclearanceList.version).exists()))
            self._pruned_at = time.monotonic()
        with self.sessions() as session:
            lanes = lanes_with_devices(session)
        for lane_id in lanes:
            try:
                lane = self.reference.lane(lane_id)
            except KeyError:
                continue
            if lane.kind != LaneKind.BARRIER:  # a yard camera opens nothing: no list
                continue
            try:
                with self.sessions() as session, session.begin():
                    lst = refresh_lane(session, reference=self.reference, lane_id=lane_id,
                                       now=now, config=self.config, cache=self._spans,
                                       verdicts=self._verdicts,
                                       seen=self._seen,
                                       signing_key=self.signing_key, key_id=self.key_id)
            except IntegrityError:  # another instance issued this version: it publishes it
                continue
            except Exception:
                self._seen.pop(lane_id, None)  # not built after all: rebuild next time
                raise
            if lst is not None:
                link.publish(topics.preclearance(lane_id), lst.to_json(), qos=1, retain=True)
                self.published += 1
                issued.append(lst)
                log.info("central: pre-clearance list v%d for lane %s (%d trucks)",
                         lst.version, lane_id, len(lst.entries))
        return issued
