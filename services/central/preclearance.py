"""Building a lane's signed pre-clearance list (the loop that publishes it: ``offline.py``).

Why recompute and compare: trips change through the carriers' API, the console and the
centre's own decisions, in other processes. The list is computed from the database and
a *new version* is signed only when its content changed or half its life has passed.
Versions are allocated in the database (unique per lane), so several instances never
publish two lists under one version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from domain.lookalikes import cached_skeleton
from domain.messages import PreclearanceListV1, PreclearanceV1
from domain.preclearance import GRID_STEP, clearable_span, fingerprint, matching_of
from domain.reference import Reference
from domain.rules import RuleSet, default_rules
from domain.signing import sign_centre
from domain.trips import CLEARABLE_STATUSES
from services.central.facts import trip_facts
from services.commands import aware
from services.db.models import PreclearanceList, Trip, new_id
from services.officers import active_extensions


@dataclass(frozen=True, slots=True)
class ListConfig:
    horizon: timedelta = timedelta(hours=4)
    ttl: timedelta = timedelta(hours=4)
    candidate_window: timedelta = timedelta(hours=48)


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
    grid = int(now.timestamp() // GRID_STEP.total_seconds())
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
    step = int(now.timestamp() // GRID_STEP.total_seconds())
    text = repr((sorted(tuple(map(str, r)) for r in rows), step,
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
