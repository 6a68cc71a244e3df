"""The clearance decision for one vehicle pass: which trip, and may the lane open.

Input is plain facts (the pass-grade read and optionally its frame reads, the
lane, the trips the central service loaded for that gate, agreed hours
extensions); output is a :class:`DecisionResult` with reason codes and the
version of the rule set that produced it. No I/O, no clock: the same inputs and
rule version give the same decision, which is what makes a decision auditable.

Order of severity: ``manual`` (an officer must act) > ``inspect`` (red channel:
the truck goes to the inspection bay) > ``open``. Anything not positively
established (plate, trip, documents, hours) is ``manual``, never ``open``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from domain.candidate_index import CandidateIndex, index_of
from domain.hours import GATE_TZ, HoursExtension
from domain.matching import (
    Consensus,
    PlateIndex,
    aggregate,
    check_trailer,
    is_active,
    select_trip,
)
from domain.messages import Outcome, Reason
from domain.plates import normalise
from domain.reasons import reason
from domain.reference import Gate, Lane, LaneMode
from domain.rules import Context, RuleSet, default_rules
from domain.single_read import aggregate_one
from domain.trips import TripFacts

#: Version of the packaged rule table (``domain/data/rules.toml``).
RULES_VERSION = default_rules().version
#: Kept for callers of the spine: the packaged grace around a trip's window.
WINDOW_GRACE = default_rules().matching.window_grace

_SEVERITY: dict[str, int] = {"open": 0, "flag": 0, "inspect": 1, "manual": 2}


@dataclass(frozen=True, slots=True)
class PassEvidence:
    """The decision-grade read of one vehicle pass (or, with ``frames=1``, one frame read)."""

    lane_id: str
    plate: str | None
    confidence: float
    frames: int
    captured_at: datetime
    trailer_plate: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionResult:
    outcome: Outcome
    trip_id: str | None
    reasons: tuple[Reason, ...]
    rules_version: str = RULES_VERSION
    candidates: tuple[str, ...] = ()  # trip ids an officer should look at first
    plate: str | None = None  # the declared plate the read resolved to
    priority: bool = False  # perishable cargo: serve first
    distance: float | None = None  # look-alike distance of the read to ``plate``

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def _trip_ids(
    plates: Sequence[str], by_plate: dict[str, list[TripFacts]], limit: int = 8
) -> tuple[str, ...]:
    ids: list[str] = []
    for p in plates:
        ids.extend(t.trip_id for t in sorted(by_plate.get(p, ()), key=lambda t: t.trip_id))
    return tuple(dict.fromkeys(ids))[:limit]


def decide(
    *,
    evidence: PassEvidence,
    lane: Lane,
    gate: Gate,
    candidates: Sequence[TripFacts] | CandidateIndex,
    now: datetime,
    extensions: Sequence[HoursExtension] = (),
    frame_reads: Sequence[PassEvidence] = (),
    rules: RuleSet | None = None,
    tz: tzinfo = GATE_TZ,
) -> DecisionResult:
    """Decide for one pass.

    ``candidates``: trips the central service loaded for ``gate`` around ``now``
    in any status (used and cancelled trips explain themselves), as a list or as a
    :class:`~domain.candidate_index.CandidateIndex` built once for many decisions. ``frame_reads``:
    the frame-grade reads of the same pass, if kept; they are aggregated with the
    decision-grade read (frames reading another plate can stop an opening), and the
    edge's own ``evidence.frames`` still counts as support. ``extensions``: agreed
    hours extensions for the gate. ``rules``: another rule table (default: packaged).
    """
    ruleset = rules or default_rules()
    params = ruleset.matching
    version = ruleset.version

    def result(
        outcome: Outcome,
        codes: list[str],
        *,
        trip_id: str | None = None,
        shown: tuple[str, ...] = (),
        plate: str | None = None,
        priority: bool = False,
        distance: float | None = None,
    ) -> DecisionResult:
        if lane.mode == LaneMode.MANUAL:
            outcome, codes = "manual", [*codes, "LANE_MANUAL"]
        uniq = tuple(dict.fromkeys(codes))
        return DecisionResult(
            outcome, trip_id, tuple(reason(c) for c in uniq), version, shown, plate, priority,
            distance,
        )

    pass_text = normalise(evidence.plate) if evidence.plate else ""
    if frame_reads:
        reads = [(pass_text, 0)] + [(normalise(r.plate), 1) for r in frame_reads if r.plate]
    else:
        reads = [(pass_text, max(evidence.frames, 0))]
    if not any(text for text, _ in reads):
        return result("manual", ["NO_PLATE"])

    # One pass over the candidates keeps only the trips whose plate shares a look-alike
    # skeleton with some read: every plate closer than 1 to a read is among them.
    # The central service passes a prebuilt CandidateIndex, so this costs a few lookups.
    trips = index_of(candidates)
    by_plate = trips.by_plate_for(text for text, _ in reads)
    index = PlateIndex(by_plate, universe=lambda: trips.plates, ranker=trips.ranked)
    claimed = max(evidence.frames, 0) if frame_reads else 0
    cons: Consensus = (aggregate_one(*reads[0], index, params, claimed) if len(reads) == 1
                       else aggregate(reads, index, params, claimed))
    grace = params.window_grace

    if cons.status != "resolved" or cons.plate is None:
        code = {
            "none": "UNREGISTERED",
            "uncertain": "READ_UNCERTAIN",
            "ambiguous": "AMBIGUOUS_MATCH",
            "disagree": "READS_DISAGREE",
        }[cons.status]
        return result("manual", [code], shown=_trip_ids(cons.shown, trips.trips_of(cons.shown)))

    plate = cons.plate
    trip, blockers = select_trip(by_plate[plate], lane=lane, gate=gate, at=now, grace=grace)
    codes: list[str] = ["MATCHED"]
    outcome: Outcome = "open"
    severity = 0
    if blockers:
        codes.extend(blockers)
        severity = 2
    evidence_codes: list[str] = []
    if cons.support < params.min_frames:
        evidence_codes.append("TOO_FEW_FRAMES")
    if evidence.confidence < params.min_confidence:
        evidence_codes.append("LOW_CONFIDENCE")
    rivals = [
        p for p in cons.shown if p != plate
        and any(is_active(t, lane=lane, gate=gate, at=now, grace=grace) for t in by_plate[p])
    ]
    if rivals:
        evidence_codes.append("LOOKALIKE_CONFLICT")
    if trip is not None:
        trailer = check_trailer(
            trip.trailer_plate, normalise(evidence.trailer_plate or "") or None, params
        )
        if trailer:
            evidence_codes.append(trailer)
    if evidence_codes:
        codes.extend(evidence_codes)
        severity = 2

    priority = False
    if trip is not None and not blockers:
        ctx = Context(gate=gate, now=now, extensions=tuple(extensions), tz=tz)
        for finding in ruleset.evaluate(trip, ctx):
            codes.append(finding.code)
            severity = max(severity, _SEVERITY[finding.effect])
            priority = priority or finding.code == "PERISHABLE_PRIORITY"
    outcome = "manual" if severity == 2 else "inspect" if severity == 1 else "open"
    if outcome == "open" and lane.mode != LaneMode.MANUAL:
        codes.append("CLEARED_CONTACTLESS")
    shown = _trip_ids([plate, *rivals], by_plate)
    if trip is not None:
        shown = tuple(dict.fromkeys((trip.trip_id, *shown)))
    return result(
        outcome,
        codes,
        trip_id=trip.trip_id if trip is not None else None,
        shown=shown,
        plate=plate,
        priority=priority,
        distance=round(cons.distance, 3),
    )
